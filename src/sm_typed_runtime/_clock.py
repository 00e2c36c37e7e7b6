"""Time as the runtime sees it: one injectable object, so tests and simulations never
patch ``time`` or ``asyncio`` in the process."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Wall time (signing, clock-skew correction), a monotonic clock (durations) and
    the sleep used between retries and by the adaptive rate limiter.

    Timeouts (connect, read, pool, call) run on the event loop's own clock.
    """

    def time(self) -> float: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The default: ``time.time``, ``time.monotonic`` and ``asyncio.sleep``."""

    __slots__ = ()

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


SYSTEM_CLOCK = SystemClock()


class AmzDate:
    """``X-Amz-Date`` for a time, formatted once per second rather than per request."""

    __slots__ = ("_cached",)

    def __init__(self) -> None:
        self._cached = (-1, "")  # one attribute: a reader never sees half an update

    def __call__(self, now: float) -> str:
        second = int(now)
        cached = self._cached
        if cached[0] == second:
            return cached[1]
        text = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second))
        self._cached = (second, text)
        return text
