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

from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

import msgspec

from ._metadata import request_id_of

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


class CallInfo(msgspec.Struct):
    """What every stage context of one call shares."""

    service: str  # the model's serviceId: "SageMaker"
    operation: str  # the wire name: "CreateModel"
    input: msgspec.Struct | None  # the input Struct as given (None: the operation has none)
    region: str | None  # None until the route is resolved
    _properties: dict[Any, Any] | None = None  # made when first asked for

    @property
    def properties(self) -> dict[Any, Any]:
        """The interceptors' own state across the stages of this call."""
        found = self._properties
        if found is None:
            found = self._properties = {}
        return found

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.service}.{self.operation})"


class HTTPRequest(msgspec.Struct, frozen=True):
    """The request of one attempt as an interceptor sees it (secrets redacted)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]


# The contexts are Structs (built in C: a few of them per attempt) with a repr that never
# shows the input or headers. Each is a Struct of its own fields over mixins of properties:
# a Struct subclass of a Struct is freed level by level, which an idle hook pays for.


class _Stage:
    """The properties of a context that has its call as ``call``."""

    __slots__ = ()
    call: CallInfo

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

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.call.service}.{self.call.operation})"


class CallStart(CallInfo):
    """``before_call``: the operation and its input, before validation. It is the call's
    `CallInfo` itself (``context.call is context``): the other stages' ``call``."""

    @property
    def call(self) -> CallInfo:
        return self


class _RequestStage(_Stage):
    """The request of an attempt, built from the fields when first asked for."""

    __slots__ = ()
    attempt: int  # 1 for the first
    _url: str
    _fields: tuple[tuple[str, str], ...]  # the fields every attempt has (no secret in them)
    _length: int
    _more: Sequence[tuple[str, str]]  # this attempt's signed ones, secrets redacted
    _request: HTTPRequest | None

    @property
    def request(self) -> HTTPRequest:
        """The request as written: method, URL and every header in order."""
        request = self._request
        if request is None:
            fields = (*self._fields, *self._more, ("Content-Length", str(self._length)))
            request = self._request = HTTPRequest("POST", self._url, fields)  # type: ignore[misc]  # a field of the Structs it is mixed into
        return request


class AttemptStart(_RequestStage, msgspec.Struct):
    """``before_attempt``: the request before a connection is held and before signing.

    `add_header` adds a header to this attempt (it is signed, unless it is a tracing
    header botocore also leaves unsigned). Headers the client owns are refused.
    """

    call: CallInfo
    attempt: int
    _url: str
    _fields: tuple[tuple[str, str], ...]
    _length: int
    _more: Sequence[tuple[str, str]] = ()
    _request: HTTPRequest | None = None
    _added: list[tuple[str, str]] | None = None  # by add_header

    @property
    def added(self) -> tuple[tuple[str, str], ...]:
        """The headers `add_header` added, in order (read-only: add with `add_header`)."""
        return tuple(self._added) if self._added else ()

    def add_header(self, name: str, value: str) -> None:
        """Add ``name: value`` to this attempt's request; checked before anything is sent
        (a `ParamValidationError` for a value that is not a valid field or a name the
        client owns, such as ``Authorization`` or ``Host``)."""
        if self._added is None:
            self._added = []
        self._added.append((name, value))


class SignedRequest(_RequestStage, msgspec.Struct):
    """``after_signing``: the signed request, just before it is written (the signature and
    the session token shown as ``<redacted>``)."""

    call: CallInfo
    attempt: int
    _url: str
    _fields: tuple[tuple[str, str], ...]
    _length: int
    _more: Sequence[tuple[str, str]] = ()
    _request: HTTPRequest | None = None


class AttemptEnd(_Stage, msgspec.Struct):
    """``after_attempt``: how one attempt ended: a response (``status_code``, ``headers``),
    a transport failure (``status_code`` None), and the error it became, if any."""

    call: CallInfo
    attempt: int
    status_code: int | None
    headers: Mapping[str, str] | None
    duration: float  # seconds, from before the connection wait to the answer
    error: BaseException | None  # None when the attempt succeeded

    @property
    def request_id(self) -> str | None:
        """The response's request id (None without a response)."""
        return request_id_of(self.headers)


class CallEnd(_Stage, msgspec.Struct):
    """``after_call``: the call's outcome: ``output`` (None for an operation without one)
    or the ``error`` it raises."""

    call: CallInfo
    output: msgspec.Struct | None
    error: BaseException | None
    attempts: int
    retry_time: float
    status_code: int | None  # of the last attempt's response, if it had one
    _headers: Mapping[str, str] | None

    @property
    def request_id(self) -> str | None:
        """The request id of the last response (a service error's own, when it raised one)."""
        found = getattr(self.error, "request_id", None)
        return found if isinstance(found, str) else request_id_of(self._headers)


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
