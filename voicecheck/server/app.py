"""`create_app()`: the Starlette application behind `voicecheck serve`.

The check routes are plain ASGI callables (no per-request Request/Response objects on the hot
path); the rest is ordinary Starlette routing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSON
from starlette.responses import Response
from starlette.routing import Route

from voicecheck import __version__
from voicecheck.checks.registry import all_rules
from voicecheck.guide.schema import did_you_mean
from voicecheck.model import VoicecheckError
from voicecheck.server.gate import Gate, json_bytes, send_json
from voicecheck.server.guides import GuideSet
from voicecheck.server.logs import request_id
from voicecheck.server.metrics import Metrics, SharedMetrics
from voicecheck.server.payload import (CheckRequest, HTTPError, Limits, decode_json,
                                       parse_batch, parse_check, read_body)
from voicecheck.server.schema import openapi

log = logging.getLogger("voicecheck.server")


class JSONResponse(StarletteJSON):
    """Starlette's JSONResponse, compact and safe for any text (see `json_bytes`)."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def _headers(scope: dict) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope["headers"]}


class CheckService:
    """Runs checks: short ones on the event loop (a warm check is about a millisecond, less
    than a thread hand-off costs under load), long ones and batches in a bounded thread pool
    with the request's time budget."""

    def __init__(self, guides: GuideSet, limits: Limits, metrics: Metrics) -> None:
        self.guides = guides
        self.limits = limits
        self.metrics = metrics
        self.pool = ThreadPoolExecutor(max_workers=max(1, limits.threads),
                                       thread_name_prefix="voicecheck-check")
        self.slots = asyncio.Semaphore(max(1, limits.threads))
        rules = all_rules()
        self.rule_names = {r.code for r in rules} | {r.slug for r in rules}

    def _resolve(self, req: CheckRequest, where: str = "") -> Any:
        entry = self.guides.get(req.guide)
        if entry is None:
            raise HTTPError(422, "E253", f"{where}unknown guide '{req.guide[:80]}'"
                            f"{did_you_mean(req.guide, self.guides.names())}; served: "
                            f"{', '.join(self.guides.names())}")
        if entry.checker is None:
            raise HTTPError(422, "E253", f"{where}guide '{req.guide}' failed to load: "
                            f"{entry.error}")
        for name in req.ignore:
            if name not in self.rule_names:
                raise HTTPError(422, "E254", f"{where}unknown rule '{name[:40]}' in 'ignore'"
                                f"{did_you_mean(name, sorted(self.rule_names))}")
        return entry.checker

    def _run(self, jobs: list[tuple[Any, CheckRequest]], deadline: float | None,
             cancelled: threading.Event | None = None) -> list[dict[str, Any]]:
        out = []
        for i, (checker, req) in enumerate(jobs):
            if cancelled is not None and cancelled.is_set():
                break
            if deadline is not None and time.perf_counter() > deadline:
                # the thread can see the deadline pass before the event loop's wait does: the
                # same answer either way, Retry-After included
                raise HTTPError(503, "E257", f"time budget of {self.limits.time_budget:g} s "
                                "exceeded", {"retry-after": "1"})
            where = f"items[{i}]: " if len(jobs) > 1 else ""
            try:
                report = checker.check(req.text, lang=req.lang, channel=req.channel,
                                       customer=req.customer, ignore=req.ignore)
            except VoicecheckError as exc:
                raise HTTPError(422, exc.code or "E251", f"{where}{exc.message}") from None
            result = report.to_dict()
            self.metrics.count_report(result)
            out.append(result)
        return out

    async def check(self, reqs: list[CheckRequest], started: float) -> list[dict[str, Any]]:
        many = len(reqs) > 1
        jobs = [(self._resolve(r, f"items[{i}]: " if many else ""), r)
                for i, r in enumerate(reqs)]
        # cost in characters, each check counting 500 more for its fixed part (a 100-item
        # batch of one-liners must not hold the loop for 50 ms)
        cost = sum(len(r.text) + len(r.customer or "") + 500 for r in reqs)
        if cost < self.limits.inline_below:
            return self._run(jobs, None)
        deadline = started + self.limits.time_budget
        remaining = deadline - time.perf_counter()
        try:
            await asyncio.wait_for(self.slots.acquire(), max(0.0, remaining))
        except TimeoutError:
            raise HTTPError(503, "E257", "server overloaded: no check slot within the time "
                            "budget; retry shortly", {"retry-after": "1"}) from None
        cancelled = threading.Event()
        try:
            future = asyncio.get_running_loop().run_in_executor(
                self.pool, self._run, jobs, deadline, cancelled)
        except BaseException:
            self.slots.release()
            raise
        # registered before shield()'s own callback, so it runs first: the slot is the pool
        # thread's until the thread is done, and the outcome is always retrieved
        future.add_done_callback(lambda done: self._settle(done, cancelled))
        try:
            return await asyncio.wait_for(asyncio.shield(future),
                                          max(0.0, deadline - time.perf_counter()))
        except TimeoutError:
            raise HTTPError(503, "E257", f"time budget of {self.limits.time_budget:g} s "
                            "exceeded", {"retry-after": "1"}) from None
        finally:
            # answered (or given up): a thread still running stops before its next reply
            cancelled.set()

    def _settle(self, done: asyncio.Future, answered: threading.Event) -> None:
        """Done callback of a pool job: give its slot back and retrieve its outcome. After
        the request was answered (its time budget ran out) a late result or refusal is
        dropped, and an unexpected error is logged as one line; unretrieved, asyncio would
        print it as a traceback when the future is collected."""
        self.slots.release()
        if done.cancelled():
            return
        exc = done.exception()
        if exc is not None and answered.is_set() and not isinstance(exc, HTTPError):
            log.error("check failed after its request was answered",
                      exc_info=(type(exc), exc, exc.__traceback__))


