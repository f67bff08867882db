"""Lemma lookups from spacy-lookups-data, loaded lazily per language.

English and Indonesian have lookup tables; Persian has exception tables per part of speech
(verb forms such as هستید → هست), which we merge into one form → lemma table. Malay has no
table of its own; it shares Indonesian's meN-/di-/-kan morphology, so the Indonesian table
stands in for it (only used to match inflected forms of rule words, on both sides alike).
"""

from __future__ import annotations

import gzip
import json
import threading
from functools import cache
from pathlib import Path

_LOCK = threading.Lock()
_TABLES = {"en": ("en_lemma_lookup",), "id": ("id_lemma_lookup",), "ms": ("id_lemma_lookup",),
           "fa": ("fa_lemma_exc",)}


def _data_dir() -> Path | None:
    try:
        import spacy_lookups_data
    except ImportError:
        return None
    return Path(spacy_lookups_data.__file__).parent / "data"


@cache
def _load(lang: str) -> dict[str, str]:
    folder = _data_dir()
    table: dict[str, str] = {}
    if folder is None:
        return table
    for name in _TABLES.get(lang, ()):
        path = folder / f"{name}.json.gz"
        if not path.exists():
            continue
        data = json.loads(gzip.decompress(path.read_bytes()))
        if name.endswith("_exc"):
            for forms in data.values():
                for form, lemma in forms.items():
                    lemma = lemma[0] if isinstance(lemma, list) else lemma
                    table.setdefault(form.replace("\u200c", ""), lemma.replace("\u200c", ""))
        else:
            table.update((k.lower(), v.lower()) for k, v in data.items())
    return table


def lemma_table(lang: str) -> dict[str, str]:
    """form → lemma for `lang` (empty when no table is available).

    >>> lemma_table("en").get("apologized")
    'apologize'
    """
    with _LOCK:
        return _load(lang)
