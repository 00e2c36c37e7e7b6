"""Round trips against a real moto server on 127.0.0.1, through the default transport."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from sm_typed import SageMakerClient
from sm_typed.errors import ServiceError, ValidationException
from sm_typed.shapes import ContainerDefinition, DescribeModelOutput, Tag, VpcConfig

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


async def test_create_describe_list_delete_model(sm: SageMakerClient) -> None:
    name = f"model-{uuid.uuid4().hex[:8]}"
    container = ContainerDefinition(
        image="123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1",
        model_data_url="s3://bucket/model.tar.gz",
        environment={"SAGEMAKER_PROGRAM": "inference.py", "EMPTY": ""},
    )
    vpc = VpcConfig(security_group_ids=["sg-0123456789abcdef0"], subnets=["subnet-1", "subnet-2"])
    before = datetime.now(UTC) - timedelta(seconds=5)
    created = await sm.create_model(
        model_name=name,
        primary_container=container,
        execution_role_arn=ROLE,
        tags=[Tag(key="team", value="ml"), Tag(key="env", value="test")],
        vpc_config=vpc,
    )
    assert created.model_arn == f"arn:aws:sagemaker:us-east-1:123456789012:model/{name}"

    described = await sm.describe_model(model_name=name)
    assert before <= described.creation_time <= datetime.now(UTC) + timedelta(seconds=5)
    # Every field at once: what moto returns for a model it stored.
    assert described == DescribeModelOutput(
        model_name=name,
        primary_container=container,
        containers=[],
        execution_role_arn=ROLE,
        vpc_config=vpc,
        creation_time=described.creation_time,
        model_arn=created.model_arn,
        enable_network_isolation=False,
    )

    tags = await sm.list_tags(resource_arn=created.model_arn)
    assert {(t.key, t.value) for t in tags.tags or []} == {("team", "ml"), ("env", "test")}

    # moto ignores NameContains: the server is shared by the session's tests, so other
    # tests' models may be listed too.
    listed = await sm.list_models(name_contains=name)
    mine = [m for m in listed.models if m.model_name == name]
    assert [m.model_arn for m in mine] == [created.model_arn]

    assert await sm.delete_model(model_name=name) is None

    with pytest.raises(ServiceError) as info:
        await sm.describe_model(model_name=name)
    err = info.value
    assert type(err) is ValidationException  # SageMaker (and moto) report a missing model this way
    assert err.code == "ValidationException"
    assert err.status_code == 400
    assert name in err.message
    assert err.operation == "DescribeModel"
    assert err.request_id


async def test_create_model_package_round_trip(sm: SageMakerClient) -> None:
    # The token itself is checked on the wire in test_wire.py; moto does not echo it.
    group = f"group-{uuid.uuid4().hex[:8]}"
    await sm.create_model_package_group(model_package_group_name=group)
    out = await sm.create_model_package(
        model_package_group_name=group, model_package_description="first version"
    )
    assert out.model_package_arn.startswith(
        "arn:aws:sagemaker:us-east-1:123456789012:model-package/"
    )
    listed = await sm.list_model_packages(model_package_group_name=group)
    assert [p.model_package_arn for p in listed.model_package_summary_list] == [
        out.model_package_arn
    ]


async def test_connection_refused_is_a_typed_error() -> None:
    from examples_port import closed_port

    from sm_typed.errors import HTTPClientError

    async with SageMakerClient(
        region="us-east-1",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        max_attempts=1,
    ) as client:
        with pytest.raises(HTTPClientError) as info:
            await client.list_models()
    assert info.value.operation == "ListModels"
