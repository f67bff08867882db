"""Long-running fuzzer for voicecheck: check(), byte decoding, the guide loader and the readers.

    .venv/bin/python fuzz/fuzz_voicecheck.py --count 100000            # all targets, seed 0
    .venv/bin/python fuzz/fuzz_voicecheck.py --target guide --count 5000 --seed 7
    .venv/bin/python fuzz/fuzz_voicecheck.py --atheris -atheris_runs=100000   # coverage-guided

Invariants checked on every input:
- nothing but `VoicecheckError` escapes (and its message is one line);
- every finding satisfies `original[start:end] == text`, `0 <= start <= end <= len(original)`,
  `(line, column) == line_col(original, start)`, suggestions lie inside the original, findings
  are sorted, and the report is JSON-serialisable;
- readers: every reply offset maps inside the decoded source file, monotonically, and
  `position()` agrees with counting line breaks.

Every failing input is saved under `--out` (default `fuzz/crashes/`, git-ignored) with the
traceback, and the run ends with a count per target, the slowest input, and the exit status
1 if anything failed. The random generator is seeded: `--seed S --start N` reproduces input N.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen  # noqa: E402  (the fuzz folder is not a package)

from voicecheck.model import VoicecheckError, line_col  # noqa: E402

LANG_CHOICES = (None, None, "en", "id", "ms", "fa")
CHANNELS = (None, None, None, "twitter_public", "email", "sms", "dm")


class InvariantError(AssertionError):
    """An input broke one of the invariants (not a crash, but a bug all the same)."""


# --- targets -------------------------------------------------------------------------------

class Fuzzer:
    def __init__(self, tmp: Path) -> None:
        from voicecheck.checks.registry import LANGS, pack_rules
        from voicecheck.engine import Checker

        self.tmp = tmp
        self.checker = Checker()
        self.phrases = sorted({ex.text for lang in LANGS for rule in pack_rules(lang)
                               for ex in rule.examples_bad if len(ex.text) < 120})
        self.readers = _readers_module()

    def check_text(self, text: str, rng: random.Random, checker: Any = None) -> None:
        checker = checker or self.checker
        customer = gen.reply_text(rng, 6) if rng.random() < 0.1 else None
        try:
            report = checker.check(text, lang=rng.choice(LANG_CHOICES),
                                   channel=rng.choice(CHANNELS), customer=customer)
        except VoicecheckError as exc:
            _one_line(exc)
            return
        verify_report(text, report)

    def target_check(self, rng: random.Random) -> None:
        if rng.random() < 0.0004:
            text = gen.huge_line(rng)
        else:
            text = gen.reply_text(rng, rng.choice((5, 20, 60)), self.phrases)
        self.check_text(text, rng)

    def target_bytes(self, rng: random.Random) -> None:
        from voicecheck.io.inputs import decode, read_text

        raw = gen.mutate_bytes(rng, gen.reply_text(rng, 20, self.phrases)
                               .encode("utf-8", "surrogatepass"))
        try:
            if rng.random() < 0.05:
                path = self.tmp / "draft.txt"
                path.write_bytes(raw)
                text = read_text(str(path))
            else:
                text = decode(raw, "draft.txt")
        except VoicecheckError as exc:
            _one_line(exc)
            return
        if not isinstance(text, str):
            raise InvariantError("decode returned a non-string")
        self.check_text(text, rng)

    def target_guide(self, rng: random.Random) -> None:
        from voicecheck.engine import Checker
        from voicecheck.guide import load_guide

        text = random_guide(rng)
        path = self.tmp / ".voicecheck.yaml"
        if rng.random() < 0.3:
            path.write_bytes(gen.mutate_bytes(rng, text.encode("utf-8", "surrogatepass")))
        else:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            guide = load_guide(path)
            # Building a checker compiles the guide's terms and patterns: do it for a share.
            if rng.random() < 0.08:
                self.check_text(gen.reply_text(rng, 20, self.phrases), rng, Checker(guide))
        except VoicecheckError as exc:
            _one_line(exc)

    def target_readers(self, rng: random.Random) -> None:
        if self.readers is None:
            return
        fmt = rng.choice(self.readers.FORMATS)
        content = random_library(rng, fmt)
        if rng.random() < 0.3:
            content = gen.mutate_bytes(rng, content)
        suffix = {"zendesk": "json", "freshdesk": "json", "helpscout": "json",
                  "front": "json"}.get(fmt, fmt)
        path = self.tmp / f"library.{suffix}"
        path.write_bytes(content)
        try:
            source = self.readers.read_library(path, fmt if rng.random() < 0.5 else None)
        except VoicecheckError as exc:
            _one_line(exc)
            return
        verify_source(source)
        for reply in source.replies[:3]:
            if reply.text.strip():
                self.check_text(reply.text, rng)


def _readers_module() -> Any:
    try:
        from voicecheck.io import readers
    except ImportError:
        return None
    return readers


# --- invariants ----------------------------------------------------------------------------

def _one_line(exc: VoicecheckError) -> None:
    message = str(exc)
    if "\n" in message or "\r" in message:
        raise InvariantError(f"error message is not one line: {message!r}")


def _line_col_index(text: str) -> Callable[[int], tuple[int, int]]:
    """`line_col(text, offset)` in log time (a 1 MB reply can have 250,000 findings)."""
    if len(text) < 10_000:
        return lambda offset: line_col(text, offset)
    newlines = [i for i, c in enumerate(text) if c == "\n"]

    def at(offset: int) -> tuple[int, int]:
        before = bisect.bisect_left(newlines, offset)
        return before + 1, offset - (newlines[before - 1] if before else -1)
    return at


def verify_report(text: str, report: Any) -> None:
    """Raise InvariantError unless every finding points at the original text."""
    previous = -1
    line_col_of = _line_col_index(text)
    for f in report.findings:
        if not 0 <= f.start <= f.end <= len(text):
            raise InvariantError(f"{f.code} span {f.start}:{f.end} outside 0:{len(text)}")
        if text[f.start:f.end] != f.text:
            raise InvariantError(f"{f.code} text {f.text!r} != original "
                                 f"{text[f.start:f.end]!r}")
        if (f.line, f.column) != line_col_of(f.start):
            raise InvariantError(f"{f.code} line/column {(f.line, f.column)} != "
                                 f"{line_col_of(f.start)}")
        for s in f.suggestions:
            if not 0 <= s.start <= s.end <= len(text):
                raise InvariantError(f"{f.code} suggestion span {s.start}:{s.end} outside")
        if f.start < previous:
            raise InvariantError("findings are not sorted by position")
        previous = f.start
    json.dumps(report.to_dict(), ensure_ascii=False)


def verify_source(source: Any) -> None:
    """Raise InvariantError unless every reply maps inside its decoded source file."""
    n = len(source.text)
    lone_cr = source.text.count("\r") != source.text.count("\r\n")
    for reply in source.replies:
        last = 0
        for i in range(0, len(reply.text) + 1, max(1, len(reply.text) // 50)):
            offset = reply.source_offset(i)
            if not 0 <= offset <= n:
                raise InvariantError(f"{reply.reply_id}: offset {i} maps to {offset} "
                                     f"outside 0:{n}")
            if offset < last:
                raise InvariantError(f"{reply.reply_id}: offsets go backwards at {i}")
            last = offset
            if offset < n and not lone_cr:
                position = tuple(source.position(offset))
                if position != line_col(source.text, offset):
                    raise InvariantError(f"position({offset}) = {position}, counted "
                                         f"{line_col(source.text, offset)}")


# --- structured inputs ---------------------------------------------------------------------

GUIDE_KEYS = ["extends", "brand", "languages", "voice", "banned", "preferred", "jargon",
              "readability", "channels", "style", "rules", "ignore", "thresholds",
              "formalty", "banned_phrases"]


def random_guide(rng: random.Random) -> str:
    """A style guide of random shape: mostly plausible keys, some wrong, some hostile."""
    s = lambda: gen.yaml_scalar(rng)  # noqa: E731
    lines = []
    for key in rng.sample(GUIDE_KEYS, rng.randint(0, 6)):
        if key == "extends":
            lines.append(f"extends: {rng.choice(['default', 'formal', 'friendly', 'nope', s()])}")
        elif key in ("banned", "preferred", "jargon", "ignore"):
            lines.append(f"{key}:")
            for _ in range(rng.randint(0, 4)):
                if key == "banned":
                    field = rng.choice(["phrase", "phrase", "pattern"])
                    value = s() if field == "phrase" else rng.choice(REGEXES + [s()])
                    lines.append(f"  - {{{field}: {value}, reason: {s()}}}")
                elif key == "preferred":
                    lines.append(f"  - {{use: {s()}, instead_of: [{s()}, {s()}]}}")
                else:
                    lines.append(f"  - {s()}")
        elif key in ("voice", "readability", "channels", "style", "thresholds", "rules"):
            lines.append(f"{key}:")
            for sub in rng.sample(SUBKEYS[key], rng.randint(0, len(SUBKEYS[key]))):
                lines.append(f"  {sub}: {rng.choice(VALUES + [s()])}")
        else:
            lines.append(f"{key}: {s()}")
    if rng.random() < 0.05:
        lines.append("nest: " + "[" * rng.randint(30, 3000) + "]" * rng.randint(0, 3000))
    if rng.random() < 0.05:
        lines.append("a: &a [x, x, x, x, x, x, x, x, x]")
        for prev, name in zip("abcdefg", "bcdefgh"):
            lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + rng.choice(["\n", "", "\r\n"])


REGEXES = ["'(a+)+$'", "'(a|a)*b'", "'(?<=x)y'", "'(x)\\1'", "''", "'.*'", "'[z-a]'",
           "'guarantee(d|s)?'", "'\\bref(und)?s?\\b'", "'(((((((((((a)))))))))))'",
           "'" + "a?" * 40 + "a" * 40 + "'", "'\\p{Arabic}+'", "'[\\x{0}-\\x{10FFFF}]{1000}'"]
SUBKEYS = {
    "voice": ["formality", "address", "tone"],
    "readability": ["max_sentence_words", "min_reading_ease", "max_lix", "min_words"],
    "channels": ["twitter_public", "sms", "mine", "email"],
    "style": ["max_exclamations", "max_emoji", "all_caps", "acronyms"],
    "thresholds": ["warn_below", "fail_below"],
    "rules": ["VC110", "VC999", "robotic-apology", "VC301", "VC222"],
}
VALUES = ["formal", "casual", "neutral", "off", "error", "warning", "0", "-1", "35", "1e9",
          "[]", "{}", "{max_chars: 280, public: true}", "{max_chars: -5}", "{id: formal}",
          "[FAQ, OTP]", "never", "allow", "null", "101"]


def random_library(rng: random.Random, fmt: str) -> bytes:
    """A canned-reply library file of format `fmt`, with hostile reply bodies."""
    bodies = [gen.reply_text(rng, 12) for _ in range(rng.randint(0, 5))]
    ids = [rng.choice(["a", "b", "ref-1", "", "x" * 50, gen.random_chars(rng, 3)])
           for _ in bodies]
    if fmt == "txt":
        text = bodies[0] if bodies else ""
    elif fmt == "md":
        text = "".join(f"{'#' * rng.randint(1, 7)} {i}\n\n{b}\n\n" +
                       ("<!-- voicecheck: disable=VC110 -->\n" if rng.random() < 0.2 else "")
                       for i, b in zip(ids, bodies))
        if rng.random() < 0.2:
            text = "---\nlang: en\n---\n" + text
    elif fmt == "yaml":
        text = "replies:\n" + "".join(
            f"  - id: {json.dumps(i)}\n    body: |\n" +
            "".join(f"      {line}\n" for line in b.splitlines() or [""])
            for i, b in zip(ids, bodies))
    elif fmt == "csv":
        text = "id,title,body,lang\n" + "".join(
            f'{i},"t","{b.replace(chr(34), chr(34) * 2)}",en\n' for i, b in zip(ids, bodies))
    else:
        records = [{"id": i, "title": "t", "body": b, "text": b, "content": b,
                    "content_html": f"<p>{b}</p><script>x</script><br>&amp;",
                    "name": i, "subject": "s",
                    "actions": [{"field": "comment_value_html", "value": f"<div>{b}</div>"}]}
                   for i, b in zip(ids, bodies)]
        shape = {"zendesk": {"macros": records}, "freshdesk": records,
                 "helpscout": {"_embedded": {"replies": records}},
                 "front": {"_results": records}}.get(fmt, records)
        text = json.dumps(shape, ensure_ascii=rng.random() < 0.5)
    return text.encode("utf-8", "surrogatepass")


# --- driver --------------------------------------------------------------------------------

TARGETS = {"check": 0.55, "bytes": 0.2, "guide": 0.1, "readers": 0.15}


def run(count: int, seed: int, start: int, targets: list[str], out: Path,
        time_limit: float) -> int:
    with tempfile.TemporaryDirectory(prefix="vcfuzz-") as tmp:
        fuzzer = Fuzzer(Path(tmp))
        if fuzzer.readers is None and "readers" in targets:
            print("readers: voicecheck/io/readers.py not present yet, skipped", file=sys.stderr)
            targets = [t for t in targets if t != "readers"]
        weights = [TARGETS[t] for t in targets]
        funcs: dict[str, Callable[[random.Random], None]] = {
            t: getattr(fuzzer, f"target_{t}") for t in targets}
        done: Counter[str] = Counter()
        failed: Counter[str] = Counter()
        slowest = (0.0, "", -1)
        began = time.perf_counter()
        for n in range(start, start + count):
            rng = random.Random(f"{seed}:{n}")
            target = rng.choices(targets, weights)[0]
            t0 = time.perf_counter()
            try:
                funcs[target](rng)
            except Exception as exc:  # noqa: BLE001  (any escape is what we are looking for)
                failed[target] += 1
                _save(out, seed, n, target, exc)
            took = time.perf_counter() - t0
            if took > slowest[0]:
                slowest = (took, target, n)
            done[target] += 1
            total = sum(done.values())
            if total % 5000 == 0:
                print(f"  {total:,} inputs, {sum(failed.values())} failures, "
                      f"{time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
            if time_limit and time.perf_counter() - began > time_limit:
                print(f"time limit of {time_limit:.0f} s reached", file=sys.stderr)
                break
        elapsed = time.perf_counter() - began
    total = sum(done.values())
    print(f"{total:,} inputs in {elapsed:.0f} s ({total / max(elapsed, 1e-9):.0f}/s), "
          f"{sum(failed.values())} failures; seed {seed}")
    for t in targets:
        print(f"  {t:8} {done[t]:>8,} inputs  {failed[t]:>4} failures")
    print(f"  slowest input: {slowest[0]:.2f} s ({slowest[1]}, --seed {seed} --start "
          f"{slowest[2]} --count 1)")
    return 1 if failed else 0


def _save(out: Path, seed: int, n: int, target: str, exc: Exception) -> None:
    out.mkdir(parents=True, exist_ok=True)
    name = f"{target}-{seed}-{n}.txt"
    detail = "".join(traceback.format_exception(exc))
    (out / name).write_text(f"reproduce: .venv/bin/python fuzz/fuzz_voicecheck.py --target "
                            f"{target} --seed {seed} --start {n} --count 1\n\n{detail}",
                            encoding="utf-8", errors="backslashreplace")
    print(f"FAIL {target} #{n}: {type(exc).__name__}: {str(exc)[:200]!r} -> {out / name}",
          file=sys.stderr, flush=True)


def run_atheris(argv: list[str]) -> None:
    """Coverage-guided: atheris feeds bytes; they seed the same structured generators."""
    import atheris

    with atheris.instrument_imports():
        import voicecheck.engine  # noqa: F401
    tmp = Path(tempfile.mkdtemp(prefix="vcfuzz-"))
    fuzzer = Fuzzer(tmp)

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        which = fdp.ConsumeIntInRange(0, 3)
        rng = random.Random(fdp.ConsumeBytes(8))
        if which == 0:
            fuzzer.check_text(fdp.ConsumeUnicode(4096), rng)
        elif which == 1:
            fuzzer.target_bytes(rng)
        elif which == 2:
            fuzzer.target_guide(rng)
        else:
            fuzzer.target_readers(rng)

    atheris.Setup(argv, one)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="index of the first input")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="only these targets (repeatable; default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "fuzz" / "crashes")
    parser.add_argument("--time-limit", type=float, default=0, help="stop after SECONDS")
    parser.add_argument("--atheris", action="store_true",
                        help="coverage-guided with atheris (pip install atheris); "
                             "pass libFuzzer flags after --, e.g. -- -atheris_runs=100000")
    args, rest = parser.parse_known_args()
    if args.atheris:
        run_atheris([sys.argv[0], *[a for a in rest if a != "--"]])
        return 0
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    return run(args.count, args.seed, args.start, args.target or list(TARGETS), args.out,
               args.time_limit)


if __name__ == "__main__":
    sys.exit(main())