class CheckRoute:
    """POST /v1/check and /v1/check/batch as plain ASGI."""

    def __init__(self, service: CheckService, batch: bool) -> None:
        self.service = service
        self.batch = batch

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["method"] != "POST":
            raise HTTPError(405, "E259", f"{scope['path']} takes POST", {"allow": "POST"})
        headers = _headers(scope)
        ctype = headers.get(b"content-type", b"application/json").split(b";")[0].strip().lower()
        if ctype not in (b"application/json", b""):
            raise HTTPError(415, "E259", "send the body as JSON with 'Content-Type: "
                            "application/json'")
        limits = self.service.limits
        data = decode_json(await read_body(receive, headers, limits))
        started = scope.get("state", {}).get("started", time.perf_counter())
        if self.batch:
            results = await self.service.check(parse_batch(data, limits), started)
            await send_json(send, 200, {"results": results})
        else:
            results = await self.service.check([parse_check(data, limits)], started)
            await send_json(send, 200, results[0])


_PLAYGROUND_CACHE: dict[str, tuple[bytes, str]] = {}


def playground() -> tuple[bytes, str]:
    """The playground page and its Content-Security-Policy: inline script and style are
    allowed by their SHA-256 hashes only (no 'unsafe-inline', nothing from elsewhere)."""
    if "page" not in _PLAYGROUND_CACHE:
        html = resources.files("voicecheck.server").joinpath(
            "static/playground.html").read_text(encoding="utf-8")
        hashes = {}
        for tag in ("script", "style"):
            hashes[tag] = " ".join(
                "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
                + "'" for body in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S))
        csp = (f"default-src 'none'; script-src {hashes['script']}; style-src "
               f"{hashes['style']}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
               "form-action 'none'; frame-ancestors 'none'")
        _PLAYGROUND_CACHE["page"] = (html.encode("utf-8"), csp)
    return _PLAYGROUND_CACHE["page"]


async def _not_found(request: Request, exc: Exception) -> Response:
    code = getattr(exc, "status_code", 404)
    message = (f"no route {request.url.path[:100]}" if code == 404 else
               f"{request.method} is not allowed on {request.url.path[:100]}")
    return JSONResponse({"error": {"code": "E259", "message": message}}, status_code=code)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _internal(request: Request, exc: Exception) -> Response:
    # logged by the gate (which sees the exception re-raised after this response)
    return JSONResponse({"error": {"code": "E259", "message": "internal error; request id "
                                   f"{request_id.get()}"}}, status_code=500)


