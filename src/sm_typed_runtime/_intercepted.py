"""A call with interceptors: ``before_call``, the call, then ``after_call`` on every way out.

The per-attempt hooks run in the retry loop itself (``_pipeline``, ``_attempt``); this
wraps the whole call once, outside the call deadline, so ``after_call`` sees what the
caller will see (a `CallTimeoutError`, not the cancellation that enforced it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import msgspec

from ._hooks import Hooks, run_stage
from ._specs import InT, OperationSpec, OutT
from ._transport import Headers
from .errors import SmTypedError
from .interceptors import CallEnd, CallInfo, CallStart

if TYPE_CHECKING:
    from ._pipeline import Pipeline


class Progress(msgspec.Struct):
    """What a call has done so far, for what wraps `Pipeline.run` (deadline, interceptors)."""

    attempts: int = 0
    status: int | None = None  # of the last response
    headers: Headers | None = None
    retry_time: float = 0.0


Run = Callable[[OperationSpec[Any, Any], Any, Progress, CallInfo], Awaitable[Any]]


async def run_intercepted(
    pipeline: Pipeline, hooks: Hooks, run: Run, op: OperationSpec[InT, OutT], params: InT
) -> OutT:
    """``run``: the pipeline's `run` or, with a call timeout, its `run_with_deadline`."""
    route = pipeline.state.route
    region = route.signing_region if route else pipeline.state.config.region
    call = CallInfo(op.service.service_id, op.name, params, region)
    progress = Progress()
    try:
        if hooks.before_call is not None:
            starting = CallStart(call)
            try:
                pending = hooks.before_call(starting)
            except Exception as exc:  # noqa: BLE001 (see _hooks)
                raise hooks.failed("before_call", starting, exc)  # noqa: B904
            if pending is not None:
                await hooks.awaited("before_call", starting, pending)
        result: OutT = await run(op, params, progress, call)
    except BaseException as exc:
        if hooks.after_call is not None:
            pending = run_stage(hooks, "after_call", _ended(call, exc, progress))
            if pending is not None:
                await pending
        raise
    if hooks.after_call is not None:
        output: Any = cast(Any, result).parsed if pipeline.settings.raw else result
        ended = CallEnd(
            call,
            output,
            None,
            progress.attempts,
            progress.retry_time,
            progress.status,
            progress.headers,
        )
        try:
            pending = hooks.after_call(ended)
        except Exception as exc:  # noqa: BLE001 (see _hooks)
            raise hooks.failed("after_call", ended, exc)  # noqa: B904
        if pending is not None:
            await hooks.awaited("after_call", ended, pending)
    return result


def _ended(call: CallInfo, error: BaseException, progress: Progress) -> CallEnd:
    """How a call that raised ``error`` ended (its own count of attempts, if it has one)."""
    attempts, retry_time = progress.attempts, progress.retry_time
    if isinstance(error, SmTypedError):
        attempts, retry_time = error.attempts or attempts, error.retry_time
    return CallEnd(call, None, error, attempts, retry_time, progress.status, progress.headers)
