from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed import errors


async def misuse(sm: SageMakerClient) -> None:
    try:
        await sm.create_model(model_name="m")
    except errors.ResourceLimitExceeded as exc:
        print(exc.limit)  # error
