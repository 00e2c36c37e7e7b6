"""Interceptors: each hook at its stage, headers added before signing, secrets redacted,
a raising hook ends the call (typed, not retried, no connection leaked). Both transports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from botocore_signer import botocore_signature
from fault_server import FaultServer, ok, throttle
from helpers import ACCESS_KEY, SECRET_KEY

from sm_typed import (
    AttemptEnd,
    AttemptStart,
    CallEnd,
    CallStart,
    Interceptor,
    SageMakerClient,
    SignedRequest,
)
from sm_typed.errors import (
    CallTimeoutError,
    ConfigurationError,
    InterceptorError,
    ParamValidationError,
    ThrottlingException,
)
from sm_typed.shapes import CreateModelOutput
from sm_typed_runtime.client import StandardRetryStrategy

TOKEN = "SESSION-TOKEN-secret/+="


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    s = await FaultServer(default=ok({"ModelArn": "arn:m"})).start()
    yield s
    while HTTP_CLIENTS:  # closed on this test's loop: their sockets belong to it
        await HTTP_CLIENTS.pop().aclose()
    await s.stop()


HTTP_CLIENTS: list[httpx.AsyncClient] = []


def make(server: FaultServer, transport: str, **options: Any) -> SageMakerClient:
    kwargs: dict[str, Any] = {
        "region": "us-east-1",
        "endpoint_url": server.url,
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        "aws_session_token": TOKEN,
        "max_attempts": 3,
        **options,
    }
    if transport == "httpx":
        http = httpx.AsyncClient()
        HTTP_CLIENTS.append(http)
        kwargs["http_client"] = http
    return SageMakerClient(**kwargs)


TRANSPORTS = pytest.mark.parametrize("transport", ["pool", "httpx"])


class Recording(Interceptor):
    """Every hook, alternately sync and async, recording what it was shown."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def before_call(self, context: CallStart) -> None:
        self.seen.append(("before_call", (context.operation, context.service, context.input)))
        context.properties["mine"] = 1

    async def before_attempt(self, context: AttemptStart) -> None:
        await asyncio.sleep(0)
        self.seen.append(("before_attempt", (context.attempt, context.request)))

    def after_signing(self, context: SignedRequest) -> None:
        self.seen.append(("after_signing", (context.attempt, context.request)))

    async def after_attempt(self, context: AttemptEnd) -> None:
        self.seen.append(
            (
                "after_attempt",
                (
                    context.attempt,
                    context.status_code,
                    context.request_id,
                    type(context.error),
                    context.duration >= 0,
                ),
            )
        )

    def after_call(self, context: CallEnd) -> None:
        assert context.properties["mine"] == 1  # one dict across the stages of a call
        self.seen.append(
            (
                "after_call",
                (
                    context.output,
                    type(context.error),
                    context.attempts,
                    context.request_id,
                    context.status_code,
                ),
            )
        )

    def stages(self) -> list[str]:
        return [s for s, _ in self.seen]


