"""Retries, timeouts, clock skew, cancellation and logging against a server that misbehaves."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from email.utils import formatdate
from typing import Any

import pytest
from fault_server import (
    FaultServer,
    clock,
    drop,
    error,
    non_json,
    ok,
    server_error,
    slow,
    throttle,
    truncated,
)

from sm_typed import SageMakerClient
from sm_typed._runtime import _client as runtime_client
from sm_typed._runtime import _retry
from sm_typed.errors import (
    CallTimeoutError,
    ClientClosedError,
    HTTPClientError,
    ReadTimeoutError,
    ServiceError,
    ThrottlingException,
    ValidationException,
)

MODELS = {"Models": []}


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    srv = await FaultServer(default=ok(MODELS)).start()
    yield srv
    await srv.stop()


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Backoff without waiting; records the attempts it was asked about."""
    asked: list[int] = []

    def fake(attempt: int, rand: Any = None) -> float:
        asked.append(attempt)
        return 0.0

    monkeypatch.setattr(runtime_client, "backoff", fake)
    yield asked


def make(server: FaultServer, **options: Any) -> SageMakerClient:
    return SageMakerClient(
        region="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        **options,
    )


async def test_three_throttles_then_success_takes_four_attempts(
    server: FaultServer, no_sleep: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock_now = [1_700_000_000.0]

    def advancing() -> float:
        clock_now[0] += 1.5
        return clock_now[0]

    monkeypatch.setattr(runtime_client.time, "time", advancing)
    server.script([throttle(), throttle(), throttle()])
    async with make(server, max_attempts=4) as sm:
        out = await sm.list_models()
    assert out.models == []
    assert len(server.requests) == 4
    assert [r.headers["amz-sdk-request"] for r in server.requests] == [
        f"attempt={n}; max=4" for n in range(1, 5)
    ]
    ids = {r.headers["amz-sdk-invocation-id"] for r in server.requests}
    assert len(ids) == 1 and re.fullmatch(r"[0-9a-f-]{36}", ids.pop())
    signatures = {r.headers["authorization"] for r in server.requests}
    assert len(signatures) == 4, "each attempt is signed anew"
    assert no_sleep == [1, 2, 3]


async def test_retries_stop_at_max_attempts_and_the_error_says_so(
    server: FaultServer, no_sleep: list[int]
) -> None:
    server.script([throttle()] * 5)
    async with make(server) as sm:
        with pytest.raises(ThrottlingException) as info:
            await sm.list_models()
    assert len(server.requests) == 3
    assert info.value.attempts == 3
    assert info.value.retry_time > 0
    assert "after 3 attempts" in str(info.value)


@pytest.mark.parametrize(
    "step",
    [
        server_error(500),
        server_error(502),
        server_error(503),
        server_error(504),
        error("RequestTimeout", 400),
        error("RequestTimeoutException", 400),
        error("InternalError", 400),
        error("SlowDown", 400),
        error("ProvisionedThroughputExceededException", 400),
        non_json(503),
        drop(),
        truncated(),
    ],
    ids=lambda s: getattr(s, "__qualname__", "step"),
)
async def test_transient_failures_are_retried(
    server: FaultServer, no_sleep: list[int], step: Any
) -> None:
    server.script([step])
    async with make(server) as sm:
        assert (await sm.list_models()).models == []
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("step", "cls"),
    [
        (error("ValidationException", 400), ValidationException),
        (error("ResourceNotFound", 400), ServiceError),
        (server_error(501), ServiceError),
        (error("AccessDeniedException", 403), ServiceError),
    ],
)
async def test_other_errors_are_not_retried(
    server: FaultServer, no_sleep: list[int], step: Any, cls: type[ServiceError]
) -> None:
    server.script([step])
    async with make(server) as sm:
        with pytest.raises(cls) as info:
            await sm.list_models()
    assert len(server.requests) == 1
    assert info.value.attempts == 1


