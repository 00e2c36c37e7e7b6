from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    raw = await sm.with_raw_response.delete_model(model_name="m")
    print(raw.parsed.model_arn)  # error
