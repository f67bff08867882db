"""Kept as the record of attempt 6 (training/results/politeness_attempts.md): Stanford politeness, the three earlier single-idea gains
COMBINED, judged by CV inside the training 80 % only. NEVER featurises or scores the 20 %.

Ideas:  cues   = `q:` politeness-strategy features + char 4-grams x 0.6 (politeness_cues_attempt
                 .patch, ported by hand into this worktree's features.py / language.yaml)
        nb     = nb-soft: NB-LR (binary presence x log-count ratio from the quartile rows, add-one),
                 logistic C=0.1, training split's middle half as soft targets (slope 2, weight 0.3)
        vec    = the shipped English word vectors (weighted average, scale 1.0 as `--vectors` in
                 the bench), appended as a dense block

    PYTHONDONTWRITEBYTECODE=1 nice -n 10 /work/main/.venv/bin/python pol_combo.py cv
    PYTHONDONTWRITEBYTECODE=1 nice -n 10 /work/main/.venv/bin/python pol_combo.py nested
"""

from __future__ import annotations

import json
import math
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

import voicecheck.tone.features as F  # noqa: E402
import voicecheck.tone.model as M  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402
from voicecheck.tone.train import Sample, build_vocab, matrix, split_of, vocabulary  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "politeness-stanford" / "data.jsonl"
CACHE = ROOT / "build" / "pol_combo_features.pkl"
OUT = ROOT / "build"


# ---------------------------------------------------------------- data (training split only)

def load():
    """(train quartile samples {base, cues}, middle-half samples {base, cues}, dense D, Dm)."""
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    assert F.CHAR_WEIGHT == 0.6, "the cues port must be in place"
    checker = Checker(model=False)
    real_cues = F._cue_counts
    rows = []
    for line in DATA.open(encoding="utf-8"):
        r = json.loads(line)
        if r["domain"] != "wikipedia":
            continue
        if split_of(r["text"], "stanford", test=20, dev=0) != "train":
            continue  # the held-out 20 % is never even featurised
        rows.append(r)
    feats = {}
    for name, cw, cue_fn in (("base", 1.0, lambda *a: Counter()), ("cues_raw", 1.0, real_cues)):
        F.CHAR_WEIGHT, F._cue_counts = cw, cue_fn
        feats[name] = [checker.tone_features(r["text"], "en")[1] for r in rows]
    F.CHAR_WEIGHT, F._cue_counts = 0.6, real_cues
    # sanity: cues_raw = base + q: features, nothing else differs
    for a, b in zip(feats["base"], feats["cues_raw"]):
        assert {k: v for k, v in b.items() if k[:2] != "q:"} == a
    data = {"train": {}, "mid": {}}
    for name, fs in feats.items():
        tr, md = [], []
        for r, f in zip(rows, fs):
            s = Sample(f, {"p": int(r["politeness_class"] > 0)}, "en", "wikipedia", text=r["text"],
                       extra={"score": r["politeness"]})
            (md if r["politeness_class"] == 0 else tr).append(s)
        data["train"][name], data["mid"][name] = tr, md
    M.FEATURE_VERSION = 5  # the shipped model was built at 5; only its vectors are read here
    vec = M.ToneModel.load(ROOT / "models" / "tone").vectors

    def dense(samples):
        out = np.zeros((len(samples), vec.dim), np.float64)
        for i, s in enumerate(samples):
            v = vec.embed_features(s.features, "en")
            if v is not None:
                out[i] = v
        return out
    data["D"], data["Dm"] = dense(data["train"]["base"]), dense(data["mid"]["base"])
    data["vec_scale"] = vec.scale
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_bytes(pickle.dumps(data))
    return data


def with_char_weight(samples, cw):
    """cue features with character 4-grams x cw (exactly what extract() with CHAR_WEIGHT=cw
    computes: the weight multiplies (1 + log count), before idf)."""
    if cw == 1.0:
        return samples
    return [Sample({k: (v * cw if k[0] == "c" else v) for k, v in s.features.items()},
                   s.labels, s.lang, s.source, text=s.text, extra=s.extra) for s in samples]


# ---------------------------------------------------------------- models

def binary(X):
    B = X.astype("float64", copy=True)
    B.data[:] = 1.0
    return B


