"""The built-in transport: an HTTP/1.1 keep-alive pool on asyncio, for small JSON POSTs.

Why not httpx's or aiohttp's pool: per call, httpx's request/response model costs
more CPU than the whole exchange over aiohttp, and aiohttp costs ~65 ms to import
(bench/transport.py, bench/startup.py). AWS JSON-protocol calls need little: POST a
body, read a response, keep the connection.

The pool hands out connection *slots* (at most ``max_connections`` held at once, FIFO
for waiters, ``pool_timeout`` bounding the wait) and reuses idle connections only
when nothing was seen on them since their last response and the server's
``Keep-Alive: timeout`` has not run out. It never sends a request twice: a request
that may have reached the server and got no answer is the retry layer's to resend.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections import deque

from ._connection import Connection
from ._lifecycle import Lifecycle
from ._transport import Target, Timeouts, TransportError, default_ssl_context

# An idle connection older than this is closed rather than reused: servers and load
# balancers drop idle connections (often at 60 s) without a FIN we would have seen.
MAX_IDLE_SECONDS = 30.0


class ConnectionPool:
    def __init__(
        self, *, max_connections: int, max_response_bytes: int, lifecycle: Lifecycle
    ) -> None:
        self._free = max_connections
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._idle: dict[str, list[Connection]] = {}
        self._open: set[Connection] = set()
        self._max_body = max_response_bytes
        self._lifecycle = lifecycle
        # Connections waiting for an answer, and the watchdog that enforces read_timeout
        # on them: one timer per pool, not one per request.
        self._busy: set[Connection] = set()
        self._watchdog: asyncio.TimerHandle | None = None
        self._watchdog_every = 0.0

    @property
    def closed(self) -> bool:
        return self._lifecycle.closed

    @property
    def open_connections(self) -> int:
        return sum(1 for c in self._open if not c.dead)

    # -- acquiring -----------------------------------------------------------------------
    def try_acquire(self, target: Target, timeouts: Timeouts) -> Connection | None:
        if self._free <= 0 or self._waiters or self._lifecycle.closed:
            return None
        conn = self._reuse(target)
        if conn is not None:
            self._free -= 1
            conn.read_timeout = timeouts.read
            conn.read_check = timeouts.read_check
        return conn

    async def acquire(self, target: Target, timeouts: Timeouts) -> Connection:
        if self._lifecycle.closed:
            raise TransportError("closed", "the client is closed")
        await self._take_slot(timeouts.pool)
        try:
            conn = self._reuse(target) or await self._connect(target, timeouts.connect)
        except BaseException:
            self._give_slot()
            raise
        conn.read_timeout = timeouts.read
        conn.read_check = timeouts.read_check
        return conn

    def _reuse(self, target: Target) -> Connection | None:
        """An idle connection that is safe to reuse: nothing seen on it since its last
        response, and neither our idle limit nor the server's Keep-Alive timeout run out."""
        idle = self._idle.get(target.origin)
        if not idle:
            return None
        now = time.monotonic()
        while idle:
            conn = idle.pop()  # the most recent first: the likeliest to be alive
            transport = conn.transport
            age = now - conn.last_read
            limit = conn.idle_limit
            if (
                not conn.dead
                and transport is not None
                and not transport.is_closing()
                and age < MAX_IDLE_SECONDS
                # A second of margin: a server closing at its timeout races our request.
                and (limit is None or age < limit - 1.0)
            ):
                return conn
            self._close(conn)
        return None

    async def _take_slot(self, timeout: float | None) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            if timeout is None:
                await waiter
            else:
                async with asyncio.timeout(timeout):
                    await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._give_slot()  # handed a slot just as we gave up: pass it on
            if isinstance(exc, TimeoutError):
                raise TransportError(
                    "pool-timeout", f"no connection became free within {timeout:g}s"
                ) from None
            raise
        if self._lifecycle.closed:
            self._give_slot()
            raise TransportError("closed", "the client was closed")

    async def _connect(self, target: Target, timeout: float) -> Connection:
        loop = asyncio.get_running_loop()
        tls = default_ssl_context() if target.scheme == "https" else None
        where = f"{target.hostname}:{target.port}"
        try:
            async with asyncio.timeout(timeout):
                _, conn = await loop.create_connection(
                    lambda: Connection(self, target.origin, target.hostname, self._max_body),
                    target.hostname,
                    target.port,
                    ssl=tls,
                    server_hostname=target.hostname if tls else None,
                )
        except TimeoutError:
            raise TransportError(
                "connect-timeout", f"could not connect to {where} within {timeout:g}s"
            ) from None
        except (OSError, ssl.SSLError) as exc:
            raise TransportError("connect", f"cannot connect to {where}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - every failure a caller sees is typed
            raise TransportError(
                "connect", f"cannot connect to {where}: {type(exc).__name__}"
            ) from None
        if self._lifecycle.closed:
            conn.retire(abort=True)
            raise TransportError("closed", "the client was closed")
        self._open.add(conn)
        return conn

    # -- giving back ---------------------------------------------------------------------
    def release(self, conn: Connection) -> None:
        """End a lease: keep the connection for the next request if it is clean."""
        if conn.dead or self._lifecycle.closed:
            self._close(conn)
        else:
            idle = self._idle.get(conn.origin)
            if idle is None:
                self._idle[conn.origin] = [conn]
            else:
                idle.append(conn)  # idle since its last bytes: conn.last_read
        if self._waiters:
            self._give_slot()
        else:
            self._free += 1

    # -- read timeouts -------------------------------------------------------------------
    def watch(self, conn: Connection) -> None:
        self._busy.add(conn)
        if self._watchdog is None:
            self._schedule(conn.read_check)
        elif conn.read_check < self._watchdog_every:
            self._watchdog.cancel()  # a view with a shorter read_timeout: look sooner
            self._schedule(conn.read_check)

    def unwatch(self, conn: Connection) -> None:
        self._busy.discard(conn)

    def _schedule(self, interval: float) -> None:
        self._watchdog_every = interval
        self._watchdog = asyncio.get_running_loop().call_later(interval, self._check_reads)

    def _check_reads(self) -> None:
        self._watchdog = None
        busy = self._busy
        if not busy:
            return
        now = time.monotonic()
        for conn in list(busy):
            conn.read_timed_out(now)
        if busy:
            self._schedule(min(c.read_check for c in busy))

    def _give_slot(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes to the longest waiter
                return
        self._free += 1

    def _close(self, conn: Connection) -> None:
        self._open.discard(conn)
        conn.retire()

    async def aclose(self) -> None:
        """Abort every connection (calls in flight fail) and every wait for a slot."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        for conn in list(self._open):
            with contextlib.suppress(RuntimeError):  # its loop is closed: nothing to abort
                conn.retire(abort=True)
        self._open.clear()
        self._idle.clear()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(TransportError("closed", "the client was closed"))
        await asyncio.sleep(0)  # let the transports run connection_lost
