"""AWS "adaptive" retry mode: a client-side send-rate limiter driven by throttling.

The same algorithm as botocore's adaptive mode (CUBIC rate adjustment, a
smoothed measure of the send rate, a token bucket), with an asyncio bucket that
waits without blocking the loop. Until the service first throttles, nothing is
limited; after that, every attempt takes a token. tests/test_adaptive.py checks
the rates against botocore's own implementation.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from ._clock import SYSTEM_CLOCK, Clock
from ._retry import RetryQuota, StandardRetryStrategy

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class CubicCalculator:
    """The CUBIC congestion-control curve, as a send rate (requests per second)."""

    SCALE_CONSTANT = 0.4
    BETA = 0.7

    def __init__(self, starting_max_rate: float, start_time: float) -> None:
        self._w_max = starting_max_rate
        self._k = self._zero_point()
        self._last_fail = start_time

    def _zero_point(self) -> float:
        return float((self._w_max * (1 - self.BETA) / self.SCALE_CONSTANT) ** (1 / 3))

    def success_received(self, timestamp: float) -> float:
        return self.SCALE_CONSTANT * (timestamp - self._last_fail - self._k) ** 3 + self._w_max

    def error_received(self, current_rate: float, timestamp: float) -> float:
        self._w_max = current_rate
        self._k = self._zero_point()
        self._last_fail = timestamp
        return current_rate * self.BETA


class RateClocker:
    """The client's measured send rate, smoothed over half-second buckets."""

    SMOOTHING = 0.8
    BUCKET_SECONDS = 0.5

    def __init__(self, clock: Now) -> None:
        self._clock = clock
        self._measured = 0.0
        self._count = 0
        self._last_bucket = float(math.floor(clock()))

    def record(self) -> float:
        scale = 1 / self.BUCKET_SECONDS
        bucket = math.floor(self._clock() * scale) / scale
        self._count += 1
        if bucket > self._last_bucket:
            current = self._count / (bucket - self._last_bucket)
            self._measured = current * self.SMOOTHING + self._measured * (1 - self.SMOOTHING)
            self._count = 0
            self._last_bucket = bucket
        return self._measured


class TokenBucket:
    """Tokens refill at ``max_rate`` per second; ``acquire`` waits for one."""

    MIN_RATE = 0.5

    def __init__(self, max_rate: float, clock: Now, sleep: Sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._capacity = 0.0
        self._last: float | None = None
        self._fill_rate = self.MIN_RATE
        self._max_capacity = 1.0
        self.max_rate = max_rate

    @property
    def max_rate(self) -> float:
        return self._fill_rate

    @max_rate.setter
    def max_rate(self, value: float) -> None:
        self._refill()
        self._fill_rate = max(value, self.MIN_RATE)
        self._max_capacity = value if value >= 1 else 1.0
        self._capacity = min(self._capacity, self._max_capacity)

    def _refill(self) -> None:
        now = self._clock()
        if self._last is None:
            self._last = now
            return
        self._capacity = min(
            self._max_capacity, self._capacity + (now - self._last) * self._fill_rate
        )
        self._last = now

    async def acquire(self) -> None:
        self._refill()
        while self._capacity < 1 - 1e-9:  # (float error must not make it spin on tiny sleeps)
            await self._sleep((1 - self._capacity) / self._fill_rate)
            self._refill()
        self._capacity -= 1


class AdaptiveRateLimiter:
    """One per client: ``before_send`` may wait; ``after_response`` adjusts the rate."""

    MAX_RATE_ADJUST_SCALE = 2.0

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        now = clock.monotonic
        self._clock = now
        self._cubic = CubicCalculator(starting_max_rate=0, start_time=now())
        self._bucket = TokenBucket(max_rate=1, clock=now, sleep=clock.sleep)
        self._clocker = RateClocker(now)
        self.enabled = False

    @property
    def rate(self) -> float:
        """The send rate the bucket allows now (requests per second)."""
        return self._bucket.max_rate

    async def before_send(self) -> None:
        if self.enabled:
            await self._bucket.acquire()

    def after_response(self, throttled: bool) -> None:
        measured = self._clocker.record()
        now = self._clock()
        if throttled:
            rate = min(measured, self._bucket.max_rate) if self.enabled else measured
            new_rate = self._cubic.error_received(rate, now)
            self.enabled = True
        else:
            new_rate = self._cubic.success_received(now)
        self._bucket.max_rate = min(new_rate, self.MAX_RATE_ADJUST_SCALE * measured)


class AdaptiveRetryStrategy(StandardRetryStrategy):
    """botocore's ``adaptive`` mode: standard retries, plus a client-side send-rate limiter
    that turns on at the first throttle and paces every attempt after it."""

    limits_send_rate = True

    def __init__(
        self,
        *,
        quota: RetryQuota | None = None,
        random: Callable[[], float] | None = None,
        service_id: str = "",
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        super().__init__(quota=quota, random=random, service_id=service_id)
        self.limiter = AdaptiveRateLimiter(clock)

    async def before_attempt(self) -> None:
        await self.limiter.before_send()

    def after_attempt(self, throttled: bool) -> None:
        self.limiter.after_response(throttled)
