"""Build the shipped tone model (models/tone/) from the authored replies, and measure it.

    python training/build_tone.py                 # train, evaluate on the held-out test split, write models/tone
    python training/build_tone.py --no-write      # only measure
    python training/build_tone.py --aux           # also use ../shared/data auxiliary sets (see MODEL_CARD)

Deterministic: fixed splits (training/split.py), fixed seeds, sorted inputs.
Metrics go to training/results/tone_metrics.json and are printed as a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from training.aux_data import load_aux  # noqa: E402
from training.split import load_authored  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402
from voicecheck.tone.model import save_model  # noqa: E402
from voicecheck.tone.train import HEADS, Sample, bootstrap_ci, fit, head_metrics, matrix, \
    predict_matrix  # noqa: E402

LANGS = ("en", "id", "ms", "fa")


def samples_from(records, checker: Checker) -> list[Sample]:
    out = []
    for r in records:
        lang, feats = checker.tone_features(r["reply"], lang=r["lang"])
        labels = {h: r.get(h) for h in HEADS}
        out.append(Sample(feats, labels, lang, "authored", 1.0, r["reply"], {"id": r["id"]}))
    return out


def evaluate(model_parts, samples: list[Sample], by_lang: bool = True, ci: bool = True) -> dict:
    manifest, vocab, arrays = model_parts
    X = matrix(samples, vocab, list(arrays["idf"]))
    preds = predict_matrix(X, arrays["W"], arrays["b"], arrays["calib"], manifest["heads"])
    import numpy as np

    out: dict = {}
    groups = {"all": list(range(len(samples)))}
    if by_lang:
        for lang in LANGS:
            groups[lang] = [i for i, s in enumerate(samples) if s.lang == lang]
    for head, levels in HEADS.items():
        probs, scores = preds[head]
        for group, rows in groups.items():
            rows = [i for i in rows if samples[i].labels.get(head) is not None]
            if not rows:
                continue
            labels = np.array([samples[i].labels[head] for i in rows])
            threshold = manifest["heads"][head].get("threshold", 0.5)
            m = head_metrics(head, levels, probs[rows], scores[rows], labels, threshold)
            if ci:
                for key in (("roc_auc", "macro_f1") if head == "hostility" else ("spearman",)):
                    m[key + "_ci95"] = bootstrap_ci(head, levels, probs[rows], scores[rows],
                                                    labels, key, threshold=threshold)
            out.setdefault(head, {})[group] = m
    return out


def table(metrics: dict) -> str:
    lines = ["| head | language | n | Spearman | ROC-AUC | accuracy | macro-F1 | ECE |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for head, groups in metrics.items():
        for group, m in groups.items():
            def cell(key):
                value = m.get(key)
                if value is None:
                    return "–"
                ci = m.get(key + "_ci95")
                return f"{value:.3f}" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")
            lines.append(f"| {head} | {group} | {m['n']} | {cell('spearman')} | {cell('roc_auc')} "
                         f"| {cell('accuracy')} | {cell('macro_f1')} | {m['ece']:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "models" / "tone"))
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--aux", action="store_true", help="add ../shared/data auxiliary sets")
    args = parser.parse_args()
    started = time.time()
    records, removed = load_authored(ROOT / "training" / "authored", LANGS)
    checker = Checker()
    samples = samples_from(records, checker)
    split = {name: [s for s, r in zip(samples, records) if r["split"] == name]
             for name in ("train", "dev", "test")}
    print(f"authored: {len(records)} pairs after removing {removed} near-duplicates; "
          + ", ".join(f"{k} {len(v)}" for k, v in split.items()))
    train = list(split["train"])
    if args.aux:
        aux = load_aux(checker)
        print(f"auxiliary: {len(aux)} samples")
        train += aux
    parts = fit(train, split["dev"], progress=print)
    test = evaluate(parts, split["test"])
    dev = evaluate(parts, split["dev"], ci=False)
    print(table(test))
    results = ROOT / "training" / "results"
    results.mkdir(exist_ok=True)
    manifest = dict(parts[0])
    manifest["metrics_test"] = test
    manifest["data"] = {"authored_pairs": len(records), "near_duplicates_removed": removed,
                        "splits": {k: len(v) for k, v in split.items()}, "aux": bool(args.aux)}
    name = "tone_metrics_aux.json" if args.aux else "tone_metrics.json"
    (results / name).write_text(json.dumps({"test": test, "dev": dev, "data": manifest["data"]},
                                           indent=2, sort_keys=True) + "\n")
    if not args.no_write:
        save_model(args.out, manifest, parts[1], parts[2])
        print(f"wrote {args.out}")
    print(f"done in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