@TRANSPORTS
async def test_every_hook_runs_at_its_stage_with_what_it_should_see(
    server: FaultServer, transport: str
) -> None:
    server.script([throttle(), ok({"ModelArn": "arn:m"})])
    rec = Recording()
    async with make(server, transport, interceptors=[rec]) as sm:
        out = await sm.create_model(model_name="m")
    assert out == CreateModelOutput(model_arn="arn:m")
    assert rec.stages() == [
        "before_call",
        "before_attempt",
        "after_signing",
        "after_attempt",
        "before_attempt",
        "after_signing",
        "after_attempt",
        "after_call",
    ]
    op, service, given = rec.seen[0][1]
    assert (op, service, type(given).__name__) == ("CreateModel", "SageMaker", "CreateModelInput")
    attempt, request = rec.seen[1][1]
    assert attempt == 1 and request.method == "POST" and request.url == server.url + "/"
    names = [n for n, _ in request.headers]
    assert names == [
        "Host",
        "Content-Type",
        "X-Amz-Target",
        "Accept-Encoding",
        "User-Agent",
        "Content-Length",
    ]
    _, signed = rec.seen[2][1]
    shown = dict(signed.headers)
    assert shown["Authorization"] == "<redacted>"
    assert shown["X-Amz-Security-Token"] == "<redacted>"
    assert shown["X-Amz-Target"] == "SageMaker.CreateModel"
    assert shown["amz-sdk-request"] == "attempt=1; max=3"
    assert rec.seen[3][1] == (1, 400, "fault-request", ThrottlingException, True)
    assert rec.seen[6][1] == (2, 200, "fault-request", type(None), True)
    assert rec.seen[7][1] == (out, type(None), 2, "fault-request", 200)
    # What the server got was signed and carried the token: only the hooks saw it redacted.
    assert server.requests[-1].headers["x-amz-security-token"] == TOKEN
    assert TOKEN not in repr(rec.seen) and SECRET_KEY not in repr(rec.seen)


class Calls(Interceptor):
    """Keeps every context it is shown (contexts may outlive their call)."""

    def __init__(self) -> None:
        self.contexts: list[Any] = []

    def before_call(self, context: CallStart) -> None:
        self.contexts.append(context)

    def before_attempt(self, context: AttemptStart) -> None:
        self.contexts.append(context)

    def after_signing(self, context: SignedRequest) -> None:
        self.contexts.append(context)

    def after_attempt(self, context: AttemptEnd) -> None:
        self.contexts.append(context)

    def after_call(self, context: CallEnd) -> None:
        self.contexts.append(context)


async def test_every_stage_of_a_call_has_its_call_start_as_call(server: FaultServer) -> None:
    server.script([ok({"ModelArn": "arn:1"}), ok({"ModelArn": "arn:2"})])
    kept = Calls()
    async with make(server, "pool", interceptors=[kept]) as sm:
        await sm.create_model(model_name="one")
        await sm.create_model(model_name="two")
    first, second = kept.contexts[:5], kept.contexts[5:]
    for stages in (first, second):
        start = stages[0]
        assert isinstance(start, CallStart) and start.call is start
        assert [type(c).__name__ for c in stages[1:]] == [
            "AttemptStart",
            "SignedRequest",
            "AttemptEnd",
            "CallEnd",
        ]
        assert all(c.call is start for c in stages)
        assert repr(stages[2]) == "SignedRequest(SageMaker.CreateModel)"
    assert first[0] is not second[0]
    assert (first[0].input.model_name, second[0].input.model_name) == ("one", "two")
    assert [c.region for c in (first[0], second[0])] == ["us-east-1", "us-east-1"]


class Signed(Interceptor):
    def __init__(self, tag: bool) -> None:
        self.tag = tag
        self.shown: list[tuple[str, str]] = []

    def before_attempt(self, context: AttemptStart) -> None:
        if self.tag:
            context.add_header("X-Custom-Tag", "t")

    def after_signing(self, context: SignedRequest) -> None:
        self.shown = list(context.request.headers)


@pytest.mark.parametrize("token", [TOKEN, None])
@pytest.mark.parametrize("tag", [False, True])
async def test_the_signed_request_is_shown_whole_with_only_the_secrets_redacted(
    server: FaultServer, token: str | None, tag: bool
) -> None:
    seen = Signed(tag)
    async with make(server, "pool", interceptors=[seen], aws_session_token=token) as sm:
        await sm.create_model(model_name="m")
    sent = server.requests[-1].headers
    names = [n for n, _ in seen.shown]
    # Every header written is shown, in order, each secret's value redacted and no other.
    assert [n.lower() for n in names] == list(sent.keys())
    for name, value in seen.shown:
        hidden = name in ("Authorization", "X-Amz-Security-Token")
        assert value == ("<redacted>" if hidden else sent[name.lower()]), name
    assert ("X-Amz-Security-Token" in names) is (token is not None)
    assert ("X-Custom-Tag" in names) is tag


