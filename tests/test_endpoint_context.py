"""Endpoint rules that read the call's input (contextParam, staticContextParams,
operationContextParams): the generated clients go where botocore sends the same call."""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore
import httpx
import pytest
from botocore.awsrequest import AWSResponse
from helpers import OPEN_HTTP_CLIENTS

from codegen.__main__ import main as codegen_main

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"
STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/s"
TABLE = "arn:aws:dynamodb:us-east-1:222222222222:table/t"


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("context")
    for service in ("kinesis", "dynamodb"):
        model = sorted((BOTOCORE_DATA / service).iterdir())[-1] / "service-2.json.gz"
        assert codegen_main(["--model", str(model), "--out", str(root / f"ec_{service}")]) == 0
    sys.path.insert(0, str(root))
    try:
        yield {s: importlib.import_module(f"ec_{s}") for s in ("kinesis", "dynamodb")}
    finally:
        sys.path.remove(str(root))


def botocore_url(service: str, method: str, **params: Any) -> str:
    """Where botocore sends this call (its request, stopped before it leaves)."""
    client = boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
    )
    seen: list[str] = []

    def stop(request: Any, **_: Any) -> AWSResponse:
        seen.append(request.url)
        return AWSResponse(request.url, 200, {}, None)  # type: ignore[arg-type]

    client.meta.events.register("before-send", stop)
    with contextlib.suppress(Exception):  # the empty answer may not parse: the URL matters
        getattr(client, method)(**params)
    return seen[0]


async def our_urls(
    module: Any, client_name: str, calls: list[tuple[str, dict[str, Any]]]
) -> list[str]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={}, headers={"content-type": "application/x-amz-json-1.1"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    OPEN_HTTP_CLIENTS.append(http)
    async with getattr(module, client_name)(
        region="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        http_client=http,
    ) as client:
        for method, kwargs in calls:
            with contextlib.suppress(Exception):  # required output absent: the URL matters
                await getattr(client, method)(**kwargs)
    return seen


async def test_kinesis_stream_arn_picks_the_account_endpoint(gen: dict[str, Any]) -> None:
    calls = [
        ("describe_stream_summary", {"stream_arn": STREAM}),  # control plane
        ("get_records", {"shard_iterator": "i", "stream_arn": STREAM}),  # data plane
        ("describe_stream_summary", {"stream_name": "s"}),  # no ARN: the regional endpoint
        ("describe_stream_summary", {"stream_arn": STREAM}),  # again: from the cache
    ]
    ours = await our_urls(gen["kinesis"], "KinesisClient", calls)
    theirs = [
        botocore_url("kinesis", "describe_stream_summary", StreamARN=STREAM),
        botocore_url("kinesis", "get_records", ShardIterator="i", StreamARN=STREAM),
        botocore_url("kinesis", "describe_stream_summary", StreamName="s"),
        botocore_url("kinesis", "describe_stream_summary", StreamARN=STREAM),
    ]
    assert ours == theirs
    assert ours[0].startswith("https://123456789012.control-kinesis.")
    assert ours[1].startswith("https://123456789012.data-kinesis.")


async def test_dynamodb_resource_arn_and_a_path_parameter(gen: dict[str, Any]) -> None:
    s = gen["dynamodb"].shapes
    calls = [
        ("describe_table", {"table_name": TABLE}),
        ("describe_table", {"table_name": "plain"}),
        (
            "batch_get_item",
            {"request_items": {TABLE: s.KeysAndAttributes(keys=[{"k": s.AttributeValue(s="v")}])}},
        ),
    ]
    ours = await our_urls(gen["dynamodb"], "DynamoDBClient", calls)
    theirs = [
        botocore_url("dynamodb", "describe_table", TableName=TABLE),
        botocore_url("dynamodb", "describe_table", TableName="plain"),
        botocore_url(
            "dynamodb", "batch_get_item", RequestItems={TABLE: {"Keys": [{"k": {"S": "v"}}]}}
        ),
    ]
    assert ours == theirs
    assert ours[0].startswith("https://222222222222.ddb.")


async def test_an_endpoint_url_is_used_as_given(gen: dict[str, Any]) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    OPEN_HTTP_CLIENTS.append(http)
    async with gen["kinesis"].KinesisClient(
        region="us-east-1",
        endpoint_url="http://127.0.0.1:4566",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        http_client=http,
    ) as client:
        with contextlib.suppress(Exception):  # required output absent: the URL matters
            await client.describe_stream_summary(stream_arn=STREAM)
    assert seen == ["http://127.0.0.1:4566/"]
