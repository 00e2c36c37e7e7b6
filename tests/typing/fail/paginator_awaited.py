from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    await sm.paginate_list_models()  # error
