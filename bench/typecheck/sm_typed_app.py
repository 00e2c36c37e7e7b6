"""The downstream program, against sm_typed (twin: aiobotocore_app.py)."""

from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed.errors import ResourceLimitExceeded
from sm_typed.shapes import ContainerDefinition, Tag


async def main() -> None:
    async with SageMakerClient(region="us-east-1") as sm:
        try:
            out = await sm.create_model(
                model_name="m",
                primary_container=ContainerDefinition(image="img:1", environment={"A": "1"}),
                execution_role_arn="arn:aws:iam::1:role/r",
                tags=[Tag(key="team", value="ml")],
            )
            print(out.model_arn)
        except ResourceLimitExceeded as exc:
            print(exc.message)
        described = await sm.describe_model(model_name="m")
        if described.primary_container is not None:
            print(described.primary_container.image)
        listed = await sm.list_models(max_results=10, sort_order="Descending")
        print([m.model_name for m in listed.models])
        await sm.delete_model(model_name="m")
