from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed import shapes


async def misuse(sm: SageMakerClient) -> None:
    await sm.create_model(model_name="m", vpc_config=shapes.Tag(key="k", value="v"))  # error
