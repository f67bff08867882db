"""The ASGI layer every request passes: request id, auth, admission (429/503), security
headers, JSON errors, metrics and one structured log line per request."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
import uuid
from typing import Any

from voicecheck.server.logs import log_loop_error, request_id
from voicecheck.server.metrics import Metrics
from voicecheck.server.payload import HTTPError, Limits

log = logging.getLogger("voicecheck.server")

_ID_OK = re.compile(r"^[A-Za-z0-9._:/+=-]{1,128}$")
ROUTES = ("/", "/healthz", "/metrics", "/openapi.json", "/v1/check", "/v1/check/batch",
          "/v1/rules", "/v1/guides")
OPEN = {"/", "/healthz", "/openapi.json"}      # served without a token
ADMITTED = {"/v1/check", "/v1/check/batch"}   # the CPU-bound routes: counted and shed
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON; text that cannot be UTF-8 (an unpaired surrogate echoed from a
    request) is escaped instead of failing the response."""
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, separators=(",", ":")).encode("ascii")


async def send_json(send: Any, status: int, payload: Any,
                    headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json_bytes(payload)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())] + (headers or [])})
    await send({"type": "http.response.body", "body": body})


class Gate:
    """Wraps the routes. State shared by the app lives here: limits, metrics, shutdown."""

    def __init__(self, app: Any, limits: Limits, metrics: Metrics, token: str | None = None,
                 cors: bool = False) -> None:
        self.app = app
        self.limits = limits
        self.metrics = metrics
        self.token = token.encode() if token else None
        self.cors = cors
        self.in_flight = 0        # admitted check requests not yet answered
        self.shutting_down = False
        self.on_request: list[Any] = []  # cheap hooks run before each request (guide polling)
        self.after_request: list[Any] = []  # and after it (shared metrics)
        self.guides: Any = None          # the GuideSet and CheckService, for tests and tools
        self.service: Any = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self._lifespan(receive, send)
            return
        # from when the protocol read the request (voicecheck.server.protocol), else from now
        started = (scope.get("state") or {}).get("arrived") or time.perf_counter()
        rid = _request_id(scope)
        token = request_id.set(rid)
        status = 0
        extra = [(b"x-request-id", rid.encode())] + SECURITY_HEADERS

        async def send_with_headers(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append(API_CSP)
                message = {**message, "headers": headers + extra}
            await send(message)

        path = scope["path"]
        route = path if path in ROUTES else "other"
        admitted = False
        try:
            admitted = await self._admit(scope, path, started)
            scope.setdefault("state", {})["started"] = started
            await self.app(scope, receive, send_with_headers)
        except HTTPError as exc:
            if status == 0:
                await send_json(send_with_headers, exc.status, exc.body(),
                                [(k.encode(), v.encode()) for k, v in exc.headers.items()])
        except Exception:
            log.exception("internal error", extra={"fields": {"path": path}})
            if status == 0:
                await send_json(send_with_headers, 500, {"error": {
                    "code": "E259", "message": f"internal error; request id {rid}"}})
        finally:
            if admitted:
                self.in_flight -= 1
                self.metrics.in_flight = self.in_flight
            elapsed = time.perf_counter() - started
            self.metrics.observe(route, scope["method"], status, elapsed)
            for hook in self.after_request:
                hook()
            log.info("request", extra={"request_id": rid, "fields": {
                "method": scope["method"], "path": path[:200], "status": status,
                "ms": round(elapsed * 1000, 2),
                "client": (scope.get("client") or ("", 0))[0]}})
            request_id.reset(token)

    async def _admit(self, scope: dict, path: str, started: float) -> bool:
        """Hooks, shutdown, auth, then admission of check requests; True when the request
        was counted in flight (the caller counts it out). Raises HTTPError to refuse."""
        for hook in self.on_request:
            hook()
        size = len(scope.get("raw_path") or b"") + sum(len(k) + len(v) + 4
                                                      for k, v in scope["headers"])
        if size > self.limits.max_headers:
            raise HTTPError(431, "E252", f"request line and headers are over "
                            f"{self.limits.max_headers} bytes", {"connection": "close"})
        if self.shutting_down and path != "/metrics":
            raise HTTPError(503, "E257", "server is shutting down",
                            {"retry-after": "1", "connection": "close"})
        if self.token and path not in OPEN and not (self.cors and scope["method"] == "OPTIONS"):
            self._authorise(scope)
        if path not in ADMITTED:
            return False
        if self.in_flight >= self.limits.max_in_flight:
            raise HTTPError(429, "E256", f"{self.in_flight} requests in flight (limit "
                            f"{self.limits.max_in_flight}); retry shortly", {"retry-after": "1"})
        self.in_flight += 1
        self.metrics.in_flight = self.in_flight
        try:
            # let every request read in the same loop turn count itself in first, so the
            # queue ahead of a request is visible to it (and to those after it)
            await asyncio.sleep(0)
            if time.perf_counter() - started > self.limits.queue_timeout:
                raise HTTPError(503, "E257", "server overloaded: request waited longer than "
                                f"{self.limits.queue_timeout * 1000:g} ms; retry shortly",
                                {"retry-after": "1"})
        except BaseException:
            self.in_flight -= 1
            self.metrics.in_flight = self.in_flight
            raise
        return True

    def _authorise(self, scope: dict) -> None:
        given = b""
        for key, value in scope["headers"]:
            if key == b"authorization":
                given = value
                break
        scheme, _, credential = given.partition(b" ")
        if scheme.lower() != b"bearer" or not hmac.compare_digest(credential.strip(),
                                                                  self.token):
            raise HTTPError(401, "E255", "missing or wrong bearer token "
                            "(send 'Authorization: Bearer <token>')",
                            {"www-authenticate": "Bearer"})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # asyncio's default handler writes plain-text tracebacks; the log is JSON lines
                asyncio.get_running_loop().set_exception_handler(log_loop_error)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.shutting_down = True
                await send({"type": "lifespan.shutdown.complete"})
                return


def _request_id(scope: dict) -> str:
    for key, value in scope["headers"]:
        if key == b"x-request-id":
            text = value.decode("latin-1")
            if _ID_OK.match(text):
                return text
            break
    return uuid.uuid4().hex
