"""Findings on real canned replies (../shared/eval/canned-real, evaluation only): how often each
rule fires and the verdicts, per language, with the default guide. These replies were written
and published by support teams; most are acceptable, so high rates point at false positives
(read the hits before tightening a rule; never copy the texts into the repository).

Markup is stripped first (HTML tags) and helpdesk template slots are allowed, as `voicecheck
lint` allows them; markers left for a person to fill ("[DATE]", "XXXX") are still VC501.

    python bench/eval_canned.py
"""

from __future__ import annotations

import collections
import glob
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402

CORPUS = ROOT.parent / "shared" / "eval" / "canned-real"


def main() -> None:
    rows = []
    for path in sorted(glob.glob(str(CORPUS / "*" / "replies.jsonl"))):
        rows.extend(json.loads(line) for line in open(path, encoding="utf-8"))
    if not rows:
        print("needs ../shared/eval/canned-real")
        return
    checker = Checker(placeholders_ok=True)
    per_code: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    verdicts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    totals: collections.Counter = collections.Counter()
    for row in rows:
        text = re.sub(r"<[^>]{1,200}>", " ", row["text"])
        if not text.strip():
            continue
        report = checker.check(text, lang=row["lang"])
        totals[row["lang"]] += 1
        verdicts[row["lang"]][report.verdict] += 1
        for code in {f.code for f in report.findings}:
            per_code[row["lang"]][code] += 1
    print(f"# eval_canned — {time.strftime('%Y-%m-%d')} — {machine()} — {sum(totals.values())} replies")
    for lang in ("en", "id", "ms", "fa"):
        n = totals[lang]
        if not n:
            continue
        v = verdicts[lang]
        print(f"{lang}: {n} replies; pass {v['pass'] / n:.1%}, warn {v['warn'] / n:.1%}, "
              f"fail {v['fail'] / n:.1%}")
        top = per_code[lang].most_common(12)
        print("    replies with each code: " + ", ".join(f"{c} {k / n:.1%}" for c, k in top))


if __name__ == "__main__":
    main()