@pytest.mark.parametrize(("tokens", "retried"), [(9, False), (10, True)])
async def test_read_timeout_retry_costs_ten_tokens(
    server: FaultServer, no_sleep: list[int], tokens: int, retried: bool
) -> None:
    server.script([slow(30.0)])
    async with make(server, read_timeout=1.0) as sm:
        sm._quota.available = tokens
        if retried:
            assert (await sm.list_models()).models == []
            assert sm._quota.available == tokens  # 10 taken by the retry, refunded by the success
        else:
            with pytest.raises(ReadTimeoutError):
                await sm.list_models()
            assert sm._quota.available == 9
    assert len(server.requests) == (2 if retried else 1)


async def test_quota_empties_then_refills_on_success(
    server: FaultServer, no_sleep: list[int]
) -> None:
    async with make(server, max_attempts=10) as sm:
        sm._quota.available = 12  # room for two retries (5 tokens each)
        server.script([throttle()] * 3)
        with pytest.raises(ThrottlingException) as info:
            await sm.list_models()
        assert info.value.attempts == 3  # the first attempt and two retries
        assert sm._quota.available == 2
        server.script([throttle()])
        with pytest.raises(ThrottlingException):
            await sm.list_models()  # no tokens left for a retry
        before = len(server.requests)
        await sm.list_models()  # a first-attempt success adds one token
        assert sm._quota.available == 3
        assert len(server.requests) == before + 1
    assert no_sleep == [1, 2]


def test_backoff_is_full_jitter_exponential_capped_at_20s() -> None:
    assert _retry.backoff(1, lambda: 1.0) == 1.0
    assert _retry.backoff(2, lambda: 1.0) == 2.0
    assert _retry.backoff(5, lambda: 1.0) == 16.0
    assert _retry.backoff(6, lambda: 1.0) == 20.0
    assert _retry.backoff(30, lambda: 1.0) == 20.0
    assert _retry.backoff(4, lambda: 0.25) == 2.0
    samples = {_retry.backoff(3) for _ in range(200)}
    assert all(0 <= s <= 4 for s in samples) and len(samples) > 150


def test_quota_arithmetic() -> None:
    quota = _retry.RetryQuota()
    assert quota.available == 500
    assert quota.acquire(_retry.TIMEOUT_RETRY_COST) and quota.available == 490
    quota.release(100)
    assert quota.available == 500  # never above capacity
    quota.available = 4
    assert not quota.acquire(_retry.RETRY_COST) and quota.available == 4


async def test_clock_skew_is_corrected_and_retried_once(
    server: FaultServer, no_sleep: list[int]
) -> None:
    server.default = clock(3600, ok(MODELS))  # the server's clock is an hour ahead of ours
    async with make(server) as sm:
        assert (await sm.list_models()).models == []
        assert len(server.requests) == 2
        assert (await sm.list_models()).models == []  # later calls sign with the corrected clock
        assert len(server.requests) == 3
    assert abs(sm._clock_offset - 3600) < 5


async def test_clock_correction_is_retried_once_only(
    server: FaultServer, no_sleep: list[int]
) -> None:
    server.script(
        [
            error(
                "RequestTimeTooSkewed",
                400,
                headers={"Date": formatdate(time.time() + 3600, usegmt=True)},
            ),
            error(
                "RequestTimeTooSkewed",
                400,
                headers={"Date": formatdate(time.time() - 3600, usegmt=True)},
            ),
        ]
    )
    async with make(server) as sm:
        with pytest.raises(ServiceError) as info:
            await sm.list_models()
    assert info.value.code == "RequestTimeTooSkewed"
    assert len(server.requests) == 2


@pytest.mark.parametrize("date", [None, "now"])
async def test_skew_error_without_a_far_date_is_not_a_clock_problem(
    server: FaultServer, no_sleep: list[int], date: str | None
) -> None:
    headers = {"Date": formatdate(time.time(), usegmt=True)} if date else None
    server.script([error("InvalidSignatureException", 400, headers=headers)])
    async with make(server) as sm:
        with pytest.raises(ServiceError) as info:
            await sm.list_models()
    assert info.value.code == "InvalidSignatureException"
    assert len(server.requests) == 1
    assert sm._clock_offset == 0


