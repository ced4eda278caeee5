"""A minimal HTTP/1.1 keep-alive client for load generation.

The benchmark shares 2 cores with the services it measures; httpx spends more CPU per request than the
ingest service itself does, so the load generator would be what gets measured. This client writes the
request bytes and reads the status and a Content-Length (or chunked) body, nothing else.
"""

import asyncio
from collections.abc import Mapping
from types import TracebackType
from urllib.parse import quote, urlsplit


class HttpError(Exception):
    pass


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def exchange(self, request: bytes) -> tuple[int, bytes, bool]:
        """(status, body, whether the server keeps the connection open)."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {
            name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])
        }
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return status, body, headers.get("connection", "").lower() != "close"

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await self.reader.readexactly(size + 2))
            if size == 0:
                return b"".join(part[:-2] for part in parts)

    def close(self) -> None:
        self.writer.close()


class HttpClient:
    """Up to `connections` kept-alive connections to one server, each used by one request at a time."""

    def __init__(self, base_url: str, *, headers: Mapping[str, str], connections: int) -> None:
        parts = urlsplit(base_url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in {**headers, "Host": parts.netloc}.items())
        self._idle: asyncio.Queue[_Connection] = asyncio.Queue()
        self._slots = asyncio.Semaphore(connections)
        self._all: list[_Connection] = []

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str | None = None
    ) -> tuple[int, bytes]:
        target = quote(path, safe="/?=&:,")
        extra = f"Content-Type: {content_type}\r\n" if content_type else ""
        head = f"{method} {target} HTTP/1.1\r\n{self._fixed}{extra}Content-Length: {len(body)}\r\n\r\n"
        async with self._slots:
            if not self._idle.empty():
                try:
                    return await self._exchange(self._idle.get_nowait(), head.encode() + body)
                except (ConnectionError, asyncio.IncompleteReadError):
                    pass  # the server closed the idle connection (keep-alive timeout): a fresh one below
            try:
                return await self._exchange(await self._connect(), head.encode() + body)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                raise HttpError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc

    async def _exchange(self, connection: _Connection, request: bytes) -> tuple[int, bytes]:
        try:
            status, answer, keep = await connection.exchange(request)
        except BaseException:
            connection.close()
            raise
        if keep:
            self._idle.put_nowait(connection)
        else:
            connection.close()
        return status, answer

    async def _connect(self) -> _Connection:
        reader, writer = await asyncio.open_connection(self._host, self._port)
        connection = _Connection(reader, writer)
        self._all.append(connection)
        return connection

    async def __aenter__(self) -> "HttpClient":
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for connection in self._all:
            connection.close()
