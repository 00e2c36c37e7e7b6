"""One measurement of one client, in a fresh process; prints a JSON line.

    python bench/runners.py cpu --client sm_typed --op create_model --concurrency 16 --calls 3000 --port P
    python bench/runners.py startup --client aiobotocore --port P
    python bench/runners.py memory --client sm_typed --port P --calls 100000

Clients: ``sm_typed`` (also ``sm_typed+noop``: with an interceptor that overrides no hook,
``sm_typed+idle``: with one whose five hooks are overridden and do nothing, and ``sm_typed+otel``: with the OpenTelemetry interceptor on a no-op provider),
``aiobotocore`` (with its types), ``aiohttp`` (a raw POST of a
pre-built, pre-signed body through aiohttp), and ``floor``: a raw asyncio protocol on
kept-alive connections that writes one pre-built, pre-signed request per call, reads the
Content-Length-framed response and ``json.loads`` it, with no validation, signing or typed
decode. ``floor`` is the physical limit of a Python asyncio client; what a client costs
above it is its own work. bench/run.py drives them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
REGION = "us-east-1"
CREDS = {
    "aws_access_key_id": "AKIDEXAMPLE",
    "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
}

Call = Callable[[], Awaitable[Any]]


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_interceptors(kind: str) -> list[Any]:
    if kind == "sm_typed":
        return []
    if kind == "sm_typed+otel":
        from opentelemetry.trace import NoOpTracerProvider

        from sm_typed.otel import OpenTelemetryInterceptor

        return [OpenTelemetryInterceptor(tracer_provider=NoOpTracerProvider())]
    from sm_typed import Interceptor

    if kind == "sm_typed+noop":
        return [Interceptor()]  # registered, overriding nothing
    assert kind == "sm_typed+idle", kind

    class Idle(Interceptor):
        """Every hook overridden, none doing anything: what registering costs."""

        def before_call(self, context: Any) -> None:
            pass

        def before_attempt(self, context: Any) -> None:
            pass

        def after_signing(self, context: Any) -> None:
            pass

        def after_attempt(self, context: Any) -> None:
            pass

        def after_call(self, context: Any) -> None:
            pass

    return [Idle()]


IN_PROCESS = "in-process"  # the url of a client whose transport answers at once


class InstantTransport:
    """Answers every request at once with create_model's answer (as the stub server's)."""

    def __init__(self) -> None:
        from sm_typed_runtime._transport import Headers, HTTPResponse

        head = "\r\nx-amzn-RequestId: in-process\r\nContent-Type: application/x-amz-json-1.1"
        body = b'{"ModelArn":"arn:aws:sagemaker:us-east-1:123456789012:model/bench"}'
        self._response = HTTPResponse(200, Headers(head), body)

    def try_acquire(self, target: Any, timeouts: Any) -> InstantTransport:
        return self

    async def acquire(self, target: Any, timeouts: Any) -> InstantTransport:
        return self

    def send(self, prefix: Any, fields: Any, body: bytes) -> None:
        pass

    async def receive(self) -> Any:
        return self._response

    def release(self) -> None:
        pass

    def discard(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


async def open_client(kind: str, url: str, stack: AsyncExitStack) -> dict[str, Call]:
    """The client's create_model and describe_model calls, doing the same work as the others."""
    if kind.startswith("sm_typed"):
        from payloads import CREATE_MODEL_PARAMS, MODEL_NAME

        from sm_typed import SageMakerClient
        from sm_typed.shapes import ContainerDefinition, Tag

        sm = await stack.enter_async_context(
            SageMakerClient(
                region=REGION,
                endpoint_url="http://127.0.0.1:9" if url == IN_PROCESS else url,
                max_connections=100,
                interceptors=bench_interceptors(kind),
                **CREDS,
            )
        )
        if url == IN_PROCESS:
            # A bench-only seam (a private attribute): a transport that answers at once, so
            # what is timed is the client's own code, without sockets or the kernel.
            sm._pipeline.state.transport = InstantTransport()  # type: ignore[attr-defined]
        container = CREATE_MODEL_PARAMS["PrimaryContainer"]

        async def create() -> Any:
            return await sm.create_model(
                model_name=MODEL_NAME,
                primary_container=ContainerDefinition(
                    image=container["Image"],
                    model_data_url=container["ModelDataUrl"],
                    environment=dict(container["Environment"]),
                ),
                execution_role_arn=CREATE_MODEL_PARAMS["ExecutionRoleArn"],
                tags=[Tag(key=t["Key"], value=t["Value"]) for t in CREATE_MODEL_PARAMS["Tags"]],
            )

        async def describe() -> Any:
            return await sm.describe_model(model_name=MODEL_NAME)

        return {"create_model": create, "describe_model": describe}
    if kind == "aiobotocore":
        import copy

        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session
        from payloads import CREATE_MODEL_PARAMS, MODEL_NAME

        client = await stack.enter_async_context(
            get_session().create_client(
                "sagemaker",
                region_name=REGION,
                endpoint_url=url,
                config=AioConfig(max_pool_connections=100),
                **CREDS,
            )
        )

        async def create() -> Any:
            return await client.create_model(**copy.deepcopy(CREATE_MODEL_PARAMS))

        async def describe() -> Any:
            return await client.describe_model(ModelName=MODEL_NAME)

        return {"create_model": create, "describe_model": describe}
    if kind == "aiohttp":
        import aiohttp
        from payloads import CREATE_MODEL_PARAMS, MODEL_NAME

        session = await stack.enter_async_context(
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
        )
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Date": "20240101T000000Z",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/sagemaker/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64,
        }
        bodies = {
            "create_model": ("SageMaker.CreateModel", json.dumps(CREATE_MODEL_PARAMS).encode()),
            "describe_model": (
                "SageMaker.DescribeModel",
                json.dumps({"ModelName": MODEL_NAME}).encode(),
            ),
        }

        def raw(op: str) -> Call:
            target, body = bodies[op]
            h = {**headers, "X-Amz-Target": target}

            async def call() -> Any:
                async with session.post(url + "/", data=body, headers=h) as response:
                    return await response.read()

            return call

        return {op: raw(op) for op in bodies}
    if kind == "floor":
        return await _floor_calls(url, stack)
    raise SystemExit(f"unknown client {kind}")


