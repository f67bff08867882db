"""Language identification accuracy on short replies, and speed, against alternatives.

Sources (read in place, never copied): ../shared/eval/canned-real (real canned replies,
evaluation only), training/authored (our replies), ../shared/data sets for ms/id/en sentences.
Compared: voicecheck's identify() (script + marker words + py3langid sliced to our languages),
py3langid's full model restricted to en/id/ms/fa, and lingua (if installed: pip install
lingua-language-detector), restricted to the same four.

    python bench/bench_langid.py
"""

from __future__ import annotations

import collections
import glob
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import LANGS, ROOT, machine  # noqa: E402
from voicecheck.text.langid import identify  # noqa: E402

SHARED = ROOT.parent / "shared"


def samples() -> list[tuple[str, str, str]]:
    """(source, lang, text) for replies of at most 60 words."""
    out = []
    for path in sorted(glob.glob(str(SHARED / "eval" / "canned-real" / "*" / "replies.jsonl"))):
        for line in open(path, encoding="utf-8"):
            row = json.loads(line)
            out.append(("canned-real", row["lang"], row["text"]))
    for lang in LANGS:
        path = ROOT / "training" / "authored" / f"{lang}.jsonl"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    out.append(("authored", lang, json.loads(line)["reply"]))
                except (ValueError, KeyError):
                    pass
    for folder, lang, limit in [("malaya-news-sentiment", "ms", 1500),
                                ("indonlu-smsa", "id", 1500), ("politeness-stanford", "en", 1500)]:
        path = SHARED / "data" / folder / "data.jsonl"
        if path.exists():
            for i, line in enumerate(open(path, encoding="utf-8")):
                if i >= limit:
                    break
                out.append((folder, lang, json.loads(line)["text"]))
    return [(s, l, t) for s, l, t in out if t.strip() and len(t.split()) <= 60]


def bucket(text: str) -> str:
    n = len(text.split())
    return "<=10 words" if n <= 10 else ("11-30 words" if n <= 30 else "31-60 words")


def evaluate(name: str, fn, data) -> None:
    right = collections.Counter()
    total = collections.Counter()
    start = time.perf_counter()
    for source, lang, text in data:
        guess = fn(text)
        for key in (("all", "all"), (lang, "all"), ("all", bucket(text)), (source, "all")):
            total[key] += 1
            right[key] += guess == lang
    per_call = (time.perf_counter() - start) / len(data) * 1e6
    cells = [f"all {right['all', 'all'] / total['all', 'all']:.3f}"]
    cells += [f"{l} {right[l, 'all'] / total[l, 'all']:.3f} (n={total[l, 'all']})"
              for l in LANGS if total[l, "all"]]
    cells += [f"{b} {right['all', b] / total['all', b]:.3f}"
              for b in ("<=10 words", "11-30 words", "31-60 words") if total["all", b]]
    print(f"{name}: " + "; ".join(cells) + f"; {per_call:.0f} µs/reply")
    sources = sorted({s for s, _, _ in data})
    print("    by source: " + "; ".join(f"{s} {right[s, 'all'] / total[s, 'all']:.3f}"
                                      for s in sources))


def main() -> None:
    data = samples()
    print(f"# bench_langid — {time.strftime('%Y-%m-%d')} — {machine()} — {len(data)} replies")
    start = time.perf_counter()
    identify("warm up")
    identify("Terima kasih sudah menghubungi kami, mohon ditunggu")
    print(f"voicecheck identify(): model load {time.perf_counter() - start:.3f} s")
    evaluate("voicecheck identify()", lambda t: identify(t).lang, data)
    import py3langid

    start = time.perf_counter()
    py3langid.set_languages(list(LANGS))
    py3langid.classify("warm up")
    print(f"py3langid (full model, 4 languages): load {time.perf_counter() - start:.3f} s")
    evaluate("py3langid", lambda t: py3langid.classify(t)[0], data)
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        print("lingua: not installed (pip install lingua-language-detector to compare)")
        return
    codes = {Language.ENGLISH: "en", Language.INDONESIAN: "id", Language.MALAY: "ms",
             Language.PERSIAN: "fa"}
    start = time.perf_counter()
    detector = LanguageDetectorBuilder.from_languages(*codes).build()
    detector.detect_language_of("warm up")
    print(f"lingua (4 languages): load {time.perf_counter() - start:.3f} s")
    evaluate("lingua", lambda t: codes.get(detector.detect_language_of(t), "?"), data)


if __name__ == "__main__":
    main()
