"""Where signing credentials come from, and keeping them fresh without blocking the loop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import Any

import msgspec

from . import _botocore
from ._errors import ConfigurationError, CredentialsError, NoCredentialsError


class Credentials(msgspec.Struct, frozen=True):
    """One set of AWS credentials. Its repr never shows the secret or the token."""

    access_key: str
    secret_key: str
    token: str | None = None

    def __rich_repr__(self) -> list[tuple[str, str]]:
        # msgspec's own __rich_repr__ (rich.print, rich tracebacks) would show every field.
        shown = [("access_key", self.access_key[:4] + "…" if len(self.access_key) > 4 else "…")]
        shown.append(("secret_key", "***"))
        if self.token:
            shown.append(("token", "***"))
        return shown

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{k}={v}" if v == "***" else f"{k}={v!r}" for k, v in self.__rich_repr__()
        )
        return f"Credentials({parts})"

    __str__ = __repr__


ENV_ACCESS_KEY = "AWS_ACCESS_KEY_ID"
ENV_SECRET_KEY = "AWS_SECRET_ACCESS_KEY"
ENV_SESSION_TOKEN = "AWS_SESSION_TOKEN"


def explicit_credentials(
    access_key: str | None, secret_key: str | None, token: str | None
) -> Credentials | None:
    if access_key is None and secret_key is None:
        if token is not None:
            raise ConfigurationError("aws_session_token given without an access key and secret")
        return None
    if not access_key or not secret_key:
        missing = "aws_secret_access_key" if access_key else "aws_access_key_id"
        raise ConfigurationError(f"explicit credentials are incomplete: {missing} is missing")
    return Credentials(access_key, secret_key, token or None)


def env_credentials(environ: Mapping[str, str] = os.environ) -> Credentials | None:
    access_key = environ.get(ENV_ACCESS_KEY)
    secret_key = environ.get(ENV_SECRET_KEY)
    if not access_key and not secret_key:
        return None
    if not access_key or not secret_key:
        missing = ENV_SECRET_KEY if access_key else ENV_ACCESS_KEY
        raise CredentialsError(f"{missing} is not set but its partner is")
    return Credentials(access_key, secret_key, environ.get(ENV_SESSION_TOKEN) or None)


class CredentialResolver:
    """Explicit credentials, then the environment, then botocore's provider chain.

    botocore's chain (profiles, SSO, assume-role, process, container, IMDS) does
    blocking I/O, so it runs in a worker thread; a refresh is shared by all the
    calls waiting on it.
    """

    def __init__(self, *, explicit: Credentials | None, profile: str | None) -> None:
        self._static = explicit
        self._profile = profile
        self._botocore: Any = None  # botocore's credentials object, when it supplied them
        self._frozen: Credentials | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Credentials:
        if self._static is not None:
            return self._static
        frozen = self._frozen
        botocore_creds = self._botocore
        if frozen is not None and (botocore_creds is None or not _refresh_needed(botocore_creds)):
            return frozen
        async with self._lock:
            if self._frozen is not None and self._frozen is not frozen:
                return self._frozen  # another call refreshed while we waited
            if self._profile is None and self._botocore is None:
                env = env_credentials()  # no I/O: read here, not in a worker thread
                if env is not None:
                    self._static = env
                    return env
            creds = await asyncio.to_thread(self._load)
            self._frozen = creds
            return creds

    def _load(self) -> Credentials:
        """Blocking: runs in a worker thread."""
        try:
            if self._botocore is None:
                self._botocore = _botocore.credentials(self._profile)
            creds = self._botocore
            if creds is None:
                raise NoCredentialsError(_searched(self._profile))
            frozen = creds.get_frozen_credentials()
        except NoCredentialsError:
            raise
        except Exception as exc:
            raise CredentialsError(
                f"credential provider failed: {type(exc).__name__}: {exc}"
            ) from exc
        access_key, secret_key = str(frozen.access_key or ""), str(frozen.secret_key or "")
        token = str(frozen.token) if frozen.token else None
        if not access_key or not secret_key:
            raise NoCredentialsError(_searched(self._profile), "provider returned empty keys")
        result = Credentials(access_key, secret_key, token)
        if not hasattr(creds, "refresh_needed"):
            self._botocore = None  # static: nothing to refresh
            self._static = result
        return result


def _refresh_needed(creds: Any) -> bool:
    return bool(creds.refresh_needed())


def _searched(profile: str | None) -> list[str]:
    where = ["explicit arguments"]
    if profile is None:
        where.append(f"environment ({ENV_ACCESS_KEY}/{ENV_SECRET_KEY})")
    try:
        where += [f"botocore:{name}" for name in _botocore.provider_names(profile)]
    except Exception:  # noqa: BLE001 - listing providers is best effort for the message
        where.append("botocore provider chain")
    if profile:
        where.append(f"(profile {profile!r})")
    return where
