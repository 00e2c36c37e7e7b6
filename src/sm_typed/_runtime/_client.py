"""The request pipeline shared by every generated client.

validate -> encode -> (endpoint, once) -> [sign -> send -> classify -> maybe retry] -> decode
or raise the typed error.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import sys
import time
import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import msgspec

from . import _sigv4
from ._credentials import CredentialResolver, explicit_credentials
from ._endpoints import check_endpoint_url, check_region
from ._errors import (
    CallTimeoutError,
    ClientClosedError,
    ConfigurationError,
    ConnectTimeoutError,
    HTTPClientError,
    ParamValidationError,
    ReadTimeoutError,
    ResponseParseError,
    ServiceError,
    SmTypedError,
)
from ._http import HttpxSender, Sender, SendError, proxy_configured
from ._pool import ConnectionPool, default_ssl_context
from ._retry import (
    CLOCK_SKEW_CODES,
    NO_RETRY_INCREMENT,
    RetryQuota,
    backoff,
    is_throttle,
    retry_cost,
)
from ._routing import (
    Route,
    RouteSettings,
    compute_route,
    route_without_blocking,
    with_host_prefix,
)
from ._serde import decode_error_members, encode_body, parse_error
from ._specs import InT, OperationSpec, OutT, ServiceSpec
from ._validate import validate

if TYPE_CHECKING:  # annotations only; adaptive mode imports its limiter when chosen
    from ._adaptive import AdaptiveRateLimiter
    from ._api import AsyncHTTPClient

logger = logging.getLogger("sm_typed")

USER_AGENT = "sm_typed/0.1.0 python/{}.{}.{}".format(*sys.version_info[:3])
# botocore's default request_min_compression_size_bytes: smaller bodies are not worth it.
COMPRESSION_MIN_BYTES = 10240
# A Date header this far from our clock, on a signature/expiry error, means our clock is wrong.
CLOCK_SKEW_THRESHOLD = 60.0


def _check_config(
    connect_timeout: object,
    read_timeout: object,
    call_timeout: object,
    max_connections: object,
    max_attempts: object,
    retry_mode: object,
) -> None:
    """Callers without a type checker get a clear error here rather than deep in a call."""
    for name, value in (("connect_timeout", connect_timeout), ("read_timeout", read_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigurationError(f"{name} must be a positive number of seconds, got {value!r}")
    if call_timeout is not None and (
        isinstance(call_timeout, bool)
        or not isinstance(call_timeout, (int, float))
        or call_timeout <= 0
    ):
        raise ConfigurationError(
            f"call_timeout must be None or positive seconds, got {call_timeout!r}"
        )
    for name, value in (("max_connections", max_connections), ("max_attempts", max_attempts)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationError(f"{name} must be a positive int, got {value!r}")
    if retry_mode not in ("standard", "adaptive"):
        raise ConfigurationError(f"retry_mode must be 'standard' or 'adaptive', got {retry_mode!r}")


def _env_retry_mode() -> str:
    raw = os.environ.get("AWS_RETRY_MODE") or "standard"
    # boto3's default, "legacy", is not offered here: its nearest is "standard".
    return "standard" if raw == "legacy" else raw


def _env_max_attempts() -> int:
    raw = os.environ.get("AWS_MAX_ATTEMPTS")
    if not raw:
        return 3
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"AWS_MAX_ATTEMPTS must be an integer, got {raw!r}") from None


_SEND_ERRORS: dict[str, type[HTTPClientError]] = {
    "connect-timeout": ConnectTimeoutError,
    "read-timeout": ReadTimeoutError,
    "no-response": HTTPClientError,
}


class _Failure(msgspec.Struct, frozen=True):
    """How one attempt failed, with what the retry logic needs beyond the error."""

    error: SmTypedError
    server_date: str | None = None
    signed_offset: float = 0.0  # the clock correction this attempt was signed with


def _proxy_sender(max_connections: int) -> HttpxSender:
    """Blocking (imports httpx, loads CA certificates): runs in a worker thread."""
    return HttpxSender.for_proxies(max_connections=max_connections, tls=default_ssl_context())


class BaseClient:
    """Base of every generated client: configuration, lifecycle and the request pipeline."""

    _service: ClassVar[ServiceSpec]

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        profile: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        http_client: AsyncHTTPClient | None = None,
        connect_timeout: float = 60.0,
        read_timeout: float = 60.0,
        call_timeout: float | None = None,
        max_attempts: int | None = None,
        retry_mode: Literal["standard", "adaptive"] | None = None,
        max_connections: int = 100,
        use_fips: bool | None = None,
        use_dualstack: bool | None = None,
    ) -> None:
        """Create a client. Nothing is resolved or connected until the first call
        (or ``async with``), so constructing one never blocks.

        Args:
            region: AWS region; else ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile.
            endpoint_url: send requests here instead of the endpoint the rules give.
            profile: a profile of the shared config files for credentials and region.
            aws_access_key_id: explicit credentials (with the secret, optionally a token).
            aws_secret_access_key: explicit credentials.
            aws_session_token: explicit temporary credentials' token.
            http_client: an ``httpx.AsyncClient`` of yours; it is not closed with this client.
                Without one, requests go through a built-in HTTP/1.1 pool, or through httpx
                when ``HTTPS_PROXY`` (``HTTP_PROXY`` for an http endpoint) is set, as botocore
                reads them (``NO_PROXY`` honoured); that httpx client is built on the first call.
            connect_timeout: seconds to wait for a connection.
            read_timeout: seconds to wait for each response.
            call_timeout: seconds a whole call may take, retries included (default: no limit).
            max_attempts: attempts per call, the first included (else ``AWS_MAX_ATTEMPTS``, 3).
            retry_mode: ``"standard"`` (backoff, shared retry quota) or ``"adaptive"`` (standard,
                plus a send-rate limiter that slows down after throttling); else ``AWS_RETRY_MODE``.
            max_connections: size of the connection pool this client creates.
            use_fips: use the FIPS endpoint (else ``AWS_USE_FIPS_ENDPOINT``).
            use_dualstack: use the dual-stack endpoint (else ``AWS_USE_DUALSTACK_ENDPOINT``).
        """
        attempts = max_attempts if max_attempts is not None else _env_max_attempts()
        mode = retry_mode if retry_mode is not None else _env_retry_mode()
        _check_config(
            connect_timeout,
            read_timeout,
            call_timeout,
            max_connections,
            attempts,
            mode,
        )
        self._settings = RouteSettings(
            region=check_region(region) if region is not None else None,
            endpoint_url=check_endpoint_url(endpoint_url) if endpoint_url is not None else None,
            profile=profile,
            use_fips=use_fips,
            use_dualstack=use_dualstack,
        )
        self._credentials = CredentialResolver(
            explicit=explicit_credentials(
                aws_access_key_id, aws_secret_access_key, aws_session_token
            ),
            profile=profile,
        )
        self._connect_timeout = float(connect_timeout)
        self._read_timeout = float(read_timeout)
        self._call_timeout = float(call_timeout) if call_timeout is not None else None
        self._max_attempts = attempts
        self._quota = RetryQuota()
        self._limiter: AdaptiveRateLimiter | None = None
        if mode == "adaptive":
            from ._adaptive import AdaptiveRateLimiter

            self._limiter = AdaptiveRateLimiter()
        self._clock_offset = 0.0  # seconds to add to our clock when signing
        self._sender: Sender
        # The pool until the route is known: a proxy configured for its scheme swaps in httpx.
        self._check_proxy = http_client is None
        self._max_connections = max_connections
        if http_client is None:
            self._sender = ConnectionPool(max_connections=max_connections)
        else:
            try:
                self._sender = HttpxSender(http_client)
            except TypeError as exc:
                raise ConfigurationError(str(exc)) from None
        self._route: Route | None = None
        self._route_lock = asyncio.Lock()
        self._closed = False
        self._closing = asyncio.Event()

    def __repr__(self) -> str:
        where = self._route.url if self._route else (self._settings.endpoint_url or "unresolved")
        return f"{type(self).__name__}(region={self.region!r}, endpoint={where!r})"

    async def __aenter__(self) -> Any:
        await self._resolve_route()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connections this client opened (not a caller's ``http_client``).

        Calls still in flight end with `ClientClosedError`.
        """
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        await self._sender.aclose()

    @property
    def region(self) -> str | None:
        """The region in use (``None`` until resolved on the first call)."""
        return self._route.signing_region if self._route else self._settings.region

    async def _resolve_route(self) -> Route:
        route = self._route
        if route is not None:
            return route
        async with self._route_lock:
            route = self._route
            if route is None:
                route = route_without_blocking(self._service, self._settings)
                if route is None:
                    route = await asyncio.to_thread(compute_route, self._service, self._settings)
                if self._check_proxy and proxy_configured(route.target.scheme):
                    await self._send_through_proxy()
                self._route = route
            return route

    async def _send_through_proxy(self) -> None:
        """The pool speaks only direct HTTP/1.1: httpx (trust_env) takes over, once."""
        sender = await asyncio.to_thread(_proxy_sender, self._max_connections)
        pool, self._sender = self._sender, sender
        self._check_proxy = False
        await pool.aclose()  # never used: the route was not known before
        if self._closed:  # closed while httpx was being set up
            await sender.aclose()

    # -- the pipeline ------------------------------------------------------------------

    async def _invoke(self, op: OperationSpec[InT, OutT], params: InT) -> OutT:
        if self._closed:
            raise ClientClosedError(f"{op.name}: the client is closed")
        body = _encode(op, params)
        route = self._route or await self._resolve_route()
        if op.host_prefix is not None:
            route = with_host_prefix(route, op, params)
        headers = [
            ("Host", route.host),
            ("Content-Type", self._service.content_type),
            ("X-Amz-Target", op.target),
        ]
        if op.compress and len(body) >= COMPRESSION_MIN_BYTES:
            import gzip  # few operations compress: kept off the import path

            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        progress = [0]  # attempts made, for the error if the deadline cuts the call short
        if self._call_timeout is None:
            return await self._attempts(op, route, headers, body, progress)
        deadline = asyncio.timeout(self._call_timeout)
        started = time.monotonic()
        try:
            async with deadline:
                return await self._attempts(op, route, headers, body, progress)
        except TimeoutError as exc:
            if not deadline.expired():
                raise  # a read/connect timeout of the last attempt, already typed
            error = CallTimeoutError(op.name, self._call_timeout)
            error.attempts = progress[0]
            error.retry_time = time.monotonic() - started
            raise error from exc

    async def _attempts(
        self,
        op: OperationSpec[Any, OutT],
        route: Route,
        headers: list[tuple[str, str]],
        body: bytes,
        progress: list[int],
    ) -> OutT:
        payload_hash = hashlib.sha256(body).hexdigest()
        invocation_id = str(uuid.uuid4())
        max_attempts = self._max_attempts
        started = time.monotonic()
        last_cost = 0  # quota tokens the latest retry took; a success gives them back
        skew_retried = False
        attempt = 0
        limiter = self._limiter
        while True:
            attempt += 1
            progress[0] = attempt
            if limiter is not None:
                await limiter.before_send()
            outcome = await self._send(
                op, route, headers, body, payload_hash, invocation_id, attempt, max_attempts
            )
            if limiter is not None:
                limiter.after_response(isinstance(outcome, _Failure) and is_throttle(outcome.error))
            if not isinstance(outcome, _Failure):
                self._quota.release(last_cost or NO_RETRY_INCREMENT)
                return outcome
            error = outcome.error
            error.attempts = attempt
            error.retry_time = time.monotonic() - started
            if self._closed:
                raise ClientClosedError(
                    f"{op.name}: the client was closed during the call"
                ) from error
            if not skew_retried and self._corrected_clock(outcome):
                skew_retried = True
                max_attempts += 1  # the corrected retry comes on top of the normal ones
                continue
            cost = retry_cost(error)
            if cost is None or attempt >= max_attempts or not self._quota.acquire(cost):
                raise error
            last_cost = cost
            try:
                await asyncio.wait_for(self._closing.wait(), timeout=backoff(attempt))
            except TimeoutError:
                continue
            raise ClientClosedError(f"{op.name}: the client was closed during the call") from error

    async def _send(
        self,
        op: OperationSpec[Any, OutT],
        route: Route,
        base_headers: list[tuple[str, str]],
        body: bytes,
        payload_hash: str,
        invocation_id: str,
        attempt: int,
        max_attempts: int,
    ) -> OutT | _Failure:
        """One signed attempt: the decoded output, or how it failed (for the retry logic)."""
        creds = await self._credentials.get()
        signed_offset = self._clock_offset
        signature = _sigv4.sign(
            method="POST",
            path=route.path,
            query="",
            headers=base_headers,
            payload_hash=payload_hash,
            access_key=creds.access_key,
            secret_key=creds.secret_key,
            session_token=creds.token,
            region=route.signing_region,
            service=route.signing_name,
            amz_date=time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() + signed_offset)),
        )
        headers = [
            *base_headers,
            *signature.headers,
            ("User-Agent", USER_AGENT),
            ("amz-sdk-invocation-id", invocation_id),
            ("amz-sdk-request", f"attempt={attempt}; max={max_attempts}"),
        ]
        started = time.monotonic()
        try:
            response = await self._sender.send(
                route.target,
                headers,
                body,
                connect_timeout=self._connect_timeout,
                read_timeout=self._read_timeout,
            )
        except SendError as exc:
            if exc.kind == "closed" or self._closed:
                raise ClientClosedError(f"{op.name}: the client is closed") from exc
            error: SmTypedError = _SEND_ERRORS[exc.kind](op.name, exc.detail)
            return self._failed(op, attempt, max_attempts, started, exc.kind, _Failure(error))
        status = response.status
        content = response.body
        request_id = response.headers.get("x-amzn-requestid")
        if status >= 300:
            failure = _Failure(
                self._service_error(op.name, status, response.headers, content),
                response.headers.get("date"),
                signed_offset,
            )
            return self._failed(op, attempt, max_attempts, started, status, failure)
        self._log(op, attempt, max_attempts, started, status, request_id, "")
        if op.output is None:
            return None  # type: ignore[return-value]  # OutT is None for operations without output
        try:
            return op.decode(content)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise ResponseParseError(op.name, status, request_id, str(exc)) from exc

    def _failed(
        self,
        op: OperationSpec[Any, Any],
        attempt: int,
        max_attempts: int,
        started: float,
        status: int | str,
        failure: _Failure,
    ) -> _Failure:
        error = failure.error
        request_id = error.request_id if isinstance(error, ServiceError) else None
        code = f" error={error.code}" if isinstance(error, ServiceError) else ""
        self._log(op, attempt, max_attempts, started, status, request_id, code)
        return failure

    @staticmethod
    def _log(
        op: OperationSpec[Any, Any],
        attempt: int,
        max_attempts: int,
        started: float,
        status: int | str,
        request_id: str | None,
        extra: str,
    ) -> None:
        """One DEBUG line per attempt: never headers, bodies or credentials."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s attempt=%d/%d status=%s duration=%.1fms request_id=%s%s",
                op.name,
                attempt,
                max_attempts,
                status,
                (time.monotonic() - started) * 1000,
                request_id,
                extra,
            )

    def _corrected_clock(self, failure: _Failure) -> bool:
        """Adopt the server's clock when a signing error comes with a Date far from ours."""
        error = failure.error
        if not isinstance(error, ServiceError) or error.code not in CLOCK_SKEW_CODES:
            return False
        if not failure.server_date:
            return False
        from email.utils import parsedate_to_datetime  # rare path: kept off the import

        try:
            server_time = parsedate_to_datetime(failure.server_date).timestamp()
        except (TypeError, ValueError):
            return False
        skew = server_time - time.time()
        if abs(skew - failure.signed_offset) < CLOCK_SKEW_THRESHOLD:
            return False  # the attempt's clock was close enough: not a clock problem
        if abs(skew - self._clock_offset) >= CLOCK_SKEW_THRESHOLD:
            # (A concurrent call may already have corrected it: then just retry.)
            logger.debug("clock skew of %.0fs detected; signing with the server's time", skew)
            self._clock_offset = skew
        return True

    def _service_error(
        self, operation: str, status: int, headers: Mapping[str, str], body: bytes
    ) -> ServiceError:
        info = parse_error(status, headers, body)
        cls = self._service.errors.get(info.code, ServiceError)
        exc = cls(
            code=info.code,
            message=info.message,
            status_code=status,
            request_id=info.request_id,
            operation=operation,
        )
        if cls.__error_shape__ is not None and cls.__error_members__:
            shape = self._service.shape(cls.__error_shape__)
            members = decode_error_members(shape, info.body) if info.body is not None else None
            for attr in cls.__error_members__:
                setattr(exc, attr, getattr(members, attr, None))
        return exc


def _encode(op: OperationSpec[Any, Any], params: msgspec.Struct | None) -> bytes:
    """Fill idempotency tokens, validate, and encode the body: all before any I/O."""
    if params is None:
        return b"{}"
    for attr in op.idempotency_tokens:
        if getattr(params, attr) is None:
            setattr(params, attr, str(uuid.uuid4()))
    walk = validate(params)
    if walk.problems:
        raise ParamValidationError(op.name, walk.problems)
    return encode_body(params, walk.needs_rewrite)
