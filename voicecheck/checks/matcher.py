"""One token-sequence matcher for every phrase-like rule of a language.

Phrases are folded and tokenised exactly like drafts, so "We apologise", "WE APOLOGISE" and
"w\u200be apologise" are the same three tokens. A phrase token matches a draft token by its
form, or, for inflecting rules, by lemma too ("apologized" → "apologize"). `*` stands for any
one word and `{a|b}` expands to alternatives.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from voicecheck.text.draft import Token
from voicecheck.text.lemma import inflects, lemma_table
from voicecheck.text.pipeline import get_nlp
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


def phrase_keys(phrase: str, lang: str) -> tuple[str, ...]:
    """The folded token texts of a rule phrase, exactly as a draft would be tokenised.

    spaCy's tokenizer splits at whitespace first and handles each chunk on its own, so a
    phrase is tokenised chunk by chunk with a cache: rule packs repeat the same words across
    thousands of phrase variants. Results persist in the cache folder between runs.
    """
    known = _disk_cache(lang)
    joined = known.get(phrase)
    if joined is None:
        joined = _SEPARATOR.join(text for chunk in fold_phrase(phrase).split()
                                 for text in _chunk_tokens(lang, chunk))
        known[phrase] = joined
        _DIRTY.add(lang)
    return tuple(joined.split(_SEPARATOR)) if joined else ()


_SEPARATOR = "\x1f"


@lru_cache(maxsize=65536)
def _chunk_tokens(lang: str, chunk: str) -> tuple[str, ...]:
    if chunk == WILDCARD:
        return (WILDCARD,)
    tokenizer = get_nlp(lang).tokenizer
    return tuple(t.text for t in tokenizer(chunk) if not t.is_space)


_DISK: dict[str, dict[str, str]] = {}
_DIRTY: set[str] = set()
_SOURCES = ("text/normalize.py", "text/pipeline.py", "checks/matcher.py")


def _cache_file(lang: str) -> Any:
    import hashlib

    import spacy

    from voicecheck.paths import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(spacy.__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for name in _SOURCES:
        digest.update((package / name).read_bytes())
    return folder / f"phrases-{lang}-{digest.hexdigest()[:16]}.json"


def _disk_cache(lang: str) -> dict[str, str]:
    table = _DISK.get(lang)
    if table is None:
        table = {}
        path = _cache_file(lang)
        if path is not None and path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    table = loaded
            except (OSError, ValueError):
                table = {}
        _DISK[lang] = table
    return table


def save_phrase_cache() -> None:
    """Write the tokenised phrases learnt in this process to the cache folder."""
    from voicecheck.paths import write_atomic

    for lang in sorted(_DIRTY):
        path = _cache_file(lang)
        if path is not None:
            write_atomic(path, json.dumps(_DISK[lang], ensure_ascii=False))
    _DIRTY.clear()


class _Node:
    """A trie node: edges by exact folded word, by lemma (inflecting phrases) and `*`."""

    __slots__ = ("exact", "lemma", "wild", "ends")

    def __init__(self) -> None:
        # maps and lists are made on first use: most of the thousands of nodes are leaves
        self.exact: dict[str, _Node] | None = None
        self.lemma: dict[str, _Node] | None = None
        self.wild: _Node | None = None
        self.ends: list[Entry] | None = None


class PhraseMatcher:
    """Finds every occurrence of many phrases in one pass over a draft's tokens.

    Phrases live in a token trie, so a draft token costs a few dictionary look-ups however
    many thousand phrases share its first word.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._root = _Node()
        self._count = 0
        self._lemmas = lemma_table(lang)
        self.inflects = inflects(lang)  # the language's default for rules that don't say

    def add(self, phrase: str, payload: Any, inflect: bool | None = None) -> int:
        """Register `phrase` (with its alternatives); returns how many variants were added."""
        if inflect is None:
            inflect = self.inflects
        added = 0
        table = self._lemmas
        for variant in expand(phrase):
            keys = phrase_keys(variant, self.lang)
            if not keys:
                continue
            if keys[0] == WILDCARD:
                raise PhraseError(f"phrase {phrase!r} may not start with '*'")
            lemmas = tuple(table.get(k, k) for k in keys)
            node = self._root
            for key, lemma in zip(keys, lemmas):
                if key == WILDCARD:
                    if node.wild is None:
                        node.wild = _Node()
                    node = node.wild
                else:
                    # an inflecting word matches any form with the same lemma; the lemma of
                    # the word itself is the same table look-up, so one edge covers both
                    if inflect:
                        if node.lemma is None:
                            node.lemma = {}
                        edges, label = node.lemma, lemma
                    else:
                        if node.exact is None:
                            node.exact = {}
                        edges, label = node.exact, key
                    child = edges.get(label)
                    if child is None:
                        child = edges[label] = _Node()
                    node = child
            if node.ends is None:
                node.ends = []
            node.ends.append(Entry(keys, lemmas, inflect, payload, variant))
            self._count += 1
            added += 1
        return added

    def __len__(self) -> int:
        return self._count

    def find(self, tokens: list[Token]) -> Iterator[tuple[Entry, int, int]]:
        """(entry, first token, last token exclusive) for every match, left to right."""
        root = self._root
        n = len(tokens)
        for i in range(n):
            frontier = [root]
            j = i
            while frontier and j < n:
                tok = tokens[j]
                text, lemma = tok.text, tok.lemma
                following: list[_Node] = []
                for node in frontier:
                    if node.exact:
                        child = node.exact.get(text)
                        if child is not None:
                            following.append(child)
                    if node.lemma:
                        child = node.lemma.get(lemma)
                        if child is not None:
                            following.append(child)
                        elif lemma != text:
                            child = node.lemma.get(text)  # the draft word is the lemma itself
                            if child is not None:
                                following.append(child)
                    if node.wild is not None and tok.is_word:
                        following.append(node.wild)
                j += 1
                for node in following:
                    if node.ends:
                        for entry in node.ends:
                            yield entry, i, j
                frontier = following