async def test_call_timeout_bounds_the_whole_call(server: FaultServer) -> None:
    server.default = slow(10.0, ok(MODELS))
    started = time.monotonic()
    async with make(server, call_timeout=0.3) as sm:
        with pytest.raises(CallTimeoutError) as info:
            await sm.list_models()
    assert time.monotonic() - started < 5.0  # far below the server's 10 s
    assert info.value.operation == "ListModels"
    assert isinstance(info.value, TimeoutError)


async def test_connect_and_read_timeouts_are_typed(server: FaultServer) -> None:
    server.default = slow(30.0, ok(MODELS))
    async with make(server, read_timeout=0.5, max_attempts=1) as sm:
        with pytest.raises(ReadTimeoutError) as info:
            await sm.list_models()
    assert info.value.operation == "ListModels"


async def test_cancelled_call_releases_its_connection(server: FaultServer) -> None:
    server.default = slow(30.0, ok(MODELS))
    async with make(server) as sm:
        call = asyncio.create_task(sm.list_models())
        await until(lambda: server.request_count == 1)  # in flight: the server has the request
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        for _ in range(100):
            if server.open_connections == 0:
                break
            await asyncio.sleep(0.01)
        assert server.open_connections == 0, "the cancelled request's connection was closed"
        server.default = ok(MODELS)
        assert (await sm.list_models()).models == []


async def test_closing_the_client_ends_calls_in_flight(server: FaultServer) -> None:
    server.default = slow(30.0, ok(MODELS))
    sm = make(server)
    calls = [asyncio.create_task(sm.list_models()) for _ in range(5)]
    await until(lambda: server.request_count == 5)
    started = time.monotonic()
    await sm.close()
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert time.monotonic() - started < 5.0  # not the server's 30 s
    assert all(isinstance(r, ClientClosedError) for r in results), results


async def until(condition: Any, timeout: float = 10.0) -> None:
    """Wait for a condition the server reports (rather than guessing with a sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        await asyncio.sleep(0.005)


async def test_closing_during_backoff_ends_the_call(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    backing_off: list[int] = []

    def long_backoff(attempt: int, rand: Any = None) -> float:
        backing_off.append(attempt)
        return 30.0

    monkeypatch.setattr(runtime_client, "backoff", long_backoff)
    server.default = throttle()
    sm = make(server, max_attempts=5)
    call = asyncio.create_task(sm.list_models())
    await until(lambda: backing_off == [1])  # the throttle was read; the call waits out 30 s
    await sm.close()
    with pytest.raises(ClientClosedError):
        await asyncio.wait_for(call, timeout=1)
    assert server.request_count == 1


async def test_one_debug_line_per_attempt_and_nothing_louder(
    server: FaultServer, no_sleep: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sm_typed")
    server.script([throttle(), truncated()])
    async with make(server) as sm:
        await sm.list_models()
    lines = [r for r in caplog.records if r.name == "sm_typed"]
    assert [r.levelno for r in lines] == [logging.DEBUG] * 3
    messages = [r.getMessage() for r in lines]
    assert "attempt=1/3 status=400" in messages[0] and "error=ThrottlingException" in messages[0]
    assert "attempt=2/3 status=no-response" in messages[1]
    assert "attempt=3/3 status=200" in messages[2]
    assert all("request_id=" in m and "duration=" in m for m in messages)


async def test_connection_errors_give_a_typed_error_after_retries(no_sleep: list[int]) -> None:
    from examples_port import closed_port

    async with SageMakerClient(
        region="us-east-1",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
    ) as sm:
        with pytest.raises(HTTPClientError) as info:
            await sm.list_models()
    assert info.value.attempts == 3


async def test_concurrent_calls_all_recover_from_one_clock_skew(
    server: FaultServer, no_sleep: list[int]
) -> None:
    server.default = clock(600, ok(MODELS))
    async with make(server) as sm:
        results = await asyncio.gather(*(sm.list_models() for _ in range(4)))
    assert all(r.models == [] for r in results)


async def test_call_timeout_reports_the_attempts_made(server: FaultServer) -> None:
    server.default = slow(3.0, ok(MODELS))
    async with make(server, call_timeout=0.3) as sm:
        with pytest.raises(CallTimeoutError) as info:
            await sm.list_models()
    assert info.value.attempts == 1
    assert info.value.retry_time >= 0.3
