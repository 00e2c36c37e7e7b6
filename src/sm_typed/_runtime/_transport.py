"""The HTTP client the runtime creates when the caller does not bring one.

httpx is the interface (callers may pass their own ``httpx.AsyncClient``); the
default sends through aiohttp's pool because httpx's own pool costs ~4.7x the
client CPU per call (bench/transport.py: ~900 vs ~190 µs per create_model at
concurrency 16 on the 2-core dev machine).
"""

from __future__ import annotations

import httpx

from ._aiohttp_transport import AiohttpTransport


def default_http_client(*, max_connections: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=AiohttpTransport(max_connections=max_connections),
        follow_redirects=False,
        trust_env=False,
    )
