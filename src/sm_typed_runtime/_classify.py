"""What an attempt's outcome means: the typed error, and whether (and how) it is retried.

The rules are botocore 1.44's standard mode (``botocore/retries/standard.py``):

- throttling: a code of its throttling list (each a `ThrottlingError` class here), an
  error the model marks ``retryable: {throttling: true}``, or a 429 whose code the
  operation does not model;
- transient: a code of its transient list, status 500/502/503/504, an error the
  operation models as ``retryable``, or no response at all (connection refused, reset,
  timed out, truncated);
- everything else is raised at once, and so are a pool timeout (nothing was sent), an
  oversized response and a closed client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from ._decode import DecodeFailure, decode_error_members
from ._error_body import parse_error
from ._metadata import request_id_of
from ._retry import RetryKind
from ._specs import OperationSpec
from ._transport import HTTPResponse, TransportError
from .errors import (
    TRANSIENT_CODES,
    TRANSIENT_STATUSES,
    ClientClosedError,
    ConnectTimeoutError,
    HTTPClientError,
    PoolTimeoutError,
    ReadTimeoutError,
    ResponseParseError,
    ResponseTooLargeError,
    ServiceError,
    SmTypedError,
    ThrottlingError,
)

RETRY_AFTER_HEADER = "x-amz-retry-after"
# Errors that mean our clock is off when the response's Date header disagrees with it.
CLOCK_SKEW_CODES = frozenset(
    {
        "RequestTimeTooSkewed",
        "RequestExpired",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "RequestInTheFuture",
        "AuthFailure",
    }
)


def service_error(op: OperationSpec[Any, Any], response: HTTPResponse) -> ServiceError:
    """The typed error of an error response: the model's class for its code, else the
    common AWS class, else `ServiceError` (a 429 with an unmodelled code: `ThrottlingError`)."""
    status, headers = response.status, response.headers
    info = parse_error(status, headers, response.body)
    service = op.service
    cls = service.errors.get(info.code)
    if cls is None and info.query_code is not None:
        cls = service.errors.get(info.query_code)  # SQS models no Query codes: its shape names
    if status == 429 and info.code not in op.errors and (cls is None or cls.__retry__ is None):
        cls = ThrottlingError  # botocore: the status decides for what the operation does not model
    elif cls is None:
        cls = ServiceError
    exc = cls(
        code=info.code,
        message=info.message,
        status_code=status,
        request_id=info.request_id,
        operation=op.name,
    )
    if cls.__error_shape__ is not None and cls.__error_members__:
        shape = service.shape(cls.__error_shape__)
        members = decode_error_members(shape, info.body) if info.body is not None else None
        for attr in cls.__error_members__:
            setattr(exc, attr, getattr(members, attr, None))
    return exc


def service_retry_kind(error: ServiceError, op: OperationSpec[Any, Any]) -> RetryKind | None:
    if isinstance(error, ThrottlingError):
        return "throttling"
    if type(error).__retry__ == "transient" and error.code in op.errors:
        return "transient"
    if error.code in TRANSIENT_CODES or error.status_code in TRANSIENT_STATUSES:
        return "transient"
    return None


_TRANSPORT_ERRORS: dict[str, type[HTTPClientError]] = {
    "connect-timeout": ConnectTimeoutError,
    "read-timeout": ReadTimeoutError,
    "connect": HTTPClientError,
    "connection": HTTPClientError,
    "too-large": ResponseTooLargeError,
}
_RETRIED_TRANSPORT = frozenset({"connect-timeout", "read-timeout", "connect", "connection"})


def failed_response(
    op: OperationSpec[Any, Any], response: HTTPResponse
) -> tuple[SmTypedError, RetryKind | None]:
    """The error of a response that is not a success (a status of 300 or more, or a
    success whose CRC32 does not match its body), and how it is retried."""
    if response.status < 300:
        rid = request_id_of(response.headers)
        return ResponseParseError(op.name, response.status, rid, "CRC32 mismatch"), "transient"
    error = service_error(op, response)
    return error, service_retry_kind(error, op)


def transport_error(op: OperationSpec[Any, Any], exc: TransportError) -> SmTypedError:
    if exc.kind == "pool-timeout":
        return PoolTimeoutError(op.name, exc.detail)
    if exc.kind == "closed":
        return ClientClosedError(f"{op.name}: {exc.detail}")
    return _TRANSPORT_ERRORS[exc.kind](op.name, exc.detail)


def transport_retry_kind(exc: TransportError) -> RetryKind | None:
    return "transient" if exc.kind in _RETRIED_TRANSPORT else None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """``x-amz-retry-after`` (milliseconds) in seconds; None when absent or not a count."""
    raw = headers.get(RETRY_AFTER_HEADER)
    if raw is None:
        return None
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    return int(raw) / 1000.0


def crc32_mismatch(response: HTTPResponse) -> bool:
    """DynamoDB's ``x-amz-crc32`` does not match the body (botocore retries those)."""
    expected = response.headers.get("x-amz-crc32")
    if expected is None:
        return False
    from binascii import crc32

    expected = expected.strip()
    if not (expected.isascii() and expected.isdigit()) or len(expected) > 10:
        return True
    return (crc32(response.body) & 0xFFFFFFFF) != int(expected)


def decode_output(op: OperationSpec[Any, Any], response: HTTPResponse) -> Any:
    if op.output is None:
        return None
    strict = op.decode_strict
    if strict is not None and response.body:
        try:
            return strict(response.body)
        except (msgspec.DecodeError, RecursionError):
            pass  # corrected (or reported) by the full decoder below
    try:
        return op.decode(response.body)
    except DecodeFailure as exc:
        raise ResponseParseError(
            op.name, response.status, request_id_of(response.headers), str(exc)
        ) from None
