"""Shared helpers for the benchmarks: sample replies and machine description."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "id", "ms", "fa")
# The environment for timing whole commands as a user runs them: Python keeps compiled
# bytecode (a development shell may switch that off with PYTHONDONTWRITEBYTECODE, which adds
# ~0.1 s of compiling to every run).
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def replies(lang: str, min_words: int = 0, max_words: int = 10_000) -> list[str]:
    """Authored replies of `lang` (training/authored/<lang>.jsonl) within a word-count range."""
    return [reply for reply, _customer in pairs(lang, min_words, max_words)]


def pairs(lang: str, min_words: int = 0, max_words: int = 10_000) -> list[tuple[str, str]]:
    """(reply, customer's message) of the authored pairs of `lang` whose reply is within a
    word-count range."""
    path = ROOT / "training" / "authored" / f"{lang}.jsonl"
    out = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                reply, customer = row["reply"], row.get("customer") or ""
            except (ValueError, KeyError, AttributeError):
                continue
            if min_words <= len(reply.split()) <= max_words:
                out.append((reply, customer))
    return out


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")