def create_app(guides_dir: str | Path | None = None, *, limits: Limits | None = None,
               token: str | None = None, cors_origins: tuple[str, ...] = (),
               guides: GuideSet | None = None, metrics_dir: str | Path | None = None) -> Any:
    """The ASGI app: guides loaded and warmed now, so the first request is fast.
    `metrics_dir`: a folder shared by the worker processes of one server (summed metrics).

    >>> app = create_app()  # doctest: +SKIP
    """
    limits = limits or Limits()
    guides = guides or GuideSet(Path(guides_dir) if guides_dir else None)
    metrics = Metrics()
    shared = SharedMetrics(metrics_dir, metrics) if metrics_dir else None
    service = CheckService(guides, limits, metrics)
    rules_payload = json.dumps({"rules": _rules()}, ensure_ascii=False).encode()

    async def index(request: Request) -> Response:
        page, csp = playground()
        return Response(page, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": csp})

    async def healthz(request: Request) -> Response:
        states = [e.checker is not None for e in guides.entries.values()]
        return JSONResponse({"status": "ok", "version": __version__,
                             "guides": sum(states), "guides_failed": states.count(False)})

    async def guides_route(request: Request) -> Response:
        return JSONResponse({"guides": [guides.entries[n].describe() for n in guides.names()]})

    async def rules_route(request: Request) -> Response:
        return Response(rules_payload, media_type="application/json")

    async def metrics_route(request: Request) -> Response:
        status = {n: e.describe()["status"] for n, e in guides.entries.items()}
        return Response((shared.combined() if shared else metrics).render(status),
                        media_type="text/plain; version=0.0.4; charset=utf-8")

    async def openapi_route(request: Request) -> Response:
        return JSONResponse(openapi(limits, token is not None))

    app = Starlette(routes=[
        Route("/", index), Route("/healthz", healthz), Route("/v1/guides", guides_route),
        Route("/v1/rules", rules_route), Route("/metrics", metrics_route),
        Route("/openapi.json", openapi_route),
        Route("/v1/check", CheckRoute(service, batch=False), methods=["POST"]),
        Route("/v1/check/batch", CheckRoute(service, batch=True), methods=["POST"]),
    ], exception_handlers={404: _not_found, 405: _not_found, HTTPError: _refused,
                        Exception: _internal})
    inner: Any = app
    if cors_origins:
        inner = CORSMiddleware(app, allow_origins=list(cors_origins),
                               allow_methods=["GET", "POST"],
                               allow_headers=["authorization", "content-type", "x-request-id"],
                               expose_headers=["x-request-id"], max_age=600)
    gate = Gate(inner, limits, metrics, token=token, cors=bool(cors_origins))
    gate.on_request.append(_guide_poller(guides))
    if shared:
        gate.after_request.append(shared.changed)
    gate.guides = guides
    gate.service = service
    return gate


def _guide_poller(guides: GuideSet) -> Any:
    """A hook for every request: at most once per poll interval, look at the guides folder
    in a thread (a changed guide compiles off the event loop)."""
    running: dict[str, Any] = {}

    def poll() -> None:
        if not running and guides.claim_poll():
            task = asyncio.get_running_loop().run_in_executor(None, guides.refresh)
            running["task"] = task
            task.add_done_callback(done)

    def done(task: asyncio.Future) -> None:
        running.clear()
        exc = None if task.cancelled() else task.exception()  # retrieved: never a traceback
        if exc is not None:
            log.error("guides folder reload failed",
                      exc_info=(type(exc), exc, exc.__traceback__))

    return poll


def _rules() -> list[dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for rule in all_rules():
        entry = grouped.setdefault(rule.code, {
            "code": rule.code, "rule": rule.slug, "severity": rule.severity, "kind": rule.kind,
            "dimension": rule.dimension, "why": rule.why, "languages": []})
        entry["languages"].append(rule.lang if rule.lang != "*" else "all")
    return sorted(grouped.values(), key=lambda e: e["code"])
