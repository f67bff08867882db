"""The shipped tone model on public research sets it never trained on (../shared/eval/public,
evaluation only: non-commercial or unclear licences, so they may measure the model but never
train it). Out of domain on purpose: Reddit mental-health replies, emotional-support chats,
Yahoo Answers and news sentences, Indonesian and Persian tweets and comments. A model that
judges customer-service replies should still rank these the way their annotators did; the
figures show how far that holds, per set, in aggregate only.

    python bench/eval_public.py

| set | language | head | measure |
|---|---|---|---|
| pavlick-formality-sample | en | formality | Spearman with the mean human formality (−3…3); accuracy of score ≥ 0.5 against formal (score > 0) |
| epitome-empathy | en | empathy | Spearman with the sum of the three EPITOME levels (0–6); ROC-AUC of any empathy (sum > 0) |
| esconv-strategies | en | empathy | ROC-AUC of the empathic strategies (reflection, affirmation, restatement) against the rest |
| id-hate-abusive-twitter | id | hostility | ROC-AUC of hate speech or abuse; share of each class over VC206's threshold (0.6), and flagged by a whole check (any finding in the hostility dimension: the model's VC203/VC206 or the language pack's insults, threats, blame …) |
| parsoffensive | fa | hostility | ROC-AUC of offensive against neutral; the same shares |
| armanemo | fa | hostility | ROC-AUC of anger or hate against the other emotions (auxiliary) |
| malay-twitter-sentiment | ms | hostility | ROC-AUC of negative against neutral and positive (auxiliary: negative is not hostile) |
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402

PUBLIC = ROOT.parent / "shared" / "eval" / "public"
VC206 = 0.6  # rules/common/tone.yaml: possibly-hostile


def rows_of(name: str) -> list[dict]:
    """The rows of one public set that have text to score."""
    path = PUBLIC / name / "data.jsonl"
    if not path.exists():
        return []
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip())
    return [r for r in rows if r["text"].strip()]


def auc(scores: list[float], labels: list[int]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def spearman(a: list[float], b: list[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def by_class(marks: list[bool], labels: list[int]) -> list[float]:
    """The share of marked rows among the positives (label 1), then among the others."""
    return [sum(m for m, t in zip(marks, labels) if t == k) / max(1, labels.count(k))
            for k in (1, 0)]


def main() -> None:
    checker = Checker(model=False)
    full = Checker()
    model = full.tone_models[0]

    def scores(rows: list[dict], head: str) -> list[float]:
        out = []
        for row in rows:
            _, features = checker.tone_features(row["text"], lang=row["lang"])
            out.append(model.predict(features).heads[head].score)
        return out

    print(f"# eval_public — {time.strftime('%Y-%m-%d')} — {machine()}")
    print("| set | lang | n | head | result |")
    print("|---|---|---:|---|---|")

    def line(name: str, rows: list[dict], head: str, result: str) -> None:
        print(f"| {name} | {rows[0]['lang']} | {len(rows):,} | {head} | {result} |", flush=True)

    rows = rows_of("pavlick-formality-sample")
    if rows:
        s = scores(rows, "formality")
        gold = [r["formality"] for r in rows]
        accuracy = sum((x >= 0.5) == bool(r["formal"]) for x, r in zip(s, rows)) / len(rows)
        line("pavlick-formality-sample", rows, "formality",
             f"Spearman {spearman(s, gold):.3f}; formal vs informal at 0.5: accuracy "
             f"{accuracy:.3f}, ROC-AUC {auc(s, [int(r['formal']) for r in rows]):.3f}")
    rows = rows_of("epitome-empathy")
    if rows:
        s = scores(rows, "empathy")
        line("epitome-empathy", rows, "empathy",
             f"Spearman {spearman(s, [r['empathy'] for r in rows]):.3f} with the 0–6 sum; "
             f"ROC-AUC of any empathy {auc(s, [int(r['empathy'] > 0) for r in rows]):.3f}")
    rows = rows_of("esconv-strategies")
    if rows:
        s = scores(rows, "empathy")
        line("esconv-strategies", rows, "empathy",
             f"ROC-AUC of the empathic strategies {auc(s, [r['empathy_strategy'] for r in rows]):.3f}")
    for name, positive in (("id-hate-abusive-twitter", lambda r: r["hostile"] == 1),
                           ("parsoffensive", lambda r: r["hostile"] == 1),
                           ("armanemo", lambda r: r["emotion"] in ("angry", "hate")),
                           ("malay-twitter-sentiment", lambda r: r["sentiment"] == "negative")):
        rows = rows_of(name)
        if not rows:
            continue
        s = scores(rows, "hostility")
        y = [int(positive(r)) for r in rows]
        over = by_class([x >= VC206 for x in s], y)
        flagged = by_class([any(f.dimension == "hostility" for f in
                                full.check(r["text"], lang=r["lang"]).findings) for r in rows], y)
        line(name, rows, "hostility",
             f"ROC-AUC {auc(s, y):.3f}; over {VC206}: {over[0]:.1%} of positives, "
             f"{over[1]:.1%} of the others; flagged by a check: {flagged[0]:.1%} / "
             f"{flagged[1]:.1%}")
    if not PUBLIC.exists():
        print("needs ../shared/eval/public")


if __name__ == "__main__":
    main()
