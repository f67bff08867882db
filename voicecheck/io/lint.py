"""`voicecheck lint`: check every reply of a canned-response library.

Files and folders are walked (the guide's `lint.exclude` patterns, gitignore syntax, leave
some out), each file is read by its reader (`voicecheck/io/readers.py`) into replies, the
replies are checked — in worker processes forked after the checkers are loaded, so no worker
loads a model or a rule pack again — and each finding is moved back to its line and column in
the file. Then suppression comments, the guide's per-path ignores and a baseline filter what
is reported, and a content-hash cache (`.voicecheck_cache/`) lets an unchanged file skip all
of it next time.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicecheck.guide import find_guide
from voicecheck.guide.schema import did_you_mean, rule_codes
from voicecheck.io.lintrun import LintRun
from voicecheck.model import Finding, Report, Suggestion, VoicecheckError
from voicecheck.paths import (TooLarge, data_dir, read_limited, replace_file, umask_mode,
                              write_atomic)

if TYPE_CHECKING:  # the engine is imported only when something has to be checked
    from voicecheck.engine import Checker

EXTENSIONS = {".txt": "txt", ".md": "md", ".markdown": "md", ".yaml": "yaml", ".yml": "yaml",
              ".json": "json", ".csv": "csv", ".tsv": "csv"}
SKIP_DIRS = {".git", ".hg", ".svn", ".voicecheck_cache", "node_modules", "__pycache__", ".venv",
             "venv", ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
CACHE_VERSION = 3
BASELINE_FORMAT = 1
# below this many replies to check, worker processes cost more than they save
PARALLEL_MIN = 400


@dataclass
class LintOptions:
    guide: str | None = None          # --guide; else the nearest .voicecheck.yaml per file
    input_format: str | None = None   # --input-format; else by extension / content
    fields: dict[str, str] = field(default_factory=dict)  # --id-field … override the guide
    lang: str | None = None
    channel: str | None = None
    jobs: int | None = None           # None: every core
    cache: bool = True
    cache_dir: str | None = None      # default: ./.voicecheck_cache
    baseline: str | None = None
    force_exclude: bool = False       # apply excludes to files named on the command line too
    progress: Callable[[int, int], None] | None = None  # (done, total) bytes of files
    version: str = ""                 # the tool's version (cache keys, baseline files)
    skip: tuple[str, ...] = ()        # files never to read as a library (baseline, report)


# --------------------------------------------------------------------------- discovery


def _spec(patterns: Iterable[str]) -> Any:
    """A gitignore-style matcher of `patterns`; None when there are none (pathspec, whose
    import costs as much as a cached run's decoding of 4,000 reports, is then not loaded)."""
    patterns = tuple(patterns)
    if not patterns:
        return None
    from voicecheck.guide.patterns import glob_spec

    return glob_spec(patterns)  # validated with the guide: cannot fail here


@dataclass
class _GuideInfo:
    key: str | None              # guide path, or None for the built-in default
    guide: Any
    root: Path                   # excludes and per-path ignores are relative to here
    exclude: Any
    ignores: list[tuple[Any, frozenset[str]]]
    fields: dict[str, str]
    channel: str | None
    fingerprint: str
    _checker: Checker | None = None

    @property
    def checker(self) -> Checker:
        """The guide's Checker, made on first use: a run whose files all come from the cache
        never loads the rule packs, templates or model."""
        if self._checker is None:
            from voicecheck.engine import Checker

            self._checker = Checker(self.guide, placeholders_ok=True)
        return self._checker


class _Guides:
    def __init__(self, options: LintOptions, known: Mapping[str, str]) -> None:
        self.options = options
        self.known = known
        self._by_key: dict[str | None, _GuideInfo] = {}
        self._dir_cache: dict[Path, str | None] = {}

    def for_file(self, path: Path) -> _GuideInfo:
        if self.options.guide:
            key: str | None = self.options.guide
        else:
            folder = path.parent.resolve()
            if folder not in self._dir_cache:
                found = find_guide(path)
                self._dir_cache[folder] = str(found) if found else None
            key = self._dir_cache[folder]
        info = self._by_key.get(key)
        if info is None:
            info = self._load(key)
            self._by_key[key] = info
        return info

    def _load(self, key: str | None) -> _GuideInfo:
        from voicecheck.guide import load_guide

        guide = load_guide(key)
        is_file = key is not None and Path(key).exists()
        root = Path(key).resolve().parent if is_file else Path.cwd()
        lint = guide.lint
        ignores = []
        for pattern, codes in lint.get("per_path_ignores", {}).items():
            ignores.append((_spec([pattern]), frozenset(
                rule_codes(codes, self.known, "lint.per_path_ignores",
                           *guide.ignore_lines.get(pattern, (guide.source, ()))))))
        fingerprint = hashlib.sha256(repr(guide).encode("utf-8", "surrogatepass")).hexdigest()
        return _GuideInfo(key, guide, root, _spec(list(lint.get("exclude", ())) +
                                                    list(guide.ignore)),
                          ignores, dict(lint.get("fields", {})), lint.get("channel"),
                          fingerprint)

    def all(self) -> list[_GuideInfo]:
        return list(self._by_key.values())


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def _excluded(path: Path, info: _GuideInfo) -> bool:
    if info.exclude is None:
        return False
    rel = _relative(path, info.root)
    return rel is not None and info.exclude.match_file(rel)


def _regular(path: Path) -> bool:
    """A regular file, or a link to one (a dangling or looping link counts as one here: it is
    reported by `add` below)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def discover(paths: Iterable[str], guides: _Guides, options: LintOptions,
             errors: list[VoicecheckError]) -> list[Path]:
    """The files to lint, in a stable order: explicit files as given, folders walked
    (without following symlinked folders, so a symlink loop cannot trap the walk)."""
    out: list[Path] = []
    seen: set[Path] = {Path(p).resolve() for p in options.skip}

    def add(path: Path) -> None:
        try:
            key = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # a symlink loop or a dangling link
            reason = "symlink loop" if isinstance(exc, RuntimeError) or getattr(
                exc, "errno", None) == errno.ELOOP else "cannot be read"
            errors.append(VoicecheckError(reason, path=str(path), code="E221"))
            return
        if key not in seen:
            seen.add(key)
            out.append(path)

    for raw in paths:
        path = Path(raw)
        try:
            exists = path.exists()
        except OSError:  # ELOOP on Python versions that raise it from exists()
            exists = False
        if not exists:
            what = "no such file or folder"
            if path.is_symlink():
                try:
                    os.stat(path)
                except OSError as exc:
                    what = "symlink loop" if exc.errno == errno.ELOOP else \
                        "symlink to nothing (no such file or folder)"
            errors.append(VoicecheckError(what, path=raw, code="E221"))
            continue
        if path.is_dir():
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    file = Path(folder) / name
                    if file.suffix.lower() not in EXTENSIONS and not options.input_format:
                        continue
                    if not _regular(file):  # a device or pipe (or a link to one) in a folder
                        errors.append(VoicecheckError("not a regular file (a device, pipe or "
                                                      "socket)", path=str(file), code="E221"))
                        continue
                    if _excluded(file, guides.for_file(file)):
                        continue
                    add(file)
        else:
            if options.force_exclude and _excluded(path, guides.for_file(path)):
                continue
            add(path)
    return out


# --------------------------------------------------------------------------- checking

_WORKER_CHECKERS: dict[str | None, Checker] = {}
Batch = tuple[int, int, list[tuple[str | None, str, str | None, str | None]]]


def _check_batch(batch: Batch) -> tuple[int, int, list[Any]]:
    """Check a batch of replies of one file: (file index, first reply, results)."""
    index, first, tasks = batch
    out: list[Any] = []
    for key, text, lang, channel in tasks:
        checker = _WORKER_CHECKERS[key]
        try:
            out.append(checker.check(text, lang=lang, channel=channel))
        except VoicecheckError as error:  # e.g. an unknown channel named by a reply
            out.append(error)
    return index, first, out


def _check_batch_packed(batch: Batch) -> tuple[int, int, list[Any]]:
    """`_check_batch` in a worker process: reports go back as plain lists without the reply
    text (the parent has it), which pickles several times faster than the objects."""
    index, first, results = _check_batch(batch)
    return index, first, [r if isinstance(r, VoicecheckError) else _pack(r) for r in results]


def _pack(report: Report) -> list[Any]:
    """A Report as plain lists, without its path and text: what workers send back."""
    return [report.language, report.verdict, report.score, report.scores, report.extra,
            [[f.code, f.rule, f.severity, f.message, f.start, f.end, f.line, f.column, f.text,
              [[s.text, s.start, s.end, s.safe] for s in f.suggestions], f.dimension]
             for f in report.findings]]


def _slot_builder(cls: type) -> Callable[..., Any]:
    """A positional constructor of a frozen slots dataclass that sets each slot through its
    descriptor. The cache decoder and the parent of worker processes build tens of thousands
    of findings and reports, and a frozen dataclass's __init__ sets every field through
    object.__setattr__, which looks the name up again: this takes half the time. Generated
    from the class's own fields, as dataclasses generate __init__, so it cannot fall behind
    the model (tests/test_lint.py compares the objects with the constructors')."""
    from dataclasses import fields

    names = [f.name for f in fields(cls)]
    namespace = {"_new": object.__new__, "_cls": cls,
                 **{f"_set_{name}": cls.__dict__[name].__set__ for name in names}}
    body = "".join(f"    _set_{name}(obj, {name})\n" for name in names)
    exec(f"def build({', '.join(names)}):\n    obj = _new(_cls)\n{body}    return obj\n",
         namespace)
    return namespace["build"]


_finding = _slot_builder(Finding)
_report = _slot_builder(Report)
_suggestion = _slot_builder(Suggestion)


def _unpack(packed: list[Any], text: str, path: str | None = None,
            position: Callable[[int], tuple[int, int]] | None = None) -> Report:
    """The Report `_pack` made plain, from a worker process; `position` (reply offset → file
    line and column) places the findings as they are built, instead of building them twice."""
    language, verdict, score, scores, extra, items = packed
    findings = []
    for code, rule, severity, message, start, end, line, column, found, fixes, dim in items:
        if position is not None:
            line, column = position(start)
        findings.append(_finding(code, rule, severity, message, start, end, line, column,
                                 found, tuple(_suggestion(fix, a, b, bool(safe))
                                              for fix, a, b, safe in fixes) if fixes else (),
                                 dim))
    return _report(path, language, verdict, score, scores, tuple(findings), text, extra)


def _init_spawned(keys: list[str | None]) -> None:  # pragma: no cover - non-fork platforms
    from voicecheck.engine import Checker

    for key in keys:
        _WORKER_CHECKERS[key] = Checker(key, placeholders_ok=True)


def _warm(checker: Checker) -> None:
    """Load everything a check needs (pipelines, rule tries, model) before forking."""
    for lang in checker.guide.languages:
        checker.check("Thanks for your message.", lang=lang)


def _jobs(requested: int | None) -> int:
    if requested and requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)


def _checked(batches: Iterator[Batch], guides: list[_GuideInfo], jobs: int
             ) -> Iterator[tuple[int, int, list[Any]]]:
    """Results of the batches, in order. With jobs > 1 they are checked by worker processes
    while this process goes on reading files (the pool's feeder thread pulls `batches`)."""
    import itertools

    first = next(batches, None)
    if first is None:  # nothing to check (all cached or unreadable): no workers, no models
        return
    batches = itertools.chain([first], batches)
    for info in guides:
        _WORKER_CHECKERS[info.key] = info.checker
    if jobs <= 1:
        for batch in batches:
            yield _check_batch(batch)
        return
    import multiprocessing


    for info in guides:
        _warm(info.checker)
    if "fork" in multiprocessing.get_all_start_methods() and sys.platform.startswith("linux"):
        import gc

        # objects made before the fork (rule tries, lemma tables, the model's vocabulary) are
        # left out of the workers' garbage collection, which would otherwise touch, and so
        # copy, every page they share with this process
        gc.freeze()
        pool = multiprocessing.get_context("fork").Pool(jobs)
    else:  # pragma: no cover - macOS / Windows: load once per worker, not per file
        pool = multiprocessing.get_context("spawn").Pool(
            jobs, _init_spawned, ([info.key for info in guides],))
    try:
        yield from pool.imap(_check_batch_packed, batches)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


# --------------------------------------------------------------------------- suppression


def known_codes() -> dict[str, str]:
    """Every rule name a suppression may use (code or slug) → its code."""
    from voicecheck.checks.registry import all_rules

    out: dict[str, str] = {}
    for rule in all_rules():
        out[rule.code] = rule.code
        out[rule.slug] = rule.code
    return out


class _LazyCodes(Mapping):
    """`known_codes()`, read from the rule packs on first use: a run whose files all come
    from the cache and name no per-path ignores never needs them."""

    def __init__(self) -> None:
        self._codes: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._codes is None:
            self._codes = known_codes()
        return self._codes

    def __getitem__(self, name: str) -> str:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _comment_column(finding: Finding, source: Any) -> Finding:
    """Point a finding about a suppression comment at the comment's column in its line."""
    lines = source.text.split("\n", finding.line)
    if finding.line - 1 < len(lines):
        line = lines[finding.line - 1]
        at = line.find(finding.text) if finding.text else -1
        if at < 0:
            at = line.find("voicecheck")
        if at >= 0:
            return replace(finding, column=at + 1)
    return finding


def _lint_finding(code: str, slug: str, severity: str, message: str, line: int,
                  text: str) -> Finding:
    return Finding(code, slug, severity, message, 0, 0, line, 1, text, (), "structure")


def _apply_suppressions(reply: Any, findings: list[Finding], known: Mapping[str, str],
                        guide_rules: dict[str, dict[str, Any]]) -> list[Finding]:
    """Drop suppressed findings; add VC901/VC902 for unused and unknown suppressions."""
    def enabled(code: str, slug: str) -> str | None:
        setting = guide_rules.get(code) or guide_rules.get(slug) or {}
        if setting.get("off"):
            return None
        return setting.get("severity") or "warning"

    kept: list[Finding] = []
    used: set[int] = set()
    extra: list[Finding] = []
    resolved = []
    for index, supp in enumerate(reply.suppressions):
        codes = set()
        for name in supp.codes:
            code = known.get(name) or known.get(name.upper()) or known.get(name.lower())
            if code is None:
                severity = enabled("VC902", "unknown-suppression-code")
                if severity:
                    hint = did_you_mean(name, sorted(known))
                    extra.append(_lint_finding(
                        "VC902", "unknown-suppression-code", severity,
                        f"Suppression names '{name}', which is not a voicecheck rule{hint}",
                        supp.line, supp.text))
                used.add(index)  # reported as unknown, not also as unused
            else:
                codes.add(code)
        if supp.codes and not codes:
            continue
        resolved.append((index, supp, codes))
    for finding in findings:
        silenced = False
        for index, supp, codes in resolved:
            if codes and finding.code not in codes:
                continue
            target = getattr(supp, "target", None)
            if target is not None:  # the covered line of the reply's text (exact in JSON/HTML)
                if not (target[0] <= finding.start < max(target[1], target[0] + 1)):
                    continue
            elif supp.target_line is not None and supp.target_line != finding.line:
                continue
            silenced = True
            used.add(index)
        if not silenced:
            kept.append(finding)
    severity = enabled("VC901", "unused-suppression")
    if severity:
        for index, supp, codes in resolved:
            if index not in used:
                names = ", ".join(sorted(codes)) if codes else "every rule"
                extra.append(_lint_finding(
                    "VC901", "unused-suppression", severity,
                    f"Unused suppression of {names}: no such finding in this reply",
                    supp.line, supp.text))
    return sorted(kept + extra, key=lambda f: (f.line, f.column, f.code))


# --------------------------------------------------------------------------- cache


def _rules_fingerprint(version: str) -> str:
    digest = hashlib.sha256(version.encode())
    for folder in (data_dir("rules"), data_dir("models")):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}"
                              .encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class _Cache:
    def __init__(self, folder: Path | None, salt: str) -> None:
        self.folder = folder
        self.salt = salt

    def key(self, data: bytes, *parts: str) -> str:
        digest = hashlib.sha256(self.salt.encode())
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"v{CACHE_VERSION}" / key[:2] / f"{key}.json"

    def get(self, key: str, path: str) -> list[Report] | None:
        if self.folder is None:
            return None
        try:
            return _cache_decode(self._path(key).read_bytes(), path)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # missing or damaged: check again

    def put(self, key: str, reports: list[Report]) -> None:
        if self.folder is None:
            return
        try:
            if not self.folder.exists():
                self.folder.mkdir(parents=True)
                (self.folder / ".gitignore").write_text("# created by voicecheck\n*\n")
                (self.folder / "CACHEDIR.TAG").write_text(
                    "Signature: 8a477f597d28d172789f06886806bc55\n"
                    "# This file is a cache directory tag created by voicecheck.\n")
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, _cache_encode(reports))
        except OSError:
            pass  # a read-only checkout still lints, just without a cache


