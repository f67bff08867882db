"""Request bodies: read them within limits, decode them strictly, validate their fields.

Every refusal is an `HTTPError` with a status, a stable code (E250-E259) and one sentence."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from voicecheck.guide.schema import did_you_mean
from voicecheck.model import shorten
from voicecheck.text.blank import is_blank

LANGS = ("auto", "en", "id", "ms", "fa")


class HTTPError(Exception):
    """A refusal sent as `{"error": {"code": ..., "message": ...}}`."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may ask for."""

    max_body: int = 64 * 1024         # bytes
    max_headers: int = 64 * 1024      # bytes of request line and headers (431 past it)
    max_text: int = 20_000            # characters of `text` and of `customer`, each
    max_batch: int = 100              # replies in one batch
    body_timeout: float = 10.0        # seconds to receive the whole body
    time_budget: float = 2.0          # seconds from arrival to the answer
    max_in_flight: int = 64           # check requests being handled at once, per process
    queue_timeout: float = 0.03       # seconds a check may wait for its turn before a 503
    threads: int = 2                  # checks run at once in the thread pool
    inline_below: int = 4_000         # characters (+500 per reply): cheaper checks run on
                                      # the event loop, the rest in the thread pool


async def read_body(receive: Any, headers: dict[bytes, bytes], limits: Limits) -> bytes:
    """The request body, refused with 413 past `max_body` (whatever Content-Length says: the
    bytes are counted as they arrive) and 408 when it takes longer than `body_timeout`."""
    declared = headers.get(b"content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise HTTPError(400, "E250", "Content-Length is not a number") from None
        if length > limits.max_body:
            raise HTTPError(413, "E252", f"request body of {length:,} bytes is over the "
                            f"{limits.max_body:,}-byte limit")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(limits.body_timeout):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise HTTPError(400, "E250", "client disconnected before sending the body")
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limits.max_body:
                    raise HTTPError(413, "E252", f"request body is over the "
                                    f"{limits.max_body:,}-byte limit")
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
    except TimeoutError:
        raise HTTPError(408, "E258", f"request body not received within "
                        f"{limits.body_timeout:g} s") from None
    return b"".join(chunks)


def decode_json(body: bytes) -> dict[str, Any]:
    """A JSON object from UTF-8 bytes; anything else is a 400 naming what is wrong."""
    if not body:
        raise HTTPError(400, "E250", "request body is empty; send a JSON object")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPError(400, "E250", f"request body is not valid UTF-8 (byte {exc.start})") \
            from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HTTPError(400, "E250", f"request body is not valid JSON: {exc.msg} at line "
                        f"{exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise HTTPError(400, "E250", "request body is nested too deeply") from None
    except ValueError:  # an integer of more digits than Python converts (4,300)
        raise HTTPError(400, "E250", "request body has a number with too many digits") from None
    if not isinstance(data, dict):
        raise HTTPError(400, "E250", f"request body must be a JSON object, not "
                        f"{_type(data)}")
    return data


def _type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), "a value")


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """One reply to check, validated."""

    text: str
    customer: str | None = None
    channel: str | None = None
    lang: str | None = None
    guide: str = "default"
    ignore: frozenset[str] = frozenset()


FIELDS = ("text", "customer", "channel", "lang", "guide", "ignore")


def _string(data: dict[str, Any], key: str, where: str, limits: Limits,
            required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise HTTPError(422, "E251", f"{where}'{key}' is required")
        return None
    if not isinstance(value, str):
        raise HTTPError(422, "E251", f"{where}'{key}' must be a string, not {_type(value)}")
    _valid_text(value, f"{where}'{key}'")
    if key in ("text", "customer") and len(value) > limits.max_text:
        raise HTTPError(413, "E252", f"{where}'{key}' is {len(value):,} characters; the limit "
                        f"is {limits.max_text:,}")
    return value


def _valid_text(value: str, what: str) -> None:
    """Refuse NUL and unpaired surrogates (JSON can spell "\\ud800"; no text has it)."""
    if "\x00" in value:
        raise HTTPError(422, "E251", f"{what} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise HTTPError(422, "E251", f"{what} is not valid Unicode: unpaired surrogate at "
                        f"character {exc.start}") from None


def parse_check(data: Any, limits: Limits, where: str = "") -> CheckRequest:
    """Validate one check request (`where` prefixes messages, e.g. "items[3]: ")."""
    if not isinstance(data, dict):
        raise HTTPError(422, "E251", f"{where.rstrip(': ') or 'body'} must be an object, not "
                        f"{_type(data)}")
    for key in data:
        if key not in FIELDS:
            raise HTTPError(422, "E251", f"{where}unknown field '{shorten(key)}'"
                            f"{did_you_mean(key[:100], list(FIELDS))}; fields: "
                            f"{', '.join(FIELDS)}")
    text = _string(data, "text", where, limits, required=True)
    if is_blank(text):
        raise HTTPError(422, "E251", f"{where}'text' is empty")
    lang = _string(data, "lang", where, limits)
    if lang is not None and lang not in LANGS:
        raise HTTPError(422, "E251", f"{where}'lang' must be one of {', '.join(LANGS)}, not "
                        f"'{lang[:40]}'")
    ignore = data.get("ignore")
    if ignore is None:
        ignore = []
    if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
        raise HTTPError(422, "E251", f"{where}'ignore' must be a list of rule codes or slugs")
    for name in ignore:
        _valid_text(name, f"{where}'ignore'")
    return CheckRequest(text, _string(data, "customer", where, limits),
                        _string(data, "channel", where, limits),
                        None if lang in (None, "auto") else lang,
                        _string(data, "guide", where, limits) or "default", frozenset(ignore))


def parse_batch(data: dict[str, Any], limits: Limits) -> list[CheckRequest]:
    """`{"items": [check request, ...]}`, at most `max_batch` of them."""
    for key in data:
        if key != "items":
            raise HTTPError(422, "E251", f"unknown field '{shorten(key)}'"
                            f"{did_you_mean(key[:100], ['items'])}; a batch is "
                            f"{{\"items\": [...]}}")
    items = data.get("items")
    if not isinstance(items, list):
        raise HTTPError(422, "E251", "'items' must be a list of check requests")
    if not items:
        raise HTTPError(422, "E251", "'items' is empty")
    if len(items) > limits.max_batch:
        raise HTTPError(413, "E252", f"{len(items)} items; a batch holds at most "
                        f"{limits.max_batch}")
    return [parse_check(item, limits, f"items[{i}]: ") for i, item in enumerate(items)]
