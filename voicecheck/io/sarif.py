"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run; `tool.driver.rules` holds every rule (pack rules merged across languages, plus the
lint-only rules), each result points at its rule by id and index. What GitHub reads is filled
in: rule `shortDescription`/`fullDescription`/`help`/`defaultConfiguration.level`/`tags`, result
`level`/`message`/first location/`partialFingerprints`. Paths are relative to the library root
(`uriBaseId` `%SRCROOT%`), columns count code points (`columnKind` `unicodeCodePoints`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from voicecheck.io.lintrun import (
    LintRun,
    RuleInfo,
    end_position,
    exit_code,
    reply_id,
    reply_name,
    rule_catalog,
    rule_info,
)
from voicecheck.model import Finding, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/voicecheck/voicecheck"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "voicecheck/v1"
GITHUB_MAX_RESULTS = 25_000  # per run; GitHub code scanning rejects a file with more
MAX_FIX_FILE_BYTES = 64_000_000  # files read back to check a fix's region
_SURROGATE = re.compile("[\ud800-\udfff]")


def tool_version() -> str:
    """The installed voicecheck version (read from the package metadata: io sits below the
    top-level package and may not import it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("voicecheck")
    except PackageNotFoundError:
        return "0+unknown"


def render(run: LintRun, *, fail_on: str = "error") -> str:
    """The run as a SARIF 2.1.0 log (JSON text)."""
    # Compact: json's C encoder only runs without indent (5x faster on 20,000 replies).
    text = json.dumps(sarif_log(run, fail_on=fail_on), ensure_ascii=False)
    # A lone surrogate (a JSON library file may hold one as "\\ud83d") cannot be written as
    # UTF-8; as a JSON escape it survives, and only strings can contain one.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def sarif_log(run: LintRun, *, fail_on: str = "error") -> dict[str, Any]:
    """The SARIF log object."""
    # The baseline's fingerprints: one identity per finding for --baseline and code scanning.
    from voicecheck.io.lint import fingerprints

    catalog = dict(rule_catalog())
    for _, finding in run.findings():
        catalog.setdefault(finding.code, rule_info(finding))
    codes = sorted(catalog)
    index = {code: i for i, code in enumerate(codes)}
    prints = fingerprints(run.reports)
    files = _FileCache(run.root)
    results = []
    for r_index, report in enumerate(run.reports):
        for f_index, finding in enumerate(report.findings):
            results.append(_result(report, r_index, finding, index[finding.code],
                                   prints[r_index][f_index], files))
    code = exit_code(run, fail_on)
    notes = [_notification(e) for e in run.errors]
    if len(results) > GITHUB_MAX_RESULTS:
        notes.append({"level": "warning", "message": {"text": (
            f"{len(results):,} results: GitHub code scanning refuses more than "
            f"{GITHUB_MAX_RESULTS:,} per run; adopt a baseline (--write-baseline) or ignore "
            "rules in the guide before uploading")}})
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "voicecheck",
                "version": tool_version(),
                "semanticVersion": tool_version(),
                "informationUri": INFORMATION_URI,
                "rules": [_rule(catalog[c]) for c in codes],
            }},
            "invocations": [{
                "executionSuccessful": not run.errors,
                "exitCode": code,
                "toolExecutionNotifications": notes,
                "properties": {"files": run.files, "replies": len(run.reports),
                               "elapsedSeconds": round(run.elapsed, 3), "failOn": fail_on},
            }],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri(run.root)}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def _root_uri(root: str) -> str:
    """file:// URI of the library root, ending in '/' as SARIF requires for a base."""
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _rule(info: RuleInfo) -> dict[str, Any]:
    langs = [lang for lang in info.languages if lang != "*"]
    return {
        "id": info.code,
        "name": info.slug,
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.why},
        "help": {"text": _help_text(info), "markdown": _help_markdown(info)},
        "defaultConfiguration": {"level": LEVEL[info.severity]},
        "properties": {"tags": [info.dimension] + (langs or ["all-languages"])},
    }


