"""A call with a deadline (``call_timeout``): the whole call, retries and waits included.

When it expires the call raises `CallTimeoutError` with the attempts made so far, not
the cancellation that enforced it. With hooks, the deadline begins before the
``before_call`` hooks, which run under it; the ``after_call`` hooks run after it, as they
see how the call ended (an output, which a deadline must not take back once the service
has acted, or the error): an ``after_call`` hook bounds its own waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, TypeVar

from ._progress import NO_CALL, Progress
from ._specs import InT, OperationSpec, OutT
from .errors import CallTimeoutError
from .interceptors import CallInfo

if TYPE_CHECKING:
    from ._pipeline import Pipeline

T = TypeVar("T")


async def run_with_deadline(
    pipeline: Pipeline,
    op: OperationSpec[InT, OutT],
    params: InT,
    progress: Progress | None = None,
    call: CallInfo = NO_CALL,
    until: float | None = None,
) -> OutT:
    """The call under its deadline: ``until`` (loop time) when the call began before (its
    ``before_call`` hooks ran under it), else ``call_timeout`` from now."""
    progress = progress or Progress()  # attempts made, for the error if the deadline hits
    return await within(pipeline, op, pipeline.run(op, params, progress, call), progress, until)


async def within(
    pipeline: Pipeline,
    op: OperationSpec[Any, Any],
    awaitable: Awaitable[T],
    progress: Progress,
    until: float | None = None,
) -> T:
    """``awaitable`` before the call's deadline, else `CallTimeoutError` (with the
    attempts made so far)."""
    timeout = pipeline.settings.call_timeout
    assert timeout is not None
    now = asyncio.get_running_loop().time()
    if until is None:
        until = now + timeout
    deadline = asyncio.timeout_at(until)
    try:
        async with deadline:
            return await awaitable
    except TimeoutError as exc:
        if not deadline.expired():
            raise
        error = CallTimeoutError(op.name, timeout)
        error.attempts = progress.attempts
        error.retry_time = asyncio.get_running_loop().time() - (until - timeout)
        raise error from exc
