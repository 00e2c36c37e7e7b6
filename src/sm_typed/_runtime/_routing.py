"""Where a call goes: the endpoint URL, host and signing scope, and per-operation host prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ._endpoints import (
    Endpoint,
    check_endpoint_url,
    env_endpoint_url,
    env_flag,
    resolve_endpoint,
    resolve_region,
)
from ._errors import ParamValidationError
from ._http import Target
from ._specs import OperationSpec, ServiceSpec

_HOST_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_IP_HOST = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])(?::\d+)?$")


@dataclass(frozen=True, slots=True)
class Route:
    url: str
    host: str  # as sent in Host and signed: no default port
    path: str
    signing_region: str
    signing_name: str
    target: Target  # what the connection pool needs, parsed once


def _route(url: str, signing_region: str, signing_name: str) -> Route:
    parts = urlsplit(url)
    hostname = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.netloc.rsplit("@", 1)[-1]
    if (parts.scheme, port) in (("https", 443), ("http", 80)) and parts.port is not None:
        host = host.rsplit(":", 1)[0]
    path = parts.path.rstrip("/") + "/"
    full = f"{parts.scheme}://{host}{path}"
    return Route(
        url=full,
        host=host,
        path=path,
        signing_region=signing_region,
        signing_name=signing_name,
        target=Target(scheme=parts.scheme, hostname=hostname, port=port, path=path, url=full),
    )


@dataclass(frozen=True, slots=True)
class RouteSettings:
    """What the caller configured; resolved into a `Route` once per client."""

    region: str | None
    endpoint_url: str | None
    profile: str | None
    use_fips: bool | None
    use_dualstack: bool | None


def compute_route(spec: ServiceSpec, settings: RouteSettings) -> Route:
    """Blocking: reads the environment, the profile and botocore's rule files."""
    region = resolve_region(settings.region, settings.profile)
    url = settings.endpoint_url or env_endpoint_url(spec.service_id)
    if url is not None:
        endpoint = Endpoint(check_endpoint_url(url), region, spec.signing_name)
    else:
        fips = (
            settings.use_fips
            if settings.use_fips is not None
            else env_flag("AWS_USE_FIPS_ENDPOINT")
        )
        dual = (
            settings.use_dualstack
            if settings.use_dualstack is not None
            else env_flag("AWS_USE_DUALSTACK_ENDPOINT")
        )
        endpoint = resolve_endpoint(
            service_name=spec.service_name,
            api_version=spec.api_version,
            signing_name=spec.signing_name,
            region=region,
            use_fips=bool(fips),
            use_dualstack=bool(dual),
        )
    return _route(endpoint.url, endpoint.signing_region, endpoint.signing_name)


def with_host_prefix(route: Route, op: OperationSpec[Any, Any], params: object) -> Route:
    """The route with the operation's host prefix (``foo.{label}.``) applied.

    Not applied to IP-address or localhost endpoints, where a prefix can only break the URL.
    """
    assert op.host_prefix is not None
    if _IP_HOST.match(route.host) or route.host.split(":")[0] == "localhost":
        return route
    values: dict[str, str] = {}
    problems: list[str] = []
    for attr in op.host_labels:
        value = getattr(params, attr, None)
        if not isinstance(value, str) or not _HOST_LABEL.match(value):
            problems.append(f"{attr}: must be a valid host label (letters, digits, hyphens)")
        else:
            values[attr] = value
    if problems:
        raise ParamValidationError(op.name, problems)
    prefix = op.host_prefix.format_map(values)
    scheme, rest = route.url.split("://", 1)
    return _route(f"{scheme}://{prefix}{rest}", route.signing_region, route.signing_name)
