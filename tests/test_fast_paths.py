"""Shortcuts the style checks take for speed find exactly what the full search finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.checks import style

ASCII = st.lists(st.sampled_from(list("aZAB c.!?1_-'#[]") + ["OK", "FAQ", "Hi", "ID3"]),
                 max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(ASCII)
def test_ascii_capitals_are_the_all_capital_letter_runs(text):
    full = [(m.start(), m.end()) for m in style._WORD.finditer(text) if m.group().isupper()]
    assert [(m.start(), m.end()) for m in style._ASCII_CAPS.finditer(text)] == full


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(max_codepoint=0x203B), max_size=40))
def test_no_counted_emoji_below_u203c(text):
    assert all(m.group() in style._NOT_EMOJI for m in style._EMOJI.finditer(text))


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(list("!?. a")), max_size=30))
def test_repeated_punctuation_needs_a_pair(text):
    if style._REPEATED.search(text):
        assert any(pair in text for pair in ("!!", "??", "!?", "?!", "...."))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["word", "Ok", "1.", "2)", "a)", "-", "*", "#", ":", ",", ".",
                                 "\n", "\n\n", " \n ", "x:"]), max_size=40).map(" ".join))
def test_visual_sentences_cut_a_sentence_into_contiguous_pieces(text):
    from voicecheck.checks.metric import visual_sentences
    from voicecheck.text.draft import make_draft

    draft = make_draft(text, "en")
    for first, last in draft.sentences:
        pieces = visual_sentences(draft, first, last)
        assert pieces[0][0] == first and pieces[-1][1] == last
        assert all(a < b for a, b in pieces)
        assert all(pieces[k][1] == pieces[k + 1][0] for k in range(len(pieces) - 1))
        if "\n" not in draft.folded.text[draft.tokens[first].start:draft.tokens[last - 1].end]:
            assert pieces == [(first, last)]
