"""Parameters that cannot be sent fail before anything is sent, listing every problem."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from helpers import Recorder, client, json_response

from sm_typed import shapes
from sm_typed.errors import ParamValidationError, SmTypedError
from sm_typed.shapes import (
    AutoMLProblemTypeConfig,
    ContainerDefinition,
    ImageClassificationJobConfig,
    TabularJobConfig,
    Tag,
    VpcConfig,
)


async def call_create_model(**params: Any) -> tuple[ParamValidationError, Recorder]:
    rec = Recorder()
    async with client(rec) as sm:
        with pytest.raises(ParamValidationError) as info:
            await sm.create_model(**params)
    assert rec.requests == [], "nothing may be sent when validation fails"
    return info.value, rec


async def test_every_problem_is_listed_by_path() -> None:
    err, _ = await call_create_model(
        model_name=None,
        primary_container=ContainerDefinition(image=5, environment={"A": 1}),  # type: ignore[arg-type]
        tags=[Tag(key="k", value="v"), "not a tag"],
        enable_network_isolation="yes",
    )
    assert err.operation == "CreateModel"
    assert set(err.problems) == {
        "model_name: required, but not set",
        "primary_container.image: expected str, got int",
        "primary_container.environment['A']: expected str, got int",
        "tags[1]: expected Tag, got str",
        "enable_network_isolation: expected bool, got str",
    }
    assert "5 problems" in str(err)
    assert isinstance(err, SmTypedError) and isinstance(err, ValueError)


async def test_dict_instead_of_struct_is_rejected() -> None:
    err, _ = await call_create_model(model_name="m", primary_container={"image": "x"})
    assert err.problems == ("primary_container: expected ContainerDefinition, got dict",)


async def test_nested_required_member_set_to_none() -> None:
    err, _ = await call_create_model(model_name="m", tags=[Tag(key="k", value=None)])  # type: ignore[arg-type]
    assert err.problems == ("tags[0].value: required, but not set",)


async def test_bool_is_not_an_int_and_none_is_not_a_list_element() -> None:
    rec = Recorder()
    async with client(rec) as sm:
        with pytest.raises(ParamValidationError) as info:
            await sm.list_models(max_results=True, name_contains="x")  # type: ignore[arg-type]
        with pytest.raises(ParamValidationError) as info2:
            await sm.create_model(model_name="m", tags=[None])  # type: ignore[list-item]
    assert info.value.problems == ("max_results: expected int, got bool",)
    assert info2.value.problems == ("tags[0]: None is not allowed in a list",)
    assert rec.requests == []


async def test_naive_datetime_is_rejected() -> None:
    rec = Recorder()
    async with client(rec) as sm:
        with pytest.raises(ParamValidationError) as info:
            await sm.list_models(creation_time_after=datetime(2024, 1, 1))
    assert "naive datetime" in info.value.problems[0]
    assert rec.requests == []


async def test_union_needs_exactly_one_member() -> None:
    rec = Recorder()
    async with client(rec) as sm:
        for union, count in (
            (AutoMLProblemTypeConfig(), 0),
            (
                AutoMLProblemTypeConfig(
                    image_classification_job_config=ImageClassificationJobConfig(),
                    tabular_job_config=TabularJobConfig(target_attribute_name="y"),
                ),
                2,
            ),
        ):
            with pytest.raises(ParamValidationError) as info:
                await sm.create_auto_ml_job_v2(
                    auto_ml_job_name="j",
                    auto_ml_job_input_data_config=[],
                    output_data_config=None,  # type: ignore[arg-type]
                    auto_ml_problem_type_config=union,
                    role_arn="r",
                )
            assert (
                f"auto_ml_problem_type_config: a AutoMLProblemTypeConfig union needs exactly one "
                f"member set, got {count}"
            ) in info.value.problems
            assert "output_data_config: required, but not set" in info.value.problems
    assert rec.requests == []


async def test_problems_never_show_values() -> None:
    secret = "canary-7f3a-secret-value"
    err, _ = await call_create_model(model_name=None, execution_role_arn=[secret])
    assert secret not in str(err) and secret not in repr(err)


# (operation, our arguments, botocore's parameters, our problems): botocore's validation
# refuses each for the same members (`min` of strings, lists and numbers; none on maps).
MINIMUM_CASES: list[tuple[str, dict[str, Any], dict[str, Any], set[str]]] = [
    ("ListModels", {"max_results": 0}, {"MaxResults": 0}, {"max_results: under the minimum 1"}),
    (
        "CreateModel",
        {
            "model_name": "m",
            "tags": [Tag(key="", value="")],  # key: min 1; value: min 0
            "vpc_config": VpcConfig(security_group_ids=[], subnets=["s"]),
        },
        {
            "ModelName": "m",
            "Tags": [{"Key": "", "Value": ""}],
            "VpcConfig": {"SecurityGroupIds": [], "Subnets": ["s"]},
        },
        {
            "tags[0].key: length 0, under the minimum 1",
            "vpc_config.security_group_ids: length 0, under the minimum 1",
        },
    ),
    (
        "CreateModel",
        {"model_name": "", "primary_container": ContainerDefinition(environment={"": ""})},
        {"ModelName": "", "PrimaryContainer": {"Environment": {"": ""}}},
        set(),  # ModelName and the map's keys and values: min 0
    ),
]


@pytest.mark.parametrize(("operation", "ours", "theirs", "problems"), MINIMUM_CASES)
async def test_the_model_minimums_are_checked_as_botocore_checks_them(
    operation: str, ours: dict[str, Any], theirs: dict[str, Any], problems: set[str]
) -> None:
    import botocore.session
    from botocore.exceptions import ParamValidationError as BotocoreParamValidationError
    from botocore.validate import validate_parameters

    from sm_typed_runtime._validate import is_valid, report

    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model(operation).input_shape
    try:
        validate_parameters(theirs, shape)
        botocore_problems = 0
    except BotocoreParamValidationError as exc:
        botocore_problems = str(exc).count("Invalid length") + str(exc).count("Invalid value")
        botocore_problems += str(exc).count("Invalid range")
    assert botocore_problems == len(problems)

    cls = getattr(shapes, f"{operation}Input")
    params = cls(**ours)
    assert set(report(params)) == problems
    assert is_valid(params) is (not problems)  # the fast check agrees with the report
    rec = Recorder()
    async with client(rec) as sm:
        method = getattr(
            sm, {"ListModels": "list_models", "CreateModel": "create_model"}[operation]
        )
        if problems:
            with pytest.raises(ParamValidationError) as info:
                await method(**ours)
            assert set(info.value.problems) == problems
            assert rec.requests == []
        else:
            await method(**ours)
            assert len(rec.requests) == 1


async def test_an_answer_is_not_held_to_request_minimums() -> None:
    # botocore validates requests only: an empty string where the model says min 1 decodes.
    rec = Recorder(lambda _r: json_response({"Tags": [{"Key": "", "Value": "v"}]}))
    async with client(rec) as sm:
        out = await sm.list_tags(resource_arn="arn")
    assert out.tags is not None and out.tags[0].key == ""


def test_the_fast_check_and_the_report_agree_on_minimums() -> None:
    """Random values against every kind of `min` the generator writes: the compiled check
    says valid exactly when the report finds nothing."""
    from typing import Annotated

    import msgspec
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from sm_typed_runtime._validate import is_valid, report
    from sm_typed_runtime.shapes import Shape

    def least(n: float) -> msgspec.Meta:
        return msgspec.Meta(extra={"min": n})

    cls: Any = msgspec.defstruct(
        "Minimums",
        [
            ("name", Annotated[str, least(2)] | None, None),
            ("count", Annotated[int, least(1)] | None, None),
            ("weight", Annotated[float, least(0.5)] | None, None),
            ("ids", Annotated[list[Annotated[str, least(1)]], least(1)] | None, None),
            ("tags", dict[Annotated[str, least(1)], Annotated[str, least(1)]] | None, None),
        ],
        bases=(Shape,),
        kw_only=True,
    )
    text = st.text(max_size=3)
    anything = st.one_of(st.none(), st.integers(-2, 3), text, st.booleans())

    @settings(max_examples=300, deadline=None)
    @given(
        name=st.one_of(st.none(), text, st.integers()),
        count=st.one_of(st.none(), st.integers(-2, 3), st.floats(allow_nan=True), st.booleans()),
        weight=st.one_of(st.none(), st.floats(allow_nan=True), st.integers(-1, 2)),
        ids=st.one_of(st.none(), st.lists(st.one_of(text, anything), max_size=3), text),
        tags=st.one_of(st.none(), st.dictionaries(text, st.one_of(text, anything), max_size=3)),
    )
    def agree(name: Any, count: Any, weight: Any, ids: Any, tags: Any) -> None:
        value = cls(name=name, count=count, weight=weight, ids=ids, tags=tags)
        assert is_valid(value) is (not report(value)), report(value)

    agree()
