"""The client's options, declared once as data.

The runtime checks and applies them from `CLIENT_OPTIONS`; the generator writes the
constructor signature and docs of every generated client (its ``.pyi`` stub) from the
same table, so the two cannot drift apart. `build_config` turns what a caller passed
into one immutable `ClientConfig`, built once per client.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

import msgspec

from ._clock import SYSTEM_CLOCK, Clock
from ._credentials import Credentials, explicit_credentials
from ._endpoints import check_endpoint_url, check_region
from ._hooks import checked_interceptors
from ._profile import ProfileSettings, ensure_boolean, load_profile_settings
from ._retry import RetryStrategy
from .errors import ConfigurationError


class Option(msgspec.Struct, frozen=True):
    name: str
    annotation: str  # as a type checker reads it (names from the stubs' imports)
    default: Any
    doc: str

    @property
    def default_source(self) -> str:
        return "..." if self.default is ... else repr(self.default)


MiB = 1024 * 1024

CLIENT_OPTIONS: tuple[Option, ...] = (
    Option(
        "region",
        "str | None",
        None,
        "AWS region; else ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile.",
    ),
    Option(
        "endpoint_url",
        "str | None",
        None,
        "send requests here instead of the endpoint the rules give (else, as botocore reads "
        "them: ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL``, the profile's services "
        "section, the profile's ``endpoint_url``).",
    ),
    Option(
        "profile",
        "str | None",
        None,
        "a profile of the shared config files for credentials and region.",
    ),
    Option(
        "aws_access_key_id",
        "str | None",
        None,
        "explicit credentials (with the secret, optionally a token).",
    ),
    Option("aws_secret_access_key", "str | None", None, "explicit credentials."),
    Option("aws_session_token", "str | None", None, "explicit temporary credentials' token."),
    Option(
        "http_client",
        "AsyncHTTPClient | None",
        None,
        "an ``httpx.AsyncClient`` of yours; it is not closed with this client. Without one, "
        "requests go through a built-in HTTP/1.1 pool, or through httpx when ``HTTPS_PROXY`` "
        "(``HTTP_PROXY`` for an http endpoint) is set, as botocore reads them (``NO_PROXY`` "
        "honoured); that httpx client is built on the first call.",
    ),
    Option("connect_timeout", "float", 60.0, "seconds to wait for a connection (TCP and TLS)."),
    Option(
        "read_timeout",
        "float",
        60.0,
        "seconds to wait for each read of the response (as botocore's read_timeout).",
    ),
    Option(
        "call_timeout",
        "float | None",
        None,
        "seconds a whole call may take, credentials, retries, backoff and before_call hooks "
        "included (after_call hooks run once it has ended; default: no limit).",
    ),
    Option(
        "pool_timeout",
        "float | None",
        None,
        "seconds a call may wait for a free connection when all ``max_connections`` are busy "
        "(default: as long as it takes; the wait happens before signing).",
    ),
    Option(
        "max_attempts",
        "int | None",
        None,
        "attempts per call, the first included (else ``AWS_MAX_ATTEMPTS``, the profile's "
        "``max_attempts``, botocore's default for the service: 3, or 4 for DynamoDB).",
    ),
    Option(
        "retry_mode",
        'Literal["standard", "adaptive"] | None',
        None,
        '``"standard"`` (backoff, shared retry quota) or ``"adaptive"`` (standard, plus a '
        "send-rate limiter that slows down after throttling); else ``AWS_RETRY_MODE``, the "
        "profile's ``retry_mode``.",
    ),
    Option(
        "retry_strategy",
        "RetryStrategy | None",
        None,
        "a retry strategy of your own (or a `StandardRetryStrategy` with your random source); "
        "replaces ``retry_mode``.",
    ),
    Option("max_connections", "int", 100, "size of the connection pool this client creates."),
    Option(
        "max_response_bytes",
        "int",
        64 * MiB,
        "the largest response body accepted (64 MiB); a larger one is a ResponseTooLargeError.",
    ),
    Option(
        "disable_request_compression",
        "bool | None",
        None,
        "send bodies uncompressed even where the model allows gzip (else "
        "``AWS_DISABLE_REQUEST_COMPRESSION``, the profile's), as botocore's option.",
    ),
    Option(
        "request_min_compression_size_bytes",
        "int | None",
        None,
        "the smallest body gzipped where the model allows it, 1 to 1048576 (else "
        "``AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES``, the profile's, else 10240), as botocore's "
        "option.",
    ),
    Option(
        "use_fips",
        "bool | None",
        None,
        "use the FIPS endpoint (else ``AWS_USE_FIPS_ENDPOINT``, the profile's "
        "``use_fips_endpoint``).",
    ),
    Option(
        "use_dualstack",
        "bool | None",
        None,
        "use the dual-stack endpoint (else ``AWS_USE_DUALSTACK_ENDPOINT``, the profile's "
        "``use_dualstack_endpoint``).",
    ),
    Option(
        "endpoint_discovery_enabled",
        'bool | Literal["auto"] | None',
        None,
        'endpoint discovery, for a model with it (Timestream, DynamoDB): ``"auto"`` (the '
        "default) discovers only for operations that require it, True for those that allow it "
        "too, False for none (an operation that requires it is then an "
        "EndpointResolutionError); else ``AWS_ENDPOINT_DISCOVERY_ENABLED``, the profile's "
        "``endpoint_discovery_enabled``, as botocore's option.",
    ),
    Option(
        "interceptors",
        "Sequence[Interceptor]",
        (),
        "interceptors that see every call of this client (``sm_typed.Interceptor``).",
    ),
    Option(
        "clock",
        "Clock | None",
        None,
        "wall time, monotonic time and sleep, for tests and simulations (default: the system's).",
    ),
)
OPTION_NAMES = frozenset(o.name for o in CLIENT_OPTIONS)
_DEFAULTS = {o.name: o.default for o in CLIENT_OPTIONS}


class ClientConfig(msgspec.Struct, frozen=True):
    """Everything a client was configured with, resolved and checked, built once."""

    region: str | None
    endpoint_url: str | None
    profile: str | None
    credentials: Credentials | None
    http_client: Any
    connect_timeout: float
    read_timeout: float
    call_timeout: float | None
    pool_timeout: float | None
    max_attempts: int | None  # None: the service's default
    retry_mode: Literal["standard", "adaptive"]
    retry_strategy: Any  # RetryStrategy | None
    max_connections: int
    max_response_bytes: int
    # The smallest body gzipped where the model allows it; None: compression is off.
    compression_min_bytes: int | None
    use_fips: bool | None
    use_dualstack: bool | None
    # botocore's endpoint_discovery_enabled: True, False or "auto" (required operations only).
    endpoint_discovery: bool | Literal["auto"]
    clock: Any  # Clock
    interceptors: tuple[Any, ...]  # Interceptor instances
    # The profile's client settings (endpoint, retries, compression), read once, here.
    profile_settings: ProfileSettings


def check_seconds(name: str, value: object, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        what = (
            "None or a positive number of seconds" if optional else "a positive number of seconds"
        )
        raise ConfigurationError(f"{name} must be {what}, got {value!r}")
    if value != value or value == float("inf"):
        raise ConfigurationError(f"{name} must be a finite number of seconds, got {value!r}")
    return float(value)


def check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{name} must be a positive int, got {value!r}")
    return value


def _optional_str(name: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a str or None, got {type(value).__name__}")
    return value


def _optional_bool(name: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ConfigurationError(f"{name} must be True, False or None, got {value!r}")
    return value


def _integer(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from None


def configured_max_attempts(
    profile: ProfileSettings, environ: Mapping[str, str] = os.environ
) -> int | None:
    """``AWS_MAX_ATTEMPTS``, else the profile's ``max_attempts``, as botocore reads them."""
    raw = environ.get("AWS_MAX_ATTEMPTS")
    if raw:
        return check_count("AWS_MAX_ATTEMPTS", _integer("AWS_MAX_ATTEMPTS", raw))
    raw = profile.values.get("max_attempts")
    if raw is None:
        return None
    name = f"max_attempts in profile {profile.profile!r}"
    return check_count(name, _integer(name, raw))


