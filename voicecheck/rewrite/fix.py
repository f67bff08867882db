"""`check --fix` / `--diff` / `--unsafe-fixes`: apply suggestions to a reply, then re-check and
repeat until nothing more applies, and write the file back atomically.

Applying: the first suggestion of each finding that is allowed (safe ones; unsafe ones too with
`unsafe=True`), left to right, skipping any that overlaps one already taken. Then the text is
checked again, since one fix can reveal or settle another, up to `MAX_PASSES` times.

Writing: the fixed text is encoded as the file was (UTF-8 with or without a byte-order mark,
UTF-16 or UTF-32 with theirs); CRLF line breaks stay CRLF because the text is edited as read.
It goes to a temporary file in the same folder, is flushed to disk and renamed over the
original. A symlink, a read-only file, or a file that changed while we worked is refused with
a one-line error and left untouched.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from voicecheck.model import Finding, Report, Suggestion, VoicecheckError
from voicecheck.paths import replace_file
from voicecheck.rewrite.rewriter import inserted
from voicecheck.text.blank import is_blank

MAX_PASSES = 10
MAX_INPUT_BYTES = 4_000_000
# UTF-32 first: its little-endian mark starts with UTF-16's
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
         (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass(frozen=True, slots=True)
class FixResult:
    """The fixed text and what happened on the way."""

    text: str
    report: Report          # the check of the final text
    applied: int            # fixes applied, over all passes
    passes: int
    stable: bool            # False when MAX_PASSES ran out (or a fix undid another)

    def remaining(self, unsafe: bool | None = None) -> int:
        """Findings of the final text that still carry a suggestion (`unsafe`: only those
        whose first suggestion is unsafe / safe; None: all)."""
        return sum(1 for f in self.report.findings if f.suggestions
                   and (unsafe is None or f.suggestions[0].safe != unsafe))


def choose(findings: Iterable[Finding], text: str, unsafe: bool = False) -> list[Suggestion]:
    """The suggestions to apply in one pass: the first of each finding that is allowed, left
    to right, none overlapping another; edits that change nothing, and insertions of words
    the reply already has, are left out.

    >>> from voicecheck.model import Finding
    >>> f = Finding("VC140", "plain-words", "info", "m", 0, 7, 1, 1, "Utilize",
    ...             (Suggestion("Use", 0, 7, True),))
    >>> choose([f], "Utilize it.")
    [Suggestion(text='Use', start=0, end=7, safe=True)]
    """
    wanted = []
    replacing = []  # the replacements among them
    for finding in findings:
        if not finding.suggestions:
            continue
        s = finding.suggestions[0]
        if not (s.safe or unsafe) or text[s.start:s.end] == s.text:
            continue
        added = inserted(s, text)
        if added is not None and added.strip() and added.strip() in text:
            continue  # inserting a sentence the reply already has would only repeat it
        wanted.append(s)
        if added is None:
            replacing.append(s)
    if replacing:
        # replacements first: after a re-check, a missing part may no longer be missing
        # (a stock apology rewritten into a real one settles "no apology")
        wanted = replacing
    wanted.sort(key=lambda s: (s.start, s.end))
    chosen: list[Suggestion] = []
    last_end = -1
    for s in wanted:
        if s.start < last_end or (chosen and s.start == s.end == chosen[-1].start
                                  == chosen[-1].end and s.text == chosen[-1].text):
            continue
        chosen.append(s)
        last_end = max(last_end, s.end)
    return chosen


def apply(text: str, suggestions: list[Suggestion]) -> str:
    """`text` with non-overlapping suggestions applied; insertions at one place keep their
    given order. The pieces are joined once: rebuilding the text for each edit made 100,000
    fixes take 30 s.

    >>> apply("pls utilize it", [Suggestion("please", 0, 3), Suggestion("use", 4, 11)])
    'please use it'
    """
    pieces: list[str] = []
    at = 0
    for s in sorted(suggestions, key=lambda s: (s.start, s.end)):  # stable: ties keep order
        if not at <= s.start <= s.end <= len(text):
            return _apply_in_turn(text, suggestions)
        pieces.append(text[at:s.start])
        pieces.append(s.text)
        at = s.end
    pieces.append(text[at:])
    return "".join(pieces)


def _apply_in_turn(text: str, suggestions: list[Suggestion]) -> str:
    """Edits that overlap or fall outside the text (`choose` makes none) applied one at a
    time, right to left, as `apply` always did with them."""
    order = sorted(range(len(suggestions)),
                   key=lambda i: (suggestions[i].start, suggestions[i].end, i), reverse=True)
    for i in order:
        s = suggestions[i]
        text = text[:s.start] + s.text + text[s.end:]
    return text


def fix_text(text: str, check: Callable[[str], Report], unsafe: bool = False,
             max_passes: int = MAX_PASSES) -> FixResult:
    """Apply suggestions pass after pass until none applies (or `max_passes`)."""
    report = check(text)
    applied = 0
    seen = {text}
    for passes in range(1, max_passes + 1):
        chosen = choose(report.findings, text, unsafe)
        if not chosen:
            return FixResult(text, report, applied, passes - 1, True)
        new_text = apply(text, chosen)
        if is_blank(new_text):  # the fixes would leave nothing visible (not even a zero-width
            return FixResult(text, report, applied, passes - 1, True)  # space): keep the words
        if new_text in seen:  # a fix that undoes another: stop before going round in circles
            return FixResult(text, report, applied, passes - 1, False)
        seen.add(new_text)
        new_report = check(new_text)
        text, report = new_text, new_report
        applied += len(chosen)
    stable = not choose(report.findings, text, unsafe)
    return FixResult(text, report, applied, max_passes, stable)


# Above this many lines, a fix that kept every line in place is diffed line by line: difflib's
# matcher is quadratic in the changed lines (10,000 lines, every other one fixed: 4.5 s; 958 KB:
# about 100 s). Below it, difflib's hunks as they always were.
POSITIONAL_DIFF_LINES = 2_000


class _LineByLine(difflib.SequenceMatcher):
    """The opcodes of two equally long line lists compared position by position: runs of
    equal lines and runs of replaced ones, in order (what a fix that never adds or removes a
    line did)."""

    def get_opcodes(self) -> list[tuple[str, int, int, int, int]]:
        codes: list[tuple[str, int, int, int, int]] = []
        for i, (x, y) in enumerate(zip(self.a, self.b)):
            tag = "equal" if x == y else "replace"
            if codes and codes[-1][0] == tag:
                codes[-1] = (tag, codes[-1][1], i + 1, codes[-1][3], i + 1)
            else:
                codes.append((tag, i, i + 1, i, i + 1))
        return codes or [("equal", 0, 1, 0, 1)]


def _range(start: int, length: int) -> str:
    """A hunk's line range as `diff -u` writes it (difflib's own format)."""
    if length == 1:
        return f"{start + 1}"
    return f"{start if length == 0 else start + 1},{length}"


def unified_diff(before: str, after: str, path: str) -> str:
    """A unified diff of the reply before and after fixing (empty when nothing changed)."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    if a == b:
        return ""
    if len(a) == len(b) > POSITIONAL_DIFF_LINES:
        matcher: difflib.SequenceMatcher = _LineByLine(None, a, b, autojunk=False)
    else:
        matcher = difflib.SequenceMatcher(None, a, b)
    out = [f"--- {path}\n", f"+++ {path}\n"]
    for group in matcher.get_grouped_opcodes(3):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2] - first[1])} "
                   f"+{_range(first[3], last[4] - first[3])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in a[i1:i2])
                continue
            out.extend("-" + line for line in a[i1:i2])
            out.extend("+" + line for line in b[j1:j2])
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in out)


