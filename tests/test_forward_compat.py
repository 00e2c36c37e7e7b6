"""What the service may send tomorrow, and what must never leak, each pinned by a test."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import msgspec
import pytest
from helpers import Recorder, client, json_response

from sm_typed import shapes
from sm_typed.errors import ParamValidationError, ServiceError
from sm_typed_runtime._decode import BodyDecoder


def test_unknown_union_member_is_recognisable() -> None:
    union = msgspec.json.decode(
        b'{"SomeFutureJobConfig": {"X": 1}}', type=shapes.AutoMLProblemTypeConfig
    )
    assert union.is_unknown
    known = msgspec.json.decode(
        b'{"TabularJobConfig": {"TargetAttributeName": "y"}}', type=shapes.AutoMLProblemTypeConfig
    )
    assert not known.is_unknown
    assert known.tabular_job_config is not None


def test_unknown_union_member_inside_an_output() -> None:
    body = json.dumps(
        {
            "AutoMLJobName": "j",
            "AutoMLJobArn": "a",
            "AutoMLJobInputDataConfig": [],
            "OutputDataConfig": {"S3OutputPath": "s3://b"},
            "RoleArn": "r",
            "CreationTime": 1,
            "LastModifiedTime": 2,
            "AutoMLJobStatus": "Completed",
            "AutoMLJobSecondaryStatus": "Completed",
            "AutoMLProblemTypeConfig": {"BrandNewProblemType": {"Anything": True}},
        }
    ).encode()
    out = BodyDecoder(shapes.DescribeAutoMLJobV2Response).decode(body)
    assert out.auto_ml_problem_type_config is not None
    assert out.auto_ml_problem_type_config.is_unknown


def test_overridden_member_is_optional() -> None:
    fields = {f.encode_name: f for f in msgspec.structs.fields(shapes.ModelPackageSummary)}
    assert not fields["ModelPackageName"].required
    out = BodyDecoder(shapes.ModelPackageSummary).decode(
        b'{"ModelPackageArn": "a", "CreationTime": 0, "ModelPackageStatus": "Completed"}'
    )
    assert out.model_package_name is None


def test_longs_beyond_2_to_the_53() -> None:
    big = 2**62 + 1
    out = BodyDecoder(shapes.DescribeFeatureGroupResponse).decode(
        json.dumps(
            {
                "FeatureGroupArn": "a",
                "FeatureGroupName": "n",
                "RecordIdentifierFeatureName": "r",
                "EventTimeFeatureName": "e",
                "FeatureDefinitions": [],
                "CreationTime": 0,
                "NextToken": "t",
                "OnlineStoreTotalSizeBytes": big,
            }
        ).encode()
    )
    assert out.online_store_total_size_bytes == big
    assert msgspec.json.encode(shapes.AgentVersion(version="v", agent_count=big)) == (
        b'{"Version":"v","AgentCount":%d}' % big
    )


async def test_jsonvalue_member_goes_out_as_a_json_string() -> None:
    conditions = json.dumps(
        {
            "Conditions": [
                {
                    "ConditionType": "Sampling",
                    "ConditionParameters": {"RandomSamplingPercentage": 5},
                }
            ]
        }
    )
    rec = Recorder(lambda _r: json_response({"FlowDefinitionArn": "a"}))
    async with client(rec) as sm:
        await sm.create_flow_definition(
            flow_definition_name="f",
            output_config=shapes.FlowDefinitionOutputConfig(s3_output_path="s3://b/p"),
            role_arn="arn:aws:iam::1:role/r",
            human_loop_activation_config=shapes.HumanLoopActivationConfig(
                human_loop_activation_conditions_config=shapes.HumanLoopActivationConditionsConfig(
                    human_loop_activation_conditions=conditions
                )
            ),
        )
    sent = rec.last_json()["HumanLoopActivationConfig"]["HumanLoopActivationConditionsConfig"]
    assert sent["HumanLoopActivationConditions"] == conditions
    assert (
        json.loads(sent["HumanLoopActivationConditions"])["Conditions"][0]["ConditionType"]
        == "Sampling"
    )


async def test_special_floats_and_non_ascii_both_ways() -> None:
    rec = Recorder(lambda _r: json_response({"ModelArn": "模型-ü", "EndpointConfigArn": "é"}))
    async with client(rec) as sm:
        created = await sm.create_model(
            model_name="模型-é-😀", primary_container=shapes.ContainerDefinition(image="ü")
        )
        await sm.create_endpoint_config(
            endpoint_config_name="c",
            production_variants=[
                shapes.ProductionVariant(variant_name="a", initial_variant_weight=float("nan")),
                shapes.ProductionVariant(variant_name="b", initial_variant_weight=float("inf")),
            ],
        )
        variants = rec.last_json()["ProductionVariants"]
        await sm.create_trial_component(
            trial_component_name="t",
            parameters={"p": shapes.TrialComponentParameterValue(number_value=float("-inf"))},
        )
    assert created.model_arn == "模型-ü"
    assert json.loads(rec.requests[0].content)["ModelName"] == "模型-é-😀"
    assert [v["InitialVariantWeight"] for v in variants] == ["NaN", "Infinity"]
    assert rec.last_json()["Parameters"]["p"]["NumberValue"] == "-Infinity"
    decoded = BodyDecoder(shapes.MetricDatum).decode(b'{"MetricName": "Accuracy", "Value": "NaN"}')
    assert decoded.value is not None and decoded.value != decoded.value
    decoded = BodyDecoder(shapes.MetricDatum).decode(
        b'{"MetricName": "Accuracy", "Value": "-Infinity"}'
    )
    assert decoded.value == float("-inf")


CANARY = "canary-Q7x9-secret"


@pytest.mark.parametrize("fail", [False, True])
async def test_sensitive_values_never_leave_except_on_the_wire(
    fail: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """A canary in every sensitive member; every string the library produces is searched."""
    caplog.set_level(logging.DEBUG)
    produced: list[str] = []

    def respond(request: httpx.Request) -> httpx.Response:
        if fail:
            return json_response({"__type": "ValidationException", "message": "bad"}, status=400)
        return json_response(
            {
                "ModelCardArn": "arn",
                "Content": CANARY,
                "ModelCardName": "c",
                "ModelCardVersion": 1,
                "ModelCardStatus": "Draft",
                "CreationTime": 0,
                "CreatedBy": {},
                "LastModifiedTime": 0,
                "LastModifiedBy": {},
            }
        )

    rec = Recorder(respond)
    oidc = shapes.OidcConfig(
        client_id="id",
        client_secret=CANARY,
        issuer="i",
        authorization_endpoint="a",
        token_endpoint="t",
        user_info_endpoint="u",
        logout_endpoint="l",
        jwks_uri="j",
    )
    async with client(rec) as sm:
        produced += [repr(oidc), str(oidc), repr(sm)]
        for call in (
            lambda: sm.create_model_card(
                model_card_name="c", content=CANARY, model_card_status="Draft"
            ),
            lambda: sm.create_workforce(workforce_name="w", oidc_config=oidc),
            lambda: sm.describe_model_card(model_card_name="c"),
        ):
            try:
                result: Any = await call()
                produced += [repr(result), str(result)]
            except ServiceError as exc:
                produced += [str(exc), repr(exc), *map(str, exc.args)]
        with pytest.raises(ParamValidationError) as info:
            await sm.create_model_card(
                model_card_name=None, content=CANARY, model_card_status="Draft"
            )  # type: ignore[arg-type]
        produced += [str(info.value), repr(info.value)]
    produced += [r.getMessage() for r in caplog.records]
    produced += [str(r.args) for r in caplog.records]
    for text in produced:
        assert CANARY not in text, text
    # ... and it did go to the service, where it belongs.
    assert any(CANARY.encode() in r.content for r in rec.requests)


def _botocore_describe_model(body: bytes) -> dict[str, Any]:
    import botocore.session
    from botocore.parsers import JSONParser

    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model("DescribeModel").output_shape
    parsed: dict[str, Any] = JSONParser().parse(
        {"status_code": 200, "headers": {}, "body": body}, shape
    )
    return parsed


@pytest.mark.parametrize(
    "stamp", ['"2024-01-02"', '"20240102T030405Z"', '"2024-01-02T03:04:05.5+01:00"', "1704164645"]
)
def test_timestamp_forms_botocore_reads_decode_to_the_same_time(stamp: str) -> None:
    body = f'{{"ModelName":"m","ModelArn":"a","CreationTime":{stamp}}}'.encode()
    ours = BodyDecoder(shapes.DescribeModelOutput).decode(body).creation_time
    theirs = _botocore_describe_model(body)["CreationTime"]
    assert ours == theirs
    assert (ours.utcoffset() is None) == (theirs.utcoffset() is None)  # naive where it is


@pytest.mark.parametrize(("raw", "text"), [("5", "5"), ("5.5", "5.5"), ("true", "true")])
def test_a_number_where_the_model_says_string_decodes_as_its_text(raw: str, text: str) -> None:
    body = f'{{"ModelName":{raw},"ModelArn":"a","CreationTime":1}}'.encode()
    out = BodyDecoder(shapes.DescribeModelOutput).decode(body)
    assert out.model_name == text
    assert str(_botocore_describe_model(body)["ModelName"]).lower() == text  # botocore: as is
