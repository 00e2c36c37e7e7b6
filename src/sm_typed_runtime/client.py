"""What generated clients are built from, and what callers may inject into them.

class SageMakerClient(BaseClient):
    _service = ServiceSpec(...)
    async def create_model(self, *, ...) -> CreateModelOutput:
        return await self._invoke(_CreateModel, CreateModelInput(...))
"""

from typing import TYPE_CHECKING, Any

from ._call_options import CALL_OPTIONS
from ._client import BaseClient
from ._clock import Clock, SystemClock
from ._options import CLIENT_OPTIONS, Option
from ._retry import CallRetries, Decision, Failure, RetryQuota, RetryStrategy, StandardRetryStrategy
from ._specs import OperationSpec, ServiceSpec
from .paginators import Paginator, PaginatorSpec
from .waiters import Acceptor, WaiterSpec, wait

if TYPE_CHECKING:
    from ._adaptive import AdaptiveRetryStrategy


def __getattr__(name: str) -> Any:
    # The adaptive limiter is imported only by the programs that use it.
    if name == "AdaptiveRetryStrategy":
        from ._adaptive import AdaptiveRetryStrategy

        return AdaptiveRetryStrategy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CALL_OPTIONS",
    "CLIENT_OPTIONS",
    "Acceptor",
    "AdaptiveRetryStrategy",
    "BaseClient",
    "CallRetries",
    "Clock",
    "Decision",
    "Failure",
    "OperationSpec",
    "Option",
    "Paginator",
    "PaginatorSpec",
    "RetryQuota",
    "RetryStrategy",
    "ServiceSpec",
    "StandardRetryStrategy",
    "SystemClock",
    "WaiterSpec",
    "wait",
]
