"""Types the generated stubs name without importing the runtime (and httpx) for type checkers.

Type checkers read the generated ``.pyi`` stubs, which import only this module,
the shapes and the errors: a user's type check stays cheaper than with the
boto3/aiobotocore stubs (bench/typecheck.py).
"""

from __future__ import annotations

from typing import Any, Protocol


class AsyncHTTPClient(Protocol):
    """What the client needs of ``http_client``: an ``httpx.AsyncClient`` (checked at run time)."""

    async def send(self, request: Any, /) -> Any: ...

    async def aclose(self) -> None: ...
