"""Stanford Politeness Corpus benchmark (Danescu-Niculescu-Mizil et al., ACL 2013).

Binary top-vs-bottom quartile requests, as in the paper: a logistic model on voicecheck's
tone features, trained on a fixed 80 % of the Wikipedia requests and tested on the other 20 %
(in-domain), and trained on all Wikipedia requests and tested on Stack Exchange (cross-domain).
Paper: 83.8 % in-domain (Wikipedia, SVM with politeness strategies), human agreement 86.7 %.
Needs ../shared/data/politeness-stanford and scikit-learn.

    python bench/bench_politeness.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402
from voicecheck.tone.train import Sample, build_vocab, matrix, split_of  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "politeness-stanford" / "data.jsonl"


def main() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    if not DATA.exists():
        print("needs ../shared/data/politeness-stanford")
        return
    checker = Checker(model=False)
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
    for name, fit_on, eval_on in (("Wikipedia 80/20 (in-domain)", train, test),
                                  ("Wikipedia -> Stack Exchange (cross-domain)", wiki, stack)):
        vocab, idf = build_vocab(fit_on)
        X, Xt = matrix(fit_on, vocab, idf), matrix(eval_on, vocab, idf)
        y = np.array([s.labels["p"] for s in fit_on])
        yt = np.array([s.labels["p"] for s in eval_on])
        search = GridSearchCV(LogisticRegression(max_iter=3000), {"C": [1, 4, 16, 64, 256]},
                              cv=5, scoring="accuracy")
        search.fit(X, y)
        accuracy = float((search.predict(Xt) == yt).mean())
        print(f"{name}: accuracy {accuracy:.3f} on {len(eval_on)} requests "
              f"(trained on {len(fit_on)}, C={search.best_params_['C']})")


if __name__ == "__main__":
    main()
