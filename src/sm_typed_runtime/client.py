"""What generated clients are built from, and what callers may inject into them.

class SageMakerClient(BaseClient):
    _service = ServiceSpec(...)
    async def create_model(self, *, ...) -> CreateModelOutput:
        return await self._invoke(_CreateModel, CreateModelInput(...))
"""

from ._adaptive import AdaptiveRetryStrategy
from ._client import BaseClient
from ._clock import Clock, SystemClock
from ._options import CLIENT_OPTIONS, Option
from ._retry import CallRetries, Decision, Failure, RetryQuota, RetryStrategy, StandardRetryStrategy
from ._specs import OperationSpec, ServiceSpec

__all__ = [
    "CLIENT_OPTIONS",
    "AdaptiveRetryStrategy",
    "BaseClient",
    "CallRetries",
    "Clock",
    "Decision",
    "Failure",
    "OperationSpec",
    "Option",
    "RetryQuota",
    "RetryStrategy",
    "ServiceSpec",
    "StandardRetryStrategy",
    "SystemClock",
]
