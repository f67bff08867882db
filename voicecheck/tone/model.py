"""The tone model: portable files (JSON + numpy arrays, no pickle) and numpy-only inference.

A model directory holds:

* `manifest.json` — format and feature versions, the heads and their weight columns, and the
  SHA-256 of every other file (a changed file is refused: corrupt or tampered);
* `vocab.json` — the feature names (list index = row of the weight matrix);
* `weights.npz` — `W` (features × columns), `b`, `idf` (per feature), `calib` (Platt a, b per
  column), loaded with `allow_pickle=False`, so loading never executes code.

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

FORMAT = "voicecheck-tone"
FORMAT_VERSION = 1
FILES = ("vocab.json", "weights.npz")
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
                 source: str = "") -> None:
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
        self.indexer = Indexer(self.index)
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
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
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
        checksums = manifest.get("sha256", {})
        for name in FILES:
            path = folder / name
            if not path.is_file():
                raise _error(path, "missing model file")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _error(path, "model file is implausibly large")
            if checksums.get(name) != _sha256(path):
                raise _error(path, "checksum does not match manifest.json (corrupt or modified)")
        try:
            vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            with np.load(folder / "weights.npz", allow_pickle=False) as data:
                arrays = {k: np.array(data[k]) for k in ("W", "b", "idf", "calib")}
        except (ValueError, KeyError, OSError, UnicodeDecodeError) as exc:
            raise _error(folder, f"corrupt model files: {exc}") from None
        columns = sum(len(h["columns"]) for h in manifest["heads"].values())
        if (not isinstance(vocab, list) or arrays["W"].shape != (len(vocab), columns)
                or arrays["b"].shape != (columns,) or arrays["idf"].shape != (len(vocab),)
                or arrays["calib"].shape != (columns, 2)
                or not all(np.isfinite(a).all() for a in arrays.values())):
            raise _error(folder, "model arrays do not match the manifest")
        return cls(manifest, vocab, arrays, str(folder))

    def vectorize(self, features: dict[str, float]) -> tuple[Any, Any]:
        """(row indices, L2-normalised tf-idf values) of the known features."""
        np = self._np
        get = self.index.get
        known = [(i, value) for i, value in ((get(k), v) for k, v in features.items())
                 if i is not None]
        return self._weigh(np.array([i for i, _ in known], dtype=np.intp),
                           np.array([v for _, v in known], dtype=np.float32))

    def reply_vector(self, text: str, words: list[str], lang: str,
                     rule_codes: Iterable[str] = (), openers: Iterable[str] = ()
                     ) -> tuple[Any, Any]:
        """`vectorize(extract(...))` without building the features the model does not know:
        each word's known feature indices come from a cache and are counted with numpy."""
        np = self._np
        found, fixed = self.indexer.counted(text, words, lang, rule_codes, openers)
        idx, counts = np.unique(np.array(found, dtype=np.intp), return_counts=True)
        vals = (1.0 + np.log(counts)).astype(np.float32)
        if fixed:  # style and language features: distinct names, so distinct indices
            idx = np.concatenate([idx, np.array([i for i, _ in fixed], dtype=np.intp)])
            vals = np.concatenate([vals, np.array([v for _, v in fixed], dtype=np.float32)])
        return self._weigh(idx, vals)

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
        """`predict(extract(...))` through `reply_vector`."""
        return self._predict(*self.reply_vector(text, words, lang, rule_codes, openers))

    def predict(self, features: dict[str, float]) -> ToneResult:
        """Scores for every head; explanations are computed on demand (`ToneResult.explain`)."""
        return self._predict(*self.vectorize(features))

    def _predict(self, idx: Any, vals: Any) -> ToneResult:
        np = self._np
        rows = self.W[idx]
        logits = vals @ rows + self.b if len(idx) else self.b.copy()
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
            result._explainers[name] = self._explainer(idx, vals, rows, cols)
        return result

    def _explainer(self, idx: Any, vals: Any, rows: Any, cols: list[int]) -> Any:
        def explain(upward: bool, k: int) -> list[tuple[str, float]]:
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


def save_model(directory: str | Path, manifest: dict[str, Any], vocab: list[str],
               arrays: dict[str, Any]) -> None:
    """Write a model directory (files first, manifest with their checksums last)."""
    import numpy as np

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with (folder / "weights.npz").open("wb") as handle:
        np.savez_compressed(handle, **{k: np.asarray(v, dtype=np.float32)
                                       for k, v in arrays.items()})
    manifest = dict(manifest, format=FORMAT, format_version=FORMAT_VERSION,
                    feature_version=FEATURE_VERSION,
                    sha256={name: _sha256(folder / name) for name in FILES})
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2,
                                                     sort_keys=True) + "\n", encoding="utf-8")