def endpoint_discovery(
    given: object, profile: ProfileSettings, environ: Mapping[str, str] = os.environ
) -> bool | Literal["auto"]:
    """botocore's ``endpoint_discovery_enabled``: the argument, else
    ``AWS_ENDPOINT_DISCOVERY_ENABLED``, else the profile's, else ``"auto"``; a string is
    read as botocore reads it (``true``, ``false`` or ``auto`` in any case)."""
    name = "endpoint_discovery_enabled"
    value = given
    if value is None:
        value = environ.get("AWS_ENDPOINT_DISCOVERY_ENABLED")
        name = "AWS_ENDPOINT_DISCOVERY_ENABLED"
    if value is None:
        value = profile.values.get("endpoint_discovery_enabled")
        name = f"endpoint_discovery_enabled in profile {profile.profile!r}"
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return value
    text = value.strip().lower() if isinstance(value, str) else None
    if text in ("true", "false"):
        return text == "true"
    if text == "auto":
        return "auto"
    raise ConfigurationError(f"{name} must be True, False or 'auto', got {value!r}")


def configured_retry_mode(profile: ProfileSettings, environ: Mapping[str, str] = os.environ) -> str:
    """``AWS_RETRY_MODE``, else the profile's ``retry_mode``, else standard."""
    raw = environ.get("AWS_RETRY_MODE") or profile.values.get("retry_mode") or "standard"
    # boto3's default, "legacy", is not offered here: its nearest is "standard".
    return "standard" if raw == "legacy" else raw


