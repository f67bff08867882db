"""Stanford Politeness Corpus benchmark (Danescu-Niculescu-Mizil et al., ACL 2013).

Binary top-vs-bottom quartile requests, as in the paper: a logistic model on the features the
shipped politeness head reads, weighed as its training weighs them (the word vectors only if it
reads them; `--vectors` adds them anyway, for comparison), trained on a fixed 80 % of the Wikipedia requests and tested on the other 20 %
(in-domain), and trained on all Wikipedia requests and tested on Stack Exchange (cross-domain).
Paper: 83.8 % in-domain (Wikipedia, SVM with politeness strategies), human agreement 86.7 %.
Needs ../shared/data/politeness-stanford and scikit-learn.

    python bench/bench_politeness.py          # held-out accuracy (report once per candidate)
    python bench/bench_politeness.py --cv     # choose features: CV inside the 80 % only
    python bench/bench_politeness.py --vectors [--cv]   # with the English word vectors

`--cv` never looks at the 20 % test requests: repeated stratified 5-fold cross-validation
(3 shuffles) of the training part, mean accuracy per C. Compare feature changes with it and
run the held-out test once for the chosen candidate.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402
from voicecheck.tone.model import ToneModel  # noqa: E402
from voicecheck.tone.train import Sample, group_scale, matrix, split_of, vocabulary  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "politeness-stanford" / "data.jsonl"


C_GRID = (1, 4, 16, 64, 256)


def features(samples: list, vocab: list[str], idf: list[float], vectors, groups: dict):
    """The shipped politeness head's view of `samples`: its features, with the feature groups
    its training weighs (`training.scaled` in the manifest) weighed the same way."""
    from scipy.sparse import diags

    X = matrix(samples, vocab, idf, vectors)
    return (X @ diags(group_scale(vocab, groups))).tocsr() if groups else X


def cross_validate(train: list, vectors, groups: dict, repeats: int = 3
                   ) -> dict[float, tuple[float, float]]:
    """C -> (mean, sd) accuracy of repeated stratified 5-fold CV inside `train`; each fold
    builds its own vocabulary and idf, as a fresh training run would."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    y = np.array([s.labels["p"] for s in train])
    scores: dict[float, list[float]] = {C: [] for C in C_GRID}
    for seed in range(repeats):
        for fit_rows, held in StratifiedKFold(5, shuffle=True, random_state=seed).split(y, y):
            part = [train[i] for i in fit_rows]
            vocab, idf = vocabulary(part, vectors)
            X = features(part, vocab, idf, vectors, groups)
            Xh = features([train[i] for i in held], vocab, idf, vectors, groups)
            for C in C_GRID:
                model = LogisticRegression(C=C, max_iter=3000).fit(X, y[fit_rows])
                scores[C].append(float((model.predict(Xh) == y[held]).mean()))
    return {C: (float(np.mean(v)), float(np.std(v))) for C, v in scores.items()}


def main() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", action="store_true",
                        help="only cross-validate inside the training 80 %% (no test score)")
    parser.add_argument("--vectors", action="store_true",
                        help="add the shipped word vectors even if the politeness head does "
                             "not read them")
    args = parser.parse_args()
    if not DATA.exists():
        print("needs ../shared/data/politeness-stanford")
        return
    checker = Checker(model=False)
    shipped = ToneModel.load(ROOT / "models" / "tone")
    training = shipped.manifest.get("training", {})
    reads = "politeness" in training.get("vector_heads", [])
    groups = training.get("scaled", {}).get("politeness", {})
    vectors = shipped.vectors if args.vectors or reads else None
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    rows = [r for r in rows if r["politeness_class"] != 0]
    samples = []
    for r in rows:
        _, feats = checker.tone_features(r["text"], "en")
        samples.append(Sample(feats, {"p": int(r["politeness_class"] > 0)}, "en",
                              r["domain"], text=r["text"]))
    wiki = [s for s in samples if s.source == "wikipedia"]
    stack = [s for s in samples if s.source == "stackexchange"]
    train = [s for s in wiki if split_of(s.text, "stanford", test=20, dev=0) == "train"]
    test = [s for s in wiki if split_of(s.text, "stanford", test=20, dev=0) == "test"]
    print(f"# bench_politeness — {time.strftime('%Y-%m-%d')} — {machine()}")
    print(f"word vectors: {'none' if vectors is None else f'{len(vectors.index)} x {vectors.dim}'}"
          f"; feature groups weighed as the head's training does: {groups or 'none'}")
    if args.cv:
        results = cross_validate(train, vectors, groups)
        for C, (mean, sd) in results.items():
            print(f"5-fold CV x3 inside the Wikipedia 80 % ({len(train)} requests), C={C}: "
                  f"accuracy {mean:.4f} (sd {sd:.3f})")
        best = max(results, key=lambda C: results[C][0])
        print(f"best: C={best}, CV accuracy {results[best][0]:.4f}")
        return
    for name, fit_on, eval_on in (("Wikipedia 80/20 (in-domain)", train, test),
                                  ("Wikipedia -> Stack Exchange (cross-domain)", wiki, stack)):
        vocab, idf = vocabulary(fit_on, vectors)
        X = features(fit_on, vocab, idf, vectors, groups)
        Xt = features(eval_on, vocab, idf, vectors, groups)
        y = np.array([s.labels["p"] for s in fit_on])
        yt = np.array([s.labels["p"] for s in eval_on])
        search = GridSearchCV(LogisticRegression(max_iter=3000), {"C": list(C_GRID)},
                              cv=5, scoring="accuracy")
        search.fit(X, y)
        accuracy = float((search.predict(Xt) == yt).mean())
        print(f"{name}: accuracy {accuracy:.3f} on {len(eval_on)} requests "
              f"(trained on {len(fit_on)}, C={search.best_params_['C']})")


if __name__ == "__main__":
    main()
