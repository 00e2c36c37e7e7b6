"""The call: validate -> serialize -> route -> retry loop { attempt } -> classify -> decode or raise.

Each stage is a function of its own module (``_request``, ``_routing``, ``_attempt``,
``_classify``, ``_retry``); this one wires them and owns what spans attempts: the
call deadline, the retry decisions, the clock-skew correction and the one DEBUG line
per attempt. A `Pipeline` is one client's shared state plus one set of call settings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import Any, Protocol

import msgspec

from ._attempt import exchange
from ._classify import (
    CLOCK_SKEW_CODES,
    crc32_mismatch,
    decode_output,
    retry_after,
    service_error,
    service_retry_kind,
    transport_error,
    transport_retry_kind,
)
from ._head import HeaderError
from ._request import COMPRESSION_MIN_BYTES, Request, compressed, prepared, serialize
from ._retry import CallRetries, Failure, RetryKind, RetryStrategy
from ._routing import with_host_prefix
from ._specs import InT, OperationSpec, OutT
from ._state import ClientState
from ._transport import Timeouts, TransportError
from .errors import (
    CallTimeoutError,
    ClientClosedError,
    ParamValidationError,
    ResponseParseError,
    ServiceError,
    SmTypedError,
)

logger = logging.getLogger("sm_typed")

# A Date header this far from our clock, on a signature/expiry error, means our clock is wrong.
CLOCK_SKEW_THRESHOLD = 60.0


class CallSettings(msgspec.Struct, frozen=True):
    """What a call is bounded and retried by: one immutable value per client (or view)."""

    timeouts: Timeouts
    call_timeout: float | None
    max_attempts: int
    credential_timeout: float
    strategy: Any  # RetryStrategy


class Invoke(Protocol):
    """How generated methods call an operation: ``await self._invoke(_Op, input)``."""

    def __call__(self, op: OperationSpec[InT, OutT], params: InT, /) -> Awaitable[OutT]: ...


class Pipeline:
    __slots__ = ("_crc32", "call", "settings", "state")

    def __init__(self, state: ClientState, settings: CallSettings) -> None:
        self.state = state
        self.settings = settings
        self._crc32 = state.service.retry_defaults.crc32
        # What generated methods await: the deadline wrapper only when there is a deadline.
        self.call: Invoke = self.run if settings.call_timeout is None else self.run_with_deadline

    async def run_with_deadline(self, op: OperationSpec[InT, OutT], params: InT) -> OutT:
        timeout = self.settings.call_timeout
        assert timeout is not None
        progress = [0]  # attempts made, for the error if the deadline cuts the call short
        started = time.monotonic()
        deadline = asyncio.timeout(timeout)
        try:
            async with deadline:
                return await self.run(op, params, progress)
        except TimeoutError as exc:
            if not deadline.expired():
                raise
            error = CallTimeoutError(op.name, timeout)
            error.attempts = progress[0]
            error.retry_time = time.monotonic() - started
            raise error from exc

    async def run(
        self, op: OperationSpec[InT, OutT], params: InT, progress: list[int] | None = None
    ) -> OutT:
        state = self.state
        lifecycle = state.lifecycle
        if lifecycle.closed or lifecycle.loop is not asyncio.get_running_loop():
            lifecycle.check(op.name)  # raises, or binds the client to its first loop
        body = serialize(op, params)
        route = state.route or await state.resolve_route()
        if op.host_prefix is not None:
            route = with_host_prefix(route, op, params)
        gzipped = op.compress and len(body) >= COMPRESSION_MIN_BYTES
        if gzipped:
            body = compressed(body)
        ready = None if gzipped else route.prepared.get(op)
        request = Request(op, route, body, ready or prepared(op, route, gzipped))
        settings = self.settings
        strategy: RetryStrategy = settings.strategy
        paced = strategy.limits_send_rate
        clock = state.clock
        max_attempts = settings.max_attempts
        debug = logger.isEnabledFor(logging.DEBUG)
        started = time.monotonic()
        retries: CallRetries | None = None
        skew_retried = False
        attempt = 0
        while True:
            attempt += 1
            if progress is not None:
                progress[0] = attempt
            if paced:
                await strategy.before_attempt()
            skew = state.skew
            sent = time.monotonic() if debug else 0.0
            kind: RetryKind | None
            try:
                response = await exchange(state, settings, request, attempt, max_attempts, skew)
            except TransportError as exc:
                error = transport_error(op, exc)
                kind = transport_retry_kind(exc)
                status: int | str = exc.kind
                wait: float | None = None
                server_date = None
            except HeaderError as exc:
                raise ParamValidationError(op.name, [str(exc)]) from None
            else:
                status = response.status
                if status < 300 and not (self._crc32 and crc32_mismatch(response)):
                    if paced:
                        strategy.after_attempt(False)
                    strategy.record_success(retries)
                    if debug:
                        request_id = response.headers.get("x-amzn-requestid")
                        _log(op, attempt, max_attempts, sent, status, request_id, "")
                    return decode_output(op, response)  # type: ignore[no-any-return]
                headers = response.headers
                if status < 300:
                    error = ResponseParseError(
                        op.name, status, headers.get("x-amzn-requestid"), "CRC32 mismatch"
                    )
                    kind = "transient"
                else:
                    error = service_error(op, response)
                    kind = service_retry_kind(error, op)
                wait = retry_after(headers)
                server_date = headers.get("date")
            if paced:
                strategy.after_attempt(kind == "throttling")
            error.attempts = attempt
            error.retry_time = time.monotonic() - started
            if debug:
                _log_failure(op, attempt, max_attempts, sent, status, error)
            if state.lifecycle.closed:
                raise ClientClosedError(
                    f"{op.name}: the client was closed during the call"
                ) from error
            if not skew_retried and self._corrected_clock(error, server_date, skew):
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
                raise ClientClosedError(
                    f"{op.name}: the client was closed during the call"
                ) from error
            if not decision.retry:
                raise error

    def _corrected_clock(self, error: SmTypedError, server_date: str | None, signed: float) -> bool:
        """Adopt the server's clock when a signing error comes with a Date far from ours."""
        if not isinstance(error, ServiceError) or error.code not in CLOCK_SKEW_CODES:
            return False
        if not server_date:
            return False
        from email.utils import parsedate_to_datetime  # rare path: kept off the import

        try:
            server_time = parsedate_to_datetime(server_date).timestamp()
        except (TypeError, ValueError, OverflowError, IndexError):
            return False
        state = self.state
        skew = server_time - state.clock.time()
        if abs(skew - signed) < CLOCK_SKEW_THRESHOLD:
            return False  # the attempt's clock was close enough: not a clock problem
        if abs(skew - state.skew) >= CLOCK_SKEW_THRESHOLD:
            # (A concurrent call may already have corrected it: then just retry.)
            logger.debug("clock skew of %.0fs detected; signing with the server's time", skew)
            state.skew = skew
        return True


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
