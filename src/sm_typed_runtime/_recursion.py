"""Lambda's recursion-detection header, as botocore adds it to every call made in Lambda.

In a Lambda function (``AWS_LAMBDA_FUNCTION_NAME`` set) botocore sends the invocation's
trace id (``_X_AMZN_TRACE_ID``, new for every invocation) as ``X-Amzn-Trace-Id``, unless
the request has one already: AWS uses it to stop a function that calls itself through
other services, and X-Ray to follow the call. It is not signed (botocore leaves it out of
the signature, as proxies may rewrite it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from ._sigv4 import uri_encode

FIELD = "X-Amzn-Trace-Id"
# What botocore's ``quote(trace_id, safe='-=;:+&[]{}"\\',')`` leaves as it is.
_KEPT = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~-=;:+&[]{}\"',"
)


def in_lambda() -> bool:
    """Read once per client: a process does not move in or out of Lambda."""
    return "AWS_LAMBDA_FUNCTION_NAME" in os.environ


def trace_field(present: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """The header for this call (its trace id is read now: each invocation has its own),
    or None without a trace id or when ``present`` (the request's fields) has one."""
    trace_id = os.environ.get("_X_AMZN_TRACE_ID")
    if not trace_id or _has_trace(present):
        return None
    return FIELD, uri_encode(trace_id, _KEPT)


def with_trace(
    added: list[tuple[str, str]] | None, trace: tuple[str, str]
) -> list[tuple[str, str]]:
    """An attempt's added headers (an interceptor's) with the trace header, unless they
    have one."""
    if not added:
        return [trace]
    return added if _has_trace(added) else [*added, trace]


def _has_trace(fields: Sequence[tuple[str, str]]) -> bool:
    return any(name.lower() == "x-amzn-trace-id" for name, _ in fields)