@TRANSPORTS
async def test_a_header_added_before_signing_is_sent_and_signed(
    server: FaultServer, transport: str
) -> None:
    class Tagger(Interceptor):
        def before_attempt(self, context: AttemptStart) -> None:
            assert context.added == ()
            context.add_header("X-Custom-Tag", f"attempt-{context.attempt}")
            context.add_header("X-Amzn-Trace-Id", "Root=1-abc")
            # What was added, read-only: a header goes in through add_header alone.
            assert context.added == (
                ("X-Custom-Tag", "attempt-1"),
                ("X-Amzn-Trace-Id", "Root=1-abc"),
            )

    async with make(server, transport, interceptors=[Tagger()]) as sm:
        await sm.create_model(model_name="m")
    got = server.requests[-1]
    assert got.headers["x-custom-tag"] == "attempt-1"
    assert got.headers["x-amzn-trace-id"] == "Root=1-abc"
    auth = got.headers["authorization"]
    assert (
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target;"
        "x-custom-tag," in auth
    )  # the trace header stays unsigned, as botocore leaves it
    reference = botocore_signature(
        method="POST",
        url=f"{server.url}/",
        headers={
            "Content-Type": got.headers["content-type"],
            "X-Amz-Target": got.headers["x-amz-target"],
            "X-Amz-Date": got.headers["x-amz-date"],
            "X-Amz-Security-Token": TOKEN,
            "X-Custom-Tag": "attempt-1",
            "X-Amzn-Trace-Id": "Root=1-abc",
        },
        body=got.body,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        token=TOKEN,
        region="us-east-1",
        service="sagemaker",
        amz_date=got.headers["x-amz-date"],
    )
    assert auth.endswith("Signature=" + reference["signature"])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Authorization", "AWS4-HMAC-SHA256 forged"),
        ("host", "evil.example"),
        ("X-Amz-Date", "20240101T000000Z"),
        ("x-amz-security-token", "forged-token-value"),
        ("Content-Length", "0"),
        ("X-Amz-Target", "SageMaker.DeleteModel"),
        ("X-Ok", "a\r\nX-Injected: 1"),
        ("X-Ok", "nul\x00"),
        ("X-Ok", "snow\u2603"),
        ("Bad Name", "value-of-bad-name"),
    ],
)
async def test_a_header_a_hook_may_not_add_is_refused_before_anything_is_sent(
    server: FaultServer, name: str, value: str
) -> None:
    class Bad(Interceptor):
        def before_attempt(self, context: AttemptStart) -> None:
            context.add_header(name, value)

    async with make(server, "pool", interceptors=[Bad()]) as sm:
        with pytest.raises(ParamValidationError) as info:
            await sm.create_model(model_name="m")
    assert server.request_count == 0
    assert value not in str(info.value)  # values are never echoed: they may be secrets


def raising_once_at(stage: str, asynchronous: bool = False) -> Interceptor:
    raised: list[bool] = []

    def boom(self: Interceptor, context: object) -> None:
        if not raised:
            raised.append(True)
            raise RuntimeError(f"hook failed at {stage}")

    async def async_boom(self: Interceptor, context: object) -> None:
        await asyncio.sleep(0)
        boom(self, context)

    hook = async_boom if asynchronous else boom
    return type(f"Raises_{stage}", (Interceptor,), {stage: hook})()


