"""`voicecheck serve`: late pool results and a JSON-only log, guides folder symlinks, malformed
HTTP answered in JSON, invisible-only text refused as empty."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="needs the server extra: pip install -e '.[server]'")
pytest.importorskip("uvicorn", reason="needs the server extra: pip install -e '.[server]'")

from tests.conftest import CALM  # noqa: E402
from tests.test_server import Client, _free_port, _up, _wait_for, error_code  # noqa: E402
from voicecheck.server import Limits, create_app  # noqa: E402
from voicecheck.server.guides import GuideSet  # noqa: E402
from voicecheck.server.payload import CheckRequest, HTTPError  # noqa: E402
from voicecheck.text.blank import is_blank  # noqa: E402
from voicecheck.server.run import background  # noqa: E402


@pytest.fixture(scope="module")
def guide_set() -> GuideSet:
    return GuideSet()


# -- a request over its time budget: answered once, the late outcome retrieved ------------------

def test_a_late_pool_outcome_is_retrieved_not_reported_by_asyncio(guide_set):
    """The thread finishes after the request was answered 503: its exception (the deadline
    it saw, or a crash) must be retrieved, not left for asyncio to print as a traceback."""
    from voicecheck.server.app import CheckService
    from voicecheck.server.metrics import Metrics

    service = CheckService(guide_set, Limits(inline_below=0, time_budget=0.05), Metrics())
    original = service._run

    def slow(jobs, deadline, cancelled=None):
        time.sleep(0.3)
        if jobs[0][1].text == "boom":
            raise RuntimeError("crashed after the answer")
        return original(jobs, deadline)  # sees its deadline passed: raises the 503 late

    service._run = slow
    reported: list[dict] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: reported.append(ctx))
        for text in ("hello there", "boom"):
            with pytest.raises(HTTPError) as refused:
                await service.check([CheckRequest(text)], time.perf_counter())
            assert refused.value.status == 503 and refused.value.code == "E257"
        await asyncio.sleep(0.8)  # both threads finish
        gc.collect()
        await asyncio.sleep(0)
        # the slot of each timed-out job came back when its thread finished
        assert service.slots._value == service.limits.threads

    with_log: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = with_log.append  # type: ignore[method-assign]
    logger = logging.getLogger("voicecheck.server")
    logger.addHandler(handler)
    try:
        asyncio.run(main())
    finally:
        logger.removeHandler(handler)
    assert reported == []
    crashes = [r for r in with_log if r.getMessage().startswith("check failed after")]
    assert len(crashes) == 1 and "crashed after the answer" in str(crashes[0].exc_info[1])


_SLOW_SERVER = textwrap.dedent("""
    import sys, threading, time, warnings
    from voicecheck.server import Limits, app
    from voicecheck.server.run import serve

    original = app.CheckService._run

    def slow(self, jobs, deadline, cancelled=None):
        time.sleep(0.4)
        warnings.warn("a warning from a check", UserWarning)
        text = jobs[0][1].text
        if text == "boom":
            raise RuntimeError("crashed after the answer")
        if text == "thread":
            threading.Thread(target=lambda: 1 / 0, name="stray").start()
        return original(self, jobs, deadline)  # sees its deadline passed: raises the 503

    app.CheckService._run = slow
    serve(port=int(sys.argv[1]), limits=Limits(inline_below=0, time_budget=0.1,
                                               queue_timeout=5.0, threads=3))
