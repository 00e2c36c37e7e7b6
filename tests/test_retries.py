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
from clocks import FakeClock
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
from sm_typed.errors import (
    CallTimeoutError,
    ClientClosedError,
    HTTPClientError,
    ReadTimeoutError,
    ServiceError,
    ThrottlingException,
    ValidationException,
)
from sm_typed_runtime.client import Failure, RetryQuota, StandardRetryStrategy

MODELS = {"Models": []}


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    srv = await FaultServer(default=ok(MODELS)).start()
    yield srv
    await srv.stop()


@pytest.fixture
def no_sleep() -> Iterator[FakeClock]:
    """A clock whose sleeps take no time (and are recorded), at the real wall time."""
    yield FakeClock(wall=time.time())


def make(server: FaultServer, clock: FakeClock | None = None, **options: Any) -> SageMakerClient:
    if clock is not None:
        options["clock"] = clock
    return SageMakerClient(
        region="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        **options,
    )


def full_backoff(quota: RetryQuota | None = None) -> StandardRetryStrategy:
    """Standard retries whose jitter always picks the longest delay: delays are exact."""
    return StandardRetryStrategy(random=lambda: 1.0, quota=quota)


async def test_three_throttles_then_success_takes_four_attempts(
    server: FaultServer, no_sleep: FakeClock
) -> None:
    server.script([throttle(), throttle(), throttle()])
    async with make(server, no_sleep, max_attempts=4, retry_strategy=full_backoff()) as sm:
        out = await sm.list_models()
    assert out.models == []
    assert len(server.requests) == 4
    assert [r.headers["amz-sdk-request"] for r in server.requests] == [
        f"attempt={n}; max=4" for n in range(1, 5)
    ]
    ids = {r.headers["amz-sdk-invocation-id"] for r in server.requests}
    assert len(ids) == 1 and re.fullmatch(r"[0-9a-f-]{36}", ids.pop())
    signatures = {r.headers["authorization"] for r in server.requests}
    assert len(signatures) == 4, "each attempt is signed anew (the clock moved by the backoff)"
    assert no_sleep.sleeps == [1.0, 2.0, 4.0]  # throttling backoff: 1 s base, doubling


async def test_retries_stop_at_max_attempts_and_the_error_says_so(
    server: FaultServer, no_sleep: FakeClock
) -> None:
    server.script([throttle()] * 5)
    async with make(server, no_sleep) as sm:
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
        error("PriorRequestNotComplete", 400),
        error("SlowDown", 400),
        error("LimitExceededException", 400),
        error("SomethingNew", 429),  # a 429 the operation does not model: throttling
        error("ProvisionedThroughputExceededException", 400),
        non_json(503),
        drop(),
        truncated(),
    ],
    ids=lambda s: getattr(s, "__qualname__", "step"),
)
async def test_transient_failures_are_retried(
    server: FaultServer, no_sleep: FakeClock, step: Any
) -> None:
    server.script([step])
    async with make(server, no_sleep) as sm:
        assert (await sm.list_models()).models == []
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("step", "cls"),
    [
        (error("ValidationException", 400), ValidationException),
        (error("ResourceNotFound", 400), ServiceError),
        (server_error(501), ServiceError),
        (error("AccessDeniedException", 403), ServiceError),
        # botocore 1.44 retries InternalError by its status (5xx), not by its code.
        (error("InternalError", 400), ServiceError),
        # A 429 whose code the operation models is the model's to decide (ListModels: none).
    ],
)
async def test_other_errors_are_not_retried(
    server: FaultServer, no_sleep: FakeClock, step: Any, cls: type[ServiceError]
) -> None:
    server.script([step])
    async with make(server, no_sleep) as sm:
        with pytest.raises(cls) as info:
            await sm.list_models()
    assert len(server.requests) == 1
    assert info.value.attempts == 1


