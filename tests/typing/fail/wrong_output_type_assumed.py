from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed import shapes


async def misuse(sm: SageMakerClient) -> None:
    created: shapes.DescribeModelOutput = await sm.create_model(model_name="m")  # error
