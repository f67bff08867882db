"""Evasion: every bad example of every word-matching rule, disguised, must still be caught,
and the finding must still point at the original (disguised) characters."""

from __future__ import annotations

import pytest

from voicecheck.checks.registry import LANGS, pack_rules
from voicecheck.engine import Checker
from voicecheck.guide import guide_from_mapping

WORD_KINDS = ("phrase", "substitution", "address")
CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і"})


def zero_width(text: str) -> str:
    return "".join(c + "\u200b" if c.isalpha() else c for c in text)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and c.isalnum() else c for c in text)


def homoglyphs(text: str) -> str:
    return text.translate(CYRILLIC)


def accents(text: str) -> str:
    return "".join(c + "\u0301" if c in "aeiou" else c for c in text)


def soft_hyphens(text: str) -> str:
    return "".join(c + "\u00ad" if c.isalpha() else c for c in text)


def persian_variants(text: str) -> str:
    return text.replace("ی", "ي").replace("ک", "ك").replace("\u200c", "")


def bidi_controls(text: str) -> str:
    return "\u2067" + text.replace(" ", " \u200e") + "\u2069"


DISGUISES = {
    "en": [zero_width, full_width, homoglyphs, accents, soft_hyphens, str.upper],
    "id": [zero_width, full_width, homoglyphs, accents, soft_hyphens, str.upper],
    "ms": [zero_width, full_width, homoglyphs, accents, soft_hyphens, str.upper],
    "fa": [zero_width, persian_variants, bidi_controls, soft_hyphens],
}


def _cases():
    for lang in LANGS:
        for rule in pack_rules(lang):
            if rule.lang != lang or rule.kind not in WORD_KINDS:
                continue
            for i, example in enumerate(rule.examples_bad):
                for disguise in DISGUISES[lang]:
                    yield pytest.param(rule, example, disguise,
                                       id=f"{lang}-{rule.code}-bad{i}-{disguise.__name__}")


_CHECKERS: dict = {}


def _checker(example) -> Checker:
    key = repr(example.guide)
    if key not in _CHECKERS:
        _CHECKERS[key] = Checker(guide_from_mapping(example.guide) if example.guide else None)
    return _CHECKERS[key]


@pytest.mark.parametrize(("rule", "example", "disguise"), list(_cases()))
def test_disguised_bad_example_is_still_caught(rule, example, disguise):
    text = disguise(example.text)
    report = _checker(example).check(text, lang=rule.lang, channel=example.channel)
    found = [f for f in report.findings if f.code == rule.code]
    assert found, f"{rule.code} missed after {disguise.__name__}: {text!r}"
    for finding in found:
        assert text[finding.start:finding.end] == finding.text
