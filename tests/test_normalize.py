"""Offsets must map back to the original for any unicode input; disguises must fold away."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.text.normalize import _SPACED_HINT, _SPACED_LETTERS, clean, fold, fold_phrase

# Text drawn from the scripts and tricks replies really contain: Latin with accents, Persian
# with ZWNJ, emoji with ZWJ and skin tones, combining marks, bidi controls, full-width forms.
SPECIAL = st.sampled_from([
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2067", "\u0301",
    "\u064e", "\u0640", "👍🏽", "👨\u200d👩\u200d👧", "🇮🇩", "ｒ", "ﬁ", "İ", "ß", "ي", "ك", "۱", "é",
    "а", "ο", "\r\n", "\t", " ", "!", "می\u200cخواهم", "\x00", "\U0001d42b",
])
TEXT = st.lists(st.one_of(st.text(max_size=8), SPECIAL), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_clean_offsets_map_back(text):
    cleaned = clean(text)
    assert cleaned.original_length == len(text)
    if cleaned.starts is not None:
        assert len(cleaned.starts) == len(cleaned.text) == len(cleaned.ends)
        for s, e in zip(cleaned.starts, cleaned.ends):
            assert 0 <= s < e <= len(text)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_clean_equals_character_by_character_reference(text):
    """clean() translates runs in C and walks only the characters that drop or expand; the
    result is the per-character mapping, offsets included."""
    from voicecheck.text.normalize import _clean_char

    chars, starts, ends = [], [], []
    for i, c in enumerate(text):
        piece = _clean_char(c)
        chars.append(piece)
        starts += [i] * len(piece)
        ends += [i + 1] * len(piece)
    cleaned = clean(text)
    assert cleaned.text == "".join(chars)
    if cleaned.starts is not None:
        assert (cleaned.starts, cleaned.ends) == (starts, ends)
    else:
        assert starts == list(range(len(text)))


@settings(max_examples=400, deadline=None)
@given(TEXT, st.data())
def test_fold_spans_are_inside_original_and_ordered(text, data):
    folded = fold(clean(text))
    n = len(folded.text)
    i = data.draw(st.integers(0, n))
    j = data.draw(st.integers(i, n))
    start, end = folded.to_original(i, j)
    assert 0 <= start <= end <= len(text)
    if folded.starts is not None:
        assert folded.starts == sorted(folded.starts)


# Letters, digits, apostrophes and every separator the spaced-letters pattern knows, so that
# letter-spaced runs (and near misses) are common in the drawn text.
SPACED = st.lists(st.tuples(st.sampled_from(list("ab1'\u00e9\u0645") + ["ab", "I"]),
                            st.sampled_from(list(" .-_*·") + ["  ", " . ", "", "-*"])),
                  max_size=12).map(lambda pairs: "".join(a + b for a, b in pairs))


@settings(max_examples=600, deadline=None)
@given(st.one_of(SPACED, TEXT))
def test_spaced_letters_hint_is_necessary(text):
    """fold() skips the spaced-letters search when the cheap hint finds nothing: every run
    the full pattern finds must contain a hint match."""
    if _SPACED_LETTERS.search(text):
        assert _SPACED_HINT.search(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fold_is_idempotent_on_its_own_output(text):
    once = fold_phrase(text)
    assert fold_phrase(once) == once


def test_disguises_fold_to_the_plain_word():
    plain = "refund"
    for disguised in ["r\u200be\u200bf\u200bu\u200bn\u200bd", "ｒｅｆｕｎｄ", "rеfund",  # Cyrillic е
                      "RÉFUND", "r e f u n d", "r.e.f.u.n.d", "re*fund", "r-e-f-u-n-d",
                      "𝐫𝐞𝐟𝐮𝐧𝐝", "re\u00adfund"]:
        assert fold_phrase(disguised) == plain, disguised


def test_every_mask_character_is_dropped_inside_a_word():
    """fold() looks for masks only when one of _MASKS is present (a chain of `in` tests that
    must name them all)."""
    from voicecheck.text.normalize import _MASKS

    for mask in _MASKS:
        assert fold(clean(f"Your re{mask}fund is late")).text == "your refund is late", mask


def test_persian_variants_fold_together():
    assert fold_phrase("می\u200cخواهيد") == fold_phrase("میخواهید")
    assert fold_phrase("كتاب") == fold_phrase("کتاب")
    assert fold_phrase("۱۲۳") == "123"


def test_span_of_disguised_word_covers_the_original_characters():
    text = "Get a r\u200be\u200bf\u200bu\u200bn\u200bd now"
    folded = fold(clean(text))
    i = folded.text.index("refund")
    start, end = folded.to_original(i, i + 6)
    assert text[start:end] == "r\u200be\u200bf\u200bu\u200bn\u200bd"
