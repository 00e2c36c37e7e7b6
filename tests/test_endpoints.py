"""Region and URL: arguments, environment, profile, then botocore's rules for each partition."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import Recorder, client

from sm_typed import SageMakerClient
from sm_typed.errors import ConfigurationError, NoRegionError


async def sent_to(**options: object) -> tuple[str, str]:
    rec = Recorder()
    async with client(rec, **options) as sm:
        await sm.list_models()
    scope = rec.last.headers["Authorization"].split("Credential=")[1].split(",")[0]
    return str(rec.last.url), scope.split("/")[2]


@pytest.mark.parametrize(
    ("options", "url", "signing_region"),
    [
        ({"region": "us-east-1"}, "https://api.sagemaker.us-east-1.amazonaws.com/", "us-east-1"),
        (
            {"region": "us-east-1", "use_fips": True},
            "https://api-fips.sagemaker.us-east-1.amazonaws.com/",
            "us-east-1",
        ),
        (
            {"region": "cn-north-1"},
            "https://api.sagemaker.cn-north-1.amazonaws.com.cn/",
            "cn-north-1",
        ),
        (
            {"region": "us-gov-west-1"},
            "https://api.sagemaker.us-gov-west-1.amazonaws.com/",
            "us-gov-west-1",
        ),
        (
            {"region": "us-gov-west-1", "use_fips": True},
            "https://api-fips.sagemaker.us-gov-west-1.amazonaws.com/",
            "us-gov-west-1",
        ),
        (
            {"region": "eu-west-1", "use_dualstack": True},
            "https://api.sagemaker.eu-west-1.api.aws/",
            "eu-west-1",
        ),
        (
            {"region": "eu-west-1", "endpoint_url": "http://127.0.0.1:9999"},
            "http://127.0.0.1:9999/",
            "eu-west-1",
        ),
        (
            {"region": "eu-west-1", "endpoint_url": "https://proxy.example/sm/"},
            "https://proxy.example/sm/",
            "eu-west-1",
        ),
    ],
)
async def test_endpoint_resolution(
    options: dict[str, object], url: str, signing_region: str
) -> None:
    assert await sent_to(**options) == (url, signing_region)


async def test_region_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    assert (await sent_to(region=None))[1] == "ap-south-1"
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert (await sent_to(region=None))[1] == "eu-central-1"


async def test_region_and_fips_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    assert (await sent_to(region="us-east-2"))[
        0
    ] == "https://api-fips.sagemaker.us-east-2.amazonaws.com/"


async def test_endpoint_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://localhost:4566")
    assert (await sent_to(region="us-east-1"))[0] == "http://localhost:4566/"


async def test_region_from_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile dev]\nregion = sa-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert (await sent_to(region=None, profile="dev"))[1] == "sa-east-1"


async def test_no_region_is_a_typed_error() -> None:
    rec = Recorder()
    sm = client(rec, region=None)
    with pytest.raises(NoRegionError, match="AWS_REGION"):
        async with sm:
            pass
    await sm.close()
    assert rec.requests == []


@pytest.mark.parametrize(
    "options",
    [
        {"region": "us-east-1/../evil"},
        {"region": ""},
        {"region": "us-east-1\n"},
        {"region": "-us-east-1"},
        {"region": "us-east-1-"},
        {"region": "US-EAST-1"},
        {"region": "a" * 65},
        {"endpoint_url": "ftp://example.com"},
        {"endpoint_url": "not a url"},
        {"endpoint_url": "http://"},
        {"endpoint_url": "http://host:abc"},
        {"endpoint_url": "http://host:"},
        {"endpoint_url": "http://host:0"},
        {"endpoint_url": "http://host:65536"},
        {"endpoint_url": "http://host:８０"},
        {"endpoint_url": "http://ho st"},
        {"endpoint_url": "http://host/a b"},
        {"endpoint_url": "http://host\n"},
        {"endpoint_url": "http://hóst"},
        {"endpoint_url": "http://[::1"},
        {"endpoint_url": "http://[zz::1]"},
        {"endpoint_url": "http://[::1]x"},
        {"endpoint_url": "http://host?x=1"},
        {"endpoint_url": "http://host/p#frag"},
        {"connect_timeout": 0},
        {"read_timeout": "5"},
        {"max_connections": 0},
        {"http_client": object()},
    ],
)
def test_bad_configuration_fails_at_construction(options: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        SageMakerClient(**options)  # type: ignore[arg-type]


def test_longest_region_name_is_accepted() -> None:
    SageMakerClient(region="a" * 64)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9999",
        "https://proxy.example/sm/",
        "HTTPS://Proxy.Example:8443/a/b",
        "http://[::1]:4566",
        "http://[FE80::1]/",
        "http://my_service.local.:80/x/",
        "https://host:443",
    ],
)
def test_endpoint_url_split_agrees_with_urllib(url: str) -> None:
    """Our splitter (kept off urllib.parse for import time) reads valid URLs as urllib does."""
    from urllib.parse import urlsplit

    from sm_typed_runtime._endpoints import split_endpoint_url

    ours, theirs = split_endpoint_url(url), urlsplit(url)
    assert (ours.scheme, ours.host, ours.hostname, ours.port, ours.path) == (
        theirs.scheme,
        theirs.netloc,
        theirs.hostname,
        theirs.port,
        theirs.path,
    )


def _pinned_provider() -> Any:
    """botocore's own rules engine over the pinned rule files the generator read."""
    from botocore.endpoint_provider import EndpointProvider

    pinned = Path(__file__).resolve().parent.parent / "service-models/sagemaker/2017-07-24"
    rules = json.loads((pinned / "endpoint-rule-set-1.json").read_text())
    partitions = json.loads((pinned / "partitions.json").read_text())
    return EndpointProvider(rules, partitions)


