"""Side-by-side benchmark: voicecheck, Vale, proselint, alex and write-good on the same replies.

    bash bench/peers/install.sh              # the peer tools (once)
    python bench/peers/run.py [--count 2400] [--repeat 3] [--only voicecheck,alex]

Every tool lints the same generated library (`corpus.py`: one reply per Markdown file, the
natural unit of every tool) in its own natural mode — a folder (or the list of files) on the
command line, machine-readable output where the tool has one:

    voicecheck lint DIR --format json --no-cache   (default jobs: one worker per core)
    vale --config vale/.vale.ini --output=JSON DIR   (style mirrored from voicecheck's rules)
    proselint check -o json DIR
    alex DIR
    write-good --parse FILE...

and prints, per tool: replies/s over the library (best of --repeat runs), the cold wall time
of one reply (median of 5 runs of the command on one file), the peak resident memory of the
run (the whole process tree, sampled every 20 ms from /proc, and the largest single process
from wait4), findings per 100 replies of the library, and recall on flawed.yaml: of the
labelled flaws in the categories the tool claims to cover (CLAIMS, from each tool's own
documentation), how many it pointed at (any finding overlapping the labelled words).
A tool that is not installed is listed as such. Results also go to bench/peers/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

# Categories each tool says it checks (README / rule lists of the installed versions).
CLAIMS = {
    "voicecheck": {"stock-apology", "blame", "policy-hiding", "condescending", "gendered",
                   "ableist", "profanity", "wordiness", "hedging", "shouting", "cliche"},
    "vale": {"stock-apology", "blame", "policy-hiding", "condescending", "gendered", "ableist",
             "profanity", "wordiness", "hedging"},  # the Voicecheck style: VC110…VC142
    "proselint": {"cliche", "gendered", "hedging", "wordiness", "shouting"},
    "alex": {"gendered", "ableist", "profanity", "condescending"},
    "write-good": {"passive", "wordiness", "hedging", "cliche"},
}
Spans = dict[str, list[tuple[int, int]]]  # file path -> (start, end) character offsets


@dataclass
class Tool:
    name: str
    version: Callable[[], str | None]
    command: Callable[[list[Path], Path], list[str]]  # (files, folder) -> argv
    parse: Callable[[str, str, list[Path]], Spans]
    ok_codes: tuple[int, ...] = (0, 1)  # exit codes of a run that worked


# --- where the tools are -----------------------------------------------------------------

def _bin(*candidates: str | Path) -> str | None:
    for c in candidates:
        if c and (Path(c).is_file() and os.access(c, os.X_OK)):
            return str(c)
        if c and os.sep not in str(c) and shutil.which(str(c)):
            return shutil.which(str(c))
    return None


def _run_text(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = (done.stdout or done.stderr).strip().splitlines()
    return out[0] if done.returncode == 0 and out else None


VOICECHECK = _bin(ROOT / ".venv" / "bin" / "voicecheck", "voicecheck")
PROSELINT = _bin(HERE / ".venv" / "bin" / "proselint", "proselint")
ALEX = _bin(HERE / "node_modules" / ".bin" / "alex")
WRITE_GOOD = _bin(HERE / "node_modules" / ".bin" / "write-good")
VALE = _bin(os.environ.get("VALE", ""), HERE / ".venv" / "bin" / "vale", "vale")


def _node_version(package: str) -> str | None:
    path = HERE / "node_modules" / package / "package.json"
    return json.loads(path.read_text())["version"] if path.exists() else None


def _vale_version() -> str | None:
    # the PyPI launcher downloads the binary on first use; without the download it fails
    return _run_text([VALE, "--version"]) if VALE else None


# --- reading each tool's output ----------------------------------------------------------

def _path(name: str) -> Path:
    """A path printed by a tool (run with cwd bench/peers), made absolute."""
    path = Path(name)
    return (path if path.is_absolute() else HERE / path).resolve()


def _offsets(path: Path) -> list[int]:
    """Character offset of the start of each line of `path` (1-based lines -> index - 1)."""
    starts, pos = [0], 0
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        pos += len(line)
        starts.append(pos)
    return starts


def _at(path: Path, line: int, column0: int) -> int:
    starts = _offsets(path)
    return starts[min(line, len(starts)) - 1] + column0


def parse_voicecheck(out: str, err: str, files: list[Path]) -> Spans:
    data = json.loads(out or "[]")
    if isinstance(data, dict):
        data = next((v for k, v in data.items() if k in ("files", "replies", "reports",
                                                          "results")), [data])
    spans: Spans = defaultdict(list)
    for report in data:
        path = _path(report.get("path") or report.get("file") or "")
        for f in report.get("findings", []):
            start = _at(path, f["line"], f["column"] - 1)
            spans[str(path)].append((start, start + max(1, len(f.get("text", "")))))
    return spans


def parse_vale(out: str, err: str, files: list[Path]) -> Spans:
    spans: Spans = defaultdict(list)
    for name, alerts in json.loads(out or "{}").items():
        path = _path(name)
        for a in alerts:
            start = _at(path, a["Line"], a["Span"][0] - 1)  # Span: 1-based, inclusive columns
            spans[str(path)].append((start, start + a["Span"][1] - a["Span"][0] + 1))
    return spans


def parse_proselint(out: str, err: str, files: list[Path]) -> Spans:
    spans: Spans = defaultdict(list)
    for uri, result in json.loads(out or "{}").get("result", {}).items():
        path = str(_path(uri.removeprefix("file://")))
        for d in result.get("diagnostics", []):
            spans[path].append((d["span"][0] - 1, d["span"][1] - 1))  # 1-based, end exclusive
    return spans


_ALEX_FILE = re.compile(r"^(\S.*?)(?:: no issues found)?$")
_ALEX_HIT = re.compile(r"^\s+(\d+):(\d+)(?:-(\d+):(\d+))?\s+(?:warning|error)")


def parse_alex(out: str, err: str, files: list[Path]) -> Spans:
    spans: Spans = defaultdict(list)
    current = None
    for line in (err + "\n" + out).splitlines():
        hit = _ALEX_HIT.match(line)
        if hit and current is not None:
            l1, c1 = int(hit[1]), int(hit[2])
            l2, c2 = int(hit[3] or l1), int(hit[4] or c1 + 1)
            spans[current].append((_at(Path(current), l1, c1 - 1), _at(Path(current), l2, c2 - 1)))
        elif line and not line[0].isspace() and not line.startswith(("⚠", "✖", "✔")):
            name = _ALEX_FILE.match(line)[1]
            if _path(name).exists():
                current = str(_path(name))
    return spans


_WRITE_GOOD = re.compile(r'^(.*?):(\d+):(\d+):"(.*?)"')


def parse_write_good(out: str, err: str, files: list[Path]) -> Spans:
    spans: Spans = defaultdict(list)
    for line in out.splitlines():
        hit = _WRITE_GOOD.match(line)
        if hit:
            path = _path(hit[1])
            start = _at(path, int(hit[2]), int(hit[3]))  # write-good columns are 0-based
            spans[str(path)].append((start, start + len(hit[4])))
    return spans


TOOLS = [
    Tool("voicecheck", lambda: _run_text([VOICECHECK, "--version"]) if VOICECHECK else None,
         lambda files, folder: [VOICECHECK, "lint", str(folder), "--format", "json",
                                "--no-cache", "--exit-zero"],
         parse_voicecheck),
    Tool("vale", _vale_version,
         lambda files, folder: [VALE, "--config", str(HERE / "vale" / ".vale.ini"),
                                "--output=JSON", "--no-exit", str(folder)],
         parse_vale),
    Tool("proselint", lambda: _run_text([PROSELINT, "version"]) if PROSELINT else None,
         lambda files, folder: [PROSELINT, "check", "-o", "json", str(folder)],
         parse_proselint),
    Tool("alex", lambda: _node_version("alex") if ALEX else None,
         lambda files, folder: [ALEX, str(folder)], parse_alex),
    Tool("write-good", lambda: _node_version("write-good") if WRITE_GOOD else None,
         lambda files, folder: [WRITE_GOOD, "--parse", *map(str, files)], parse_write_good,
         (0, 255)),  # --parse exits 255 when it has suggestions
]


# --- measuring ---------------------------------------------------------------------------

def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in kB (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    stat = handle.read()
                parents[int(entry)] = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as handle:
                total += next((int(line.split()[1]) for line in handle
                               if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
    return total


@dataclass
class Run:
    seconds: float
    tree_rss_kb: int
    max_rss_kb: int
    out: str
    err: str
    code: int


def run(argv: list[str], cwd: Path) -> Run:
    """Run `argv`, timing it and sampling its memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, peak[0], usage.ru_maxrss, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), proc.returncode)


