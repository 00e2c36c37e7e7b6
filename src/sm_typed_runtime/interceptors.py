"""Interceptors: code of yours that sees each stage of a call, and may add headers.

Subclass `Interceptor` and override the hooks you need; each may be a plain or an
``async`` method. They run in this order (``[...]`` once per attempt)::

    before_call -> validate, serialize, route -> [before_attempt -> connection held
    -> sign -> after_signing -> send, receive -> after_attempt] -> after_call

Every hook of one call gets a context of its stage; all of them share ``properties``,
a dict for the interceptor's own state across the stages of that call. A hook that
raises ends the call with `InterceptorError` (never retried); ``after_call`` runs
for every call that ran ``before_call``, whatever happened after it. Headers are shown
with ``Authorization`` and ``X-Amz-Security-Token`` redacted: hooks never see secrets.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

import msgspec

__all__ = [
    "REDACTED",
    "AttemptEnd",
    "AttemptStart",
    "CallEnd",
    "CallInfo",
    "CallStart",
    "HTTPRequest",
    "Interceptor",
    "SignedRequest",
]

REDACTED = "<redacted>"


class CallInfo:
    """What every stage context of one call shares."""

    __slots__ = ("input", "operation", "properties", "region", "service")

    def __init__(
        self, service: str, operation: str, input: msgspec.Struct | None, region: str | None
    ) -> None:
        self.service = service  # the model's serviceId: "SageMaker"
        self.operation = operation  # the wire name: "CreateModel"
        self.input = input  # the input Struct as given (None for operations without one)
        self.region = region  # None until the route is resolved
        self.properties: dict[Any, Any] = {}

    def __repr__(self) -> str:
        return f"CallInfo({self.service}.{self.operation})"


class HTTPRequest(msgspec.Struct, frozen=True):
    """The request of one attempt as an interceptor sees it (secrets redacted)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]


class _Stage:
    __slots__ = ("call",)

    def __init__(self, call: CallInfo) -> None:
        self.call = call

    @property
    def operation(self) -> str:
        return self.call.operation

    @property
    def service(self) -> str:
        return self.call.service

    @property
    def input(self) -> msgspec.Struct | None:
        return self.call.input

    @property
    def properties(self) -> dict[Any, Any]:
        return self.call.properties


class CallStart(_Stage):
    """``before_call``: the operation and its input, before validation."""

    __slots__ = ()


class AttemptStart(_Stage):
    """``before_attempt``: the request before a connection is held and before signing.

    `add_header` adds a header to this attempt (it is signed, unless it is a tracing
    header botocore also leaves unsigned). Headers the client owns are refused.
    """

    __slots__ = ("added", "attempt", "request")

    def __init__(self, call: CallInfo, attempt: int, request: HTTPRequest) -> None:
        super().__init__(call)
        self.attempt = attempt  # 1 for the first
        self.request = request
        self.added: list[tuple[str, str]] = []  # by `add_header`, in order

    def add_header(self, name: str, value: str) -> None:
        """Add ``name: value`` to this attempt's request; checked before anything is sent
        (a `ParamValidationError` for a value that is not a valid field or a name the
        client owns, such as ``Authorization`` or ``Host``)."""
        self.added.append((name, value))


class SignedRequest(_Stage):
    """``after_signing``: the signed request, just before it is written."""

    __slots__ = ("attempt", "request")

    def __init__(self, call: CallInfo, attempt: int, request: HTTPRequest) -> None:
        super().__init__(call)
        self.attempt = attempt
        self.request = request


class AttemptEnd(_Stage):
    """``after_attempt``: how one attempt ended: a response (``status_code``, ``headers``),
    a transport failure (``status_code`` None), and the error it became, if any."""

    __slots__ = ("attempt", "duration", "error", "headers", "request_id", "status_code")

    def __init__(
        self,
        call: CallInfo,
        attempt: int,
        status_code: int | None,
        headers: Mapping[str, str] | None,
        duration: float,
        error: BaseException | None,
    ) -> None:
        super().__init__(call)
        self.attempt = attempt
        self.status_code = status_code
        self.headers = headers
        self.request_id = headers.get("x-amzn-requestid") if headers is not None else None
        self.duration = duration  # seconds, from before the connection wait to the answer
        self.error = error  # None when the attempt succeeded


class CallEnd(_Stage):
    """``after_call``: the call's outcome: ``output`` (None for an operation without one)
    or the ``error`` it raises."""

    __slots__ = ("attempts", "error", "output", "request_id", "retry_time", "status_code")

    def __init__(
        self,
        call: CallInfo,
        output: msgspec.Struct | None,
        error: BaseException | None,
        attempts: int,
        retry_time: float,
        status_code: int | None,
        request_id: str | None,
    ) -> None:
        super().__init__(call)
        self.output = output
        self.error = error
        self.attempts = attempts
        self.retry_time = retry_time
        self.status_code = status_code  # of the last response, if one came
        self.request_id = request_id


class Interceptor:
    """Base of an interceptor: override any of the hooks, as plain or ``async`` methods.

    Hooks that are not overridden cost nothing: the client calls only those that are.
    """

    def before_call(self, context: CallStart) -> Awaitable[None] | None:
        return None

    def before_attempt(self, context: AttemptStart) -> Awaitable[None] | None:
        return None

    def after_signing(self, context: SignedRequest) -> Awaitable[None] | None:
        return None

    def after_attempt(self, context: AttemptEnd) -> Awaitable[None] | None:
        return None

    def after_call(self, context: CallEnd) -> Awaitable[None] | None:
        return None
