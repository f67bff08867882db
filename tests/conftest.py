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
