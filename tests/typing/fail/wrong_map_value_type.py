from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed import shapes


async def misuse(sm: SageMakerClient) -> None:
    shapes.ContainerDefinition(environment={"A": 1})  # error