def fit_logistic(X, y, Xh, C, D=None, Dh=None, r=None):
    """Logistic on L2-normalised tf-idf rows; with D, the dense block scaled so its mean row
    norm (training part) is r (the sparse rows have norm 1)."""
    if D is not None:
        f = r / np.linalg.norm(D, axis=1).mean()
        X = sp.hstack([X, f * D]).tocsr()
        Xh = sp.hstack([Xh, f * Dh]).tocsr()
    return LogisticRegression(C=C, max_iter=3000).fit(X, y).predict(Xh)


def fit_nbsoft(X, y, Xh, Xm, score, mid_score, C=0.1, w=0.3, k=2.0, D=None, Dh=None, Dm=None,
               r=None, char_cols=None, char_scale=1.0):
    """nb-soft as in politeness_nbsoft_attempt.patch; with D, the dense block is appended to
    the NB-weighted sparse rows, scaled so that its mean row norm is r x the mean norm of the
    training quartile rows' NB-weighted sparse part (the same ratio as in the logistic)."""
    B, Bh = binary(X), binary(Xh)
    pos = 1.0 + np.asarray(B[y == 1].sum(0)).ravel()
    neg = 1.0 + np.asarray(B[y == 0].sum(0)).ravel()
    ratio = np.log((pos / pos.sum()) / (neg / neg.sum()))
    if char_cols is not None and char_scale != 1.0:
        ratio = ratio.copy()
        ratio[char_cols] *= char_scale
    R = sp.diags(ratio)
    cut = (score[y == 0].max() + score[y == 1].min()) / 2
    Bm = binary(Xm)
    p = 1 / (1 + np.exp(-k * (mid_score - cut)))
    A = sp.vstack([B, Bm, Bm]).tocsr() @ R
    Ah = Bh @ R
    ya = np.concatenate([y, np.ones(len(p), int), np.zeros(len(p), int)])
    wa = np.concatenate([np.ones(len(y)), w * p, w * (1 - p)])
    if D is not None:
        sparse_norm = np.sqrt(np.asarray(A[:len(y)].multiply(A[:len(y)]).sum(1)).ravel()).mean()
        f = r * sparse_norm / np.linalg.norm(D, axis=1).mean()
        A = sp.hstack([A, f * np.vstack([D, Dm, Dm])]).tocsr()
        Ah = sp.hstack([Ah, f * Dh]).tocsr()
    return LogisticRegression(C=C, max_iter=3000).fit(A, ya, sample_weight=wa).predict(Ah)


# ---------------------------------------------------------------- candidates
# spec: (features, model, settings); features 'base' or ('cues', char_weight);
# vector weight r in units of the shipped block's own mean norm (R0 = as in the bench)

def candidates(R0):
    c = {}

    def add(name, fs, model, **kw):
        c[name] = (fs, model, kw)
    add("baseline (logistic C=4)", "base", "lr", C=4)
    add("cues (C=4, char x0.6)", ("cues", 0.6), "lr", C=4)
    add("nb-soft (C=0.1)", "base", "nb", C=0.1)
    add("vectors (C=4, w as bench)", "base", "lr", C=4, r=R0)
    add("cues+nb-soft", ("cues", 0.6), "nb", C=0.1)
    add("cues+vectors", ("cues", 0.6), "lr", C=4, r=R0)
    add("nb-soft+vectors", "base", "nb", C=0.1, r=R0)
    add("cues+nb-soft+vectors", ("cues", 0.6), "nb", C=0.1, r=R0)
    # small neighbourhood (+-1 step), not a grid hunt
    add("  cues C=1", ("cues", 0.6), "lr", C=1)
    add("  cues C=16", ("cues", 0.6), "lr", C=16)
    add("  cues char x0.5", ("cues", 0.5), "lr", C=4)
    add("  cues char x0.7", ("cues", 0.7), "lr", C=4)
    add("  vectors C=1", "base", "lr", C=1, r=R0)
    add("  vectors C=16", "base", "lr", C=16, r=R0)
    add("  vectors w/2", "base", "lr", C=4, r=R0 / 2)
    add("  vectors w*2", "base", "lr", C=4, r=R0 * 2)
    add("  cues+vectors C=16", ("cues", 0.6), "lr", C=16, r=R0)
    add("  cues+vectors char x0.5", ("cues", 0.5), "lr", C=4, r=R0)
    add("  cues+vectors w/2", ("cues", 0.6), "lr", C=4, r=R0 / 2)
    add("  cues+nb-soft C=0.05", ("cues", 0.6), "nb", C=0.05)
    add("  cues+nb-soft C=0.2", ("cues", 0.6), "nb", C=0.2)
    add("  nb-soft+vectors w/2", "base", "nb", C=0.1, r=R0 / 2)
    add("  nb-soft+vectors w*2", "base", "nb", C=0.1, r=R0 * 2)
    add("  all3 C=0.05", ("cues", 0.6), "nb", C=0.05, r=R0)
    add("  all3 C=0.2", ("cues", 0.6), "nb", C=0.2, r=R0)
    add("  all3 w/2", ("cues", 0.6), "nb", C=0.1, r=R0 / 2)
    add("  all3 w*2", ("cues", 0.6), "nb", C=0.1, r=R0 * 2)
    add("  all3 char x0.6 in NB", ("cues", 0.6), "nb", C=0.1, r=R0, char_scale=0.6)
    return c


