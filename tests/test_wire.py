"""Exact wire checks of what the client sends (respx as the transport)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime

import httpx
import pytest
import respx
from botocore_signer import botocore_signature
from helpers import ACCESS_KEY, ENDPOINT, SECRET_KEY, RawCapture

from sm_typed import SageMakerClient
from sm_typed.shapes import (
    ContainerDefinition,
    ProductionVariant,
    Tag,
    VpcConfig,
)


def botocore_signs_it_the_same(request: httpx.Request, token: str | None = None) -> dict[str, str]:
    """botocore's signature for the headers we signed; asserts ours matches it."""
    headers = {
        "Content-Type": request.headers["Content-Type"],
        "X-Amz-Target": request.headers["X-Amz-Target"],
        "X-Amz-Date": request.headers["X-Amz-Date"],
    }
    if token is not None:
        headers["X-Amz-Security-Token"] = token
    reference = botocore_signature(
        method="POST",
        url=f"{ENDPOINT}/",
        headers=headers,
        body=request.content,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        token=token,
        region="us-east-1",
        service="sagemaker",
        amz_date=request.headers["X-Amz-Date"],
    )
    assert request.headers["Authorization"].endswith("Signature=" + reference["signature"])
    return reference


CREATE_MODEL_OUTPUT = {"ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/m"}


def make_client(router: respx.MockRouter, **options: object) -> SageMakerClient:
    return SageMakerClient(
        region="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)),
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def router() -> respx.MockRouter:
    r = respx.MockRouter(assert_all_called=False)
    r.post(f"{ENDPOINT}/").mock(return_value=httpx.Response(200, json=CREATE_MODEL_OUTPUT))
    return r


async def test_create_model_request_on_the_wire(router: respx.MockRouter) -> None:
    async with make_client(router) as sm:
        out = await sm.create_model(
            model_name="m",
            primary_container=ContainerDefinition(
                image="img:1", environment={"A": "1"}, model_data_url="s3://b/k"
            ),
            execution_role_arn="arn:aws:iam::123456789012:role/r",
            tags=[Tag(key="team", value="ml")],
            vpc_config=VpcConfig(security_group_ids=["sg-1"], subnets=["subnet-1"]),
            enable_network_isolation=False,
        )
    assert out.model_arn == CREATE_MODEL_OUTPUT["ModelArn"]
    assert router.calls.call_count == 1
    request = router.calls.last.request
    assert request.method == "POST"
    assert str(request.url) == f"{ENDPOINT}/"
    assert request.headers["X-Amz-Target"] == "SageMaker.CreateModel"
    assert request.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert request.headers["Host"] == "api.sagemaker.us-east-1.amazonaws.com"
    assert "X-Amz-Security-Token" not in request.headers
    assert json.loads(request.content) == {
        "ModelName": "m",
        "PrimaryContainer": {
            "Image": "img:1",
            "Environment": {"A": "1"},
            "ModelDataUrl": "s3://b/k",
        },
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/r",
        "Tags": [{"Key": "team", "Value": "ml"}],
        "VpcConfig": {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]},
        "EnableNetworkIsolation": False,
    }
    amz_date = request.headers["X-Amz-Date"]
    assert re.fullmatch(r"\d{8}T\d{6}Z", amz_date)
    auth = request.headers["Authorization"]
    m = re.fullmatch(
        r"AWS4-HMAC-SHA256 Credential=(\w+)/(\d{8})/us-east-1/sagemaker/aws4_request, "
        r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})",
        auth,
    )
    assert m is not None, auth
    assert m.group(1) == ACCESS_KEY
    assert m.group(2) == amz_date[:8]
    assert m.group(3) == "content-type;host;x-amz-date;x-amz-target"
    reference = botocore_signs_it_the_same(request)
    assert reference["canonical_request"].endswith(hashlib.sha256(request.content).hexdigest())


async def test_session_token_is_sent_and_signed(router: respx.MockRouter) -> None:
    async with make_client(router, aws_session_token="TOKEN/+=") as sm:
        await sm.create_model(model_name="m")
    request = router.calls.last.request
    assert request.headers["X-Amz-Security-Token"] == "TOKEN/+="
    assert (
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"
        in (request.headers["Authorization"])
    )
    botocore_signs_it_the_same(request, token="TOKEN/+=")


async def test_falsy_values_are_sent_and_only_none_is_omitted(router: respx.MockRouter) -> None:
    router.post(f"{ENDPOINT}/").mock(
        return_value=httpx.Response(200, json={"EndpointConfigArn": "a"})
    )
    async with make_client(router) as sm:
        await sm.create_endpoint_config(
            endpoint_config_name="",
            production_variants=[
                ProductionVariant(
                    variant_name="v",
                    model_name="m",
                    initial_variant_weight=0.0,  # its model minimum: 0
                    enable_ssm_access=False,
                )
            ],
            tags=[],
            kms_key_id=None,
        )
    body = json.loads(router.calls.last.request.content)
    assert body == {
        "EndpointConfigName": "",
        "ProductionVariants": [
            {
                "VariantName": "v",
                "ModelName": "m",
                "InitialVariantWeight": 0.0,
                "EnableSSMAccess": False,
            }
        ],
        "Tags": [],
    }


async def test_empty_map_is_sent(router: respx.MockRouter) -> None:
    async with make_client(router) as sm:
        await sm.create_model(model_name="m", primary_container=ContainerDefinition(environment={}))
    assert json.loads(router.calls.last.request.content)["PrimaryContainer"] == {"Environment": {}}


