"""Attempt 9: attempt 8's CNN beside attempt 6's best bag (cues + nb-soft + vectors, NB char
x0.6), nested CV on seeds 5-9 inside the Wikipedia 80 % only. The inner 5-fold CV of each outer
training part picks the bag's C (0.05, 0.1, 0.2) and the CNN's weight (0, 0.5, 1) jointly.

    a worktree at b878153 with cues_port.patch applied (rules/fa/language.yaml by hand: keep
    both blocks), pol_combo.py and this file at its root (DATA pointed at ../shared), then
    cd there && /tmp/venv-torch/bin/python pol_cnn_combo.py 5      # 16 min on 2 cores
"""
import re
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pol_combo as P  # noqa: E402
import voicecheck.tone.model as M  # noqa: E402

torch.set_num_threads(2)
REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\w\s]")

data = P.load()
M.FEATURE_VERSION = 5
vec = M.ToneModel.load(P.ROOT / "models" / "tone").vectors
folds = P.Folds(data)
Y = folds.y
R0 = float(np.linalg.norm(data["D"], axis=1).mean())
CUES = ("cues", 0.6)
toks = [TOKEN.findall(s.text.lower())[:120] for s in data["train"]["base"]]
print(len(Y), "requests", flush=True)

# ---- the bag: P.fit_nbsoft returning decision values instead of labels


def nb_logits(fit, held, C, memo):
    X, Xh, Xm, ccols = folds.mats(CUES, fit, held, memo)
    out = {}

    class Capture(LogisticRegression):
        def predict(self, Z):
            out["z"] = self.decision_function(Z)
            return super().predict(Z)
    real = P.LogisticRegression
    P.LogisticRegression = Capture
    try:
        P.fit_nbsoft(X, Y[fit], Xh, Xm, folds.score[fit], folds.mid_score, C=C, D=data["D"][fit],
                     Dh=data["D"][held], Dm=data["Dm"], r=R0, char_cols=ccols, char_scale=0.6)
        z_held = out["z"]
        P.fit_nbsoft(X, Y[fit], X, Xm, folds.score[fit], folds.mid_score, C=C, D=data["D"][fit],
                     Dh=data["D"][fit], Dm=data["Dm"], r=R0, char_cols=ccols, char_scale=0.6)
        z_fit = out["z"]
    finally:
        P.LogisticRegression = real
    return z_fit, z_held


# ---- the CNN, as in training/results/politeness_cnn.py (100 filters, widths 1-3, tuned, 4 epochs)
class Net(torch.nn.Module):
    def __init__(self, E, learned_rows, filters=100):
        super().__init__()
        self.fixed = torch.nn.Embedding.from_pretrained(torch.tensor(E), freeze=False, padding_idx=0)
        self.own = torch.nn.Embedding(E.shape[0], E.shape[1], padding_idx=0)
        torch.nn.init.normal_(self.own.weight, std=0.1)
        mask = np.zeros((E.shape[0], 1), np.float32)
        mask[learned_rows] = 1.0
        self.register_buffer("mask", torch.tensor(mask))
        self.convs = torch.nn.ModuleList(torch.nn.Conv1d(E.shape[1], filters, k, padding=k - 1)
                                         for k in (1, 2, 3))
        self.drop = torch.nn.Dropout(0.5)
        self.out = torch.nn.Linear(3 * filters, 1)

    def forward(self, ids):
        e = self.fixed(ids) + self.own(ids) * self.mask[ids]
        e = e.transpose(1, 2)
        pooled = [torch.relu(c(e)).max(dim=2).values for c in self.convs]
        return self.out(self.drop(torch.cat(pooled, 1))).squeeze(1)


def cnn_logits(fit_idx, held_idx, seed, epochs=4):
    words = {}
    for i in fit_idx:
        for t in toks[i]:
            words[t] = words.get(t, 0) + 1
    vocab = ["<pad>", "<unk>"] + [w for w, n in words.items() if n >= 2 or w in vec.index]
    index = {w: i for i, w in enumerate(vocab)}
    E = np.zeros((len(vocab), vec.dim), np.float32)
    learned = [1]
    for w, i in index.items():
        if w in vec.index:
            E[i] = vec.V[vec.index[w]].astype(np.float32)
        elif i > 1:
            learned.append(i)
    E /= (np.linalg.norm(E[2:], axis=1).mean() or 1.0)

    def ids(rows):
        n = max(3, max(len(toks[i]) for i in rows))
        out = np.zeros((len(rows), n), np.int64)
        for r, i in enumerate(rows):
            seq = [index.get(t, 1) for t in toks[i]] or [1]
            out[r, :len(seq)] = seq
        return torch.tensor(out)

    torch.manual_seed(seed)
    net = Net(E, learned)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=1e-3, weight_decay=1e-5)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(seed)
    fit_idx = np.asarray(fit_idx)
    for _ in range(epochs):
        net.train()
        order = rng.permutation(len(fit_idx))
        for b in range(0, len(order), 32):
            batch = fit_idx[order[b:b + 32]]
            opt.zero_grad()
            loss_fn(net(ids(batch)), torch.tensor(Y[batch], dtype=torch.float32)).backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        return net(ids(fit_idx)).numpy(), net(ids(np.asarray(held_idx))).numpy()


CS, WS = (0.05, 0.1, 0.2), (0.0, 0.5, 1.0)
bag_acc, combo_acc, picks = [], [], []
t0 = time.time()
for seed in range(5, 5 + REPEATS):
    for fit, held in StratifiedKFold(5, shuffle=True, random_state=seed).split(Y, Y):
        inner = {(C, w): 0.0 for C in CS for w in WS}
        for it, ih in StratifiedKFold(5, shuffle=True, random_state=100 + seed).split(fit, Y[fit]):
            a, b = fit[it], fit[ih]
            memo = {}
            c_fit, c_held = cnn_logits(a, b, seed)
            for C in CS:
                b_fit, b_held = nb_logits(a, b, C, memo)
                for w in WS:
                    z = b_held / b_fit.std() + w * c_held / c_fit.std()
                    inner[(C, w)] += float(((z > 0) == Y[b]).mean()) / 5
        bagC = max(CS, key=lambda C: inner[(C, 0.0)])
        C, w = max(inner, key=lambda k: (inner[k], -k[1]))
        memo = {}
        c_fit, c_held = cnn_logits(fit, held, seed)
        b_fit, b_held = nb_logits(fit, held, bagC, memo)
        bag_acc.append(float(((b_held > 0) == Y[held]).mean()))
        b_fit, b_held = nb_logits(fit, held, C, memo)
        z = b_held / b_fit.std() + w * c_held / c_fit.std()
        combo_acc.append(float(((z > 0) == Y[held]).mean()))
        picks.append((C, w))
        print(seed, f"bag {bag_acc[-1]:.3f} combo {combo_acc[-1]:.3f} picked C={C} w={w} "
              f"({time.time() - t0:.0f} s)", flush=True)
a, b = np.array(combo_acc), np.array(bag_acc)
d = a - b
print(f"\nnested, outer 5 x {REPEATS} (seeds 5-{4 + REPEATS}), inner 5-fold; {time.time() - t0:.0f} s")
print(f"cues+nb-soft+vectors (NB char x0.6), C picked inside   {b.mean():.4f} sd {b.std():.3f}")
print(f"  + CNN, C and weight picked inside                     {a.mean():.4f} sd {a.std():.3f}  "
      f"vs bag {100 * d.mean():+.2f} w/t/l {(d > 0).sum()}/{(d == 0).sum()}/{(d < 0).sum()}")
from collections import Counter  # noqa: E402
print("picked", Counter(picks))
