"""A call with a deadline (``call_timeout``): the whole call, retries and waits included.

When it expires the call raises `CallTimeoutError` with the attempts made so far, not
the cancellation that enforced it.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from ._intercepted import NO_CALL, Progress
from ._specs import InT, OperationSpec, OutT
from .errors import CallTimeoutError
from .interceptors import CallInfo

if TYPE_CHECKING:
    from ._pipeline import Pipeline


async def run_with_deadline(
    pipeline: Pipeline,
    op: OperationSpec[InT, OutT],
    params: InT,
    progress: Progress | None = None,
    call: CallInfo = NO_CALL,
) -> OutT:
    timeout = pipeline.settings.call_timeout
    assert timeout is not None
    progress = progress or Progress()  # attempts made, for the error if the deadline hits
    started = time.monotonic()
    deadline = asyncio.timeout(timeout)
    try:
        async with deadline:
            return await pipeline.run(op, params, progress, call)
    except TimeoutError as exc:
        if not deadline.expired():
            raise
        error = CallTimeoutError(op.name, timeout)
        error.attempts = progress.attempts
        error.retry_time = time.monotonic() - started
        raise error from exc