def recall(tool: Tool, spans: Spans, items: list[dict], files: list[Path]):
    """(caught, total, per-category {cat: (caught, total)}) over the tool's claimed flaws."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item, path in zip(items, files):
        found = spans.get(str(path.resolve()), [])
        for flaw in item["flaws"]:
            if flaw["category"] not in CLAIMS[tool.name]:
                continue
            start = item["text"].index(flaw["span"])
            end = start + len(flaw["span"])
            per[flaw["category"]][1] += 1
            if any(s < end and e > start for s, e in found):
                per[flaw["category"]][0] += 1
    caught = sum(c for c, _ in per.values())
    total = sum(t for _, t in per.values())
    return caught, total, {k: tuple(v) for k, v in per.items()}


def measure(tool: Tool, library: Path, flawed_dir: Path, items: list[dict], repeat: int):
    files = sorted(library.glob("*.md"))
    flawed_files = sorted(flawed_dir.glob("*.md"))
    runs = [run(tool.command(files, library), HERE) for _ in range(repeat)]
    best = min(runs, key=lambda r: r.seconds)
    if best.code not in tool.ok_codes:
        raise RuntimeError(f"{tool.name} exited {best.code}: {best.err.strip()[:300]}")
    lib_spans = tool.parse(best.out, best.err, files)
    cold = statistics.median(run(tool.command(files[:1], _single(files[0])), HERE).seconds
                             for _ in range(5))
    flawed_run = run(tool.command(flawed_files, flawed_dir), HERE)
    caught, total, per = recall(tool, tool.parse(flawed_run.out, flawed_run.err, flawed_files),
                                items, flawed_files)
    return {
        "replies_per_s": len(files) / best.seconds,
        "library_seconds": best.seconds,
        "cold_single_s": cold,
        "peak_rss_mb": max(r.tree_rss_kb for r in runs) / 1024,
        "largest_process_mb": max(r.max_rss_kb for r in runs) / 1024,
        "findings_per_100": 100 * sum(map(len, lib_spans.values())) / len(files),
        "recall": [caught, total],
        "per_category": per,
    }


_SINGLE_DIRS: dict[Path, Path] = {}


def _single(path: Path) -> Path:
    """A folder holding only `path` (tools given a folder lint everything in it)."""
    if path not in _SINGLE_DIRS:
        folder = Path(tempfile.mkdtemp(prefix="peer-one-"))
        shutil.copy(path, folder / path.name)
        _SINGLE_DIRS[path] = folder
    return _SINGLE_DIRS[path]


def table(results: dict, count: int) -> str:
    lines = [f"| tool | version | replies/s ({count} files) | one reply, cold (s) | peak RSS "
             "(MB) | findings / 100 replies | recall on claimed flaws |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        if "error" in r:
            lines.append(f"| {name} | {r.get('version') or '—'} | {r['error']} | | | | |")
            continue
        caught, total = r["recall"]
        lines.append(f"| {name} | {r['version']} | {r['replies_per_s']:,.0f} | "
                     f"{r['cold_single_s']:.2f} | {r['peak_rss_mb']:,.0f} | "
                     f"{r['findings_per_100']:.0f} | {caught}/{total} "
                     f"({caught / max(total, 1):.0%}) |")
    categories = sorted({c for item in corpus.flawed() for c in
                         (f["category"] for f in item["flaws"])})
    names = [n for n in results if "error" not in results[n]]
    lines += ["", "| flaw category | " + " | ".join(names) + " |",
              "|---|" + "---:|" * len(names)]
    for cat in categories:
        cells = []
        for n in names:
            c, t = results[n]["per_category"].get(cat, (0, 0))
            cells.append(f"{c}/{t}" if cat in CLAIMS[n] else "—")
        lines.append(f"| {cat} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2400, help="replies in the library")
    parser.add_argument("--repeat", type=int, default=3, help="library runs per tool (best)")
    parser.add_argument("--only", help="comma-separated tool names")
    args = parser.parse_args()
    out = HERE / "corpus"
    corpus.write(args.count, out)
    items = corpus.flawed()
    results: dict[str, dict] = {}
    wanted = set(args.only.split(",")) if args.only else None
    for tool in TOOLS:
        if wanted and tool.name not in wanted:
            continue
        version = tool.version()
        if version is None:
            results[tool.name] = {"version": None, "error": "not installed"}
            print(f"{tool.name}: not installed (bench/peers/install.sh)", file=sys.stderr)
            continue
        print(f"{tool.name} {version} ...", file=sys.stderr, flush=True)
        try:
            results[tool.name] = {"version": version,
                                  **measure(tool, out / "replies", out / "flawed", items,
                                            args.repeat)}
        except (RuntimeError, ValueError, KeyError) as exc:
            results[tool.name] = {"version": version, "error": f"failed: {exc}"[:200]}
    for folder in _SINGLE_DIRS.values():
        shutil.rmtree(folder, ignore_errors=True)
    (HERE / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"# peers — {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.1f}\n")
    print(table(results, args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
