"""Train a 1-layer CNN student over the shipped static word vectors to regress the teacher's
sentence embedding; then Stanford CV (3x5 folds inside the 80 %) with tf-idf + dense blocks."""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]; sys.path.insert(0, str(ROOT))
OUT = ROOT / "build" / "student"; OUT.mkdir(parents=True, exist_ok=True)
import numpy as np
import torch

from voicecheck.text.draft import make_draft

ap = argparse.ArgumentParser()
ap.add_argument("--H", type=int, default=256); ap.add_argument("--epochs", type=int, default=12)
ap.add_argument("--k", type=int, default=3); ap.add_argument("--pool", default="maxmean")
ap.add_argument("--tag", default="s"); ap.add_argument("--train-frac", type=float, default=1.0)
args = ap.parse_args()
torch.manual_seed(0); torch.set_num_threads(2)
with np.load(ROOT / "models/tone/vectors.npz") as d:
    V = d["V"].astype(np.float32); A = d["a"].astype(np.float32)
words = json.loads(Path(ROOT / "models/tone/vectors.json").read_text())
index = {w: i for i, w in enumerate(words)}
SPECIAL = ["<unk>", "<s>", "</s>", "?", "!", ".", ",", ":", ";", "(", ")", "-", "'", '"', "<num>"]
sid = {s: len(words) + i for i, s in enumerate(SPECIAL)}
NV = len(words) + len(SPECIAL)

def ids(text):
    d = make_draft(text, "en")
    out = [sid["<s>"]]
    for t in d.tokens:
        w = t.text
        i = index.get(w)
        if i is None:
            i = sid.get(w) if w in sid else (sid["<num>"] if any(c.isdigit() for c in w) else sid["<unk>"])
        out.append(i)
    out.append(sid["</s>"])
    return out[:80]

class Student(torch.nn.Module):
    def __init__(s, H, k):
        super().__init__()
        s.V = torch.nn.Parameter(torch.from_numpy(V), requires_grad=False)
        s.special = torch.nn.Parameter(torch.randn(len(SPECIAL), V.shape[1]) * 0.1)
        s.conv = torch.nn.Conv1d(V.shape[1], H, k)
        s.out = torch.nn.Linear(2 * H if args.pool == "maxmean" else H, 384)
    def forward(s, X, mask):
        E = torch.cat([s.V, s.special])[X]            # B T D
        h = torch.relu(s.conv(E.transpose(1, 2)))      # B H T'
        m = mask[:, None, : h.shape[2]]
        mx = (h - (1 - m) * 1e4).max(2).values
        if args.pool == "maxmean":
            mean = (h * m).sum(2) / m.sum(2).clamp(min=1)
            z = torch.cat([mx, mean], 1)
        else:
            z = mx
        s.last_z = z
        return torch.nn.functional.normalize(s.out(z), dim=1)

def batchify(seqs, k):
    T = max(max(len(q) for q in seqs), k)
    X = np.full((len(seqs), T), sid["</s>"], dtype=np.int64); M = np.zeros((len(seqs), T), np.float32)
    for i, q in enumerate(seqs):
        X[i, :len(q)] = q; M[i, :max(1, len(q) - k + 1)] = 1
    return torch.from_numpy(X), torch.from_numpy(M)

texts = json.loads(Path(str(OUT / "texts.json")).read_text()); E = np.load(str(OUT / "teacher.npy"))
t0 = time.time()
seqs = [ids(t) for t in texts]
print(f"{len(seqs)} tokenised in {time.time()-t0:.0f}s", flush=True)
rng = np.random.default_rng(0); perm = rng.permutation(len(seqs))
nval = 2000; val, tr = perm[:nval], perm[nval:]
tr = tr[: int(len(tr) * args.train_frac)]
net = Student(args.H, args.k); opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=2e-3)
Et = torch.from_numpy(E)
def run(idx, train):
    tot = 0.0
    order = rng.permutation(idx) if train else idx
    for b in range(0, len(order), 128):
        bi = order[b:b + 128]
        X, M = batchify([seqs[i] for i in bi], args.k)
        with torch.set_grad_enabled(train):
            loss = (1 - (net(X, M) * Et[bi]).sum(1)).mean()
        if not train: loss = loss.detach()
        if train:
            opt.zero_grad(); loss.backward(); opt.step()
        tot += float(loss) * len(bi)
    return tot / len(idx)
for ep in range(args.epochs):
    l = run(tr, True); v = run(val, False)
    print(f"epoch {ep} train cos {1-l:.4f} val cos {1-v:.4f} {time.time()-t0:.0f}s", flush=True)
net.eval()
st = json.loads(Path(str(OUT / "stanford_texts.json")).read_text())
with torch.no_grad():
    S = []; Z = []
    for b in range(0, len(st), 256):
        X, M = batchify([ids(t) for t in st[b:b+256]], args.k); S.append(net(X, M).numpy()); Z.append(net.last_z.numpy())
np.save(str(OUT / f"student_{args.tag}.npy"), np.concatenate(S))
Z = np.concatenate(Z); np.save(str(OUT / f"z_{args.tag}.npy"), Z / np.linalg.norm(Z, axis=1, keepdims=True).mean())
torch.save(net.state_dict(), str(OUT / f"student_{args.tag}.pt"))
print("saved", args.tag)
