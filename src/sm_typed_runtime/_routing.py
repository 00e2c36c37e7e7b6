"""Where a call goes: the endpoint URL, host and signing scope, and per-operation host prefixes."""

from __future__ import annotations

import logging
import re
import string
from typing import Any

import msgspec

from ._endpoints import (
    Endpoint,
    check_endpoint_url,
    env_boolean,
    env_endpoint_url,
    env_flag,
    is_label,
    region_without_profile,
    resolve_endpoint,
    resolve_region,
    split_endpoint_url,
    table_endpoint,
)
from ._profile import NO_SETTINGS, ProfileSettings
from ._specs import OperationSpec, ServiceSpec
from ._transport import Target
from .errors import ParamValidationError

logger = logging.getLogger("sm_typed")

_HOST_LABEL_CHARS = frozenset(string.ascii_letters + string.digits + "-")
# A pattern, not a compiled object: only operations with a host prefix need it.
_IP_HOST = r"(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])(?::\d+)?"


class Route:
    """A resolved endpoint. It also keeps what is worked out once per operation on it
    (``prepared``: the checked head prefix and the signing template) and its host-prefixed
    variants, so a call on a known route builds none of that again."""

    __slots__ = (
        "configured",
        "host",
        "path",
        "prefixed",
        "prepared",
        "signing_name",
        "signing_region",
        "target",
        "url",
    )

    def __init__(
        self,
        *,
        url: str,
        host: str,
        path: str,
        signing_region: str,
        signing_name: str,
        target: Target,
        configured: bool = False,
    ) -> None:
        self.url = url
        # From endpoint_url / AWS_ENDPOINT_URL_*: used as given, whatever the rules say.
        self.configured = configured
        self.host = host  # as sent in Host and signed: no default port
        self.path = path  # ASCII, percent-encoded once: written and signed as is
        self.signing_region = signing_region
        self.signing_name = signing_name
        self.target = target  # what the transport needs, parsed once
        self.prepared: dict[Any, Any] = {}
        self.prefixed: dict[str, Route] = {}

    def __repr__(self) -> str:
        return f"Route({self.url!r}, region={self.signing_region!r}, name={self.signing_name!r})"


# RFC 3986 pchar and "/"; "%" is kept as written (an escape, or a literal httpx also
# leaves alone), so both transports write the same bytes.
_PATH_CHARS = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/%"
)


def encode_path(path: str) -> str:
    """The path as ASCII, the way httpx writes it: UTF-8, percent-encoded where RFC 3986
    does not allow the character. Both transports write these bytes and SigV4 signs them,
    so they cannot disagree."""
    raw = path.encode("utf-8", "surrogatepass")
    if _PATH_CHARS.issuperset(raw):
        return path
    return "".join(chr(b) if b in _PATH_CHARS else f"%{b:02X}" for b in raw)


def _route(url: str, signing_region: str, signing_name: str, configured: bool = False) -> Route:
    parts = split_endpoint_url(url)
    hostname = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.host
    if (parts.scheme, port) in (("https", 443), ("http", 80)) and parts.port is not None:
        host = host.rsplit(":", 1)[0]
    # As botocore joins an endpoint URL and the JSON protocol's "/": the path as given, "/"
    # when there is none (a gateway routing on "/base" must not be sent "/base/").
    path = encode_path(parts.path or "/")
    full = f"{parts.scheme}://{host}{path}"
    origin = f"{parts.scheme}://{hostname}:{port}"
    return Route(
        url=full,
        host=host,
        path=path,
        signing_region=signing_region,
        signing_name=signing_name,
        target=Target(
            scheme=parts.scheme, hostname=hostname, port=port, path=path, url=full, origin=origin
        ),
        configured=configured,
    )


def discovered_route(base: Route, url: str) -> Route:
    """The route to an address endpoint discovery named: signed as ``base`` is, as botocore
    keeps the client's signing scope for it."""
    return _route(check_endpoint_url(url), base.signing_region, base.signing_name)


class RouteSettings(msgspec.Struct, frozen=True):
    """What the caller configured; resolved into a `Route` once per client."""

    region: str | None
    endpoint_url: str | None
    profile: str | None
    use_fips: bool | None
    use_dualstack: bool | None
    profile_settings: ProfileSettings = NO_SETTINGS


def compute_route(
    spec: ServiceSpec, settings: RouteSettings, context: tuple[tuple[str, Any], ...] = ()
) -> Route:
    """Blocking: may read the profile and botocore's rule files. Call from a worker thread.

    With ``context`` (an operation's rule parameters) the rules decide, not the table."""
    route = _compute_route(spec, settings, may_block=True, context=context)
    assert route is not None
    return route


def route_without_blocking(spec: ServiceSpec, settings: RouteSettings) -> Route | None:
    """The route when no file or rules engine is needed; None means `compute_route` in a thread.

    The usual case (region from the argument or environment, endpoint given or in the
    generated table) then costs no thread and no botocore import on the first call.
    """
    return _compute_route(spec, settings, may_block=False)


