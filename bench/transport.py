"""Client CPU per create_model call with each candidate httpx transport.

    python bench/transport.py [--calls N] [--concurrency 1,16,64]

The stub server runs in its own process; only this process's CPU time counts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from sm_typed import SageMakerClient  # noqa: E402
from sm_typed.shapes import ContainerDefinition, Tag  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "stub_server.py"), str(port)], stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    return proc, port


def http_clients() -> dict[str, Callable[[], httpx.AsyncClient | None]]:
    """The transports compared: sm_typed's own pool (the default) and httpx clients."""
    clients: dict[str, Callable[[], httpx.AsyncClient | None]] = {
        "sm_typed pool (default)": lambda: None,
        "httpx (httpcore pool)": lambda: httpx.AsyncClient(
            limits=httpx.Limits(max_connections=100)
        ),
    }
    try:
        import httpx_aiohttp  # only in the bench environment

        clients["httpx + httpx-aiohttp"] = lambda: httpx.AsyncClient(
            transport=httpx_aiohttp.AiohttpTransport()
        )
    except ImportError:
        pass
    return clients


async def measure(
    call: Callable[[], Awaitable[object]], calls: int, concurrency: int
) -> tuple[float, float]:
    for _ in range(50):
        await call()
    sem = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with sem:
            await call()

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one() for _ in range(calls)))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return cpu / calls * 1e6, calls / wall


async def run(calls: int, levels: list[int]) -> None:
    proc, port = start_server()
    try:
        print(f"{'transport':40} {'c':>3} {'CPU µs/call':>12} {'calls/s':>9}")
        for name, make in http_clients().items():
            for c in levels:
                http = make()
                async with SageMakerClient(
                    region="us-east-1",
                    endpoint_url=f"http://127.0.0.1:{port}",
                    aws_access_key_id="AKIDEXAMPLE",
                    aws_secret_access_key="secret",
                    http_client=http,
                    max_connections=100,
                ) as sm:

                    async def call() -> object:
                        return await sm.create_model(
                            model_name="bench",
                            primary_container=ContainerDefinition(
                                image="123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest",
                                environment={"A": "1", "B": "2"},
                            ),
                            execution_role_arn="arn:aws:iam::123456789012:role/r",
                            tags=[Tag(key="team", value="ml")],
                        )

                    cpu, rate = await measure(call, calls, c)
                if http is not None:
                    await http.aclose()  # a caller's client is the caller's to close
                print(f"{name:40} {c:>3} {cpu:>12.0f} {rate:>9.0f}")
    finally:
        proc.terminate()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--concurrency", default="1,16,64")
    args = parser.parse_args()
    os.environ.pop("AWS_PROFILE", None)
    asyncio.run(run(args.calls, [int(c) for c in args.concurrency.split(",")]))


if __name__ == "__main__":
    main()
