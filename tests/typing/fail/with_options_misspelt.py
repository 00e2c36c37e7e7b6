from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    await sm.with_options(call_timout=5.0).list_models()  # error
