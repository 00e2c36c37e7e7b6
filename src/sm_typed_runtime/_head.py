"""The request head: assembled and checked here, for every request and both transports.

The part that is the same for every attempt of an operation on a route (request
line, Host, Content-Type, X-Amz-Target, User-Agent) is checked and encoded once,
as a `HeadPrefix`. The per-attempt fields (date, token, signature, invocation
headers) are checked by `check_fields` before any transport sees them.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from ._fields import TOKEN_CHARS, field_problem
from ._transport import Target


class HeadPrefix(msgspec.Struct, frozen=True):
    target: Target
    fields: tuple[tuple[str, str], ...]
    encoded: bytes  # "POST <path> HTTP/1.1\r\n" and the fields, latin-1


class HeaderError(ValueError):
    """A field that cannot be written; the message never holds the value."""


def check_fields(fields: Sequence[tuple[str, str]]) -> None:
    for name, value in fields:
        # The common case in C-level checks only; anything else gets the full reading.
        if not (
            type(value) is str
            and value.isascii()
            and value.isprintable()
            and name
            and TOKEN_CHARS.issuperset(name)
        ):
            problem = field_problem(name, value)
            if problem is not None:
                raise HeaderError(problem)


def head_prefix(target: Target, fields: Sequence[tuple[str, str]]) -> HeadPrefix:
    check_fields(fields)
    lines = "".join(f"{name}: {value}\r\n" for name, value in fields)
    encoded = f"POST {target.path} HTTP/1.1\r\n{lines}".encode("latin-1")
    return HeadPrefix(target, tuple(fields), encoded)


def encode_request(prefix: HeadPrefix, fields: Sequence[tuple[str, str]], body: bytes) -> bytes:
    """The bytes of the whole request; ``fields`` were checked by `check_fields`."""
    # map/join run in C: a third of the instructions of formatting each line in Python.
    lines = "\r\n".join(map(": ".join, fields))
    length = f"Content-Length: {len(body)}\r\n\r\n"
    head = (f"{lines}\r\n{length}" if lines else length).encode("latin-1")
    return prefix.encoded + head + body


# What the client writes itself, in any case: an extra header may not replace or repeat it.
OWNED_FIELDS = frozenset(
    {
        # the transport's framing and connection management
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "expect",
        # signing
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
        # the operation and the SDK's own
        "x-amz-target",
        "content-type",
        "content-encoding",
        "accept-encoding",
        "user-agent",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
    }
)
# Extra headers botocore leaves out of the signature (tracing that proxies may rewrite).
UNSIGNED_FIELDS = frozenset({"baggage", "traceparent", "tracestate", "x-amzn-trace-id"})


def extra_field_problems(
    fields: Sequence[tuple[object, object]], taken: Sequence[tuple[str, str]] = ()
) -> list[str]:
    """Why each of ``fields`` (headers a caller adds) cannot be sent; values never echoed."""
    problems: list[str] = []
    seen = {name.lower() for name, _ in taken}
    for name, value in fields:
        problem = field_problem(name, value)
        if problem is None:
            assert isinstance(name, str)
            lower = name.lower()
            if lower in OWNED_FIELDS:
                problem = f"header {name}: the client sets this header itself"
            elif lower in seen:
                problem = f"header {name}: given twice"
            seen.add(lower)
        if problem is not None:
            problems.append(problem)
    return problems
