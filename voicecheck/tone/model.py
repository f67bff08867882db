"""The tone model: portable files (JSON + numpy arrays, no pickle) and numpy-only inference.

A model directory holds:

* `manifest.json` — format and feature versions, the heads and their weight columns, and the
  SHA-256 of every other file (a changed file is refused: corrupt or tampered);
* `vocab.json` — the feature names (list index = row of the weight matrix);
* `weights.npz` — `W` (features × columns), `b`, `idf` (per feature), `calib` (Platt a, b per
  column), loaded with `allow_pickle=False`, so loading never executes code;
* optionally (format 2, manifest key `vectors`) `vectors.json` (words) and `vectors.npz`
  (`V`, `a`): word vectors whose reply vector fills the last `dim` features, `e:0` …
  (`voicecheck.tone.vectors`).

Heads are ordinal (formality 1–5, politeness 1–5, empathy 0–2: one logistic column per
threshold "label > k", score = mean of the column probabilities) or binary (hostility).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecheck.model import VoicecheckError
from voicecheck.tone.features import FEATURE_VERSION, Indexer, readable
from voicecheck.tone.vectors import WordVectors

FORMAT = "voicecheck-tone"
FORMAT_VERSION = 2  # 2: optional word vectors; format 1 models (no vectors) still load
FILES = ("vocab.json", "weights.npz")
VECTOR_FILES = ("vectors.json", "vectors.npz")
MAX_FILE_BYTES = 100_000_000


@dataclass(frozen=True, slots=True)
class HeadResult:
    score: float  # 0..1
    probabilities: tuple[float, ...]  # P(label > k) per threshold (one value for binary heads)


@dataclass(slots=True)
class ToneResult:
    """Scores per head; `explain` finds the words behind a score only when it is asked for."""

    heads: dict[str, HeadResult] = field(default_factory=dict)
    _explainers: dict[str, Any] = field(default_factory=dict, repr=False)

    def score(self, head: str) -> float | None:
        result = self.heads.get(head)
        return None if result is None else result.score

    def update(self, other: ToneResult) -> None:
        """Take `other`'s heads (and their explanations), replacing same-named ones."""
        self.heads.update(other.heads)
        self._explainers.update(other._explainers)

    def explain(self, head: str, upward: bool, k: int = 3) -> list[tuple[str, float]]:
        """The readable features that pushed `head` up (or down) most, strongest first."""
        explainer = self._explainers.get(head)
        return explainer(upward, k) if explainer else []