def build_config(owner: str, given: Mapping[str, Any]) -> ClientConfig:
    """Check ``given`` (keyword arguments) against `CLIENT_OPTIONS`; TypeError for unknown
    names, as a function with that signature would raise; ConfigurationError for bad values."""
    unknown = sorted(set(given) - OPTION_NAMES)
    if unknown:
        raise TypeError(f"{owner}() got an unexpected keyword argument {unknown[0]!r}")
    o = {**_DEFAULTS, **given}
    profile_name = _optional_str("profile", o["profile"])
    # Local files only (and botocore's parser only when they name a client setting): no
    # connection and no thread before the first call.
    profile = load_profile_settings(profile_name)
    mode = check_retry_mode(
        o["retry_mode"] if o["retry_mode"] is not None else configured_retry_mode(profile)
    )
    strategy = o["retry_strategy"]
    if strategy is not None and not isinstance(strategy, RetryStrategy):
        raise ConfigurationError("retry_strategy must implement the RetryStrategy protocol")
    clock: object = o["clock"] if o["clock"] is not None else SYSTEM_CLOCK
    if not isinstance(clock, Clock):
        raise ConfigurationError("clock must have time(), monotonic() and async sleep()")
    attempts = o["max_attempts"]
    region = _optional_str("region", o["region"])
    endpoint_url = _optional_str("endpoint_url", o["endpoint_url"])
    return ClientConfig(
        region=check_region(region) if region is not None else None,
        endpoint_url=check_endpoint_url(endpoint_url) if endpoint_url is not None else None,
        profile=profile_name,
        credentials=explicit_credentials(
            _optional_str("aws_access_key_id", o["aws_access_key_id"]),
            _optional_str("aws_secret_access_key", o["aws_secret_access_key"]),
            _optional_str("aws_session_token", o["aws_session_token"]),
        ),
        http_client=o["http_client"],
        connect_timeout=check_seconds("connect_timeout", o["connect_timeout"], optional=False)
        or 0.0,
        read_timeout=check_seconds("read_timeout", o["read_timeout"], optional=False) or 0.0,
        call_timeout=check_seconds("call_timeout", o["call_timeout"], optional=True),
        pool_timeout=check_seconds("pool_timeout", o["pool_timeout"], optional=True),
        max_attempts=(
            check_count("max_attempts", attempts)
            if attempts is not None
            else configured_max_attempts(profile)
        ),
        retry_mode=mode,
        retry_strategy=strategy,
        max_connections=check_count("max_connections", o["max_connections"]),
        max_response_bytes=check_count("max_response_bytes", o["max_response_bytes"]),
        compression_min_bytes=compression_min_bytes(
            o["disable_request_compression"], o["request_min_compression_size_bytes"], profile
        ),
        use_fips=_optional_bool("use_fips", o["use_fips"]),
        use_dualstack=_optional_bool("use_dualstack", o["use_dualstack"]),
        endpoint_discovery=endpoint_discovery(o["endpoint_discovery_enabled"], profile),
        clock=clock,
        interceptors=checked_interceptors(o["interceptors"], owner),
        profile_settings=profile,
    )


COMPRESSION_MIN_BYTES = 10240  # botocore's default
_MAX_COMPRESSION_MIN_BYTES = 1048576  # botocore's bound


def compression_min_bytes(
    disabled: object,
    min_bytes: object,
    profile: ProfileSettings,
    environ: Mapping[str, str] = os.environ,
) -> int | None:
    """botocore's two compression settings, argument before environment before profile,
    as one value."""
    disabled = _optional_bool("disable_request_compression", disabled)
    if disabled is None:
        from_env = ensure_boolean(environ.get("AWS_DISABLE_REQUEST_COMPRESSION"))
        if from_env is None:
            from_env = profile.flag("disable_request_compression")
        disabled = bool(from_env)
    name = "request_min_compression_size_bytes"
    if min_bytes is None:
        text = environ.get("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES")
        if text is not None:
            name = "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES"
        else:
            text = profile.values.get("request_min_compression_size_bytes")
            name = f"request_min_compression_size_bytes in profile {profile.profile!r}"
        min_bytes = COMPRESSION_MIN_BYTES if text is None else _integer(name, text)
    if (
        isinstance(min_bytes, bool)
        or not isinstance(min_bytes, int)
        or not 1 <= min_bytes <= _MAX_COMPRESSION_MIN_BYTES
    ):
        raise ConfigurationError(
            f"{name} must be an int from 1 to {_MAX_COMPRESSION_MIN_BYTES}, got {min_bytes!r}"
        )
    return None if disabled else min_bytes


def check_retry_mode(mode: object) -> Literal["standard", "adaptive"]:
    if mode == "standard":
        return "standard"
    if mode == "adaptive":
        return "adaptive"
    raise ConfigurationError(f"retry_mode must be 'standard' or 'adaptive', got {mode!r}")