def _cache_encode(reports: list[Report]) -> str:
    """A file's reports as the cache keeps them: JSON, with the strings that repeat (codes,
    slugs, severities, dimensions, languages, verdicts) as indices into one table, the score
    names once, and no path (the cache key holds it). Decoding cost is the objects a file
    turns into, so the fewer the better: a third less than the reports as plain lists."""
    keys = list(reports[0].scores) if reports else []
    table: dict[str, int] = {}

    def ref(value: str) -> int:
        return table.setdefault(value, len(table))

    rows = []
    for r in reports:
        scores: Any = [r.scores[k] for k in keys] if list(r.scores) == keys else r.scores
        extra: Any = r.extra
        if extra.keys() <= {"reply_id", "title"}:
            extra = [extra.get("reply_id"), extra.get("title")]
        findings = []
        for f in r.findings:
            item = [ref(f.code), ref(f.rule), ref(f.severity), ref(f.dimension), f.message,
                    f.start, f.end, f.line, f.column, f.text]
            for s in f.suggestions:
                item += [s.text, s.start, s.end, s.safe]
            findings.append(item)
        rows.append([r.text, ref(r.language), ref(r.verdict), r.score, scores, extra, findings])
    return json.dumps({"keys": keys, "strings": list(table), "reports": rows},
                      ensure_ascii=False, separators=(",", ":"))


