"""An injectable clock for tests: wall and monotonic time that move only when told (or
when something sleeps), and a record of every sleep."""

from __future__ import annotations

import asyncio


class FakeClock:
    """Implements ``sm_typed_runtime.client.Clock``; sleeping advances both clocks at once."""

    def __init__(self, wall: float = 1_700_000_000.0, mono: float = 1000.0) -> None:
        self.wall = wall
        self.mono = mono
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)

    def current_time(self) -> float:  # botocore's Clock interface (retries/bucket.py)
        return self.mono
