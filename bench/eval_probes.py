"""The tone model on two small probe sets written apart from its training data.

`bench/probes/questions.jsonl`: agent replies that ask the customer something ("Have you tried
logging out and back in?", "Which browser are you on?"); `bench/probes/short.jsonl`: replies
of two to seven words ("Baik, tuan.", "Done, it's cancelled."). Each has 24 plain replies
and 8 condescending or dismissive ones per language (en, id, ms, fa), written by a writer who
did not see the authored training data. They measure the model's lean towards reading plain
questions and very short replies as hostile; they are never trained on. They are small (24
plain replies per language: one reply is 4 points) and now seen, so use them to compare
builds, not as a headline figure. Two stock phrases of the short probe ("Yes, that's
correct.", "No worries at all") also occur in the training data; longer ones may not
(tests/test_tone.py).

`bench/probes/independent.jsonl` is the third set: 80 fully labelled pairs per language, in
the authored format, written from the label guide alone; `voicecheck eval --model models/tone
--data bench/probes/independent.jsonl` scores every head on it (models/MODEL_CARD.md).

    python bench/eval_probes.py [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import LANGS, ROOT, machine  # noqa: E402
from voicecheck.checks.tone import tone_limit  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402

PROBES = ROOT / "bench" / "probes"
WARN, ERROR = tone_limit("VC206", "above"), tone_limit("VC203", "above")  # where they speak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="model directory (default: the shipped model)")
    args = parser.parse_args()
    checker = Checker(model=args.model)
    print(f"# eval_probes — {time.strftime('%Y-%m-%d')} — {machine()}")
    print(f"| probe | lang | plain replies ≥ {WARN:g} | plain ≥ {ERROR:g} | "
          "hostile ones with VC203/VC206 |")
    print("|---|---|---:|---:|---:|")
    for name in ("questions", "short"):
        rows = [json.loads(line) for line in
                (PROBES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        totals = [0, 0, 0, 0, 0]
        for lang in LANGS:
            plain = warned = errored = hostile = caught = 0
            for row in (r for r in rows if r["lang"] == lang):
                report = checker.check(row["reply"], lang=lang)
                score = report.scores["hostility"] / 100
                if row["hostility"]:
                    hostile += 1
                    caught += bool({f.code for f in report.findings} & {"VC203", "VC206"})
                else:
                    plain += 1
                    warned += score >= WARN
                    errored += score >= ERROR
            for i, v in enumerate((plain, warned, errored, hostile, caught)):
                totals[i] += v
            print(f"| {name} | {lang} | {warned}/{plain} | {errored}/{plain} | {caught}/{hostile} |")
        plain, warned, errored, hostile, caught = totals
        print(f"| {name} | all | {warned}/{plain} ({warned / plain:.1%}) | {errored}/{plain} | "
              f"{caught}/{hostile} ({caught / hostile:.1%}) |")


if __name__ == "__main__":
    main()
