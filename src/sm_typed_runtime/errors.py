"""Exceptions the runtime raises, and the AWS errors every JSON service can return.

Generated ``errors`` modules re-export these and add a class per error their model
declares. The class of a service error decides how it is retried: a `ThrottlingError`
is retried as throttling (a cheaper retry, a longer backoff, the adaptive limiter
slows down), whatever its HTTP status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal


class SmTypedError(Exception):
    """Root of everything this library raises.

    For a call that reached the network, ``attempts`` is how many requests were
    sent and ``retry_time`` the seconds from the first one to this error
    (both stay 0 for errors raised before anything was sent).
    """

    attempts: int = 0
    retry_time: float = 0.0

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take keyword or formatted arguments: rebuild from the state instead,
        # so errors cross process boundaries (multiprocessing, executors) and copy.copy.
        return (_restore, (type(self), self.args, self.__dict__.copy()))

    def _retry_note(self) -> str:
        if self.attempts > 1:
            return f" [after {self.attempts} attempts in {self.retry_time:.2f}s]"
        return ""


def _restore(cls: type[SmTypedError], args: tuple[Any, ...], state: dict[str, Any]) -> SmTypedError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ParamValidationError(SmTypedError, ValueError):
    """Parameters cannot be sent as given; nothing was sent.

    ``problems`` lists every problem found, each naming the parameter path.
    """

    def __init__(self, operation: str, problems: Iterable[str]) -> None:
        self.operation = operation
        self.problems: tuple[str, ...] = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"Invalid parameters for {operation} ({len(self.problems)} problem"
            f"{'s' if len(self.problems) != 1 else ''}):\n{lines}"
        )


class InterceptorError(SmTypedError):
    """An interceptor's hook raised: the call ended there and is not retried.

    ``interceptor`` is the interceptor's class name, ``hook`` the hook that raised
    (``before_call`` ... ``after_call``); the exception it raised is ``__cause__``.
    """

    def __init__(self, operation: str, interceptor: str, hook: str, error: BaseException) -> None:
        self.operation = operation
        self.interceptor = interceptor
        self.hook = hook
        super().__init__(
            f"{operation}: the interceptor {interceptor}.{hook} raised "
            f"{type(error).__name__}: {_text_of(error)}"
        )


def _text_of(error: BaseException) -> str:
    """``str(error)``, or a note that it has none: a hook's exception may fail to print."""
    try:
        return str(error)
    except Exception:  # noqa: BLE001 (any failure of its __str__ is the same to us)
        return "(its message cannot be shown)"


class ConfigurationError(SmTypedError, ValueError):
    """The client's configuration cannot work (bad region, endpoint, options)."""


class NoRegionError(ConfigurationError):
    """No region was given or found in the environment or profile."""


class NoCredentialsError(SmTypedError):
    """No AWS credentials were found; ``searched`` names where we looked."""

    def __init__(self, searched: Iterable[str], detail: str | None = None) -> None:
        self.searched: tuple[str, ...] = tuple(searched)
        msg = "Unable to locate AWS credentials. Looked in: " + ", ".join(self.searched)
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


class CredentialsError(SmTypedError):
    """A credential provider was found but failed (bad profile, SSO expired, ...)."""


class EndpointResolutionError(ConfigurationError):
    """The service's endpoint rules gave no URL for this configuration."""


class HTTPClientError(SmTypedError):
    """The request did not get an HTTP response (connection refused, reset, TLS, ...)."""

    def __init__(self, operation: str, message: str) -> None:
        self.operation = operation
        self.detail = message
        super().__init__(f"{operation}: {message}")

    def __str__(self) -> str:
        return f"{self.operation}: {self.detail}{self._retry_note()}"


class PaginationError(SmTypedError):
    """A paginator cannot go on: the service returned the same token twice (it would loop)."""

    def __init__(self, operation: str, reason: str) -> None:
        self.operation = operation
        self.reason = reason
        super().__init__(f"{operation}: pagination stopped: {reason}")


class WaiterError(SmTypedError):
    """A waiter ended without its success state.

    ``waiter_name`` (``EndpointInService``), ``reason``, the last output and the last
    error seen (either may be None), and how many times it polled (``attempts``).
    """

    def __init__(
        self,
        waiter_name: str,
        reason: str,
        *,
        last_output: Any = None,
        last_error: BaseException | None = None,
        attempts: int = 0,
    ) -> None:
        self.waiter_name = waiter_name
        self.reason = reason
        self.last_output = last_output
        self.last_error = last_error
        self.attempts = attempts
        super().__init__(f"Waiter {waiter_name} failed: {reason} (after {attempts} attempts)")


class WaiterFailed(WaiterError):
    """A failure acceptor of the waiter matched (the resource reached a failed state)."""