@TRANSPORTS
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "stage", ["before_call", "before_attempt", "after_signing", "after_attempt", "after_call"]
)
async def test_a_raising_hook_ends_the_call_typed_not_retried_and_leaks_no_connection(
    server: FaultServer, transport: str, stage: str, asynchronous: bool
) -> None:
    ended: list[CallEnd] = []

    class Watcher(Interceptor):
        def after_call(self, context: CallEnd) -> None:
            ended.append(context)

    options: dict[str, Any] = {"max_connections": 1, "pool_timeout": 2.0}
    async with make(
        server, transport, interceptors=[raising_once_at(stage, asynchronous), Watcher()], **options
    ) as sm:
        with pytest.raises(InterceptorError) as info:
            await sm.create_model(model_name="m")
        error = info.value
        assert (error.hook, error.operation) == (stage, "CreateModel")
        assert isinstance(error.__cause__, RuntimeError)
        assert f"Raises_{stage}.{stage}" in str(error)
        sent = {"before_call": 0, "before_attempt": 0, "after_signing": 0}.get(stage, 1)
        assert server.request_count == sent  # never retried as if the server had failed
        # The other interceptors' after_call still ran, with the outcome.
        assert len(ended) == 1
        if stage != "after_call":
            assert isinstance(ended[0].error, InterceptorError)
        # The one connection slot is free again (pool_timeout would say otherwise), and
        # the connection itself was kept: nothing half-written was left on it.
        assert (await sm.create_model(model_name="m")).model_arn == "arn:m"
        assert server.connections == 1


@TRANSPORTS
async def test_a_client_closed_while_an_after_signing_hook_waits_writes_nothing(
    server: FaultServer, transport: str
) -> None:
    """The lease is held and the request signed: closing the client must still stop it
    at once, not write it (httpx) or wait out the read timeout on a dead connection."""
    from sm_typed.errors import ClientClosedError

    sm = make(server, transport)

    class Closing(Interceptor):
        async def after_signing(self, context: SignedRequest) -> None:
            await sm.close()

    async with asyncio.timeout(10):  # the read timeout (60 s) would say the fix is gone
        with pytest.raises(ClientClosedError):
            await sm.with_options(interceptors=[Closing()]).create_model(model_name="m")
    assert server.request_count == 0


async def test_a_connection_lost_while_an_after_signing_hook_waits_is_not_written_to(
    server: FaultServer,
) -> None:
    """The server closes the kept-alive connection the attempt holds: nothing is written
    on it, and the attempt is retried (counted) on a new one at once."""
    closing = True

    class ServerClosesIdle(Interceptor):
        async def after_signing(self, context: SignedRequest) -> None:
            nonlocal closing
            if closing:
                closing = False
                await server.close_idle()  # the held connection is idle on the server's side
                await asyncio.sleep(0.1)  # its FIN reaches the client

    async with make(server, "pool") as sm:
        await sm.create_model(model_name="m")  # a kept-alive connection to reuse
        async with asyncio.timeout(10):  # the read timeout (60 s) would say the fix is gone
            raw = await sm.with_options(
                interceptors=[ServerClosesIdle()]
            ).with_raw_response.create_model(model_name="m")
    assert raw.parsed.model_arn == "arn:m"
    assert raw.attempts == 2
    assert server.request_count == 2 and server.connections == 2


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "stage", ["before_call", "before_attempt", "after_signing", "after_attempt", "after_call"]
)
async def test_the_only_hook_of_a_stage_raising_is_an_interceptor_error_with_its_cause(
    server: FaultServer, stage: str, asynchronous: bool
) -> None:
    async with make(server, "pool", interceptors=[raising_once_at(stage, asynchronous)]) as sm:
        with pytest.raises(InterceptorError) as info:
            await sm.create_model(model_name="m")
        assert (info.value.hook, info.value.operation) == (stage, "CreateModel")
        assert isinstance(info.value.__cause__, RuntimeError)
        assert (await sm.create_model(model_name="m")).model_arn == "arn:m"


async def test_hooks_run_in_order_client_ones_first_then_the_views(server: FaultServer) -> None:
    order: list[str] = []

    def named(label: str) -> Interceptor:
        class Named(Interceptor):
            def before_call(self, context: CallStart) -> None:
                order.append(label)

        return Named()

    a = named("a")
    async with make(server, "pool", interceptors=[a, named("b")]) as sm:
        await sm.with_options(interceptors=[named("c"), a]).create_model(model_name="m")
        await sm.create_model(model_name="m")
    assert order == ["a", "b", "c", "a", "b"]  # one registered twice runs once, where it was first


