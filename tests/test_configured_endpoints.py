"""Endpoints and endpoint flags from the shared config files, resolved as botocore resolves
them: each case is also given to a botocore client, whose endpoint must be ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import Recorder, botocore_sagemaker, client, write_config

from sm_typed.errors import ConfigurationError

TABLE = "https://api.sagemaker.us-east-1.amazonaws.com/"

SERVICES = """\
[profile dev]
services = local
endpoint_url = http://global.example:1
[services local]
sagemaker =
  endpoint_url = http://service.example:2
s3 =
  endpoint_url = http://other.example:3
"""

CASES: list[tuple[str, str, dict[str, str], str | None, str]] = [
    # (name, config file, environment, profile, expected URL)
    (
        "profile endpoint_url",
        "[default]\nendpoint_url = http://cfg.example:4566\n",
        {},
        None,
        "http://cfg.example:4566/",
    ),
    ("services section first", SERVICES, {}, "dev", "http://service.example:2/"),
    (
        "services section without the service",
        SERVICES.replace("sagemaker", "kinesis"),
        {},
        "dev",
        "http://global.example:1/",
    ),
    (
        "global environment before the file",
        SERVICES,
        {"AWS_ENDPOINT_URL": "http://env.example:5"},
        "dev",
        "http://env.example:5/",
    ),
    (
        "service environment before the global",
        SERVICES,
        {
            "AWS_ENDPOINT_URL": "http://env.example:5",
            "AWS_ENDPOINT_URL_SAGEMAKER": "http://env-sm.example:6",
        },
        "dev",
        "http://env-sm.example:6/",
    ),
    (
        "ignored by the environment",
        SERVICES,
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "http://env.example:5"},
        "dev",
        TABLE,
    ),
    (
        "ignored by the profile",
        "[default]\nignore_configured_endpoint_urls = true\nendpoint_url = http://cfg.example:1\n",
        {"AWS_ENDPOINT_URL": "http://env.example:5"},
        None,
        TABLE,
    ),
    (
        "the environment's false wins over the profile's true",
        "[default]\nignore_configured_endpoint_urls = true\nendpoint_url = http://cfg.example:1\n",
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"},
        None,
        "http://cfg.example:1/",
    ),
    (
        "profile from AWS_PROFILE",
        SERVICES,
        {"AWS_PROFILE": "dev"},
        None,
        "http://service.example:2/",
    ),
    (
        "FIPS from the profile",
        "[default]\nuse_fips_endpoint = true\n",
        {},
        None,
        "https://api-fips.sagemaker.us-east-1.amazonaws.com/",
    ),
    (
        "dual-stack from the profile",
        "[default]\nuse_dualstack_endpoint = TRUE\n",
        {},
        None,
        "https://api.sagemaker.us-east-1.api.aws/",
    ),
    ("a file naming no setting", "[default]\nregion = us-west-2\n", {}, None, TABLE),
]


def botocore_url(profile: str | None) -> str:
    url = str(botocore_sagemaker(profile).meta.endpoint_url)
    return url if url.endswith("/") else url + "/"


async def sent_to(**options: Any) -> str:
    """The URL sm_typed sends a call to, configured with ``options``."""
    rec = Recorder()
    async with client(rec, region="us-east-1", **options) as sm:
        await sm.list_models()
    return str(rec.last.url)


@pytest.mark.parametrize(
    ("config", "env", "profile", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_configured_endpoint_as_botocore(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    config: str,
    env: dict[str, str],
    profile: str | None,
    expected: str,
) -> None:
    write_config(monkeypatch, tmp_path, config, env)
    assert botocore_url(profile) == expected
    assert await sent_to(profile=profile) == expected


async def test_credentials_file_settings_count(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # botocore merges the credentials file's profiles into the config's.
    creds = tmp_path / "credentials"
    creds.write_text("[default]\nendpoint_url = http://creds.example:7\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    assert botocore_url(None) == "http://creds.example:7/"
    assert await sent_to() == "http://creds.example:7/"


async def test_explicit_endpoint_url_beats_the_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(monkeypatch, tmp_path, SERVICES)
    assert await sent_to(profile="dev", endpoint_url="http://x.example") == "http://x.example/"


async def test_a_missing_services_section_is_a_typed_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(monkeypatch, tmp_path, "[default]\nservices = nowhere\n")
    with pytest.raises(ConfigurationError, match="services section 'nowhere'"):
        client(Recorder(), region="us-east-1")  # at construction, as a bad option is


async def test_a_bad_configured_endpoint_is_a_typed_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(monkeypatch, tmp_path, "[default]\nendpoint_url = ftp://nope\n")
    rec = Recorder()
    sm = client(rec, region="us-east-1")
    with pytest.raises(ConfigurationError, match="endpoint_url"):
        async with sm:
            pass
    await sm.close()
    assert rec.requests == []
