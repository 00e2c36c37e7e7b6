"""Where signing credentials come from, and keeping them fresh without blocking the loop.

One state, one writer: `CredentialResolver` holds the credentials in use, and only the
completion of a load (on the event loop) replaces them. Every call that finds them
missing or due for refresh waits on the same load; a load that does not finish within
the client's bound (``connect_timeout + read_timeout``, or less of ``call_timeout``) ends
those calls with a `CredentialsError`, and the next call joins the same load rather than
starting another thread. Credentials are checked when loaded: a key id, secret or token
that is not plain visible ASCII (a CR/LF would inject a header) is refused there.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from . import _botocore
from ._blocking import run_blocking
from ._clock import SYSTEM_CLOCK, Clock
from ._fields import is_visible_ascii
from .errors import ConfigurationError, CredentialsError, NoCredentialsError, SmTypedError


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


def credential_problem(access_key: object, secret_key: object, token: object) -> str | None:
    """Why these cannot sign a request (never quoting them); None when they can."""
    for what, value in (("access key id", access_key), ("secret access key", secret_key)):
        if not isinstance(value, str) or not is_visible_ascii(value):
            return f"the {what} is not plain visible ASCII (letters, digits, punctuation)"
    if token is not None and (not isinstance(token, str) or not is_visible_ascii(token)):
        return "the session token is not plain visible ASCII (letters, digits, punctuation)"
    return None


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
    problem = credential_problem(access_key, secret_key, token or None)
    if problem is not None:
        raise ConfigurationError(f"explicit credentials cannot be used: {problem}")
    return Credentials(access_key, secret_key, token or None)


def env_credentials(environ: Mapping[str, str] = os.environ) -> Credentials | None:
    access_key = environ.get(ENV_ACCESS_KEY)
    secret_key = environ.get(ENV_SECRET_KEY)
    if not access_key and not secret_key:
        return None
    if not access_key or not secret_key:
        missing = ENV_SECRET_KEY if access_key else ENV_ACCESS_KEY
        raise CredentialsError(f"{missing} is not set but its partner is")
    token = environ.get(ENV_SESSION_TOKEN) or None
    problem = credential_problem(access_key, secret_key, token)
    if problem is not None:
        raise CredentialsError(f"credentials from the environment cannot be used: {problem}")
    return Credentials(access_key, secret_key, token)


class CredentialResolver:
    """Explicit credentials, then the environment, then botocore's provider chain.

    botocore's chain (profiles, SSO, assume-role, process, container, IMDS) does
    blocking I/O, so it runs in a worker thread.
    """

    __slots__ = (
        "_checked_at",
        "_clock",
        "_load_chain",
        "_loading",
        "_profile",
        "_refreshable",
        "current",
        "static",
    )

    def __init__(
        self,
        *,
        explicit: Credentials | None,
        profile: str | None,
        clock: Clock = SYSTEM_CLOCK,
        chain: Callable[[str | None], Any] = _botocore.credentials,
    ) -> None:
        self._profile = profile
        self._clock = clock
        # botocore's provider chain for a profile: its credentials object, or None.
        self._load_chain = chain
        # The credentials to sign with, once `ensure` has run. Written only here, by
        # the environment read, and by the completion of a load (all on the loop).
        self.current: Credentials | None = explicit
        # True while `current` needs no refresh, ever (explicit, environment, static profile):
        # the check every attempt makes is then one attribute read.
        self.static = explicit is not None
        self._refreshable: Any = None  # botocore's credentials object when it may expire
        self._loading: asyncio.Task[Credentials] | None = None
        self._checked_at = -1.0  # monotonic time of the last refresh_needed() that said no

    def __repr__(self) -> str:
        return f"CredentialResolver(loaded={self.current is not None}, profile={self._profile!r})"

    def fresh(self) -> bool:
        """True when the current credentials need no refresh (botocore is asked once a second)."""
        if self.current is None:
            return False
        refreshable = self._refreshable
        if refreshable is None:
            return True
        now = self._clock.monotonic()
        if now - self._checked_at < 1.0:
            return True
        if bool(refreshable.refresh_needed()):
            return False
        self._checked_at = now
        return True

    async def ensure(self, timeout: float) -> None:
        """Load (or refresh) the credentials, waiting at most ``timeout`` seconds."""
        if self.fresh():
            return
        loop = asyncio.get_running_loop()
        if self._profile is None and self._refreshable is None and self.current is None:
            env = env_credentials()  # no I/O: read on the loop, not in a worker thread
            if env is not None:
                self.current = env
                self.static = True
                return
        loading = self._loading
        if loading is None:
            loading = self._loading = loop.create_task(self._load_in_thread())
            loading.add_done_callback(_retrieved)
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(loading)
        except TimeoutError:
            raise CredentialsError(
                f"the credential provider did not answer within {timeout:g}s "
                "(connect_timeout + read_timeout, or what is left of call_timeout)"
            ) from None

    async def _load_in_thread(self) -> Credentials:
        """The one writer: runs the blocking load, then publishes what it found."""
        try:
            creds, refreshable = await run_blocking(self._load, self._refreshable)
        except SmTypedError:
            raise
        except Exception as exc:
            raise CredentialsError(f"credential loading failed: {type(exc).__name__}") from exc
        finally:
            self._loading = None
        self.current = creds
        self._refreshable = refreshable
        self.static = refreshable is None
        self._checked_at = -1.0
        return creds

    def _load(self, refreshable: Any) -> tuple[Credentials, Any]:
        """Blocking: runs in a worker thread, touching no state of the resolver."""
        try:
            creds = refreshable if refreshable is not None else self._load_chain(self._profile)
            if creds is None:
                raise NoCredentialsError(_searched(self._profile))
            frozen = creds.get_frozen_credentials()
        except NoCredentialsError:
            raise
        except Exception as exc:
            raise CredentialsError(
                f"credential provider failed: {type(exc).__name__}: {exc}"
            ) from exc
        access_key, secret_key = frozen.access_key or "", frozen.secret_key or ""
        token = frozen.token or None
        if not access_key or not secret_key:
            raise NoCredentialsError(_searched(self._profile), "provider returned empty keys")
        problem = credential_problem(access_key, secret_key, token)
        if problem is not None:
            method = getattr(creds, "method", "botocore's provider chain")
            raise CredentialsError(f"credentials from {method} cannot be used: {problem}")
        result = Credentials(access_key, secret_key, token)
        return result, (creds if hasattr(creds, "refresh_needed") else None)


def _retrieved(task: asyncio.Task[Credentials]) -> None:
    """A load whose waiters all timed out still has its error read (no asyncio warning)."""
    if not task.cancelled():
        task.exception()


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
