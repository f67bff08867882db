"""Training and evaluation of tone heads (scikit-learn and scipy: training only).

Samples arrive with their features already extracted (by the engine, so the rule layer's
codes are features too); this module builds the vocabulary, fits one logistic column per
ordinal threshold, calibrates each column with Platt scaling on the dev split, and evaluates
exactly the arithmetic that `ToneModel.predict` runs at check time.

scikit-learn and scipy warn about what small or lopsided data makes of their sums (a class
with fewer members than folds, a constant bootstrap resample); those warnings never reach the
user: `fit` and `evaluate` silence them, and `label_warning` says in one line
when a label has too few rows for the figures to mean anything.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence, TypeVar

HEADS: dict[str, tuple[int, ...]] = {
    "formality": (1, 2, 3, 4, 5),
    "politeness": (1, 2, 3, 4, 5),
    "empathy": (0, 1, 2),
    "hostility": (0, 1),
}
C_GRID = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
# Fewer rows than this of a label (in a fit, or in a set the figures are computed on) make a
# model or its figures meaningless: calibration takes 5 folds, and an ROC-AUC from one or two
# rows of a label is 0 or 1 by luck.
MIN_LABEL_ROWS = 5
_F = TypeVar("_F", bound=Callable[..., Any])


def _quiet(function: _F) -> _F:
    """Run `function` with Python warnings silenced (scikit-learn's and scipy's remarks on
    small data are not for the user; `label_warning` says what matters in one line). Only
    the outer functions: catching warnings around each of `bootstrap_ci`'s thousands of
    `head_metrics` calls doubles their time."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


@dataclass(slots=True)
class Sample:
    features: dict[str, float]
    labels: dict[str, int | None]
    lang: str
    source: str = "authored"
    weight: float = 1.0
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def build_vocab(samples: Iterable[Sample], min_df: int = 2,
                max_features: int = 60_000) -> tuple[list[str], list[float]]:
    """Features seen in at least `min_df` samples (the most frequent first), with smooth idf."""
    from collections import Counter

    samples = list(samples)
    df: Counter[str] = Counter()
    for s in samples:
        df.update(s.features.keys())
    kept = [f for f, n in df.items() if n >= min_df or f.startswith(("l:", "s:", "r:"))]
    kept.sort(key=lambda f: (-df[f], f))
    kept = kept[:max_features]
    n = len(samples)
    idf = [math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept]
    return kept, idf


def vocabulary(samples: list[Sample], vectors: Any = None,
               min_df: int = 2) -> tuple[list[str], list[float]]:
    """`build_vocab`, then the word vectors' dense features (idf 1), as a model stores them."""
    vocab, idf = build_vocab(samples, min_df=min_df)
    if vectors is None:
        return vocab, idf
    return vocab + vectors.names(), idf + [1.0] * vectors.dim


def matrix(samples: list[Sample], vocab: list[str], idf: list[float],
           vectors: Any = None) -> Any:
    """CSR matrix of L2-normalised tf-idf rows, the same arithmetic as ToneModel.vectorize;
    with `vectors` (a WordVectors whose `e:` features end `vocab`), each row's reply vector
    fills those columns."""
    import numpy as np
    from scipy.sparse import csr_matrix

    index = {f: i for i, f in enumerate(vocab) if vectors is None or not vectors.is_dense(f)}
    idf_arr = np.asarray(idf, dtype=np.float32)
    rows, cols, vals = [], [], []
    for r, s in enumerate(samples):
        pairs = [(index[k], v) for k, v in s.features.items() if k in index]
        if not pairs:
            continue
        idx = np.array([p[0] for p in pairs])
        v = np.array([p[1] for p in pairs], dtype=np.float32) * idf_arr[idx]
        v /= max(float(np.sqrt(v @ v)), 1e-12)
        rows.extend([r] * len(idx))
        cols.extend(idx.tolist())
        vals.extend(v.tolist())
    if vectors is not None:
        first = len(vocab) - vectors.dim
        for r, s in enumerate(samples):
            dense = vectors.embed_features(s.features, s.lang)
            if dense is not None:
                rows.extend([r] * vectors.dim)
                cols.extend(range(first, first + vectors.dim))
                vals.extend(dense.tolist())
    return csr_matrix((vals, (rows, cols)), shape=(len(samples), len(vocab)), dtype=np.float32)


def group_scale(vocab: list[str], groups: dict[str, float]) -> Any:
    """Per-feature factors: `groups[prefix]` for the features whose name starts with it, else 1
    (how `fit(scaled=...)` weighs a head's feature groups)."""
    import numpy as np

    scale = np.ones(len(vocab), dtype=np.float32)
    for prefix, factor in groups.items():
        scale[[i for i, f in enumerate(vocab) if f.startswith(prefix)]] = factor
    return scale


