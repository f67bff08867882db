"""The pre-send hook examples (examples/presend/): importable, correct, and runnable."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CALM

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "presend"
BAD = "Hi {{first_name}}, we apologize for any inconvenience. As per our policy, no refunds."
GOOD = "Sorry about the double charge, Sam. I've refunded the second payment today."


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"presend_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_in_process_hook():
    hook = _load("hook")
    ok, message = hook.before_send(BAD, customer="My card was charged twice!!")
    assert not ok and "{{first_name}}" in message and message.startswith("do not send yet")
    ok, message = hook.before_send(GOOD, customer="My card was charged twice!!")
    assert ok and message.startswith("looks good")
    ok, message = hook.before_send(GOOD, channel="carrier-pigeon")
    assert not ok and "E206" in message


def test_http_hook_against_a_real_server():
    pytest.importorskip("uvicorn", reason="needs the server extra")
    from voicecheck.server import create_app
    from voicecheck.server.payload import Limits
    from voicecheck.server.run import background

    hook = _load("http_hook")
    with background(create_app(limits=Limits(**CALM))) as url:  # CALM: tests/conftest.py
        ok, message = hook.before_send(BAD, url=url)
        assert not ok and message.startswith("fail")
        ok, message = hook.before_send(GOOD, url=url, channel="email")
        assert ok and message.startswith("pass")
        ok, message = hook.before_send(GOOD, url=url, guide="nope")
        assert not ok and "E253" in message


def test_http_hook_fails_open_when_unreachable():
    import socket

    hook = _load("http_hook")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ok, message = hook.before_send(BAD, url=f"http://127.0.0.1:{port}", timeout=1)
    assert ok and message.startswith("not checked")


def test_hook_runs_as_a_script():
    done = subprocess.run([sys.executable, str(EXAMPLES / "hook.py")], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("BLOCK: Hi {{first_name}}") and "\nSEND: Sorry" in done.stdout
