"""Precision, recall and F1 of the reply-in-context checks (4xx) on the labelled cases in
tests/cases/<lang>.yaml: per check and language, and over all languages.

Each case is a customer message, a reply, a channel and the 4xx codes a careful support lead
would raise; a check's true positives are the cases where it fires and is expected, false
positives where it fires unexpected, false negatives where it is expected and silent.

    python bench/eval_cases.py                 # the table (the one in docs/quality.md)
    python bench/eval_cases.py --errors        # also list every wrong case (not the held-out ones)
    python bench/eval_cases.py --holdout-only  # only the cases set aside before tuning
    python bench/eval_cases.py --tuning        # everything but those (what tuning may look at)
    python bench/eval_cases.py --canned        # how often 4xx fires on real canned replies

`--canned` lints ../shared/eval/canned-real (real replies published by support teams; evaluation
only, never copied here) three ways: as they are (no customer message: only VC406 runs), as
public tweets (VC407 too), and as answers to a neutral customer question in their language
(the checks that need a complaint stay silent; VC408/VC409/VC410 may speak). Rates, not quotes.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine  # noqa: E402

CASES = ROOT / "tests" / "cases"
LANGS = tuple(p for p in ("en", "id", "ms", "fa") if (ROOT / "tests" / "cases" / f"{p}.yaml").exists())
PREFIX = "VC4"


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    lang: str
    customer: str | None
    reply: str
    channel: str | None
    expect: frozenset[str]
    holdout: bool = False
    guide: dict[str, Any] | None = None


def load_cases(lang: str) -> list[Case]:
    """The labelled cases of `lang`."""
    import yaml

    path = CASES / f"{lang}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Case(c["id"], lang, c.get("customer"), c["reply"], c.get("channel"),
                 frozenset(c.get("expect") or ()), bool(c.get("holdout")), c.get("guide"))
            for c in data["cases"]]


def found_codes(checker: Any, case: Case) -> frozenset[str]:
    """The 4xx codes the checker raises on a case."""
    report = checker.check(case.reply, lang=case.lang, channel=case.channel,
                           customer=case.customer)
    return frozenset(f.code for f in report.findings if f.code.startswith(PREFIX))


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None
                                                    else None)


def score(results: Iterable[tuple[Case, frozenset[str]]]
          ) -> dict[tuple[str, str], Counts]:
    """(code, lang) -> Counts, and (code, "all") over the languages."""
    table: dict[tuple[str, str], Counts] = collections.defaultdict(Counts)
    for case, found in results:
        for code in found | case.expect:
            for key in ((code, case.lang), (code, "all")):
                counts = table[key]
                if code in found and code in case.expect:
                    counts.tp += 1
                elif code in found:
                    counts.fp += 1
                else:
                    counts.fn += 1
    return table


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def render(table: dict[tuple[str, str], Counts], names: dict[str, str]) -> str:
    langs = [lang for lang in LANGS if any(k[1] == lang for k in table)]
    header = "| check | " + " | ".join(f"{lang} P / R / F1 (tp fp fn)" for lang in langs) + \
        " | all P / R / F1 |"
    lines = [header, "|---|" + "---|" * (len(langs) + 1)]
    for code in sorted({k[0] for k in table}):
        cells = []
        for lang in langs:
            c = table.get((code, lang))
            cells.append("" if c is None else
                         f"{_cell(c.precision)} / {_cell(c.recall)} / {_cell(c.f1)} "
                         f"({c.tp} {c.fp} {c.fn})")
        total = table[(code, "all")]
        cells.append(f"{_cell(total.precision)} / {_cell(total.recall)} / {_cell(total.f1)}")
        lines.append(f"| {code} {names.get(code, '')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


CANNED = ROOT.parent / "shared" / "eval" / "canned-real"
# a neutral question per language: the customer side of the third canned-reply pass
QUESTION = {"en": "Hi, could you help me with this please?",
            "id": "Halo, bisa bantu saya soal ini?",
            "ms": "Hai, boleh bantu saya tentang perkara ini?",
            "fa": "سلام، می‌شود در این مورد کمکم کنید؟"}


def canned_rates(checker: Any) -> str:
    """Share of real canned replies on which each 4xx code fires, per language and pass."""
    import json
    import re

    rows = []
    for path in sorted(CANNED.glob("*/replies.jsonl")):
        rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip())
    if not rows:
        return "needs ../shared/eval/canned-real"
    passes = {"as is": {}, "as public tweets": {"channel": "twitter_public"},
              "answering a question": {"question": True}}
    lines = ["| pass | language | replies | 4xx codes fired (share of replies) |",
             "|---|---|---|---|"]
    for name, how in passes.items():
        for lang in LANGS:
            texts = [re.sub(r"<[^>]{1,200}>", " ", r["text"]) for r in rows if r["lang"] == lang]
            texts = [t for t in texts if t.strip()]
            counts: collections.Counter = collections.Counter()
            for text in texts:
                report = checker.check(text, lang=lang, channel=how.get("channel"),
                                       customer=QUESTION[lang] if how.get("question") else None)
                counts.update({f.code for f in report.findings if f.code.startswith(PREFIX)})
            fired = ", ".join(f"{code} {n / len(texts):.1%}" for code, n in sorted(counts.items()))
            lines.append(f"| {name} | {lang} | {len(texts)} | {fired or 'none'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--holdout-only", action="store_true")
    parser.add_argument("--tuning", action="store_true", help="leave the held-out cases out")
    parser.add_argument("--no-model", action="store_true", help="without the tone model")
    parser.add_argument("--canned", action="store_true",
                        help="also lint ../shared/eval/canned-real (evaluation only)")
    args = parser.parse_args()
    from voicecheck.checks.registry import all_rules
    from voicecheck.engine import Checker

    names = {r.code: r.slug for r in all_rules() if r.code.startswith(PREFIX)}
    checker = Checker(model=False if args.no_model else None)
    results = []
    started = time.perf_counter()
    for lang in LANGS:
        for case in load_cases(lang):
            if (args.holdout_only and not case.holdout) or (args.tuning and case.holdout):
                continue
            results.append((case, found_codes(checker, case)))
    elapsed = time.perf_counter() - started
    held = sum(1 for case, _ in results if case.holdout)
    print(f"# eval_cases — {time.strftime('%Y-%m-%d')} — {machine()} — {len(results)} cases "
          f"({held} held out), {elapsed:.1f} s")
    print(render(score(results), names))
    if args.canned:
        print()
        print(canned_rates(Checker(placeholders_ok=True,
                                   model=False if args.no_model else None)))
    if args.errors:
        for case, found in results:
            if found != case.expect and not case.holdout:
                print(f"{case.id}: expected {sorted(case.expect)} found {sorted(found)}")


if __name__ == "__main__":
    main()
