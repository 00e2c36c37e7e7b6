"""Blocking work (botocore's credential chain, profile and rule files) off the event loop.

Each call gets a daemon thread of its own, not a thread of the loop's default executor:
``asyncio.run`` waits for that executor's threads before it returns, so a credential
endpoint that hangs after the client has given up on it (the call already failed with
its typed error) would hold the program's exit for as long as it hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def run_blocking(fn: Callable[..., T], /, *args: Any) -> T:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: Any, error: BaseException | None) -> None:
        if future.done():  # the waiter was cancelled: nobody wants it
            return
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)

    def work() -> None:
        value: Any = None
        error: BaseException | None = None
        try:
            value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiter, raised there
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: the program moved on
            loop.call_soon_threadsafe(settle, value, error)

    threading.Thread(target=work, name="sm_typed-blocking", daemon=True).start()
    return await future
