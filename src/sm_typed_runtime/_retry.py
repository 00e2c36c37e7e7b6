"""AWS "standard" retry mode, with botocore 1.44's numbers; the retry strategy interface.

What is retried is decided by `classify` (``_classify.py``); this module decides
whether a retryable failure is retried *now*, and after how long:

- at most ``max_attempts`` attempts (3, or the service's botocore default: 4 for DynamoDB);
- a retry quota per client: 500 tokens; a retry costs 14, a throttling retry 5; a call
  that succeeds gives back what its last retry took, or 1 token when it needed none;
- full-jitter exponential backoff, ``rand() * min(base * 2 ** (attempt - 1), 20)``, with a
  base of 1 s after throttling and 50 ms otherwise (25 ms for DynamoDB); an
  ``x-amz-retry-after`` header (milliseconds) raises the delay to at most 5 s above it;
- long-polling operations (SQS ReceiveMessage, ...) wait out the delay even when the quota
  refuses the retry, so a loop around them does not spin.

tests/test_retries_botocore.py drives these and botocore's own classes step by step.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable
from typing import Literal, Protocol, runtime_checkable

import msgspec

from .errors import SmTypedError

RetryKind = Literal["throttling", "transient"]

MAX_BACKOFF = 20.0
THROTTLING_BASE = 1.0
NON_THROTTLING_BASE = 0.05
RETRY_AFTER_MAX_ADDITIONAL = 5.0
INITIAL_QUOTA = 500
RETRY_COST = 14
THROTTLING_RETRY_COST = 5
NO_RETRY_INCREMENT = 1
DEFAULT_MAX_ATTEMPTS = 3


class ServiceRetryDefaults(msgspec.Struct, frozen=True):
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    non_throttling_base: float = NON_THROTTLING_BASE
    long_polling: frozenset[str] = frozenset()
    crc32: bool = False  # retry a response whose x-amz-crc32 does not match its body


# botocore's per-service exceptions, by hyphenated service id (botocore/retries/standard.py
# and special.py).
SERVICE_DEFAULTS: dict[str, ServiceRetryDefaults] = {
    "dynamodb": ServiceRetryDefaults(4, 0.025, crc32=True),
    "dynamodb-streams": ServiceRetryDefaults(4, 0.025),
    "sqs": ServiceRetryDefaults(long_polling=frozenset({"ReceiveMessage"})),
    "sfn": ServiceRetryDefaults(long_polling=frozenset({"GetActivityTask"})),
    "swf": ServiceRetryDefaults(
        long_polling=frozenset({"PollForActivityTask", "PollForDecisionTask"})
    ),
    "kinesis": ServiceRetryDefaults(
        long_polling=frozenset({"ReceiveQueueRecords", "ReceiveDeadLetterQueueRecords"})
    ),
}
_PLAIN = ServiceRetryDefaults()


def service_defaults(service_id: str) -> ServiceRetryDefaults:
    return SERVICE_DEFAULTS.get("-".join(service_id.lower().split()), _PLAIN)


class Failure(msgspec.Struct, frozen=True):
    """A failed attempt as the retry strategy sees it."""

    error: SmTypedError
    kind: RetryKind | None  # None: not retryable
    retry_after: float | None = None  # seconds, from x-amz-retry-after
    operation: str = ""


class Decision(msgspec.Struct, frozen=True):
    retry: bool
    delay: float = 0.0  # before the retry; or, when not retrying, before giving up


NO_RETRY = Decision(False)


class CallRetries:
    """What one call has taken from the quota."""

    __slots__ = ("last_cost",)

    def __init__(self) -> None:
        self.last_cost: int | None = None


@runtime_checkable
class RetryStrategy(Protocol):
    """Decides whether and when a failed attempt is retried; one per client, its state
    (quota, send rate) shared by every call and view of that client."""

    @property
    def limits_send_rate(self) -> bool:
        """True when `before_attempt` and `after_attempt` must be called (adaptive mode)."""
        ...

    async def before_attempt(self) -> None: ...

    def after_attempt(self, throttled: bool) -> None: ...

    def decide(
        self, failure: Failure, attempt: int, max_attempts: int, call: CallRetries
    ) -> Decision: ...

    def record_success(self, call: CallRetries | None) -> None: ...


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
        if self.available < self.capacity:
            self.available = min(self.capacity, self.available + amount)

    def __repr__(self) -> str:
        return f"RetryQuota({self.available}/{self.capacity})"


class StandardRetryStrategy:
    """botocore's ``standard`` mode. ``random`` (for the jitter) is injectable."""

    limits_send_rate = False

    def __init__(
        self,
        *,
        quota: RetryQuota | None = None,
        random: Callable[[], float] | None = None,
        service_id: str = "",
    ) -> None:
        self.quota = quota if quota is not None else RetryQuota()
        self._random = random if random is not None else _random.random
        self._defaults = service_defaults(service_id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(quota={self.quota!r})"

    async def before_attempt(self) -> None:
        return None

    def after_attempt(self, throttled: bool) -> None:
        return None

    def backoff(self, failure: Failure, attempt: int) -> float:
        base = (
            THROTTLING_BASE if failure.kind == "throttling" else self._defaults.non_throttling_base
        )
        delay = self._random() * min(base * 2.0 ** (attempt - 1), MAX_BACKOFF)
        if failure.retry_after is not None:
            return max(delay, min(failure.retry_after, RETRY_AFTER_MAX_ADDITIONAL + delay))
        return delay

    def decide(
        self, failure: Failure, attempt: int, max_attempts: int, call: CallRetries
    ) -> Decision:
        if failure.kind is None or attempt >= max_attempts:
            return NO_RETRY
        cost = THROTTLING_RETRY_COST if failure.kind == "throttling" else RETRY_COST
        if not self.quota.acquire(cost):
            if failure.operation in self._defaults.long_polling:
                return Decision(False, self.backoff(failure, attempt))
            return NO_RETRY
        call.last_cost = cost
        return Decision(True, self.backoff(failure, attempt))

    def record_success(self, call: CallRetries | None) -> None:
        quota = self.quota
        if quota.available < quota.capacity:  # at capacity (the usual case) nothing changes
            cost = call.last_cost if call is not None else None
            quota.release(cost if cost is not None else NO_RETRY_INCREMENT)


def default_max_attempts(service_id: str) -> int:
    return service_defaults(service_id).max_attempts
