"""Realistic downstream code: nested shapes, optional handling, typed errors, lists, None results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sm_typed import SageMakerClient
from sm_typed.errors import (
    ConflictException,
    ParamValidationError,
    ResourceInUse,
    ResourceLimitExceeded,
    ResourceNotFound,
    ServiceError,
    SmTypedError,
    ThrottlingException,
)
from sm_typed.shapes import (
    AutoMLProblemTypeConfig,
    ContainerDefinition,
    Filter,
    ModelSummary,
    ProductionVariant,
    SearchExpression,
    TabularJobConfig,
    Tag,
    VpcConfig,
)


async def endpoint_config(sm: SageMakerClient, model: str) -> str:
    out = await sm.create_endpoint_config(
        endpoint_config_name=f"{model}-config",
        production_variants=[
            ProductionVariant(
                variant_name="all",
                model_name=model,
                instance_type="ml.m5.large",
                initial_instance_count=1,
                initial_variant_weight=1.0,
            )
        ],
        tags=[Tag(key="owner", value="ml")],
    )
    return out.endpoint_config_arn


async def models_created_today(sm: SageMakerClient) -> list[ModelSummary]:
    since = datetime.now(UTC) - timedelta(days=1)
    page = await sm.list_models(creation_time_after=since, sort_by="CreationTime", max_results=50)
    found = list(page.models)
    while page.next_token is not None:
        page = await sm.list_models(creation_time_after=since, next_token=page.next_token)
        found.extend(page.models)
    return found


async def describe_or_none(sm: SageMakerClient, name: str) -> str | None:
    try:
        model = await sm.describe_model(model_name=name)
    except ResourceNotFound:
        return None
    except ServiceError as exc:
        if exc.code == "ValidationException" and exc.status_code == 400:
            return None
        raise
    container = model.primary_container
    if container is None or container.image is None:
        return None
    env = container.environment or {}
    return f"{container.image} {env.get('SAGEMAKER_PROGRAM', '-')} {model.creation_time:%Y-%m-%d}"


async def create_with_retry_hint(sm: SageMakerClient, name: str, role: str) -> str:
    try:
        created = await sm.create_model(
            model_name=name,
            primary_container=ContainerDefinition(image="img:1", environment={"A": "1"}),
            execution_role_arn=role,
            vpc_config=VpcConfig(security_group_ids=["sg-1"], subnets=["subnet-1"]),
            enable_network_isolation=False,
        )
    except ResourceLimitExceeded as exc:
        message: str = exc.message
        request_id: str | None = exc.request_id
        return f"limit reached: {message} ({request_id or 'no request id'})"
    except (ConflictException, ResourceInUse, ThrottlingException) as exc:
        return exc.code
    except ParamValidationError as exc:
        return "; ".join(exc.problems)
    except SmTypedError as exc:
        return str(exc)
    return created.model_arn


async def cleanup(sm: SageMakerClient, name: str) -> None:
    await sm.delete_model(model_name=name)
    await sm.delete_endpoint_config(endpoint_config_name=f"{name}-config")


async def search_and_automl(sm: SageMakerClient) -> int:
    results = await sm.search(
        resource="Model",
        search_expression=SearchExpression(
            filters=[Filter(name="ModelName", operator="Contains", value="prod")],
            sub_expressions=[SearchExpression(filters=[Filter(name="Tags.owner", value="ml")])],
        ),
    )
    config = AutoMLProblemTypeConfig(tabular_job_config=TabularJobConfig(target_attribute_name="y"))
    if config.is_unknown:
        return -1
    return len(results.results or [])


async def main() -> None:
    async with SageMakerClient(region="eu-west-1", read_timeout=30.0, max_connections=16) as sm:
        await endpoint_config(sm, "m")
        await models_created_today(sm)
        await describe_or_none(sm, "m")
        await create_with_retry_hint(sm, "m", "arn:aws:iam::1:role/r")
        await search_and_automl(sm)
        await cleanup(sm, "m")
