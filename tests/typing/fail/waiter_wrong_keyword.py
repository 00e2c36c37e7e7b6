from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    await sm.wait_until_endpoint_in_service(endpoint_name="e", timeout=60)  # error
