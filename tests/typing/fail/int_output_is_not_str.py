from __future__ import annotations

from sm_typed import SageMakerClient


async def misuse(sm: SageMakerClient) -> None:
    out = await sm.describe_training_job(training_job_name="j")
    seconds: str = out.stopping_condition.max_runtime_in_seconds  # error
    print(seconds)
