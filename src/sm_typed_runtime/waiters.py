"""Waiters: poll an operation until an acceptor of botocore's ``waiters-2.json`` matches.

Acceptors (``path``, ``pathAll``, ``pathAny``, ``status``, ``error``; states ``success``,
``failure``, ``retry``) are evaluated with jmespath over the output in wire names, as
botocore evaluates them, so any JSON-protocol model's waiters work. A waiter returns the
last output on success; it raises `WaiterFailed` when a failure acceptor matches,
`WaiterTimeout` when its attempts or ``max_wait`` run out, and the error itself when
the service raises one no acceptor names. Each poll is a normal call (validation,
retries, interceptors, per-call options); the time and the sleep between polls are the
client's clock (``asyncio.sleep`` unless one is injected), so cancelling the task ends the
wait at once and a simulated clock runs a wait of hours in no time.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import msgspec

from ._clock import SYSTEM_CLOCK, Clock
from ._jmespath import search
from .errors import ParamValidationError, ServiceError, WaiterFailed, WaiterTimeout
from .responses import RawResponse

__all__ = ["Acceptor", "WaiterSpec", "wait"]

State = Literal["success", "failure", "retry"]
OnAttempt = Callable[[int, Any], "Awaitable[None] | None"]


class Acceptor(msgspec.Struct, frozen=True):
    state: State
    matcher: Literal["path", "pathAll", "pathAny", "status", "error"]
    expected: Any
    argument: str | None = None


class WaiterSpec(msgspec.Struct, frozen=True):
    name: str
    operation: Any  # the OperationSpec it polls
    delay: float
    max_attempts: int
    acceptors: tuple[Acceptor, ...]


async def wait(
    invoke: Callable[[Any, Any], Awaitable[RawResponse[Any]]],
    spec: WaiterSpec,
    params: Any,
    *,
    delay: float | None = None,
    max_attempts: int | None = None,
    max_wait: float | None = None,
    on_attempt: OnAttempt | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Any:
    """Poll until success (the last output), failure or the limits; see the module doc."""
    pause = spec.delay if delay is None else delay
    limit = spec.max_attempts if max_attempts is None else max_attempts
    _check(spec, pause, limit, max_wait)
    started = clock.monotonic()
    output: Any = None
    error: ServiceError | None = None
    attempt = 0
    while True:
        attempt += 1
        output, error, status = None, None, 200
        try:
            raw = await invoke(spec.operation, params)
            output, status = raw.parsed, raw.status_code
        except ServiceError as exc:
            error, status = exc, exc.status_code
        state = _match(spec.acceptors, output, error, status)
        if on_attempt is not None:
            result = on_attempt(attempt, error if error is not None else output)
            if inspect.isawaitable(result):  # a plain callback's return value is its own
                await result
        if state == "success":
            return output
        if state == "failure":
            raise WaiterFailed(
                spec.name,
                "a failure state was reached",
                last_output=output,
                last_error=error,
                attempts=attempt,
            )
        if error is not None and state is None:
            raise error  # an error no acceptor names: the caller's to handle, typed
        if attempt >= limit:
            raise WaiterTimeout(
                spec.name,
                f"max attempts ({limit}) exceeded",
                last_output=output,
                last_error=error,
                attempts=attempt,
            )
        if max_wait is not None and clock.monotonic() - started + pause > max_wait:
            raise WaiterTimeout(
                spec.name,
                f"max_wait ({max_wait:g}s) exceeded",
                last_output=output,
                last_error=error,
                attempts=attempt,
            )
        await clock.sleep(pause)


def _check(spec: WaiterSpec, delay: object, max_attempts: object, max_wait: object) -> None:
    problems: list[str] = []
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay < math.inf:
        problems.append("delay: must be a finite number of seconds, 0 or more")
    if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
        problems.append("max_attempts: must be a positive int")
    if max_wait is not None and (
        isinstance(max_wait, bool) or not isinstance(max_wait, (int, float)) or not max_wait > 0
    ):
        problems.append("max_wait: must be a positive number of seconds")
    if problems:
        raise ParamValidationError(spec.name, problems)


def _match(
    acceptors: tuple[Acceptor, ...], output: Any, error: ServiceError | None, status: int
) -> State | None:
    data: Any = None
    for acceptor in acceptors:
        matcher = acceptor.matcher
        if matcher == "status":
            matched = status == acceptor.expected
        elif matcher == "error":
            expected = acceptor.expected
            if isinstance(expected, bool):  # `true`: any error; `false`: none
                matched = (error is not None) == expected
            else:
                matched = error is not None and error.code == expected
        else:
            if error is not None or acceptor.argument is None:
                continue
            if data is None:
                data = msgspec.to_builtins(output) if output is not None else {}
            found: object = search(acceptor.argument, data)
            if matcher == "path":
                matched = found == acceptor.expected
            elif not isinstance(found, list) or not found:
                matched = False
            else:
                values: list[Any] = found  # pyright: ignore[reportUnknownVariableType]
                hits = [v == acceptor.expected for v in values]
                matched = all(hits) if matcher == "pathAll" else any(hits)
        if matched:
            return acceptor.state
    return None
