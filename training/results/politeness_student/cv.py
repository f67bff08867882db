"""Paired Stanford CV inside the 80 % (never the 20 %): tf-idf baseline vs + dense blocks."""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]; sys.path.insert(0, str(ROOT))
OUT = ROOT / "build" / "student"; OUT.mkdir(parents=True, exist_ok=True)
import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from voicecheck.engine import Checker
from voicecheck.tone.train import Sample, matrix, split_of, vocabulary

ap = argparse.ArgumentParser(); ap.add_argument("blocks", nargs="*"); ap.add_argument("--w", type=float, default=0.5)
ap.add_argument("--repeats", type=int, default=5); ap.add_argument("--C", default="1,4,16")
args = ap.parse_args()
DATA = ROOT.parent / "shared/data/politeness-stanford/data.jsonl"
rows = [json.loads(l) for l in DATA.open()]
checker = Checker(model=False)
keep = [i for i, r in enumerate(rows) if r["politeness_class"] != 0 and r["domain"] == "wikipedia"
        and split_of(r["text"], "stanford", test=20, dev=0) == "train"]
samples = []
for i in keep:
    _, f = checker.tone_features(rows[i]["text"], "en")
    samples.append(Sample(f, {"p": int(rows[i]["politeness_class"] > 0)}, "en", "wikipedia", text=rows[i]["text"]))
y = np.array([s.labels["p"] for s in samples])
dense = {}
from voicecheck.tone.model import ToneModel

vec = ToneModel.load(ROOT / "models/tone").vectors
for b in args.blocks:
    if b == "wavg":
        D = np.array([vec.embed_features(s.features, "en") for s in samples], dtype=object)
        D = np.array([np.zeros(vec.dim, np.float32) if v is None else v for v in D]); dense[b] = D / np.linalg.norm(D, axis=1, keepdims=True).mean(); continue
    D = np.load(str(OUT / f"{b}.npy"))[keep]
    dense[b] = D
Cs = [float(c) for c in args.C.split(",")]
res = {name: {C: [] for C in Cs} for name in ["base"] + list(dense)}
for seed in range(args.repeats):
    for fr, hr in StratifiedKFold(5, shuffle=True, random_state=seed).split(y, y):
        part = [samples[i] for i in fr]
        vocab, idf = vocabulary(part, None)
        X = matrix(part, vocab, idf, None); Xh = matrix([samples[i] for i in hr], vocab, idf, None)
        for name in res:
            if name == "base":
                A, B = X, Xh
            else:
                A = sp.hstack([X, args.w * dense[name][fr]]).tocsr(); B = sp.hstack([Xh, args.w * dense[name][hr]]).tocsr()
            for C in Cs:
                m = LogisticRegression(C=C, max_iter=3000).fit(A, y[fr])
                res[name][C].append(float((m.predict(B) == y[hr]).mean()))
for name, byC in res.items():
    best = max(byC, key=lambda C: np.mean(byC[C]))
    a = np.array(byC[best]); b = np.array(res["base"][max(res["base"], key=lambda C: np.mean(res["base"][C]))])
    print(f"{name:24s} C={best:<5} {a.mean():.4f} sd {a.std():.3f}  vs base {100*(a.mean()-b.mean()):+.2f}  won {(a>b).sum()}/{(a==b).sum()}/{(a<b).sum()}")
