"""JUnit XML, as Jenkins (junit plugin), GitLab (`artifacts:reports:junit`) and Azure read it.

`testsuites` > one `testsuite` per library file > one `testcase` per reply (classname = the
file, name = reply id and title). A reply with findings at or above --fail-on gets one
`failure` listing them; findings below it go to the case's `system-out`. A file that could not
be read is a suite with one `error` case. Reply text is untrusted: characters that XML 1.0
cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF) are written as visible
`\\uXXXX` escapes, so the report is always well-formed.
"""

from __future__ import annotations

import re

from voicecheck.io.lintrun import LintRun, fails, reply_id, reply_name
from voicecheck.model import Finding, Report

_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                       "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def xml_safe(text: str) -> str:
    """Text with every character XML 1.0 forbids replaced by a visible escape.

    >>> xml_safe("a\\x00b\\x1bc")
    'a\\\\u0000b\\\\u001bc'
    """
    return _ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _text(value: object) -> str:
    return xml_safe(str(value)).translate(_TEXT)


def _attr(value: object) -> str:
    return '"' + xml_safe(str(value)).translate(_ATTR) + '"'


def _describe(finding: Finding) -> str:
    line = (f"{finding.line}:{finding.column}: {finding.code} {finding.rule} "
            f"[{finding.severity}] {finding.message}")
    line += "\n    | " + finding.text.replace("\n", "\n    | ")
    if finding.suggestions:
        line += f"\n    = fix: {finding.suggestions[0].text or '(remove)'}"
    return line


def _case(report: Report, index: int, fail_on: str) -> list[str]:
    path = report.path or "-"
    failing = [f for f in report.findings if fails(f, fail_on)]
    others = [f for f in report.findings if not fails(f, fail_on)]
    line = (failing or others)[0].line if report.findings else None
    head = (f'    <testcase classname={_attr(path)} name={_attr(reply_name(report, index))} '
            f'file={_attr(path)}' + (f' line="{line}"' if line else "") + ' time="0"')
    if not report.findings:
        return [head + "/>"]
    out = [head + ">"]
    if failing:
        noun = "finding" if len(failing) == 1 else "findings"
        message = (f"{len(failing)} {noun} at or above {fail_on} in reply "
                   f"{reply_id(report, index)}: " + ", ".join(f.code for f in failing))
        body = "\n".join(f"{path}:{_describe(f)}" for f in failing)
        out.append(f"      <failure message={_attr(message)} type={_attr(failing[0].code)}>"
                   f"{_text(body)}</failure>")
    if others:
        body = "\n".join(f"{path}:{_describe(f)}" for f in others)
        out.append(f"      <system-out>{_text(body)}</system-out>")
    out.append("    </testcase>")
    return out


def render(run: LintRun, *, fail_on: str = "error") -> str:
    """The run as a JUnit XML document."""
    by_file: dict[str, list[tuple[int, Report]]] = {}
    for index, report in enumerate(run.reports):
        by_file.setdefault(report.path or "-", []).append((index, report))
    suites: list[str] = []
    total = failures = 0
    for path, items in by_file.items():
        cases: list[str] = []
        failed = 0
        for index, report in items:
            cases.extend(_case(report, index, fail_on))
            failed += any(fails(f, fail_on) for f in report.findings)
        total += len(items)
        failures += failed
        suites.append(f'  <testsuite name={_attr(path)} tests="{len(items)}" '
                      f'failures="{failed}" errors="0" skipped="0" time="0">')
        suites.extend(cases)
        suites.append("  </testsuite>")
    for error in run.errors:
        where = getattr(error, "path", None) or "voicecheck"
        suites.append(f'  <testsuite name={_attr(where)} tests="1" failures="0" errors="1" '
                      f'skipped="0" time="0">')
        suites.append(f'    <testcase classname={_attr(where)} name="read" file={_attr(where)}'
                      f' time="0">')
        suites.append(f'      <error message={_attr(error)} '
                      f'type={_attr(getattr(error, "code", None) or "input-error")}>'
                      f'{_text(error)}</error>')
        suites.append("    </testcase>")
        suites.append("  </testsuite>")
        total += 1
    head = (f'<testsuites name="voicecheck" tests="{total}" failures="{failures}" '
            f'errors="{len(run.errors)}" time="{run.elapsed:.3f}">')
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', head, *suites,
                      "</testsuites>"]) + "\n"
