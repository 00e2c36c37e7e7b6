"""Parameters that cannot be sent fail before anything is sent, listing every problem."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from helpers import Recorder, client

from sm_typed.errors import ParamValidationError, SmTypedError
from sm_typed.shapes import (
    AutoMLProblemTypeConfig,
    ContainerDefinition,
    ImageClassificationJobConfig,
    TabularJobConfig,
    Tag,
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
