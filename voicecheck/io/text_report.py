"""Human output in the style of ruff: `path:line:col: CODE [severity] message`, the line with a
caret underline, the suggested fix, and a summary. Colour only on a terminal."""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import Iterable

import click

from voicecheck.model import Finding, Report, shorten

_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
_VERDICT = {"pass": "green", "warn": "yellow", "fail": "red"}
WINDOW = 70
QUOTE_LIMIT = 80        # a reply's words quoted in a message, at most
MESSAGE_LIMIT = 500     # a whole message or fix, at most
UNDERLINE_LIMIT = 500   # carets under one finding (a long sentence is underlined whole)

# A reply is untrusted text: its control characters must not reach the terminal (OSC
# "ESC ] 0; … BEL" retitles the window, OSC 52 writes the clipboard, DCS and the C1 controls
# do more; click strips only CSI colour codes, and only off a terminal), and bidi overrides
# would reorder what is shown. Each becomes one visible character, so carets stay aligned:
# C0 as its Control Picture (␛, ␇, ␍, …), DEL as ␡, the rest as U+FFFD; a tab as a space.
_VISIBLE = str.maketrans({**{c: 0x2400 + c for c in range(0x20)}, 0x09: " ", 0x7F: 0x2421,
                          **dict.fromkeys(range(0x80, 0xA0), 0xFFFD),
                          **dict.fromkeys((*range(0x202A, 0x202F), *range(0x2066, 0x206A),
                                           0x2028, 0x2029), 0xFFFD)})


def visible(text: str) -> str:
    """`text` with every control character shown as a harmless visible one (see _VISIBLE).

    >>> visible("ok\\x1b]0;title\\x07\\tend\\n")
    'ok␛]0;title␇ end␊'
    """
    return text.translate(_VISIBLE)


def _message(finding: Finding) -> str:
    """The finding's message for a terminal: the reply's words it quotes cut to QUOTE_LIMIT
    (a run of 100,000 dots was quoted whole), the whole to MESSAGE_LIMIT, and made visible."""
    message = finding.message
    if len(finding.text) > QUOTE_LIMIT:
        message = message.replace(finding.text, shorten(finding.text, QUOTE_LIMIT))
    return visible(shorten(message, MESSAGE_LIMIT))


def _excerpt(line: str, a: int, b: int, column: int, width: int) -> tuple[str, int]:
    """Cut the line line[a:b] around the finding, made `visible`; returns (text, new
    0-based column). Only the part shown is copied: one long line may have thousands of
    findings, and copying all of it for each made the report quadratic."""
    n = b - a
    start = column - 1
    if n <= WINDOW * 2:
        return visible(line[a:b]), start
    left = max(0, start - WINDOW // 2)
    right = min(n, start + max(width, 1) + WINDOW)
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < n else ""
    lo, hi, _ = slice(left, right).indices(n)  # as line[a:b][left:right] would cut
    return (prefix + visible(line[a + lo:a + hi]) + suffix, start - left + len(prefix))


# A reply's lines are worked out once, not once per finding (30,000 findings on 30,000 lines
# took 46 s). Cached rather than passed in, since `lint` formats findings one call at a time;
# two entries, as it alternates between a reply and a suppression comment's text.
@lru_cache(maxsize=2)
def _spans(text: str) -> tuple[list[int], list[int]]:
    """Start and end (before any "\\r") of every "\\n"-separated line of `text`: lines as
    `Finding.line` and `column` count them (`model.line_col`), so a lone CR (old Mac line
    ends) or a U+2028 stays inside its line, shown as a visible character, and the caret
    stays under the words it points at."""
    starts, ends, at = [], [], 0
    for line in text.split("\n"):
        starts.append(at)
        ends.append(at + (len(line) - 1 if line.endswith("\r") else len(line)))
        at += len(line) + 1
    return starts, ends


def format_finding(finding: Finding, text: str, path: str, local_line: bool = False
                   ) -> list[str]:
    """The finding as ruff shows one. `finding.line`/`column` are positions in `text`, or,
    with `local_line` (a reply read from a library file), in the file, while `text` is the
    reply: then the excerpt is found from the finding's offset in the reply. Everything from
    the reply or the file name is made `visible`, and long quotes are cut."""
    starts, ends = _spans(text)
    if local_line:
        k = max(0, bisect_right(starts, finding.start) - 1)
        column = finding.start - starts[k] + 1
    else:
        k = finding.line - 1
        column = finding.column
    a, b = (starts[k], ends[k]) if 0 <= k < len(starts) else (0, 0)
    first = finding.text.find("\n")
    width = min(first if first >= 0 else len(finding.text), max(1, b - a - column + 1))
    cut = width > UNDERLINE_LIMIT
    width = min(width, UNDERLINE_LIMIT)
    shown, col = _excerpt(text, a, b, column, width)
    gutter = " " * len(str(finding.line))
    head = (f"{click.style(f'{visible(path)}:{finding.line}:{finding.column}:', bold=True)} "
            f"{click.style(finding.code, fg=_COLOUR[finding.severity], bold=True)} "
            f"[{finding.severity}] {_message(finding)}")
    underline = "^" * max(1, width) + ("…" if cut else "")
    out = [head, f"{gutter} |", f"{finding.line} | {shown}",
           f"{gutter} | {' ' * col}{click.style(underline, fg=_COLOUR[finding.severity])}"]
    for suggestion in finding.suggestions[:3]:
        shown_fix = (visible(shorten(suggestion.text, MESSAGE_LIMIT)) if suggestion.text
                     else "(remove)")
        out.append(f"{gutter} = fix: {shown_fix}")
    return out


def format_report(report: Report, path: str) -> list[str]:
    out = []
    for finding in report.findings:
        out.extend(format_finding(finding, report.text, path))
        out.append("")
    counts = ", ".join(f"{report.count(s)} {s}{'s' if report.count(s) != 1 else ''}"
                       for s in ("error", "warning", "info") if report.count(s))
    verdict = click.style(report.verdict, fg=_VERDICT[report.verdict], bold=True)
    out.append(f"{visible(path)}: {verdict} (score {report.score}, {report.language})"
               + (f": {counts}" if counts else ": no findings"))
    return out


def summary(reports: Iterable[Report], errors: int, unchecked: int = 0) -> str:
    """The last line over several files. `errors` counts the error lines printed; `unchecked`
    the files a guide that failed to load kept from being checked (its error printed once)."""
    reports = list(reports)
    verdicts = {v: sum(r.verdict == v for r in reports) for v in ("pass", "warn", "fail")}
    findings = sum(len(r.findings) for r in reports)
    noun = "reply" if len(reports) == 1 else "replies"
    text = (f"Checked {len(reports)} {noun}: {verdicts['pass']} pass, {verdicts['warn']} warn, "
            f"{verdicts['fail']} fail; {findings} finding{'s' if findings != 1 else ''}")
    if errors:
        text += f"; {errors} input error{'s' if errors != 1 else ''}"
    if unchecked:
        text += (f"; {unchecked} {'file' if unchecked == 1 else 'files'} not checked "
                 f"(guide did not load)")
    return text + "."