class Folds:
    """Per (fold training rows, held rows): matrices built from the training rows only."""

    def __init__(self, data):
        self.data = data
        self.y = np.array([s.labels["p"] for s in data["train"]["base"]])
        self.score = np.array([s.extra["score"] for s in data["train"]["base"]])
        self.mid_score = np.array([s.extra["score"] for s in data["mid"]["base"]])
        self.variants = {}

    def samples(self, fs, which):
        if fs == "base":
            return self.data[which]["base"]
        key = (fs, which)
        if key not in self.variants:
            self.variants[key] = with_char_weight(self.data[which]["cues_raw"], fs[1])
        return self.variants[key]

    def mats(self, fs, fit, held, memo):
        """(X, Xh, Xm, char column indices) for feature set fs; vocab/idf from `fit` only."""
        if fs not in memo:
            tr = self.samples(fs, "train")
            part = [tr[i] for i in fit]
            vocab, idf = build_vocab(part)
            memo[fs] = (matrix(part, vocab, idf), matrix([tr[i] for i in held], vocab, idf),
                        matrix(self.samples(fs, "mid"), vocab, idf),
                        np.array([i for i, f in enumerate(vocab) if f[0] == "c"]))
        return memo[fs]

    def run(self, spec, fit, held, memo):
        fs, model, kw = spec
        X, Xh, Xm, ccols = self.mats(fs, fit, held, memo)
        D, Dm = self.data["D"], self.data["Dm"]
        y = self.y[fit]
        r = kw.get("r")
        dense = dict(D=D[fit], Dh=D[held], r=r) if r is not None else {}
        if model == "lr":
            return fit_logistic(X, y, Xh, kw["C"], **dense)
        if r is not None:
            dense["Dm"] = Dm
        return fit_nbsoft(X, y, Xh, Xm, self.score[fit], self.mid_score, C=kw["C"],
                          char_cols=ccols, char_scale=kw.get("char_scale", 1.0), **dense)


def report(name, acc, ref, shuffles):
    d = acc - ref
    per = " ".join(f"{a:.3f}" for a in acc.reshape(shuffles, 5).mean(1))
    return (f"{name:30s} {acc.mean():.4f} sd {acc.std():.3f}  [{per}]  vs base "
            f"{100 * d.mean():+.2f} w/t/l {(d > 0).sum()}/{(d == 0).sum()}/{(d < 0).sum()}")


