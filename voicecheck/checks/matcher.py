"""One token-sequence matcher for every phrase-like rule of a language.

Phrases are folded and tokenised exactly like drafts, so "We apologise", "WE APOLOGISE" and
"w\u200be apologise" are the same three tokens. A phrase token matches a draft token by its
form, or, for inflecting rules, by lemma too ("apologized" → "apologize"). `*` stands for any
one word and `{a|b}` expands to alternatives.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from voicecheck.guide.phrases import WILDCARD, PhraseError, expand, quote_phrase
from voicecheck.model import VoicecheckError
from voicecheck.text.draft import Token
from voicecheck.text.lemma import inflects, lemma_table
from voicecheck.text.normalize import fold_phrase
from voicecheck.text.pipeline import get_nlp


@dataclass(frozen=True, slots=True)
class Entry:
    """One registered phrase (all its variants) and what to report when it matches."""

    payload: Any
    phrase: str


def phrase_keys(phrase: str, lang: str) -> tuple[str, ...]:
    """The folded token texts of a rule phrase, exactly as a draft would be tokenised.

    spaCy's tokenizer splits at whitespace first and handles each chunk on its own, so a
    phrase is tokenised chunk by chunk with a cache: rule packs repeat the same words across
    thousands of phrase variants. Results persist in the cache folder between runs.
    """
    known = _disk_cache(lang)
    joined = known.get(phrase)
    if joined is None:
        joined = _SEPARATOR.join(tokenize_phrase(phrase, lang))
        known[phrase] = joined
        _DIRTY.add(lang)
    return tuple(joined.split(_SEPARATOR)) if joined else ()


def tokenize_phrase(phrase: str, lang: str) -> tuple[str, ...]:
    """`phrase_keys` without the cache folder: for the few phrases tokenised while checking,
    which must not load the cache of every phrase of the language."""
    return tuple(text for chunk in fold_phrase(phrase).split()
                 for text in _chunk_tokens(lang, chunk))


_SEPARATOR = "\x1f"


@lru_cache(maxsize=65536)
def _chunk_tokens(lang: str, chunk: str) -> tuple[str, ...]:
    if chunk == WILDCARD:
        return (WILDCARD,)
    tokenizer = get_nlp(lang).tokenizer
    return tuple(t.text for t in tokenizer(chunk) if not t.is_space)


_DISK: dict[str, dict[str, str]] = {}
_DIRTY: set[str] = set()
_SOURCES = ("text/normalize.py", "text/pipeline.py", "text/lemma.py", "guide/phrases.py",
            "checks/matcher.py")


@lru_cache(maxsize=8)
def _cache_file(lang: str) -> Any:
    """The phrase-token cache file of `lang` (computed once: it hashes source files)."""
    import hashlib
    from importlib.metadata import version

    from voicecheck.paths import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(version("spacy").encode())  # without importing spaCy
    try:
        digest.update(version("spacy-lookups-data").encode())
    except Exception:  # noqa: BLE001 - not installed: lemma tables are empty, still keyed
        digest.update(b"no-lookups")
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


class PhraseMatcher:
    """Finds every occurrence of many phrases in one pass over a draft's tokens.

    Phrases live in a token trie of plain dicts — node keys "e" (exact word → node),
    "l" (lemma → node, for inflecting phrases), "w" (`*` node) and "n" (indexes of the
    phrases ending here) — so a draft token costs a few dict look-ups however many thousand
    phrases share its first word, and a built trie can be cached as JSON (`freeze`).

    Built tries are minimised: identical subtrees are one shared node, so a phrase such as
    "{send|give|…} {us|me} your {*|* *} {,|and} {password|pin|…}" keeps one copy of its
    ending after every one of its prefixes instead of one per prefix (the trie becomes a
    DAG; matching only reads it, so nothing else changes). The cache stores it as a node table.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._root: dict[str, Any] = {}
        self._entries: list[Entry] = []
        self._pending: list[tuple[str, bool]] = []
        self._lemmas = lemma_table(lang)
        self.inflects = inflects(lang)  # the language's default for rules that don't say

    def add(self, phrase: str, payload: Any, inflect: bool | None = None) -> None:
        """Register `phrase` (with its alternatives); the trie is built by `freeze()`."""
        if inflect is None:
            inflect = self.inflects
        self._entries.append(Entry(payload, phrase))
        self._pending.append((phrase, inflect))

    def __len__(self) -> int:
        return len(self._entries)

    def payloads(self) -> list[Any]:
        """What every added phrase carries, in the order added."""
        return [entry.payload for entry in self._entries]

    def freeze(self) -> None:
        """Build the trie of everything added, from the cache folder when the same phrases
        were built before (the key is a hash of the phrases, their order and the code)."""
        if not self._pending:
            return
        path = _trie_file(self.lang, self._pending)
        if path is not None and path.exists():
            try:
                self._root = _from_table(json.loads(path.read_text(encoding="utf-8")))
                self._pending = []
                return
            except (OSError, ValueError, TypeError, IndexError, KeyError, AttributeError):
                pass
        root: dict[str, Any] = {}
        for index, (phrase, inflect) in enumerate(self._pending):
            try:
                self._insert(root, index, phrase, inflect)
            except PhraseError as error:
                rule = getattr(self._entries[index].payload[0], "rule", None)
                raise VoicecheckError(str(error), path=getattr(rule, "source", None),
                                      line=getattr(rule, "line", None), code="E103") from None
        self._root = root = _minimise(root)
        self._pending = []
        if path is not None:
            from voicecheck.paths import write_atomic

            write_atomic(path, json.dumps(_to_table(root), ensure_ascii=False,
                                          separators=(",", ":")))

    def _insert(self, root: dict[str, Any], index: int, phrase: str, inflect: bool) -> None:
        table = self._lemmas
        for variant in expand(phrase):
            keys = phrase_keys(variant, self.lang)
            if not keys:
                continue
            if keys[0] == WILDCARD:
                raise PhraseError(f"phrase {quote_phrase(phrase)} may not start with '*'")
            node = root
            for key in keys:
                if key == WILDCARD:
                    node = node.setdefault("w", {})
                elif inflect:
                    # an inflecting word matches any form with the same lemma; the lemma of
                    # the word itself is the same table look-up, so one edge covers both
                    node = node.setdefault("l", {}).setdefault(table.get(key, key), {})
                else:
                    node = node.setdefault("e", {}).setdefault(key, {})
            ends = node.setdefault("n", [])
            if index not in ends:
                ends.append(index)

    def find(self, tokens: list[Token]) -> Iterator[tuple[Entry, int, int]]:
        """(entry, first token, last token exclusive) for every match, left to right."""
        if self._pending:
            self.freeze()
        root = self._root
        entries = self._entries
        n = len(tokens)
        root_exact = root.get("e") or {}
        root_lemma = root.get("l") or {}
        any_first = "w" in root
        for i in range(n):
            # most positions start no phrase: test the first word without building a frontier
            tok = tokens[i]
            if not any_first and tok.text not in root_exact and tok.lemma not in root_lemma \
                    and tok.text not in root_lemma:
                continue
            frontier = [root]
            j = i
            while frontier and j < n:
                tok = tokens[j]
                text, lemma = tok.text, tok.lemma
                following: list[dict[str, Any]] = []
                for node in frontier:
                    exact = node.get("e")
                    if exact:
                        child = exact.get(text)
                        if child is not None:
                            following.append(child)
                    by_lemma = node.get("l")
                    if by_lemma:
                        child = by_lemma.get(lemma)
                        if child is None and lemma != text:
                            child = by_lemma.get(text)  # the draft word is the lemma itself
                        if child is not None:
                            following.append(child)
                    wild = node.get("w")
                    if wild is not None and tok.is_word:
                        following.append(wild)
                j += 1
                if len(following) > 1:
                    # paths that meet again (the trie is a DAG; "{*|* *} {*|* *}" reaches one
                    # node two ways) continue as one, or the frontier doubles with every such
                    # group; and a phrase ends here once, however many ways it got here
                    following = list({id(node): node for node in following}.values())
                    done: set[int] = set()
                    for node in following:
                        for index in node.get("n") or ():
                            if index not in done:
                                done.add(index)
                                yield entries[index], i, j
                else:
                    for node in following:
                        ends = node.get("n")
                        if ends:
                            for index in ends:
                                yield entries[index], i, j
                frontier = following


