"""Blank spaCy pipelines (tokenizer + sentencizer), one per language, built once per process.

No model download: `spacy.blank(lang)` data only. For Indonesian and Malay the stock tokenizer
registers ~16,000 / ~9,400 special cases for hyphenated words (reduplication such as
"anak-anak"), which costs 1-1.6 s at every start. We keep those words whole by dropping the
hyphen infix instead: the same tokens for reduplicated words, at a start-up cost of ~10 ms.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

SUPPORTED = ("en", "id", "ms", "fa")
_LOCK = threading.Lock()
_HYPHENATED = ("anak-anak", "x-y")


def _without_hyphen_infix(infixes: Any) -> list[str]:
    import re

    kept = []
    for pattern in infixes:
        regex = re.compile(pattern)
        if any(regex.search(word) for word in _HYPHENATED):
            continue
        kept.append(pattern)
    return kept


@cache
def _build(lang: str) -> Any:
    import spacy
    from spacy.lang.tokenizer_exceptions import BASE_EXCEPTIONS

    base = spacy.util.get_lang_class(lang)
    if lang in ("id", "ms"):
        defaults = type("Defaults", (base.Defaults,), {
            "tokenizer_exceptions": BASE_EXCEPTIONS,
            "infixes": _without_hyphen_infix(base.Defaults.infixes or ()),
        })
        base = type(f"Quick{base.__name__}", (base,), {"Defaults": defaults, "lang": lang})
    nlp = base()
    nlp.add_pipe("sentencizer")
    return nlp


def get_nlp(lang: str) -> Any:
    """The blank pipeline for `lang` (built on first use, then shared; thread-safe).

    >>> get_nlp("en").lang
    'en'
    """
    with _LOCK:
        return _build(lang)
