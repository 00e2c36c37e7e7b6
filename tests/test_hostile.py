"""Hostile servers and bad inputs, on loopback, against the built-in pool (and httpx where it
applies): every failure is an ``sm_typed.errors`` class, nothing reaches asyncio's
"Fatal error" log, nothing unbounded, no header injection, no secret in a waiting frame."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from clocks import FakeClock
from fault_server import Exchange, FaultServer, ok, response

from sm_typed import Interceptor, SageMakerClient
from sm_typed.errors import (
    ConfigurationError,
    CredentialsError,
    HTTPClientError,
    ParamValidationError,
    ResponseParseError,
    ResponseTooLargeError,
    ServiceError,
    SmTypedError,
)

TOKEN = "canary-token-Zq81"
MODELS = b'{"Models": []}'
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """A loopback server running ``handler`` for every connection (for what FaultServer's
    request/response steps cannot express: trickling, endless bodies, credentials endpoints)."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.connections = 0
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._run, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            await self._handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await reader.readexactly(length)


def raw(data: bytes) -> Callable[[Exchange], Awaitable[bytes | None]]:
    async def step(_x: Exchange) -> bytes:
        return data

    return step


def make(url: str, via: dict[str, Any] | None = None, **options: Any) -> SageMakerClient:
    options.update(via or {})
    options.setdefault("aws_access_key_id", "AKID")
    options.setdefault("aws_secret_access_key", "secret")
    options.setdefault("max_attempts", 1)
    return SageMakerClient(region="us-east-1", endpoint_url=url, **options)


def from_the_environment(url: str) -> SageMakerClient:
    """A client whose credentials come from the environment's chain, with short timeouts."""
    return make(
        url,
        aws_access_key_id=None,
        aws_secret_access_key=None,
        connect_timeout=0.5,
        read_timeout=0.5,
    )


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    srv = await FaultServer(default=ok({"Models": []})).start()
    yield srv
    await srv.stop()


async def no_fatal_errors(call: Awaitable[Any]) -> BaseException | None:
    """Await ``call``; return its exception; fail if the loop's exception handler heard anything."""
    loop = asyncio.get_running_loop()
    heard: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: heard.append(context))
    try:
        await call
    except BaseException as exc:  # noqa: BLE001 - the test inspects it
        return exc
    finally:
        await asyncio.sleep(0.05)  # let transports finish closing
        loop.set_exception_handler(previous)
        assert heard == [], heard
    return None


# -- header injection -------------------------------------------------------------------


