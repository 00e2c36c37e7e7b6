"""Per-call options (``client.with_options(...)``), declared once as data.

A view's options are merged with its parent's once, into one immutable `CallSettings`,
when the view is made: a call through the view reads nothing more. The generator
writes ``with_options``' signature in every stub from `CALL_OPTIONS`, as it writes the
constructor's from ``CLIENT_OPTIONS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import msgspec

from ._head import extra_field_problems
from ._hooks import Hooks, checked_interceptors, hooks_for
from ._options import ClientConfig, Option, check_count, check_retry_mode, check_seconds
from ._state import ClientState
from ._transport import Timeouts, timeouts
from .errors import ConfigurationError, ParamValidationError
from .interceptors import Interceptor

# Each may be given or left out; left out, the view keeps its parent's value.
CALL_OPTIONS: tuple[Option, ...] = (
    Option(
        "call_timeout",
        "float | None",
        ...,
        "seconds the whole call may take, before_call hooks included (None: no limit).",
    ),
    Option("read_timeout", "float", ..., "seconds to wait for each read of the response."),
    Option("connect_timeout", "float", ..., "seconds to wait for a connection (TCP and TLS)."),
    Option("pool_timeout", "float | None", ..., "seconds to wait for a free connection."),
    Option("max_attempts", "int", ..., "attempts per call, the first included."),
    Option(
        "retry_mode",
        'Literal["standard", "adaptive"]',
        ...,
        "the retry mode; the view shares the client's retry quota.",
    ),
    Option(
        "extra_headers",
        "Mapping[str, str]",
        ...,
        "headers added to every request (signed, except tracing headers); added to the "
        "parent's, replacing one of the same name. Headers the client sets itself are refused.",
    ),
    Option(
        "interceptors",
        "Sequence[Interceptor]",
        ...,
        "interceptors run after the parent's, for the calls of this view.",
    ),
)
CALL_OPTION_NAMES = frozenset(o.name for o in CALL_OPTIONS)


class CallSettings(msgspec.Struct, frozen=True):
    """What a call is bounded, retried, dressed and watched by: one value per client or view."""

    timeouts: Timeouts
    call_timeout: float | None
    max_attempts: int
    credential_timeout: float
    strategy: Any  # RetryStrategy
    # The smallest body gzipped where the model allows it; None: compression is off.
    compression_min_bytes: int | None
    extra_headers: tuple[tuple[str, str], ...] = ()
    interceptors: tuple[Interceptor, ...] = ()
    hooks: Hooks | None = None
    raw: bool = False  # calls return RawResponse


def client_settings(config: ClientConfig, state: ClientState) -> CallSettings:
    interceptors = config.interceptors
    return CallSettings(
        timeouts=timeouts(
            connect=config.connect_timeout, read=config.read_timeout, pool=config.pool_timeout
        ),
        call_timeout=config.call_timeout,
        max_attempts=config.max_attempts or state.service.retry_defaults.max_attempts,
        credential_timeout=config.connect_timeout + config.read_timeout,
        strategy=state.strategy,
        compression_min_bytes=config.compression_min_bytes,
        interceptors=interceptors,
        hooks=hooks_for(interceptors),
    )


def view_settings(
    parent: CallSettings, state: ClientState, owner: str, given: Mapping[str, Any]
) -> CallSettings:
    """``parent`` with ``given`` applied: TypeError for an unknown name (as a function with
    that signature raises), ConfigurationError for a bad value, ParamValidationError for a
    header that cannot be sent."""
    unknown = sorted(set(given) - CALL_OPTION_NAMES)
    if unknown:
        raise TypeError(f"{owner}.with_options() got an unexpected keyword argument {unknown[0]!r}")
    t = parent.timeouts
    connect = check_seconds("connect_timeout", given.get("connect_timeout", t.connect))
    read = check_seconds("read_timeout", given.get("read_timeout", t.read))
    pool = check_seconds("pool_timeout", given.get("pool_timeout", t.pool), optional=True)
    call_timeout = check_seconds(
        "call_timeout", given.get("call_timeout", parent.call_timeout), optional=True
    )
    strategy = parent.strategy
    if "retry_mode" in given:
        strategy = state.strategy_for(check_retry_mode(given["retry_mode"]))
    interceptors = parent.interceptors
    if "interceptors" in given:
        interceptors = (*interceptors, *checked_interceptors(given["interceptors"], owner))
    extra = parent.extra_headers
    if "extra_headers" in given:
        extra = merged_headers(extra, given["extra_headers"])
    return CallSettings(
        timeouts=timeouts(connect=connect or 0.0, read=read or 0.0, pool=pool),
        call_timeout=call_timeout,
        max_attempts=check_count("max_attempts", given.get("max_attempts", parent.max_attempts)),
        credential_timeout=(connect or 0.0) + (read or 0.0),
        strategy=strategy,
        compression_min_bytes=parent.compression_min_bytes,
        extra_headers=extra,
        interceptors=interceptors,
        hooks=hooks_for(interceptors) if interceptors is not parent.interceptors else parent.hooks,
        raw=parent.raw,
    )


def merged_headers(
    parent: tuple[tuple[str, str], ...], given: object
) -> tuple[tuple[str, str], ...]:
    if not isinstance(given, Mapping):
        raise ConfigurationError("extra_headers must be a mapping of header names to values")
    pairs: list[tuple[Any, Any]] = list(cast(Mapping[object, object], given).items())
    problems = extra_field_problems(pairs)
    if problems:
        raise ParamValidationError("with_options", problems)
    replaced = {str(name).lower() for name, _ in pairs}
    kept = [(n, v) for n, v in parent if n.lower() not in replaced]
    return (*kept, *pairs)
