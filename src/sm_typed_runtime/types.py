"""The protocols generated ``.pyi`` stubs name, importable without the runtime's HTTP stack.

Type checkers read the generated stubs, which import only this module, the shapes'
base classes and the errors: checking a user's program stays cheaper than with the
boto3/aiobotocore stubs (bench/typecheck.py).
"""

from __future__ import annotations

from typing import Any, Protocol

from ._clock import Clock
from ._retry import CallRetries, Decision, Failure, RetryStrategy

__all__ = ["AsyncHTTPClient", "CallRetries", "Clock", "Decision", "Failure", "RetryStrategy"]


class AsyncHTTPClient(Protocol):
    """What the client needs of ``http_client``: an ``httpx.AsyncClient`` (checked at run time)."""

    async def send(self, request: Any, /) -> Any: ...

    async def aclose(self) -> None: ...