@pytest.mark.parametrize("token", ["t\r\nX-Injected: yes", "t\x00nul", "tök€n", "t\nx", "a b"])
def test_an_explicit_token_that_is_not_a_header_value_is_refused(token: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        make("http://127.0.0.1:9", aws_session_token=token)
    assert token not in str(info.value)


@pytest.mark.parametrize("key", ["AK\r\nID", "AKÏD", ""])
def test_an_explicit_key_id_that_is_not_plain_ascii_is_refused(key: str) -> None:
    with pytest.raises(ConfigurationError):
        make("http://127.0.0.1:9", aws_access_key_id=key or "x y")


async def test_a_token_from_the_environment_is_checked_when_loaded(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKID")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN + "\r\nX-Injected: yes")
    async with make(server.url, aws_access_key_id=None, aws_secret_access_key=None) as sm:
        with pytest.raises(CredentialsError) as info:
            await sm.list_models()
    assert TOKEN not in str(info.value)
    assert server.request_count == 0


async def test_a_token_from_credential_process_is_checked_when_loaded(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    script = tmp_path / "creds.py"
    script.write_text(
        "import json\n"
        "print(json.dumps({'Version': 1, 'AccessKeyId': 'AKID', 'SecretAccessKey': 's',"
        f" 'SessionToken': '{TOKEN}\\r\\nX-Injected: yes'}}))\n"
    )
    config = tmp_path / "config"
    config.write_text(f"[profile proc]\ncredential_process = {sys.executable} {script}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    async with make(
        server.url, aws_access_key_id=None, aws_secret_access_key=None, profile="proc"
    ) as sm:
        with pytest.raises(CredentialsError, match="process") as info:
            await sm.list_models()
    assert TOKEN not in str(info.value)
    assert server.request_count == 0


async def test_a_token_from_a_container_credentials_endpoint_is_checked_when_loaded(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps(
        {
            "AccessKeyId": "AKID",
            "SecretAccessKey": "s",
            "Token": TOKEN + "\r\nX-Injected: yes",
            "Expiration": expires,
        }
    ).encode()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(response(200, body, {"Content-Type": "application/json"}))
        await writer.drain()

    async with RawServer(handler) as creds:
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds.url}/creds")
        async with make(server.url, aws_access_key_id=None, aws_secret_access_key=None) as sm:
            with pytest.raises(CredentialsError) as info:
                await sm.list_models()
    assert TOKEN not in str(info.value)
    assert server.request_count == 0


async def test_credential_loading_is_bounded_by_the_client_timeouts(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An endpoint answering a byte every 0.2 s keeps every single read short: only the
    client's bound (connect_timeout + read_timeout) ends the wait."""

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(1000):
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.2)

    async with RawServer(trickle) as creds:
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds.url}/creds")
        started = time.monotonic()
        async with from_the_environment(server.url) as sm:
            with pytest.raises(CredentialsError, match=r"within 1s"):
                await sm.list_models()
            assert time.monotonic() - started < 10
            # The next call joins the same load: no second thread, no second request.
            with pytest.raises(CredentialsError):
                await sm.list_models()
        assert creds.connections == 1
    assert server.request_count == 0


# -- unbounded memory and work ------------------------------------------------------------


TRANSPORTS = pytest.mark.parametrize("transport", ["pool", "httpx"])


@pytest.fixture
async def via(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Any]]:
    """Client options for the test's transport: the built-in pool, or a caller's httpx client
    (closed here, on the test's own event loop)."""
    transport = getattr(request, "param", None) or request.node.callspec.params.get("transport")
    if transport != "httpx":
        yield {}
        return
    async with httpx.AsyncClient() as http:
        yield {"http_client": http}


@TRANSPORTS
async def test_an_announced_two_gib_body_is_refused_at_once(
    server: FaultServer, transport: str, via: dict[str, Any]
) -> None:
    async def announce(x: Exchange) -> bytes | None:
        x.writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n")
        while True:  # and then send it, slowly: the pool refuses before reading, httpx while
            x.writer.write(b"x" * 65536)
            await x.writer.drain()

    server.script([announce])
    async with make(server.url, via, max_attempts=3, max_response_bytes=1 << 20) as sm:
        with pytest.raises(ResponseTooLargeError) as info:
            await sm.list_models()
    assert info.value.attempts == 1, "not retried: the next answer would be as large"
    assert server.request_count == 1


@TRANSPORTS
@pytest.mark.parametrize("framing", ["until-close", "chunked"])
async def test_a_body_that_never_ends_stops_at_max_response_bytes(
    framing: str, transport: str, via: dict[str, Any]
) -> None:
    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        chunked = framing == "chunked"
        writer.write(
            b"HTTP/1.1 200 OK\r\n"
            + (b"Transfer-Encoding: chunked\r\n" if chunked else b"")
            + b"\r\n"
        )
        piece = b"x" * 65536
        while True:
            writer.write(b"10000\r\n" + piece + b"\r\n" if chunked else piece)
            await writer.drain()

    async with (
        RawServer(endless) as srv,
        make(srv.url, via, max_response_bytes=1024 * 1024) as sm,
    ):
        error = await no_fatal_errors(sm.list_models())
    assert isinstance(error, ResponseTooLargeError)
    assert "1048576" in str(error)


async def test_a_chunk_size_line_that_never_ends_is_an_error_not_a_buffer() -> None:
    async def long_line(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1")
        while True:
            writer.write(b";" * 4096)
            await writer.drain()

    async with RawServer(long_line) as srv, make(srv.url) as sm:
        error = await no_fatal_errors(sm.list_models())
    assert isinstance(error, HTTPClientError) and "too long" in str(error)


# -- untyped failures ---------------------------------------------------------------------

DEEP = b"[" * 200_000 + b"]" * 200_000


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (response(200, b'{"Models": ' + DEEP + b"}"), ResponseParseError),
        (response(400, b'{"__type": "X", "deep": ' + DEEP + b"}"), ServiceError),
        (b"HTTP/1.1 100 Continue\r\n\r\n" * 5000 + response(200, MODELS), HTTPClientError),
        (b"HTTP/1.1 " + b"2" * 5000 + b" OK\r\nContent-Length: 0\r\n\r\n", HTTPClientError),
        (b"HTTP/1.1 200 OK\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n", HTTPClientError),
        (b"HTTP/1.1 600 Odd\r\nContent-Length: 14\r\n\r\n" + MODELS, HTTPClientError),
        (b"HTTP/1.1 099 Odd\r\nContent-Length: 14\r\n\r\n" + MODELS, HTTPClientError),
    ],
    ids=["deep-json-ok", "deep-json-error", "many-100", "long-status", "long-length", "600", "099"],
)
async def test_hostile_answers_are_typed_errors_and_never_reach_the_loop(
    server: FaultServer, reply: bytes, expected: type[SmTypedError]
) -> None:
    server.script([raw(reply)])
    async with make(server.url) as sm:
        error = await no_fatal_errors(sm.list_models())
    assert type(error) is expected or isinstance(error, expected), repr(error)