""")


def test_the_server_log_is_json_lines_only_when_checks_finish_late(tmp_path: Path):
    """`voicecheck serve`'s whole stderr: a late deadline, a late crash, a warning and an
    exception escaping a thread are each one JSON line, and no line is plain text."""
    port = _free_port()
    err_path = tmp_path / "serve.err"
    with err_path.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", _SLOW_SERVER, str(port)],
                                stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "PYTHONWARNINGS": "always"})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _up(url), 120)
        for text in ("hello there", "boom", "thread"):
            status, head, payload = Client(url).json("POST", "/v1/check", {"text": text})
            assert status == 503 and error_code(payload) == "E257"
            assert "time budget" in payload["error"]["message"] and head["retry-after"] == "1"
        time.sleep(1.5)  # the threads finish and their outcomes are collected
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    lines = err_path.read_text(encoding="utf-8").splitlines()
    plain = [line for line in lines if not line.startswith("{")]
    assert plain == [], "\n".join(plain[:20])
    records = [json.loads(line) for line in lines]
    messages = [r["msg"] for r in records]
    assert not any("never retrieved" in m for m in messages)
    assert messages.count("check failed after its request was answered") == 1
    assert any("crashed after the answer" in r.get("exc", "") for r in records)
    assert any(r["logger"] == "py.warnings" for r in records)
    assert any(m.startswith("uncaught exception in thread") for m in messages)
    assert [r["status"] for r in records if r.get("path") == "/v1/check"] == [503, 503, 503]


def test_the_loop_exception_handler_writes_one_json_line(capsys):
    from voicecheck.server.logs import JsonFormatter, log_loop_error

    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(JsonFormatter().format(record))  # type: ignore
    logger = logging.getLogger("voicecheck.server")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("lost")
        except ValueError as exc:
            log_loop_error(None, {"message": "Future exception was never retrieved\nfuture: x",
                                  "exception": exc, "future": object()})
    finally:
        logger.removeHandler(handler)
    assert len(seen) == 1 and "\n" not in seen[0]
    line = json.loads(seen[0])
    assert line["level"] == "error" and "ValueError: lost" in line["exc"]
    assert line["msg"].startswith("Future exception was never retrieved")


# -- guides folder: nothing outside it is loaded or quoted --------------------------------------

SECRET = "api_token_value_abc123: hunter2\n"


def test_a_symlink_out_of_the_guides_folder_is_not_loaded_or_quoted(tmp_path: Path, caplog):
    secret = tmp_path / "secret.yaml"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "x.yaml").symlink_to(secret)
    (folder / "acme.yaml").write_text("brand: Acme\n", encoding="utf-8")
    (folder / "alias.yaml").symlink_to(folder / "acme.yaml")  # inside the folder: served
    (folder / "ext.yaml").write_text("extends: ../secret.yaml\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="voicecheck.server"):
        guides = GuideSet(folder)
    assert guides.get("alias").checker is not None and guides.get("acme").checker is not None
    skipped = guides.get("x")
    assert skipped.checker is None and skipped.describe()["status"] == "error"
    assert "x.yaml" in skipped.error and "outside the guides folder" in skipped.error
    extended = guides.get("ext")
    assert extended.checker is None and "secret.yaml" in extended.error
    assert "outside the guides folder" in extended.error
    logged = " ".join(str(getattr(r, "fields", "")) + r.getMessage() for r in caplog.records)
    for where in (skipped.error, extended.error, logged):
        assert "api_token" not in where and "hunter2" not in where

    app = create_app(guides=guides, limits=Limits(**CALM))
    with background(app) as url:
        c = Client(url)
        status, _, listed = c.json("GET", "/v1/guides")
        assert status == 200 and "api_token" not in json.dumps(listed)
        for name in ("x", "ext"):
            status, _, payload = c.json("POST", "/v1/check", {"text": "hi", "guide": name})
            assert status == 422 and error_code(payload) == "E253"
            assert "api_token" not in payload["error"]["message"]


def test_a_guide_turned_into_a_symlink_out_keeps_its_last_good_version(tmp_path: Path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "acme.yaml").write_text("brand: Acme\n", encoding="utf-8")
    guides = GuideSet(folder)
    (folder / "acme.yaml").unlink()
    (folder / "acme.yaml").symlink_to(secret)
    assert guides.refresh(force=True) == ["acme"]
    entry = guides.get("acme")
    assert entry.checker is not None and entry.checker.guide.brand == "Acme"
    assert entry.describe()["status"] == "stale" and "outside" in entry.error
    assert "api_token" not in entry.error


# -- malformed HTTP: the documented JSON 400 --------------------------------------------------

@pytest.mark.parametrize("raw", [
    b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: abc\r\n\r\n{\"text\":\"hi\"}",
    b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: -1\r\n\r\n{\"text\":\"hi\"}",
    b"POST /v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n{\"text\":\"hi\"}",
    b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
])
def test_malformed_http_gets_a_json_400(guide_set, raw):
    app = create_app(guides=guide_set, limits=Limits(**CALM))
    with background(app) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(raw)
            answer = b""
            while chunk := sock.recv(65536):  # the server closes the connection
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
    assert lines[0] == "HTTP/1.1 400 Bad Request"
    assert headers["content-type"] == "application/json" and headers["connection"] == "close"
    assert int(headers["content-length"]) == len(body)
    payload = json.loads(body)
    assert error_code(payload) == "E250" and "not valid HTTP" in payload["error"]["message"]


# -- empty text: invisible characters count as nothing ------------------------------------------

@pytest.mark.parametrize("text", ["\u200b\u200b\u200b", " \u200d\ufeff\n", "\u2060\u200e\t"])
def test_invisible_only_text_is_refused_as_empty(guide_set, text):
    app = create_app(guides=guide_set, limits=Limits(**CALM))
    with background(app) as url:
        c = Client(url)
        status, _, payload = c.json("POST", "/v1/check", {"text": text})
        assert status == 422 and error_code(payload) == "E251"
        assert payload["error"]["message"] == "'text' is empty"
        status, _, payload = c.json("POST", "/v1/check/batch",
                                    {"items": [{"text": "Thanks!"}, {"text": text}]})
        assert status == 422 and payload["error"]["message"] == "items[1]: 'text' is empty"
        status, _, payload = c.json("POST", "/v1/check", {"text": "\u200bThanks!"})
        assert status == 200 and payload["verdict"] in ("pass", "warn", "fail")


def test_is_blank():
    assert is_blank("") and is_blank(" \n\t") and is_blank("\u200b\u200c\u200d\u2060\ufeff")
    assert not is_blank("\u200bhi") and not is_blank("\u00a0.")
    assert not is_blank("\u0301")  # a lone combining mark is visible (Mn, not Cf)
