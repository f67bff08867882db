"""Tokens and sentences of a draft match what spaCy's full blank pipeline (tokenizer +
sentencizer) gives, for any text: `tokenize` reads the tokenizer's arrays directly and splits
sentences itself, which is faster, and must not change a single boundary."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.text.draft import tokenize
from voicecheck.text.normalize import clean, fold
from voicecheck.text.pipeline import get_nlp


def _reference(folded: str, lang: str) -> tuple[list[tuple], list[tuple[int, int]]]:
    doc = get_nlp(lang)(folded)
    tokens = [(t.text, t.idx, t.idx + len(t.text), not t.is_punct) for t in doc
              if not t.is_space]
    sentences = []
    position = 0
    for sent in doc.sents:
        first = position
        while position < len(tokens) and tokens[position][1] < sent.end_char:
            position += 1
        if position > first:
            sentences.append((first, position))
    return tokens, sentences


PIECES = st.sampled_from(["Hi", "thanks", "we", "sorry", ".", "!", "?", "...", "!!", "?!",
                          " ", "  ", "\n", "\n\n", ",", "e.g.", "Mr.", "anak-anak", "؟",
                          "سلام", "۔", "میخوام", "Anda", "😀", "—", "(", ")", "\"", "'",
                          "3.5", "www.example.com", "a@b.co"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30), st.sampled_from(["en", "id", "ms", "fa"]))
def test_tokens_and_sentences_match_spacy_pipeline(pieces, lang):
    folded = fold(clean("".join(pieces))).text
    tokens, sentences = tokenize(folded, lang)
    ref_tokens, ref_sentences = _reference(folded, lang)
    assert [(t.text, t.start, t.end, t.is_word) for t in tokens] == ref_tokens
    assert sentences == ref_sentences


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["en", "fa"]))
def test_any_text_matches_spacy_pipeline(text, lang):
    folded = fold(clean(text)).text
    tokens, sentences = tokenize(folded, lang)
    ref_tokens, ref_sentences = _reference(folded, lang)
    assert [(t.text, t.start, t.end, t.is_word) for t in tokens] == ref_tokens
    assert sentences == ref_sentences


def test_vocabulary_stays_bounded(monkeypatch):
    """A long-running checker must not grow spaCy's vocabulary without end."""
    from voicecheck.text import pipeline

    monkeypatch.setattr(pipeline, "VOCAB_LIMIT", 2_000)
    seen = set()
    for i in range(400):
        words = " ".join(f"w{i}x{j}" for j in range(20))
        tokenize(words, "en")
        nlp = pipeline.get_nlp("en")
        seen.add(id(nlp))
        assert len(nlp.vocab) <= 2_000 + 25
    assert len(seen) > 1  # rebuilt at least once
    tokens, _ = tokenize("thanks for waiting", "en")
    assert [t.text for t in tokens] == ["thanks", "for", "waiting"]
