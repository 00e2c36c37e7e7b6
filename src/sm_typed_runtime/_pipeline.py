"""The call: validate -> serialize -> route -> retry loop { attempt } -> classify -> decode or raise.

Each stage is a function of its own module (``_request``, ``_routing``, ``_attempt``,
``_classify``, ``_retry``); this one wires them and owns what spans attempts: the
retry decisions, the clock-skew correction, the one DEBUG line per attempt and the
interceptors' hooks of the call and of each attempt (``_hooks``). A call deadline wraps
it (``_deadline``; with hooks, ``_intercepted`` runs the call's own hooks outside the
deadline). A `Pipeline` is one client's shared state plus one set of call settings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Sequence
from functools import partial
from typing import Any, Protocol

from ._attempt import exchange
from ._call_options import CallSettings
from ._classify import (
    crc32_mismatch,
    decode_output,
    failed_response,
    retry_after,
    transport_error,
    transport_retry_kind,
)
from ._deadline import run_with_deadline
from ._head import HeaderError, extra_field_problems
from ._hooks import Hooks, attempt_hooks, run_stage
from ._intercepted import (
    after_call_awaited,
    call_failed,
    counted,
    run_intercepted,
)
from ._metadata import request_id_of
from ._progress import NO_CALL, Progress
from ._recursion import trace_field, with_trace
from ._request import (
    Prepared,
    Request,
    compressed,
    prepared,
    serialize,
)
from ._retry import CallRetries, Failure, RetryKind, RetryStrategy
from ._routing import with_host_prefix
from ._skew import corrected_clock
from ._specs import InT, OperationSpec, OutT
from ._state import ClientState
from ._transport import Headers, HTTPResponse, TransportError
from .errors import (
    ClientClosedError,
    EndpointResolutionError,
    ParamValidationError,
    ServiceError,
    SmTypedError,
)
from .interceptors import AttemptEnd, AttemptStart, CallEnd, CallInfo, CallStart
from .responses import RawResponse

logger = logging.getLogger("sm_typed")


class Invoke(Protocol):
    """How generated methods call an operation: ``await self._invoke(_Op, input)``."""

    def __call__(self, op: OperationSpec[InT, OutT], params: InT, /) -> Awaitable[OutT]: ...


class Pipeline:
    __slots__ = (
        "_attempt_hooks",
        "_call_hooks",
        "_crc32",
        "_prepared",
        "call",
        "settings",
        "state",
    )

    def __init__(self, state: ClientState, settings: CallSettings) -> None:
        self.state = state
        self.settings = settings
        self._crc32 = state.service.retry_defaults.crc32
        self._prepared: dict[tuple[object, str, bool], Prepared] = {}  # with extra headers
        hooks = settings.hooks
        self._attempt_hooks = attempt_hooks(hooks)
        # What generated methods await: a wrapper only where there is something to wrap.
        # A call's own hooks (before_call, after_call) run in `run` itself, unless a call
        # deadline sits between them and the call: after_call sees what the caller will see
        # (a CallTimeoutError, not the cancellation that enforced it).
        self.call: Invoke
        self._call_hooks: Hooks | None = None
        if settings.call_timeout is None:
            self._call_hooks = hooks
            self.call = self.run
        elif hooks is not None:
            self.call = partial(run_intercepted, self, hooks, partial(run_with_deadline, self))
        else:
            self.call = partial(run_with_deadline, self)

    async def run(
        self,
        op: OperationSpec[InT, OutT],
        params: InT,
        progress: Progress | None = None,
        call: CallInfo = NO_CALL,
    ) -> OutT:
        # With hooks, each stage below is written out where it runs, not in a function of
        # its own: what registering an idle interceptor costs is the bytecode it adds.
        call_hooks = self._call_hooks
        attempt = 0
        written = 0  # attempts whose request reached the transport: the errors' `attempts`
        started = 0.0
        answer: HTTPResponse | None = None  # the last attempt's response, for after_call
        try:
            if call_hooks is not None:  # this call's own hooks, run here: no wrapper around it
                route = self.state.route  # the region as `new_call` finds it
                region = route.signing_region if route else self.state.config.region
                call = CallStart(op.service.service_id, op.name, params, region)
                before_call = call_hooks.before_call
                if before_call is not None:
                    try:
                        pending = before_call(call)
                    except Exception as exc:  # noqa: BLE001 (see _hooks)
                        raise call_hooks.failed("before_call", call, exc)  # noqa: B904
                    if pending is not None:
                        await call_hooks.awaited("before_call", call, pending)
            state = self.state
            lifecycle = state.lifecycle
            if lifecycle.closed or lifecycle.loop is not asyncio.get_running_loop():
                lifecycle.check(op.name)  # raises, or binds the client to its first loop
            body = serialize(op, params)
            route = state.route or await state.resolve_route()
            if op.endpoint_params:
                route = await state.context_route(op, params, route)
            if op.discover and not route.configured:
                describe = partial(self._describe_endpoints, op)
                route = await state.discovered.route(
                    route, state.clock, describe, op.name, op.discovery_required
                )
            if op.host_prefix is not None:
                route = with_host_prefix(route, op, params)
            settings = self.settings
            least = settings.compression_min_bytes
            gzipped = op.compress and least is not None and len(body) >= least
            if gzipped:
                body = compressed(body)
            extra = settings.extra_headers
            ready = None if gzipped or extra else route.prepared.get(op)  # the common case, inline
            request = Request(
                op, route, body, ready or prepared(op, route, gzipped, extra, self._prepared)
            )
            before_attempt, signing_hooks, after_attempt = self._attempt_hooks
            if call is not NO_CALL:
                call.region = route.signing_region
            strategy: RetryStrategy = settings.strategy
            paced = strategy.limits_send_rate
            clock = state.clock
            max_attempts = settings.max_attempts
            debug = logger.isEnabledFor(logging.DEBUG)
            trace = trace_field(request.prepared.prefix.fields) if state.in_lambda else None
            started = time.monotonic()
            retries: CallRetries | None = None
            skew_retried = False
            while True:
                attempt += 1
                answer = None  # what after_call is shown is this attempt's response, if any
                if progress is not None:
                    progress.attempts, progress.answer = attempt, None
                if paced:
                    await strategy.before_attempt()
                added = None
                if before_attempt is not None:
                    fields = request.prepared.prefix.fields
                    starting = AttemptStart(call, attempt, route.url, fields, len(request.body))
                    try:
                        pending = before_attempt(starting)
                    except Exception as exc:  # noqa: BLE001 (see _hooks)
                        raise self._hooks().failed("before_attempt", starting, exc)  # noqa: B904
                    if pending is not None:
                        await self._hooks().awaited("before_attempt", starting, pending)
                    more = starting._added  # pyright: ignore[reportPrivateUsage] (no property call)
                    if more:
                        added = _checked_added(more, fields, op.name)
                if trace is not None:  # in Lambda: unless a hook added its own
                    added = with_trace(added, trace)
                skew = state.skew
                sent = time.monotonic() if debug or after_attempt is not None else 0.0
                kind: RetryKind | None
                try:
                    response = await exchange(
                        state,
                        settings,
                        request,
                        attempt,
                        max_attempts,
                        skew,
                        added,
                        signing_hooks,
                        call,
                    )
                except TransportError as exc:
                    written = attempt
                    error = transport_error(op, exc)
                    kind = transport_retry_kind(exc)
                    status: int | str = exc.kind
                    wait: float | None = None
                    server_date = None
                    headers: Headers | None = None
                except HeaderError as exc:
                    raise ParamValidationError(op.name, [str(exc)]) from None
                else:
                    answer = response
                    written = attempt
                    status = response.status
                    headers = response.headers
                    if progress is not None:
                        progress.answer = response
                    if status < 300 and not (self._crc32 and crc32_mismatch(response)):
                        if paced:
                            strategy.after_attempt(False)
                        strategy.record_success(retries)
                        if debug:
                            _log(
                                op, attempt, max_attempts, sent, status, request_id_of(headers), ""
                            )
                        if after_attempt is not None:
                            ended = AttemptEnd(
                                call, attempt, status, headers, time.monotonic() - sent, None
                            )
                            try:
                                pending = after_attempt(ended)
                            except Exception as exc:  # noqa: BLE001 (see _hooks)
                                raise self._hooks().failed("after_attempt", ended, exc)  # noqa: B904
                            if pending is not None:
                                await self._hooks().awaited("after_attempt", ended, pending)
                        output = decode_output(op, response)
                        if progress is not None:
                            progress.retry_time = time.monotonic() - started
                        result: Any = output
                        if settings.raw:
                            result = _raw(output, response, attempt, started)
                        break
                    error, kind = failed_response(op, response)
                    code = getattr(error, "code", None)
                    if op.discover and (status == 421 or code == "InvalidEndpointException"):
                        state.discovered.forget()  # the next call discovers again
                    wait = retry_after(headers)
                    server_date = headers.get("date")
                if paced:
                    strategy.after_attempt(kind == "throttling")
                error.attempts = attempt
                error.retry_time = time.monotonic() - started
                if debug:
                    _log_failure(op, attempt, max_attempts, sent, status, error)
                if after_attempt is not None:
                    code = status if isinstance(status, int) else None
                    ended = AttemptEnd(call, attempt, code, headers, time.monotonic() - sent, error)
                    pending = run_stage(self._hooks(), "after_attempt", ended)
                    if pending is not None:
                        await pending
                if state.lifecycle.closed:
                    raise _closed_during(op) from error
                if not skew_retried and corrected_clock(state, error, server_date, skew):
                    skew_retried = True
                    max_attempts += 1  # the corrected retry comes on top of the normal ones
                    continue
                if retries is None:
                    retries = CallRetries()
                decision = strategy.decide(
                    Failure(error, kind, wait, op.name), attempt, max_attempts, retries
                )
                if (decision.delay > 0 or decision.retry) and not await state.lifecycle.sleep(
                    clock.sleep(decision.delay)
                ):
                    raise _closed_during(op) from error
                if not decision.retry:
                    raise error
        except BaseException as exc:
            if written and isinstance(exc, SmTypedError) and not exc.attempts:
                # Raised here, not by an attempt (a hook, a header, the body): the count
                # is the requests written, as for the errors the attempts raise.
                exc.attempts, exc.retry_time = written, time.monotonic() - started
            if call_hooks is not None and call_hooks.after_call is not None:
                spent = time.monotonic() - started if started else 0.0
                await call_failed(call_hooks, call, exc, attempt, spent, answer)
            raise
        if call_hooks is not None:
            after_call = call_hooks.after_call
            if after_call is not None:  # `call_ended`, for a call that returns
                ended_call = CallEnd(
                    call,
                    output,
                    None,
                    attempt,
                    time.monotonic() - started,
                    response.status,
                    response.headers,
                )
                try:
                    pending = after_call(ended_call)
                except Exception as exc:  # noqa: BLE001 (see _hooks)
                    raise counted(call_hooks.failed("after_call", ended_call, exc), ended_call)  # noqa: B904
                if pending is not None:
                    await after_call_awaited(call_hooks, ended_call, pending)
        return result  # type: ignore[no-any-return]

    def _hooks(self) -> Hooks:
        """This view's hooks, where one of them has run (a failure, an async hook)."""
        hooks = self.settings.hooks
        assert hooks is not None
        return hooks

    async def _describe_endpoints(self, op: OperationSpec[Any, Any]) -> Any:
        """The service's endpoint operation, called as any operation is (this view's options,
        retries and hooks), for ``op`` to be sent where it says."""
        found = self.state.service.endpoint_operation
        if found is None:
            raise EndpointResolutionError(
                f"{op.name} requires endpoint discovery, and the model has no endpoint operation"
            )
        spec, input_name = found
        params = self.state.service.shape(input_name)() if input_name else None
        result = await self.run(spec, params)
        return result.parsed if self.settings.raw else result