def _examples(info: RuleInfo) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The first bad and the first good example of each language."""
    def first(pairs: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for lang, text in pairs:
            seen.setdefault(lang, text)
        return list(seen.items())

    return first(info.bad), first(info.good)


def _help_text(info: RuleInfo) -> str:
    bad, good = _examples(info)
    lines = [f"{info.code} {info.slug}: {info.why}"]
    lines += [f"Bad ({lang}): {text}" for lang, text in bad]
    lines += [f"Good ({lang}): {text}" for lang, text in good]
    lines.append(f"More: voicecheck explain {info.code}")
    return "\n".join(lines)


def _help_markdown(info: RuleInfo) -> str:
    bad, good = _examples(info)
    parts = [f"**{info.code} {info.slug}**", "", _md(info.why)]
    if bad:
        parts += ["", "Bad:", ""] + [f"- ({lang}) {_md(text)}" for lang, text in bad]
    if good:
        parts += ["", "Good:", ""] + [f"- ({lang}) {_md(text)}" for lang, text in good]
    parts += ["", f"`voicecheck explain {info.code}` shows every language's examples."]
    return "\n".join(parts)


def _md(text: str) -> str:
    r"""Text as Markdown that shows literally (examples may contain * _ ` < and the like).

    >>> print(_md("# a *b* <i>"))
    \# a \*b\* \<i\>
    """
    text = " ".join(text.split())
    text = "".join("\\" + ch if ch in "\\`*_[]<>|~" else ch for ch in text)
    return "\\" + text if text[:1] in ("#", "+", "-", "=") else text


def _result(report: Report, r_index: int, finding: Finding, rule_index: int,
            fingerprint: str, files: _FileCache) -> dict[str, Any]:
    path = report.path or "-"
    end_line, end_column = end_position(finding)
    region = {"startLine": finding.line, "startColumn": finding.column,
              "endLine": end_line, "endColumn": end_column,
              "snippet": {"text": finding.text}}
    rid = reply_id(report, r_index)
    name = reply_name(report, r_index)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": f"{finding.message} (reply {name})"},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"},
                "region": region,
            },
            "logicalLocations": [{"name": rid, "fullyQualifiedName": f"{path}#{rid}",
                                  "kind": "object"}],
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"language": report.language, "replyId": rid,
                       "title": report.extra.get("title"), "verdict": report.verdict,
                       "score": report.score},
    }
    fixes = _fixes(path, finding, region, files)
    if fixes:
        result["fixes"] = fixes
    return result


@lru_cache(maxsize=4096)
def _uri(path: str) -> str:
    """A relative URI reference for a library path ('/' separators, spaces and % escaped)."""
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/@:+,;=!$&'()*~")


def _fixes(path: str, finding: Finding, region: dict[str, Any],
           files: _FileCache) -> list[dict[str, Any]]:
    if not finding.suggestions or not files.shows(path, finding):
        return []
    deleted = {k: region[k] for k in ("startLine", "startColumn", "endLine", "endColumn")}
    out = []
    for suggestion in finding.suggestions:
        # A suggestion may cover a different span than the finding (start/end are offsets in
        # the reply); only those covering exactly the finding map onto the file region.
        if (suggestion.start, suggestion.end) != (finding.start, finding.end):
            continue
        shown = suggestion.text or "(remove)"
        out.append({
            "description": {"text": f"Replace with: {shown}"},
            "artifactChanges": [{
                "artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"},
                "replacements": [{"deletedRegion": deleted,
                                  "insertedContent": {"text": suggestion.text}}],
            }],
            "properties": {"safe": bool(getattr(suggestion, "safe", False))},
        })
    return out


class _FileCache:
    """Lines of library files, read once, to check a region before proposing a fix there."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self.lines: dict[str, list[str] | None] = {}

    def shows(self, path: str, finding: Finding) -> bool:
        """Whether the file has the finding's exact text at its line and column."""
        if "\n" in finding.text or "\r" in finding.text:
            return False
        if path not in self.lines:
            self.lines[path] = self._read(path)
        lines = self.lines[path]
        if lines is None or not 0 < finding.line <= len(lines):
            return False
        start = finding.column - 1
        return lines[finding.line - 1][start:start + len(finding.text)] == finding.text

    def _read(self, path: str) -> list[str] | None:
        try:
            file = self.root / path
            if file.stat().st_size > MAX_FIX_FILE_BYTES:
                return None  # a huge export gets findings without proposed fixes
            text = file.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _notification(error: Any) -> dict[str, Any]:
    note: dict[str, Any] = {"level": "error", "message": {"text": str(error)}}
    if getattr(error, "code", None):
        note["descriptor"] = {"id": error.code}
    if getattr(error, "path", None):
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(error.path),
                                                         "uriBaseId": "%SRCROOT%"}}
        if getattr(error, "line", None):
            location["region"] = {"startLine": error.line}
        note["locations"] = [{"physicalLocation": location}]
    return note
