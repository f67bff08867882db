"""`--statistics`, after ruff: how often each rule fired, most frequent first.

    12  VC110  robotic-apology       warning  [*]
     3  VC501  unfilled-placeholder  error

`[*]` marks a rule with at least one fix that `--fix` applies on its own (a safe suggestion).
"""

from __future__ import annotations

from voicecheck.io.lintrun import LintRun
from voicecheck.model import SEVERITY_RANK


def counts(run: LintRun) -> list[tuple[int, str, str, str, bool]]:
    """(count, code, slug, severity, fixable) per code, most frequent first, then by code."""
    table: dict[str, list] = {}
    for _, finding in run.findings():
        row = table.setdefault(finding.code, [0, finding.rule, finding.severity, False])
        row[0] += 1
        if SEVERITY_RANK[finding.severity] > SEVERITY_RANK[row[2]]:
            row[2] = finding.severity  # the guide may raise a rule in one place only
        row[3] = row[3] or any(getattr(s, "safe", False) for s in finding.suggestions)
    rows = [(n, code, slug, sev, fix) for code, (n, slug, sev, fix) in table.items()]
    return sorted(rows, key=lambda r: (-r[0], r[1]))


def render(run: LintRun, *, fail_on: str = "error") -> str:
    """The statistics table as text."""
    rows = counts(run)
    out = []
    if rows:
        width = [max(len(str(r[i])) for r in rows) for i in range(4)]
        for n, code, slug, severity, fixable in rows:
            out.append(f"{n:>{width[0]}}  {code:<{width[1]}}  {slug:<{width[2]}}  "
                       f"{severity:<{width[3]}}  {'[*]' if fixable else ''}".rstrip())
    else:
        out.append("No findings.")
    if run.errors:
        out.append(f"Not checked: {run.problems()}.")
    return "\n".join(out) + "\n"
