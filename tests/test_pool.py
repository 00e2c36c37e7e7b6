"""The built-in HTTP/1.1 connection pool, byte by byte, against real loopback sockets."""

from __future__ import annotations

import asyncio
import importlib.util
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from fault_server import Exchange, FaultServer, drop, ok, response, slow

from sm_typed import SageMakerClient
from sm_typed._runtime import _pool
from sm_typed.errors import (
    ClientClosedError,
    ConfigurationError,
    ConnectTimeoutError,
    HTTPClientError,
    ReadTimeoutError,
)

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


async def test_a_kept_alive_connection_closed_by_the_server_is_replaced_silently(
    server: FaultServer,
) -> None:
    async with make(server.url, max_attempts=1) as sm:
        await sm.list_models()
        server.script([drop()])  # the server drops the kept-alive connection without answering
        assert (await sm.list_models()).models == []
    assert server.connections == 2
    assert server.request_count == 3


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
    monkeypatch.setattr(_pool, "_ssl_context", None)

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
        monkeypatch.setattr(_pool, "_ssl_context", None)
        monkeypatch.delenv("AWS_CA_BUNDLE")
        async with make(f"https://localhost:{port}", max_attempts=1) as sm:
            with pytest.raises(HTTPClientError, match="CERTIFICATE_VERIFY_FAILED"):
                await sm.list_models()
    finally:
        tls_server.close()
        monkeypatch.setattr(_pool, "_ssl_context", None)


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
    assert sm._sender._client.is_closed  # type: ignore[attr-defined]  # the client owns it


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
        assert isinstance(sm._sender, _pool.ConnectionPool)  # pyright: ignore[reportPrivateUsage]
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
