"""Readability measures.

* English: Flesch reading ease (206.835 - 1.015 words/sentence - 84.6 syllables/word), with a
  vowel-group syllable estimate.
* Indonesian, Malay, Persian: LIX (words/sentence + 100 x long words/words, long = more than six
  letters), which needs no syllable rules and is used across languages. Malay and Indonesian
  words are long by nature (affixes), so their guides set a higher `max_lix`.
"""

from __future__ import annotations

import re
from functools import lru_cache

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=65536)
@lru_cache(maxsize=65536)
def syllables_en(word: str) -> int:
    """Estimated English syllables (vowel groups, less a silent final e; an estimate:
    "inconvenience" counts 4, not 5).

    >>> syllables_en("refund"), syllables_en("the"), syllables_en("make")
    (2, 1, 1)
    """
    word = word.lower()
    if len(word) <= 3:
        return 1
    groups = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    if word.endswith(("ed",)) and not word.endswith(("ted", "ded")) and groups > 1:
        groups -= 1
    return max(1, groups)


def flesch(words: list[str], sentences: int) -> float:
    """Flesch reading ease; higher is easier (60-70 plain English, under 30 very hard)."""
    if not words or not sentences:
        return 100.0
    syllables = sum(syllables_en(w) for w in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllables / len(words))


def lix(words: list[str], sentences: int) -> float:
    """LIX readability index; lower is easier (under 40 easy, over 60 very hard)."""
    if not words or not sentences:
        return 0.0
    long_words = sum(1 for w in words if len(w) > 6)
    return len(words) / sentences + 100.0 * long_words / len(words)
