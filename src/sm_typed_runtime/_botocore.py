"""Every use of botocore, in one place.

botocore ships no type information, so its objects cross into typed code as
``Any`` here and nowhere else. It is imported lazily: a client with explicit or
environment credentials and an ``endpoint_url`` never pays its import time.
"""

from __future__ import annotations

import importlib
from typing import Any


def _module(name: str) -> Any:
    return importlib.import_module(name)


def botocore_error() -> type[Exception]:
    """botocore's root exception class."""
    cls: type[Exception] = _module("botocore.exceptions").BotoCoreError
    return cls


def session(profile: str | None) -> Any:
    return _module("botocore.session").Session(profile=profile)


def credentials(profile: str | None) -> Any:
    """botocore's resolved credentials object (maybe refreshable), or None."""
    return session(profile).get_credentials()


def provider_names(profile: str | None) -> list[str]:
    resolver = session(profile).get_component("credential_provider")
    return [str(p.METHOD) for p in resolver.providers]


def profile_not_found() -> type[Exception]:
    cls: type[Exception] = _module("botocore.exceptions").ProfileNotFound
    return cls


def profile_config(profile: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parsed config files (the credentials file's profiles merged in) and the
    profile's own settings; raises `profile_not_found` for a profile they lack."""
    s = session(profile)
    return dict(s.full_config), dict(s.get_scoped_config())


def profile_region(profile: str | None) -> str | None:
    region = session(profile).get_config_variable("region")
    return str(region) if region else None


def endpoint_provider(service_name: str, api_version: str) -> Any:
    """botocore's rules engine for one service; raises LookupError without rules."""
    loader = _module("botocore.loaders").create_loader()
    not_found = _module("botocore.exceptions").DataNotFoundError
    try:
        ruleset = loader.load_service_model(
            service_name, "endpoint-rule-set-1", api_version or None
        )
    except not_found as exc:
        raise LookupError(service_name) from exc
    provider_cls = _module("botocore.endpoint_provider").EndpointProvider
    return provider_cls(ruleset, loader.load_data("partitions"))
