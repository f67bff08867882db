"""The result of `voicecheck lint` over a library, and the door to its machine formats.

`LintRun` is what the lint command hands to a writer; `render(fmt, run)` turns it into SARIF,
JUnit XML, GitHub workflow annotations, a self-contained HTML page or ruff-style statistics.
Every writer reads rule metadata through `rule_catalog()` (the rule packs, merged across
languages).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from voicecheck.model import SEVERITY_RANK, Finding, Report, VoicecheckError

FORMATS = ("sarif", "junit", "github", "html", "statistics")
FAIL_ON = ("error", "warning", "info", "never")


@dataclass
class LintRun:
    """Everything one `voicecheck lint` run found.

    Each report's `path` is the library file (relative to `root`, "/" separators) and its
    `extra` holds `reply_id` and `title`; finding `line`/`column` are positions in that file.
    """

    reports: list[Report]
    errors: list[VoicecheckError]
    files: int
    elapsed: float
    root: str = "."
    cached_files: int = 0  # files whose results came from the content-hash cache
    baselined: int = 0     # findings left out because the baseline knows them
    # replies that were read but could not be checked (an unsupported `lang`, an unknown
    # `channel`): each has its error in `errors`, which also holds the files not read
    failed_replies: int = 0

    def findings(self) -> Iterator[tuple[Report, Finding]]:
        for report in self.reports:
            for finding in report.findings:
                yield report, finding

    @property
    def unreadable_files(self) -> int:
        """Files that could not be read (or named nothing that exists)."""
        return len(self.errors) - self.failed_replies

    def problems(self) -> str:
        """What went wrong, counted as what it is, for the end of a summary line: "" when
        nothing did.

        >>> from voicecheck.model import VoicecheckError as E
        >>> LintRun([], [E("x"), E("y"), E("z")], 2, 0.0, failed_replies=2).problems()
        '1 file unreadable, 2 replies not checked'
        """
        parts = []
        if self.unreadable_files:
            n = self.unreadable_files
            parts.append(f"{n} file{'s' if n != 1 else ''} unreadable")
        if self.failed_replies:
            n = self.failed_replies
            parts.append(f"{n} repl{'ies' if n != 1 else 'y'} not checked")
        return ", ".join(parts)


def summary(run: LintRun) -> str:
    """The line that ends a text report: findings, replies, files, time, and what could not
    be read or checked.

    >>> summary(LintRun(reports=[], errors=[], files=1, elapsed=0.5))
    '0 findings in 0 of 0 replies (1 file, 0.50 s).'
    """
    findings = sum(len(r.findings) for r in run.reports)
    flagged = sum(1 for r in run.reports if r.findings)
    parts = [(f"{findings} finding{'s' if findings != 1 else ''} in {flagged} of "
              f"{len(run.reports)} replies ({run.files} file{'s' if run.files != 1 else ''}"
              f", {run.elapsed:.2f} s")]
    if run.cached_files:
        parts.append(f", {run.cached_files} cached")
    if run.baselined:
        parts.append(f", {run.baselined} known to the baseline")
    if run.errors:
        parts.append(f", {run.problems()}")
    return "".join(parts) + ")."


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a writer needs to know about one rule code, merged over the language packs."""

    code: str
    slug: str
    severity: str
    dimension: str
    why: str
    languages: tuple[str, ...]  # "en", "id", ... or ("*",) for rules of every language
    messages: tuple[tuple[str, str], ...] = ()  # (language, message template)
    bad: tuple[tuple[str, str], ...] = ()  # (language, example text)
    good: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        """The slug as words: 'robotic-apology' -> 'Robotic apology'."""
        return self.slug.replace("-", " ").capitalize()


@cache
def rule_catalog() -> dict[str, RuleInfo]:
    """Rule metadata by code: every pack rule, merged across languages (the lint-only rules
    VC901/VC902 are pack rules too, in rules/common/lint.yaml).

    >>> rule_catalog()["VC110"].slug, rule_catalog()["VC901"].slug
    ('robotic-apology', 'unused-suppression')
    """
    from voicecheck.checks.registry import all_rules

    grouped: dict[str, list] = {}
    for rule in all_rules():
        grouped.setdefault(rule.code, []).append(rule)
    out: dict[str, RuleInfo] = {}
    for code, rules in sorted(grouped.items()):
        # English (or the common pack) first: its `why` becomes the rule's description.
        rules.sort(key=lambda r: (r.lang not in ("*", "en"), r.lang))
        first = rules[0]
        out[code] = RuleInfo(
            code=code, slug=first.slug, severity=first.severity, dimension=first.dimension,
            why=" ".join(first.why.split()), languages=tuple(r.lang for r in rules),
            messages=tuple((r.lang, r.message) for r in rules),
            bad=tuple((r.lang, e.text) for r in rules for e in r.examples_bad),
            good=tuple((r.lang, e.text) for r in rules for e in r.examples_good))
    return out


def rule_info(finding: Finding) -> RuleInfo:
    """Metadata for a finding's rule; a finding from an unknown code still gets a record."""
    known = rule_catalog().get(finding.code)
    if known is not None:
        return known
    return RuleInfo(code=finding.code, slug=finding.rule, severity=finding.severity,
                    dimension=finding.dimension, why=finding.message, languages=("*",))


def reply_id(report: Report, index: int) -> str:
    """The reply's id, or its position in the run when the reader gave none."""
    value = report.extra.get("reply_id")
    return str(value) if value not in (None, "") else f"#{index + 1}"


def reply_name(report: Report, index: int) -> str:
    """Id and title for people: 'm1 "Refund"'."""
    title = report.extra.get("title")
    rid = reply_id(report, index)
    return f'{rid} "{title}"' if title and str(title) != rid else rid


def _known(kind: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise VoicecheckError(f"unknown {kind} '{value}' (use {', '.join(allowed)})",
                              code="E240")


def fails(finding: Finding, fail_on: str) -> bool:
    """Whether a finding is at or above --fail-on."""
    _known("--fail-on", fail_on, FAIL_ON)
    return fail_on != "never" and SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_on]


def exit_code(run: LintRun, fail_on: str = "error") -> int:
    """0 clean, 1 findings at or above `fail_on`, 2 some file could not be read."""
    if run.errors:
        return 2
    return 1 if any(fails(f, fail_on) for _, f in run.findings()) else 0


def end_position(finding: Finding) -> tuple[int, int]:
    """1-based line and exclusive column where the finding's text ends in the file.

    >>> from voicecheck.model import Finding
    >>> end_position(Finding("VC1", "x", "info", "m", 0, 5, 3, 4, "ab\\r\\ncde"))
    (4, 4)
    """
    text = finding.text.replace("\r\n", "\n").replace("\r", "\n")
    breaks = text.count("\n")
    if not breaks:
        return finding.line, finding.column + len(text)
    return finding.line + breaks, len(text) - text.rfind("\n")


def render(fmt: str, run: LintRun, *, fail_on: str = "error") -> str:
    """The run in one machine format: sarif, junit, github, html or statistics.

    >>> render("statistics", LintRun(reports=[], errors=[], files=0, elapsed=0.0))
    'No findings.\\n'
    """
    _known("output format", fmt, FORMATS)
    _known("--fail-on", fail_on, FAIL_ON)
    from importlib import import_module

    module = import_module({"html": "voicecheck.io.html_report"}.get(fmt, f"voicecheck.io.{fmt}"))
    return module.render(run, fail_on=fail_on)