class WaiterTimeout(WaiterError, TimeoutError):
    """The waiter's attempts, or ``max_wait``, ran out before its success state."""


class CallTimeoutError(SmTypedError, TimeoutError):
    """The whole call, retries included, took longer than ``call_timeout``."""

    def __init__(self, operation: str, timeout: float) -> None:
        self.operation = operation
        self.timeout = timeout
        super().__init__(f"{operation}: no result within the call timeout of {timeout}s")

    def __str__(self) -> str:
        return f"{self.args[0]}{self._retry_note()}"


class ConnectTimeoutError(HTTPClientError, TimeoutError):
    """Connecting to the endpoint took longer than the connect timeout."""


class ReadTimeoutError(HTTPClientError, TimeoutError):
    """The endpoint sent nothing for longer than the read timeout."""


class ResponseTooLargeError(HTTPClientError):
    """The response body is larger than the client's ``max_response_bytes``; not retried."""


class PoolTimeoutError(SmTypedError, TimeoutError):
    """No connection became free within ``pool_timeout``; nothing was sent."""

    def __init__(self, operation: str, message: str) -> None:
        self.operation = operation
        self.detail = message
        super().__init__(f"{operation}: {message}")


class EventLoopMismatchError(SmTypedError, RuntimeError):
    """The client was used from an event loop other than the one it first ran on."""


class ClientClosedError(SmTypedError, RuntimeError):
    """The client was closed; create a new one to make more calls."""


class ResponseParseError(SmTypedError):
    """A successful response whose body does not match the operation's output shape."""

    def __init__(
        self, operation: str, status_code: int, request_id: str | None, detail: str
    ) -> None:
        self.operation = operation
        self.status_code = status_code
        self.request_id = request_id
        super().__init__(
            f"{operation}: cannot decode the response (HTTP {status_code}, "
            f"request id {request_id}): {detail}"
        )


class ServiceError(SmTypedError):
    """An error response from the service.

    Subclasses exist for every error the service models and for the common AWS
    errors; an unknown code is a plain `ServiceError` with ``code`` kept.
    """

    # Attributes for the modelled members of the error shape other than the message.
    __error_members__: ClassVar[tuple[str, ...]] = ()
    # The name of the error shape's Struct, used to decode those members.
    __error_shape__: ClassVar[str | None] = None
    # How the model says this error is retried (its ``retryable`` trait); None: by the
    # common rules (status and code) only.
    __retry__: ClassVar[Literal["throttling", "transient"] | None] = None

    def __init__(
        self,
        *,
        code: str,
        message: str,
        status_code: int,
        request_id: str | None,
        operation: str,
    ) -> None:
        self.code = code
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.operation = operation
        super().__init__(code, message)

    def __str__(self) -> str:
        rid = f", request id {self.request_id}" if self.request_id else ""
        return (
            f"An error occurred ({self.code}) when calling the {self.operation} operation "
            f"(HTTP {self.status_code}{rid}): {self.message or '(no message)'}{self._retry_note()}"
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"status_code={self.status_code!r}, request_id={self.request_id!r}, "
            f"operation={self.operation!r})"
        )


class ThrottlingError(ServiceError):
    """Base of the errors that mean 'slow down': every one is retried as throttling.

    A 429 answer whose code is not one the service declares is one of these too.
    """

    __retry__ = "throttling"


class TransientServiceError(ServiceError):
    """Base of server-side errors that may succeed on retry."""


class AuthError(ServiceError):
    """Base of errors about credentials or signatures."""


# The common AWS errors, shared by every JSON-protocol service.
class AccessDeniedException(AuthError):
    """You do not have sufficient access to perform this action."""


class IncompleteSignature(AuthError):
    """The request signature does not conform to AWS standards."""


class InvalidSignatureException(AuthError):
    """The request signature does not match the one the service calculated."""


class SignatureDoesNotMatch(AuthError):
    """The request signature does not match the one the service calculated."""


class UnrecognizedClientException(AuthError):
    """The access key ID or security token is invalid."""


class InvalidClientTokenId(AuthError):
    """The access key ID or security token does not exist in AWS's records."""


class MissingAuthenticationToken(AuthError):
    """The request carries no valid access key or signature."""


class ExpiredTokenException(AuthError):
    """The security token in the request has expired."""


class RequestExpired(AuthError):
    """The request reached the service too long after its signing time."""


class NotAuthorized(AuthError):
    """You do not have permission to perform this action."""


class OptInRequired(AuthError):
    """The account must opt in to this service."""


class ValidationException(ServiceError):
    """The input fails to satisfy the constraints of the service."""


class ValidationError(ServiceError):
    """The input fails to satisfy the constraints of the service."""


class InvalidParameterValue(ServiceError):
    """A parameter value is invalid or out of range."""


class InvalidParameterCombination(ServiceError):
    """Parameters that must not be used together were used together."""