def test_generated_endpoint_table_is_botocores_answer_for_every_known_region() -> None:
    from sm_typed_runtime._endpoints import table_endpoint

    table = SageMakerClient._service.endpoints
    provider = _pinned_provider()
    regions = {region for region, _, _ in table}
    assert {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "us-isob-east-1"} <= regions
    assert len(table) == 4 * len(regions)
    for region, fips, dual in table:
        ours = table_endpoint(table, region, fips, dual)
        assert ours is not None
        resolved = provider.resolve_endpoint(Region=region, UseFIPS=fips, UseDualStack=dual)
        assert ours.url == resolved.url.rstrip("/"), (region, fips, dual)
        assert (ours.signing_region, ours.signing_name) == (region, "sagemaker")


def test_an_error_entry_raises_the_rules_message() -> None:
    from sm_typed.errors import EndpointResolutionError
    from sm_typed_runtime._endpoints import table_endpoint

    table = {("x-1", False, True): "DualStack is enabled but this partition does not support it"}
    with pytest.raises(EndpointResolutionError, match="DualStack is enabled"):
        table_endpoint(table, "x-1", False, True)
    assert table_endpoint(table, "x-1", False, False) is None


async def test_region_outside_the_table_goes_to_botocores_rules() -> None:
    """A region newer than the pinned partitions still resolves, through botocore at run time."""
    assert ("us-west-9", False, False) not in SageMakerClient._service.endpoints
    url, signing_region = await sent_to(region="us-west-9")
    assert (url, signing_region) == ("https://api.sagemaker.us-west-9.amazonaws.com/", "us-west-9")


def test_first_call_in_a_known_region_needs_no_botocore_and_no_thread() -> None:
    """Region and credentials from the environment, endpoint from the generated table."""
    code = """
import asyncio, sys, threading, httpx
from sm_typed import SageMakerClient
async def main():
    async with httpx.AsyncClient(transport=httpx.MockTransport(
            lambda r: httpx.Response(200, json={}))) as http:
        async with SageMakerClient(http_client=http) as sm:
            await sm.list_models()
            print(sm.region, threading.active_count())
asyncio.run(main())
print(sorted(m for m in sys.modules if m.split(".")[0] == "botocore"))
"""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    # One thread (no worker started for the route) and no botocore module loaded.
    assert out.stdout.split("\n")[:2] == ["eu-west-1 1", "[]"]


@pytest.mark.parametrize("path", ["", "/", "/base", "/base/", "/a/b"])
async def test_an_endpoint_url_path_is_sent_as_boto3_sends_it(path: str) -> None:
    import asyncio

    import boto3
    from fault_server import FaultServer

    server = await FaultServer().start()
    try:
        creds = {"aws_access_key_id": "AKID", "aws_secret_access_key": "secret"}
        boto = boto3.client(
            "sagemaker", region_name="us-east-1", endpoint_url=server.url + path, **creds
        )
        await asyncio.to_thread(boto.list_models)
        async with SageMakerClient(
            region="us-east-1", endpoint_url=server.url + path, **creds
        ) as sm:
            await sm.list_models()
    finally:
        await server.stop()
    theirs, ours = server.requests
    assert ours.target == theirs.target
    # Signed for the path as sent: botocore, signing what was sent, gets the same signature.
    from botocore_signer import botocore_signature

    auth = ours.headers["authorization"]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    reference = botocore_signature(
        method="POST",
        url=server.url + ours.target,
        headers={n: ours.headers[n] for n in signed if n != "host"},
        body=ours.body,
        access_key="AKID",
        secret_key="secret",
        token=None,
        region="us-east-1",
        service="sagemaker",
        amz_date=ours.headers["x-amz-date"],
    )
    assert auth.endswith(f"Signature={reference['signature']}")


class _Sent(Exception):
    pass


def botocore_sent_to(region: str, **client_options: Any) -> tuple[str, str]:
    import botocore.session

    bc = botocore.session.get_session().create_client(
        "sagemaker",
        region_name=region,
        aws_access_key_id="A",
        aws_secret_access_key="s",
        **client_options,
    )
    seen: list[tuple[str, str]] = []

    def grab(request: Any, **_: Any) -> None:
        scope = request.headers["Authorization"].decode().split("Credential=")[1].split(",")[0]
        seen.append((request.url, scope.split("/")[2]))
        raise _Sent

    bc.meta.events.register("before-send", grab)
    with pytest.raises(_Sent):
        bc.list_models()
    return seen[0]


@pytest.mark.parametrize(
    "region", ["us-east-1-fips", "fips-us-east-1", "ca-central-1-fips", "fips-us-gov-west-1"]
)
@pytest.mark.parametrize("endpoint_url", [None, "http://127.0.0.1:9999/"])
async def test_a_fips_pseudo_region_is_read_as_botocore_reads_it(
    region: str, endpoint_url: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    # The region without fips-/-fips, FIPS endpoints on, and a warning (botocore logs one).
    options: dict[str, Any] = {"endpoint_url": endpoint_url} if endpoint_url else {}
    ours = await sent_to(region=region, **options)
    assert ours == botocore_sent_to(region, **options)
    assert "fips" not in ours[1]
    assert f"region {region} read as" in caplog.text
