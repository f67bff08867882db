"""Build models/langid.npz: py3langid's naive Bayes model restricted to en/id/ms/fa.

py3langid ships a 97-language model compressed with LZMA that takes ~0.7 s to load; the
four-language slice of its feature weights, with the same byte-level DFA, loads in ~70 ms.

    python training/build_langid.py            # writes models/langid.npz (deterministic)
"""

from __future__ import annotations

import io
import lzma
import sys
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE

LANGS = ("en", "id", "ms", "fa")


def main(out: Path) -> None:
    with lzma.open(MODEL_DIR / MODEL_FILE) as handle:
        raw = handle.read()
    with np.load(io.BytesIO(raw), allow_pickle=False) as data:
        classes = data["classes"].tolist()
        idx = [classes.index(lang) for lang in LANGS]
        arrays = {
            "ptc": data["ptc"][:, idx],
            "pc": data["pc"][idx],
            "classes": np.array(LANGS),
            "nextmove": data["nextmove"].astype(np.uint32),
            "nextmove_row": data["nextmove_row"].astype(np.uint32),
            "out_feat": data["out_feat"].astype(np.int32),
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "models" / "langid.npz")
