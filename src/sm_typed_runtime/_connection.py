"""One HTTP/1.1 connection on asyncio: write a request, feed the answer to the parser.

Nothing escapes the protocol callbacks: whatever the bytes, a waiting call gets a
response or a `TransportError`, and asyncio's loop never logs a "Fatal error".
``read_timeout`` bounds each wait for data, as botocore's socket timeout does (the
pool's watchdog checks it; no timer is made per request); the call's own deadline
(``call_timeout``) bounds the whole.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._head import HeadPrefix, encode_request
from ._http11 import BodyTooLarge, ProtocolError, ResponseParser
from ._transport import HTTPResponse, TransportError

if TYPE_CHECKING:
    from ._pool import ConnectionPool


class Connection(asyncio.Protocol):
    """A kept-alive connection of a `ConnectionPool`; while leased, it is the `Lease`."""

    def __init__(self, pool: ConnectionPool, origin: str, hostname: str, max_body: int) -> None:
        self._pool = pool
        self.origin = origin
        self._hostname = hostname
        self._max_body = max_body
        self._loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self._parser: ResponseParser | None = None
        self._waiter: asyncio.Future[HTTPResponse] | None = None
        self.read_timeout = 60.0
        self.read_check = 1.0  # how often the pool's watchdog looks at this connection
        self.last_read = 0.0  # monotonic time of the request's write or its latest bytes
        # Set once this connection must never carry another request: closed, EOF seen,
        # stray bytes, a response that said so. One flag, read by the pool before reuse.
        self.dead = False
        self.idle_limit: float | None = None  # the server's Keep-Alive timeout

    # -- asyncio.Protocol ------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a stream transport
        self.last_read = time.monotonic()  # idle since now, if released before any request

    def data_received(self, data: bytes) -> None:
        waiter = self._waiter
        parser = self._parser
        if waiter is None or parser is None or waiter.done():
            self.retire()  # bytes nobody asked for: this connection cannot be trusted
            return
        self.last_read = time.monotonic()
        try:
            response = parser.feed(data)
        except BodyTooLarge as exc:
            self._fail(TransportError("too-large", str(exc)))
            return
        except ProtocolError as exc:
            self._fail(TransportError("connection", f"invalid response: {exc}"))
            return
        except Exception as exc:  # noqa: BLE001 - nothing may escape into the event loop
            self._fail(TransportError("connection", f"unreadable response ({type(exc).__name__})"))
            return
        if response is not None:
            self._complete(response)

    def eof_received(self) -> bool:
        self.dead = True
        waiter = self._waiter
        parser = self._parser
        if waiter is not None and parser is not None and not waiter.done():
            try:
                response = parser.feed_eof()
            except ProtocolError as exc:
                self._fail(TransportError("connection", str(exc)))
            else:
                if response is not None:
                    self._complete(response)
        return False  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.dead = True
        self._pool.unwatch(self)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            if self._pool.closed:
                waiter.set_exception(TransportError("closed", "the client was closed"))
                return
            why = f" ({type(exc).__name__}: {exc})" if exc else ""
            waiter.set_exception(
                TransportError("connection", f"the connection to {self._hostname} was lost{why}")
            )

    # -- the lease -------------------------------------------------------------------
    def send(self, prefix: HeadPrefix, fields: Sequence[tuple[str, str]], body: bytes) -> None:
        transport = self.transport
        assert transport is not None
        self._parser = ResponseParser(self._max_body)
        self._waiter = waiter = self._loop.create_future()
        if self.dead:  # lost while its lease was held (a hook ran): the request is not written
            waiter.set_exception(
                TransportError("closed", "the client was closed")
                if self._pool.closed
                else TransportError(
                    "connection", f"the connection to {self._hostname} closed before the request"
                )
            )
            return
        self.last_read = time.monotonic()
        self._pool.watch(self)
        # Built and written here, in a frame that returns before the wait: the signed
        # head (session token included) is not a local of any frame that awaits.
        transport.write(encode_request(prefix, fields, body))

    def receive(self) -> asyncio.Future[HTTPResponse]:
        assert self._waiter is not None
        return self._waiter

    def release(self) -> None:
        self._pool.release(self)

    def discard(self) -> None:
        self.retire(abort=True)
        self._pool.release(self)

    # -- internals -------------------------------------------------------------------
    def _complete(self, response: HTTPResponse) -> None:
        self._pool.unwatch(self)
        parser = self._parser
        assert parser is not None and self._waiter is not None
        transport = self.transport
        if not parser.keep_alive or (transport is not None and transport.get_write_buffer_size()):
            # Answered before the whole request was written (the server stopped reading):
            # the rest of it would go before the next request.
            self.dead = True
        self.idle_limit = parser.idle_timeout
        self._parser = None
        self._waiter.set_result(response)

    def _fail(self, error: TransportError) -> None:
        self._pool.unwatch(self)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(error)
        self.retire(abort=True)

    def read_timed_out(self, now: float) -> bool:
        """The watchdog's question: waiting, and nothing read for ``read_timeout``?"""
        waiter = self._waiter
        if waiter is None or waiter.done() or now - self.last_read < self.read_timeout:
            return False
        self._fail(
            TransportError(
                "read-timeout", f"no data from {self._hostname} for {self.read_timeout:g}s"
            )
        )
        return True

    def retire(self, *, abort: bool = False) -> None:
        self.dead = True
        self._pool.unwatch(self)
        if self.transport is not None:
            if abort:
                self.transport.abort()
            else:
                self.transport.close()
