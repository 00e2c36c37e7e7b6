"""A short load run: thousands of concurrent calls, 5% injected faults (bench/load.py is the long one)."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

from fault_server import FaultServer, faulty, ok

from sm_typed import SageMakerClient
from sm_typed.errors import SmTypedError
from sm_typed_runtime.client import StandardRetryStrategy

CALLS = 2000
POOL = 32


async def one_round(sm: SageMakerClient) -> tuple[int, int]:
    results = await asyncio.gather(
        *(sm.list_models() for _ in range(CALLS)), return_exceptions=True
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    untyped = [e for e in errors if not isinstance(e, SmTypedError)]
    assert untyped == [], untyped[:3]
    return CALLS - len(errors), len(errors)


async def test_thousands_of_concurrent_calls_with_faults() -> None:
    server = await FaultServer(
        default=faulty(0.05, seed=7, good=ok({"Models": []})), keep_requests=False
    ).start()
    try:
        async with SageMakerClient(
            region="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="AKID",
            aws_secret_access_key="secret",
            max_connections=POOL,
            retry_strategy=StandardRetryStrategy(random=lambda: 0.01),  # short backoffs
        ) as sm:
            ok_count, _ = await one_round(sm)
            assert ok_count >= CALLS * 0.99  # 5% faults, 3 attempts: almost all succeed
            gc.collect()
            tracemalloc.start()
            try:
                await one_round(sm)
                gc.collect()
                after_first = tracemalloc.get_traced_memory()[0]
                for _ in range(2):
                    await one_round(sm)
                gc.collect()
                after_more = tracemalloc.get_traced_memory()[0]
            finally:
                tracemalloc.stop()
            assert after_more - after_first < 2 * 1024 * 1024, "memory grows across rounds"
            assert server.open_connections <= POOL
        for _ in range(100):
            if server.open_connections == 0:
                break
            await asyncio.sleep(0.01)
        assert server.open_connections == 0, "connections left open after close"
        assert server.connections >= POOL / 2
    finally:
        await server.stop()
