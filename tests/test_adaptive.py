"""Adaptive retry mode: the same rates as botocore's limiter, and it slows a throttled client down."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator

import pytest
from botocore.retries import adaptive as boto_adaptive
from botocore.retries import bucket as boto_bucket
from botocore.retries import throttling as boto_throttling
from clocks import FakeClock
from fault_server import FaultServer, ok, throttle

from sm_typed import SageMakerClient
from sm_typed.errors import ConfigurationError
from sm_typed_runtime._adaptive import AdaptiveRateLimiter, TokenBucket
from sm_typed_runtime.client import AdaptiveRetryStrategy, StandardRetryStrategy


class _Detector:
    """botocore's limiter asks a detector; ours is told directly."""

    def __init__(self) -> None:
        self.throttled = False

    def is_throttling_error(self, **_kwargs: object) -> bool:
        return self.throttled


@pytest.mark.parametrize("seed", range(5))
def test_rates_match_botocores_adaptive_limiter(seed: int) -> None:
    rng = random.Random(seed)
    ours_clock, theirs_clock = FakeClock(), FakeClock()
    ours = AdaptiveRateLimiter(clock=ours_clock)
    detector = _Detector()
    theirs = boto_adaptive.ClientRateLimiter(
        rate_adjustor=boto_throttling.CubicCalculator(
            starting_max_rate=0, start_time=theirs_clock.mono
        ),
        rate_clocker=boto_adaptive.RateClocker(theirs_clock),
        token_bucket=boto_bucket.TokenBucket(max_rate=1, clock=theirs_clock),
        throttling_detector=detector,
        clock=theirs_clock,
    )
    for _ in range(400):
        step = rng.choice([0.01, 0.05, 0.2, 0.6])
        ours_clock.advance(step)
        theirs_clock.advance(step)
        detector.throttled = rng.random() < 0.15
        ours.after_response(detector.throttled)
        theirs.on_receiving_response()
        assert ours.enabled == theirs._enabled
        assert ours.rate == pytest.approx(theirs._token_bucket.max_rate, rel=1e-9, abs=1e-12)


async def test_token_bucket_waits_for_tokens_without_blocking_the_loop() -> None:
    bucket = TokenBucket(max_rate=10, clock=time.monotonic, sleep=asyncio.sleep)
    started = time.monotonic()
    for _ in range(6):  # starts empty: about one token per 0.1 s
        await bucket.acquire()
    assert 0.4 <= time.monotonic() - started < 5.0


async def test_token_bucket_sleeps_through_the_injected_clock() -> None:
    clock = FakeClock()
    bucket = TokenBucket(max_rate=10, clock=clock.monotonic, sleep=clock.sleep)
    for _ in range(6):
        await bucket.acquire()
    assert sum(clock.sleeps) == pytest.approx(0.6, abs=0.11)  # no real time passed


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    srv = await FaultServer(default=ok({"Models": []})).start()
    yield srv
    await srv.stop()


async def test_a_throttled_client_turns_the_limiter_on_and_slows_down(
    server: FaultServer,
) -> None:
    strategy = AdaptiveRetryStrategy(random=lambda: 0.0)  # retries without backoff
    async with SageMakerClient(
        region="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        retry_strategy=strategy,
        max_attempts=5,
    ) as sm:
        limiter = strategy.limiter
        assert not limiter.enabled
        for _ in range(20):
            await sm.list_models()  # unthrottled: nothing waits
        assert not limiter.enabled
        server.script([throttle()])
        await sm.list_models()
        assert limiter.enabled
        assert limiter.rate < 20
        started = time.monotonic()
        await sm.list_models()
        assert time.monotonic() - started > 1 / (2 * max(limiter.rate, 0.5)), (
            "the send waited for a token"
        )


def test_retry_mode_is_checked_and_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def strategy(client: SageMakerClient) -> object:
        return client._pipeline.settings.strategy  # pyright: ignore[reportPrivateUsage]

    with pytest.raises(ConfigurationError):
        SageMakerClient(retry_mode="legacy")  # type: ignore[arg-type]
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    assert type(strategy(SageMakerClient())) is AdaptiveRetryStrategy
    monkeypatch.setenv("AWS_RETRY_MODE", "legacy")  # boto3's default: taken as standard
    assert type(strategy(SageMakerClient())) is StandardRetryStrategy
    monkeypatch.setenv("AWS_RETRY_MODE", "bogus")
    with pytest.raises(ConfigurationError, match="bogus"):
        SageMakerClient()
