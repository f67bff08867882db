"""VC503's phone numbers: only runs of nine digits or more reach libphonenumber, English tries
other regions' trunk-0 numbers, hotlines are not personal data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.engine import Checker

CHECKER = Checker(model=False)


def _phones(text: str, lang: str = "en") -> list[str]:
    report = CHECKER.check(text, lang=lang, channel="twitter_public")
    return [f.text for f in report.findings if f.code == "VC503"]


@pytest.mark.parametrize(("text", "found"), [
    ("Call me on 07911 123456 tomorrow.", ["07911 123456"]),          # UK mobile
    ("Call me on 0412 345 678 tomorrow.", ["0412 345 678"]),          # Australian mobile
    ("Our courier will call +1 415 555 2671.", ["+1 415 555 2671"]),
    ("Your order 9876543210 has shipped.", []),                       # no trunk 0: an order number
    ("Call our team free on 0800 028 0202 or 1-800-379-6453.", []),   # hotlines
    ("Order #40213388 is on its way, ref 2024-11-26.", []),
])
def test_english_phone_numbers(text, found):
    assert _phones(text) == found


def test_other_languages_keep_their_own_region():
    assert _phones("Nomor Kakak 0812-7734-2290 sudah terdaftar.", "id") == ["0812-7734-2290"]
    assert _phones("Your number 0812-7734-2290 is verified.") == []  # not an English region


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 +()-.–\n abc", max_size=120))
def test_any_digit_soup_gives_spans_inside_the_text(text):
    text = text if text.strip() else "x"  # an empty reply is refused (E204)
    report = CHECKER.check(text, lang="en", channel="twitter_public")
    for f in report.findings:
        assert text[f.start:f.end] == f.text
