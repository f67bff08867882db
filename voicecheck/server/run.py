"""Start uvicorn: one process, or `workers` processes that each build the app from the same
settings (passed through an environment variable, since uvicorn imports the app by name)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator

from voicecheck.model import VoicecheckError
from voicecheck.server.logs import log_config, log_everything_as_json
from voicecheck.server.payload import Limits
from voicecheck.server.protocol import GuardedHTTPProtocol

_ENV = "VOICECHECK_SERVE_SETTINGS"


def read_token(path: str | None) -> str | None:
    """The bearer token in `path` (surrounding whitespace removed), or None without a path."""
    if path is None:
        return None
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise VoicecheckError(f"cannot read token file: {getattr(exc, 'strerror', exc)}",
                              path=path, code="E259") from None
    if len(token) < 16 or any(c.isspace() for c in token):
        raise VoicecheckError("the token must be one word of at least 16 characters",
                              path=path, code="E259")
    return token


def app_from_env() -> Any:
    """uvicorn's app factory in each worker process."""
    from voicecheck.server.app import create_app

    settings = json.loads(os.environ[_ENV])
    log_everything_as_json()
    return create_app(settings["guides"], limits=Limits(**settings["limits"]),
                      token=read_token(settings["token_file"]),
                      cors_origins=tuple(settings["cors"]),
                      metrics_dir=settings["metrics_dir"])


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise VoicecheckError(f"cannot listen on {host}:{port}: {exc.strerror}",
                                  code="E259") from None


def serve(host: str = "127.0.0.1", port: int = 8080, guides: str | None = None,
          workers: int = 1, token_file: str | None = None, cors: tuple[str, ...] = (),
          limits: Limits | None = None, log_level: str = "info",
          keep_alive: float = 5.0) -> None:
    """Run the server until interrupted (SIGINT/SIGTERM: finish in-flight requests, stop)."""
    import uvicorn

    limits = limits or Limits()
    if guides is not None and not Path(guides).is_dir():
        raise VoicecheckError("guides folder not found", path=guides, code="E259")
    read_token(token_file)  # fail now, in one line, rather than in every worker
    _check_port(host, port)
    metrics_dir = tempfile.mkdtemp(prefix="voicecheck-metrics-") if workers > 1 else None
    os.environ[_ENV] = json.dumps({"metrics_dir": metrics_dir,"guides": str(Path(guides).resolve()) if guides else None,
                                   "limits": asdict(limits),
                                   "token_file": str(Path(token_file).resolve())
                                   if token_file else None,
                                   "cors": list(cors)})
    try:
        uvicorn.run("voicecheck.server.run:app_from_env", factory=True, host=host, port=port,
                    workers=workers if workers > 1 else None, log_config=log_config(log_level),
                    http=GuardedHTTPProtocol,
                    access_log=False, timeout_keep_alive=int(max(1, keep_alive)),
                    timeout_graceful_shutdown=10, server_header=False, date_header=True,
                    h11_max_incomplete_event_size=16 * 1024)
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


@contextlib.contextmanager
def background(app: Any, host: str = "127.0.0.1", **options: Any) -> Iterator[str]:
    """Run `app` with uvicorn in a thread on a free port; yields its base URL. For tests,
    examples and benchmarks (the real server stack, in process).

    >>> from voicecheck.server import create_app            # doctest: +SKIP
    >>> with background(create_app()) as url: print(url)    # doctest: +SKIP
    http://127.0.0.1:40123
    """
    import threading

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(2048)
    options = {"log_config": None, "access_log": False, "timeout_keep_alive": 5,
               "server_header": False, "http": GuardedHTTPProtocol, **options}
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="voicecheck-server")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()
