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
NEGATIVE_WEIGHT = 0.1  # ordinary non-hostile text: enough to unlearn "short and plain = hostile"
STANFORD_NEGATIVES = float(__import__("os").environ.get("VC_STANFORD_NEG", "0"))


def _rows(name: str):
    path = SHARED / name / "data.jsonl"
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def load_aux(checker, limit: int = 1500) -> list[Sample]:
    out: list[Sample] = []

    def add(text, lang, labels, source, weight=WEIGHT):
        lang, feats = checker.tone_features(text, lang=lang)
        full = {"formality": None, "politeness": None, "empathy": None, "hostility": None}
        full.update(labels)
        out.append(Sample(feats, full, lang, source, weight, text))

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
    # Stanford politeness (Wikipedia + Stack Exchange requests): bottom quartile 2, top 4;
    # the upper three quartiles are also ordinary, non-hostile requests full of "you" and
    # questions, which our hand-written hostile replies made look suspicious
    for row in _rows("politeness-stanford"):
        if row["politeness_class"] != 0:
            add(row["text"], "en", {"politeness": 4 if row["politeness_class"] > 0 else 2},
                "politeness-stanford")
        if STANFORD_NEGATIVES and row["politeness_class"] >= 0:
            add(row["text"], "en", {"hostility": 0}, "politeness-stanford", STANFORD_NEGATIVES)
    # Ordinary text that is not hostile, in each language (reviews, comments, news sentences)
    for name, lang_of, take in (("nusax-senti", None, 1000), ("indonlu-smsa", "id", limit),
                                ("malaya-news-sentiment", "ms", limit)):
        for i, row in enumerate(_rows(name)):
            if i >= take:
                break
            if row.get("split") == "test":
                continue
            add(row["text"], lang_of or row["lang"], {"hostility": 0}, name, NEGATIVE_WEIGHT)
    # ConvAbuse: abuse towards chatbots (train split)
    for row in _rows("convabuse"):
        if row.get("split") != "train":
            continue
        add(row["text"], "en", {"hostility": int(row["hostile"])}, "convabuse")
    return out
