"""Uvicorn's httptools protocol with a bound on the request head: its size and the time it takes to arrive.

The httptools parser has no limit of its own (uvicorn's `h11_max_incomplete_event_size` only applies to
h11), so a megabyte request line or header would be buffered whole before the app could refuse it. Here
bytes reach the parser in pieces no larger than what the current head may still use, so a head over
`MAX_HEADER_BYTES` is answered 431 after at most that many bytes were buffered, and a head still arriving
`HEADER_TIMEOUT_S` after the connection opened (or after its first byte, for later requests on a
keep-alive connection) is answered 408. Body bytes do not count.

The parser says when a request ends, not at which byte: a head that begins inside the piece that also
carried the end of the previous request (pipelining) is counted from the next piece, so it can use at
most twice the limit.
"""

import json
from asyncio import TimerHandle, Transport
from http import HTTPStatus

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from shared.http.headers import SafeHeaders

# Request line plus headers (h11's default, which browsers and proxies stay well inside).
MAX_HEADER_BYTES = 16 * 1024
# From the connection (or the first byte of a later request) to the end of its headers; a slow-header
# (slowloris) client holds a connection no longer than this.
HEADER_TIMEOUT_S = 10.0
# After a refusal the server stops sending and reads (and drops) what the client is still sending for
# this long, so the client sees the answer instead of a reset from closing with unread data.
LINGER_S = 1.0
TOO_LARGE = f"request line and headers exceed the limit of {MAX_HEADER_BYTES} bytes"
TOO_SLOW = f"request line and headers not received within {HEADER_TIMEOUT_S:g} s"


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Refuses a request head larger than `MAX_HEADER_BYTES` (431) or slower than `HEADER_TIMEOUT_S` (408)."""

    def connection_made(self, transport: Transport) -> None:  # type: ignore[override]  # uvicorn narrows it too
        super().connection_made(transport)
        self._in_head = True
        self._head_bytes = 0
        self._refused = False
        self._head_deadline: TimerHandle | None = None
        self._linger: TimerHandle | None = None
        self._refusal: tuple[HTTPStatus, str] | None = None
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        for handle in (self._head_deadline, self._linger):
            if handle is not None:
                handle.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # lingering: what the client still sends is read and dropped
        start = 0
        while start < len(data):
            room = MAX_HEADER_BYTES - self._head_bytes if self._in_head else MAX_HEADER_BYTES
            if room <= 0:
                self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, TOO_LARGE)
                return
            piece = data[start : start + room]
            start += len(piece)
            if self._in_head:
                self._head_bytes += len(piece)  # the parser's callbacks reset it when the head ends
            super().data_received(piece)
            if self.transport.is_closing() or self.transport.get_protocol() is not self:
                return  # a parse error was answered, or the connection was upgraded

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_deadline is None:  # a later request on a keep-alive connection: from its first byte
            self._arm_head_deadline()

    def on_headers_complete(self) -> None:
        self._in_head = False  # the body follows, which does not count
        self._head_bytes = 0
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True  # whatever comes next is the next request's head
        self._head_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._refusal is not None and self.cycle.response_complete and not self.transport.is_closing():
            self._refuse(*self._refusal)

    def _arm_head_deadline(self) -> None:
        self._head_deadline = self.loop.call_later(HEADER_TIMEOUT_S, self._head_too_slow)

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self._in_head and not self._refused:
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, TOO_SLOW)

    def _refuse(self, status: HTTPStatus, detail: str) -> None:
        """Answer with the services' JSON error body, stop reading into the parser, close after lingering."""
        self._refused = True
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        self._refusal = None
        if self.cycle is not None and not self.cycle.response_complete:
            self._refusal = (status, detail)  # answers come in order: after the pipelined ones before it
            return
        body = json.dumps({"detail": detail}, separators=(",", ":")).encode()  # as the apps' JSONResponse
        headers = [
            *self.server_state.default_headers,
            *((name.encode(), value.encode()) for name, value in SafeHeaders.HEADERS),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        head = STATUS_LINE[status] + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n"
        self.transport.write(head + body)
        if not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()
        self.flow.resume_reading()
        self._linger = self.loop.call_later(LINGER_S, self.transport.close)