def _columns(heads: dict[str, tuple[int, ...]]) -> list[tuple[str, int]]:
    return [(head, k) for head, levels in heads.items() for k in levels[:-1]]


@_quiet
def fit(train: list[Sample], dev: list[Sample], heads: dict[str, tuple[int, ...]] = HEADS,
        seed: int = 13, progress: Callable[[str], None] = lambda _m: None,
        min_df: int = 2, vectors: Any = None, dense_heads: Iterable[str] | None = None,
        excluded: dict[str, Iterable[str]] | None = None,
        scaled: dict[str, dict[str, float]] | None = None
        ) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """Fit every head; returns (manifest part, vocab, arrays) ready for `save_model` (with
    the same `vectors`, which add their `e:` features to the end of the vocabulary). Only
    the heads in `dense_heads` (default: all) read the vectors; the others are fitted
    without those columns and keep zero weights there. `excluded` names features a head must
    not read (head -> feature names): they are zeroed for its fit, so their weight is 0.
    `scaled` multiplies a head's feature groups (head -> name prefix -> factor, e.g.
    {"hostility": {"c:": 0.5}}) for its fit, so that the L2 penalty weighs them more (factor
    under 1); the factor is folded into the saved weights, so a check computes nothing new."""
    import numpy as np
    from scipy.sparse import diags, vstack
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    vocab, idf = vocabulary(train, vectors, min_df=min_df)
    where = {f: i for i, f in enumerate(vocab)}
    X_full = matrix(train, vocab, idf, vectors)
    X_dev_full = matrix(dev, vocab, idf, vectors)
    sparse = len(vocab) - (vectors.dim if vectors is not None else 0)
    dense_heads = set(heads if dense_heads is None else dense_heads)
    # heads that do not read the vectors see the sparse columns only (sliced once)
    narrow = ((X_full, X_dev_full) if vectors is None
              else (X_full[:, :sparse], X_dev_full[:, :sparse]))
    columns = _columns(heads)
    W = np.zeros((len(vocab), len(columns)), dtype=np.float32)
    b = np.zeros(len(columns), dtype=np.float32)
    calib = np.tile(np.array([1.0, 0.0], dtype=np.float32), (len(columns), 1))
    chosen = {}
    thresholds: dict[str, float] = {}
    for c, (head, k) in enumerate(columns):
        if head in dense_heads:
            X_train, X_dev, width = X_full, X_dev_full, len(vocab)
        else:
            (X_train, X_dev), width = narrow, sparse
        drop = [index for f in (excluded or {}).get(head, ()) if (index := where.get(f)) is not None]
        keep = group_scale(vocab[:width], (scaled or {}).get(head, {}))
        keep[drop] = 0.0
        if (keep != 1.0).any():
            X_train = (X_train @ diags(keep)).tocsr()
            X_dev = (X_dev @ diags(keep)).tocsr()
        tr = [i for i, s in enumerate(train) if s.labels.get(head) is not None]
        dv = [i for i, s in enumerate(dev) if s.labels.get(head) is not None]
        y_tr = np.array([train[i].labels[head] > k for i in tr], dtype=int)
        y_dv = np.array([dev[i].labels[head] > k for i in dv], dtype=int)
        if len(set(y_tr)) < 2:
            raise ValueError(f"head '{head}': every training label is on one side of {k}; "
                             "need both classes")
        w_tr = np.array([train[i].weight for i in tr])
        best = None
        for C in C_GRID:
            model = LogisticRegression(C=C, max_iter=2000, random_state=seed)
            model.fit(X_train[tr], y_tr, sample_weight=w_tr)
            if len(dv) and len(set(y_dv)) == 2:
                p = np.clip(model.predict_proba(X_dev[dv])[:, 1], 1e-6, 1 - 1e-6)
                loss = -np.mean(y_dv * np.log(p) + (1 - y_dv) * np.log(1 - p))
            else:
                loss = 1.0 / C  # no usable dev split: prefer weaker regularisation
            if best is None or loss < best[0]:
                best = (loss, C, model)
        _, C, _model = best
        # final column: refit on train + dev with the chosen C; calibrate on out-of-fold logits
        # of train + dev (5 folds), which gives Platt scaling five times the data of dev alone
        X_all = vstack([X_train[tr], X_dev[dv]]).tocsr()
        y_all = np.concatenate([y_tr, y_dv])
        w_all = np.concatenate([w_tr, np.array([dev[i].weight for i in dv])])
        final = LogisticRegression(C=C, max_iter=2000, random_state=seed)
        final.fit(X_all, y_all, sample_weight=w_all)
        W[:width, c] = final.coef_[0] * keep
        b[c] = final.intercept_[0]
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
        oof = np.zeros(len(y_all))
        for fit_rows, held in folds.split(X_all, y_all):
            part = LogisticRegression(C=C, max_iter=2000, random_state=seed)
            part.fit(X_all[fit_rows], y_all[fit_rows], sample_weight=w_all[fit_rows])
            oof[held] = part.decision_function(X_all[held])
        in_domain = w_all >= 1.0  # calibrate on the in-domain replies only
        platt = LogisticRegression(C=1e4, max_iter=1000)
        platt.fit(oof[in_domain].reshape(-1, 1), y_all[in_domain])
        calib[c] = (platt.coef_[0, 0], platt.intercept_[0])
        if head == "hostility":
            probs = 1 / (1 + np.exp(-(oof[in_domain] * calib[c, 0] + calib[c, 1])))
            thresholds[head] = _best_threshold(probs, y_all[in_domain])
        chosen[f"{head}>{k}"] = C
        progress(f"  {head} > {k}: C={C:g}, {len(tr)} training labels")
    col_index: dict[str, list[int]] = {}
    for c, (head, _k) in enumerate(columns):
        col_index.setdefault(head, []).append(c)
    manifest = {"heads": {h: {"levels": list(heads[h]), "columns": col_index[h],
                              "threshold": thresholds.get(h, 0.5)} for h in heads},
                "training": {"C": chosen, "vocabulary": len(vocab), "seed": seed,
                             "vector_heads": sorted(dense_heads) if vectors is not None else [],
                             "excluded": {h: sorted(v) for h, v in (excluded or {}).items()},
                             "scaled": {h: dict(sorted(v.items()))
                                        for h, v in (scaled or {}).items()},
                             "train_samples": len(train), "dev_samples": len(dev)}}
    return manifest, vocab, {"W": W, "b": b, "idf": np.asarray(idf), "calib": calib}


