"""``awsQueryCompatible`` services (SQS): the request says so, and an error's code is the one
botocore reports, its class the model's (against moto beside boto3, and on the wire)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore
import botocore.exceptions
import httpx
import pytest
from helpers import OPEN_HTTP_CLIENTS, generated_package
from moto_local import MotoServer

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"


@pytest.fixture(scope="module")
def sqs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from generated_package(tmp_path_factory.mktemp("query"), "sqs", "qc")


async def test_missing_queue_matches_boto3(sqs: Any, moto_server: MotoServer) -> None:
    boto = boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=moto_server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with pytest.raises(botocore.exceptions.ClientError) as theirs:
        boto.get_queue_url(QueueName="no-such-queue")
    async with sqs.SQSClient(
        region="us-east-1",
        endpoint_url=moto_server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ) as client:
        with pytest.raises(sqs.errors.QueueDoesNotExist) as ours:
            await client.get_queue_url(queue_name="no-such-queue")
    assert ours.value.code == theirs.value.response["Error"]["Code"]
    assert type(theirs.value).__name__ == "QueueDoesNotExist"


async def test_query_mode_header_is_signed_and_the_query_code_reported(sqs: Any) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            400,
            json={"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "gone"},
            headers={"x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender"},
        )

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    OPEN_HTTP_CLIENTS.append(http)
    async with sqs.SQSClient(
        region="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="s", http_client=http
    ) as client:
        with pytest.raises(sqs.errors.QueueDoesNotExist) as caught:
            await client.get_queue_url(queue_name="q")
    assert caught.value.code == "AWS.SimpleQueueService.NonExistentQueue"
    assert caught.value.message == "gone"
    request = seen[0]
    assert request.headers["x-amzn-query-mode"] == "true"
    assert "x-amzn-query-mode" in request.headers["Authorization"]


async def test_a_malformed_query_error_header_keeps_the_json_code(sqs: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            json={"__type": "com.amazonaws.sqs#QueueDoesNotExist"},
            headers={"x-amzn-query-error": ";Sender"},
        )

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    OPEN_HTTP_CLIENTS.append(http)
    async with sqs.SQSClient(
        region="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="s", http_client=http
    ) as client:
        with pytest.raises(sqs.errors.QueueDoesNotExist) as caught:
            await client.get_queue_url(queue_name="q")
    assert caught.value.code == "QueueDoesNotExist"


async def test_sagemaker_sends_no_query_mode() -> None:
    from helpers import Recorder, client

    recorder = Recorder()
    async with client(recorder) as sm:
        await sm.list_models()
    assert "x-amzn-query-mode" not in recorder.last.headers
