"""What rewrites cost: the engine's rewrite hook, template renders, `--fix` and `suggest`.

* p50 of a warm check with and without the rewrite hook, for clean replies (the hook must
  cost nothing there) and for replies with findings (template renders, safe/unsafe marks),
  measured in one process, alternating, on the authored ~60-word replies
* one template render, first time (cache cold) and repeated
* `fix_text` (safe and unsafe, passes until stable) and `suggest_draft` per reply

    python bench/bench_rewrite.py [--model]      # default: rules only, like the hook needs
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import LANGS, machine, replies  # noqa: E402
from voicecheck.engine import Checker  # noqa: E402
from voicecheck.rewrite.fix import fix_text  # noqa: E402
from voicecheck.rewrite.suggest import suggest_draft  # noqa: E402
from voicecheck.rewrite.templates import VARIABLES, shipped_template  # noqa: E402

ROUNDS = 8


def _p50(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.3f} ms"


def hook_cost(checker: Checker, lang: str, sample: list[str]) -> str:
    real = checker.rewriter.rewrite

    def without(findings, *args, **kwargs):
        return list(findings)

    for text in sample:
        checker.check(text, lang=lang)
    groups = {"clean": [t for t in sample if not checker.check(t, lang=lang).findings]}
    groups["with findings"] = [t for t in sample if t not in set(groups["clean"])]
    parts = []
    for name, group in groups.items():
        times: dict[str, list[float]] = {"hook": [], "no hook": []}
        for round_ in range(ROUNDS):
            for mode in (("hook", "no hook") if round_ % 2 else ("no hook", "hook")):
                checker.rewriter.rewrite = real if mode == "hook" else without
                for text in group:
                    started = time.perf_counter()
                    checker.check(text, lang=lang)
                    times[mode].append(time.perf_counter() - started)
        checker.rewriter.rewrite = real
        if group:
            parts.append(f"{name} ({len(group)}): p50 {_p50(times['hook'])} with the hook, "
                         f"{_p50(times['no hook'])} without")
    return "; ".join(parts)


def render_cost(lang: str) -> str:
    template = shipped_template(lang, "robotic-apology")
    values = dict.fromkeys(VARIABLES, "") | {"language": lang, "matched": "stock apology"}
    started = time.perf_counter()
    count = 2000
    for _ in range(count):
        template.render(values)
    return f"robotic-apology render {(time.perf_counter() - started) / count * 1e6:.1f} us"


def fix_cost(checker: Checker, lang: str, sample: list[str]) -> str:
    def check(text: str):
        return checker.check(text, lang=lang)

    out = []
    for label, run in (("fix (safe)", lambda t: fix_text(t, check)),
                       ("fix (unsafe)", lambda t: fix_text(t, check, unsafe=True)),
                       ("suggest", lambda t: suggest_draft(t, check, checker.rewriter))):
        times = []
        for text in sample:
            started = time.perf_counter()
            run(text)
            times.append(time.perf_counter() - started)
        out.append(f"{label} p50 {_p50(times)}")
    return ", ".join(out)


def main() -> None:
    with_model = "--model" in sys.argv
    checker = Checker(model=None if with_model else False)
    print(f"# bench_rewrite — {time.strftime('%Y-%m-%d')} — {machine()} — "
          f"{'rules + tone model' if with_model else 'rules only'}")
    for lang in LANGS:
        sample = (replies(lang, 45, 75) or replies(lang))[:300]
        if not sample:
            print(f"{lang}: no authored replies to measure with")
            continue
        print(f"{lang}: {hook_cost(checker, lang, sample)}")
        print(f"{lang}: {render_cost(lang)}; {fix_cost(checker, lang, sample[:100])}")


if __name__ == "__main__":
    main()