def cv(data, seeds=(0, 1, 2, 3, 4)):
    R0 = float(np.linalg.norm(data["D"], axis=1).mean())  # the bench's raw block, scale 1.0
    print(f"{len(data['train']['base'])} training quartile requests, {len(data['mid']['base'])} "
          f"middle-half requests (train only); vector scale {data['vec_scale']}, "
          f"mean norm of the raw dense block R0 = {R0:.4f}", flush=True)
    cands = candidates(R0)
    folds = Folds(data)
    acc = {n: [] for n in cands}
    t0 = time.time()
    for seed in seeds:
        for fit, held in StratifiedKFold(5, shuffle=True, random_state=seed).split(folds.y, folds.y):
            memo = {}
            for n, spec in cands.items():
                acc[n].append(float((folds.run(spec, fit, held, memo) == folds.y[held]).mean()))
        print(f"  shuffle {seed} done ({time.time() - t0:.0f} s)", flush=True)
    acc = {n: np.array(v) for n, v in acc.items()}
    ref = acc["baseline (logistic C=4)"]
    print(f"\n5-fold CV x {len(seeds)} shuffles (seeds {seeds[0]}-{seeds[-1]}), "
          f"{time.time() - t0:.0f} s")
    for n in cands:
        print(report(n, acc[n], ref, len(seeds)))
    (OUT / "pol_combo_cv.json").write_text(json.dumps({n: v.tolist() for n, v in acc.items()}))


# ---------------------------------------------------------------- nested CV

def nested(data, seeds=(5, 6, 7, 8, 9)):
    """Each outer fold's procedure picks its setting by inner 5-fold CV of the outer training
    part (every inner/outer training part builds its own vocabulary, idf and NB ratios)."""
    R0 = float(np.linalg.norm(data["D"], axis=1).mean())
    cues = ("cues", 0.6)
    procs = {
        "P0 logistic, C in {1,4,16,64,256}": [("base", "lr", {"C": C}) for C in (1, 4, 16, 64, 256)],
        "nb-soft, C in {0.05,0.1,0.2}": [("base", "nb", {"C": C}) for C in (0.05, 0.1, 0.2)],
        "cues+vectors, C in {1,4,16}": [(cues, "lr", {"C": C, "r": R0}) for C in (1, 4, 16)],
        "cues+nb-soft+vectors, C in {0.05,0.1,0.2}": [(cues, "nb", {"C": C, "r": R0})
                                                      for C in (0.05, 0.1, 0.2)],
        "cues+nb-soft+vectors, NB char x0.6, C in {0.05,0.1,0.2}": [
            (cues, "nb", {"C": C, "r": R0, "char_scale": 0.6}) for C in (0.05, 0.1, 0.2)],
        "cues+vectors fixed C=4": [(cues, "lr", {"C": 4, "r": R0})],
        "cues+nb-soft+vectors fixed C=0.1": [(cues, "nb", {"C": 0.1, "r": R0})],
    }
    folds = Folds(data)
    Y = folds.y
    out = {p: [] for p in procs}
    chosen = {p: Counter() for p in procs}
    t0 = time.time()
    for seed in seeds:
        for k, (fit, held) in enumerate(StratifiedKFold(5, shuffle=True, random_state=seed).split(Y, Y)):
            inner = {p: np.zeros(len(c)) for p, c in procs.items()}
            for it, ih in StratifiedKFold(5, shuffle=True, random_state=100 + seed).split(fit, Y[fit]):
                a, b = fit[it], fit[ih]
                memo = {}
                for p, cands in procs.items():
                    if len(cands) > 1:
                        for j, spec in enumerate(cands):
                            inner[p][j] += (folds.run(spec, a, b, memo) == Y[b]).mean() / 5
            memo = {}
            line = []
            for p, cands in procs.items():
                j = int(np.argmax(inner[p]))
                acc = float((folds.run(cands[j], fit, held, memo) == Y[held]).mean())
                out[p].append(acc)
                chosen[p][cands[j][2]["C"]] += 1
                line.append(f"{acc:.3f}")
            print(seed, k, " ".join(line), f"({time.time() - t0:.0f} s)", flush=True)
    base = np.array(out["P0 logistic, C in {1,4,16,64,256}"])
    print(f"\nnested CV, outer 5-fold x {len(seeds)} shuffles (seeds {seeds[0]}-{seeds[-1]}), "
          f"inner 5-fold; {time.time() - t0:.0f} s")
    for p in procs:
        print(report(p, np.array(out[p]), base, len(seeds)), " C chosen:",
              dict(sorted(chosen[p].items())))
    (OUT / "pol_combo_nested.json").write_text(json.dumps(out))


if __name__ == "__main__":
    t = time.time()
    data = load()
    print(f"features ready ({time.time() - t:.0f} s)", flush=True)
    {"cv": cv, "nested": nested}[sys.argv[1]](data)
