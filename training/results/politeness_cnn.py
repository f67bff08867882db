"""Attempt 8 (training/results/politeness_attempts.md): a convolutional network trained on the
requests themselves (as Aubakirova & Bansal, EMNLP 2016, did on this corpus), alone and beside
the bench's bag of features, judged by CV only inside the Wikipedia 80 % (the 20 % is never
read), paired fold by fold with the bench's logistic (C=16, its best C).

The network reads the shipped English word vectors (models/tone, 128 dimensions; words they
lack get a learned vector of their own), widths 1-3 with `--filters` filters each, max-pooled,
dropout 0.5, one logit. The ensemble adds the two models' logits, each divided by the spread of
its own training-fold logits (nothing of the held-out fold is used to scale).

Needs torch (never in .venv: `python3 -m venv /tmp/venv-torch`, then pip install torch and
-e '.[train]' into it):

    /tmp/venv-torch/bin/python training/results/politeness_cnn.py [--epochs 12] [--filters 100]
        [--tune] [--vectors] [--repeats 5]
"""
import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import torch  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from voicecheck.engine import Checker  # noqa: E402
from voicecheck.tone.model import ToneModel  # noqa: E402
from voicecheck.tone.train import Sample, group_scale, matrix, split_of, vocabulary  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "politeness-stanford" / "data.jsonl"
TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\w\s]")

ap = argparse.ArgumentParser()
ap.add_argument("--epochs", default="12")          # comma list: one CNN per value
ap.add_argument("--filters", type=int, default=100)
ap.add_argument("--tune", action="store_true", help="let the word vectors move")
ap.add_argument("--repeats", type=int, default=5)
ap.add_argument("--vectors", action="store_true", help="the bag reads the word vectors too (as --vectors)")
ap.add_argument("--nested", action="store_true",
                help="nested CV on fresh shuffles (seeds 5-9): an inner 5-fold CV of each outer "
                     "training part picks the CNN's weight (0, 0.5 or 1) at the first --epochs")
args = ap.parse_args()
EPOCHS = [int(e) for e in args.epochs.split(",")]
torch.set_num_threads(2)

checker = Checker(model=False)
shipped = ToneModel.load(ROOT / "models" / "tone")
groups = shipped.manifest["training"].get("scaled", {}).get("politeness", {})
vec = shipped.vectors
rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
train = []
for r in rows:
    if r["politeness_class"] == 0 or r["domain"] != "wikipedia":
        continue
    if split_of(r["text"], "stanford", test=20, dev=0) != "train":
        continue  # the fixed 20 % is never read
    _, f = checker.tone_features(r["text"], "en")
    train.append(Sample(f, {"p": int(r["politeness_class"] > 0)}, "en", r["domain"], text=r["text"]))
y = np.array([s.labels["p"] for s in train])
toks = [TOKEN.findall(s.text.lower())[:120] for s in train]
print(len(train), "requests;", "vectors cover", round(np.mean([np.mean([t in vec.index for t in ts])
                                                                 for ts in toks if ts]), 3), flush=True)


def bow_logits(part, hold, part_y):
    vectors = vec if args.vectors else None
    vocab, idf = vocabulary(part, vectors)
    scale = sp.diags(group_scale(vocab, groups)) if groups else None
    X, Xh = matrix(part, vocab, idf, vectors), matrix(hold, vocab, idf, vectors)
    if scale is not None:
        X, Xh = (X @ scale).tocsr(), (Xh @ scale).tocsr()
    m = LogisticRegression(C=16, max_iter=3000).fit(X, part_y)
    return m.decision_function(X), m.decision_function(Xh)


class Net(torch.nn.Module):
    def __init__(self, E, learned_rows, filters, tune):
        super().__init__()
        self.fixed = torch.nn.Embedding.from_pretrained(torch.tensor(E), freeze=not tune, padding_idx=0)
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


def cnn_logits(fit_idx, held_idx, seed):
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
    net = Net(E, learned, args.filters, args.tune)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=1e-3, weight_decay=1e-5)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(seed)
    fit_idx = np.asarray(fit_idx)
    results = {}
    for epoch in range(1, max(EPOCHS) + 1):
        net.train()
        order = rng.permutation(len(fit_idx))
        for b in range(0, len(order), 32):
            batch = fit_idx[order[b:b + 32]]
            opt.zero_grad()
            loss = loss_fn(net(ids(batch)), torch.tensor(y[batch], dtype=torch.float32))
            loss.backward()
            opt.step()
        if epoch in EPOCHS:
            net.eval()
            with torch.no_grad():
                results[epoch] = (net(ids(fit_idx)).numpy(), net(ids(np.asarray(held_idx))).numpy())
    return results