async def test_a_cancelled_call_still_ends_with_after_call(server: FaultServer) -> None:
    from fault_server import slow

    server.script([slow(30.0)])
    rec = Recording()
    async with make(server, "pool", interceptors=[rec]) as sm:
        task = asyncio.create_task(sm.create_model(model_name="m"))
        while server.request_count == 0:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert rec.stages()[-1] == "after_call"
    assert rec.seen[-1][1][1] is asyncio.CancelledError


@pytest.mark.parametrize("where", ["client", "view"])
async def test_after_call_sees_the_call_timeout_error_the_caller_gets(
    server: FaultServer, where: str
) -> None:
    from fault_server import slow

    server.script([throttle(), slow(5.0)])
    ended: list[CallEnd] = []

    class Watcher(Interceptor):
        def before_call(self, context: CallStart) -> None:
            ended.clear()

        def after_call(self, context: CallEnd) -> None:
            ended.append(context)

    options: dict[str, Any] = {"call_timeout": 0.3} if where == "client" else {}
    no_backoff = StandardRetryStrategy(random=lambda: 0.0)
    async with make(
        server, "pool", interceptors=[Watcher()], retry_strategy=no_backoff, **options
    ) as sm:
        calls = sm if where == "client" else sm.with_options(call_timeout=0.3)
        with pytest.raises(CallTimeoutError) as info:
            await calls.create_model(model_name="m")
        # after_call ran outside the deadline: it saw the caller's error, not a cancellation.
        assert [e.error for e in ended] == [info.value]
        assert ended[0].attempts == info.value.attempts == 2
        assert ended[0].status_code is None  # the last attempt had none (not the throttle's)
        server.script([ok({"ModelArn": "arn:m"})])
        assert (await calls.create_model(model_name="m")).model_arn == "arn:m"
        assert ended[0].error is None and ended[0].output is not None


@pytest.mark.parametrize("bad", [[object()], "not-a-list", [Interceptor, Interceptor()]])
def test_interceptors_must_be_interceptor_instances(bad: Any) -> None:
    with pytest.raises(ConfigurationError):
        SageMakerClient(region="us-east-1", interceptors=bad)
    with pytest.raises(ConfigurationError):
        SageMakerClient(region="us-east-1").with_options(interceptors=bad)


async def test_an_interceptor_overriding_nothing_changes_nothing(server: FaultServer) -> None:
    async with make(server, "pool", interceptors=[Interceptor()]) as sm:
        assert (await sm.create_model(model_name="m")).model_arn == "arn:m"


async def test_sync_and_async_hooks_keep_their_order_and_every_after_call_runs(
    server: FaultServer,
) -> None:
    order: list[str] = []

    class Slow(Interceptor):
        async def before_call(self, context: CallStart) -> None:
            await asyncio.sleep(0.01)
            order.append("slow")

        async def after_call(self, context: CallEnd) -> None:
            await asyncio.sleep(0)
            order.append("slow-end")
            raise ValueError("first")

    class Quick(Interceptor):
        def before_call(self, context: CallStart) -> None:
            order.append("quick")

        def after_call(self, context: CallEnd) -> None:
            order.append("quick-end")
            raise KeyError("second")

    async with make(server, "pool", interceptors=[Slow(), Quick()]) as sm:
        with pytest.raises(InterceptorError) as info:
            await sm.create_model(model_name="m")
    # Before hooks in registration order, after hooks in the reverse (layers unwinding);
    # both after_call hooks ran, the first failure is raised.
    assert order == ["slow", "quick", "quick-end", "slow-end"]
    assert info.value.interceptor == "Quick" and isinstance(info.value.__cause__, KeyError)


