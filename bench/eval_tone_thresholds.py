"""Where to put the tone findings' thresholds: for each candidate, the share of hostile (or
impolite) replies in the held-out test split that it catches, the share of acceptable ones it
flags, and the share of real canned replies (../shared/eval/canned-real, evaluation only)
it flags. The thresholds in rules/common/tone.yaml cite these figures.

    python bench/eval_tone_thresholds.py
"""

from __future__ import annotations

import glob
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine  # noqa: E402
from training.split import load_authored  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402


def main() -> None:
    import numpy as np

    checker = Checker(model=False)
    model = Checker().tone_models[0]

    def heads(text: str, lang: str):
        _, feats = checker.tone_features(text, lang)
        return model.predict(feats).heads

    records, _ = load_authored(ROOT / "training" / "authored", ("en", "id", "ms", "fa"))
    test = [(r, heads(r["reply"], r["lang"])) for r in records if r["split"] == "test"]
    real = []
    for path in sorted(glob.glob(str(ROOT.parent / "shared" / "eval" / "canned-real" / "*"
                                      / "replies.jsonl"))):
        for line in open(path, encoding="utf-8"):
            row = json.loads(line)
            real.append((row, heads(row["text"], row["lang"])))
    print(f"# eval_tone_thresholds — {time.strftime('%Y-%m-%d')} — {machine()} — "
          f"{len(test)} test replies, {len(real)} real canned replies")

    def share(items, keep):
        return float(np.mean([keep(h) for h in items])) if items else float("nan")

    hostile = [h for r, h in test if r["hostility"] == 1]
    calm = [h for r, h in test if r["hostility"] == 0]
    real_heads = [h for _, h in real]
    for t in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9):
        def over(h, t=t):
            return h["hostility"].score >= t
        print(f"hostility >= {t}: catches {share(hostile, over):.3f} of hostile test replies, "
              f"flags {share(calm, over):.3f} of the others and "
              f"{share(real_heads, over):.3f} of real replies")
    rude = [h for r, h in test if r["politeness"] <= 2]
    polite = [h for r, h in test if r["politeness"] >= 3]
    for t in (0.15, 0.22, 0.3):
        def under(h, t=t):
            return h["politeness"].score < t
        print(f"politeness < {t}: catches {share(rude, under):.3f} of politeness 1-2, flags "
              f"{share(polite, under):.3f} of 3-5 and {share(real_heads, under):.3f} of real")


if __name__ == "__main__":
    main()
