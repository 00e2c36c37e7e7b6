from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    await sm.with_options(extra_headers={"X-Count": 3}).list_models()  # error
