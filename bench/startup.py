"""Start-up cost: import, client construction and first call, in fresh processes.

    python bench/startup.py [--runs 9]

Bytecode caching is enabled for the children (PYTHONDONTWRITEBYTECODE is removed)
and one warm-up run writes the .pyc files, so the figures are what users see.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from transport import start_server  # noqa: E402

CHILD = r"""
import time, json, sys
t0 = time.perf_counter()
import asyncio
ta = time.perf_counter()
from sm_typed import SageMakerClient
from sm_typed.shapes import ContainerDefinition
t1 = time.perf_counter()
async def main():
    sm = SageMakerClient(region="us-east-1", endpoint_url=sys.argv[1],
                         aws_access_key_id="AKID", aws_secret_access_key="secret")
    t2 = time.perf_counter()
    await sm.create_model(model_name="m", primary_container=ContainerDefinition(image="i"))
    t3 = time.perf_counter()
    await sm.close()
    return t2, t3
t2, t3 = asyncio.run(main())
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"import asyncio": ta - t0, "import sm_typed": t1 - ta, "construct": t2 - t1,
                  "first_call": t3 - t2, "total": t3 - t0, "after asyncio": t3 - ta,
                  "rss_mb": hwm / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc, port = start_server()
    try:
        url = f"http://127.0.0.1:{port}"
        runs = []
        for i in range(args.runs + 1):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, url],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            if i:  # the first run only writes bytecode
                runs.append(json.loads(out.stdout))
    finally:
        proc.terminate()
    for key in runs[0]:
        if key != "rss_mb":
            median = statistics.median(r[key] for r in runs) * 1000
            print(f"{key:>15}: {median:7.1f} ms (median of {len(runs)})")
    print(f"{'peak RSS':>15}: {statistics.median(r['rss_mb'] for r in runs):7.1f} MB")


if __name__ == "__main__":
    main()