def _minimise(root: dict[str, Any]) -> dict[str, Any]:
    """The trie with every set of identical subtrees (same edges to the same children, same
    phrases ending) made one node. Bottom-up, so children are canonical before their parents
    are compared; a node's signature names its children by identity."""
    canonical: dict[tuple, dict[str, Any]] = {}

    def canon(node: dict[str, Any]) -> dict[str, Any]:
        parts: list[Any] = [tuple(node.get("n", ()))]
        for kind in ("e", "l"):
            edges = node.get(kind)
            if edges:
                for key, child in edges.items():
                    edges[key] = canon(child)
                parts.append((kind, tuple(sorted((key, id(child))
                                                 for key, child in edges.items()))))
        wild = node.get("w")
        if wild is not None:
            node["w"] = wild = canon(wild)
            parts.append(("w", id(wild)))
        return canonical.setdefault(tuple(parts), node)

    return canon(root)


def _to_table(root: dict[str, Any]) -> list[dict[str, Any]]:
    """A (minimised) trie as a list of nodes whose edges name other nodes by index, so
    shared subtrees stay shared in the cache file; node 0 is the root."""
    index: dict[int, int] = {}
    table: list[dict[str, Any]] = []

    def visit(node: dict[str, Any]) -> int:
        known = index.get(id(node))
        if known is not None:
            return known
        i = index[id(node)] = len(table)
        table.append({})
        row: dict[str, Any] = {}
        for kind in ("e", "l"):
            if kind in node:
                row[kind] = {key: visit(child) for key, child in node[kind].items()}
        if "w" in node:
            row["w"] = visit(node["w"])
        if "n" in node:
            row["n"] = node["n"]
        table[i] = row
        return i

    visit(root)
    return table


