"""The client settings a profile of the shared config files holds, read as botocore reads them.

Read once, when a client is built. The files are parsed (by botocore's own parser, so
nested ``[services ...]`` sections and the credentials file's profiles merge as they
do in botocore) only when their text names one of the settings read here: a machine
whose config holds only regions and credentials pays a stat and a read, not
botocore's import.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, cast

import msgspec

from . import _botocore
from .errors import ConfigurationError

# The profile settings a client reads (region and credentials are botocore's to read).
SETTINGS = (
    "endpoint_url",
    "services",
    "ignore_configured_endpoint_urls",
    "max_attempts",
    "retry_mode",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "disable_request_compression",
    "request_min_compression_size_bytes",
    "endpoint_discovery_enabled",
)
_MAX_FILE_BYTES = 1 << 20  # a shared config file larger than this is not a config file


class ProfileSettings(msgspec.Struct, frozen=True):
    """The chosen profile's values of `SETTINGS` (strings, as in the file), and the
    ``[services <name>]`` section the profile names, by snake-case service id."""

    values: dict[str, str] = {}
    services: dict[str, dict[str, str]] = {}
    profile: str = "default"

    def flag(self, name: str) -> bool | None:
        """A boolean setting (`ensure_boolean`); None when the profile does not set it."""
        return ensure_boolean(self.values.get(name))

    def endpoint_url(self, service_id: str) -> str | None:
        """The services section's ``endpoint_url`` for the service, else the profile's."""
        key = service_key(service_id).lower()
        return self.services.get(key, {}).get("endpoint_url") or self.values.get("endpoint_url")


NO_SETTINGS = ProfileSettings()


def ensure_boolean(value: str | None) -> bool | None:
    """A flag as botocore's ``ensure_boolean`` reads it, from a variable or a profile:
    ``true`` in any case is True, anything else False; None when unset."""
    return None if value is None else value.lower() == "true"


def service_key(service_id: str) -> str:
    """``Cognito Identity`` -> ``Cognito_Identity``: the env variable's and section's key."""
    return re.sub(r"[\s-]+", "_", service_id)


def _paths(environ: Mapping[str, str]) -> tuple[str, str]:
    config = environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
    credentials = environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    return os.path.expanduser(config), os.path.expanduser(credentials)


def _mentions_a_setting(path: str) -> bool:
    try:
        with open(path, "rb") as file:
            text = file.read(_MAX_FILE_BYTES)
    except OSError:  # absent or unreadable: botocore reads it as empty too
        return False
    return any(name.encode() in text for name in SETTINGS)


def load_profile_settings(
    profile: str | None, environ: Mapping[str, str] = os.environ
) -> ProfileSettings:
    """The settings of ``profile`` (else ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``, the
    default profile). A profile that does not exist holds none: the credential chain
    reports it, as it does today."""
    config, credentials = _paths(environ)
    if not (_mentions_a_setting(config) or _mentions_a_setting(credentials)):
        return NO_SETTINGS
    name = profile or environ.get("AWS_DEFAULT_PROFILE") or environ.get("AWS_PROFILE")
    try:
        full, scoped = _botocore.profile_config(name)
    except _botocore.profile_not_found():
        return NO_SETTINGS
    except _botocore.botocore_error() as exc:
        raise ConfigurationError(f"cannot read the shared config file: {exc}") from None
    values = {k: v for k, v in _strings(scoped).items() if k in SETTINGS}
    services: dict[str, dict[str, str]] = {}
    section = values.get("services")
    if section is not None:
        found = full.get("services", {}).get(section)
        if not found:
            # botocore refuses the client in this case (InvalidConfigError).
            raise ConfigurationError(
                f"the profile {name or 'default'!r} names the services section {section!r}, "
                "which the config file does not have"
            )
        services = {
            key.lower(): _strings(cast(dict[str, Any], entries))
            for key, entries in found.items()
            if isinstance(entries, dict)
        }
    return ProfileSettings(values, services, name or "default")


def _strings(section: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in section.items() if isinstance(v, str)}
