"""Human output in the style of ruff: `path:line:col: CODE [severity] message`, the line with a
caret underline, the suggested fix, and a summary. Colour only on a terminal."""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import Iterable

import click

from voicecheck.model import Finding, Report

_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
_VERDICT = {"pass": "green", "warn": "yellow", "fail": "red"}
WINDOW = 70


def _excerpt(line: str, a: int, b: int, column: int, width: int) -> tuple[str, int]:
    """Cut the line line[a:b] around the finding, tabs shown as spaces; returns (text, new
    0-based column). Only the part shown is copied: one long line may have thousands of
    findings, and copying all of it for each made the report quadratic."""
    n = b - a
    start = column - 1
    if n <= WINDOW * 2:
        return line[a:b].replace("\t", " "), start
    left = max(0, start - WINDOW // 2)
    right = min(n, start + max(width, 1) + WINDOW)
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < n else ""
    lo, hi, _ = slice(left, right).indices(n)  # as line[a:b][left:right] would cut
    return (prefix + line[a + lo:a + hi].replace("\t", " ") + suffix,
            start - left + len(prefix))


# A reply's lines are worked out once, not once per finding (30,000 findings on 30,000 lines
# took 46 s). Cached rather than passed in, since `lint` formats findings one call at a time;
# two entries, as it alternates between a reply and a suppression comment's text.
@lru_cache(maxsize=2)
def _lines(text: str) -> list[str]:
    """The lines a finding's `line` is looked up in."""
    return text.splitlines() or [""]


@lru_cache(maxsize=2)
def _spans(text: str) -> tuple[list[int], list[int]]:
    """Start and end (before any "\\r") of every "\\n"-separated line of `text`."""
    starts, ends, at = [], [], 0
    for line in text.split("\n"):
        starts.append(at)
        ends.append(at + len(line.rstrip("\r")))
        at += len(line) + 1
    return starts, ends


def format_finding(finding: Finding, text: str, path: str, local_line: bool = False
                   ) -> list[str]:
    """The finding as ruff shows one. `finding.line`/`column` are positions in `text`, or,
    with `local_line` (a reply read from a library file), in the file, while `text` is the
    reply: then the excerpt is found from the finding's offset in the reply."""
    if local_line:
        starts, ends = _spans(text)
        k = max(0, bisect_right(starts, finding.start) - 1)
        line, a, b = text, starts[k], ends[k]
        column = finding.start - a + 1
    else:
        lines = _lines(text)
        line = lines[finding.line - 1] if finding.line - 1 < len(lines) else ""
        a, b = 0, len(line)  # (no line of splitlines() ends in "\r")
        column = finding.column
    first = finding.text.find("\n")
    width = min(first if first >= 0 else len(finding.text), max(1, b - a - column + 1))
    shown, col = _excerpt(line, a, b, column, width)
    gutter = " " * len(str(finding.line))
    head = (f"{click.style(f'{path}:{finding.line}:{finding.column}:', bold=True)} "
            f"{click.style(finding.code, fg=_COLOUR[finding.severity], bold=True)} "
            f"[{finding.severity}] {finding.message}")
    out = [head, f"{gutter} |", f"{finding.line} | {shown}",
           f"{gutter} | {' ' * col}{click.style('^' * max(1, width), fg=_COLOUR[finding.severity])}"]
    for suggestion in finding.suggestions[:3]:
        shown_fix = suggestion.text if suggestion.text else "(remove)"
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
    out.append(f"{path}: {verdict} (score {report.score}, {report.language})"
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
