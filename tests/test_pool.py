"""The built-in HTTP/1.1 connection pool, byte by byte, against real loopback sockets."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from fault_server import Exchange, FaultServer, drop, ok, response, slow

from sm_typed import SageMakerClient
from sm_typed.errors import (
    ClientClosedError,
    ConfigurationError,
    ConnectTimeoutError,
    HTTPClientError,
    ReadTimeoutError,
)
from sm_typed_runtime import _pool

MODELS = b'{"Models": []}'


def raw(data: bytes, close: bool = False) -> Callable[[Exchange], Awaitable[bytes | None]]:
    async def step(x: Exchange) -> bytes | None:
        if close:
            x.writer.write(data)
            await x.writer.drain()
            return None
        return data

    return step


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    srv = await FaultServer(default=ok({"Models": []})).start()
    yield srv
    await srv.stop()


def make(url: str, **options: Any) -> SageMakerClient:
    return SageMakerClient(
        region="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKID",
        aws_secret_access_key="s",
        **options,
    )


async def test_a_request_the_server_read_and_dropped_is_not_resent_behind_the_callers_back(
    server: FaultServer,
) -> None:
    async with make(server.url, max_attempts=1) as sm:
        await sm.list_models()
        server.script([drop()])  # the server reads the request, then closes without answering
        with pytest.raises(HTTPClientError) as info:
            await sm.list_models()
    assert server.request_count == 2, "two calls, two requests: no silent resend"
    assert info.value.attempts == 1


async def test_such_a_request_is_resent_by_the_counted_retry_layer(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sm_typed")
    async with make(server.url, max_attempts=3) as sm:
        await sm.list_models()
        server.script([drop()])
        assert (await sm.list_models()).models == []
    assert server.request_count == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "sm_typed"]
    assert "attempt=1/3 status=connection" in lines[1]  # the lost attempt is counted and logged
    assert "attempt=2/3 status=200" in lines[2]


async def test_an_idle_connection_the_server_closed_is_not_reused(server: FaultServer) -> None:
    async with make(server.url, max_attempts=1) as sm:
        await sm.list_models()
        await server.close_idle()  # the server closes the kept-alive connection (FIN)
        await until(lambda: server.open_connections == 0)
        await asyncio.sleep(0.01)  # the client's loop reads the EOF
        assert (await sm.list_models()).models == []  # on a new connection, first time
    assert server.connections == 2
    assert server.request_count == 2


async def test_keep_alive_timeout_of_the_server_is_honoured(server: FaultServer) -> None:
    # "Keep-Alive: timeout=1": idle longer than that (less a second of margin), it is not reused.
    server.default = raw(
        b"HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 14\r\n\r\n" + MODELS
    )
    async with make(server.url, max_attempts=1) as sm:
        await sm.list_models()
        await sm.list_models()
    assert server.connections == 2


async def test_a_fresh_connection_dropped_is_an_error(server: FaultServer) -> None:
    server.script([drop()])
    async with make(server.url, max_attempts=1) as sm:
        with pytest.raises(HTTPClientError, match="closed"):
            await sm.list_models()


@pytest.mark.parametrize(
    "reply",
    [
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"Mod\r\n9\r\nels": []}\r\n0\r\n\r\n',
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0e;ext=1\r\n{"Models": []}\r\n0\r\nX-Trailer: t\r\n\r\n',
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n" + MODELS,
        b"HTTP/1.1 200 OK\r\ncontent-length: 14\r\nX-Dup: a\r\nX-Dup: b\r\n\r\n" + MODELS,
        b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nContent-Length: 14\r\n\r\n" + MODELS,
    ],
    ids=[
        "chunked",
        "chunked-extension-trailer",
        "interim-100",
        "lower-case-headers",
        "repeated-length",
    ],
)
async def test_response_framings(server: FaultServer, reply: bytes) -> None:
    server.script([raw(reply)])
    async with make(server.url, max_attempts=1) as sm:
        assert (await sm.list_models()).models == []
        assert (await sm.list_models()).models == []  # and the connection is still usable
    assert server.connections == 1


async def test_body_until_close_and_connection_close_are_not_reused(server: FaultServer) -> None:
    server.script(
        [
            raw(b"HTTP/1.1 200 OK\r\n\r\n" + MODELS, close=True),
            raw(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 14\r\n\r\n" + MODELS),
            raw(
                b"HTTP/1.1 200 OK\r\nConnection: Close, x-custom\r\nContent-Length: 14\r\n\r\n"
                + MODELS
            ),
        ]
    )
    async with make(server.url, max_attempts=1) as sm:
        for _ in range(4):
            assert (await sm.list_models()).models == []
    assert server.connections == 4


@pytest.mark.parametrize(
    "reply",
    [
        b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: twelve\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nbroken header line\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (70 * 1024),
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n" + MODELS,
        b"HTTP/1.1 200 OK\r\nContent-Length: +14\r\n\r\n" + MODELS,
        b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nContent-Length: 15\r\n\r\n" + MODELS,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n",
    ],
    ids=[
        "not-http",
        "bad-length",
        "bad-header",
        "bad-chunk",
        "huge-head",
        "negative-length",
        "signed-length",
        "conflicting-lengths",
        "prefixed-chunk-size",
        "chunk-without-crlf",
    ],
)
async def test_malformed_responses_are_typed_errors(server: FaultServer, reply: bytes) -> None:
    server.script([raw(reply, close=False)])
    async with make(server.url, max_attempts=1, read_timeout=2) as sm:
        with pytest.raises(HTTPClientError) as info:
            await sm.list_models()
    assert "invalid response" in str(info.value)


async def test_extra_bytes_after_the_body_retire_the_connection(server: FaultServer) -> None:
    server.script([raw(b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n" + MODELS + b"garbage")])
    async with make(server.url, max_attempts=1) as sm:
        await sm.list_models()
        await sm.list_models()
    assert server.connections == 2


async def test_connect_timeout_is_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    async def never(*_a: Any, **_k: Any) -> Any:
        await asyncio.sleep(10)

    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "create_connection", never)
    async with make("http://10.255.255.1:9", max_attempts=1, connect_timeout=0.1) as sm:
        with pytest.raises(ConnectTimeoutError) as info:
            await sm.list_models()
    assert info.value.operation == "ListModels"


async def test_https_with_a_custom_ca_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(
            next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(
                b":"
            )[1]
        )
        await reader.readexactly(length)
        writer.write(response(200, MODELS))
        await writer.drain()
        writer.close()

    tls_server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
    port = tls_server.sockets[0].getsockname()[1]
    try:
        async with make(f"https://localhost:{port}", max_attempts=1) as sm:
            assert (await sm.list_models()).models == []
        monkeypatch.delenv("AWS_CA_BUNDLE")
        async with make(f"https://localhost:{port}", max_attempts=1) as sm:
            with pytest.raises(HTTPClientError, match="CERTIFICATE_VERIFY_FAILED"):
                await sm.list_models()
    finally:
        tls_server.close()


async def test_a_callers_httpx_client_errors_are_typed_too() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("slow", request=request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    async with make("http://127.0.0.1:9", http_client=http, max_attempts=1) as sm:
        with pytest.raises(ConnectTimeoutError):
            await sm.list_models()

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    http2 = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    async with make("http://127.0.0.1:9", http_client=http2, max_attempts=1) as sm:
        with pytest.raises(ReadTimeoutError):
            await sm.list_models()
    await http.aclose()
    sm = make("http://127.0.0.1:9", http_client=http, max_attempts=1)
    with pytest.raises(ClientClosedError):
        await sm.list_models()
    await http2.aclose()


async def test_connections_are_reused_and_closed_with_the_client(server: FaultServer) -> None:
    sm = make(server.url, max_attempts=1)
    for _ in range(20):
        assert (await sm.list_models()).models == []
    assert server.connections == 1
    server.default = slow(0.2, ok({"Models": []}))  # overlapping calls need more connections
    await asyncio.gather(*(sm.list_models() for _ in range(8)))
    assert 1 < server.connections <= 9
    await sm.close()
    for _ in range(100):
        if server.open_connections == 0:
            break
        await asyncio.sleep(0.01)
    assert server.open_connections == 0
    with pytest.raises(ClientClosedError):
        await sm.list_models()


async def test_a_proxy_in_the_environment_carries_the_request(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool speaks only direct HTTP/1.1, so a configured proxy switches the client to httpx."""
    monkeypatch.setenv("HTTP_PROXY", server.url)
    sm = make("http://sagemaker.invalid:8080", max_attempts=1)
    async with sm:
        assert (await sm.list_models()).models == []
    sent = server.requests[-1]
    assert sent.target == "http://sagemaker.invalid:8080/"  # absolute form: a proxy request
    assert sent.headers["host"] == "sagemaker.invalid:8080"
    assert sent.headers["x-amz-target"] == "SageMaker.ListModels"
    transport = sm._pipeline.state.transport  # pyright: ignore[reportPrivateUsage]
    assert transport._client.is_closed  # type: ignore[attr-defined]  # the client owns it


