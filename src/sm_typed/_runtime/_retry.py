"""AWS "standard" retry mode: which failures to retry, how long to wait, and the shared quota.

Follows the cross-SDK specification that botocore's ``standard`` mode implements:
at most ``max_attempts`` attempts, exponential backoff with full jitter capped at
20 s, and a token bucket per client so that a failing service is not hammered
(500 tokens; a retry costs 5, a retry after a timeout 10; a success returns the
cost of its last retry, as botocore does, or 1 token when it needed none).
"""

from __future__ import annotations

from collections.abc import Callable

from ._errors import (
    ConnectTimeoutError,
    HTTPClientError,
    ReadTimeoutError,
    ServiceError,
    SmTypedError,
)

MAX_BACKOFF = 20.0
INITIAL_QUOTA = 500
RETRY_COST = 5
TIMEOUT_RETRY_COST = 10
NO_RETRY_INCREMENT = 1

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "InternalError", "PriorRequestNotComplete"}
)
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
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


def is_throttle(error: SmTypedError) -> bool:
    return isinstance(error, ServiceError) and error.code in THROTTLING_CODES


def retry_cost(error: SmTypedError) -> int | None:
    """Tokens a retry of ``error`` costs, or None when it must not be retried."""
    if isinstance(error, (ReadTimeoutError, ConnectTimeoutError)):
        return TIMEOUT_RETRY_COST
    if isinstance(error, HTTPClientError):
        return RETRY_COST  # no response: connection refused, reset, truncated body
    if isinstance(error, ServiceError) and (
        error.code in THROTTLING_CODES
        or error.code in TRANSIENT_CODES
        or error.status_code in TRANSIENT_STATUSES
    ):
        return RETRY_COST
    return None


def backoff(attempt: int, rand: Callable[[], float] | None = None) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): full jitter, capped."""
    if rand is None:
        import random  # only a failed attempt needs it: kept off the import path

        rand = random.random
    return rand() * min(MAX_BACKOFF, 2.0 ** (attempt - 1))


class RetryQuota:
    """The token bucket one client's calls share."""

    __slots__ = ("available", "capacity")

    def __init__(self, capacity: int = INITIAL_QUOTA) -> None:
        self.capacity = capacity
        self.available = capacity

    def acquire(self, cost: int) -> bool:
        if cost > self.available:
            return False
        self.available -= cost
        return True

    def release(self, amount: int) -> None:
        self.available = min(self.capacity, self.available + amount)
