"""Credentials: explicit, then environment, then botocore's chain; refreshed off the loop."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import CredentialRetrievalError
from clocks import FakeClock
from helpers import Recorder, client

from sm_typed.errors import ConfigurationError, CredentialsError, NoCredentialsError
from sm_typed_runtime._credentials import CredentialResolver, Credentials


def signed_key(rec: Recorder) -> str:
    auth = rec.last.headers["Authorization"]
    return auth.split("Credential=")[1].split("/")[0]


async def test_explicit_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    rec = Recorder()
    async with client(rec, aws_access_key_id="EXPLICIT", aws_secret_access_key="s") as sm:
        await sm.list_models()
    assert signed_key(rec) == "EXPLICIT"


async def test_environment_with_session_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "envtoken")
    rec = Recorder()
    async with client(rec, aws_access_key_id=None, aws_secret_access_key=None) as sm:
        await sm.list_models()
    assert signed_key(rec) == "ENVKEY"
    assert rec.last.headers["X-Amz-Security-Token"] == "envtoken"


async def test_profile_from_shared_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    creds = tmp_path / "credentials"
    creds.write_text(
        "[dev]\naws_access_key_id = PROFILEKEY\naws_secret_access_key = profilesecret\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    rec = Recorder()
    async with client(rec, aws_access_key_id=None, aws_secret_access_key=None, profile="dev") as sm:
        await sm.list_models()
    assert signed_key(rec) == "PROFILEKEY"


async def test_no_credentials_is_a_typed_error_at_first_call() -> None:
    rec = Recorder()
    sm = client(rec, aws_access_key_id=None, aws_secret_access_key=None)  # constructing is fine
    async with sm:
        with pytest.raises(NoCredentialsError) as info:
            await sm.list_models()
    assert rec.requests == []
    message = str(info.value)
    assert "explicit arguments" in message
    assert "AWS_ACCESS_KEY_ID" in message
    assert "botocore:shared-credentials-file" in message


async def test_partial_credentials_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="aws_secret_access_key"):
        client(Recorder(), aws_access_key_id="K", aws_secret_access_key=None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    rec = Recorder()
    async with client(rec, aws_access_key_id=None, aws_secret_access_key=None) as sm:
        with pytest.raises(CredentialsError, match="AWS_SECRET_ACCESS_KEY"):
            await sm.list_models()


async def test_missing_profile_is_a_credentials_error() -> None:
    rec = Recorder()
    async with client(
        rec, aws_access_key_id=None, aws_secret_access_key=None, profile="nope"
    ) as sm:
        with pytest.raises(CredentialsError, match="nope"):
            await sm.list_models()


def test_repr_never_shows_the_secret() -> None:
    c = Credentials("AKIAEXAMPLEKEY", "super-secret-canary", "token-canary")
    assert repr(c) == "Credentials(access_key='AKIA…', secret_key=***, token=***)"
    # rich (rich.print, rich tracebacks with locals) asks __rich_repr__, not __repr__.
    for text in (repr(c), str(c), f"{c}", repr(list(c.__rich_repr__()))):
        assert "super-secret-canary" not in text and "token-canary" not in text
        assert "AKIAEXAMPLEKEY" not in text


class FakeRefreshable:
    """Shaped like botocore's RefreshableCredentials."""

    def __init__(self) -> None:
        self.needed = True
        self.refreshes = 0
        self.threads: set[int] = set()
        # A slow provider (STS, SSO, IMDS): it waits until the event loop lets it go,
        # which only happens if the loop keeps running while it works.
        self.release = threading.Event()
        self.released_by_loop: list[bool] = []

    def refresh_needed(self) -> bool:
        return self.needed

    def get_frozen_credentials(self) -> Any:
        self.threads.add(threading.get_ident())
        self.refreshes += 1
        self.needed = False
        self.released_by_loop.append(self.release.wait(timeout=10))
        return SimpleNamespace(access_key=f"TMP{self.refreshes}", secret_key="s", token="t")


def resolver_over(fake: Any, clock: FakeClock | None = None) -> CredentialResolver:
    return CredentialResolver(
        explicit=None, profile=None, clock=clock or FakeClock(), chain=lambda profile: fake
    )


async def signing_key_of(resolver: CredentialResolver) -> str:
    await resolver.ensure(timeout=10)
    assert resolver.current is not None
    return resolver.current.access_key


async def test_refresh_runs_off_the_loop_once_for_concurrent_calls() -> None:
    fake = FakeRefreshable()
    clock = FakeClock()
    resolver = resolver_over(fake, clock)

    async def let_go() -> None:
        await asyncio.sleep(0.01)
        fake.release.set()

    results, _ = await asyncio.gather(
        asyncio.gather(*(signing_key_of(resolver) for _ in range(20))), let_go()
    )
    assert fake.refreshes == 1
    assert set(results) == {"TMP1"}
    assert threading.get_ident() not in fake.threads
    assert fake.released_by_loop == [True], "the event loop kept running while credentials loaded"
    assert await signing_key_of(resolver) == "TMP1"  # cached while fresh
    fake.needed = True
    assert await signing_key_of(resolver) == "TMP1"  # botocore is asked once a second at most
    clock.advance(1.5)
    assert await signing_key_of(resolver) == "TMP2"  # refreshed when botocore says so


async def test_failed_refresh_is_typed_and_does_not_wedge() -> None:
    fake = FakeRefreshable()
    fake.release.set()
    boom = True
    original = fake.get_frozen_credentials

    def flaky() -> Any:
        if boom:
            raise CredentialRetrievalError(provider="sso", error_msg="sso token expired")
        return original()

    fake.get_frozen_credentials = flaky  # type: ignore[method-assign]
    resolver = resolver_over(fake)
    with pytest.raises(CredentialsError, match="sso token expired"):
        await resolver.ensure(timeout=10)
    boom = False
    assert await signing_key_of(resolver) == "TMP1"
