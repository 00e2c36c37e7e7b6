"""Region and endpoint URL, from arguments, the environment, the profile and botocore's rules."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from . import _botocore
from ._profile import ensure_boolean, service_key
from .errors import ConfigurationError, EndpointResolutionError, NoRegionError

_REGION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
# (region, use_fips, use_dualstack) -> (url, signing region, signing name), or the
# rules' error message for that combination.
EndpointTable = Mapping[tuple[str, bool, bool], tuple[str, str, str] | str]
_providers: dict[tuple[str, str], Any] = {}
_providers_lock = threading.Lock()


class Endpoint(msgspec.Struct, frozen=True):
    url: str
    signing_region: str
    signing_name: str


def is_label(value: str, allowed: frozenset[str], max_length: int) -> bool:
    """A DNS-style label: ``allowed`` characters, no leading or trailing hyphen.

    Set arithmetic rather than a regex: compiling one costs import time, and ``$``
    would let a trailing newline through.
    """
    return (
        0 < len(value) <= max_length
        and value[0] != "-"
        and value[-1] != "-"
        and allowed.issuperset(value)
    )


def check_region(region: str) -> str:
    if not is_label(region, _REGION_CHARS, 64):
        raise ConfigurationError(f"invalid region name {region!r}")
    return region


class URLParts(msgspec.Struct, frozen=True):
    scheme: str  # lower case
    host: str  # as written, for the Host header: no user info
    hostname: str  # lower case, without brackets or port
    port: int | None
    path: str


_HOSTNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-._")
_IPV6_CHARS = frozenset("0123456789abcdef:.")


def split_endpoint_url(url: str) -> URLParts:
    """Split an endpoint URL, refusing what an endpoint cannot be (typed, before any I/O).

    Written here rather than with ``urllib.parse``: that module costs ~2 ms of
    import (it loads ``ipaddress``), and an endpoint needs less than it accepts.
    """
    scheme, sep, rest = url.partition("://")
    netloc_end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if found != -1:
            netloc_end = min(netloc_end, found)
    netloc, tail = rest[:netloc_end], rest[netloc_end:]
    if "@" in url:
        # Anywhere, not only in what parses as the host: a password may hold "/", "?" or "#".
        # Never echoed: the part before "@" is a password more often than not.
        raise ConfigurationError(
            "endpoint_url must not carry credentials (user:password@host) or any '@'"
        )
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https") or not netloc:
        raise ConfigurationError(f"endpoint_url must be an http(s) URL with a host, got {url!r}")
    if "?" in tail or "#" in tail:
        # The query itself is not echoed: it is where a token would be.
        raise ConfigurationError(
            f"endpoint_url must not carry a query or fragment (endpoint host {netloc!r})"
        )
    if not url.isprintable() or " " in url:
        raise ConfigurationError(
            f"endpoint_url must not contain spaces or control characters: {url!r}"
        )
    port_text = ""
    if netloc.startswith("["):
        hostname, bracket, after = netloc[1:].partition("]")
        hostname = hostname.lower()
        if not bracket or not hostname or not _IPV6_CHARS.issuperset(hostname):
            raise ConfigurationError(f"endpoint_url has an invalid IPv6 host: {url!r}")
        if after:
            if not after.startswith(":"):
                raise ConfigurationError(f"endpoint_url has an invalid host: {url!r}")
            port_text = after[1:]
    else:
        hostname, colon, port_text = netloc.partition(":")
        hostname = hostname.lower()
        if not hostname or not _HOSTNAME_CHARS.issuperset(hostname):
            raise ConfigurationError(f"endpoint_url has an invalid host name: {url!r}")
        if colon and not port_text:
            raise ConfigurationError(f"endpoint_url has an empty port: {url!r}")
    port: int | None = None
    if port_text:
        if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
            raise ConfigurationError(f"endpoint_url has an invalid port: {url!r}")
        port = int(port_text)
    return URLParts(scheme, netloc, hostname, port, tail)


def check_endpoint_url(url: str) -> str:
    """The URL, checked; kept as given: botocore sends an endpoint's path as written
    ("/base" and "/base/" are different paths to a gateway)."""
    split_endpoint_url(url)
    return url


def env_flag(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise ConfigurationError(f"{name} must be true or false, got {value!r}")


def region_without_profile(explicit: str | None) -> str | None:
    """The argument, else ``AWS_REGION``, else ``AWS_DEFAULT_REGION``: no file is read."""
    for candidate in (explicit, os.environ.get("AWS_REGION"), os.environ.get("AWS_DEFAULT_REGION")):
        if candidate:
            return check_region(candidate)
    return None


def resolve_region(explicit: str | None, profile: str | None) -> str:
    """Blocking when it has to read the profile: call from a worker thread."""
    region = region_without_profile(explicit)
    if region is not None:
        return region
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


def env_boolean(name: str) -> bool | None:
    """A flag variable botocore reads with ``ensure_boolean``."""
    return ensure_boolean(os.environ.get(name))


def env_endpoint_url(service_id: str) -> str | None:
    """``AWS_ENDPOINT_URL_<SERVICE_ID>`` then ``AWS_ENDPOINT_URL``, as botocore reads them."""
    specific = "AWS_ENDPOINT_URL_" + service_key(service_id).upper()
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


def table_endpoint(
    table: EndpointTable, region: str, use_fips: bool, use_dualstack: bool
) -> Endpoint | None:
    """The generator's answer for a known region; None sends the caller to botocore's rules."""
    entry = table.get((region, use_fips, use_dualstack))
    if entry is None:
        return None
    if isinstance(entry, str):
        raise EndpointResolutionError(entry)
    return Endpoint(*entry)


def resolve_endpoint(
    *,
    service_name: str,
    api_version: str,
    signing_name: str,
    region: str,
    use_fips: bool,
    use_dualstack: bool,
    context: tuple[tuple[str, Any], ...] = (),
) -> Endpoint:
    """Blocking (loads botocore's rule files on first use): call from a worker thread.

    ``context``: an operation's rule parameters (``StreamARN``, ``ResourceArn``...), with
    botocore's builtin ``AccountIdEndpointMode`` (parameters a rule set lacks are ignored).
    """
    provider = _provider(service_name, api_version)
    extra: dict[str, Any] = {}
    if context:
        extra["AccountIdEndpointMode"] = (
            os.environ.get("AWS_ACCOUNT_ID_ENDPOINT_MODE") or "preferred"
        )
        for key, value in context:
            extra[key] = list(value) if isinstance(value, tuple) else value  # pyright: ignore[reportUnknownArgumentType]
    try:
        resolved = provider.resolve_endpoint(
            Region=region, UseFIPS=use_fips, UseDualStack=use_dualstack, **extra
        )
    except _botocore.botocore_error() as exc:
        raise EndpointResolutionError(str(exc)) from exc
    signing_region, name = region, signing_name
    # codegen/endpoints.py reads authSchemes the same way for the generated table.
    schemes = resolved.properties.get("authSchemes", ())
    for scheme in schemes:
        if scheme.get("name") == "sigv4":
            signing_region = str(scheme.get("signingRegion", signing_region))
            name = str(scheme.get("signingName", name))
            break
    else:
        if schemes:
            raise EndpointResolutionError(unsupported_signing(schemes))
    return Endpoint(check_endpoint_url(str(resolved.url)), signing_region, name)


def unsupported_signing(schemes: Sequence[Mapping[str, Any]]) -> str:
    """Why an endpoint whose auth schemes leave out SigV4 is refused (botocore, without the
    awscrt package, refuses it too: SigV4a is multi-region signing)."""
    names = ", ".join(str(s.get("name")) for s in schemes)
    return f"this endpoint must be signed with {names}; this client signs with SigV4 only"