@pytest.mark.parametrize(
    "reply",
    [
        response(200, b'{"Models": ' + DEEP + b"}"),
        response(400, b'{"__type": "X", "deep": ' + DEEP + b"}"),
        b"HTTP/1.1 " + b"2" * 5000 + b" OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n",
        b"HTTP/1.1 600 Odd\r\nContent-Length: 14\r\n\r\n" + MODELS,
        b"HTTP/1.1 200 OK\r\nX: a\x00b\r\nContent-Length: 14\r\n\r\n" + MODELS,
    ],
    ids=["deep-json-ok", "deep-json-error", "long-status", "long-length", "600", "nul"],
)
async def test_through_httpx_hostile_answers_are_typed_too(
    server: FaultServer, reply: bytes
) -> None:
    server.script([raw(reply)])
    async with httpx.AsyncClient() as http, make(server.url, http_client=http) as sm:
        error = await no_fatal_errors(sm.list_models())
    assert isinstance(error, SmTypedError), repr(error)


async def test_a_non_ascii_endpoint_path_is_written_as_it_is_signed(server: FaultServer) -> None:
    async with make(server.url + "/é") as sm:
        await sm.list_models()
    assert server.requests[-1].target == "/%C3%A9"


async def test_an_unreadable_ca_bundle_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for bundle in (tmp_path / "missing.pem", tmp_path / "garbage.pem"):
        if bundle.name == "garbage.pem":
            bundle.write_text("not a certificate")
        monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
        async with make("https://127.0.0.1:9") as sm:
            with pytest.raises(ConfigurationError, match="AWS_CA_BUNDLE"):
                await sm.list_models()


async def test_a_proxy_with_an_impossible_port_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://user:hunter2@127.0.0.1:99999")
    sm = make("http://sagemaker.invalid")
    with pytest.raises(ConfigurationError) as info:
        await sm.list_models()
    assert "hunter2" not in str(info.value)
    await sm.close()


# -- secrets out of waiting frames --------------------------------------------------------


def _frames_of(task: asyncio.Task[Any]) -> Iterator[Any]:
    coro: Any = task.get_coro()
    while coro is not None and hasattr(coro, "cr_frame"):
        if coro.cr_frame is not None:
            yield coro.cr_frame
        coro = coro.cr_await


def _holds(value: object, secret: str, depth: int = 0) -> bool:
    if depth > 3:
        return False
    if isinstance(value, (str, bytes, bytearray)):
        return secret in (value if isinstance(value, str) else value.decode("latin-1"))
    if isinstance(value, (list, tuple)):
        return any(_holds(v, secret, depth + 1) for v in value)  # pyright: ignore[reportUnknownVariableType]
    return False


class _Signing(Interceptor):
    """Sees the signed request (the attempt's fields are then a local of the exchange)."""

    def after_signing(self, context: Any) -> None:
        pass


class _Adding(_Signing):
    """Adds a header too (the fields are then signed by the general signer)."""

    def before_attempt(self, context: Any) -> None:
        context.add_header("x-trace-me", "1")


@pytest.mark.parametrize(
    "interceptors", [[], [_Signing()], [_Adding()]], ids=["no hook", "after_signing", "added"]
)
async def test_no_waiting_frame_holds_the_token_or_the_signed_head(
    interceptors: list[Interceptor],
) -> None:
    released = asyncio.Event()
    seen = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        seen.set()
        await released.wait()
        writer.write(response(200, MODELS))
        await writer.drain()

    async with (
        RawServer(hold) as srv,
        make(srv.url, aws_session_token=TOKEN, interceptors=interceptors) as sm,
    ):
        call = asyncio.create_task(sm.list_models())
        await seen.wait()
        frames = list(_frames_of(call))
        assert len(frames) >= 3  # the generated method, the pipeline, the attempt
        for frame in frames:
            for name, value in frame.f_locals.items():
                assert not _holds(value, TOKEN), f"{frame.f_code.co_name}: {name}"
                assert not _holds(value, "Signature="), f"{frame.f_code.co_name}: {name}"
        released.set()
        assert (await call).models == []


