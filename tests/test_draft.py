"""Tokens and sentences of a draft match what spaCy's full blank pipeline (tokenizer +
sentencizer) gives, for any text: `tokenize` reads the tokenizer's arrays directly and splits
sentences itself, which is faster, and must not change a single boundary."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.text.draft import make_draft, tokenize
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
    tokens, sentences, _words, _openers = tokenize(folded, lang)
    ref_tokens, ref_sentences = _reference(folded, lang)
    assert [(t.text, t.start, t.end, t.is_word) for t in tokens] == ref_tokens
    assert sentences == ref_sentences


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["en", "fa"]))
def test_any_text_matches_spacy_pipeline(text, lang):
    folded = fold(clean(text)).text
    tokens, sentences, _words, _openers = tokenize(folded, lang)
    ref_tokens, ref_sentences = _reference(folded, lang)
    assert [(t.text, t.start, t.end, t.is_word) for t in tokens] == ref_tokens
    assert sentences == ref_sentences


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30), st.sampled_from(["en", "id", "ms", "fa"]))
def test_words_and_openers_are_read_off_tokens_and_sentences(pieces, lang):
    """The words and sentence openers a draft collects while tokenizing are the word tokens
    and each sentence's first word token."""
    draft = make_draft("".join(pieces), lang)
    assert draft.word_texts == [t.text for t in draft.tokens if t.is_word]
    openers = [next(t.text for t in draft.tokens[a:b] if t.is_word)
               for a, b in draft.sentences if any(t.is_word for t in draft.tokens[a:b])]
    assert draft.openers == openers


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
    tokens = tokenize("thanks for waiting", "en")[0]
    assert [t.text for t in tokens] == ["thanks", "for", "waiting"]



@functools.cache
def _raw_tokenizer(lang: str) -> object:
    """The tokenizer as spaCy's affix rules alone would split (no plain-word shortcut)."""
    from voicecheck.text import pipeline

    shortcut = pipeline._plain
    pipeline._plain = lambda search, nothing: search
    try:
        return pipeline._build(lang).tokenizer
    finally:
        pipeline._plain = shortcut


def _words_we_know() -> set[str]:
    root = Path(__file__).resolve().parents[1]
    words: set[str] = set()
    for path in list((root / "rules").rglob("*.yaml")) + \
            list((root / "training" / "authored").glob("*.jsonl")):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            text = " ".join(v for line in text.splitlines() if line
                            for v in json.loads(line).values() if isinstance(v, str))
        for word in text.split():
            words.update((word, fold(clean(word)).text))
    return words


@pytest.mark.parametrize("lang", ["en", "id", "ms", "fa"])
def test_plain_words_are_never_split_by_affix_rules(lang):
    """The shortcut in pipeline._plain is exact: spaCy's own prefix, suffix and
    infix rules split no chunk made only of letters, for every word we ship or train on."""
    raw = _raw_tokenizer(lang)
    letters_only = sorted(w for w in _words_we_know() if w.isalpha())
    assert len(letters_only) > 10_000
    split = [w for w in letters_only if raw.prefix_search(w) or raw.suffix_search(w)
             or list(raw.infix_finditer(w))]
    assert split == []


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(PIECES, max_size=30).map("".join), st.text(max_size=120)),
       st.sampled_from(["en", "id", "ms", "fa"]))
def test_shortcut_tokenizes_like_spacys_rules(text, lang):
    assert [t.text for t in _raw_tokenizer(lang)(text)] == \
        [t.text for t in get_nlp(lang).tokenizer(text)]


_RUN_PIECES = st.sampled_from(["?", "!", "?!", ".", "😡", "👨‍👩‍👧", "❤️", "…", "-", "ab", "7", "'"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_RUN_PIECES, min_size=1, max_size=400).map("".join),
       st.sampled_from(["en", "id", "fa"]))
def test_long_runs_without_spaces_keep_every_character_and_every_word(run, lang):
    """Runs of 200+ characters without a space are tokenised in pieces (spaCy peels their
    punctuation one character at a time, re-searching the rest: quadratic). No character is
    lost or moved, and letters and digits are never cut apart."""
    text = f"Why {run} now"
    tokens, _, _, _ = tokenize(text, lang)
    assert "".join(t.text for t in tokens) == text.replace(" ", "")
    assert all(text[t.start:t.end] == t.text for t in tokens)
    cut = {t.end for t in tokens}
    assert not any(i in cut and text[i - 1].isalnum() and text[i].isalnum()
                   for i in range(1, len(text)))


def test_a_long_punctuation_run_is_tokenised_in_short_pieces(monkeypatch):
    """6,800 characters of "?!" took 4.5 s in one tokenizer call; in pieces it is linear."""
    nlp = get_nlp("en")
    seen: list[int] = []
    real = nlp.tokenizer

    class Recording:
        def __call__(self, text):
            seen.append(len(text))
            return real(text)

    monkeypatch.setattr(nlp, "tokenizer", Recording())
    tokens, _, _, _ = tokenize("Why " + "?!" * 3400 + " now", "en")
    assert len(tokens) == 6802 and max(seen) < 200  # each "?" and "!" a token, as before
