"""Features of a reply for the tone model; the same function serves training and inference.

Sparse features, named by strings so the saved vocabulary is readable:

* `w:` folded word, `b:` word bigram — what the reply says;
* `c:` character 4-grams inside words — spelling and morphology (colloquial forms,
  affixes, ZWNJ-less Persian) that word features miss in four languages with little data;
* `r:` rule codes the rule engine found (informal address, colloquial spelling, blame …);
* `f:` the first word of each sentence — politeness strategies live there ("please
  start", "you start", "why start", first-person openers), as in Danescu-Niculescu-Mizil
  et al. (2013);
* `s:` style counts — exclamation marks, repeated punctuation, emoji, capitals;
* `l:` the language, so pooled training can learn a per-language offset.

Values are sublinear (1 + log count); the model multiplies by idf and L2-normalises.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

FEATURE_VERSION = 5
# Digits are features of their shape, not their value: "40", "17" and "2024" say nothing about
# tone, yet each got a weight of its own from the few replies it happened to appear in (a plain
# "the 40 points are now in your account" read as hostile).
_DIGITS = str.maketrans("0123456789", "0000000000")
CHAR_NGRAMS = (4,)  # 3-grams cost 40 % more features and 0.15 ms per check for no held-out gain
_EMOJI_START = 0x1F000
_EMOJI = re.compile("[\u2600-\u27bf\U0001f000-\U0010ffff]")


def _style(text: str, words: list[str]) -> dict[str, float]:
    # No length or question-mark features: in hand-written training replies, short replies and
    # rhetorical questions go with hostility far more than in real replies, where a question
    # is usually a request for details (measured on real canned replies: see MODEL_CARD.md).
    feats: dict[str, float] = {}
    exclamations = text.count("!")
    emoji = len(_EMOJI.findall(text)) if not text.isascii() else 0
    caps = sum(1 for w in text.split() if len(w) > 2 and w.isupper())
    if exclamations:
        feats["s:exclamation"] = 1 + math.log(exclamations)
    if "!!" in text or "??" in text or "?!" in text:
        feats["s:repeated-punct"] = 1.0
    if emoji:
        feats["s:emoji"] = 1 + math.log(emoji)
    if caps:
        feats["s:caps"] = 1 + math.log(caps)
    if "\n" in text.strip():
        feats["s:paragraphs"] = 1.0
    return feats


@lru_cache(maxsize=65536)
def _word_features(word: str) -> tuple[str, ...]:
    """The word feature and the character 3- and 4-grams of one word (cached: words repeat)."""
    padded = f"<{word}>"
    grams = ["w:" + word]
    for n in CHAR_NGRAMS:
        grams.extend("c:" + padded[i:i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


def extract(text: str, words: Iterable[str], lang: str,
            rule_codes: Iterable[str] = (), openers: Iterable[str] = ()) -> dict[str, float]:
    """Feature name → value for one reply.

    >>> f = extract("Sorry!!", ["sorry"], "en")
    >>> f["w:sorry"], f["s:repeated-punct"], f["l:en"]
    (1.0, 1.0, 1.0)
    """
    words = list(words)
    shaped = [w.translate(_DIGITS) for w in words]
    counts: Counter[str] = Counter()
    for w in shaped:
        counts.update(_word_features(w))
    for a, b in zip(shaped, shaped[1:]):
        counts[f"b:{a} {b}"] += 1
    for code in rule_codes:
        counts["r:" + code] += 1
    for word in openers:  # how sentences start: "please …", "you …", "why …", "so …"
        counts["f:" + word.translate(_DIGITS)] += 1
    feats = {k: 1.0 + math.log(v) for k, v in counts.items()}
    feats.update(_style(text, words))
    feats["l:" + lang] = 1.0
    return feats


class Indexer:
    """`extract()` restricted to a model's vocabulary, as vocabulary indices.

    The same features as `extract()` followed by a vocabulary lookup (a test holds
    `ToneModel.reply_vector` equal to the two), but what the model knows about each word is
    looked up once and cached, and features the model does not know are never built: per
    word, its feature indices, its digit shape, and the model's bigrams that start with it
    (so a word pair is two small look-ups, not a new string).
    """

    def __init__(self, index: dict[str, int], cache_size: int = 200_000,
                 vector_index: dict[str, int] | None = None, vector_offset: int = 0) -> None:
        self.index = index
        self.cache_size = cache_size
        # a word the word vectors know also yields `vector_offset + its row`, counted with
        # the feature indices at no extra cost per word; the caller splits them off
        self.vector_index = vector_index or {}  # shaped word -> row of the word vectors
        self.vector_offset = vector_offset
        self._words: dict[str, tuple[tuple[int, ...], str, dict[str, int] | None]] = {}
        self._bigrams: dict[str, dict[str, int]] | None = None  # first -> second -> index

    def _bigram_rows(self) -> dict[str, dict[str, int]]:
        rows: dict[str, dict[str, int]] = {}
        for feature, i in self.index.items():  # 60,000 names in 10 ms
            if feature[:2] != "b:":
                continue
            first, _, second = feature[2:].partition(" ")
            if " " in second:  # a word may hold a space (rare): every split could be it
                pair = feature[2:]
                cut = pair.find(" ")
                while cut != -1:
                    rows.setdefault(pair[:cut], {})[pair[cut + 1:]] = i
                    cut = pair.find(" ", cut + 1)
                continue
            row = rows.get(first)
            if row is None:
                row = rows[first] = {}
            row[second] = i
        self._bigrams = rows
        return rows

    def _word(self, word: str) -> tuple[tuple[int, ...], str, dict[str, int] | None]:
        """(known feature indices and word-vector row, digit shape, bigrams starting with it)
        of a word."""
        shaped = word.translate(_DIGITS)
        get = self.index.get
        known = tuple(i for i in (get(f) for f in _word_features(shaped)) if i is not None)
        rows = self._bigrams if self._bigrams is not None else self._bigram_rows()
        row = self.vector_index.get(shaped)
        if row is not None:
            known += (self.vector_offset + row,)
        entry = (known, shaped, rows.get(shaped))
        if len(self._words) >= self.cache_size:
            self._words.clear()  # bounded whatever text comes in
        self._words[word] = entry
        return entry

    def counted(self, text: str, words: list[str], lang: str, rule_codes: Iterable[str] = (),
                openers: Iterable[str] = ()) -> tuple[list[int], list[tuple[int, float]]]:
        """(one index per occurrence of a counted feature — and, for words the word vectors
        know, `vector_offset + row` — [(index, value)] of the style and language features,
        which are not counts)."""
        cached = self._words.get
        found: list[int] = []
        append = found.append
        following: dict[str, int] | None = None  # bigrams that start with the previous word
        for w in words:
            entry = cached(w)
            if entry is None:
                entry = self._word(w)
            found += entry[0]
            if following is not None:
                i = following.get(entry[1])
                if i is not None:
                    append(i)
            following = entry[2]
        get = self.index.get
        keys = ["r:" + code for code in rule_codes]
        keys += ["f:" + opener.translate(_DIGITS) for opener in openers]
        found += [i for i in map(get, keys) if i is not None]
        extra = _style(text, words)
        extra["l:" + lang] = 1.0
        fixed = [(i, value) for i, value in ((get(k), v) for k, v in extra.items())
                 if i is not None]
        return found, fixed


def readable(feature: str) -> str | None:
    """The words behind a feature, for explanations; None for features a person can't read.

    >>> readable("b:you should"), readable("c:<yo")
    ('you should', None)
    """
    kind, _, value = feature.partition(":")
    if any(c.isdigit() for c in value):
        return None  # a number's shape ("00"), not words a reader could find in the reply
    if kind in ("w", "b"):
        return value
    if kind == "f":
        return f"{value} …"
    if kind == "s":
        return {"s:exclamation": "exclamation marks", "s:repeated-punct": "repeated punctuation",
                "s:emoji": "emoji", "s:caps": "capitals"}.get(feature)
    return None
