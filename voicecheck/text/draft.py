"""A Draft: one reply, normalised, tokenised and split into sentences, with offsets mapped back.

Tokens and sentences are found on the folded text (see normalize.py); every span a check
reports is turned back into a span of the original text with `Draft.original_span`.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from voicecheck.text.lemma import lemma_table
from voicecheck.text.normalize import MappedText, clean, fold
from voicecheck.model import VoicecheckError
from voicecheck.text.pipeline import MAX_TEXT, get_nlp


class Token(NamedTuple):
    text: str  # folded form
    lemma: str  # folded lemma (the form itself when the table has none)
    start: int  # offsets into the folded text
    end: int
    is_word: bool


@dataclass(slots=True)
class Draft:
    """One reply, ready for the checks."""

    original: str
    lang: str
    clean: MappedText
    folded: MappedText
    tokens: list[Token]
    sentences: list[tuple[int, int]]  # token index ranges [first, last)
    context: dict = field(default_factory=dict)
    line_starts: list[int] | None = None  # offsets where each line begins (on first use)
    word_texts: list[str] = field(default_factory=list)  # tokens that are not punctuation
    openers: list[str] = field(default_factory=list)  # the first word of each sentence

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an original offset, as `model.line_col` counts them,
        in log time (a reply with 100,000 findings must not count lines 100,000 times).

        >>> make_draft("ab\\r\\ncd", "en").line_col(5)
        (2, 2)
        """
        if self.line_starts is None:
            starts, found = [0], self.original.find("\n")
            while found != -1:
                starts.append(found + 1)
                found = self.original.find("\n", found + 1)
            self.line_starts = starts
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Span of the original text behind folded[start:end]."""
        return self.folded.to_original(start, end)

    def token_span(self, first: int, last: int) -> tuple[int, int]:
        """Span of the original text behind tokens[first:last]."""
        return self.original_span(self.tokens[first].start, self.tokens[last - 1].end)


_LONG_RUN = 200   # characters without a space from which a run is tokenised in pieces
_PIECE = 50       # the least length of a piece
_RUN = re.compile(r"\S{%d,}" % _LONG_RUN)


def _cuts(text: str) -> list[int]:
    """Where to cut runs of 200+ characters without a space, between two characters that are
    neither letters, digits nor joiners, at least 50 characters apart. spaCy peels a token's
    punctuation or emoji off one at a time, re-searching the rest each time, so one run of
    6,800 "?!" took 4.5 s; cut into pieces it is linear. Words are never cut."""
    cuts: list[int] = []
    for run in _RUN.finditer(text):
        last = run.start()
        for i in range(run.start() + _PIECE, run.end() - 1):
            if i - last >= _PIECE and not text[i - 1].isalnum() and not text[i].isalnum() \
                    and unicodedata.category(text[i]) not in ("Mn", "Me", "Cf") \
                    and unicodedata.category(text[i - 1]) != "Cf":
                cuts.append(i)
                last = i
    return cuts


def _token_rows(nlp: object, text: str, attrs: list[int]) -> list[list[int]]:
    """spaCy's token array (`attrs` per token) for `text`, tokenised in pieces at `_cuts`."""
    cuts = _cuts(text) if len(text) > _LONG_RUN else []
    if not cuts:
        doc = nlp.tokenizer(text)  # type: ignore[attr-defined]
        return doc.to_array(attrs).tolist() if len(doc) else []
    rows: list[list[int]] = []
    bounds = [0, *cuts, len(text)]
    for start, end in zip(bounds, bounds[1:]):
        doc = nlp.tokenizer(text[start:end])  # type: ignore[attr-defined]
        if len(doc):
            for row in doc.to_array(attrs).tolist():
                row[0] += start  # IDX comes first
                rows.append(row)
    return rows


def tokenize(folded_text: str, lang: str
             ) -> tuple[list[Token], list[tuple[int, int]], list[str], list[str]]:
    """Tokens (with lemmas) and sentence token ranges of an already folded text, with the
    words (tokens that are not punctuation) and each sentence's first word, which the tone
    model and the metrics read: all collected in one pass.

    spaCy's tokenizer gives the tokens as one array (no Token objects: they cost more than
    the tokenizing); sentences are split the way spaCy's `sentencizer` does it — a sentence
    ends after a run of sentence-final punctuation — on that array.
    """
    nlp = get_nlp(lang)  # first: it imports spaCy the lean way (pipeline.import_spacy)
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH

    lemmas = lemma_table(lang)
    rows = _token_rows(nlp, folded_text, [IDX, LENGTH, IS_PUNCT, IS_SPACE])
    tokens: list[Token] = []
    sentences: list[tuple[int, int]] = []
    words: list[str] = []
    openers: list[str] = []
    if not rows:
        return tokens, sentences, words, openers
    final = _sentence_final()
    first = 0
    opened = -1  # the start of the last sentence whose first word is in `openers`
    seen_final = False
    lemma = lemmas.get
    new = tuple.__new__  # Token(...) without NamedTuple's keyword handling: a third faster
    append = tokens.append
    for idx, length, punct, space in rows:
        text = folded_text[idx:idx + length]
        is_final = text in final
        if seen_final and not punct and not is_final:
            if len(tokens) > first:
                sentences.append((first, len(tokens)))
            first = len(tokens)
            seen_final = False
        elif is_final:
            seen_final = True
        if space:
            continue
        if not punct:
            words.append(text)
            if opened != first:
                openers.append(text)
                opened = first
        append(new(Token, (text, lemma(text, text), idx, idx + length, not punct)))
    if len(tokens) > first:
        sentences.append((first, len(tokens)))
    return tokens, sentences, words, openers


@cache
def _sentence_final() -> frozenset[str]:
    from spacy.pipeline import Sentencizer

    return frozenset(Sentencizer.default_punct_chars)


def make_draft(text: str, lang: str) -> Draft:
    """Normalise, tokenise and split `text` as language `lang`.

    >>> d = make_draft("We apologise for any inconvenience.", "en")
    >>> [t.text for t in d.tokens][:3]
    ['we', 'apologise', 'for']
    """
    cleaned = clean(text)
    folded = fold(cleaned)
    if len(folded.text) > MAX_TEXT:
        raise VoicecheckError(f"input is too long: {len(folded.text):,} characters after "
                              f"normalisation (at most {MAX_TEXT:,})", code="E201")
    tokens, sentences, words, openers = tokenize(folded.text, lang)
    return Draft(text, lang, cleaned, folded, tokens, sentences, {}, None, words, openers)
