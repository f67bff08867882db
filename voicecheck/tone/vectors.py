"""Word vectors for the tone model: a reply's words as one dense vector (numpy only).

A bag of words knows only the words it was trained on; a reply that says "appalling" where
the training replies said "terrible" gets nothing from it. Pretrained word vectors carry what
a large English corpus knows about words the authored replies never used. Each word of the
vectors' vocabulary has a vector (distilled once, at training time, from a sentence encoder:
`training/build_vectors.py`) and a weight that is smaller for common words (Arora et al.'s
SIF, a / (a + p(word))). A reply's vector is the weighted average of the vectors of its
distinct known words (Arora et al.'s sentence embedding without the common-component removal),
times `scale`; it enters the model as `dim` extra features named `e:0` … `e:{dim-1}` after the
sparse tf-idf block, so the heads' weights read it like any other feature. Replies in a
language the vectors do not cover get no vector.

At check time the vector itself is never built: its contribution to the logits is linear in the
words, so `project()` gives each word its weighted contribution to every weight column once,
and a reply sums a dozen numbers per word (an average, not an L2-normalised sum, for this
reason: the norm would need the whole vector).

The vectors live in the model directory (`vectors.json` with the words, `vectors.npz` with
`V` and `a`), covered by the manifest's checksums like every other model file.
"""

from __future__ import annotations

from typing import Any, Iterable

PREFIX = "e:"


class WordVectors:
    """Word vectors and weights (`V`, `a`), the languages they cover and the reply vector's
    length (`scale`)."""

    __slots__ = ("words", "index", "V", "a", "langs", "scale", "_weighted")

    def __init__(self, words: list[str], V: Any, a: Any, langs: tuple[str, ...],
                 scale: float) -> None:
        self.words = words  # row -> word
        self.index = {w: i for i, w in enumerate(words)}  # word -> row
        self.V = V  # (words, dim), as stored (float16)
        self.a = a  # (words,) float32 weight per word
        self.langs = langs
        self.scale = scale
        self._weighted: Any = None

    @property
    def weighted(self) -> Any:
        """a * V in float32, built on first use: a reply's vector is then one gather and one
        sum. A check never needs it (it reads `project()`'s per-word logits), so a loaded
        model does not keep this 11.6 MB table."""
        if self._weighted is None:
            self._weighted = self._product()
        return self._weighted

    def _product(self) -> Any:
        np = _numpy()
        return np.ascontiguousarray(self.a[:, None] * self.V, dtype=np.float32)

    @property
    def dim(self) -> int:
        return int(self.V.shape[1])

    def names(self) -> list[str]:
        """The dense features' names, in column order."""
        return [f"{PREFIX}{i}" for i in range(self.dim)]

    def rows_of(self, words: Iterable[str]) -> list[int]:
        """Rows of the distinct known words, ascending (as at check time, so both paths sum
        in the same order)."""
        get = self.index.get
        return sorted({i for i in map(get, words) if i is not None})

    def embed_rows(self, rows: list[int]) -> Any:
        """The reply vector of these distinct word rows (ascending): None if there are none."""
        if not len(rows):
            return None
        v = self.weighted[rows].sum(axis=0)
        v *= self.scale / float(self.a[rows].sum())
        return v

    def project(self, Wd: Any) -> Any:
        """Per word, its weighted contribution to each column of the dense weights `Wd`
        (dim × columns), then its weight: `(words, columns + 1)`. A reply's dense logits are
        `scale * P[rows, :-1].sum(0) / P[rows, -1].sum()`, equal to `embed_rows(rows) @ Wd`."""
        np = _numpy()
        # the float32 table is used once here and not kept, unless it already was
        weighted = self._weighted if self._weighted is not None else self._product()
        return np.ascontiguousarray(np.hstack([weighted @ Wd, self.a[:, None]]),
                                    dtype=np.float32)

    def embed_features(self, features: dict[str, float], lang: str) -> Any:
        """The reply vector from `extract()` features (its `w:` words), as at training time."""
        if lang not in self.langs:
            return None
        return self.embed_rows(self.rows_of(k[2:] for k in features if k[:2] == "w:"))

    def is_dense(self, feature: str) -> bool:
        """Whether `feature` names one of the dense features (never an `extract()` one)."""
        return feature[:2] == PREFIX


def _numpy() -> Any:
    import numpy

    return numpy