def _compute_route(
    spec: ServiceSpec,
    settings: RouteSettings,
    *,
    may_block: bool,
    context: tuple[tuple[str, Any], ...] = (),
) -> Route | None:
    region = region_without_profile(settings.region)
    if region is None:
        if not may_block:
            return None
        region = resolve_region(None, settings.profile)
    region, pseudo_fips = without_fips(region)
    url = settings.endpoint_url
    profile = settings.profile_settings
    if url is None:
        url = configured_endpoint_url(spec.service_id, profile)
    if url is not None:
        endpoint = Endpoint(check_endpoint_url(url), region, spec.signing_name)
    else:
        fips = pseudo_fips or _first(
            settings.use_fips,
            env_flag("AWS_USE_FIPS_ENDPOINT"),
            profile.flag("use_fips_endpoint"),
        )
        dual = _first(
            settings.use_dualstack,
            env_flag("AWS_USE_DUALSTACK_ENDPOINT"),
            profile.flag("use_dualstack_endpoint"),
        )
        found = None if context else table_endpoint(spec.endpoints, region, bool(fips), bool(dual))
        if found is None:
            if not may_block:
                return None
            found = resolve_endpoint(
                service_name=spec.service_name,
                api_version=spec.api_version,
                signing_name=spec.signing_name,
                region=region,
                use_fips=bool(fips),
                use_dualstack=bool(dual),
                context=context or spec.base_context,
            )
        endpoint = found
    return _route(endpoint.url, endpoint.signing_region, endpoint.signing_name, url is not None)


def without_fips(region: str) -> tuple[str, bool]:
    """A FIPS pseudo-region (``us-east-1-fips``, ``fips-us-gov-west-1``) as botocore reads it:
    the region without ``fips-``/``-fips``, and FIPS endpoints on (whatever else says)."""
    plain = region.replace("fips-", "").replace("-fips", "")
    if plain == region:
        return region, False
    logger.warning(
        "region %s read as %s with use_fips=True (as botocore does): configure the region "
        "and use_fips instead of a FIPS pseudo-region",
        region,
        plain,
    )
    return plain, True


def _first(*values: bool | None) -> bool | None:
    return next((v for v in values if v is not None), None)


def configured_endpoint_url(service_id: str, profile: ProfileSettings) -> str | None:
    """botocore's configured endpoint: ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL``,
    the profile's services section, the profile's ``endpoint_url``; none of them when
    ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` (else the profile's
    ``ignore_configured_endpoint_urls``) is true."""
    ignore = env_boolean("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    if ignore is None:
        ignore = profile.flag("ignore_configured_endpoint_urls")
    if ignore:
        return None
    return env_endpoint_url(service_id) or profile.endpoint_url(service_id)


def with_host_prefix(route: Route, op: OperationSpec[Any, Any], params: object) -> Route:
    """The route with the operation's host prefix (``foo.{label}.``) applied.

    Not applied to IP-address or localhost endpoints, where a prefix can only break the URL.
    """
    assert op.host_prefix is not None
    if re.fullmatch(_IP_HOST, route.host) or route.host.split(":")[0] == "localhost":
        return route
    values: dict[str, str] = {}
    problems: list[str] = []
    for attr in op.host_labels:
        value = getattr(params, attr, None)
        if not isinstance(value, str) or not is_label(value, _HOST_LABEL_CHARS, 63):
            problems.append(f"{attr}: must be a valid host label (letters, digits, hyphens)")
        else:
            values[attr] = value
    if problems:
        raise ParamValidationError(op.name, problems)
    prefix = op.host_prefix.format_map(values)
    found = route.prefixed.get(prefix)
    if found is None:
        scheme, rest = route.url.split("://", 1)
        found = _route(f"{scheme}://{prefix}{rest}", route.signing_region, route.signing_name)
        if len(route.prefixed) >= 256:
            route.prefixed.clear()  # label values from inputs: keep the cache bounded
        route.prefixed[prefix] = found
    return found


def endpoint_context(op: OperationSpec[Any, Any], params: object) -> tuple[tuple[str, Any], ...]:
    """The operation's rule parameters for this input, hashable (lists as tuples) and sorted
    by name: the key of the routes worked out per distinct parameter set."""
    values: list[tuple[str, Any]] = []
    builtins: Any = None
    for name, kind, source in op.endpoint_params:
        if kind == "static":
            value = source
        elif kind == "member":
            value = getattr(params, source, None)
        else:
            from ._jmespath import search

            if builtins is None:
                builtins = msgspec.to_builtins(params)  # paths use wire names
            value = search(source, builtins)
        if value is None:
            continue
        if isinstance(value, list):
            values.append((name, tuple(value)))  # pyright: ignore[reportUnknownArgumentType]
        else:
            values.append((name, value))
    values.sort(key=_name)
    return tuple(values)


def _name(pair: tuple[str, Any]) -> str:
    return pair[0]
