"""Standard retry mode step by step beside botocore 1.44's own classes.

The same random call sequences (throttles, 5xx, transient codes, lost connections, 429s,
errors that are not retried, successes) go through botocore's RetryHandler, quota checker
and backoff, and through our classification and `StandardRetryStrategy`, with the same
random source: every retry decision, every delay and the quota after every step agree.
"""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.retries import quota as boto_quota
from botocore.retries import standard

from sm_typed._client import _ListModels
from sm_typed_runtime._classify import service_retry_kind
from sm_typed_runtime._retry import CallRetries, Failure, RetryQuota, StandardRetryStrategy
from sm_typed_runtime.errors import COMMON_ERRORS, HTTPClientError, ServiceError, ThrottlingError

# (code, status) of service errors; None code: no response at all.
OUTCOMES: list[tuple[str | None, int]] = [
    ("ThrottlingException", 400),
    ("SlowDown", 503),
    ("LimitExceededException", 400),
    ("InternalFailure", 500),
    ("ServiceUnavailable", 503),
    ("Whatever", 502),
    ("RequestTimeout", 400),
    ("PriorRequestNotComplete", 400),
    ("Unknown429", 429),
    ("ValidationException", 400),
    ("InternalError", 400),
    ("AccessDeniedException", 403),
    (None, 0),
]


class Rand:
    """One shared sequence of random numbers, drawn by whoever asks next."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self.values: list[float] = []

    def __call__(self) -> float:
        value = self._rng.random()
        self.values.append(value)
        return value


# A small quota, so that sequences also run it dry and refill it.
CAPACITY = 60


def botocore_side(rand: Any, max_attempts: int) -> tuple[Any, Any, boto_quota.RetryQuota]:
    detector = standard.ThrottlingErrorDetector(standard.RetryEventAdapter())
    quota = boto_quota.RetryQuota(CAPACITY)
    checker = standard.RetryQuotaChecker(quota, detector)
    handler = standard.RetryHandler(
        retry_policy=standard.RetryPolicy(
            retry_checker=standard.StandardRetryConditions(max_attempts=max_attempts),
            retry_backoff=standard.ExponentialBackoff(
                random=rand, service_name="sagemaker", throttling_detector=detector
            ),
        ),
        retry_event_adapter=standard.RetryEventAdapter(),
        retry_quota=checker,
        service_name="sagemaker",
    )
    return handler, checker, quota


OPERATION = SimpleNamespace(
    name="ListModels", error_shapes=[], service_model=SimpleNamespace(service_name="sagemaker")
)


def their_retry(
    handler: Any, attempt: int, outcome: tuple[str | None, int], context: dict[str, Any]
) -> float | None:
    code, status = outcome
    if code is None:
        kwargs: dict[str, Any] = {
            "response": None,
            "caught_exception": BotoConnectionError(error="x"),
        }
    else:
        http = SimpleNamespace(status_code=status, headers={}, content=b"")
        kwargs = {"response": (http, {"Error": {"Code": code}}), "caught_exception": None}
    delay: float | None = handler.needs_retry(
        attempts=attempt, operation=OPERATION, request_dict={"context": context}, **kwargs
    )
    return delay


def our_failure(outcome: tuple[str | None, int]) -> Failure:
    code, status = outcome
    if code is None:
        return Failure(HTTPClientError("ListModels", "lost"), "transient")
    cls = COMMON_ERRORS.get(code, ThrottlingError if status == 429 else ServiceError)
    error = cls(code=code, message="", status_code=status, request_id=None, operation="ListModels")
    return Failure(error, service_retry_kind(error, _ListModels))


@pytest.mark.parametrize("seed", range(12))
def test_decisions_delays_and_quota_match_botocore(seed: int) -> None:
    plan = random.Random(seed)
    max_attempts = plan.choice([1, 2, 3, 5])
    theirs_rand, ours_rand = Rand(seed), Rand(seed)
    handler, checker, their_quota = botocore_side(theirs_rand, max_attempts)
    ours = StandardRetryStrategy(quota=RetryQuota(CAPACITY), random=ours_rand)
    steps = 0
    low = CAPACITY
    for _call in range(100):
        context: dict[str, Any] = {}
        call = CallRetries()
        attempt = 1
        while True:
            if plan.random() < 0.35:  # success
                http = SimpleNamespace(status_code=200)
                checker.release_retry_quota(context=context, http_response=http)
                ours.record_success(call if attempt > 1 else None)
                break
            outcome = plan.choice(OUTCOMES)
            delay = their_retry(handler, attempt, outcome, context)
            decision = ours.decide(our_failure(outcome), attempt, max_attempts, call)
            steps += 1
            assert decision.retry == (delay is not None), (outcome, attempt)
            if delay is not None:
                assert decision.delay == pytest.approx(delay)
            assert ours.quota.available == their_quota.available_capacity
            low = min(low, ours.quota.available)
            if delay is None:
                break
            attempt += 1
        assert ours.quota.available == their_quota.available_capacity
    assert steps > 40
    if max_attempts > 1:
        assert low < 14, "the sequence ran the quota (nearly) dry"
    assert ours_rand.values == theirs_rand.values  # the same draws, in the same order


def test_long_polling_operations_wait_out_the_delay_when_the_quota_is_empty() -> None:
    strategy = StandardRetryStrategy(quota=RetryQuota(0), random=lambda: 1.0, service_id="SQS")
    error = COMMON_ERRORS["ThrottlingException"](
        code="ThrottlingException",
        message="",
        status_code=400,
        request_id=None,
        operation="ReceiveMessage",
    )
    decision = strategy.decide(
        Failure(error, "throttling", None, "ReceiveMessage"), 1, 3, CallRetries()
    )
    assert not decision.retry and decision.delay == 1.0
    other = strategy.decide(Failure(error, "throttling", None, "SendMessage"), 1, 3, CallRetries())
    assert not other.retry and other.delay == 0.0