def _error(path: Path, message: str) -> VoicecheckError:
    return VoicecheckError(message, path=str(path), code="E300")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ToneModel:
    """A loaded tone model. Build with `ToneModel.load(directory)`."""

    def __init__(self, manifest: dict[str, Any], vocab: list[str], arrays: dict[str, Any],
                 source: str = "", vectors: WordVectors | None = None) -> None:
        import numpy as np

        self.manifest = manifest
        self.source = source
        self.heads: dict[str, dict[str, Any]] = manifest["heads"]
        self.index = {name: i for i, name in enumerate(vocab)}
        self.vocab = vocab
        self.W = np.ascontiguousarray(arrays["W"], dtype=np.float32)
        self.b = np.asarray(arrays["b"], dtype=np.float32)
        self.idf = np.asarray(arrays["idf"], dtype=np.float32)
        self.calib = np.asarray(arrays["calib"], dtype=np.float32)
        self._slope = np.ascontiguousarray(self.calib[:, 0])  # Platt scaling per column
        self._offset = np.ascontiguousarray(self.calib[:, 1])
        self.thresholds = {h: float(spec.get("threshold", 0.5)) for h, spec in self.heads.items()}
        self._np = np
        self.vectors = vectors
        self._dense_idx = self._P = None
        self._dense_cols: set[int] = set()  # weight columns that read the word vectors
        if vectors is not None:  # the dense block is the vocabulary's last `dim` features
            first = self.index[vectors.names()[0]]
            self._dense_idx = np.arange(first, first + vectors.dim, dtype=np.intp)
            Wd = self.W[first:first + vectors.dim]
            self._P = vectors.project(Wd)
            self._dense_cols = set(np.nonzero(np.abs(Wd).sum(axis=0) > 0)[0].tolist())
        self.indexer = Indexer(self.index, vector_index=vectors.index if vectors else None,
                               vector_offset=len(vocab))
        self._words_of: dict[int, str | None] = {}  # vocabulary index -> readable() of it

    @classmethod
    def load(cls, directory: str | Path) -> ToneModel:
        """Load and verify a model directory; refuse anything corrupt, tampered or too new."""
        import numpy as np

        folder = Path(directory)
        manifest_path = folder / "manifest.json"
        if not manifest_path.is_file():
            raise _error(folder, "not a tone model (no manifest.json)")
        try:
            if manifest_path.stat().st_size > MAX_FILE_BYTES:
                raise _error(manifest_path, "manifest is implausibly large")
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise _error(manifest_path, f"corrupt manifest: {exc}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _error(manifest_path, "not a voicecheck tone model manifest")
        version = manifest.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise _error(manifest_path, f"model format {version} is newer than this voicecheck "
                                        f"reads ({FORMAT_VERSION}); upgrade voicecheck")
        if manifest.get("feature_version") != FEATURE_VERSION:
            raise _error(manifest_path, f"model uses feature version "
                                        f"{manifest.get('feature_version')}, this voicecheck "
                                        f"computes {FEATURE_VERSION}; retrain the model")
        spec = manifest.get("vectors")
        checksums = manifest.get("sha256", {})
        for name in FILES + (VECTOR_FILES if spec is not None else ()):
            path = folder / name
            if not path.is_file():
                raise _error(path, "missing model file")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _error(path, "model file is implausibly large")
            if checksums.get(name) != _sha256(path):
                raise _error(path, "checksum does not match manifest.json (corrupt or modified)")
        heads = manifest.get("heads")
        columns = _check_heads(heads, manifest_path)
        try:
            vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            _check_unpacked_size(folder / "weights.npz")
            with np.load(folder / "weights.npz", allow_pickle=False) as data:
                arrays = {k: np.array(data[k]) for k in ("W", "b", "idf", "calib")}
        except (ValueError, KeyError, OSError, UnicodeDecodeError, RecursionError,
                MemoryError) as exc:
            raise _error(folder, f"corrupt model files: {exc}") from None
        if not isinstance(vocab, list) or not all(isinstance(name, str) for name in vocab):
            raise _error(folder / "vocab.json", "the vocabulary must be a list of names")
        if (arrays["W"].shape != (len(vocab), columns)
                or arrays["b"].shape != (columns,) or arrays["idf"].shape != (len(vocab),)
                or arrays["calib"].shape != (columns, 2)
                or not all(np.isfinite(a).all() for a in arrays.values())):
            raise _error(folder, "model arrays do not match the manifest")
        vectors = None if spec is None else _load_vectors(folder, spec, vocab)
        return cls(manifest, vocab, arrays, str(folder), vectors)

    def vectorize(self, features: dict[str, float]) -> tuple[Any, Any]:
        """(row indices, L2-normalised tf-idf values) of the known features, then the word
        vectors' block for the language of the `l:` feature."""
        np = self._np
        get = self.index.get
        vectors = self.vectors
        known = [(i, value) for i, value in ((get(k), v) for k, v in features.items()
                                             if vectors is None or not vectors.is_dense(k))
                 if i is not None]
        idx, vals = self._weigh(np.array([i for i, _ in known], dtype=np.intp),
                                np.array([v for _, v in known], dtype=np.float32))
        if vectors is None:
            return idx, vals
        lang = next((k[2:] for k in features if k[:2] == "l:"), "")
        return self._dense(idx, vals, vectors.embed_features(features, lang))

    def _dense(self, idx: Any, vals: Any, dense: Any) -> tuple[Any, Any]:
        if dense is None:
            return idx, vals
        np = self._np
        return (np.concatenate([idx, self._dense_idx]),
                np.concatenate([vals, dense.astype(np.float32, copy=False)]))

    def reply_vector(self, text: str, words: list[str], lang: str,
                     rule_codes: Iterable[str] = (), openers: Iterable[str] = ()
                     ) -> tuple[Any, Any]:
        """`vectorize(extract(...))` without building the features the model does not know:
        each word's known feature indices come from a cache and are counted with numpy."""
        idx, vals, rows = self._reply_parts(text, words, lang, rule_codes, openers)
        if rows is None:
            return idx, vals
        return self._dense(idx, vals, self.vectors.embed_rows(rows))

    def _reply_parts(self, text: str, words: list[str], lang: str,
                     rule_codes: Iterable[str], openers: Iterable[str]
                     ) -> tuple[Any, Any, Any]:
        """(sparse indices, their values, the distinct word-vector rows or None)."""
        np = self._np
        found, fixed = self.indexer.counted(text, words, lang, rule_codes, openers)
        idx, counts = np.unique(np.array(found, dtype=np.intp), return_counts=True)
        rows = None
        if self.vectors is not None:  # word-vector rows come last, offset by the vocabulary
            cut = int(np.searchsorted(idx, len(self.vocab)))
            if cut < len(idx):
                if lang in self.vectors.langs:
                    rows = idx[cut:] - len(self.vocab)
                idx, counts = idx[:cut], counts[:cut]
        vals = (1.0 + np.log(counts)).astype(np.float32)
        if fixed:  # style and language features: distinct names, so distinct indices
            idx = np.concatenate([idx, np.array([i for i, _ in fixed], dtype=np.intp)])
            vals = np.concatenate([vals, np.array([v for _, v in fixed], dtype=np.float32)])
        idx, vals = self._weigh(idx, vals)
        return idx, vals, rows

    def _weigh(self, idx: Any, vals: Any) -> tuple[Any, Any]:
        """Raw values times idf, L2-normalised (`vals` is changed in place)."""
        if len(idx):
            vals *= self.idf[idx]
            norm = float(self._np.sqrt(vals @ vals))
            if norm > 0:
                vals /= norm
        return idx, vals

    def predict_reply(self, text: str, words: list[str], lang: str,
                      rule_codes: Iterable[str] = (), openers: Iterable[str] = ()
                      ) -> ToneResult:
        """`predict(extract(...))` through `reply_vector`; the word vectors' part of the
        logits comes from their per-word projections (`WordVectors.project`), one small
        gather and sum, without building the reply vector."""
        idx, vals, rows = self._reply_parts(text, words, lang, rule_codes, openers)
        if rows is None:
            return self._predict(idx, vals)
        per_word = self._P[rows]
        sums = per_word.sum(axis=0)
        factor = self.vectors.scale / float(sums[-1])
        return self._predict(idx, vals, sums[:-1] * factor, (rows, per_word, factor))

    def predict(self, features: dict[str, float]) -> ToneResult:
        """Scores for every head; explanations are computed on demand (`ToneResult.explain`)."""
        return self._predict(*self.vectorize(features))

    def _predict(self, idx: Any, vals: Any, dense: Any = None, words: Any = None
                 ) -> ToneResult:
        """`dense`: the word vectors' part of the logits, if not already in `idx`/`vals`;
        `words`: (rows, per-word projections, factor) behind it, for explanations."""
        np = self._np
        rows = self.W[idx]
        logits = vals @ rows + self.b if len(idx) else self.b.copy()
        if dense is not None:
            logits += dense
        logits *= self._slope
        logits += self._offset
        # the logistic function, clipped so exp() never overflows (ufuncs in place: np.clip
        # and fresh arrays cost more than the arithmetic on a dozen columns)
        np.maximum(logits, -30.0, out=logits)
        np.minimum(logits, 30.0, out=logits)
        np.negative(logits, out=logits)
        np.exp(logits, out=logits)
        logits += 1.0
        probs = np.reciprocal(logits, out=logits).tolist()
        result = ToneResult()
        for name, spec in self.heads.items():
            cols = spec["columns"]
            p = [probs[c] for c in cols]
            for k in range(1, len(p)):  # cumulative probabilities never increase
                p[k] = min(p[k], p[k - 1])
            result.heads[name] = HeadResult(sum(p) / len(p), tuple(p))
            result._explainers[name] = self._explainer(idx, vals, rows, cols, words)
        return result

    def _explainer(self, idx: Any, vals: Any, rows: Any, cols: list[int],
                   vector_part: Any = None) -> Any:
        def explain(upward: bool, k: int) -> list[tuple[str, float]]:
            found = sparse(upward, k)
            if vector_part is None or self._dense_cols.isdisjoint(cols):
                return found
            # the word vectors' part is linear in the words: each word's share of it is
            # added to what the sparse features said about the same word
            vector_rows, per_word, factor = vector_part
            shares = (per_word[:, cols].sum(axis=1) * factor).tolist()
            merged = dict(found)
            names = self.vectors.words
            for row, value in zip(vector_rows.tolist(), shares):
                if value > 0 if upward else value < 0:
                    merged[names[row]] = merged.get(names[row], 0.0) + value
            ranked = sorted(merged.items(), key=lambda item: -item[1] if upward else item[1])
            return [(name, round(value, 3)) for name, value in ranked[:k]]

        def sparse(upward: bool, k: int) -> list[tuple[str, float]]:
            if not len(idx):
                return []
            contrib = vals * rows[:, cols].sum(axis=1)
            order = self._np.argsort(contrib)
            if upward:
                order = order[::-1]
            # walked as lists: most features are character n-grams nobody can read, and numpy
            # scalars cost more than the walk
            values, names, words_of = contrib.tolist(), idx.tolist(), self._words_of
            out = []
            for j in order.tolist():
                value = values[j]
                if (value <= 0 if upward else value >= 0) or len(out) >= k:
                    break
                words = words_of.get(names[j], False)
                if words is False:
                    words = words_of[names[j]] = readable(self.vocab[names[j]])
                if words:
                    out.append((words, round(value, 3)))
            return out
        return explain


def read_vectors(folder: str | Path, langs: Iterable[str], scale: float) -> WordVectors:
    """Word vectors from `vectors.json` and `vectors.npz` in `folder` (a model directory, or
    what `training/build_vectors.py` wrote), refused if they do not fit together."""
    import numpy as np

    folder = Path(folder)
    try:
        words = json.loads((folder / "vectors.json").read_text(encoding="utf-8"))
        _check_unpacked_size(folder / "vectors.npz")
        with np.load(folder / "vectors.npz", allow_pickle=False) as data:
            V = np.ascontiguousarray(data["V"])  # float16 as stored; float32 when needed
            a = np.ascontiguousarray(data["a"], dtype=np.float32)
    except (ValueError, KeyError, OSError, UnicodeDecodeError, RecursionError,
            MemoryError) as exc:
        raise _error(folder, f"corrupt word vectors: {exc}") from None
    if (not isinstance(words, list) or not all(isinstance(w, str) for w in words)
            or V.dtype not in (np.float16, np.float32)
            or len(set(words)) != len(words) or V.ndim != 2 or V.shape[0] != len(words)
            or V.shape[1] == 0 or a.shape != (len(words),) or not np.isfinite(V).all()
            or not np.isfinite(a).all() or not (a > 0).all()):  # weights divide a sum
        raise _error(folder, "word vectors do not match their word list")
    return WordVectors(words, V, a, tuple(langs), float(scale))


def _finite(value: Any) -> bool:
    """A JSON number that is neither NaN nor infinite (and not a boolean)."""
    import math

    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def _check_heads(heads: Any, path: Path) -> int:
    """The number of weight columns the manifest's heads use; a malformed `heads` entry (a
    tampered or hand-made manifest) is refused here rather than failing later in numpy."""
    if not isinstance(heads, dict) or not heads:
        raise _error(path, "bad 'heads' entry (a mapping of head names)")
    used: list[int] = []
    for name, spec in heads.items():
        ok = (isinstance(spec, dict) and isinstance(spec.get("columns"), list)
              and spec["columns"] and all(isinstance(c, int) and not isinstance(c, bool)
                                          for c in spec["columns"])
              and isinstance(spec.get("levels"), list)
              and len(spec["levels"]) == len(spec["columns"]) + 1
              and all(_finite(level) for level in spec["levels"])
              and _finite(spec.get("threshold", 0.5)))
        if not ok:
            raise _error(path, f"bad head '{name}' (needs columns, levels and a threshold)")
        used.extend(spec["columns"])
    if sorted(used) != list(range(len(used))):
        raise _error(path, "the heads' columns must be 0, 1, 2, … each used once")
    return len(used)


def _check_unpacked_size(path: Path) -> None:
    """Refuse an archive whose members would unpack to more than MAX_FILE_BYTES (a 1 MB
    file of zeros can claim a gigabyte), before numpy allocates anything."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValueError(f"not a numpy archive ({exc})") from None
    if unpacked > MAX_FILE_BYTES:
        raise ValueError(f"{path.name} would unpack to {unpacked:,} bytes")


def _load_vectors(folder: Path, spec: Any, vocab: list[str]) -> WordVectors:
    """The model's word vectors, checked against the manifest's `vectors` entry and the
    vocabulary's dense block."""
    ok = (isinstance(spec, dict) and isinstance(spec.get("langs"), list)
          and all(isinstance(x, str) for x in spec["langs"]) and _finite(spec.get("scale")))
    if not ok:
        raise _error(folder / "manifest.json", "bad 'vectors' entry (needs langs and scale)")
    vectors = read_vectors(folder, spec["langs"], spec["scale"])
    if vocab[-vectors.dim:] != vectors.names():
        raise _error(folder, "the vocabulary does not end with the word vectors' features")
    return vectors


def save_model(directory: str | Path, manifest: dict[str, Any], vocab: list[str],
               arrays: dict[str, Any], vectors: WordVectors | None = None) -> None:
    """Write a model directory (files first, manifest with their checksums last)."""
    import numpy as np

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with (folder / "weights.npz").open("wb") as handle:
        np.savez_compressed(handle, **{k: np.asarray(v, dtype=np.float32)
                                       for k, v in arrays.items()})
    files = FILES
    manifest = dict(manifest)
    if vectors is not None:
        words = vectors.words
        (folder / "vectors.json").write_text(json.dumps(words, ensure_ascii=False),
                                             encoding="utf-8")
        # float16 (half the size; the vectors were rounded to it when built, so this is
        # exact) and not compressed: float16 noise barely compresses (5.8 MB to 5.4) and
        # inflating it took 40 ms of the model's load
        with (folder / "vectors.npz").open("wb") as handle:
            np.savez(handle, V=np.asarray(vectors.V, dtype=np.float16),
                     a=np.asarray(vectors.a, dtype=np.float32))
        manifest["vectors"] = dict(manifest.get("vectors", {}), langs=list(vectors.langs),
                                   scale=vectors.scale, dim=vectors.dim, words=len(words))
        files = FILES + VECTOR_FILES
    else:
        manifest.pop("vectors", None)
        for name in VECTOR_FILES:  # a model rewritten without vectors leaves none behind
            (folder / name).unlink(missing_ok=True)
    manifest = dict(manifest, format=FORMAT, format_version=FORMAT_VERSION,
                    feature_version=FEATURE_VERSION,
                    sha256={name: _sha256(folder / name) for name in files})
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2,
                                                     sort_keys=True) + "\n", encoding="utf-8")

