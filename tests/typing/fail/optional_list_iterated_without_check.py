from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    out = await sm.list_tags(resource_arn="a")
    print([t.key for t in out.tags])  # error
