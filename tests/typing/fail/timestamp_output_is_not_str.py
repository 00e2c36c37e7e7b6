from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    out = await sm.describe_model(model_name="m")
    when: str = out.creation_time  # error
    print(when)
