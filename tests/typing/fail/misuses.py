"""Each line marked with an error comment is a mistake the type checkers must report."""

from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed.shapes import ContainerDefinition


async def misuse(sm: SageMakerClient) -> None:
    await sm.create_model(model_nam="m")  # error: misspelt keyword
    await sm.create_model(model_name=1)  # error: wrong argument type
    await sm.list_models(sort_order="Sideways")  # error: value not in the Literal
    ContainerDefinition(imagee="x")  # error: misspelt nested field
    out = await sm.describe_model(model_name="m")
    print(out.model_nme)  # error: attribute the output does not have
    print(out.primary_container.image)  # error: optional member used without a None check
    deleted = await sm.delete_model(model_name="m")  # error: using the result of a None operation