async def test_no_proxy_hosts_are_sent_direct(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens: using it would fail
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with make(server.url, max_attempts=1) as sm:
        await sm.list_models()
    assert server.requests[-1].target == "/"


async def test_without_proxy_settings_the_pool_sends(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As botocore: ALL_PROXY is not read, and an https proxy does not apply to http.
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:9")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    async with make(server.url, max_attempts=1) as sm:
        await sm.list_models()
        transport = sm._pipeline.state.transport  # pyright: ignore[reportPrivateUsage]
        assert isinstance(transport, _pool.ConnectionPool)
    assert server.requests[-1].target == "/"


@pytest.mark.parametrize(
    ("proxy", "message"),
    [
        ("ftp://user:hunter2@127.0.0.1:9", "cannot use"),
        ("socks5://user:hunter2@127.0.0.1:9", "socks"),
    ],
)
async def test_an_unusable_proxy_is_a_configuration_error_without_its_password(
    monkeypatch: pytest.MonkeyPatch, proxy: str, message: str
) -> None:
    if message == "socks" and importlib.util.find_spec("socksio") is not None:
        pytest.skip("socksio is installed: httpx can use a SOCKS proxy")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    sm = make("http://sagemaker.invalid", max_attempts=1)  # construction never fails on it
    with pytest.raises(ConfigurationError, match=message) as info:
        await sm.list_models()
    assert "hunter2" not in str(info.value)
    await sm.close()


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        await asyncio.sleep(0.005)
