"""Auxiliary training samples from ../shared/data (read in place, never copied).

Out-of-domain sets, down-weighted; used only where they help on the in-domain dev split
(see models/MODEL_CARD.md for the measurement).
"""

from __future__ import annotations

import json
from pathlib import Path

from voicecheck.tone.train import Sample

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
WEIGHT = 0.3


def _rows(name: str):
    path = SHARED / name / "data.jsonl"
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def load_aux(checker, limit: int = 1500) -> list[Sample]:
    out: list[Sample] = []

    def add(text, lang, labels, source):
        lang, feats = checker.tone_features(text, lang=lang)
        full = {"formality": None, "politeness": None, "empathy": None, "hostility": None}
        full.update(labels)
        out.append(Sample(feats, full, lang, source, WEIGHT, text))

    # Indonesian customer-service tweets rewritten formally (STIF): formality 1 vs 4
    for i, row in enumerate(_rows("stif-indonesia")):
        if i >= limit or row.get("split") == "test":
            break
        add(row["informal_text"], "id", {"formality": 1}, "stif")
        add(row["formal_text"], "id", {"formality": 4}, "stif")
    # Persian colloquial vs standard written sentences (Shekasteh): formality 2 vs 4
    for i, row in enumerate(_rows("shekasteh")):
        if i >= limit:
            break
        add(row["informal_text"], "fa", {"formality": 2}, "shekasteh")
        add(row["formal_text"], "fa", {"formality": 4}, "shekasteh")
    # Stanford politeness (Wikipedia + Stack Exchange requests): bottom quartile 2, top 4
    for i, row in enumerate(_rows("politeness-stanford")):
        if row["politeness_class"] == 0:
            continue
        add(row["text"], "en", {"politeness": 4 if row["politeness_class"] > 0 else 2},
            "politeness-stanford")
    # ConvAbuse: abuse towards chatbots (train split)
    for row in _rows("convabuse"):
        if row.get("split") != "train":
            continue
        add(row["text"], "en", {"hostility": int(row["hostile"])}, "convabuse")
    return out