def _cache_decode(data: bytes, path: str) -> list[Report]:
    """`_cache_encode` undone; a damaged entry raises ValueError, KeyError, TypeError or
    IndexError. (Written for speed: on a fully cached run this is most of the time.)"""
    doc = json.loads(data)
    keys, strings = doc["keys"], doc["strings"]
    finding, suggestion, report = _finding, _suggestion, _report
    out = []
    for text, lang, verdict, score, scores, extra, items in doc["reports"]:
        findings: Any = ()
        if items:
            findings = []
            for item in items:
                size = len(item)
                if size == 10:
                    fixes: Any = ()
                elif size == 14:
                    fixes = (suggestion(item[10], item[11], item[12], bool(item[13])),)
                else:
                    fixes = tuple([suggestion(item[i], item[i + 1], item[i + 2],
                                              bool(item[i + 3])) for i in range(10, size, 4)])
                findings.append(finding(strings[item[0]], strings[item[1]], strings[item[2]],
                                        item[4], item[5], item[6], item[7], item[8], item[9],
                                        fixes, strings[item[3]]))
            findings = tuple(findings)
        if isinstance(scores, list):
            scores = dict(zip(keys, scores))
        if isinstance(extra, list):
            extra = {"reply_id": extra[0], "title": extra[1]}
        if not isinstance(text, str) or not isinstance(extra, dict):
            raise TypeError("damaged cache entry")
        out.append(report(path, strings[lang], strings[verdict], score, scores, findings,
                          text, extra))
    return out


