"""How long each `voicecheck lint` output format takes to write, and how big it gets.

    .venv/bin/python bench/bench_writers.py --replies 20000

Reports are real Checker reports of a few replies in the four languages, repeated over files
of 100 replies (writing is what is measured, not checking). Prints one line per format:
seconds (best of --repeat), bytes, bytes gzip-compressed (GitHub takes SARIF up to 10 MB
compressed) and, for SARIF, the number of results (GitHub takes up to 25,000 per run).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import time

REPLIES = [
    ("We apologize for any inconvenience. As per our policy, no refunds.", "en"),
    ("Your refund is on its way and should reach your card within 5 days.", "en"),
    ("Thanks for waiting!!! Please send the photo to {{agent.email}} ASAP.", "en"),
    ("Mohon maaf atas ketidaknyamanannya. Kamu harus tunggu, Anda paham?", "id"),
    ("Terima kasih kerana menunggu. Bayaran balik anda sedang diproses.", "ms"),
    ("طبق قوانین شرکت نمیشه. از این بابت پوزش می‌طلبیم", "fa"),
]


def make_run(n: int):
    from voicecheck.engine import Checker
    from voicecheck.io.lintrun import LintRun

    checker = Checker()
    base = [checker.check(text, lang=lang) for text, lang in REPLIES]
    reports = [dataclasses.replace(base[i % len(base)], path=f"library/part{i // 100:04d}.json",
                                   extra={"reply_id": f"macro-{i}", "title": f"Macro {i}"})
               for i in range(n)]
    return LintRun(reports=reports, errors=[], files=(n + 99) // 100, elapsed=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from voicecheck.io.lintrun import FORMATS, render

    run = make_run(args.replies)
    findings = sum(len(r.findings) for r in run.reports)
    print(f"{args.replies} replies, {findings} findings, {run.files} files")
    for fmt in FORMATS:
        best, out = float("inf"), ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = render(fmt, run)
            best = min(best, time.perf_counter() - start)
        raw = out.encode("utf-8")
        extra = ""
        if fmt == "sarif":
            extra = f"  results {len(json.loads(out)['runs'][0]['results'])}"
        print(f"{fmt:<11} {best:6.2f} s  {len(raw) / 1e6:7.2f} MB  "
              f"gzip {len(gzip.compress(raw, 6)) / 1e6:6.2f} MB{extra}")


if __name__ == "__main__":
    main()
