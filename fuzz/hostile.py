"""Hostile configuration and input: each case must be refused (or, for a regex that would
backtrack elsewhere, run in linear time) with a one-line message, fast.

    .venv/bin/python fuzz/hostile.py            # table: case, exit code, time, message

Each case is run twice: in process (the time the refusal itself takes, what a server or an
editor plugin pays) and as a real `voicecheck` command (exit code, stderr, wall time including
the interpreter start). tests/test_adversarial_config.py runs the same cases in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]

GOOD_REPLY = "Thanks for waiting, Sam. Your order ships today and arrives on Friday.\n"


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def quadratic_aliases() -> str:
    # one big anchor referenced many times: few bytes, millions of values
    return "big: &big [" + ",".join(["x"] * 5000) + "]\nrefs: [" + ",".join(["*big"] * 5000) + "]\n"


def deep_flow() -> str:
    return "brand: " + "[" * 100_000 + "]" * 100_000 + "\n"


def deep_block() -> str:
    return "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v: 1\n"


def huge_guide() -> str:
    return "brand: '" + "x" * 3_000_000 + "'\n"


def regex_guide(pattern: str) -> str:
    return f"banned:\n  - pattern: '{pattern}'\n    reason: hostile\n"


def expansion_bomb() -> str:
    alternatives = "{" + "|".join(f"w{i}" for i in range(10)) + "}"
    return f"banned:\n  - phrase: \"{' '.join([alternatives] * 8)}\"\n    reason: bomb\n"


def many_phrase_variants() -> str:
    """500 phrases of 1,024 variants each: every one under the per-phrase limit, a million in
    all (93 KB)."""
    groups = " ".join(f"{{a{{n}}x{j}|b{{n}}x{j}}}" for j in range(10))
    return "banned:\n" + "".join(f"  - phrase: \"{groups.replace('{n}', str(n))}\"\n"
                                 for n in range(500))


def wildcard_phrases() -> str:
    """24 phrases that end at eleven places after every "the" and reach each place by up to
    1,024 paths ("{*|the}": a wildcard and the word itself)."""
    return "banned:\n" + "".join(f"  - phrase: \"the {' '.join(['{*|the}'] * 9)} {{*|* *|w{n}}}\"\n"
                                 for n in range(24))


def many_terms() -> str:
    return "banned:\n" + "".join(f"  - phrase: \"phrase number {i}\"\n" for i in range(30_000))


def template_guide(template: str) -> dict[str, str]:
    return {".voicecheck.yaml": "rewrite:\n  templates: tpl\n", "tpl/apology.j2": template}


@dataclass
class Case:
    name: str
    files: dict[str, str | bytes]          # relative path -> content, written in a temp folder
    argv: list[str]                        # voicecheck arguments; {dir} is the temp folder
    expect_exit: int = 2
    expect: str = ""                       # a substring of the one stderr line
    stdin: bytes | None = None
    setup: Callable[[Path], None] | None = None


def _symlink_loops(folder: Path) -> None:
    lib = folder / "lib"
    lib.mkdir()
    (lib / "a.md").write_text(GOOD_REPLY, encoding="utf-8")
    os.symlink("../lib", lib / "loop")
    os.symlink("self", lib / "self")
    os.symlink("b", lib / "c")
    os.symlink("c", lib / "b")


def _device_links(folder: Path) -> None:
    """Links to /dev/zero where a library file and a template would be: size checks see 0."""
    (folder / "lib").mkdir(exist_ok=True)
    (folder / "lib" / "a.md").write_text(GOOD_REPLY, encoding="utf-8")
    os.symlink("/dev/zero", folder / "lib" / "zero.txt")
    (folder / "tpl").mkdir(exist_ok=True)
    os.symlink("/dev/zero", folder / "tpl" / "apology.j2")


CASES = [
    Case("billion laughs (YAML alias bomb)", {"g.yaml": billion_laughs()},
         ["guide", "validate", "{dir}/g.yaml"], expect="alias bomb"),
    Case("quadratic aliases (5,000 x 5,000)", {"g.yaml": quadratic_aliases()},
         ["guide", "validate", "{dir}/g.yaml"], expect="alias bomb"),
    Case("deeply nested flow YAML (100,000 levels)", {"g.yaml": deep_flow()},
         ["guide", "validate", "{dir}/g.yaml"], expect="nest"),
    Case("deeply nested block YAML (200 levels)", {"g.yaml": deep_block()},
         ["guide", "validate", "{dir}/g.yaml"], expect="nested deeper"),
    Case("Python object tag", {"g.yaml": "brand: !!python/object/apply:os.system ['id']\n"},
         ["guide", "validate", "{dir}/g.yaml"], expect="E100"),
    Case("3 MB guide", {"g.yaml": huge_guide()}, ["guide", "validate", "{dir}/g.yaml"],
         expect="larger than"),
    Case("30,000 banned phrases (accepted)", {"g.yaml": many_terms()},
         ["check", "--guide", "{dir}/g.yaml", "--lang", "en", "-"], expect_exit=0,
         stdin=GOOD_REPLY.encode()),
    Case("phrase alternatives bomb (10^8 variants)", {"g.yaml": expansion_bomb()},
         ["check", "--guide", "{dir}/g.yaml", "--lang", "en", "-"], expect="variants",
         stdin=GOOD_REPLY.encode()),
    Case("500 phrases of 1,024 variants (a million in all)", {"g.yaml": many_phrase_variants()},
         ["check", "--guide", "{dir}/g.yaml", "--lang", "en", "-"], expect="variants in all",
         stdin=GOOD_REPLY.encode()),
    Case("24 wildcard phrases on a 5,000-word reply", {"g.yaml": wildcard_phrases()},
         ["check", "--guide", "{dir}/g.yaml", "--lang", "en", "--fail-on", "never", "-"],
         expect_exit=0, stdin=b"the " * 5000),
    Case("catastrophic regex (a+)+$ on 100,000 a's", {"g.yaml": regex_guide("(a+)+$")},
         ["check", "--guide", "{dir}/g.yaml", "--lang", "en", "--fail-on", "never", "-"],
         expect_exit=0, stdin=b"a" * 100_000 + b"!"),
    Case("look-around regex", {"g.yaml": regex_guide("(?<=a)b")},
         ["guide", "validate", "{dir}/g.yaml"], expect="look-around"),
    Case("back-reference regex", {"g.yaml": regex_guide("(a)\\1")},
         ["guide", "validate", "{dir}/g.yaml"], expect="back-references"),
    Case("regex over RE2's memory budget", {"g.yaml": regex_guide("((a{100}){100}){100}")},
         ["guide", "validate", "{dir}/g.yaml"], expect="bad regex"),
    Case("extends loop", {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
         ["guide", "validate", "{dir}/a.yaml"], expect="extends loop"),
    Case("5 MB draft", {"d.txt": "Thanks for waiting. " * 250_000},
         ["check", "{dir}/d.txt"], expect="larger than"),
    Case("binary draft (NUL bytes)", {"d.txt": b"\x89PNG\r\n\x1a\n\x00\x00"},
         ["check", "{dir}/d.txt"], expect="NUL"),
    Case("invalid UTF-8 draft", {"d.txt": b"caf\xe9 au lait"}, ["check", "{dir}/d.txt"],
         expect="not valid UTF-8"),
    Case("integer of 5,000 digits in a guide", {"g.yaml": "readability:\n  max_sentence_words: "
                                                      + "1" * 5000 + "\n"},
         ["guide", "validate", "{dir}/g.yaml"], expect="too many digits"),
    Case("integer of 5,000 digits in a JSON library",
         {"lib.json": '[{"id": ' + "1" * 5000 + ', "text": "Thanks for waiting."}]'},
         ["lint", "{dir}/lib.json", "--lang", "en", "--no-cache"], expect="too many digits"),
    Case("integer of 5,000 digits in a YAML library",
         {"lib.yaml": "- id: " + "1" * 5000 + "\n  text: Thanks for waiting.\n"},
         ["lint", "{dir}/lib.yaml", "--lang", "en", "--no-cache"], expect="too many digits"),
    Case("/dev/zero as the draft (endless, size 0)", {}, ["check", "--lang", "en", "/dev/zero"],
         expect="not a regular file"),
    Case("guide that extends /dev/zero", {"g.yaml": "extends: /dev/zero\n"},
         ["check", "--guide", "{dir}/g.yaml", "--lang", "en", "-"], expect="not a regular file",
         stdin=GOOD_REPLY.encode()),
    Case("template linked to /dev/zero", {"g.yaml": "rewrite:\n  templates: tpl\n"},
         ["guide", "validate", "{dir}/g.yaml"], expect="not a regular file",
         setup=_device_links),
    Case("link to /dev/zero inside a linted folder", {},
         ["lint", "{dir}/lib", "--lang", "en", "--no-cache"], expect="not a regular file",
         setup=_device_links),
    Case("symlink loops inside a linted folder", {}, ["lint", "{dir}/lib", "--lang", "en",
                                                      "--no-cache", "--exit-zero"],
         expect_exit=0, setup=_symlink_loops),
    Case("symlink loop named on the command line", {}, ["lint", "{dir}/lib/self", "--no-cache"],
         expect="", setup=_symlink_loops),
    Case("Jinja sandbox escape (__class__)",
         template_guide("{{ ''.__class__.__mro__[1].__subclasses__() }}"),
         ["guide", "validate", "{dir}/.voicecheck.yaml"], expect="E24"),
    Case("Jinja globals escape (cycler.__init__.__globals__)",
         template_guide("{{ cycler.__init__.__globals__.os.popen('id').read() }}"),
         ["guide", "validate", "{dir}/.voicecheck.yaml"], expect="E24"),
    Case("Jinja huge loop (range(10**9))",
         template_guide("{% for i in range(10**9) %}x{% endfor %}"),
         ["guide", "validate", "{dir}/.voicecheck.yaml"], expect="E24"),
    Case("Jinja huge output ('x' * 10**8)", template_guide("{{ 'x' * 10**8 }}"),
         ["guide", "validate", "{dir}/.voicecheck.yaml"], expect="E24"),
    Case("Jinja doubling with '~' (20 lines: 2 GB)",
         template_guide("{% set v0 = 'x' * 2000 %}" + "".join(
             f"{{% set v{i + 1} = v{i} ~ v{i} %}}" for i in range(20)) + "{{ v20|length }}"),
         ["guide", "validate", "{dir}/.voicecheck.yaml"], expect="E243"),
    Case("Jinja recursive macro",
         template_guide("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"),
         ["guide", "validate", "{dir}/.voicecheck.yaml"], expect="E24"),
]


@dataclass
class Outcome:
    code: int
    stderr: str
    seconds: float


def _prepare(case: Case, folder: Path) -> list[str]:
    """Write the case's files into `folder`, run its setup; its argv for that folder."""
    for rel, content in case.files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.setup:
        case.setup(folder)
    return [a.replace("{dir}", str(folder)) for a in case.argv]


