"""A call's own hooks: ``before_call``, the call, then ``after_call`` on every way out.

`Pipeline.run` runs them itself (the per-attempt hooks run in its retry loop and in
``_attempt``). A call with a deadline is wrapped by `run_intercepted` instead:
``before_call`` under the deadline, ``after_call`` after it, so that it sees what the
caller will see (a `CallTimeoutError`, not the cancellation that enforced it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

from ._deadline import within
from ._hooks import Hooks
from ._progress import Progress
from ._specs import InT, OperationSpec, OutT
from ._transport import HTTPResponse
from .errors import InterceptorError, SmTypedError
from .interceptors import CallEnd, CallInfo, CallStart

if TYPE_CHECKING:
    from ._pipeline import Pipeline
    from ._state import ClientState


Run = Callable[[OperationSpec[Any, Any], Any, Progress, CallInfo, float], Awaitable[Any]]


def new_call(state: ClientState, op: OperationSpec[Any, Any], params: Any) -> CallStart:
    """The call's `CallStart`, which every later stage's context has as ``call``."""
    route = state.route
    region = route.signing_region if route else state.config.region
    return CallStart(op.service.service_id, op.name, params, region)


def call_started(hooks: Hooks, call: CallStart) -> Awaitable[None] | None:
    """Run the ``before_call`` hooks (there are some): an awaitable if one is async."""
    run = hooks.before_call
    assert run is not None
    try:
        pending = run(call)
    except Exception as exc:  # noqa: BLE001 (see _hooks)
        raise hooks.failed("before_call", call, exc)  # noqa: B904
    return None if pending is None else hooks.awaited("before_call", call, pending)


def call_ended(
    hooks: Hooks,
    call: CallInfo,
    output: Any,
    error: BaseException | None,
    attempts: int,
    retry_time: float,
    answer: HTTPResponse | None,
) -> Awaitable[None] | None:
    """Run the ``after_call`` hooks (there are some) with how the call ended: ``answer``
    is its last response, if one came."""
    if isinstance(error, SmTypedError):  # its own count of requests sent (0: none was)
        attempts, retry_time = error.attempts, error.retry_time
    status, headers = (answer.status, answer.headers) if answer is not None else (None, None)
    ended = CallEnd(call, output, error, attempts, retry_time, status, headers)
    run = hooks.after_call
    assert run is not None
    try:
        pending = run(ended)
    except Exception as exc:  # noqa: BLE001 (see _hooks)
        raise counted(hooks.failed("after_call", ended, exc), ended)  # noqa: B904
    return None if pending is None else after_call_awaited(hooks, ended, pending)


async def after_call_awaited(hooks: Hooks, ended: CallEnd, pending: Awaitable[None]) -> None:
    try:
        await hooks.awaited("after_call", ended, pending)
    except InterceptorError as failed:
        counted(failed, ended)
        raise


def counted(failed: InterceptorError, ended: CallEnd) -> InterceptorError:
    """An after_call hook's failure, with the requests the call sent and its time."""
    if not failed.attempts:
        failed.attempts, failed.retry_time = ended.attempts, ended.retry_time
    return failed


async def call_failed(
    hooks: Hooks,
    call: CallInfo,
    error: BaseException,
    attempts: int,
    retry_time: float,
    answer: HTTPResponse | None,
) -> None:
    """Run the ``after_call`` hooks (there are some) of a call that raises ``error`` once
    they are done. A hook's failure replaces ``error``, except a cancellation or an exit
    (not an ``Exception``), which goes on with the failure as a note: a hook never
    swallows a cancellation (a caller's ``asyncio.timeout`` would then never fire)."""
    try:
        pending = call_ended(hooks, call, None, error, attempts, retry_time, answer)
        if pending is not None:
            await pending
    except InterceptorError as failed:
        if isinstance(error, Exception):
            raise
        error.add_note(f"while it ended, {failed}")


async def run_intercepted(
    pipeline: Pipeline, hooks: Hooks, run: Run, op: OperationSpec[InT, OutT], params: InT
) -> OutT:
    """A call with hooks and a deadline: ``before_call`` under it, ``after_call`` once the
    call has ended (``run`` is the pipeline's `run_with_deadline`)."""
    call = new_call(pipeline.state, op, params)
    progress = Progress()
    timeout = pipeline.settings.call_timeout
    assert timeout is not None
    until = asyncio.get_running_loop().time() + timeout  # before_call runs under it too
    try:
        if hooks.before_call is not None:
            pending = call_started(hooks, call)
            if pending is not None:
                await within(pipeline, op, pending, progress, until)
        result: OutT = await run(op, params, progress, call, until)
    except BaseException as exc:
        if hooks.after_call is not None:
            attempts, spent, answer = progress.attempts, progress.retry_time, progress.answer
            await call_failed(hooks, call, exc, attempts, spent, answer)
        raise
    if hooks.after_call is not None:
        output: Any = cast(Any, result).parsed if pipeline.settings.raw else result
        pending = call_ended(
            hooks, call, output, None, progress.attempts, progress.retry_time, progress.answer
        )
        if pending is not None:
            await pending
    return result