# -- files ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SourceFile:
    """A reply file as read for fixing: its text, how to write it back, and what it was."""

    path: str
    text: str
    encoding: str           # utf-8, utf-8-sig, utf-16 or utf-32 (the last three with a BOM)
    signature: tuple[int, int, str]  # (mtime_ns, size, sha256) when read

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


def _signature(raw: bytes, stat: os.stat_result) -> tuple[int, int, str]:
    return stat.st_mtime_ns, stat.st_size, hashlib.sha256(raw).hexdigest()


def _refuse_unwritable(path: Path, shown: str) -> None:
    if path.is_symlink():
        raise VoicecheckError("is a symlink; --fix writes only regular files (fix the file it "
                              "points to)", path=shown, code="E245")
    if not path.exists():
        raise VoicecheckError("no such file", path=shown, code="E203")
    if not path.is_file():
        raise VoicecheckError("not a regular file", path=shown, code="E203")
    if _read_only(path, os.W_OK) or _read_only(path.parent, os.W_OK | os.X_OK):
        raise VoicecheckError("is read-only; --fix cannot write it (nothing changed)",
                              path=shown, code="E246")


def _read_only(path: Path, access: int) -> bool:
    """No write bit for anyone, or no `access` for us. The mode bits count too: root passes
    `os.access` on a 0444 file, and a CI container running as root rewrote files their owner
    had marked read-only."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    return not mode & 0o222 or not os.access(path, access)


def read_source(path: str) -> SourceFile:
    """Read a reply file for fixing; refuses symlinks and read-only files up front."""
    p = Path(path)
    _refuse_unwritable(p, path)
    try:
        stat = p.stat()
        if stat.st_size > MAX_INPUT_BYTES:
            raise VoicecheckError(f"larger than {MAX_INPUT_BYTES:,} bytes", path=path,
                                  code="E201")
        raw = p.read_bytes()
    except PermissionError:
        raise VoicecheckError("permission denied", path=path, code="E203") from None
    except OSError as exc:
        raise VoicecheckError(f"cannot read: {exc.strerror}", path=path, code="E203") from None
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise VoicecheckError("contains NUL bytes; is this a binary file?", path=path,
                              line=line, code="E202")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise VoicecheckError(f"not valid {encoding.replace('-sig', '').upper()} (byte "
                              f"{exc.start})", path=path, line=line, code="E202") from None
    if is_blank(text):
        raise VoicecheckError("empty reply: nothing to check", path=path, code="E204")
    return SourceFile(path, text, encoding, _signature(raw, stat))


def write_fixed(source: SourceFile, text: str) -> None:
    """Write `text` over the file, atomically, in the file's own encoding; refuse if the
    file changed since it was read, became a symlink or read-only."""
    p = Path(source.path)
    _refuse_unwritable(p, source.path)
    try:
        raw = p.read_bytes()
        stat = p.stat()
    except OSError as exc:
        raise VoicecheckError(f"cannot read: {exc.strerror}", path=source.path,
                              code="E247") from None
    if _signature(raw, stat) != source.signature:
        raise VoicecheckError("changed while it was being checked; not written (run again)",
                              path=source.path, code="E247")
    data = source.encode(text)
    try:
        replace_file(p, data, mode=stat.st_mode & 0o7777, prefix=f".{p.name}.",
                     suffix=".voicecheck", durable=True)
    except OSError as exc:
        raise VoicecheckError(f"cannot write: {exc.strerror}; original untouched",
                              path=source.path, code="E246") from None
    _fsync_dir(p.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class FileFix:
    """What `check --fix` / `--diff` did to one file."""

    source: SourceFile
    result: FixResult
    diff: str  # the unified diff of the fixes; only when not writing (`--diff`)
    written: bool


def fix_file(path: str, check: Callable[[str], Report], unsafe: bool = False,
             write: bool = True, before_write: Callable[[], Any] | None = None) -> FileFix:
    """Fix one file: read, fix in passes, and (with `write`) write it back atomically.
    `before_write` runs just before the write (tests use it to change the file mid-run)."""
    source = read_source(path)
    result = fix_text(source.text, check, unsafe)
    changed = result.text != source.text
    # a diff only when it is shown: difflib is slow on large files (958 KB of alternating
    # fixed and unchanged lines: 100 s), and --fix never prints it
    diff = unified_diff(source.text, result.text, path) if changed and not write else ""
    if write and changed:
        if before_write is not None:
            before_write()
        write_fixed(source, result.text)
    return FileFix(source, result, diff, write and changed)
