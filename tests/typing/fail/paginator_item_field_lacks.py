from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    async for model in sm.paginate_list_models().items():
        print(model.model_status)  # error