async def test_operation_without_parameters_sends_empty_object(router: respx.MockRouter) -> None:
    router.post(f"{ENDPOINT}/").mock(return_value=httpx.Response(200, json={"Models": []}))
    async with make_client(router) as sm:
        out = await sm.list_models()
    assert out.models == []
    assert router.calls.last.request.content == b"{}"
    assert router.calls.last.request.headers["X-Amz-Target"] == "SageMaker.ListModels"
    # As botocore asks: no compressed answer (httpx's own default would accept gzip).
    assert router.calls.last.request.headers.get_list("Accept-Encoding") == ["identity"]


async def test_timestamps_go_out_as_epoch_seconds(router: respx.MockRouter) -> None:
    router.post(f"{ENDPOINT}/").mock(return_value=httpx.Response(200, json={"Models": []}))
    async with make_client(router) as sm:
        await sm.list_models(
            creation_time_after=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            creation_time_before=datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=UTC),
        )
    body = json.loads(router.calls.last.request.content)
    assert body == {"CreationTimeAfter": 1704164645, "CreationTimeBefore": 1704164645.25}


async def test_idempotency_token_is_filled_with_uuid4(router: respx.MockRouter) -> None:
    router.post(f"{ENDPOINT}/").mock(
        return_value=httpx.Response(200, json={"ModelPackageArn": "a"})
    )
    async with make_client(router) as sm:
        await sm.create_model_package(model_package_group_name="g")
        await sm.create_model_package(model_package_group_name="g")
        await sm.create_model_package(model_package_group_name="g", client_token="mine")
    tokens = [json.loads(c.request.content).get("ClientToken") for c in router.calls]
    assert tokens[2] == "mine"
    for token in tokens[:2]:
        assert uuid.UUID(token).version == 4
    assert tokens[0] != tokens[1]


async def test_operation_without_output_returns_none(router: respx.MockRouter) -> None:
    router.post(f"{ENDPOINT}/").mock(return_value=httpx.Response(200, content=b""))
    async with make_client(router) as sm:
        result = await sm.delete_model(model_name="m")
    assert result is None
    assert router.calls.last.request.headers["X-Amz-Target"] == "SageMaker.DeleteModel"


async def test_a_callers_http_client_is_not_closed(router: respx.MockRouter) -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler))
    async with SageMakerClient(
        region="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        http_client=http,
    ) as sm:
        await sm.create_model(model_name="m")
    assert not http.is_closed
    await http.aclose()


async def test_debug_log_has_one_line_per_call_and_no_secrets(
    router: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    canary_secret, canary_body = "canary-secret-9d1e", "canary-body-77aa"
    caplog.set_level("DEBUG", logger="sm_typed")
    async with SageMakerClient(
        region="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=canary_secret,
        aws_session_token="canary-token-5b2c",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)),
    ) as sm:
        await sm.create_model(model_name=canary_body)
        text = f"{sm!r} {sm!s}"
    records = [r for r in caplog.records if r.name.startswith("sm_typed")]
    assert len(records) == 1
    assert records[0].levelname == "DEBUG"
    assert "CreateModel" in records[0].getMessage()
    everything = text + " ".join(r.getMessage() for r in caplog.records)
    for canary in (canary_secret, canary_body, "canary-token-5b2c", "Authorization", "Signature="):
        assert canary not in everything


# -- the built-in pool, byte by byte --------------------------------------------------------


async def test_the_exact_bytes_the_pool_writes_for_create_model() -> None:
    """The same call as above, through the built-in pool to a loopback socket: every byte."""
    import sys

    from clocks import FakeClock

    clock = FakeClock(wall=datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    async with RawCapture(CREATE_MODEL_OUTPUT) as server:
        port = server.port
        async with SageMakerClient(
            region="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            max_attempts=1,
            clock=clock,
        ) as sm:
            out = await sm.create_model(
                model_name="m",
                primary_container=ContainerDefinition(image="img:1", environment={"A": "1"}),
                execution_role_arn="arn:aws:iam::123456789012:role/r",
                tags=[Tag(key="team", value="ml")],
            )
    received = server.received
    assert out.model_arn == CREATE_MODEL_OUTPUT["ModelArn"]
    body = (
        b'{"ModelName":"m","PrimaryContainer":{"Image":"img:1","Environment":{"A":"1"}},'
        b'"ExecutionRoleArn":"arn:aws:iam::123456789012:role/r","Tags":[{"Key":"team","Value":"ml"}]}'
    )
    signed = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "SageMaker.CreateModel",
        "X-Amz-Date": "20240101T000000Z",
    }
    reference = botocore_signature(
        method="POST",
        url=f"http://127.0.0.1:{port}/",
        headers=signed,
        body=body,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        token=None,
        region="us-east-1",
        service="sagemaker",
        amz_date="20240101T000000Z",
    )
    request = received[0]
    invocation = re.search(rb"amz-sdk-invocation-id: ([0-9a-f-]{36})\r\n", request)
    assert invocation is not None and uuid.UUID(invocation.group(1).decode()).version == 4
    python = "{}.{}.{}".format(*sys.version_info[:3])
    expected = (
        "POST / HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-amz-json-1.1\r\n"
        "X-Amz-Target: SageMaker.CreateModel\r\n"
        "Accept-Encoding: identity\r\n"
        f"User-Agent: sm_typed/0.1.0 python/{python}\r\n"
        "X-Amz-Date: 20240101T000000Z\r\n"
        f"Authorization: AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20240101/us-east-1/sagemaker/"
        "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
        f"Signature={reference['signature']}\r\n"
        f"amz-sdk-invocation-id: {invocation.group(1).decode()}\r\n"
        "amz-sdk-request: attempt=1; max=1\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    assert request == expected
