from __future__ import annotations

from sm_typed import SageMakerClient

client = SageMakerClient(regoin="us-east-1")  # error
