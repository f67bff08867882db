"""VC303's lengths: X's weighted count (links 23, emoji 2, CJK 2) and SMS parts (GSM-7 or
UCS-2), against hand-counted cases and brute-force oracles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.engine import Checker
from voicecheck.text.lengths import (GSM7, GSM7_EXTENSION, SMART, sms_cut, sms_length, x_cut,
                                     x_length)


@pytest.mark.parametrize(("text", "length"), [
    ("a" * 280, 280),
    ("see https://help.example.com/articles/360012345-where-is-my-parcel-and-how", 27),
    ("see help.acme.com.", 4 + 23 + 1),          # a bare domain is a link; the full stop not
    ("mail maya@acme.com", 18),                  # an e-mail address is not a link
    ("ok 😊", 5), ("ok 👩‍👩‍👧", 5), ("ok 🇲🇾", 5),   # one emoji sequence weighs 2
    ("漢字", 4), ("سلام", 4), ("“quoted” — yes", 14),  # CJK 2; Persian and punctuation 1
    ("© 2026", 6),                               # © as text weighs 1
])
def test_x_length(text, length):
    assert x_length(text) == length


@pytest.mark.parametrize(("text", "parts", "units", "unicode"), [
    ("a" * 160, 1, 160, None), ("a" * 161, 2, 161, None), ("a" * 306, 2, 306, None),
    ("a" * 307, 3, 307, None), ("{}" + "a" * 158, 2, 162, None),   # extension characters: 2
    ("’" + "a" * 159, 1, 160, None), ("…" + "a" * 158, 2, 161, None),  # sent as ' and ...
    ("é" + "a" * 69, 1, 70, None), ("ą" + "a" * 69, 1, 70, "ą"), ("ą" + "a" * 70, 2, 71, "ą"),
    ("😊" * 35, 1, 70, "😊"), ("use `code`", 1, 10, "`"), ("tab\there", 1, 8, "\t"),
    ("سلام " * 27, 3, 135, "س"), ("", 0, 0, None),
])
def test_sms_length(text, parts, units, unicode):
    length = sms_length(text)
    assert (length.parts, length.units, length.unicode) == (parts, units, unicode)


def _units(text: str, unicode: bool) -> int:
    return sum((2 if ord(c) > 0xFFFF else 1) if unicode
               else (2 if c in GSM7_EXTENSION else len(SMART.get(c, c))) for c in text)


def _sms_brute(text: str) -> tuple[int, int]:
    unicode = any(c not in GSM7 and c not in GSM7_EXTENSION and c not in SMART for c in text)
    units = _units(text, unicode)
    single, per = (70, 67) if unicode else (160, 153)
    if not units:
        return 0, 0
    parts = 1
    while units > (single if parts == 1 else parts * per):
        parts += 1
    return parts, units


_SMS_PIECES = list("aZ0 .,{}€[]’…–é😊س\n`^|\f") + ["👩‍👧"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SMS_PIECES), max_size=300).map("".join))
def test_sms_length_equals_brute_force_and_the_cut_fits(text):
    length = sms_length(text)
    assert (length.parts, length.units) == _sms_brute(text)
    unicode = length.unicode is not None
    for parts in (1, 2, 3):
        cut = sms_cut(text, parts)
        capacity = length.single if parts == 1 else parts * length.per_part
        assert _units(text[:cut], unicode) <= capacity
        if cut < len(text):
            assert _units(text[:cut + 1], unicode) > capacity


def _pieces(text: str) -> list[tuple[int, int, int]]:
    """Oracle: (start, end, weight) of every link, emoji sequence and other character."""
    from voicecheck.text.lengths import _light, _marks

    pieces, at = [], 0
    for start, end, weight in _marks(text):
        pieces += [(i, i + 1, 1 if _light(text[i]) else 2) for i in range(at, start)]
        pieces.append((start, end, weight))
        at = end
    return pieces + [(i, i + 1, 1 if _light(text[i]) else 2) for i in range(at, len(text))]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab .:/@-😊漢س") + ["https://", "www.", ".com", "👩‍👧"]),
                max_size=60).map("".join))
def test_x_length_and_cut_equal_a_character_by_character_count(text):
    pieces = _pieces(text)
    assert x_length(text) == sum(weight for *_, weight in pieces)  # NFC changes none of these
    for limit in (0, 10, 40, 500):
        total, expected = 0, len(text)
        for start, _end, weight in pieces:
            total += weight
            if total > limit:
                expected = start
                break
        assert x_cut(text, limit) == expected


def test_a_long_link_fits_an_x_reply_and_emoji_count_twice():
    checker = Checker(model=False)
    text = ("Hi Sam, sorry your parcel is late! It's at the Leeds depot and will reach you "
            "tomorrow between 9 and 12. Live tracking: https://track.example.com/parcels/" + "7" * 200)
    assert len(text) > 280 and x_length(text) < 280
    assert not [f for f in checker.check(text, lang="en", channel="twitter_public").findings
                if f.code == "VC303"]
    emoji = "Thanks " + "🎉" * 137  # 281 as X counts
    found = [f for f in checker.check(emoji, lang="en", channel="twitter_public").findings
             if f.code == "VC303"]
    assert found and "as X counts them" in found[0].message and found[0].message.startswith("281 ")


def test_sms_finding_names_the_character_that_made_it_unicode():
    checker = Checker(model=False)
    text = "Hi Sarah 👋 we’ve moved your appointment – see you! " * 5  # 255: 4 Unicode parts
    found = [f for f in checker.check(text, lang="en", channel="sms").findings if f.code == "VC303"]
    assert [f.severity for f in found] == ["warning"]
    assert "4 parts" in found[0].message and "because of '👋'" in found[0].message
    plain = text.replace("👋", "-")  # the curly apostrophe and the dash go as ' and -
    assert not [f for f in checker.check(plain, lang="en", channel="sms").findings
                if f.code == "VC303"]