def run_case(case: Case, folder: Path, timeout: float = 60) -> Outcome:
    """Write the case's files into `folder` and run its command."""
    argv = _prepare(case, folder)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "voicecheck", *argv], input=case.stdin,
                          capture_output=True, timeout=timeout, cwd=folder)
    return Outcome(done.returncode, done.stderr.decode("utf-8", "replace"),
                   time.perf_counter() - start)


FLOORS = {  # the same command on harmless input: interpreter start, imports, model loading
    "guide": ["guide", "validate", "{dir}/ok.yaml"],
    "check": ["check", "--lang", "en", "{dir}/ok.txt"],
    "lint": ["lint", "--lang", "en", "--no-cache", "{dir}/ok.txt"],
}


def floor_seconds(kind: str, folder: Path) -> float:
    """Wall time of the harmless command of `kind` (best of two)."""
    (folder / "ok.yaml").write_text("brand: Ok\n", encoding="utf-8")
    (folder / "ok.txt").write_text(GOOD_REPLY, encoding="utf-8")
    argv = [a.replace("{dir}", str(folder)) for a in FLOORS[kind]]
    times = []
    for _ in range(2):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "voicecheck", *argv], capture_output=True,
                       check=False)
        times.append(time.perf_counter() - start)
    return min(times)


