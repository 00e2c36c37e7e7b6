"""A call with interceptors: ``before_call``, the call, then ``after_call`` on every way out.

The per-attempt hooks run in the retry loop itself (``_pipeline``, ``_attempt``); this
wraps the whole call once, outside the call deadline, so ``after_call`` sees what the
caller will see (a `CallTimeoutError`, not the cancellation that enforced it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from ._hooks import run_hooks
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


async def run_intercepted(pipeline: Pipeline, op: OperationSpec[InT, OutT], params: InT) -> OutT:
    hooks = pipeline.settings.hooks
    assert hooks is not None
    route = pipeline.state.route
    call = CallInfo(
        op.service.service_id,
        op.name,
        params,
        route.signing_region if route else pipeline.state.config.region,
    )
    progress = Progress()
    try:
        if hooks.before_call is not None:
            pending = run_hooks(hooks.before_call, "before_call", CallStart(call), op.name)
            if pending is not None:
                await pending
        if pipeline.settings.call_timeout is None:
            result = await pipeline.run(op, params, progress, call)
        else:
            result = await pipeline.run_with_deadline(op, params, progress, call)
    except BaseException as exc:
        if hooks.after_call is not None:
            ended = _ended(call, None, exc, progress)
            pending = run_hooks(hooks.after_call, "after_call", ended, op.name, run_all=True)
            if pending is not None:
                await pending
        raise
    if hooks.after_call is not None:
        output: Any = result.parsed if pipeline.settings.raw else result  # type: ignore[attr-defined]
        ended = _ended(call, output, None, progress)
        pending = run_hooks(hooks.after_call, "after_call", ended, op.name, run_all=True)
        if pending is not None:
            await pending
    return result


def _ended(call: CallInfo, output: Any, error: BaseException | None, progress: Progress) -> CallEnd:
    attempts, retry_time = progress.attempts, progress.retry_time
    if isinstance(error, SmTypedError):
        attempts, retry_time = error.attempts or attempts, error.retry_time
    return CallEnd(call, output, error, attempts, retry_time, progress.status, progress.headers)
