"""Human output in the style of ruff: `path:line:col: CODE [severity] message`, the line with a
caret underline, the suggested fix, and a summary. Colour only on a terminal."""

from __future__ import annotations

from typing import Iterable

import click

from voicecheck.model import Finding, Report

_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
_VERDICT = {"pass": "green", "warn": "yellow", "fail": "red"}
WINDOW = 70


def _excerpt(line_text: str, column: int, width: int) -> tuple[str, int]:
    """Cut a long line around the finding; returns (text, new 0-based column)."""
    start = column - 1
    if len(line_text) <= WINDOW * 2:
        return line_text, start
    left = max(0, start - WINDOW // 2)
    right = min(len(line_text), start + max(width, 1) + WINDOW)
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(line_text) else ""
    return prefix + line_text[left:right] + suffix, start - left + len(prefix)


def format_finding(finding: Finding, text: str, path: str, local_line: bool = False
                   ) -> list[str]:
    """The finding as ruff shows one. `finding.line`/`column` are positions in `text`, or,
    with `local_line` (a reply read from a library file), in the file, while `text` is the
    reply: then the excerpt is found from the finding's offset in the reply."""
    if local_line:
        line_start = text.rfind("\n", 0, finding.start) + 1
        line_end = text.find("\n", finding.start)
        line_text = text[line_start:line_end if line_end >= 0 else len(text)]
        column = finding.start - line_start + 1
    else:
        lines = text.splitlines() or [""]
        line_text = lines[finding.line - 1] if finding.line - 1 < len(lines) else ""
        column = finding.column
    line_text = line_text.replace("\t", " ").rstrip("\r")
    width = min(len(finding.text.split("\n")[0]), max(1, len(line_text) - column + 1))
    shown, col = _excerpt(line_text, column, width)
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


def summary(reports: Iterable[Report], errors: int) -> str:
    reports = list(reports)
    verdicts = {v: sum(r.verdict == v for r in reports) for v in ("pass", "warn", "fail")}
    findings = sum(len(r.findings) for r in reports)
    noun = "reply" if len(reports) == 1 else "replies"
    text = (f"Checked {len(reports)} {noun}: {verdicts['pass']} pass, {verdicts['warn']} warn, "
            f"{verdicts['fail']} fail; {findings} finding{'s' if findings != 1 else ''}")
    if errors:
        text += f"; {errors} input error{'s' if errors != 1 else ''}"
    return text + "."
