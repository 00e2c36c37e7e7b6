"""Retry and compression settings from the shared config files, read as botocore reads them:
each case is also given to a botocore client, whose settings must be ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import Recorder, botocore_sagemaker, client, write_config

from sm_typed import SageMakerClient
from sm_typed.errors import ConfigurationError
from sm_typed_runtime.client import AdaptiveRetryStrategy, StandardRetryStrategy


def botocore_config(profile: str | None) -> Any:
    return botocore_sagemaker(profile).meta.config


def settings(sm: SageMakerClient) -> Any:
    return sm._pipeline.settings  # pyright: ignore[reportPrivateUsage]  # read, not patched


@pytest.mark.parametrize(
    ("config", "env", "profile", "attempts"),
    [
        ("[default]\nmax_attempts = 7\n", {}, None, 7),
        ("[profile dev]\nmax_attempts = 2\n", {}, "dev", 2),
        ("[default]\nmax_attempts = 7\n", {"AWS_MAX_ATTEMPTS": "4"}, None, 4),
        ("[default]\nregion = us-west-2\n", {}, None, 3),
    ],
)
async def test_max_attempts_from_the_profile_as_botocore(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    config: str,
    env: dict[str, str],
    profile: str | None,
    attempts: int,
) -> None:
    write_config(monkeypatch, tmp_path, config, env)
    # botocore records the setting only when one is configured (its default is 3).
    assert botocore_config(profile).retries.get("total_max_attempts", 3) == attempts
    rec = Recorder()
    async with client(rec, region="us-east-1", profile=profile, max_attempts=None) as sm:
        await sm.list_models()
    assert rec.last.headers["amz-sdk-request"] == f"attempt=1; max={attempts}"


@pytest.mark.parametrize(
    ("config", "env", "mode"),
    [
        ("[default]\nretry_mode = adaptive\n", {}, "adaptive"),
        ("[default]\nretry_mode = adaptive\n", {"AWS_RETRY_MODE": "standard"}, "standard"),
        ("[default]\nretry_mode = standard\n", {}, "standard"),
    ],
)
def test_retry_mode_from_the_profile_as_botocore(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, config: str, env: dict[str, str], mode: str
) -> None:
    write_config(monkeypatch, tmp_path, config, env)
    assert botocore_config(None).retries["mode"] == mode
    expected = AdaptiveRetryStrategy if mode == "adaptive" else StandardRetryStrategy
    assert type(settings(SageMakerClient(region="us-east-1")).strategy) is expected


@pytest.mark.parametrize(
    ("config", "env", "least"),
    [
        ("[default]\ndisable_request_compression = true\n", {}, None),
        ("[default]\ndisable_request_compression = True\n", {}, None),
        ("[default]\ndisable_request_compression = yes\n", {}, 10240),  # botocore: not "true"
        ("[default]\nrequest_min_compression_size_bytes = 100\n", {}, 100),
        (
            "[default]\nrequest_min_compression_size_bytes = 100\n",
            {"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "200"},
            200,
        ),
        (
            "[default]\ndisable_request_compression = true\n",
            {"AWS_DISABLE_REQUEST_COMPRESSION": "false"},
            10240,
        ),
    ],
)
def test_compression_from_the_profile_as_botocore(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    config: str,
    env: dict[str, str],
    least: int | None,
) -> None:
    write_config(monkeypatch, tmp_path, config, env)
    theirs = botocore_config(None)
    assert (
        None if theirs.disable_request_compression else theirs.request_min_compression_size_bytes
    ) == least
    assert settings(SageMakerClient(region="us-east-1")).compression_min_bytes == least


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[default]\nmax_attempts = ten\n", "max_attempts in profile 'default' must be an integer"),
        ("[default]\nmax_attempts = 0\n", "max_attempts in profile 'default' must be a positive"),
        ("[default]\nretry_mode = legacy2\n", "retry_mode"),
        (
            "[default]\nrequest_min_compression_size_bytes = 0\n",
            "request_min_compression_size_bytes in profile 'default'",
        ),
        ("[default\nmax_attempts = 2\n", "cannot read the shared config file"),
    ],
)
def test_bad_profile_settings_are_configuration_errors_at_construction(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, config: str, message: str
) -> None:
    write_config(monkeypatch, tmp_path, config)
    with pytest.raises(ConfigurationError, match=message):
        SageMakerClient(region="us-east-1")


def test_an_argument_beats_the_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_config(monkeypatch, tmp_path, "[default]\nmax_attempts = 7\nretry_mode = adaptive\n")
    sm = SageMakerClient(region="us-east-1", max_attempts=2, retry_mode="standard")
    assert settings(sm).max_attempts == 2
    assert type(settings(sm).strategy) is StandardRetryStrategy


def test_a_profile_that_does_not_exist_holds_no_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The credential chain reports a missing profile when it looks for credentials.
    write_config(monkeypatch, tmp_path, "[profile dev]\nmax_attempts = 7\n")
    sm = SageMakerClient(region="us-east-1", profile="nope")
    assert settings(sm).max_attempts == 3