# -- connections: sign last, pool timeout, per-read timeout -------------------------------


async def test_a_request_that_waited_for_a_connection_is_signed_when_it_gets_one() -> None:
    """With one connection, queued calls are signed after the wait: their X-Amz-Date is the
    time they were sent, not the time they were made (past 5 minutes: RequestExpired)."""
    clock = FakeClock(wall=datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    release = asyncio.Event()
    dates: list[str] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            request = await read_request(reader)
            date = next(
                line.split(b":", 1)[1].strip().decode()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"x-amz-date:")
            )
            dates.append(date)
            if len(dates) == 1:
                await release.wait()
            writer.write(response(200, MODELS))
            await writer.drain()

    async with RawServer(serve) as srv, make(srv.url, max_connections=1, clock=clock) as sm:
        calls = [asyncio.create_task(sm.list_models()) for _ in range(4)]
        while not dates:
            await asyncio.sleep(0.005)
        clock.advance(600)  # ten minutes pass while three calls wait for the connection
        release.set()
        await asyncio.gather(*calls)
    assert dates[0] == "20240101T000000Z"
    assert dates[1:] == ["20240101T001000Z"] * 3


async def test_pool_timeout_bounds_the_wait_for_a_connection() -> None:
    release = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await release.wait()
        writer.write(response(200, MODELS))
        await writer.drain()

    async with RawServer(hold) as srv, make(srv.url, max_connections=1, pool_timeout=0.1) as sm:
        first = asyncio.create_task(sm.list_models())
        await asyncio.sleep(0.05)
        with pytest.raises(Exception) as info:
            await sm.describe_model(model_name="m")
        release.set()
        await first
    from sm_typed.errors import PoolTimeoutError

    assert isinstance(info.value, PoolTimeoutError) and isinstance(info.value, TimeoutError)
    assert info.value.operation == "DescribeModel"
    assert srv.connections == 1


async def test_read_timeout_bounds_each_read_and_call_timeout_the_whole() -> None:
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n")
        for byte in MODELS:
            await asyncio.sleep(0.15)
            writer.write(bytes([byte]))
            await writer.drain()

    async with RawServer(trickle) as srv:
        async with make(srv.url, read_timeout=0.5) as sm:  # every read within 0.5 s: fine
            assert (await sm.list_models()).models == []
        from sm_typed.errors import CallTimeoutError, ReadTimeoutError

        async with make(srv.url, read_timeout=0.1) as sm:
            with pytest.raises(ReadTimeoutError, match=r"for 0\.1s"):
                await sm.list_models()
        async with make(srv.url, read_timeout=0.5, call_timeout=0.6) as sm:
            with pytest.raises(CallTimeoutError):
                await sm.list_models()


def test_a_client_used_from_a_second_event_loop_fails_at_once_with_a_clear_error() -> None:
    from sm_typed.errors import EventLoopMismatchError

    async def one_call(sm: SageMakerClient, url: str) -> None:
        await sm.list_models()

    async def main() -> tuple[SageMakerClient, FaultServer]:
        srv = await FaultServer(default=ok({"Models": []})).start()
        sm = make(srv.url)
        await one_call(sm, srv.url)
        return sm, srv

    sm, _ = asyncio.run(main())
    started = time.monotonic()
    with pytest.raises(EventLoopMismatchError, match="one client per event loop"):
        asyncio.run(one_call(sm, ""))
    assert time.monotonic() - started < 1.0


# -- connection reuse stays clean ----------------------------------------------------------


@pytest.mark.parametrize("where", ["head", "body"])
async def test_cancelling_mid_response_retires_the_connection(
    server: FaultServer, where: str
) -> None:
    partial = b"HTTP/1.1 200 OK\r\nContent-Le" if where == "head" else response(200, MODELS)[:-4]
    gate = asyncio.Event()

    async def half(x: Exchange) -> bytes | None:
        x.writer.write(partial)
        await x.writer.drain()
        await gate.wait()
        return None

    server.script([half])
    async with make(server.url) as sm:
        call = asyncio.create_task(sm.list_models())
        while server.request_count == 0:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        gate.set()
        assert (await sm.list_models()).models == []  # a fresh connection, a clean answer
    assert server.connections == 2


