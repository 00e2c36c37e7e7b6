"""The request value, and the stages that build it: validate, serialize, prepare.

`serialize` is everything done to the input before I/O: idempotency tokens filled,
every problem listed (`ParamValidationError`), the body encoded, gzip where the model
allows it. `prepared` is what is the same for every call of an operation on a route:
the checked head prefix and the signing template, worked out once and kept on the route.
"""

from __future__ import annotations

import sys
from random import getrandbits as _getrandbits
from typing import Any

import msgspec

from ._encode import EncodeError, encode_body
from ._head import UNSIGNED_FIELDS, HeadPrefix, head_prefix
from ._routing import Route
from ._sigv4 import SigningTemplate, sha256_hex
from ._specs import OperationSpec
from ._validate import FAST, report
from .errors import ParamValidationError

USER_AGENT = "sm_typed/0.1.0 python/{}.{}.{}".format(*sys.version_info[:3])


class Prepared(msgspec.Struct, frozen=True):
    prefix: HeadPrefix
    signer: SigningTemplate
    signed: tuple[tuple[str, str], ...]  # the fields the template signs (for `sign` with more)


class Request:
    """One call's request as it travels through the stages (the same for every attempt)."""

    __slots__ = ("body", "invocation_id", "op", "payload_hash", "prepared", "route")

    def __init__(
        self, op: OperationSpec[Any, Any], route: Route, body: bytes, prepared: Prepared
    ) -> None:
        self.op = op
        self.route = route
        self.body = body
        self.prepared = prepared
        self.payload_hash = sha256_hex(body)
        self.invocation_id = new_invocation_id()

    def __repr__(self) -> str:
        return f"Request({self.op.name}, {self.route.url!r}, {len(self.body)} bytes)"


def serialize(op: OperationSpec[Any, Any], params: msgspec.Struct | None) -> bytes:
    """Fill idempotency tokens, validate, and encode the body: all before any I/O."""
    if params is None:
        return b"{}"
    for attr in op.idempotency_tokens:
        if getattr(params, attr) is None:
            setattr(params, attr, new_token())
    try:
        cls = type(params)
        valid = (FAST.found.get(cls) or FAST.get(cls))(params)
    except RecursionError:
        raise ParamValidationError(op.name, ["the input is nested too deeply"]) from None
    if not valid:
        try:
            problems = report(params)
        except RecursionError:
            problems = ["the input is nested too deeply"]
        if problems:
            raise ParamValidationError(op.name, problems)
    try:
        return encode_body(params)
    except EncodeError as exc:
        raise ParamValidationError(op.name, [f"the input {exc}"]) from None


def compressed(body: bytes) -> bytes:
    import gzip  # few operations compress: kept off the import path

    return gzip.compress(body, mtime=0)


def prepared(
    op: OperationSpec[Any, Any],
    route: Route,
    gzipped: bool,
    extra: tuple[tuple[str, str], ...] = (),
    views: dict[Any, Prepared] | None = None,
) -> Prepared:
    """The head prefix and signer of ``op`` on ``route``, built on first use and kept:
    on the route (``route.prepared[op]``, or ``[op, True]`` for a gzipped body), or, for a
    view's ``extra`` headers, in that view's ``views`` cache (bounded: host-prefixed routes
    come from inputs)."""
    key: Any
    if extra:
        assert views is not None
        cache, key = views, (op, route.url, gzipped)
        if len(cache) >= 256:
            cache.clear()
    else:
        cache, key = route.prepared, (op, True) if gzipped else op
    found: Prepared | None = cache.get(key)
    if found is None:
        found = cache[key] = build_prepared(op, route, gzipped, extra)
    return found


def build_prepared(
    op: OperationSpec[Any, Any],
    route: Route,
    gzipped: bool,
    extra: tuple[tuple[str, str], ...],
) -> Prepared:
    """``extra``: a view's extra headers, already checked by `extra_field_problems`."""
    signed = [
        ("Host", route.host),
        ("Content-Type", op.service.content_type),
        ("X-Amz-Target", op.target),
    ]
    if gzipped:
        signed.append(("Content-Encoding", "gzip"))
    if op.service.query_compatible:
        signed.append(("x-amzn-query-mode", "true"))
    if op.names_endpoints:  # as botocore sends every DescribeEndpoints
        signed.append(("x-amz-api-version", op.service.api_version))
    # As botocore's requests say it: without it a server may compress the answer (RFC 9110
    # 12.5.3), which the pool does not undo.
    unsigned = [("Accept-Encoding", "identity"), ("User-Agent", USER_AGENT)]
    for name, value in extra:
        (unsigned if name.lower() in UNSIGNED_FIELDS else signed).append((name, value))
    return Prepared(
        prefix=head_prefix(route.target, [*signed, *unsigned]),
        signer=SigningTemplate(path=route.path, headers=signed),
        signed=tuple(signed),
    )


def new_token() -> str:
    """A UUID4, as an idempotency token."""
    return new_invocation_id()


# The UUID variant nibble (RFC 4122: binary 10xx) for each random hex digit.
_VARIANT = {c: "89ab"[i % 4] for i, c in enumerate("0123456789abcdef")}


def new_invocation_id() -> str:
    """A random UUID4 as text, without building a ``uuid.UUID`` (a third of the cost).

    From the random module's generator (seeded from the OS, reseeded in a forked child),
    not os.urandom: these ids must be unique, not secret, and a system call per request
    costs more than everything else here (bench: strace, c=1).
    """
    h = f"{_getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"
