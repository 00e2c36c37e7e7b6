"""An HTTP/1.1 keep-alive connection pool on asyncio, for small JSON POSTs.

Why not httpx's or aiohttp's pool: per call, httpx's request/response model
costs more CPU than the whole exchange over aiohttp, and aiohttp costs ~65 ms to
import (bench/transport.py, bench/startup.py). AWS JSON-protocol calls need
little: POST a body with a Content-Length, read a status, headers and a body
(by Content-Length, chunked, or until close), keep the connection for the next
call. That is what this module does, and no more.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections import deque
from typing import Literal

from ._http import HTTPResponse, SendError, Target

MAX_HEAD_BYTES = 64 * 1024
_HEX = frozenset(b"0123456789abcdefABCDEF")
_NO_BODY_STATUSES = frozenset({204, 304})
_ssl_context: ssl.SSLContext | None = None


def default_ssl_context() -> ssl.SSLContext:
    """Built once per process on first HTTPS use (loading CA certificates takes ~20 ms)."""
    global _ssl_context
    if _ssl_context is None:
        bundle = os.environ.get("AWS_CA_BUNDLE") or None
        _ssl_context = ssl.create_default_context(cafile=bundle)
    return _ssl_context


class _ConnectionLost(Exception):
    def __init__(self, received_nothing: bool, detail: str) -> None:
        self.received_nothing = received_nothing
        super().__init__(detail)


class _ProtocolError(Exception):
    pass


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; carries one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._waiter: asyncio.Future[HTTPResponse] | None = None
        self._buffer = bytearray()
        self._received = 0
        self._status = 0
        self._headers: dict[str, str] = {}
        self._mode: Literal["length", "chunked", "close", "none"] = "none"
        self._length = 0
        self._chunks: list[bytes] = []
        self.keep_alive = True
        self.aborted = False  # closed by us: a close-delimited body is then incomplete

    # -- asyncio.Protocol ------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            self.keep_alive = False  # bytes nobody asked for: this connection cannot be trusted
            self.close()
            return
        self._buffer += data
        self._received += len(data)
        try:
            self._parse()
        except _ProtocolError as exc:
            self.keep_alive = False
            self._fail(exc)
            self.close()

    def eof_received(self) -> bool:
        return False  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if self._mode == "close" and self._status and exc is None and not self.aborted:
            self._finish(bytes(self._buffer))  # a body delimited by a clean close
            return
        detail = f"connection closed ({exc})" if exc else "connection closed by the server"
        waiter.set_exception(_ConnectionLost(self._received == 0, detail))

    # -- use -------------------------------------------------------------------------
    async def request(self, data: bytes) -> HTTPResponse:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        self._waiter = loop.create_future()
        self._buffer.clear()
        self._received = 0
        self._status = 0
        self._headers = {}
        self._mode = "none"
        self._chunks = []
        self.keep_alive = True
        self.transport.write(data)
        return await self._waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        self.closed = True
        self.aborted = True
        if self.transport is not None:
            self.transport.abort()

    # -- parsing ---------------------------------------------------------------------
    def _fail(self, exc: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc)

    def _finish(self, body: bytes) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(HTTPResponse(self._status, self._headers, body))
        # An idle connection must not hold on to its last response.
        self._buffer = bytearray()
        self._chunks = []

    def _parse(self) -> None:
        if not self._status and not self._parse_head():
            return
        buffer = self._buffer
        if self._mode == "length":
            if len(buffer) >= self._length:
                if len(buffer) > self._length:
                    self.keep_alive = False  # more than announced
                self._finish(bytes(buffer[: self._length]))
        elif self._mode == "chunked":
            self._parse_chunks()
        elif self._mode == "none":
            if buffer:
                self.keep_alive = False
            self._finish(b"")

    def _parse_head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD_BYTES:
                raise _ProtocolError("response headers too large")
            return False
        lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
        del self._buffer[: end + 4]
        parts = lines[0].split(" ", 2)
        if (
            len(parts) < 2
            or not parts[0].startswith("HTTP/1.")
            or not (parts[1].isascii() and parts[1].isdigit())
        ):
            raise _ProtocolError(f"not an HTTP/1.x response: {lines[0][:80]!r}")
        status = int(parts[1])
        if 100 <= status < 200:
            return self._parse_head() if self._buffer else False  # skip interim responses
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise _ProtocolError("malformed response header")
            key = name.strip().lower()
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self._status = status
        self._headers = headers
        connection = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        if "close" in connection or parts[0] == "HTTP/1.0":
            self.keep_alive = False
        if status in _NO_BODY_STATUSES:
            self._mode = "none"
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            self._mode = "chunked"
        elif "content-length" in headers:
            # Repeated identical values are allowed (RFC 9110 8.6); anything else is not a length.
            values = {v.strip() for v in headers["content-length"].split(",")}
            value = values.pop() if len(values) == 1 else ""
            if not (value.isascii() and value.isdigit()):
                raise _ProtocolError("bad Content-Length")
            self._length = int(value)
            self._mode = "length"
        else:
            self._mode = "close"
            self.keep_alive = False
        return True

    def _parse_chunks(self) -> None:
        buffer = self._buffer
        while True:
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                return
            digits = bytes(buffer[:line_end]).split(b";", 1)[0].strip()
            if not digits or not set(digits) <= _HEX:
                raise _ProtocolError("bad chunk size")
            size = int(digits, 16)
            if size == 0:
                # The last chunk, then optional trailers, then an empty line.
                end = buffer.find(b"\r\n\r\n", line_end)
                if end >= 0:
                    if len(buffer) > end + 4:
                        self.keep_alive = False  # bytes after the message
                    self._finish(b"".join(self._chunks))
                return
            start = line_end + 2
            if len(buffer) < start + size + 2:
                return
            if not buffer.startswith(b"\r\n", start + size):
                raise _ProtocolError("chunk data not followed by CRLF")
            self._chunks.append(bytes(buffer[start : start + size]))
            del buffer[: start + size + 2]


class ConnectionPool:
    """Keep-alive connections per host, at most ``max_connections`` in use at once."""

    def __init__(self, *, max_connections: int) -> None:
        self._limit = asyncio.Semaphore(max_connections)
        self._idle: dict[tuple[str, str, int], deque[_Connection]] = {}
        self._open: set[_Connection] = set()
        self._closed = False

    async def send(
        self,
        target: Target,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        connect_timeout: float,
        read_timeout: float,
    ) -> HTTPResponse:
        if self._closed:
            raise SendError("closed", "the client is closed")
        head = "".join(f"{name}: {value}\r\n" for name, value in headers)
        data = (
            f"POST {target.path} HTTP/1.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode(
                "latin-1"
            )
            + body
        )
        async with self._limit:
            # A kept-alive connection the server has just closed fails before any byte
            # arrives; that request never reached the service, so it is sent once more.
            for fresh_only in (False, True):
                conn, reused = await self._acquire(target, connect_timeout, fresh_only)
                try:
                    async with asyncio.timeout(read_timeout):
                        response = await conn.request(data)
                except _ConnectionLost as exc:
                    self._discard(conn)
                    if self._closed:
                        raise SendError("closed", "the client was closed") from exc
                    if reused and exc.received_nothing and not fresh_only:
                        continue
                    raise SendError("no-response", str(exc)) from exc
                except _ProtocolError as exc:
                    self._discard(conn)
                    raise SendError("no-response", f"invalid response: {exc}") from exc
                except TimeoutError as exc:
                    self._discard(conn, abort=True)
                    raise SendError(
                        "read-timeout", f"no response from {target.hostname} within {read_timeout}s"
                    ) from exc
                except BaseException:
                    self._discard(
                        conn, abort=True
                    )  # cancelled mid-exchange: the connection is unusable
                    raise
                if conn.keep_alive and not conn.closed and not self._closed:
                    self._idle.setdefault(
                        (target.scheme, target.hostname, target.port), deque()
                    ).append(conn)
                else:
                    self._discard(conn)
                return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def _acquire(
        self, target: Target, connect_timeout: float, fresh_only: bool
    ) -> tuple[_Connection, bool]:
        idle = self._idle.get((target.scheme, target.hostname, target.port))
        while idle and not fresh_only:
            conn = idle.pop()
            if not conn.closed and conn.transport is not None and not conn.transport.is_closing():
                return conn, True
            self._discard(conn)
        loop = asyncio.get_running_loop()
        tls = default_ssl_context() if target.scheme == "https" else None
        try:
            async with asyncio.timeout(connect_timeout):
                _, protocol = await loop.create_connection(
                    _Connection,
                    target.hostname,
                    target.port,
                    ssl=tls,
                    server_hostname=target.hostname if tls else None,
                )
        except TimeoutError as exc:
            raise SendError(
                "connect-timeout",
                f"could not connect to {target.hostname}:{target.port} within {connect_timeout}s",
            ) from exc
        except (OSError, ssl.SSLError) as exc:
            raise SendError(
                "no-response", f"cannot connect to {target.hostname}:{target.port}: {exc}"
            ) from exc
        if self._closed:
            protocol.close()
            raise SendError("closed", "the client was closed")
        self._open.add(protocol)
        return protocol, False

    def _discard(self, conn: _Connection, *, abort: bool = False) -> None:
        self._open.discard(conn)
        if abort:
            conn.abort()
        else:
            conn.close()

    @property
    def open_connections(self) -> int:
        return sum(1 for c in self._open if not c.closed)

    async def aclose(self) -> None:
        """Close every connection; requests in flight fail with a "closed" SendError."""
        self._closed = True
        for conn in list(self._open):
            conn.abort()
        self._open.clear()
        self._idle.clear()
        await asyncio.sleep(0)  # let the transports run connection_lost
