"""Attempt 7 (training/results/politeness_attempts.md): EasyAdapt (Daume III 2007) with the Stack
Exchange quartile requests as a source domain beside the Wikipedia 80 %, judged by CV only (the
20 % is never featurised), paired with the bench's logistic on the same folds.

    python training/results/politeness_easyadapt.py            # the shipped politeness features
    python training/results/politeness_easyadapt.py --vectors  # with the English word vectors
"""
import json, sys, time
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import numpy as np, scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from voicecheck.engine import Checker
from voicecheck.tone.model import ToneModel
from voicecheck.tone.train import Sample, group_scale, matrix, split_of, vocabulary

DATA = ROOT.parent / 'shared' / 'data' / 'politeness-stanford' / 'data.jsonl'


def features(samples, vocab, idf, vectors, groups):
    # as bench/bench_politeness.py weighs them (the head's `training.scaled` groups)
    X = matrix(samples, vocab, idf, vectors)
    return (X @ sp.diags(group_scale(vocab, groups))).tocsr() if groups else X


checker = Checker(model=False)
shipped = ToneModel.load(ROOT / 'models' / 'tone')
groups = shipped.manifest['training'].get('scaled', {}).get('politeness', {})
vectors = shipped.vectors if '--vectors' in sys.argv else None
rows = [json.loads(l) for l in DATA.open(encoding='utf-8')]
rows = [r for r in rows if r['politeness_class'] != 0]
train, stack = [], []
for r in rows:
    if r['domain'] == 'wikipedia':
        if split_of(r['text'], 'stanford', test=20, dev=0) != 'train':
            continue
    _, f = checker.tone_features(r['text'], 'en')
    s = Sample(f, {'p': int(r['politeness_class'] > 0)}, 'en', r['domain'], text=r['text'])
    (train if r['domain'] == 'wikipedia' else stack).append(s)
print(len(train), len(stack), flush=True)
y = np.array([s.labels['p'] for s in train]); ys = np.array([s.labels['p'] for s in stack])
variants = [('base C=4', None, 4, 'wiki'), ('base C=16', None, 16, 'wiki')]
for w in (0.3, 0.6, 1.0):
    for C in (4, 16):
        variants.append((f'EA w={w} C={C}', w, C, 'wiki'))
variants.append(('EA w=0.6 C=4 vocab wiki+se', 0.6, 4, 'both'))
variants.append(('EA w=1.0 C=4 vocab wiki+se', 1.0, 4, 'both'))
acc = {v[0]: [] for v in variants}
t0 = time.time()
for seed in range(5):
    for fit_rows, held in StratifiedKFold(5, shuffle=True, random_state=seed).split(y, y):
        part = [train[i] for i in fit_rows]; hold = [train[i] for i in held]
        cache = {}
        for name, w, C, vmode in variants:
            if vmode not in cache:
                vocab, idf = vocabulary(part if vmode == 'wiki' else part + stack, vectors)
                X = features(part, vocab, idf, vectors, groups)
                Xh = features(hold, vocab, idf, vectors, groups)
                Xs = features(stack, vocab, idf, vectors, groups)
                cache[vmode] = (X, Xh, Xs)
            X, Xh, Xs = cache[vmode]
            if w is None:
                m = LogisticRegression(C=C, max_iter=3000).fit(X, y[fit_rows])
                pred = m.predict(Xh)
            else:
                Z = sp.csr_matrix(X.shape, dtype=X.dtype); Zs = sp.csr_matrix(Xs.shape, dtype=X.dtype)
                Zh = sp.csr_matrix(Xh.shape, dtype=X.dtype)
                A = sp.vstack([sp.hstack([X, X, Z]), sp.hstack([Xs, Zs, Xs])]).tocsr()
                yy = np.concatenate([y[fit_rows], ys])
                sw = np.concatenate([np.ones(len(fit_rows)), np.full(len(ys), w)])
                m = LogisticRegression(C=C, max_iter=5000).fit(A, yy, sample_weight=sw)
                pred = m.predict(sp.hstack([Xh, Xh, Zh]).tocsr())
            acc[name].append(float((pred == y[held]).mean()))
    print('seed', seed, round(time.time() - t0), {k: round(np.mean(v), 4) for k, v in acc.items()}, flush=True)
b = np.array(acc['base C=4'])
for k, v in acc.items():
    v = np.array(v); d = v - b
    print(f'{k:32s} {v.mean():.4f} sd {v.std():.3f}  vs base C=4 {100*d.mean():+.2f}  w/t/l {(d>0).sum()}/{(d==0).sum()}/{(d<0).sum()}')
