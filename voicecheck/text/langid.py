"""Language identification for short replies in en / id / ms / fa.

Three steps, cheapest first:

1. Script: Arabic-script letters outnumbering Latin ones means Persian.
2. Marker words (rules/<lang>/language.yaml): a short reply with two or more English function
   words, or a clear majority of Indonesian- or Malay-only words, decides at once.
3. py3langid's naive Bayes model, restricted to our languages (models/langid.npz, built by
   training/build_langid.py) for the rest; marker words still break an id/ms tie, which is
   where character n-grams on a ten-word reply are weakest.

Accuracy on short replies is measured by bench/bench_langid.py (results in bench/RESULTS.md).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from voicecheck.paths import data_dir

LANGUAGES = ("en", "id", "ms", "fa")
_WORD = re.compile(r"[^\W\d_]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    lang: str
    confidence: float
    method: str


@cache
def _pack(lang: str) -> dict[str, Any]:
    """A language's rules/<lang>/language.yaml, read once."""
    import yaml

    path = data_dir("rules") / lang / "language.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


@cache
def _markers() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    out = {}
    for lang in LANGUAGES:
        markers = frozenset(_pack(lang).get("markers", ()))
        out[lang] = (markers, frozenset(_pack(lang).get("distinctive", markers)))
    return out


def _ranks(sample: str) -> dict[str, float]:
    """The model's probability of each of en/id/ms for `sample` (at most 4,000 characters)."""
    with _LOCK:
        return dict(_identifier().rank(sample))


def _persian_script(sample: str) -> float | None:
    """Share of Arabic-script letters when they are at least as many as the Latin ones (the
    text is Persian by its script), else None."""
    arabic = 0 if sample.isascii() else len(_ARABIC.findall(sample))
    if not arabic:
        return None  # Latin letters are counted only when there is Arabic script to weigh
    latin = len(_LATIN.findall(sample))
    return arabic / (arabic + latin) if arabic >= latin else None


@cache
def _identifier() -> Any:
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    path = data_dir("models") / "langid.npz"
    with np.load(path, allow_pickle=False) as data:
        # memoryviews over the arrays: py3langid's DFA walk indexes them like lists, no copy
        nextmove = memoryview(np.ascontiguousarray(data["nextmove"])).cast("B").cast("I")
        rows = memoryview(np.ascontiguousarray(data["nextmove_row"])).cast("B").cast("I")
        output = memoryview(np.ascontiguousarray(data["out_feat"])).cast("B").cast("i")
        ident = LanguageIdentifier(
            np.asarray(data["ptc"], dtype=np.float32), np.asarray(data["pc"]),
            data["classes"].tolist(), nextmove, output, norm_probs=True, tk_row=rows)
    ident.set_languages(["en", "id", "ms"])
    return ident


_COUNTED = ("en", "id", "ms")


@cache
def _marker_votes() -> dict[str, tuple[tuple[int, int], ...]]:
    """Each marker word → the (language slot, 0 marker / 1 distinctive) counters it adds to:
    one dictionary look-up per word instead of six set tests."""
    votes: dict[str, list[tuple[int, int]]] = {}
    for slot, lang in enumerate(_COUNTED):
        markers, distinctive = _markers()[lang]
        for word in markers:
            votes.setdefault(word, []).append((slot, 0))
        for word in distinctive:
            votes.setdefault(word, []).append((slot, 1))
    return {word: tuple(found) for word, found in votes.items()}


def _marker_counts(words: list[str]) -> dict[str, tuple[int, int]]:
    """Per language, (marker words, distinctive words) among `words`.

    >>> _marker_counts(["thanks", "for", "your", "order"])["en"][0] > 0
    True
    """
    counts = [[0, 0], [0, 0], [0, 0]]
    votes = _marker_votes()
    for word in words:
        found = votes.get(word)
        if found:
            for slot, kind in found:
                counts[slot][kind] += 1
    return {lang: (counts[slot][0], counts[slot][1]) for slot, lang in enumerate(_COUNTED)}


