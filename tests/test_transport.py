"""The default transport over real loopback sockets: reuse, timeouts, broken responses, close."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from sm_typed import SageMakerClient
from sm_typed.errors import HTTPClientError, ReadTimeoutError

OK = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
    b'x-amzn-RequestId: r\r\nContent-Length: 13\r\n\r\n{"Models":[]}'
)


@dataclass
class Server:
    port: int = 0
    connections: int = 0
    open_connections: int = 0
    behaviour: Callable[[int], bytes | None] = lambda _n: OK
    requests: int = 0
    handlers: set[asyncio.Task[None]] = field(default_factory=set)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.handlers.add(task)
        self.connections += 1
        self.open_connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.lower().split(b"\r\n")
                    if line.startswith(b"content-length:")
                )
                await reader.readexactly(length)
                self.requests += 1
                reply = self.behaviour(self.requests)
                if reply is None:  # hang: never answer
                    await asyncio.sleep(3600)
                writer.write(reply)
                await writer.drain()
                if not reply.endswith(b"}"):  # a truncated response: drop the connection
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.open_connections -= 1
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server()
    listener = await asyncio.start_server(srv.handle, "127.0.0.1", 0)
    srv.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield srv
        listener.close()
        # Python 3.12+ waits for open connections on close; end the hanging handlers.
        for task in srv.handlers:
            task.cancel()
        await asyncio.gather(*srv.handlers, return_exceptions=True)


def make(srv: Server, **options: float) -> SageMakerClient:
    return SageMakerClient(
        region="us-east-1",
        endpoint_url=f"http://127.0.0.1:{srv.port}",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        max_attempts=1,  # one attempt: these tests are about a single request's fate
        **options,
    )


async def test_connections_are_reused_and_closed_with_the_client(server: Server) -> None:
    sm = make(server)
    for _ in range(20):
        assert (await sm.list_models()).models == []
    assert server.connections == 1
    await asyncio.gather(*(sm.list_models() for _ in range(8)))
    assert server.open_connections >= 1
    await sm.close()
    for _ in range(100):
        if server.open_connections == 0:
            break
        await asyncio.sleep(0.01)
    assert server.open_connections == 0


async def test_read_timeout_is_typed_and_names_the_operation(server: Server) -> None:
    server.behaviour = lambda _n: None
    async with make(server, read_timeout=0.2) as sm:
        with pytest.raises(ReadTimeoutError) as info:
            await sm.list_models()
    assert info.value.operation == "ListModels"
    assert isinstance(info.value, TimeoutError)


async def test_truncated_response_is_a_typed_error(server: Server) -> None:
    server.behaviour = lambda _n: OK[:-5]
    async with make(server) as sm:
        with pytest.raises(HTTPClientError) as info:
            await sm.list_models()
    assert info.value.operation == "ListModels"


async def test_calls_after_close_fail_clearly(server: Server) -> None:
    from sm_typed.errors import ClientClosedError

    sm = make(server)
    await sm.list_models()
    await sm.close()
    with pytest.raises(ClientClosedError):
        await sm.list_models()
