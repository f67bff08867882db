"""One token-sequence matcher for every phrase-like rule of a language.

Phrases are folded and tokenised exactly like drafts, so "We apologise", "WE APOLOGISE" and
"w\u200be apologise" are the same three tokens. A phrase token matches a draft token by its
form, or, for inflecting rules, by lemma too ("apologized" → "apologize"). `*` stands for any
one word and `{a|b}` expands to alternatives.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Iterator

from voicecheck.text.draft import Token, tokenize
from voicecheck.text.lemma import inflects, lemma_table
from voicecheck.text.normalize import fold_phrase

_ALTERNATIVES = re.compile(r"\{([^{}]*\|[^{}]*)\}")
_LONE_BRACES = re.compile(r"\{[^{}|]*\}")
WILDCARD = "*"
MAX_EXPANSIONS = 2048


@dataclass(frozen=True, slots=True)
class Entry:
    keys: tuple[str, ...]
    lemmas: tuple[str, ...]
    inflect: bool
    payload: Any
    phrase: str


class PhraseError(ValueError):
    """A rule phrase that cannot be matched as written."""


def expand(phrase: str) -> list[str]:
    """Expand {a|b} alternatives (an empty alternative makes a word optional).

    >>> expand("{we |}{apologize|apologise} for")
    ['we apologize for', 'we apologise for', 'apologize for', 'apologise for']
    """
    if _LONE_BRACES.search(phrase):
        raise PhraseError(f"phrase {phrase!r} has braces without '|'; write {{word|}} for an "
                          "optional word")
    parts = _ALTERNATIVES.split(phrase)
    choices = [p.split("|") if i % 2 else [p] for i, p in enumerate(parts)]
    total = 1
    for options in choices:
        total *= len(options)
    if total > MAX_EXPANSIONS:
        raise PhraseError(f"phrase {phrase!r} expands to {total} variants (at most "
                          f"{MAX_EXPANSIONS}); split it into several phrases")
    return [re.sub(r"\s+", " ", "".join(combo)).strip()
            for combo in itertools.product(*choices)]


def phrase_tokens(phrase: str, lang: str) -> list[Token]:
    folded = fold_phrase(phrase)
    tokens, _ = tokenize(folded, lang)
    return tokens


class PhraseMatcher:
    """Finds every occurrence of many phrases in one pass over a draft's tokens."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._by_first: dict[str, list[Entry]] = {}
        self._lemmas = lemma_table(lang)
        self.inflects = inflects(lang)  # the language's default for rules that don't say

    def add(self, phrase: str, payload: Any, inflect: bool | None = None) -> int:
        """Register `phrase` (with its alternatives); returns how many variants were added."""
        if inflect is None:
            inflect = self.inflects
        added = 0
        for variant in expand(phrase):
            tokens = phrase_tokens(variant, self.lang)
            if not tokens:
                continue
            if tokens[0].text == WILDCARD:
                raise PhraseError(f"phrase {phrase!r} may not start with '*'")
            keys = tuple(t.text for t in tokens)
            lemmas = tuple(t.lemma for t in tokens)
            entry = Entry(keys, lemmas, inflect, payload, variant)
            self._by_first.setdefault(keys[0], []).append(entry)
            if inflect and lemmas[0] != keys[0]:
                self._by_first.setdefault(lemmas[0], []).append(entry)
            added += 1
        return added

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_first.values())

    def find(self, tokens: list[Token]) -> Iterator[tuple[Entry, int, int]]:
        """(entry, first token, last token exclusive) for every match, left to right."""
        index = self._by_first
        n = len(tokens)
        for i, tok in enumerate(tokens):
            candidates = index.get(tok.text)
            if tok.lemma != tok.text:
                more = index.get(tok.lemma)
                if more:
                    candidates = (candidates or []) + more
            if not candidates:
                continue
            seen: set[int] = set()
            for entry in candidates:
                if id(entry) in seen:
                    continue
                seen.add(id(entry))
                size = len(entry.keys)
                if i + size > n:
                    continue
                if _matches(entry, tokens, i):
                    yield entry, i, i + size


def _matches(entry: Entry, tokens: list[Token], start: int) -> bool:
    for k, (key, lemma) in enumerate(zip(entry.keys, entry.lemmas)):
        tok = tokens[start + k]
        if key == WILDCARD:
            if not tok.is_word:
                return False
            continue
        if tok.text == key:
            continue
        if entry.inflect and (tok.lemma == lemma or tok.lemma == key or tok.text == lemma):
            continue
        return False
    return True
