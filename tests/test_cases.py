"""The labelled reply-in-context cases (tests/cases/<lang>.yaml): at least 60 per language,
and every 4xx check keeps precision >= 0.9 per language (false positives are bugs) with
enough recall overall that a check which never fires cannot pass.

The table per check and language is printed by bench/eval_cases.py (docs/quality.md).
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT))

from bench.eval_cases import LANGS, found_codes, load_cases, score  # noqa: E402
from voicecheck.checks.registry import all_rules  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402

CODES = {r.code for r in all_rules() if r.code.startswith("VC4")}
MIN_PRECISION = 0.9
MIN_RECALL = 0.7  # over all languages


@pytest.fixture(scope="module")
def results():
    # without the tone model: the 4xx decisions do not use it, and loading it costs time
    checker = Checker(model=False)
    return [(case, found_codes(checker, case)) for lang in LANGS for case in load_cases(lang)]


@pytest.mark.parametrize("lang", ("en", "id", "ms", "fa"))
def test_cases_per_language(lang):
    cases = load_cases(lang)
    assert len(cases) >= 60
    assert len({c.id for c in cases}) == len(cases), "case ids must be unique"
    assert any(c.holdout for c in cases), "keep some cases aside from tuning"
    assert sum(1 for c in cases if not c.expect) >= 15, "hard negatives: good replies"
    for case in cases:
        assert case.expect <= CODES, f"{case.id}: unknown codes {case.expect - CODES}"
        assert case.reply.strip()


def test_precision_per_check_and_language(results):
    table = score(results)
    low = {f"{code} {lang}": round(c.precision, 2) for (code, lang), c in table.items()
           if lang != "all" and c.precision is not None and c.precision < MIN_PRECISION}
    assert not low, f"precision under {MIN_PRECISION}: {low}"


def test_every_check_fires_where_expected(results):
    table = score(results)
    for code in CODES:
        counts = table.get((code, "all"))
        assert counts is not None and counts.tp, f"{code} has no labelled case that it catches"
        assert counts.recall >= MIN_RECALL, f"{code} recall {counts.recall:.2f}"


def test_false_positives_are_named(results):
    """A readable list when a change breaks a good reply (the precision test says how many)."""
    wrong = [f"{case.id}: {sorted(found - case.expect)}" for case, found in results
             if found - case.expect]
    assert len(wrong) <= len(results) // 20, "\n".join(wrong)
