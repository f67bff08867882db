"""GitHub Actions workflow commands: one annotation per finding, shown on the pull request.

`::error file=lib/macros.json,line=3,col=5,endColumn=39,title=VC110 robotic-apology::message`.
Escaping follows @actions/core (toolkit `command.ts`): in the message `%`, CR and LF become
`%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A`, `%2C`. A reply can
therefore never start a workflow command of its own. GitHub reads `col`/`endColumn` only when
the annotation starts and ends on the same line, so a multi-line finding gives lines only.
"""

from __future__ import annotations

import re

from voicecheck.io.lintrun import LintRun, end_position, reply_name
from voicecheck.model import SEVERITY_RANK, Finding, Report

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_data(text: str) -> str:
    """Escape a command's message.

    >>> escape_data("50% off\\nnow")
    '50%25 off%0Anow'
    """
    text = _SURROGATE.sub("\ufffd", text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command's property value.

    >>> escape_property("a:b,c%")
    'a%3Ab%2Cc%25'
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: object) -> str:
    """One workflow command line; properties with a None value are left out."""
    given = ",".join(f"{key}={escape_property(str(value))}" for key, value in props.items()
                     if value is not None)
    return f"::{level} {given}::{escape_data(message)}" if given else \
        f"::{level}::{escape_data(message)}"


def annotation(report: Report, index: int, finding: Finding) -> str:
    """The workflow command for one finding."""
    end_line, end_column = end_position(finding)
    same_line = end_line == finding.line
    message = f"{finding.message} (reply {reply_name(report, index)})"
    if finding.suggestions:
        message += f"\nSuggestion: {finding.suggestions[0].text or '(remove the words)'}"
    return command(LEVEL[finding.severity], message, file=report.path or "-",
                   line=finding.line, endLine=end_line,
                   col=finding.column if same_line else None,
                   endColumn=end_column if same_line else None,
                   title=f"{finding.code} {finding.rule}")


def render(run: LintRun, *, fail_on: str = "error") -> str:
    """The run as workflow commands, then a one-line summary for the log.

    Unreadable files first, then errors, warnings, notices: GitHub shows only the first few
    annotations of each kind per step (10) and per job (50); the rest stay in the log.
    """
    lines = [command("error", getattr(e, "message", str(e)), file=getattr(e, "path", None),
                     line=getattr(e, "line", None), title=getattr(e, "code", None) or "voicecheck")
             for e in run.errors]
    found = [(index, report, finding) for index, report in enumerate(run.reports)
             for finding in report.findings]
    found.sort(key=lambda item: -SEVERITY_RANK[item[2].severity])
    lines.extend(annotation(report, index, finding) for index, report, finding in found)
    summary = (f"voicecheck: {len(found)} finding{'s' if len(found) != 1 else ''} in "
               f"{len(run.reports)} replies from {run.files} file{'s' if run.files != 1 else ''}")
    if run.errors:
        summary += f"; {run.problems()}"
    lines.append(summary + f" ({run.elapsed:.1f} s)")
    return "\n".join(lines) + "\n"
