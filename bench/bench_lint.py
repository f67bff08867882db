"""Library lint throughput: `voicecheck lint` over a generated 20,000-reply library.

The library is built from the authored replies (training/authored, en/id/ms/fa, median 27
words — real published canned replies have a median of 21 and a mean of 36) spread over JSON,
CSV, YAML and Markdown files of 250 replies each, in a temporary folder. It measures, end to
end as a user runs it (process start, reading, checking, writing the report):

1. without the cache (`--no-cache`), with `--jobs 1` and with every core;
2. with the cache, after one run has filled it (an unchanged library re-linted);
3. after editing one file (the cache re-checks only that file).

    python bench/bench_lint.py [--replies 20000] [--repeat 3] [--curated]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import LANGS, ROOT, USER_ENV, machine, replies  # noqa: E402

PER_FILE = 250
VOICECHECK = [sys.executable, "-m", "voicecheck"]


def _approved(lang: str) -> list[str]:
    """Replies the label guide marks `send`: what a curated library holds."""
    path = ROOT / "training" / "authored" / f"{lang}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r["reply"] for r in rows if r.get("verdict") == "send"]


def build_library(folder: Path, total: int, curated: bool = False) -> int:
    pool = []
    for lang in LANGS:
        pool.extend((lang, text) for text in (_approved(lang) if curated else replies(lang)))
    items = [(i, *pool[i % len(pool)]) for i in range(total)]
    formats = ("json", "csv", "yaml", "md")
    for n, start in enumerate(range(0, total, PER_FILE)):
        chunk = items[start:start + PER_FILE]
        fmt = formats[n % len(formats)]
        path = folder / f"part{n:03d}.{fmt}"
        if fmt == "json":
            data = [{"id": f"r{i}", "title": f"Reply {i}", "lang": lang, "body": text}
                    for i, lang, text in chunk]
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        elif fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["id", "title", "lang", "body"])
            for i, lang, text in chunk:
                writer.writerow([f"r{i}", f"Reply {i}", lang, text])
            path.write_text(out.getvalue(), encoding="utf-8")
        elif fmt == "yaml":
            lines = []
            for i, lang, text in chunk:
                lines += [f"- id: r{i}", f"  lang: {lang}", "  body: |"]
                lines += [f"    {line}" for line in text.splitlines() or [""]]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            blocks = [f"## Reply {i}\n\n{text}\n" for i, _lang, text in chunk]
            path.write_text("\n".join(blocks), encoding="utf-8")
    return len(items)


def run(folder: Path, *args: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run([*VOICECHECK, "lint", str(folder), "--statistics", "--fail-on",
                           "never", *args], cwd=folder.parent, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env=USER_ENV)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"voicecheck lint failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--curated", action="store_true",
                        help="only replies labelled 'send' (a curated library: few findings) "
                             "instead of every authored reply (2.6 findings a reply)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="voicecheck-bench-lint-"))
    try:
        library = work / "library"
        library.mkdir()
        total = build_library(library, args.replies, args.curated)
        cache = work / "cache"
        print(f"# bench_lint — {time.strftime('%Y-%m-%d')} — {machine()}")
        kind = "approved ('send') replies" if args.curated else "all authored replies"
        print(f"library: {total:,} replies ({kind}) in {len(list(library.iterdir()))} files "
              f"(json, csv, yaml, md)")
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        results = {}
        for label, extra in ((f"no cache, --jobs 1", ["--no-cache", "--jobs", "1"]),
                             (f"no cache, --jobs {cores}", ["--no-cache"])):
            times = [run(library, *extra) for _ in range(args.repeat)]
            results[label] = statistics.median(times)
        shutil.rmtree(cache, ignore_errors=True)
        run(library, "--cache-dir", str(cache))  # fill the cache
        cached = [run(library, "--cache-dir", str(cache)) for _ in range(args.repeat)]
        results["cache, unchanged library"] = statistics.median(cached)
        edited = library / "part000.json"
        data = json.loads(edited.read_text(encoding="utf-8"))
        data[0]["body"] += " Thanks again."
        edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        results["cache, one file edited"] = run(library, "--cache-dir", str(cache))
        print()
        print("| run | wall s (median) | replies/s |")
        print("|---|---:|---:|")
        for label, seconds in results.items():
            print(f"| {label} | {seconds:.2f} | {total / seconds:,.0f} |")
        no_cache = results[f"no cache, --jobs {cores}"]
        print(f"\ncache speed-up on an unchanged library: "
              f"{no_cache / results['cache, unchanged library']:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