def nested() -> None:
    epochs, weights = EPOCHS[0], (0.0, 0.5, 1.0)
    bag_acc, picked_acc, picks = [], [], []
    t0 = time.time()
    for seed in range(5, 5 + args.repeats):
        for fit_idx, held_idx in StratifiedKFold(5, shuffle=True, random_state=seed).split(y, y):
            inner = {w: [] for w in weights}
            for in_fit, in_held in StratifiedKFold(5, shuffle=True, random_state=seed).split(
                    y[fit_idx], y[fit_idx]):
                a, b = fit_idx[in_fit], fit_idx[in_held]
                b_fit, b_held = bow_logits([train[i] for i in a], [train[i] for i in b], y[a])
                c_fit, c_held = cnn_logits(a, b, seed)[epochs]
                for w in weights:
                    z = b_held / b_fit.std() + w * c_held / c_fit.std()
                    inner[w].append(float(((z > 0) == y[b]).mean()))
            w = max(weights, key=lambda k: (np.mean(inner[k]), -k))
            b_fit, b_held = bow_logits([train[i] for i in fit_idx], [train[i] for i in held_idx],
                                       y[fit_idx])
            c_fit, c_held = cnn_logits(fit_idx, held_idx, seed)[epochs]
            z = b_held / b_fit.std() + w * c_held / c_fit.std()
            yh = y[held_idx]
            bag_acc.append(float(((b_held > 0) == yh).mean()))
            picked_acc.append(float(((z > 0) == yh).mean()))
            picks.append(w)
        print("seed", seed, round(time.time() - t0), "s", round(float(np.mean(bag_acc)), 4),
              round(float(np.mean(picked_acc)), 4), flush=True)
    a, b = np.array(picked_acc), np.array(bag_acc)
    d = a - b
    print(f"nested ({args.repeats} x 5 outer folds, seeds 5-{4 + args.repeats}; bag with vectors "
          f"{args.vectors}, cnn {epochs} epochs, tune {args.tune})")
    print(f"bag alone (logistic C=16)          {b.mean():.4f} sd {b.std():.3f}")
    print(f"bag + cnn, weight picked inside    {a.mean():.4f} sd {a.std():.3f}  vs bag "
          f"{100 * d.mean():+.2f}  w/t/l {(d > 0).sum()}/{(d == 0).sum()}/{(d < 0).sum()}  "
          f"weights picked {dict(zip(*np.unique(picks, return_counts=True)))}")


if args.nested:
    nested()
    sys.exit(0)

acc = {}
t0 = time.time()
for seed in range(args.repeats):
    for fit_idx, held_idx in StratifiedKFold(5, shuffle=True, random_state=seed).split(y, y):
        part = [train[i] for i in fit_idx]
        hold = [train[i] for i in held_idx]
        b_fit, b_held = bow_logits(part, hold, y[fit_idx])
        yh = y[held_idx]
        acc.setdefault("bag of features (logistic C=16)", []).append(float(((b_held > 0) == yh).mean()))
        for epoch, (c_fit, c_held) in cnn_logits(fit_idx, held_idx, seed).items():
            acc.setdefault(f"cnn, {epoch} epochs", []).append(float(((c_held > 0) == yh).mean()))
            for w in (0.5, 1.0):
                z = b_held / b_fit.std() + w * c_held / c_fit.std()
                acc.setdefault(f"bag + {w} x cnn ({epoch} epochs)", []).append(float(((z > 0) == yh).mean()))
    print("seed", seed, round(time.time() - t0), "s", {k: round(float(np.mean(v)), 4) for k, v in acc.items()},
          flush=True)
base = np.array(acc["bag of features (logistic C=16)"])
print(f"filters {args.filters}, tune {args.tune}, bag with vectors {args.vectors}, "
      f"{args.repeats} x 5 folds")
for name, values in acc.items():
    v = np.array(values)
    d = v - base
    print(f"{name:36s} {v.mean():.4f} sd {v.std():.3f}  vs bag {100 * d.mean():+.2f}  "
          f"w/t/l {(d > 0).sum()}/{(d == 0).sum()}/{(d < 0).sum()}")