def _from_table(table: list[dict[str, Any]]) -> dict[str, Any]:
    """The trie of `_to_table`, with its shared nodes shared again."""
    if not isinstance(table, list) or not table:
        raise ValueError("not a trie node table")
    nodes: list[dict[str, Any]] = [{} for _ in table]
    for node, row in zip(nodes, table):
        for kind in ("e", "l"):
            if kind in row:
                node[kind] = {key: nodes[i] for key, i in row[kind].items()}
        if "w" in row:
            node["w"] = nodes[row["w"]]
        if "n" in row:
            node["n"] = row["n"]
    return nodes[0]


def _trie_file(lang: str, pending: list[tuple[str, bool]]) -> Path | None:
    import hashlib

    base = _cache_file(lang)
    if base is None:
        return None
    digest = hashlib.sha256(base.name.encode())
    for phrase, inflect in pending:
        digest.update(f"{int(inflect)}{phrase}\x1e".encode())
    return base.with_name(f"trie-{lang}-{digest.hexdigest()[:24]}.json")


def outside(spans: list[tuple[int, int]], covers: list[tuple[int, int]]
            ) -> list[tuple[int, int]]:
    """The (first, last) token spans not inside any of `covers` (phrases that make an
    exception): a span (a, b) is inside one iff the furthest end among the covers that start
    at or before a reaches b. Sorted once and bisected, where testing every pair was quadratic
    (720 KB of stock apologies: 21 s)."""
    if not covers:
        return spans
    covers = sorted(covers)
    starts = [x for x, _ in covers]
    reach: list[int] = []
    furthest = -1
    for _, y in covers:
        furthest = max(furthest, y)
        reach.append(furthest)
    out = []
    for a, b in spans:
        k = bisect.bisect_right(starts, a)
        if not k or reach[k - 1] < b:
            out.append((a, b))
    return out