@pytest.mark.parametrize(("tokens", "retried"), [(13, False), (14, True)])
async def test_a_non_throttling_retry_costs_fourteen_tokens(
    server: FaultServer, no_sleep: FakeClock, tokens: int, retried: bool
) -> None:
    quota = RetryQuota()
    quota.available = tokens
    server.script([slow(30.0)])
    async with make(server, no_sleep, read_timeout=1.0, retry_strategy=full_backoff(quota)) as sm:
        if retried:
            assert (await sm.list_models()).models == []
            assert quota.available == tokens  # 14 taken by the retry, refunded by the success
        else:
            with pytest.raises(ReadTimeoutError):
                await sm.list_models()
            assert quota.available == tokens
    assert len(server.requests) == (2 if retried else 1)
    assert no_sleep.sleeps == ([0.05] if retried else [])  # the 50 ms non-throttling base


async def test_quota_empties_then_refills_on_success(
    server: FaultServer, no_sleep: FakeClock
) -> None:
    quota = RetryQuota()
    quota.available = 12  # room for two throttling retries (5 tokens each)
    async with make(server, no_sleep, max_attempts=10, retry_strategy=full_backoff(quota)) as sm:
        server.script([throttle()] * 3)
        with pytest.raises(ThrottlingException) as info:
            await sm.list_models()
        assert info.value.attempts == 3  # the first attempt and two retries
        assert quota.available == 2
        server.script([throttle()])
        with pytest.raises(ThrottlingException):
            await sm.list_models()  # no tokens left for a retry
        before = len(server.requests)
        await sm.list_models()  # a first-attempt success adds one token
        assert quota.available == 3
        assert len(server.requests) == before + 1
    assert no_sleep.sleeps == [1.0, 2.0]


def _failure(kind: Any, retry_after: float | None = None) -> Failure:
    error = ServiceError(code="X", message="", status_code=400, request_id=None, operation="Op")
    return Failure(error, kind, retry_after)


def test_backoff_is_full_jitter_exponential_capped_at_20s() -> None:
    top = full_backoff()
    throttled, transient = _failure("throttling"), _failure("transient")
    assert [top.backoff(throttled, n) for n in (1, 2, 5, 6, 30)] == [1.0, 2.0, 16.0, 20.0, 20.0]
    assert [top.backoff(transient, n) for n in (1, 2, 3)] == [0.05, 0.1, 0.2]
    assert top.backoff(transient, 30) == 20.0
    quarter = StandardRetryStrategy(random=lambda: 0.25)
    assert quarter.backoff(throttled, 4) == 2.0
    jittered = StandardRetryStrategy()
    samples = {jittered.backoff(throttled, 3) for _ in range(200)}
    assert all(0 <= s <= 4 for s in samples) and len(samples) > 150


def test_retry_after_raises_the_delay_by_at_most_five_seconds() -> None:
    none = StandardRetryStrategy(random=lambda: 0.0)
    assert none.backoff(_failure("throttling", retry_after=2.0), 1) == 2.0
    assert none.backoff(_failure("throttling", retry_after=60.0), 1) == 5.0  # t_i + 5
    assert full_backoff().backoff(_failure("throttling", retry_after=0.5), 1) == 1.0


def test_quota_arithmetic() -> None:
    quota = RetryQuota()
    assert quota.available == 500
    assert quota.acquire(14) and quota.available == 486
    quota.release(100)
    assert quota.available == 500  # never above capacity
    quota.available = 4
    assert not quota.acquire(5) and quota.available == 4


async def test_clock_skew_is_corrected_and_retried_once(
    server: FaultServer, no_sleep: FakeClock
) -> None:
    server.default = clock(3600, ok(MODELS))  # the server's clock is an hour ahead of ours
    async with make(server, no_sleep) as sm:
        assert (await sm.list_models()).models == []
        assert len(server.requests) == 2
        assert (await sm.list_models()).models == []  # later calls sign with the corrected clock
        assert len(server.requests) == 3
    assert abs(sm._pipeline.state.skew - 3600) < 5  # pyright: ignore[reportPrivateUsage]