class _FloorConnection(asyncio.Protocol):
    """One kept-alive connection: one request in flight, its response framed by Content-Length."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.waiter: asyncio.Future[bytes] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        start = self.buffer.find(b"content-length:", 0, end)
        if start < 0:
            start = self.buffer.find(b"Content-Length:", 0, end)
        length = int(self.buffer[start + 15 : self.buffer.index(b"\r\n", start)])
        if len(self.buffer) >= end + 4 + length:
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            assert self.waiter is not None
            self.waiter.set_result(body)

    async def call(self, request: bytes) -> bytes:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter


async def _floor_calls(url: str, stack: AsyncExitStack) -> dict[str, Call]:
    from payloads import CREATE_MODEL_PARAMS, MODEL_NAME

    host, port = url.split("://", 1)[1].split(":")
    loop = asyncio.get_running_loop()
    idle: list[_FloorConnection] = []
    opened: list[_FloorConnection] = []

    def close_all() -> None:
        for conn in opened:
            if conn.transport is not None:
                conn.transport.close()

    stack.callback(close_all)
    signed = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/sagemaker/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
    )

    def prebuilt(target: str, body: bytes) -> bytes:
        head = (
            f"POST / HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Content-Type: application/x-amz-json-1.1\r\n"
            f"X-Amz-Target: {target}\r\nX-Amz-Date: 20240101T000000Z\r\n"
            f"Authorization: {signed}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    requests = {
        "create_model": prebuilt("SageMaker.CreateModel", json.dumps(CREATE_MODEL_PARAMS).encode()),
        "describe_model": prebuilt(
            "SageMaker.DescribeModel", json.dumps({"ModelName": MODEL_NAME}).encode()
        ),
    }

    def raw(op: str) -> Call:
        request = requests[op]

        async def call() -> Any:
            if idle:
                conn = idle.pop()
            else:
                _, conn = await loop.create_connection(_FloorConnection, host, int(port))
                opened.append(conn)
            try:
                return json.loads(await conn.call(request))
            finally:
                idle.append(conn)

        return call

    return {op: raw(op) for op in requests}


async def cpu(args: argparse.Namespace) -> dict[str, Any]:
    async with AsyncExitStack() as stack:
        call = (await open_client(args.client, args.url, stack))[args.op]
        for _ in range(min(300, args.calls)):
            await call()
        sem = asyncio.Semaphore(args.concurrency)

        async def one() -> None:
            async with sem:
                await call()

        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(one() for _ in range(args.calls)))
        cpu_s, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"cpu_us": cpu_s / args.calls * 1e6, "calls_per_s": args.calls / wall}


async def paired(args: argparse.Namespace) -> dict[str, Any]:
    """CPU per ``--op`` call of each of ``--variants`` beside ``--client`` (with
    ``--in-process``, over a transport that answers at once): one process, one client per
    kind, rounds of one block of calls per kind (A B C, A B C, ...), ``--concurrency`` calls
    in flight. Per variant: the median over rounds of its block less the base client's block
    of the same round, and of its block over the base's (a drift of the machine hits a round
    alike), and beside them the difference of the cheapest blocks; per kind, the median
    block."""
    kinds = [args.client, *args.variants.split(",")]
    url = IN_PROCESS if args.in_process else args.url
    async with AsyncExitStack() as stack:
        calls = {k: (await open_client(k, url, stack))[args.op] for k in kinds}

        async def worker(call: Call, n: int) -> None:
            for _ in range(n):
                await call()

        async def run_block(call: Call, n: int) -> None:
            if args.concurrency == 1:
                await worker(call, n)
            else:
                per = n // args.concurrency
                await asyncio.gather(*(worker(call, per) for _ in range(args.concurrency)))

        for call in calls.values():  # warm: caches filled, every connection open
            await run_block(call, max(300, 4 * args.concurrency))
        block = max(64, 16 * args.concurrency) * (10 if args.in_process else 1)
        blocks: dict[str, list[float]] = {k: [] for k in kinds}
        for round_ in range(max(args.calls // block // len(kinds), 5)):
            # Each round starts with the next client: none always follows the same one
            # (whose work would leave the caches to it the same way every round).
            shift = round_ % len(kinds)
            for kind in kinds[shift:] + kinds[:shift]:
                started = time.process_time()
                await run_block(calls[kind], block)
                blocks[kind].append((time.process_time() - started) / block * 1e6)
    base = blocks[args.client]
    rounds = {k: list(zip(blocks[k], base, strict=True)) for k in kinds[1:]}
    return {
        "rounds": len(base),
        "block": block,
        "concurrency": args.concurrency,
        "cpu_us": {k: statistics.median(blocks[k]) for k in kinds},
        "paired_us": {k: statistics.median(a - b for a, b in r) for k, r in rounds.items()},
        "paired_ratio": {k: statistics.median(a / b for a, b in r) for k, r in rounds.items()},
        "min_us": {k: min(blocks[k]) - min(base) for k in kinds[1:]},
    }


async def pagination(args: argparse.Namespace) -> dict[str, Any]:
    """CPU of listing 1,000 models in pages of 100: ``.items()`` beside the same 10 calls
    made by hand (a NextToken loop), alternated, each many times."""
    from sm_typed import SageMakerClient

    async with SageMakerClient(region=REGION, endpoint_url=args.url, **CREDS) as sm:
        # Both read every item once and keep none: the same work around the same 10 calls.
        async def paginated() -> int:
            count = 0
            async for _model in sm.paginate_list_models(page_size=100).items():
                count += 1
            return count

        async def by_hand() -> int:
            count, token = 0, None
            while True:
                page = await sm.list_models(max_results=100, next_token=token)
                for _model in page.models:
                    count += 1
                token = page.next_token
                if token is None:
                    return count

        for run in (paginated, by_hand):
            assert await run() == 1000
        spent = {"paginated": 0.0, "by_hand": 0.0}
        for _ in range(args.calls):
            for name, run in (("paginated", paginated), ("by_hand", by_hand)):
                started = time.process_time()
                await run()
                spent[name] += time.process_time() - started
    return {
        "paginated_ms": spent["paginated"] / args.calls * 1e3,
        "by_hand_ms": spent["by_hand"] / args.calls * 1e3,
        "ratio": spent["paginated"] / spent["by_hand"],
    }


async def memory(args: argparse.Namespace) -> dict[str, Any]:
    """RSS per idle client (100 of them) and RSS growth across many calls."""
    async with AsyncExitStack() as stack:
        base = vm_rss_mb()
        clients = [await open_client(args.client, args.url, stack) for _ in range(100)]
        per_client_kb = (vm_rss_mb() - base) * 1024 / 100
        call = clients[0]["create_model"]
        chunk = max(args.calls // 5 // 16, 1) * 16

        async def worker(n: int) -> None:  # 16 steady workers: no burst of pending tasks
            for _ in range(n):
                await call()

        rss: list[float] = []
        for _ in range(5):
            await asyncio.gather(*(worker(chunk // 16) for _ in range(16)))
            rss.append(round(vm_rss_mb(), 1))
    return {"idle_client_kb": per_client_kb, "rss_after_each_fifth_mb": rss, "calls": chunk * 5}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["cpu", "memory", "pagination", "paired"])
    parser.add_argument("--client", required=True)
    parser.add_argument("--op", default="create_model")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--variants", default="sm_typed+noop,sm_typed+idle,sm_typed+otel")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="paired: a transport that answers at once (the client's own CPU, no sockets)",
    )
    args = parser.parse_args()
    args.url = f"http://127.0.0.1:{args.port}"
    measure = {"cpu": cpu, "memory": memory, "pagination": pagination, "paired": paired}[args.what]
    result = asyncio.run(measure(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
