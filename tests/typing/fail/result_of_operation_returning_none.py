from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    deleted = await sm.delete_model(model_name="m")  # error
