"""A client's one open/closed state, shared by its views and the transport it owns.

It also remembers the event loop the client first ran on: asyncio locks, futures and
connections belong to one loop, so a call from another loop fails at once with a
clear error instead of hanging or failing deep inside asyncio.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from .errors import ClientClosedError, EventLoopMismatchError


class Lifecycle:
    __slots__ = ("_closed_event", "closed", "loop")

    def __init__(self) -> None:
        self.closed = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self._closed_event: asyncio.Event | None = None

    def check(self, operation: str) -> None:
        """Before a call: open, and on the client's loop."""
        if self.closed:
            raise ClientClosedError(f"{operation}: the client is closed")
        loop = asyncio.get_running_loop()
        if loop is not self.loop:
            if self.loop is not None:
                raise EventLoopMismatchError(
                    f"{operation}: this client belongs to another event loop"
                    + (" (now closed)" if self.loop.is_closed() else "")
                    + "; create one client per event loop (per asyncio.run)"
                )
            self.loop = loop

    def close(self) -> bool:
        """Mark closed; True the first time."""
        if self.closed:
            return False
        self.closed = True
        if self._closed_event is not None:
            self._closed_event.set()
        return True

    async def sleep(self, sleeping: Coroutine[Any, Any, None]) -> bool:
        """Run ``sleeping`` (the clock's sleep); stop it and return False if the client closes."""
        if self.closed:
            sleeping.close()
            return False
        event = self._closed_event
        if event is None:
            event = self._closed_event = asyncio.Event()
        tasks = (asyncio.ensure_future(sleeping), asyncio.ensure_future(event.wait()))
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return not self.closed
