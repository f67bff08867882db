"""uvicorn's HTTP protocol plus an arrival time, a header deadline and a header size cap.

Each request's scope gets `state["arrived"]`, the time its bytes were read, so the app can
measure the whole wait for its turn. A connection whose request line and
headers are not complete within `header_timeout` seconds of connecting (or of the previous
response) is closed. uvicorn alone waits forever for headers that trickle in (slowloris); its
keep-alive timer covers only idle connections, and the body has its own deadline in the app.
Request line and headers over `max_header_bytes` get a 431 and the connection is closed.
Bytes the HTTP parser refuses get the JSON 400 (E250) every other refusal has.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

try:  # the fast parser when uvicorn[standard] is installed, else the pure-Python one
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # pragma: no cover - depends on the installed extras
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]


class GuardedHTTPProtocol(_Base):  # type: ignore[misc, valid-type]
    """Closes connections that do not finish sending their headers in time."""

    header_timeout = 10.0
    max_header_bytes = 64 * 1024  # uvicorn with httptools sets no limit of its own

    def data_received(self, data: bytes) -> None:
        # When the bytes were read: a request's wait for its turn starts here, not when its
        # task first runs (which, under load, is after everything read before it).
        arrived = time.perf_counter()
        before = self.cycle
        in_headers = before is getattr(self, "_header_cycle", None)
        super().data_received(data)
        cycle = self.cycle
        if cycle is not before and cycle is not None:
            cycle.scope.setdefault("state", {})["arrived"] = arrived
            self._header_bytes = 0
        elif in_headers and not self.transport.is_closing():
            self._header_bytes = getattr(self, "_header_bytes", 0) + len(data)
            if self._header_bytes > self.max_header_bytes:
                self._refuse_headers()

    def _refuse_headers(self) -> None:
        self._refuse(b"431 Request Header Fields Too Large", b"E252", b"request line and "
                     b"headers are over %d bytes" % self.max_header_bytes)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to bytes its HTTP parser refuses (a bad request line or header, a
        non-numeric or negative Content-Length, broken chunked encoding), which the app never
        sees: the documented JSON E250 instead of uvicorn's plain text."""
        self._refuse(b"400 Bad Request", b"E250", b"the request is not valid HTTP/1.1 (its "
                     b"request line, a header, Content-Length or chunked encoding)")

    def _refuse(self, status: bytes, code: bytes, message: bytes) -> None:
        """A JSON refusal written before any request reached the app, then the connection is
        closed: where the next request would start is unknown."""
        body = b'{"error":{"code":"%s","message":"%s"}}' % (code, message)
        head = [b"HTTP/1.1 %s\r\n" % status]
        head += [name + b": " + value + b"\r\n" for name, value
                 in self.server_state.default_headers]
        head += [b"content-type: application/json\r\ncontent-length: %d\r\n" % len(body),
                 b"x-content-type-options: nosniff\r\ncache-control: no-store\r\n",
                 b"connection: close\r\n\r\n"]
        self.transport.write(b"".join(head) + body)
        self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._cancel_header_deadline()
        self._header_cycle = self.cycle  # a new request replaces the cycle once its headers end
        self._header_bytes = 0
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_deadline)

    def _cancel_header_deadline(self) -> None:
        timer: Any = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
            self._header_timer = None

    def _header_deadline(self) -> None:
        self._header_timer = None
        if self.cycle is self._header_cycle and not self.transport.is_closing():
            self.transport.close()
