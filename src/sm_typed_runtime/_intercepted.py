"""A call's own hooks: ``before_call``, the call, then ``after_call`` on every way out.

`Pipeline.run` runs them itself (the per-attempt hooks run in its retry loop and in
``_attempt``). A call with a deadline is wrapped by `run_intercepted` instead, which runs
them outside the deadline, so ``after_call`` sees what the caller will see (a
`CallTimeoutError`, not the cancellation that enforced it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import msgspec

from ._hooks import Hooks
from ._specs import InT, OperationSpec, OutT
from ._transport import HTTPResponse
from .errors import InterceptorError, SmTypedError
from .interceptors import CallEnd, CallInfo, CallStart

if TYPE_CHECKING:
    from ._pipeline import Pipeline
    from ._state import ClientState


class Progress(msgspec.Struct):
    """What a call has done so far, for what wraps `Pipeline.run`: the call deadline, and
    the call's own hooks run outside it."""

    attempts: int = 0
    answer: HTTPResponse | None = None  # the last response
    retry_time: float = 0.0


Run = Callable[[OperationSpec[Any, Any], Any, Progress, CallInfo], Awaitable[Any]]


NO_CALL = CallInfo("", "", None, None)
"""`Pipeline.run`'s ``call`` when it runs no hook (a hook always gets a call of its own)."""


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
    if isinstance(error, SmTypedError):  # its own count, made where it was raised
        attempts, retry_time = error.attempts or attempts, error.retry_time
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
    """A call with hooks and a deadline: the hooks outside it (``run`` is the pipeline's
    `run_with_deadline`)."""
    call = new_call(pipeline.state, op, params)
    progress = Progress()
    try:
        if hooks.before_call is not None:
            pending = call_started(hooks, call)
            if pending is not None:
                await pending
        result: OutT = await run(op, params, progress, call)
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
