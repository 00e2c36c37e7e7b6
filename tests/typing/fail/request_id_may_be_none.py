from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed import errors


async def misuse(sm: SageMakerClient) -> None:
    try:
        await sm.describe_model(model_name="m")
    except errors.ResourceNotFound as exc:
        print(exc.request_id.upper())  # error