@cache
def _romanized(lang: str) -> frozenset[str]:
    """A language's words as written in Latin letters (Persian "Finglish": salam, mersi, lotfan),
    from `romanized_markers` in rules/<lang>/language.yaml."""
    return frozenset(_pack(lang).get("romanized_markers", ()))


def speaks(text: str, lang: str) -> bool:
    """Whether `text` also speaks `lang`: two or more of its marker words, or a fifth of the
    model's probability among en/id/ms (for Persian: two words of Persian written in Latin
    letters). A code-mixed message ("how to add user ke workspace ya?") speaks both.

    >>> speaks("hi, how to add new user ke workspace ya? tombol invite nya ga ada di aku", "id")
    True
    >>> speaks("salam baste 30 gig ro kharidam fa'al shod?", "fa"), speaks("hello there", "fa")
    (True, False)
    >>> speaks("سلام، سفارش من هنوز نرسیده و کسی جواب نمی‌دهد.", "id")
    False
    """
    words = _WORD.findall(text.lower())
    if lang in _COUNTED:
        if _persian_script(text[:4000]) is not None:
            return False  # Persian script: the Latin-letter model's ranks mean nothing here
        if _marker_counts(words)[lang][0] >= 2:
            return True
        # or the model gives the language (with its sister: Indonesian and Malay share most
        # words) a fifth of the probability among ours
        ranked = _ranks(text[:4000])
        family = ("id", "ms") if lang in ("id", "ms") else (lang,)
        return sum(float(ranked.get(member, 0.0)) for member in family) >= 0.2
    romanized = _romanized(lang)
    return sum(word in romanized for word in words) >= 2


def identify(text: str, allowed: tuple[str, ...] | None = None) -> LanguageGuess:
    """Best guess of the language of `text` among en, id, ms, fa, or among `allowed` (the
    guide's languages) when the free guess is not one of them — a brand that answers in
    Indonesian only gets Indonesian for a reply that reads half Malay. Persian script stays
    Persian whatever is allowed.

    >>> identify("Mohon maaf, pesanan kamu sedang kami cek ya kak").lang
    'id'
    """
    guess = _identify(text)
    if not allowed or guess.lang in allowed or guess.method == "script":
        return guess
    ranked = _ranks(text[:4000])
    candidates = [lang for lang in allowed if lang in ranked]
    if not candidates:
        return guess
    best = max(candidates, key=ranked.get)
    return LanguageGuess(best, float(ranked[best]), "model, guide languages")


def _identify(text: str) -> LanguageGuess:
    sample = text[:4000]
    share = _persian_script(sample)
    if share is not None:
        return LanguageGuess("fa", share, "script")
    words = _WORD.findall(sample.lower())
    counts = _marker_counts(words)
    en = counts["en"][0]
    malay_side = max(counts["id"][0], counts["ms"][0])
    lead = counts["id"][1] - counts["ms"][1]  # distinctive Indonesian minus Malay words
    if en >= 2 and en >= 2 * malay_side:
        return LanguageGuess("en", min(0.99, 0.6 + 0.08 * en), "markers")
    if malay_side >= 2 and malay_side >= 2 * en and abs(lead) >= 3:
        return LanguageGuess("id" if lead > 0 else "ms", min(0.99, 0.7 + 0.05 * abs(lead)),
                             "markers")
    if not words:
        return LanguageGuess("en", 0.0, "default")
    ranked = _ranks(sample)
    best = max(ranked, key=ranked.get)
    if best in ("id", "ms") and lead:
        # character n-grams are weakest between Indonesian and Malay on short text: each
        # distinctive word shifts the odds by a factor of e
        odds = math.log(max(ranked["id"], 1e-9) / max(ranked["ms"], 1e-9)) + lead
        best = "id" if odds > 0 else "ms"
    return LanguageGuess(best, float(ranked[best]), "model")
