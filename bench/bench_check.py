"""Warm in-process speed and memory of `Checker.check`.

* p50 / p99 latency of one ~60-word reply per language (45-75 words, authored replies)
* replies per second over 2,000 replies (all languages mixed, language given)
* replies per second with language identification (--lang auto)
* resident memory (RSS) with all four languages loaded

    python bench/bench_check.py [--no-model] [--channel twitter_public|sms|...] [--customer]

`--channel` checks every reply as sent on that channel (public channels run the personal-data
rules, X and SMS count lengths their own way); the default is no channel. `--customer` checks
every reply with its customer's message, as a pre-send hook does: the message is read too and
the reply-in-context rules (4xx, VC204, VC207) run. Each timed check reads its customer's
message afresh; "checked again" times the same draft once more, as a hook re-checking an
edited draft does, when the message's reading is kept (checks/context.py).
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import LANGS, machine, pairs  # noqa: E402
from voicecheck.checks.context import forget_customers  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    with_model = "--no-model" not in sys.argv
    channel = sys.argv[sys.argv.index("--channel") + 1] if "--channel" in sys.argv[:-1] else None
    in_context = "--customer" in sys.argv
    checker = Checker(model=None if with_model else False)
    print(f"# bench_check — {time.strftime('%Y-%m-%d')} — {machine()} — "
          f"{'rules + tone model' if with_model else 'rules only (--no-model)'}"
          + (f" — channel {channel}" if channel else "")
          + (" — with the customer's message" if in_context else ""))

    def check(text: str, customer: str, lang: str | None) -> None:
        checker.check(text, lang=lang, channel=channel,
                      customer=customer if in_context else None)

    def forget() -> None:  # every customer's message read afresh, as on its first check
        if in_context:
            forget_customers()

    corpus = {}
    for lang in LANGS:
        sample = pairs(lang, 45, 75) or pairs(lang)
        if not sample:
            print(f"{lang}: no authored replies to measure with")
            continue
        corpus[lang] = sample
        for text, customer in sample[:20]:  # warm up: rule compilation, caches
            check(text, customer, lang)
        timings, again = [], []
        for _ in range(max(1, 3000 // len(sample))):
            for text, customer in sample:
                forget()
                start = time.perf_counter()
                check(text, customer, lang)
                timings.append((time.perf_counter() - start) * 1000)
                if in_context:  # the same draft checked again: its customer's message is known
                    start = time.perf_counter()
                    check(text, customer, lang)
                    again.append((time.perf_counter() - start) * 1000)
        words = statistics.mean(len(t.split()) for t, _ in sample)
        print(f"{lang}: {len(timings)} checks of {words:.0f}-word replies: "
              f"p50 {percentile(timings, 50):.3f} ms, p99 {percentile(timings, 99):.3f} ms"
              + (f"; checked again: p50 {percentile(again, 50):.3f} ms" if again else ""))
    mixed = [(lang, t, c) for lang in corpus for t, c in corpus[lang]]
    batch = (mixed * (2000 // max(1, len(mixed)) + 1))[:2000]
    forget()
    start = time.perf_counter()
    for lang, text, customer in batch:
        check(text, customer, lang)
    elapsed = time.perf_counter() - start
    print(f"throughput: {len(batch)} replies in {elapsed:.2f} s = {len(batch) / elapsed:,.0f} replies/s "
          "(one process, language given)")
    forget()
    start = time.perf_counter()
    for _lang, text, customer in batch:
        check(text, customer, None)
    elapsed = time.perf_counter() - start
    print(f"throughput with language id: {len(batch) / elapsed:,.0f} replies/s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS with {len(corpus)} languages loaded: {rss:.0f} MB")


if __name__ == "__main__":
    main()
