"""docs/rule-codes.md against the installed rule packs: every installed code has one row with its
slug, kind(s), default severity, dimension and languages, and the table names no other code.

The packs are the truth (`voicecheck rules` lists them); the table is what people read. VC201-
VC207 and VC901-VC902 once fired for months with no row, and VC123/VC507 listed languages they
are not installed for, because nothing compared the two.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from tests.conftest import ROOT, run_cli
from voicecheck.checks.registry import LANGS, all_rules

DOC = ROOT / "docs" / "rule-codes.md"
COLUMNS = ["code", "slug", "kind", "default severity", "dimension", "what it catches",
           "languages"]
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in _CELL_SPLIT.split(line.strip().strip("|"))]


def doc_rows() -> dict[str, dict[str, str]]:
    """The table's rows by code (a code twice is an error)."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| code |"))
    assert _cells(lines[start]) == COLUMNS, "the table's columns changed: update this test"
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = _cells(line)
        assert len(cells) == len(COLUMNS), f"a row needs {len(COLUMNS)} cells: {line}"
        row = dict(zip(COLUMNS, cells))
        assert row["code"] not in rows, f"{row['code']} has two rows"
        rows[row["code"]] = row
    # the table is the only place with codes in a row: no second table further down
    assert not any(line.startswith("| VC") for line in lines[start + 2 + len(rows):])
    return rows


def installed() -> dict[str, dict[str, object]]:
    """Per code, what the packs say, over every language that has the rule."""
    out: dict[str, dict[str, object]] = defaultdict(
        lambda: {"slug": set(), "kind": set(), "severity": set(), "dimension": set(),
                 "languages": set()})
    for rule in all_rules():
        entry = out[rule.code]
        for key, value in (("slug", rule.slug), ("kind", rule.kind),
                           ("severity", rule.severity), ("dimension", rule.dimension),
                           ("languages", "all" if rule.lang == "*" else rule.lang)):
            entry[key].add(value)  # type: ignore[attr-defined]
    return dict(out)


def _doc_languages(cell: str) -> set[str]:
    """The languages of a cell: `all (common)` is {"all"}, `id ms fa` is {"id", "ms", "fa"};
    a note in brackets after the list is not a language."""
    return set(cell.split("(")[0].split())


def test_the_table_can_be_read():
    rows = doc_rows()
    assert len(rows) > 50 and "VC110" in rows and "VC151" in rows


@pytest.mark.parametrize("code", sorted(installed()))
def test_every_installed_code_has_a_matching_row(code):
    rows = doc_rows()
    assert code in rows, f"{code} is installed but docs/rule-codes.md has no row for it"
    row, rule = rows[code], installed()[code]
    assert len(rule["slug"]) == 1 and len(rule["severity"]) == 1, rule  # one meaning per code
    assert {row["slug"]} == rule["slug"], (code, row["slug"], rule["slug"])
    # a code whose packs differ in kind (VC510: phrase in en/id/ms, pattern in fa) lists each
    assert set(row["kind"].split("/")) == rule["kind"], (code, row["kind"], rule["kind"])
    # the default severity comes first; the conditions that change it follow in brackets
    assert row["default severity"].split()[0] == next(iter(rule["severity"])), code
    assert {row["dimension"]} == rule["dimension"], (code, row["dimension"], rule["dimension"])
    assert _doc_languages(row["languages"]) == rule["languages"], \
        (code, row["languages"], sorted(rule["languages"]))
    if rule["languages"] == {"all"}:
        assert row["languages"] == "all (common)", code
    assert row["what it catches"], code


def test_the_table_names_no_code_that_is_not_installed():
    extra = sorted(set(doc_rows()) - set(installed()))
    assert not extra, f"docs/rule-codes.md has rows for codes no pack defines: {extra}"


def test_the_table_is_in_code_order():
    codes = list(doc_rows())
    assert codes == sorted(codes)


def test_reserved_ranges_hold_no_installed_code():
    """The ranges the "Reserved:" paragraph keeps free ("VC413–VC499 for …") hold no
    installed code (it once called VC201–VC209 reserved with seven of them installed)."""
    text = DOC.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p.startswith("Reserved:"))
    ranges = re.findall(r"VC(\d{3})[–-]VC(\d{3}) for", paragraph.replace("\n", " "))
    assert ranges, "the Reserved paragraph names no range"
    numbers = {int(code[2:]) for code in installed()}
    for low, high in ranges:
        inside = sorted(n for n in numbers if int(low) <= n <= int(high))
        assert not inside, f"VC{low}-VC{high} is called reserved but holds {inside}"


def test_the_table_agrees_with_voicecheck_rules_json():
    """The same check through the command people run, so the CLI's listing and the packs
    cannot drift apart unnoticed either."""
    result = run_cli("rules", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    rows = doc_rows()
    assert {e["code"] for e in listed} == set(rows)
    for entry in listed:
        row = rows[entry["code"]]
        assert row["slug"] == entry["rule"] and row["dimension"] == entry["dimension"]
        assert row["default severity"].split()[0] == entry["severity"]
        assert entry["kind"] in row["kind"].split("/")
        assert _doc_languages(row["languages"]) == set(entry["languages"])
        assert set(entry["languages"]) <= set(LANGS) | {"all"}