class _Unprintable(Exception):
    def __str__(self) -> str:
        raise ValueError("no text")


@pytest.mark.parametrize(
    "stage", ["before_call", "before_attempt", "after_signing", "after_attempt", "after_call"]
)
async def test_a_hook_exception_that_cannot_print_is_still_an_interceptor_error(
    server: FaultServer, stage: str
) -> None:
    ended: list[CallEnd] = []

    class Watcher(Interceptor):
        def after_call(self, context: CallEnd) -> None:
            ended.append(context)

    def boom(self: Interceptor, context: object) -> None:
        raise _Unprintable

    raiser = type("Unprintable", (Interceptor,), {stage: boom})()
    async with make(server, "pool", interceptors=[raiser, Watcher()]) as sm:
        with pytest.raises(InterceptorError) as info:
            await sm.create_model(model_name="m")
    assert isinstance(info.value.__cause__, _Unprintable)
    assert "cannot be shown" in str(info.value)
    assert len(ended) == 1  # the other interceptor's after_call still ran


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_an_after_call_that_raises_does_not_swallow_a_cancellation(
    server: FaultServer, asynchronous: bool
) -> None:
    from fault_server import slow

    server.script([slow(5.0)])
    async with make(
        server, "pool", interceptors=[raising_once_at("after_call", asynchronous)]
    ) as sm:
        # The caller's own deadline fires: the hook's failure must not turn it into a result.
        with pytest.raises(TimeoutError) as info:
            async with asyncio.timeout(0.2):
                await sm.create_model(model_name="m")
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]
    cancelled = info.value.__cause__ or info.value.__context__
    assert isinstance(cancelled, asyncio.CancelledError)
    assert any("Raises_after_call.after_call" in note for note in cancelled.__notes__)


@pytest.mark.parametrize(
    ("stage", "sent"), [("before_attempt", 1), ("after_signing", 1), ("after_attempt", 2)]
)
async def test_a_hooks_failure_counts_the_requests_sent(
    server: FaultServer, stage: str, sent: int
) -> None:
    calls: list[int] = []

    def on_second(self: Interceptor, context: AttemptStart) -> None:
        calls.append(context.attempt)
        if context.attempt == 2:
            raise RuntimeError("second attempt")

    ended: list[CallEnd] = []

    class Watcher(Interceptor):
        def after_call(self, context: CallEnd) -> None:
            ended.append(context)

    raiser = type("OnSecond", (Interceptor,), {stage: on_second})()
    server.script([throttle(), ok({"ModelArn": "arn:m"})])
    no_backoff = StandardRetryStrategy(random=lambda: 0.0)
    async with make(
        server, "pool", interceptors=[raiser, Watcher()], retry_strategy=no_backoff
    ) as sm:
        with pytest.raises(InterceptorError) as info:
            await sm.create_model(model_name="m")
    assert server.request_count == sent
    assert info.value.attempts == ended[0].attempts == sent
    assert info.value.retry_time > 0 and ended[0].retry_time == info.value.retry_time


async def test_an_after_call_failure_counts_the_requests_sent(server: FaultServer) -> None:
    server.script([throttle(), ok({"ModelArn": "arn:m"})])
    no_backoff = StandardRetryStrategy(random=lambda: 0.0)
    async with make(
        server, "pool", interceptors=[raising_once_at("after_call")], retry_strategy=no_backoff
    ) as sm:
        with pytest.raises(InterceptorError) as info:
            await sm.create_model(model_name="m")
    assert info.value.attempts == 2 and info.value.retry_time > 0


