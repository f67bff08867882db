"""Every documented example of every rule, in every language, runs as a test (SQLFluff-style).

A bad example must raise the rule's code; a good example must not. The same examples are
what `voicecheck explain CODE` prints.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pytest

from voicecheck.checks.registry import LANGS, pack_rules
from voicecheck.engine import Checker
from voicecheck.guide import guide_from_mapping


def _cases():
    for lang in LANGS:
        for rule in pack_rules(lang):
            if rule.lang == "*" and lang != "en":
                continue  # common rules: examples carry their own language or are detected
            if rule.kind == "suppression":
                continue  # lint-only rules: their examples are library files (test_lint.py)
            for kind, examples in (("bad", rule.examples_bad), ("good", rule.examples_good)):
                for i, example in enumerate(examples):
                    yield pytest.param(rule, example, kind == "bad",
                                       id=f"{rule.lang}-{rule.code}-{rule.slug}-{kind}{i}")


@lru_cache(maxsize=None)
def _checker(guide_json: str) -> Checker:
    data = json.loads(guide_json)
    return Checker(guide_from_mapping(data) if data is not None else None)


@pytest.mark.parametrize(("rule", "example", "bad"), list(_cases()))
def test_rule_example(rule, example, bad):
    checker = _checker(json.dumps(example.guide, sort_keys=True))
    lang = example.lang or (rule.lang if rule.lang != "*" else None)
    report = checker.check(example.text, lang=lang, channel=example.channel,
                           customer=example.customer)
    codes = [f.code for f in report.findings]
    shown = [(f.code, f.text) for f in report.findings]
    if bad:
        assert rule.code in codes, f"{rule.code} not raised on bad example; found {shown}"
    else:
        assert rule.code not in codes, f"{rule.code} raised on good example; found {shown}"
    for finding in report.findings:
        assert example.text[finding.start:finding.end] == finding.text


@pytest.mark.parametrize("lang", LANGS)
def test_language_pack_size(lang):
    own = [r for r in pack_rules(lang) if r.lang == lang]
    assert len(own) >= 30, f"{lang} pack has {len(own)} rules, at least 30 expected"
