"""Load run: thousands of concurrent calls through one client against the fault server (5% faults).

    python bench/load.py [--calls 5000] [--rounds 5] [--fault-rate 0.05] [--pool 64]

The fault server (tests/fault_server.py) runs in its own process. Reported per
round: wall time, calls/s, successes, typed errors by class, client RSS, and
the client's open sockets afterwards (must fall back to at most the pool size).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent / "src"))

from sm_typed import SageMakerClient  # noqa: E402
from sm_typed.errors import SmTypedError  # noqa: E402

SERVER = r"""
import asyncio, sys
sys.path.insert(0, sys.argv[1])
from fault_server import FaultServer, faulty, ok
async def main():
    server = await FaultServer(default=faulty(float(sys.argv[2]), seed=1, good=ok({"Models": []})),
                               keep_requests=False).start()
    print(server.port, flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


def open_sockets() -> int:
    """Sockets this process holds (listing /proc races with fds closing: skip those)."""
    count = 0
    for fd in Path(f"/proc/{os.getpid()}/fd").iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


def rss_mb() -> float:
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


async def run(args: argparse.Namespace) -> list[dict[str, object]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(HERE.parent / "tests"), str(args.fault_rate)],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    rows: list[dict[str, object]] = []
    try:
        async with SageMakerClient(
            region="us-east-1",
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="AKID",
            aws_secret_access_key="secret",
            max_connections=args.pool,
        ) as sm:
            for n in range(1, args.rounds + 1):
                started = time.perf_counter()
                results = await asyncio.gather(
                    *(sm.list_models() for _ in range(args.calls)), return_exceptions=True
                )
                wall = time.perf_counter() - started
                errors = collections.Counter(
                    type(r).__name__ for r in results if isinstance(r, BaseException)
                )
                untyped = sum(
                    1
                    for r in results
                    if isinstance(r, BaseException) and not isinstance(r, SmTypedError)
                )
                row = {
                    "round": n,
                    "seconds": round(wall, 2),
                    "calls_per_s": round(args.calls / wall),
                    "ok": args.calls - sum(errors.values()),
                    "errors": dict(errors),
                    "untyped_errors": untyped,
                    "rss_mb": round(rss_mb(), 1),
                    "open_sockets": open_sockets(),
                }
                rows.append(row)
                print(json.dumps(row))
        await asyncio.sleep(0.1)
        print(json.dumps({"after_close_open_sockets": open_sockets()}))
    finally:
        proc.terminate()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--pool", type=int, default=64)
    args = parser.parse_args()
    rows = asyncio.run(run(args))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "load.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