def _best_threshold(probs: Any, y: Any) -> float:
    """Decision threshold with the best macro-F1 on out-of-fold probabilities."""
    import numpy as np
    from sklearn.metrics import f1_score

    best = (0.0, 0.5)
    for t in np.arange(0.2, 0.81, 0.02):
        score = f1_score(y, probs >= t, average="macro")
        if score > best[0] + 1e-9:
            best = (score, float(round(t, 2)))
    return best[1]


def predict_matrix(X: Any, W: Any, b: Any, calib: Any,
                   manifest_heads: dict[str, Any]) -> dict[str, Any]:
    """Per head: (n, thresholds) cumulative probabilities and (n,) scores, as at check time."""
    import numpy as np

    logits = np.asarray(X @ W) + b
    logits = logits * calib[:, 0] + calib[:, 1]
    probs = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
    out = {}
    for head, spec in manifest_heads.items():
        p = probs[:, spec["columns"]].copy()
        for k in range(1, p.shape[1]):
            p[:, k] = np.minimum(p[:, k], p[:, k - 1])
        out[head] = (p, p.mean(axis=1))
    return out


def _bin_of(probabilities: Any, bins: int) -> Any:
    """Each probability's equal-width bin, 0 … bins-1; the last bin is closed (1.0 is in it)."""
    import numpy as np

    edges = np.linspace(0, 1, bins + 1)
    return np.minimum(np.searchsorted(edges, probabilities, side="right") - 1, bins - 1)


