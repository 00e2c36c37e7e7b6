"""JMESPath, as botocore evaluates paginator and waiter paths (imported on first use)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _compiled(expression: str) -> Any:
    import jmespath  # type: ignore[import-untyped]  # (no stubs; botocore's own dependency)

    return jmespath.compile(expression)


def search(expression: str, data: Any) -> Any:
    return _compiled(expression).search(data)
