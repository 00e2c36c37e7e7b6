from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    await sm.with_options(region="eu-west-1").list_models()  # error