class _Stop(BaseException):
    """An exit that is not an Exception (as KeyboardInterrupt or a cancellation)."""


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_every_after_call_runs_when_one_raises_an_exit_which_is_raised_after(
    server: FaultServer, kind: str
) -> None:
    ended: list[str] = []

    class Outer(Interceptor):
        def after_call(self, context: CallEnd) -> None:
            ended.append("outer")

    class Stopping(Interceptor):
        def after_call(self, context: CallEnd) -> None:
            ended.append("stopping")
            raise _Stop

    class StoppingLater(Interceptor):
        async def after_call(self, context: CallEnd) -> None:
            await asyncio.sleep(0)
            ended.append("stopping")
            raise _Stop

    class Failing(Interceptor):
        def after_call(self, context: CallEnd) -> None:
            ended.append("failing")
            raise ValueError("a hook's failure")

    inner = Stopping() if kind == "sync" else StoppingLater()
    async with make(server, "pool", interceptors=[Outer(), Failing(), inner]) as sm:
        with pytest.raises(_Stop):  # the exit, not the later hook's failure
            await sm.create_model(model_name="m")
    assert ended == ["stopping", "failing", "outer"]


async def test_call_timeout_bounds_an_async_before_call_hook_and_nothing_is_sent(
    server: FaultServer,
) -> None:
    ended: list[CallEnd] = []

    class Hanging(Interceptor):
        async def before_call(self, context: CallStart) -> None:
            await asyncio.sleep(3600)

        def after_call(self, context: CallEnd) -> None:
            ended.append(context)

    async with make(server, "pool", interceptors=[Hanging()], call_timeout=0.2) as sm:
        with pytest.raises(CallTimeoutError) as info:
            await asyncio.wait_for(sm.create_model(model_name="m"), 10)
    assert server.request_count == 0
    assert info.value.attempts == 0 and [e.error for e in ended] == [info.value]


async def test_time_in_before_call_hooks_counts_toward_the_call_timeout(
    server: FaultServer,
) -> None:
    from fault_server import slow

    class Slow(Interceptor):
        async def before_call(self, context: CallStart) -> None:
            await asyncio.sleep(0.25)

    server.script([slow(0.25, ok({"ModelArn": "arn:m"}))])
    async with make(server, "pool", interceptors=[Slow()], call_timeout=0.4) as sm:
        with pytest.raises(CallTimeoutError) as info:
            await sm.create_model(model_name="m")
    assert info.value.attempts == 1 and info.value.retry_time >= 0.4


@pytest.mark.parametrize("stage", ["before_attempt", "after_signing"])
async def test_a_hook_failing_before_the_first_request_counts_none(
    server: FaultServer, stage: str
) -> None:
    def failing(self: Interceptor, context: Any) -> None:
        raise RuntimeError("first attempt")

    ended: list[CallEnd] = []

    class Watcher(Interceptor):
        def after_call(self, context: CallEnd) -> None:
            ended.append(context)

    raiser = type("Failing", (Interceptor,), {stage: failing})()
    async with make(server, "pool", interceptors=[Watcher(), raiser]) as sm:
        with pytest.raises(InterceptorError) as info:
            await sm.create_model(model_name="m")
    assert server.request_count == 0
    assert info.value.attempts == ended[0].attempts == 0


async def test_a_header_refused_on_a_retry_counts_the_request_sent_before(
    server: FaultServer,
) -> None:
    ended: list[CallEnd] = []

    class BadOnRetry(Interceptor):
        def before_attempt(self, context: AttemptStart) -> None:
            if context.attempt == 2:
                context.add_header("X-Bad", "a\r\nb")

        def after_call(self, context: CallEnd) -> None:
            ended.append(context)

    server.script([throttle(), ok({"ModelArn": "arn:m"})])
    no_backoff = StandardRetryStrategy(random=lambda: 0.0)
    async with make(server, "pool", interceptors=[BadOnRetry()], retry_strategy=no_backoff) as sm:
        with pytest.raises(ParamValidationError) as info:
            await sm.create_model(model_name="m")
    assert server.request_count == 1
    assert info.value.attempts == ended[0].attempts == 1
    assert ended[0].status_code is None  # the refused attempt had no response
