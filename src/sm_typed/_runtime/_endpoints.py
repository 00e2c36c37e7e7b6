"""Region and endpoint URL, from arguments, the environment, the profile and botocore's rules."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from . import _botocore
from ._errors import ConfigurationError, EndpointResolutionError, NoRegionError

_REGION = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_providers: dict[tuple[str, str], Any] = {}
_providers_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Endpoint:
    url: str
    signing_region: str
    signing_name: str


def check_region(region: str) -> str:
    if not _REGION.match(region):
        raise ConfigurationError(f"invalid region name {region!r}")
    return region


def check_endpoint_url(url: str) -> str:
    parts = urlsplit(url)
    if "@" in parts.netloc:
        # Never echo it: the part before "@" is a password more often than not.
        raise ConfigurationError("endpoint_url must not carry credentials (user:password@host)")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"endpoint_url must be an http(s) URL with a host, got {url!r}")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"endpoint_url must not carry a query or fragment: {url!r}")
    return url.rstrip("/")


def env_flag(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise ConfigurationError(f"{name} must be true or false, got {value!r}")


def resolve_region(explicit: str | None, profile: str | None) -> str:
    """Blocking when it has to read the profile: call from a worker thread."""
    for candidate in (explicit, os.environ.get("AWS_REGION"), os.environ.get("AWS_DEFAULT_REGION")):
        if candidate:
            return check_region(candidate)
    try:
        region = _botocore.profile_region(profile)
    except _botocore.botocore_error() as exc:
        raise ConfigurationError(f"cannot read the profile's region: {exc}") from exc
    if not region:
        raise NoRegionError(
            "No AWS region: pass region=..., set AWS_REGION or AWS_DEFAULT_REGION, "
            "or set region in the profile" + (f" {profile!r}" if profile else "")
        )
    return check_region(region)


def env_endpoint_url(service_id: str) -> str | None:
    """``AWS_ENDPOINT_URL_<SERVICE_ID>`` then ``AWS_ENDPOINT_URL``, as botocore reads them."""
    specific = "AWS_ENDPOINT_URL_" + re.sub(r"[\s-]+", "_", service_id).upper()
    return os.environ.get(specific) or os.environ.get("AWS_ENDPOINT_URL") or None


def _provider(service_name: str, api_version: str) -> Any:
    key = (service_name, api_version)
    with _providers_lock:
        provider = _providers.get(key)
        if provider is None:
            try:
                provider = _botocore.endpoint_provider(service_name, api_version)
            except LookupError as exc:
                raise EndpointResolutionError(
                    f"botocore has no endpoint rules for {service_name!r}; pass endpoint_url"
                ) from exc
            _providers[key] = provider
        return provider


def resolve_endpoint(
    *,
    service_name: str,
    api_version: str,
    signing_name: str,
    region: str,
    use_fips: bool,
    use_dualstack: bool,
) -> Endpoint:
    """Blocking (loads botocore's rule files on first use): call from a worker thread."""
    provider = _provider(service_name, api_version)
    try:
        resolved = provider.resolve_endpoint(
            Region=region, UseFIPS=use_fips, UseDualStack=use_dualstack
        )
    except _botocore.botocore_error() as exc:
        raise EndpointResolutionError(str(exc)) from exc
    signing_region, name = region, signing_name
    for scheme in resolved.properties.get("authSchemes", ()):
        if scheme.get("name") == "sigv4":
            signing_region = str(scheme.get("signingRegion", signing_region))
            name = str(scheme.get("signingName", name))
            break
    return Endpoint(check_endpoint_url(str(resolved.url)), signing_region, name)
