"""`with_raw_response`: the output with its request id, status, headers and attempts."""

from __future__ import annotations

import logging
import uuid

import pytest
from fault_server import FaultServer, ok, throttle
from helpers import ACCESS_KEY, SECRET_KEY

from sm_typed import RawResponse, SageMakerClient, SageMakerClientWithRawResponse
from sm_typed.errors import ValidationException
from sm_typed.shapes import CreateModelOutput, DescribeModelOutput

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


async def test_raw_round_trip_against_moto(
    sm: SageMakerClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sm_typed")
    name = f"raw-{uuid.uuid4().hex[:8]}"
    raw = sm.with_raw_response
    assert isinstance(raw, SageMakerClientWithRawResponse)
    created = await raw.create_model(model_name=name, execution_role_arn=ROLE)
    assert isinstance(created, RawResponse)
    assert isinstance(created.parsed, CreateModelOutput)
    assert created.parsed.model_arn.endswith(f"model/{name}")
    assert created.status_code == 200
    assert created.attempts == 1 and created.retry_time >= 0
    assert created.request_id and created.request_id == created.headers["x-amzn-RequestId"]
    # One source: the same id is in the DEBUG line of the call.
    assert any(created.request_id in r.getMessage() for r in caplog.records)

    described = await raw.describe_model(model_name=name)
    assert isinstance(described.parsed, DescribeModelOutput)
    assert described.request_id != created.request_id

    deleted = await raw.delete_model(model_name=name)
    assert deleted.parsed is None  # an operation without output
    assert deleted.status_code == 200 and deleted.request_id

    # Errors are raised as from the plain client, with the request id on them.
    with pytest.raises(ValidationException) as info:
        await raw.describe_model(model_name=name)
    assert info.value.request_id


async def test_raw_views_compose_with_options_either_way() -> None:
    server = await FaultServer(default=ok({"ModelArn": "arn:m"})).start()
    try:
        async with SageMakerClient(
            region="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            max_attempts=1,
        ) as sm:
            server.script([throttle(), ok({"ModelArn": "arn:m"})])
            first = await sm.with_options(max_attempts=2).with_raw_response.create_model(
                model_name="m"
            )
            assert (first.attempts, first.parsed.model_arn) == (2, "arn:m")
            second = await sm.with_raw_response.with_options(
                extra_headers={"X-Tenant": "a"}
            ).create_model(model_name="m")
            assert isinstance(second, RawResponse) and second.attempts == 1
            assert server.requests[-1].headers["x-tenant"] == "a"
            assert sm.with_raw_response is sm.with_raw_response  # one view, made once
            assert sm.with_raw_response.with_raw_response is sm.with_raw_response
            # The plain client still returns plain outputs.
            assert await sm.create_model(model_name="m") == CreateModelOutput(model_arn="arn:m")
    finally:
        await server.stop()