def run_in_process(case: Case, folder: Path) -> Outcome:
    """The same command through click's test runner in this (warm) process: what the refusal
    itself costs once the interpreter, spaCy and the packs are loaded."""
    from click.testing import CliRunner

    from voicecheck.cli import main as cli

    argv = _prepare(case, folder)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        start = time.perf_counter()
        result = CliRunner().invoke(cli, argv, input=case.stdin)
        seconds = time.perf_counter() - start
    finally:
        os.chdir(cwd)
    return Outcome(result.exit_code, result.stderr if result.stderr_bytes else "", seconds)


def verdict(case: Case, outcome: Outcome) -> str:
    lines = outcome.stderr.strip().splitlines()
    if "Traceback" in outcome.stderr:
        return "TRACEBACK"
    if outcome.code != case.expect_exit:
        return f"exit {outcome.code}"
    if case.expect_exit == 2 and (len(lines) != 1 or case.expect not in lines[0]):
        return "not one line" if len(lines) != 1 else "unexpected message"
    return "ok"


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        floors = {kind: floor_seconds(kind, Path(tmp)) for kind in FLOORS}
        for kind in FLOORS:  # warm this process: imports, spaCy, packs, tone model
            run_in_process(Case("warm", {}, FLOORS[kind]), Path(tmp))
    print("the same commands on harmless input (start-up floor): " + ", ".join(
        f"{kind} {seconds:.2f} s" for kind, seconds in floors.items()) + "\n")
    print("| case | result | exit | command wall (s) | over the floor (s) | in process, warm (s) "
          "| message |")
    print("|---|---|---:|---:|---:|---:|---|")
    bad = 0
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            outcome = run_case(case, Path(tmp))
        with tempfile.TemporaryDirectory() as tmp2:
            warm = run_in_process(case, Path(tmp2)).seconds
        result = verdict(case, outcome)
        bad += result != "ok"
        line = outcome.stderr.strip().splitlines()[-1:] or [""]
        message = line[0].replace(tmp, "…").replace("|", "\\|")[:110]
        over = outcome.seconds - floors[case.argv[0]]
        print(f"| {case.name} | {result} | {outcome.code} | {outcome.seconds:.2f} | "
              f"{over:+.2f} | {warm:.2f} | {message} |")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