async def test_clock_correction_is_retried_once_only(
    server: FaultServer, no_sleep: FakeClock
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
    async with make(server, no_sleep) as sm:
        with pytest.raises(ServiceError) as info:
            await sm.list_models()
    assert info.value.code == "RequestTimeTooSkewed"
    assert len(server.requests) == 2


@pytest.mark.parametrize("date", [None, "now"])
async def test_skew_error_without_a_far_date_is_not_a_clock_problem(
    server: FaultServer, no_sleep: FakeClock, date: str | None
) -> None:
    headers = {"Date": formatdate(time.time(), usegmt=True)} if date else None
    server.script([error("InvalidSignatureException", 400, headers=headers)])
    async with make(server, no_sleep) as sm:
        with pytest.raises(ServiceError) as info:
            await sm.list_models()
    assert info.value.code == "InvalidSignatureException"
    assert len(server.requests) == 1
    assert sm._pipeline.state.skew == 0  # pyright: ignore[reportPrivateUsage]


@pytest.mark.parametrize(
    "date",
    [
        "Fri, 31 Dec 9999 23:59:59 -2359",  # just past year 9999 in UTC
        "Mon, 01 Jan 1900 00:00:00 +0000",
        "Thu, 01 Jan 1970 00:00:00 +0100",  # one hour before the epoch
    ],
)
async def test_a_server_date_outside_four_digit_years_is_not_adopted(
    server: FaultServer, no_sleep: FakeClock, date: str
) -> None:
    server.script([error("RequestTimeTooSkewed", 400, headers={"Date": date})])
    async with make(server, no_sleep) as sm:
        with pytest.raises(ServiceError) as info:
            await sm.list_models()
    assert info.value.code == "RequestTimeTooSkewed"
    assert len(server.requests) == 1  # not retried with a clock nobody runs
    assert sm._pipeline.state.skew == 0  # pyright: ignore[reportPrivateUsage]


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


class LongBackoff(StandardRetryStrategy):
    """Waits 30 s before every retry (on the real clock), and says when it starts to."""

    def __init__(self) -> None:
        super().__init__()
        self.backing_off: list[int] = []

    def backoff(self, failure: Failure, attempt: int) -> float:
        self.backing_off.append(attempt)
        return 30.0


async def test_closing_during_backoff_ends_the_call(server: FaultServer) -> None:
    strategy = LongBackoff()
    backing_off = strategy.backing_off
    server.default = throttle()
    sm = make(server, max_attempts=5, retry_strategy=strategy)
    call = asyncio.create_task(sm.list_models())
    await until(lambda: backing_off == [1])  # the throttle was read; the call waits out 30 s
    await sm.close()
    with pytest.raises(ClientClosedError):
        await asyncio.wait_for(call, timeout=1)
    assert server.request_count == 1


async def test_one_debug_line_per_attempt_and_nothing_louder(
    server: FaultServer, no_sleep: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sm_typed")
    server.script([throttle(), truncated()])
    async with make(server, no_sleep) as sm:
        await sm.list_models()
    lines = [r for r in caplog.records if r.name == "sm_typed"]
    assert [r.levelno for r in lines] == [logging.DEBUG] * 3
    messages = [r.getMessage() for r in lines]
    assert "attempt=1/3 status=400" in messages[0] and "error=ThrottlingException" in messages[0]
    assert "attempt=2/3 status=connection" in messages[1]
    assert "attempt=3/3 status=200" in messages[2]
    assert all("request_id=" in m and "duration=" in m for m in messages)


async def test_connection_errors_give_a_typed_error_after_retries(no_sleep: FakeClock) -> None:
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
    server: FaultServer, no_sleep: FakeClock
) -> None:
    server.default = clock(600, ok(MODELS))
    async with make(server, no_sleep) as sm:
        results = await asyncio.gather(*(sm.list_models() for _ in range(4)))
    assert all(r.models == [] for r in results)


async def test_call_timeout_reports_the_attempts_made(server: FaultServer) -> None:
    server.default = slow(3.0, ok(MODELS))
    async with make(server, call_timeout=0.3) as sm:
        with pytest.raises(CallTimeoutError) as info:
            await sm.list_models()
    assert info.value.attempts == 1
    assert info.value.retry_time >= 0.3
