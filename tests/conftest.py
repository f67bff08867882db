from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `voicecheck ARGS` as a real process (exit codes, stderr, no traceback)."""
    return subprocess.run([sys.executable, "-m", "voicecheck", *args], input=stdin,
                          capture_output=True, cwd=cwd or ROOT, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


def needs_shared(folder: str):
    path = SHARED / folder
    return pytest.mark.skipif(not path.exists(), reason=f"needs ../shared/{folder} (CI has it)")


# Server tests about requests and answers, not timing, give the server a generous queue wait
# and time budget: it shares the pytest process, and a garbage collection of that heap, or a
# first check building caches on a fresh machine, can hold the event loop past the 30 ms
# default (a full run with empty caches shed requests with 503 E257). Shedding and budgets
# have their own tests (test_server.py), each with its own app and limits.
CALM = {"queue_timeout": 5.0, "time_budget": 30.0}
