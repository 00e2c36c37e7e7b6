"""A loopback HTTP/1.1 server that misbehaves on purpose, one scripted step per request.

    server = FaultServer(); await server.start()
    server.script([throttle(), throttle(), ok({"Models": []})])

Each request takes the next step (then ``server.default``). It records every
request and counts connections, so tests can check retries, headers and leaks.
Used by the tests and by bench/load.py.
"""

from __future__ import annotations

import asyncio
import calendar
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate

Step = Callable[["Exchange"], Awaitable[bytes | None]]


@dataclass
class Recorded:
    headers: dict[str, str]
    body: bytes
    at: float
    target: str = ""  # the request line's target: "/" direct, an absolute URL through a proxy


@dataclass
class Exchange:
    """One request as a step sees it, and the connection it can break."""

    request: Recorded
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


def response(status: int, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    reason = {200: "OK", 400: "Bad Request", 500: "Internal Server Error"}.get(status, "Status")
    head = {
        "Content-Type": "application/x-amz-json-1.1",
        "x-amzn-RequestId": "fault-request",
        "Content-Length": str(len(body)),
        **(headers or {}),
    }
    lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
    return f"HTTP/1.1 {status} {reason}\r\n{lines}\r\n".encode() + body


def ok(body: object | None = None, status: int = 200) -> Step:
    payload = json.dumps(body if body is not None else {}).encode()

    async def step(_x: Exchange) -> bytes:
        return response(status, payload)

    return step


def error(
    code: str, status: int = 400, message: str = "injected", headers: dict[str, str] | None = None
) -> Step:
    payload = json.dumps({"__type": code, "message": message}).encode()

    async def step(_x: Exchange) -> bytes:
        return response(status, payload, headers)

    return step


def throttle() -> Step:
    return error("ThrottlingException", 400, "Rate exceeded")


def server_error(status: int = 500) -> Step:
    return error("InternalFailure", status, "injected failure")


def non_json(status: int = 503) -> Step:
    async def step(_x: Exchange) -> bytes:
        return response(
            status,
            b"<html><title>Service Unavailable</title></html>",
            {"Content-Type": "text/html"},
        )

    return step


def truncated() -> Step:
    """Announces a body it never finishes, then closes the connection."""

    async def step(_x: Exchange) -> bytes:
        return response(200, b'{"Models": [')[:-3] + b"x"

    step.closes = True  # type: ignore[attr-defined]
    return step


def drop() -> Step:
    """Closes the connection without answering."""

    async def step(_x: Exchange) -> None:
        return None

    return step


def slow(delay: float, then: Step | None = None) -> Step:
    after = then or ok()

    async def step(x: Exchange) -> bytes | None:
        # Wait, but notice when the client gives up and closes the connection.
        eof = asyncio.ensure_future(x.reader.read(1))
        done, _ = await asyncio.wait([eof], timeout=delay)
        if done:
            return None
        eof.cancel()
        await asyncio.gather(eof, return_exceptions=True)  # the reader must be free again
        return await after(x)

    return step


def clock(offset: float, then: Step | None = None) -> Step:
    """A server whose clock runs ``offset`` seconds ahead: it rejects requests signed
    more than 5 minutes away from it, with its Date header, as AWS does."""
    after = then or ok()

    async def step(x: Exchange) -> bytes | None:
        now = time.time() + offset
        signed = calendar.timegm(time.strptime(x.request.headers["x-amz-date"], "%Y%m%dT%H%M%SZ"))
        if abs(signed - now) > 300:
            payload = json.dumps(
                {"__type": "RequestTimeTooSkewed", "message": "Signature expired"}
            ).encode()
            return response(400, payload, {"Date": formatdate(now, usegmt=True)})
        return await after(x)

    return step


@dataclass
class FaultServer:
    default: Step = field(default_factory=ok)
    keep_requests: bool = True  # load runs turn it off: the record would grow without bound
    requests: list[Recorded] = field(default_factory=list)
    request_count: int = 0
    connections: int = 0
    open_connections: int = 0
    port: int = 0
    _steps: deque[Step] = field(default_factory=deque)
    _server: asyncio.Server | None = None
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)
    _idle: set[asyncio.StreamWriter] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, steps: list[Step]) -> None:
        self._steps.extend(steps)

    async def start(self) -> FaultServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=4096)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close_idle(self) -> None:
        """Close every kept-alive connection waiting for its next request, as servers do
        after their idle timeout (the client sees a FIN on an idle connection)."""
        for writer in list(self._idle):
            writer.close()
        await asyncio.sleep(0)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self.connections += 1
        self.open_connections += 1
        try:
            while True:
                self._idle.add(writer)
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                finally:
                    self._idle.discard(writer)
                headers = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                target = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[1]
                recorded = Recorded(headers, body, time.monotonic(), target)
                self.request_count += 1
                if self.keep_requests:
                    self.requests.append(recorded)
                step = self._steps.popleft() if self._steps else self.default
                reply = await step(Exchange(recorded, reader, writer))
                if reply is None:
                    break  # drop the connection without a response
                writer.write(reply)
                await writer.drain()
                if getattr(step, "closes", False):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.open_connections -= 1
            self._handlers.discard(task)
            writer.close()


def faulty(rate: float, seed: int = 0, good: Step | None = None) -> Step:
    """Answers like ``good``, but a ``rate`` share of requests get a random injected fault."""
    import random

    rng = random.Random(seed)
    base = good or ok()
    faults = [throttle(), server_error(500), server_error(503), non_json(502), drop(), truncated()]

    async def step(x: Exchange) -> bytes | None:
        if rng.random() < rate:
            fault = rng.choice(faults)
            reply = await fault(x)
            if getattr(fault, "closes", False) or reply is None:
                x.writer.write(reply or b"")
                await x.writer.drain()
                return None  # close after a truncated body, or drop
            return reply
        return await base(x)

    return step
