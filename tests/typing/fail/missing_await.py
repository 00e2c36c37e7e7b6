from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    print(sm.describe_model(model_name="m").model_name)  # error
