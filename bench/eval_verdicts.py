"""The whole check (rules and tone model) against the verdicts of replies written apart from
the training data: `bench/probes/independent.jsonl`, 80 labelled pairs per language whose
writers marked each reply send, revise or block. Each reply is checked with its customer's
message, its channel and a guide of its brand voice (formal, neutral, playful -> casual), as a
pre-send hook would; the table counts how the check's pass / warn / fail meet those verdicts,
and the codes behind warnings and failures on replies the writers would send.

A demanding reading: `send` should pass, `block` should fail, `revise` should at least warn.
Rules were adjusted after looking at this set on 2026-11-26 (VC204, VC303, customer context;
see bench/RESULTS.md), so its figures are optimistic for those rules.

    python bench/eval_verdicts.py [FILE.jsonl]   # default: bench/probes/independent.jsonl;
                                                 # also bench/probes/holdout2.jsonl
"""

from __future__ import annotations

import collections
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import LANGS, ROOT, machine  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402
from voicecheck.guide import guide_from_mapping  # noqa: E402

VOICE = {"formal": "formal", "neutral": "neutral", "playful": "casual"}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "probes" / "independent.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    checkers = {voice: Checker(guide_from_mapping({"voice": {"formality": formality}}))
                for voice, formality in VOICE.items()}
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    noisy: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for row in rows:
        report = checkers[row["brand_voice"]].check(row["reply"], lang=row["lang"],
                                                   channel=row["channel"],
                                                   customer=row["customer"])
        for group in (row["lang"], "all"):
            table[group][(row["verdict"], report.verdict)] += 1
            if row["verdict"] == "send":
                noisy[group].update({f.code for f in report.findings
                                     if f.severity in ("warning", "error")})
    print(f"# eval_verdicts — {time.strftime('%Y-%m-%d')} — {machine()} — {len(rows)} replies "
          f"({path.name})")
    print("| lang | send: pass / warn / fail | revise: pass / warn / fail | "
          "block: pass / warn / fail | codes on send replies (warning or error) |")
    print("|---|---|---|---|---|")
    for group in (*LANGS, "all"):
        t = table[group]
        cells = [" / ".join(str(t[(v, c)]) for c in ("pass", "warn", "fail"))
                 for v in ("send", "revise", "block")]
        codes = ", ".join(f"{c} {n}" for c, n in noisy[group].most_common(5))
        print(f"| {group} | " + " | ".join(cells) + f" | {codes} |")


if __name__ == "__main__":
    main()