# --------------------------------------------------------------------------- baseline


def fingerprints(reports: list[Report]) -> list[list[str]]:
    """A fingerprint per finding: rule, file, reply id and matched words — not the line, so a
    baseline survives replies moving around the file. Repeats get #2, #3 …"""
    from voicecheck.text.normalize import fold_phrase

    out = []
    for report in reports:
        seen: dict[str, int] = {}
        prints = []
        for f in report.findings:
            words = " ".join(fold_phrase(f.text).split()) if f.text else ""
            base = hashlib.sha256("\0".join((f.code, report.path or "",
                                             str(report.extra.get("reply_id", "")),
                                             words)).encode("utf-8", "surrogatepass")
                                  ).hexdigest()[:24]
            seen[base] = seen.get(base, 0) + 1
            prints.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
        out.append(prints)
    return out


def write_baseline(path: str, reports: list[Report], version: str = "") -> int:
    items = []
    for report, prints in zip(reports, fingerprints(reports)):
        for finding, fp in zip(report.findings, prints):
            items.append({"fingerprint": fp, "code": finding.code, "path": report.path,
                          "reply_id": report.extra.get("reply_id"), "text": finding.text})
    payload = {"voicecheck_baseline": BASELINE_FORMAT, "voicecheck_version": version,
               "findings": items}
    write_file(path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    return len(items)


def write_file(path: str, text: str) -> None:
    """Write a report or baseline atomically (`paths.replace_file`), as readable as any new
    file; a failed write leaves the old one."""
    try:
        replace_file(Path(path), text.encode("utf-8"), mode=umask_mode(),
                     prefix=f".{Path(path).name}.tmp-")
    except (OSError, UnicodeEncodeError) as exc:  # a lone surrogate cannot be encoded
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise VoicecheckError(f"cannot write: {reason}", path=path, code="E223") from None


MAX_BASELINE_BYTES = 256_000_000


def read_baseline(path: str) -> set[str]:
    try:
        raw = read_limited(Path(path), MAX_BASELINE_BYTES).decode("utf-8")
    except TooLarge:
        raise VoicecheckError(f"baseline is larger than {MAX_BASELINE_BYTES:,} bytes",
                              path=path, code="E224") from None
    except FileNotFoundError:
        raise VoicecheckError("baseline not found (create it with --write-baseline)",
                              path=path, code="E224") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise VoicecheckError(f"cannot read baseline: {reason}", path=path,
                              code="E224") from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise VoicecheckError(f"baseline is not valid JSON ({getattr(exc, 'msg', exc)})",
                              path=path, line=line, code="E224") from None
    if not isinstance(data, dict) or "voicecheck_baseline" not in data:
        raise VoicecheckError("not a voicecheck baseline (create one with --write-baseline)",
                              path=path, code="E224")
    version = data["voicecheck_baseline"]
    if version != BASELINE_FORMAT:
        raise VoicecheckError(f"baseline format {version!r} is not the one this voicecheck "
                              f"reads ({BASELINE_FORMAT}); re-create it with --write-baseline",
                              path=path, code="E224")
    items = data.get("findings")
    if not isinstance(items, list) or not all(isinstance(i, dict) and
                                              isinstance(i.get("fingerprint"), str)
                                              for i in items):
        raise VoicecheckError("baseline 'findings' must be a list of objects with a "
                              "'fingerprint'", path=path, code="E224")
    return {i["fingerprint"] for i in items}


def _drop_baselined(reports: list[Report], known: set[str], guide_of: Callable[[Report], Any]
                    ) -> tuple[list[Report], int]:
    out = []
    dropped = 0
    for report, prints in zip(reports, fingerprints(reports)):
        kept = [f for f, fp in zip(report.findings, prints) if fp not in known]
        dropped += len(report.findings) - len(kept)
        out.append(_rescored(report, kept, guide_of(report))
                   if len(kept) != len(report.findings) else report)
    return out, dropped


def _rescored(report: Report, findings: list[Finding], guide: Any, **changes: Any) -> Report:
    """The report with only `findings` left: score and verdict follow what is reported."""
    from voicecheck.engine import overall_score, verdict_for

    score = overall_score(findings)
    return replace(report, findings=tuple(findings), score=score,
                   verdict=verdict_for(findings, score, guide), **changes)


# --------------------------------------------------------------------------- the run


def _check_channel(channel: str, infos: list[_GuideInfo]) -> None:
    """Refuse `--channel` naming a channel that a guide of the run does not know."""
    from voicecheck.engine import require_channel

    for info in infos:
        require_channel(info.guide, channel, " (--channel)")


def _fields_for(options: LintOptions, info: _GuideInfo) -> Any:
    from voicecheck.io.readers import Fields

    merged = {**info.fields, **{k: v for k, v in options.fields.items() if v}}
    return Fields(**merged) if merged else None


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def lint(paths: Iterable[str], options: LintOptions | None = None) -> LintRun:
    """Lint files and folders of canned replies; never raises for a bad library file (the
    error is in `LintRun.errors`), only for a bad guide or baseline."""
    options = options or LintOptions()
    started = time.perf_counter()
    known = _LazyCodes()
    guides = _Guides(options, known)
    baseline = read_baseline(options.baseline) if options.baseline else None
    errors: list[VoicecheckError] = []
    files = discover(paths, guides, options, errors)
    infos = [guides.for_file(file) for file in files]  # every guide loaded before any fork
    if options.channel:  # once for the run, not once per reply
        _check_channel(options.channel, guides.all())
    sizes = []
    for file in files:
        try:
            sizes.append(file.stat().st_size)
        except OSError:
            sizes.append(0)
    reader = _Reader(files, infos, sizes, options, errors)
    reader.lookup_cache()
    for index in reader.misses:  # a broken model is one error for the run, not one per reply
        _ = infos[index].checker.tone_models
    jobs = _jobs(options.jobs)
    to_check = sum(sizes[i] for i in reader.misses)
    if to_check < PARALLEL_MIN * 300:  # ~300 bytes a reply: small libraries stay in process
        jobs = 1
    progress = options.progress
    total_bytes = max(1, sum(sizes))
    done_bytes = 0
    pending: dict[int, list[Any]] = {}
    for index, _first, results in _checked(reader.batches(), guides.all(), jobs):
        got = pending.setdefault(index, [])
        got.extend(results)
        if len(got) == reader.expected[index]:
            reader.finish(index, pending.pop(index), known)
            done_bytes += sizes[index]
            if progress:
                progress(done_bytes, total_bytes)
    for index in list(reader.expected):  # files without replies
        if reader.results[index] is None:
            reader.finish(index, [], known)
    reports = [r for file_reports in reader.results for r in (file_reports or [])]
    baselined = 0
    if baseline is not None:
        reports, baselined = _drop_baselined(reports, baseline,
                                             lambda r: reader.guide_of_file[r.path or ""])
    return LintRun(reports, errors, len(files), time.perf_counter() - started,
                   cached_files=reader.cached_files, baselined=baselined,
                   failed_replies=reader.failed_replies)


BATCH = 256  # replies per task sent to a worker (64: 9.1 s, 256: 8.9 s on the 20,000-reply bench)
# ... except for the last files (this share of the bytes), where a big batch would leave the
# other workers idle while one finishes it
TAIL_BATCH, TAIL_SHARE = 32, 0.1


class _Reader:
    """Reads the files one by one (cache first), handing out batches of replies to check,
    and turns each file's results into its reports."""

    def __init__(self, files: list[Path], infos: list[_GuideInfo], sizes: list[int],
                 options: LintOptions, errors: list[VoicecheckError]) -> None:
        self.files = files
        self.infos = infos
        self.sizes = sizes
        self.options = options
        self.errors = errors
        self.shown = [_display(file) for file in files]
        self.guide_of_file = {shown: info.guide for shown, info in
                              zip(self.shown, infos)}
        self.results: list[list[Report] | None] = [None] * len(files)
        self.expected: dict[int, int] = {}
        self.sources: dict[int, tuple[Any, str]] = {}
        self.cached_files = 0
        self.failed_replies = 0  # replies read but not checked (their errors are in `errors`)
        self.misses: dict[int, str] = {}  # file index -> cache key ("" without a cache)
        cache_dir = None
        if options.cache:
            cache_dir = Path(options.cache_dir) if options.cache_dir else \
                Path.cwd() / ".voicecheck_cache"
        self.cache = _Cache(cache_dir, _rules_fingerprint(options.version) if cache_dir else "")
        self.fields_key = json.dumps(options.fields, sort_keys=True)

    def lookup_cache(self) -> None:
        """Take every file whose results the cache holds; the rest are `misses`."""
        import gc

        from voicecheck.runtime import gc_paused

        with gc_paused():  # decoding makes objects that all live on: nothing to collect
            self._lookup_cache()
            if self.cached_files:
                gc.freeze()  # nor later: the collector never walks the cached reports again

    def _lookup_cache(self) -> None:
        from voicecheck.io.readers import MAX_FILE_BYTES

        options = self.options
        for index, (file, info, shown) in enumerate(zip(self.files, self.infos, self.shown)):
            key = ""
            if self.cache.folder is not None:
                try:  # a pipe named on the command line is read once, by its reader
                    data = read_limited(file, MAX_FILE_BYTES) if _regular(file) else None
                except (OSError, TooLarge):  # its reader says what is wrong
                    data = None
                if data is not None:
                    key = self.cache.key(data, shown, info.fingerprint,
                                         options.input_format or "", self.fields_key,
                                         options.lang or "", options.channel or "")
                    hit = self.cache.get(key, shown)
                    if hit is not None:
                        self.results[index] = hit
                        self.cached_files += 1
                        continue
            self.misses[index] = key

    def batches(self) -> Iterator[Batch]:
        from voicecheck.io.readers import read_library

        options = self.options
        left = sum(self.sizes[index] for index in self.misses)
        tail = left * TAIL_SHARE  # the last bytes go in small batches: no worker waits long
        for index, key in list(self.misses.items()):
            left -= self.sizes[index]
            file, info, shown = self.files[index], self.infos[index], self.shown[index]
            try:
                source = read_library(file, options.input_format, _fields_for(options, info))
            except VoicecheckError as error:
                if not error.path:
                    error.path = shown
                self.errors.append(error)
                continue
            replies = source.replies
            self.sources[index] = (source, key)
            self.expected[index] = len(replies)
            size = BATCH if left > tail else TAIL_BATCH
            for first in range(0, len(replies), size):
                yield index, first, [(info.key, reply.text, options.lang or reply.lang,
                                      options.channel or reply.channel or info.channel)
                                     for reply in replies[first:first + size]]

    def finish(self, index: int, results: list[Any], known: Mapping[str, str]) -> None:
        source, key = self.sources.pop(index, (None, ""))
        shown = self.shown[index]
        reports = []
        failed = self.failed_replies
        if source is not None:
            for reply, result in zip(source.replies, results):
                if isinstance(result, VoicecheckError):
                    self.errors.append(_reply_error(result, reply, source, shown,
                                                    self.options))
                    self.failed_replies += 1
                    continue
                def position(start: int, reply: Any = reply) -> tuple[int, int]:
                    return source.position(reply.source_offset(start))

                if isinstance(result, list):  # packed by a worker: unpacked straight in place
                    result = _unpack(result, reply.text, position=position)
                else:
                    result = _positioned(result, position)
                reports.append(_place(result, reply, source, shown, self.infos[index], known))
        self.results[index] = reports
        if key and self.failed_replies == failed:  # a reply's error must show every run
            self.cache.put(key, reports)


# the reply field whose value an engine error is about, when the reply's file gave it
_ERROR_FIELDS = {"E103": "lang", "E206": "channel"}


def _reply_error(error: VoicecheckError, reply: Any, source: Any, shown: str,
                 options: LintOptions) -> VoicecheckError:
    """An error checking one reply, at its place in the file: the line of the value it is
    about (an unsupported `lang`, an unknown `channel`), else the line where the reply
    starts. An error that already names a file (the guide's) is left as it is."""
    if error.path:
        return error
    error.path = shown
    if error.line is None:
        name = _ERROR_FIELDS.get(error.code or "")
        given = {"lang": options.lang, "channel": options.channel}
        line = reply.field_line(name) if name and not given[name] else None
        error.line = line or source.position(reply.start)[0]
    return error


def _positioned(report: Report, position: Callable[[int], tuple[int, int]]) -> Report:
    """The report of an in-process check with its findings at file positions."""
    findings = []
    for f in report.findings:
        line, column = position(f.start)
        findings.append(Finding(f.code, f.rule, f.severity, f.message, f.start, f.end, line,
                                column, f.text, f.suggestions, f.dimension))
    return replace(report, findings=tuple(findings))


def _place(report: Report, reply: Any, source: Any, shown: str, info: _GuideInfo,
           known: Mapping[str, str]) -> Report:
    """Apply suppressions and ignores to a reply whose findings are at file positions."""
    placed = list(report.findings)
    changed = False
    if reply.suppressions:
        changed = True
        placed = _apply_suppressions(reply, placed, known, info.guide.rules)
        placed = [_comment_column(f, source) if f.code in ("VC901", "VC902") else f
                  for f in placed]
    if info.ignores:
        rel = _relative(Path(source.path), info.root) or shown
        ignored: set[str] = set()
        for spec, codes in info.ignores:
            if spec.match_file(rel):
                ignored |= codes
        kept = [f for f in placed if f.code not in ignored]
        changed = changed or len(kept) != len(placed)
        placed = kept
    extra = dict(report.extra)
    extra.update({"reply_id": reply.reply_id, "title": reply.title})
    if changed:
        return _rescored(report, placed, info.guide, path=shown, extra=extra)
    return Report(shown, report.language, report.verdict, report.score, report.scores,
                  tuple(placed), report.text, extra)