async def test_an_answer_before_the_whole_request_was_written_retires_the_connection() -> None:
    """The server answers after the head of a large request and stops reading: the rest
    of that request is still in the client's buffer, and would go before the next one."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"

    async def early(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        await asyncio.sleep(3600)  # reads nothing more: a request after it is never answered

    async with RawServer(early) as srv:
        async with make(srv.url, read_timeout=2.0) as sm:
            # 16 MB: more than loopback's socket buffers hold, so most of it stays unsent.
            await sm.create_pipeline(
                pipeline_name="p",
                role_arn="arn:aws:iam::123456789012:role/r",
                pipeline_definition="x" * 16_000_000,
            )
            await sm.describe_model(model_name="m")  # on a new connection, answered at once
        assert srv.connections == 2


async def test_two_hundred_concurrent_calls_with_cancellations_never_cross_talk(
    server: FaultServer,
) -> None:
    async def echo(x: Exchange) -> bytes:
        await asyncio.sleep(0.001 * (len(x.request.body) % 7))
        name = json.loads(x.request.body)["ModelName"]
        return response(200, json.dumps({"ModelName": name, "ModelArn": name}).encode())

    server.default = echo
    async with make(server.url, max_connections=16) as sm:

        async def one(i: int) -> None:
            out = await sm.describe_model(model_name=f"model-{i:03d}")
            assert out.model_name == f"model-{i:03d}"

        tasks = [asyncio.create_task(one(i)) for i in range(200)]
        await asyncio.sleep(0.01)
        for task in tasks[::7]:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [
        r
        for r in results
        if isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError)
    ]
    assert failures == []


async def test_header_values_from_a_hook_are_checked_where_the_head_is_built() -> None:
    from sm_typed_runtime._head import HeaderError, check_fields

    check_fields([("X-Ok", "value with spaces\tand a tab"), ("X-Latin", "caf\xe9")])
    for name, value in [("X-Bad", "a\r\nb"), ("X-Bad", "nul\x00"), ("Bad Name", "v"), ("X", "€")]:
        with pytest.raises(HeaderError) as info:
            check_fields([(name, value)])
        assert value not in str(info.value) or value == "v"
    assert issubclass(ParamValidationError, SmTypedError)


async def test_httpx_sends_the_same_header_fields_and_body_as_the_pool() -> None:
    seen: list[bytes] = []

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            seen.append(await read_request(reader))
            writer.write(response(200, MODELS))
            await writer.drain()

    clock = FakeClock(wall=datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    async with RawServer(record) as srv:
        async with make(srv.url, clock=clock, aws_session_token="tok") as sm:
            await sm.list_models(name_contains="x")
        async with (
            httpx.AsyncClient() as http,
            make(srv.url, clock=clock, aws_session_token="tok", http_client=http) as sm,
        ):
            await sm.list_models(name_contains="x")

    def fields(request: bytes) -> tuple[bytes, list[tuple[str, str]], bytes]:
        head, _, body = request.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        pairs = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:]]
        kept = sorted((k.lower(), v) for k, v in pairs if k.lower() != "amz-sdk-invocation-id")
        return lines[0].encode(), kept, body  # type: ignore[return-value]

    pool, via_httpx = fields(seen[0]), fields(seen[1])
    assert pool == via_httpx
    assert pool[0] == b"POST / HTTP/1.1"


def test_a_hung_credential_endpoint_does_not_hold_the_programs_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """botocore's provider keeps reading a trickling endpoint after the client gave up on
    it: its thread must not be one ``asyncio.run`` waits for before it returns."""
    import socket
    import threading

    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(50):  # 10 s, unless the test is over first
                if stop.wait(0.2):
                    return
                conn.sendall(b" ")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"http://127.0.0.1:{port}/creds")

    async def program() -> None:
        async with from_the_environment("http://127.0.0.1:9") as sm:
            with pytest.raises(CredentialsError, match=r"within 1s"):
                await sm.list_models()

    try:
        started = time.monotonic()
        asyncio.run(program())
        assert time.monotonic() - started < 3.0  # the endpoint trickles on for 10 s
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
