from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed.shapes import ContainerDefinition


async def reveal(sm: SageMakerClient) -> None:
    reveal_type(await sm.create_model(model_name="m", primary_container=ContainerDefinition(image="i")))  # CreateModelOutput
    reveal_type(await sm.delete_model(model_name="m"))  # None
    reveal_type((await sm.describe_model(model_name="m")).primary_container)  # ContainerDefinition | None
    reveal_type((await sm.list_models()).models)  # list[ModelSummary]
    async with SageMakerClient() as client:
        reveal_type(client)  # SageMakerClient
