from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed import shapes


async def misuse(sm: SageMakerClient) -> None:
    shapes.ProductionVariant(variant_name="v", instance_type="ml.imaginary.xlarge")  # error