class MissingParameter(ServiceError):
    """A required parameter is missing."""


class SerializationException(ServiceError):
    """The service could not read the request body."""


class UnknownOperationException(ServiceError):
    """The service does not know the operation in ``X-Amz-Target``."""


class InvalidAction(ServiceError):
    """The action or operation requested is invalid."""


# The throttling codes of botocore's standard retry mode (ThrottledRetryableChecker): a
# class each, so that every error retried as throttling is a ThrottlingError.
class ThrottlingException(ThrottlingError):
    """The request was denied due to request throttling."""


class Throttling(ThrottlingError):
    """The request was denied due to request throttling."""


class ThrottledException(ThrottlingError):
    """The request was throttled."""


class RequestThrottledException(ThrottlingError):
    """The request was throttled."""


class TooManyRequestsException(ThrottlingError):
    """Too many requests in too short a time."""


class ProvisionedThroughputExceededException(ThrottlingError):
    """The request rate is above the provisioned throughput."""


class TransactionInProgressException(ThrottlingError):
    """Another transaction with the same token is in progress."""


class RequestLimitExceeded(ThrottlingError):
    """The request rate limit was exceeded."""


class BandwidthLimitExceeded(ThrottlingError):
    """The bandwidth limit was exceeded."""


class LimitExceededException(ThrottlingError):
    """A rate or resource limit was exceeded (retried as throttling, as botocore does)."""


class RequestThrottled(ThrottlingError):
    """The request was throttled."""


class SlowDown(ThrottlingError):
    """Reduce your request rate."""


class PriorRequestNotComplete(ThrottlingError):
    """A previous request with the same parameters has not completed yet."""


class EC2ThrottledException(ThrottlingError):
    """The request was throttled by EC2."""


# The transient codes of botocore's standard mode (TransientRetryableChecker), retried
# whatever their status; other TransientServiceErrors are retried by their 5xx status.
class RequestTimeout(TransientServiceError):
    """The service timed out reading the request."""


class RequestTimeoutException(TransientServiceError):
    """The service timed out reading the request."""


class ServiceUnavailable(TransientServiceError):
    """The service is temporarily unable to handle the request."""


class ServiceUnavailableException(TransientServiceError):
    """The service is temporarily unable to handle the request."""


class InternalFailure(TransientServiceError):
    """The service failed for an unknown reason."""


class InternalServerError(TransientServiceError):
    """The service failed for an unknown reason."""


class InternalError(TransientServiceError):
    """The service failed for an unknown reason."""


COMMON_ERRORS: Mapping[str, type[ServiceError]] = {
    cls.__name__: cls
    for cls in (
        AccessDeniedException,
        IncompleteSignature,
        InvalidSignatureException,
        SignatureDoesNotMatch,
        UnrecognizedClientException,
        InvalidClientTokenId,
        MissingAuthenticationToken,
        ExpiredTokenException,
        RequestExpired,
        NotAuthorized,
        OptInRequired,
        ValidationException,
        ValidationError,
        InvalidParameterValue,
        InvalidParameterCombination,
        MissingParameter,
        SerializationException,
        UnknownOperationException,
        InvalidAction,
        ThrottlingException,
        Throttling,
        ThrottledException,
        RequestThrottledException,
        TooManyRequestsException,
        ProvisionedThroughputExceededException,
        TransactionInProgressException,
        RequestLimitExceeded,
        BandwidthLimitExceeded,
        LimitExceededException,
        RequestThrottled,
        SlowDown,
        PriorRequestNotComplete,
        EC2ThrottledException,
        RequestTimeout,
        RequestTimeoutException,
        ServiceUnavailable,
        ServiceUnavailableException,
        InternalFailure,
        InternalServerError,
        InternalError,
    )
}


# Codes retried as transient whatever the status (botocore: TransientRetryableChecker).
TRANSIENT_CODES: frozenset[str] = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"}
)
# HTTP statuses retried as transient (botocore: the same checker).
TRANSIENT_STATUSES: frozenset[int] = frozenset({500, 502, 503, 504})


# The library's own exceptions, re-exported by every generated ``errors`` module.
LIBRARY_ERRORS: tuple[str, ...] = (
    "SmTypedError",
    "ServiceError",
    "ParamValidationError",
    "InterceptorError",
    "PaginationError",
    "WaiterError",
    "WaiterFailed",
    "WaiterTimeout",
    "ConfigurationError",
    "NoRegionError",
    "NoCredentialsError",
    "CredentialsError",
    "EndpointResolutionError",
    "HTTPClientError",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ResponseTooLargeError",
    "PoolTimeoutError",
    "CallTimeoutError",
    "EventLoopMismatchError",
    "ResponseParseError",
    "ClientClosedError",
    "ThrottlingError",
    "TransientServiceError",
    "AuthError",
)
