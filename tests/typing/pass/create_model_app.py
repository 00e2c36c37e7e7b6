"""A small downstream program: it must type-check clean under mypy --strict and pyright."""

from __future__ import annotations

import asyncio

from sm_typed import SageMakerClient
from sm_typed.errors import ResourceLimitExceeded, ServiceError
from sm_typed.shapes import ContainerDefinition, CreateModelOutput, DescribeModelOutput, Tag


async def deploy(name: str, image: str, role: str) -> str:
    async with SageMakerClient(region="us-east-1") as sm:
        try:
            created: CreateModelOutput = await sm.create_model(
                model_name=name,
                primary_container=ContainerDefinition(image=image, environment={"A": "1"}),
                execution_role_arn=role,
                tags=[Tag(key="team", value="ml")],
            )
        except ResourceLimitExceeded as exc:
            return f"limit: {exc.message} ({exc.status_code})"
        except ServiceError as exc:
            code: str = exc.code
            return code
        model: DescribeModelOutput = await sm.describe_model(model_name=name)
        image_uri = model.primary_container.image if model.primary_container else None
        await sm.delete_model(model_name=name)  # returns None: nothing to use
        listed = await sm.list_models(max_results=10, sort_order="Descending")
        names = [m.model_name for m in listed.models]
        return f"{created.model_arn} {image_uri} {model.creation_time.isoformat()} {names}"


if __name__ == "__main__":
    print(asyncio.run(deploy("m", "img", "arn:aws:iam::1:role/r")))
