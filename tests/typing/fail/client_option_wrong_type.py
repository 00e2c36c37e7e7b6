from __future__ import annotations

from sm_typed import SageMakerClient

client = SageMakerClient(read_timeout="5")  # error
