"""Near-duplicate removal and fixed train/dev/test splits for the authored replies.

* Replies are compared after folding (case, accents, zero-width, digits → 0); two replies whose
  word-trigram Jaccard similarity is at least 0.6 (symbols for a reply without words) are
  near-duplicates, and only the first (by
  id) is kept, so no reply and no near copy of it can sit in two splits.
* The split of a reply is fixed by a SHA-256 of the seed and its folded text: 70 % train,
  15 % dev, 15 % test. Adding replies later never moves an existing one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from voicecheck.text.normalize import fold_phrase
from voicecheck.tone.train import split_of as tone_split

SEED = "voicecheck-tone-v1"
NEAR_DUPLICATE = 0.6


def signature(text: str) -> str:
    return re.sub(r"\d", "0", " ".join(fold_phrase(text).split()))


def _trigrams(text: str) -> set[tuple[str, ...]]:
    # a reply without words ("👍", "🙏😊") is compared by its symbols: as words it would be
    # empty, and every such reply a near-duplicate of the first
    words = re.findall(r"\w+", text) or re.findall(r"\S", text)
    if len(words) < 3:
        return {tuple(words)}
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def split_of(text: str) -> str:
    return tone_split(signature(text), SEED)


def load_authored(folder: Path, langs: tuple[str, ...]) -> tuple[list[dict[str, Any]], int]:
    """Authored records of `langs` without near-duplicates, each with its `split`; also the
    number of records removed as near-duplicates."""
    records: list[dict[str, Any]] = []
    for lang in langs:
        path = folder / f"{lang}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    records.sort(key=lambda r: r["id"])
    kept: list[dict[str, Any]] = []
    grams: dict[str, list[set]] = {}
    by_signature: set[str] = set()
    removed = 0
    for record in records:
        sig = signature(record["reply"])
        g = _trigrams(sig)
        same_lang = grams.setdefault(record["lang"], [])
        if sig in by_signature or any(
                len(g & other) / max(1, len(g | other)) >= NEAR_DUPLICATE for other in same_lang):
            removed += 1
            continue
        by_signature.add(sig)
        same_lang.append(g)
        kept.append(dict(record, split=split_of(record["reply"])))
    return kept, removed
