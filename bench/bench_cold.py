"""Cold start: whole-process wall time of the commands, median of N runs.

The floor of a cold check is importing spaCy; the target is
`voicecheck check file.txt` <= 1.3 x `python -c "import spacy; spacy.blank('en')"`, and the
commands that need no tokens under 150 ms.

    python bench/bench_cold.py [runs]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, USER_ENV, machine  # noqa: E402

EN = "We apologize for any inconvenience. As per our policy you should have contacted us earlier."
ID = "Mohon maaf atas ketidaknyamanannya. Sesuai kebijakan kami, seharusnya Anda menghubungi kami lebih awal."


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                       env=USER_ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    exe = str(Path(sys.executable).with_name("voicecheck"))
    py = sys.executable
    folder = Path(tempfile.mkdtemp())
    (folder / "en.txt").write_text(EN, encoding="utf-8")
    (folder / "id.txt").write_text(ID, encoding="utf-8")
    print(f"# bench_cold — {time.strftime('%Y-%m-%d')} — {machine()} — median of {runs} runs")
    floor = timed([py, "-c", "import spacy; spacy.blank('en')"], runs)
    print(f"python -c \"import spacy; spacy.blank('en')\": {floor * 1000:.0f} ms (floor)")
    for label, cmd in [
        ("voicecheck check en.txt (--lang auto)", [exe, "check", str(folder / "en.txt")]),
        ("voicecheck check id.txt (--lang auto)", [exe, "check", str(folder / "id.txt")]),
        ("voicecheck check --lang en en.txt", [exe, "check", "--lang", "en", str(folder / "en.txt")]),
    ]:
        t = timed(cmd, runs)
        print(f"{label}: {t * 1000:.0f} ms = {t / floor:.2f} x floor")
    for label, cmd in [
        ("voicecheck --help", [exe, "--help"]),
        ("voicecheck --version", [exe, "--version"]),
        ("voicecheck rules", [exe, "rules"]),
        ("voicecheck explain VC110", [exe, "explain", "VC110"]),
        ("voicecheck guide validate examples/.voicecheck.yaml",
         [exe, "guide", "validate", "examples/.voicecheck.yaml"]),
    ]:
        print(f"{label}: {timed(cmd, runs) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