def ece(probabilities: Any, outcomes: Any, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins."""
    import numpy as np

    probabilities = np.asarray(probabilities, dtype=float)
    outcomes = np.asarray(outcomes, dtype=float)
    if not len(probabilities):
        return float("nan")
    which = _bin_of(probabilities, bins)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(probabilities[mask].mean() - outcomes[mask].mean())
    return float(total)


def ece_by_chance(probabilities: Any, levels: tuple[int, ...], rounds: int = 400,
                  seed: int = 11, bins: int = 10) -> float:
    """Median calibration error that a perfectly calibrated model with these probabilities
    would show on this many replies (outcomes drawn as Bernoulli(p), fixed seed): the floor
    under which an observed ECE on a small set means nothing. 240 replies give about 0.035,
    so an ECE of 0.05 there is close to noise, and one slice of 30 cannot show it at all."""
    import numpy as np

    probabilities = np.asarray(probabilities, dtype=float)
    n = len(probabilities)
    if not n:
        return float("nan")
    rng = np.random.default_rng(seed)
    per_column = []
    for j in range(len(levels) - 1):
        p = probabilities[:, j]
        which = _bin_of(p, bins)  # the same bins as `ece`
        counts = np.bincount(which, minlength=bins)
        mean_p = np.bincount(which, weights=p, minlength=bins) / np.maximum(counts, 1)
        outcomes = rng.random((rounds, n)) < p  # (rounds, n)
        hits = np.zeros((rounds, bins))
        for b in np.flatnonzero(counts):
            hits[:, b] = outcomes[:, which == b].sum(axis=1)
        gap = np.abs(mean_p - hits / np.maximum(counts, 1)) * (counts / n)
        per_column.append(gap.sum(axis=1))
    return float(np.median(np.mean(per_column, axis=0)))


def head_metrics(head: str, levels: tuple[int, ...], probs: Any, scores: Any,
                 labels: Any, threshold: float = 0.5) -> dict[str, float]:
    """Spearman, accuracy/macro-F1 of the top-vs-rest split, ROC-AUC, calibration error."""
    import numpy as np
    from scipy.stats import spearmanr
    from sklearn.metrics import f1_score, roc_auc_score

    labels = np.asarray(labels)
    out: dict[str, float] = {"n": int(len(labels))}
    if len(set(labels.tolist())) > 1:
        out["spearman"] = float(spearmanr(scores, labels).statistic)
    # binary view: the upper half of the scale against the lower half
    mid = (levels[0] + levels[-1]) / 2
    positive = labels > mid
    decided = labels != mid
    if decided.any() and len(set(positive[decided].tolist())) == 2:
        predicted = scores[decided] >= threshold
        out["accuracy"] = float((predicted == positive[decided]).mean())
        out["macro_f1"] = float(f1_score(positive[decided], predicted, average="macro"))
        out["roc_auc"] = float(roc_auc_score(positive[decided], scores[decided]))
    eces = []
    for j, k in enumerate(levels[:-1]):
        eces.append(ece(probs[:, j], labels > k))
    out["ece"] = float(np.nanmean(eces)) if eces else float("nan")
    return out


def bootstrap_ci(head: str, levels: tuple[int, ...], probs: Any, scores: Any, labels: Any,
                 metric: str, rounds: int = 500, seed: int = 7,
                 threshold: float = 0.5) -> tuple[float, float]:
    """95 % percentile bootstrap interval of one metric."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = len(labels)
    values = []
    for _ in range(rounds):
        pick = rng.integers(0, n, n)
        m = head_metrics(head, levels, probs[pick], scores[pick], np.asarray(labels)[pick],
                         threshold)
        if metric in m and not math.isnan(m[metric]):
            values.append(m[metric])
    if not values:
        return float("nan"), float("nan")
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def split_of(key: str, seed: str = "voicecheck-tone-v1", test: int = 15, dev: int = 15) -> str:
    """Fixed split of an item by a hash of the seed and its key: test, dev or train.

    >>> split_of("hello") in ("train", "dev", "test")
    True
    """
    import hashlib

    bucket = int(hashlib.sha256((seed + key).encode()).hexdigest()[:8], 16) % 100
    return "test" if bucket < test else ("dev" if bucket < test + dev else "train")


@_quiet
def evaluate(W: Any, b: Any, calib: Any, vocab: list[str], idf: Any, heads: dict[str, Any],
             samples: list[Sample], groups: dict[str, list[int]] | None = None,
             ci: bool = False, vectors: Any = None) -> dict[str, dict[str, dict[str, Any]]]:
    """Metrics per head and group (default: all and each language) on labelled samples."""
    import numpy as np

    X = matrix(samples, vocab, list(idf), vectors)
    preds = predict_matrix(X, W, b, calib, heads)
    if groups is None:
        groups = groups_of(samples)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for head, spec in heads.items():
        levels = tuple(spec["levels"])
        threshold = spec.get("threshold", 0.5)
        probs, scores = preds[head]
        for group, rows in groups.items():
            rows = [i for i in rows if samples[i].labels.get(head) is not None]
            if not rows:
                continue
            labels = np.array([samples[i].labels[head] for i in rows])
            m: dict[str, Any] = head_metrics(head, levels, probs[rows], scores[rows], labels,
                                             threshold)
            m["ece_chance"] = ece_by_chance(probs[rows], levels)
            if ci:
                keys = ("roc_auc", "macro_f1") if len(levels) == 2 else ("spearman",)
                for key in keys:
                    m[key + "_ci95"] = bootstrap_ci(head, levels, probs[rows], scores[rows],
                                                    labels, key, threshold=threshold)
            out.setdefault(head, {})[group] = m
    return out


def _levels_text(side: Sequence[int]) -> str:
    return f"label {side[0]}" if len(side) == 1 else f"labels {side[0]}\u2013{side[-1]}"


def thin_labels(labels: Iterable[int], levels: Sequence[int], columns: bool = False,
                minimum: int = MIN_LABEL_ROWS) -> list[str]:
    """The sides of a head's scale with fewer than `minimum` of these labels, as "2 with
    label 0": with `columns`, each side of every column a fit learns (label > k); else the
    lower half of the scale against the upper half, the split ROC-AUC, accuracy and macro-F1
    are computed on. A binary head's sides are its two labels.

    >>> thin_labels([1] * 40 + [0] * 3, (0, 1))
    ['3 with label 0']
    >>> thin_labels([1, 2, 3, 4, 5] * 4 + [3] * 9, (1, 2, 3, 4, 5))
    []
    >>> thin_labels([1, 2, 3, 4, 5] * 4 + [3] * 9, (1, 2, 3, 4, 5), columns=True)
    ['4 with label 1', '4 with label 5']
    """
    labels = list(labels)
    levels = tuple(levels)
    if columns:
        pairs = [(levels[:i + 1], levels[i + 1:]) for i in range(len(levels) - 1)]
    else:
        mid = (levels[0] + levels[-1]) / 2
        pairs = [(tuple(v for v in levels if v < mid), tuple(v for v in levels if v > mid))]
    out: list[str] = []
    for pair in pairs:
        for side in pair:
            n = sum(1 for label in labels if label in side)
            text = f"{n} with {_levels_text(side)}"
            if n < minimum and text not in out:
                out.append(text)
    return out


def label_warning(head: str, levels: Sequence[int], groups: dict[str, Iterable[int]],
                  fitted: Iterable[int] | None = None,
                  minimum: int = MIN_LABEL_ROWS) -> str | None:
    """One `warning:` line when a label has fewer than `minimum` rows in the labels a model
    was fitted on (`fitted`, by train) or in a group the figures are computed on (`groups`:
    name -> labels, e.g. "held-out" or "all" and each language); None when none has.

    >>> label_warning("bv", (0, 1), {"all": [1] * 40 + [0] * 3, "en": [1] * 20 + [0] * 9}
    ...               ).split(": ")[:3]
    ['warning', 'bv', 'fewer than 5 rows of a label in all (3 with label 0)']
    """
    parts = []
    trained = thin_labels(fitted, levels, columns=True, minimum=minimum) if fitted else []
    if trained:
        parts.append(f"training ({', '.join(trained)})")
    for name, labels in groups.items():
        if thin := thin_labels(labels, levels, minimum=minimum):
            parts.append(f"{name} ({', '.join(thin)})")
    if not parts:
        return None
    effect = "ROC-AUC, accuracy and macro-F1 there mean little"
    if trained:
        effect = "the model has barely seen that label and the held-out figures mean little"
    return (f"warning: {head}: fewer than {minimum} rows of a label in {', '.join(parts)}: "
            f"{effect}; add rows of that label")


def groups_of(samples: list[Sample]) -> dict[str, list[int]]:
    """The groups `evaluate` reports: "all", then each language (indices into `samples`)."""
    groups = {"all": list(range(len(samples)))}
    for lang in sorted({s.lang for s in samples}):
        groups[lang] = [i for i, s in enumerate(samples) if s.lang == lang]
    return groups


def group_labels(samples: list[Sample], head: str,
                 groups: dict[str, list[int]] | None = None) -> dict[str, list[int]]:
    """The `head` labels of each group of `samples` (by default `groups_of`), for
    `label_warning`."""
    return {name: [samples[i].labels[head] for i in members]
            for name, members in (groups or groups_of(samples)).items()}


def metrics_table(metrics: dict[str, dict[str, dict[str, Any]]]) -> str:
    """Markdown table of `evaluate` output."""
    lines = [("| head | language | n | Spearman | ROC-AUC | accuracy | macro-F1 | ECE "
              "| ECE by chance |"),
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for head, groups in metrics.items():
        for group, m in groups.items():
            def cell(key: str, m: dict[str, Any] = m) -> str:
                value = m.get(key)
                if value is None or value != value:
                    return "–"
                ci = m.get(key + "_ci95")
                return f"{value:.3f}" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")
            lines.append(f"| {head} | {group} | {m['n']} | {cell('spearman')} | "
                         f"{cell('roc_auc')} | {cell('accuracy')} | {cell('macro_f1')} | "
                         f"{cell('ece')} | {cell('ece_chance')} |")
    return "\n".join(lines)
