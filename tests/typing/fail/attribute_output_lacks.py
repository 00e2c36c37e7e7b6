from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    out = await sm.describe_model(model_name="m")
    print(out.model_nme)  # error
