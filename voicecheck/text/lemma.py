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

from voicecheck.text.normalize import fold_phrase


@cache
def _arabic_fold_table() -> dict[int, str]:
    """str.translate table folding Arabic-script characters exactly as fold_phrase does."""
    table = {}
    for code in list(range(0x0600, 0x0700)) + [0x200C, 0x200D]:
        folded = fold_phrase(chr(code))
        if folded != chr(code):
            table[code] = folded
    return table


def _fold_key(text: str) -> str:
    return text.translate(_arabic_fold_table())

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
    """The table of `lang`, from the cache folder when a previous run built it."""
    import hashlib

    from voicecheck.paths import cache_dir, write_atomic

    folder = _data_dir()
    if folder is None:
        return {}
    cached = None
    store = cache_dir()
    if store is not None:
        digest = hashlib.sha256(Path(__file__).read_bytes())
        for name in _TABLES.get(lang, ()):
            path = folder / f"{name}.json.gz"
            if path.exists():
                digest.update(path.read_bytes())
        cached = store / f"lemmas-{lang}-{digest.hexdigest()[:16]}.json"
        if cached.exists():
            try:
                return json.loads(cached.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass
    table = _build_table(lang, folder)
    if cached is not None:
        write_atomic(cached, json.dumps(table, ensure_ascii=False))
    return table


def _build_table(lang: str, folder: Path) -> dict[str, str]:
    table: dict[str, str] = {}
    for name in _TABLES.get(lang, ()):
        path = folder / f"{name}.json.gz"
        if not path.exists():
            continue
        data = json.loads(gzip.decompress(path.read_bytes()))
        if name.endswith("_exc"):
            # tokens are folded (no ZWNJ, آ → ا, hamza and harakat stripped): fold keys alike
            for forms in data.values():
                for form, lemma in forms.items():
                    lemma = lemma[0] if isinstance(lemma, list) else lemma
                    table.setdefault(_fold_key(form), _fold_key(lemma))
        else:
            table.update((k.lower(), v.lower()) for k, v in data.items() if _inflection(k, v))
    return table


def _inflection(form: str, lemma: str) -> bool:
    """Keep table entries that look like inflection (apologized → apologize) and drop the
    normalisations that would merge different words: as → a, hi → hello, had → have."""
    form, lemma = form.lower(), lemma.lower()
    if form == lemma:
        return True
    if len(form) < 4:
        return False
    prefix = 0
    for a, b in zip(form, lemma):
        if a != b:
            break
        prefix += 1
    return prefix >= min(3, len(lemma))


def lemma_table(lang: str) -> dict[str, str]:
    """form → lemma for `lang` (empty when no table is available).

    >>> lemma_table("en").get("apologized")
    'apologize'
    """
    with _LOCK:
        return _load(lang)


@cache
def inflects(lang: str) -> bool:
    """Whether phrase rules of `lang` match inflected forms by default (rules/<lang>/language.yaml
    `inflect:`). Indonesian and Malay say no: their lemma table strips derivational affixes
    ("kebijakan" → "bijak", "seharusnya" → "harus"), which changes meaning."""
    import yaml

    from voicecheck.paths import data_dir

    path = data_dir("rules") / lang / "language.yaml"
    if not path.exists():
        return True
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return bool(data.get("inflect", True))