def _raw(output: Any, response: HTTPResponse, attempts: int, started: float) -> RawResponse[Any]:
    status, headers = response.status, response.headers
    spent = time.monotonic() - started
    return RawResponse(
        output, request_id_of(headers), status, headers, attempts, spent, response.body
    )


def _closed_during(op: OperationSpec[Any, Any]) -> ClientClosedError:
    return ClientClosedError(f"{op.name}: the client was closed during the call")


def _checked_added(
    added: Sequence[tuple[str, str]], fields: tuple[tuple[str, str], ...], operation: str
) -> list[tuple[str, str]]:
    """The headers hooks added to an attempt, if each can be sent (else nothing is)."""
    problems = extra_field_problems(added, fields)
    if problems:
        raise ParamValidationError(operation, problems)
    return list(added)


def _log(
    op: OperationSpec[Any, Any],
    attempt: int,
    max_attempts: int,
    sent: float,
    status: int | str,
    request_id: str | None,
    extra: str,
) -> None:
    """One DEBUG line per attempt: never headers, bodies or credentials."""
    logger.debug(
        "%s attempt=%d/%d status=%s duration=%.1fms request_id=%s%s",
        op.name,
        attempt,
        max_attempts,
        status,
        (time.monotonic() - sent) * 1000,
        request_id,
        extra,
    )


def _log_failure(
    op: OperationSpec[Any, Any],
    attempt: int,
    max_attempts: int,
    sent: float,
    status: int | str,
    error: SmTypedError,
) -> None:
    if isinstance(error, ServiceError):
        _log(op, attempt, max_attempts, sent, status, error.request_id, f" error={error.code}")
    else:
        _log(op, attempt, max_attempts, sent, status, None, "")
