"""sm_typed beside aiobotocore, a raw aiohttp POST and the asyncio floor, on one loopback server.

    nox -s bench                 # installs the peers, runs everything, updates README figures
    python bench/run.py --smoke  # a few hundred calls, sm_typed only: keeps the harness alive in CI

Measures (each in fresh processes, the stub server in its own process):
  1. client CPU per create_model call (nested container, environment, tags), c = 1, 16, 64,
     beside the floor: a raw asyncio protocol writing a pre-built, pre-signed request and
     json.loads-ing the answer (the physical limit of a Python asyncio client). sm_typed and
     the floor run in one process, a block of calls of each in turn, so that a drift of the
     machine hits both alike and the floor runs with a real client's heap (alone, its tiny
     heap had glibc trim the top after every 256 KiB receive buffer: two page faults a call);
  2. the same for describe_model with a ~3.7 KB response (decode cost);
  3. start-up: import + client construction + first call, and peak RSS (median of fresh
     processes, bytecode caching on);
  4. ``python -m codegen`` wall time for the full model;
  5. memory per idle client, and RSS across 100k calls (must not grow).
Prints a table with ratios (peer / sm_typed) and writes bench/results/latest.json and cpu.svg.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
CLIENTS = ("sm_typed", "aiobotocore", "aiohttp", "floor")
# The floor is a CPU measure only: it has no start-up or memory story of its own.
STARTUP_CLIENTS = ("sm_typed", "aiobotocore", "aiohttp")

STARTUP = {
    "sm_typed": """
import time; t0 = time.perf_counter()
import asyncio
ta = time.perf_counter()
from sm_typed import SageMakerClient
from sm_typed.shapes import ContainerDefinition
t1 = time.perf_counter()
async def main():
    sm = SageMakerClient(region="us-east-1", endpoint_url=URL, aws_access_key_id="AKID", aws_secret_access_key="secret")
    t2 = time.perf_counter()
    await sm.create_model(model_name="m", primary_container=ContainerDefinition(image="img"))
    t3 = time.perf_counter()
    await sm.close()
    return t2, t3
""",
    "aiobotocore": """
import time; t0 = time.perf_counter()
import asyncio
ta = time.perf_counter()
from aiobotocore.session import get_session
t1 = time.perf_counter()
async def main():
    async with get_session().create_client("sagemaker", region_name="us-east-1", endpoint_url=URL,
                                           aws_access_key_id="AKID", aws_secret_access_key="secret") as c:
        t2 = time.perf_counter()
        await c.create_model(ModelName="m", PrimaryContainer={"Image": "img"})
        t3 = time.perf_counter()
    return t2, t3
""",
    "aiohttp": """
import time; t0 = time.perf_counter()
import asyncio
ta = time.perf_counter()
import aiohttp
t1 = time.perf_counter()
async def main():
    async with aiohttp.ClientSession() as s:
        t2 = time.perf_counter()
        async with s.post(URL + "/", data=b'{"ModelName":"m"}', headers={"X-Amz-Target": "SageMaker.CreateModel"}) as r:
            await r.read()
        t3 = time.perf_counter()
    return t2, t3
""",
}
STARTUP_TAIL = """
t2, t3 = asyncio.run(main())
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
import json
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "construct_ms": (t2 - t1) * 1e3,
                  "first_call_ms": (t3 - t2) * 1e3, "total_ms": (t3 - t0) * 1e3,
                  "asyncio_ms": (ta - t0) * 1e3, "own_ms": (t3 - ta) * 1e3, "rss_mb": hwm / 1024}))
"""


def available(client: str) -> bool:
    module = {
        "sm_typed": "sm_typed",
        "aiobotocore": "aiobotocore",
        "aiohttp": "aiohttp",
        "floor": "asyncio",
    }[client]
    probe = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, check=False
    )
    return probe.returncode == 0


def cpu_split() -> tuple[set[int] | None, set[int] | None]:
    """(server CPUs, client CPUs): apart when there are two or more.

    Unpinned, the scheduler's choice of one core or two for client and server decides the
    floor's cost (seen here: 21 or 35 µs per call for the same code, run to run); pinned,
    every client is measured the same way.
    """
    try:
        cpus = sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return None, None
    if len(cpus) < 2:
        return None, None
    return {cpus[-1]}, set(cpus[:-1])


SERVER_CPUS, CLIENT_CPUS = cpu_split()


def _pin(cpus: set[int] | None) -> Any:
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "stub_server.py"), str(port)],
        stdout=subprocess.PIPE,
        preexec_fn=_pin(SERVER_CPUS),
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    return proc, port


def runner(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(HERE / "runners.py"), *args],
        preexec_fn=_pin(CLIENT_CPUS),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def startup(client: str, port: int, runs: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    code = f"URL = 'http://127.0.0.1:{port}'\n" + STARTUP[client] + STARTUP_TAIL
    samples = []
    for i in range(runs + 1):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        if i:  # the first run writes bytecode
            samples.append(json.loads(out.stdout))
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def codegen_seconds(runs: int) -> float:
    model = ROOT / "service-models/sagemaker/2017-07-24/service-2.json"
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "codegen", "--model", str(model), "--out", f"{tmp}/pkg{i}"],
                cwd=ROOT,
                capture_output=True,
                check=True,
            )
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    clients = [c for c in (("sm_typed", "floor") if args.smoke else CLIENTS) if available(c)]
    proc, port = start_server()
    results: dict[str, Any] = {
        "repeat": args.repeat,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "pinning": (
            f"server on CPU {sorted(SERVER_CPUS)}, clients on {sorted(CLIENT_CPUS)}"
            if SERVER_CPUS
            else "none"
        ),
        "date": time.strftime("%Y-%m-%d"),
        "clients": clients,
        "cpu": {},
        "startup": {},
    }
    try:
        results["floor_ratio"] = {}
        for op in ("create_model", "describe_model"):
            for c in args.concurrency:
                level = results["cpu"].setdefault(op, {}).setdefault(str(c), {})
                if "floor" in clients:
                    # sm_typed and the floor: blocks of each in turn in one process (their
                    # ratio is a target, and the machine drifts between processes), the
                    # median of ``--repeat`` processes.
                    found = paired_cost(
                        port, op, args.calls * 4, c, "floor", ["sm_typed"], args.repeat
                    )
                    level["sm_typed"] = {"cpu_us": found["cpu_us"]["sm_typed"]}
                    level["floor"] = {"cpu_us": found["cpu_us"]["floor"]}
                    ratio = results["floor_ratio"].setdefault(op, {})[str(c)] = found[
                        "paired_ratio"
                    ]["sm_typed"]
                    print(
                        f"cpu {op:<15} c={c:<3} sm_typed {level['sm_typed']['cpu_us']:6.1f} µs, "
                        f"floor {level['floor']['cpu_us']:6.1f} µs: {ratio:.2f}× "
                        f"(median of paired blocks)",
                        flush=True,
                    )
                for client in clients:
                    if client in level:
                        continue
                    calls = args.calls if client != "aiobotocore" else max(args.calls // 3, 200)
                    level[client] = r = runner(
                        "cpu",
                        "--client",
                        client,
                        "--op",
                        op,
                        "--concurrency",
                        str(c),
                        "--calls",
                        str(calls),
                        "--port",
                        str(port),
                    )
                    print(
                        f"cpu {op:<15} c={c:<3} {client:<12} {r['cpu_us']:8.0f} µs/call {r['calls_per_s']:8.0f} calls/s",
                        flush=True,
                    )
        results["hooks"] = {}
        for c in (*HOOK_CONCURRENCY, IN_PROCESS):
            calls = 1000 if args.smoke else args.calls * (12 if c == IN_PROCESS else 6)
            runs = 1 if args.smoke else args.repeat
            found = results["hooks"][str(c)] = paired_cost(
                port, "create_model", calls, c, "sm_typed", list(HOOK_VARIANTS), runs
            )
            for variant, extra in found["paired_us"].items():
                print(
                    f"hooks {c!s:<10} {variant:<14} {extra:+5.1f} µs/call over sm_typed "
                    f"(median of paired blocks; cheapest blocks {found['min_us'][variant]:+5.1f})",
                    flush=True,
                )
        for client in [c for c in clients if c in STARTUP_CLIENTS]:
            results["startup"][client] = startup(client, port, args.startup_runs)
            s = results["startup"][client]
            print(
                f"startup {client:<12} {s['total_ms']:6.1f} ms (asyncio {s['asyncio_ms']:4.1f}, "
                f"own {s['own_ms']:5.1f})  {s['rss_mb']:5.1f} MB",
                flush=True,
            )
        pages = [
            runner(
                "pagination",
                "--port",
                str(port),
                "--client",
                "sm_typed",
                "--calls",
                "10" if args.smoke else "200",
            )
            for _ in range(1 if args.smoke else args.repeat)
        ]
        p = results["pagination"] = sorted(pages, key=lambda r: r["ratio"])[len(pages) // 2]
        print(
            f"pagination: .items() {p['paginated_ms']:.2f} ms, by hand {p['by_hand_ms']:.2f} ms "
            f"for 1,000 items ({p['ratio']:.2f}×)",
            flush=True,
        )
        results["memory"] = runner(
            "memory", "--client", "sm_typed", "--port", str(port), "--calls", str(args.memory_calls)
        )
        if "aiobotocore" in clients:
            results["memory_aiobotocore"] = runner(
                "memory", "--client", "aiobotocore", "--port", str(port), "--calls", "500"
            )
    finally:
        proc.terminate()
    # The smoke run leaves out the generator's timing: ~2 s of the test suite, for a
    # subprocess call the generator's own tests make anyway.
    results["codegen_s"] = None if args.smoke else codegen_seconds(3)
    return results


HOOK_VARIANTS = {
    "sm_typed+noop": "an interceptor overriding no hook",
    "sm_typed+idle": "an interceptor overriding all five hooks, each doing nothing",
    "sm_typed+otel": "OpenTelemetryInterceptor, no-op tracer provider",
}


HOOK_CONCURRENCY = (1, 16)
IN_PROCESS = "in-process"  # c=1 over a transport that answers at once: the client's own CPU


def paired_cost(
    port: int,
    op: str,
    calls: int,
    concurrency: int | str,
    base: str,
    variants: list[str],
    runs: int,
) -> dict[str, Any]:
    """CPU per ``op`` call of each variant beside ``base``, from processes running rounds of
    one block of calls per client (``runners.py paired``): the median over ``runs``
    processes, as each process's layout shifts its clients' costs alike for all of its
    rounds (by ±1.5 µs at c=1 here)."""
    where = ["--in-process"] if concurrency == IN_PROCESS else ["--concurrency", str(concurrency)]
    found = [
        runner(
            "paired",
            "--client",
            base,
            "--op",
            op,
            "--variants",
            ",".join(variants),
            "--calls",
            str(calls),
            *where,
            "--port",
            str(port),
        )
        for _ in range(runs)
    ]
    kinds = [base, *variants]

    def median(key: str, of: list[str]) -> dict[str, float]:
        return {k: statistics.median(f[key][k] for f in found) for k in of}

    return {
        **found[0],
        "runs": runs,
        "cpu_us": median("cpu_us", kinds),
        "paired_us": median("paired_us", variants),
        "paired_ratio": median("paired_ratio", variants),
        "min_us": median("min_us", variants),
    }


def table(results: dict[str, Any]) -> str:
    clients = results["clients"]
    peers = [c for c in clients if c not in ("sm_typed", "floor")]
    names = {"aiohttp": "raw aiohttp POST", "floor": "asyncio floor"}
    floor = "floor" in clients
    columns = [
        "measure",
        *(names.get(c, c) for c in clients),
        *(f"{names.get(p, p)} / sm_typed" for p in peers),
        *(["sm_typed / floor"] if floor else []),
    ]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]

    def row(label: str, cells: list[str]) -> str:
        return "| " + " | ".join([label, *cells]) + " |"

    for op, levels in results["cpu"].items():
        for c, level in levels.items():
            ours = level["sm_typed"]["cpu_us"]
            cells = [f"{level[k]['cpu_us']:.0f} µs" for k in clients]
            cells += [f"{level[p]['cpu_us'] / ours:.2f}×" for p in peers]
            if floor:
                cells.append(f"{results['floor_ratio'][op][c]:.2f}×")
            lines.append(row(f"{op} CPU/call, c={c}", cells))
    st = results["startup"]
    first = st["sm_typed"]
    clients = [c for c in clients if c in st]
    peers = [c for c in peers if c in st]
    for key, label, unit in (
        ("total_ms", "start-up: import + client + first call", "ms"),
        # An async program has imported asyncio before it imports a client: this row is
        # what the client itself adds (the one above includes ~the same asyncio import for all).
        ("own_ms", "start-up after `import asyncio` (the client's own cost)", "ms"),
        ("rss_mb", "start-up peak RSS", "MB"),
    ):
        cells = [f"{st[k][key]:.0f} {unit}" for k in clients] + [
            f"{st[p][key] / first[key]:.2f}×" for p in peers
        ]
        if floor:  # no start-up figures for the floor, nor a ratio to it
            cells = [*cells[: len(clients)], "", *cells[len(clients) :], ""]
        lines.append(row(label, cells))
    if results.get("hooks"):
        for c, h in results["hooks"].items():
            costs = "; ".join(
                f"{HOOK_VARIANTS[variant]}: {extra:+.1f} µs (cheapest blocks {h['min_us'][variant]:+.1f})"
                for variant, extra in h["paired_us"].items()
            )
            at = (
                "in process (c=1, a transport answering at once: the client's own code alone)"
                if c == IN_PROCESS
                else f"at c={c}"
            )
            lines.append(
                f"\nInterceptors, CPU per create_model call {at} over plain sm_typed "
                f"(per process: {h['rounds']} rounds of one block of {h['block']} calls per "
                f"client, the median of each round's difference; the median of "
                f"{h.get('runs', 1)} processes): {costs}"
            )
    if "pagination" in results:
        p = results["pagination"]
        lines.append(
            f"\nPagination, 1,000 items in pages of 100, CPU (median of {results.get('repeat', 1)} runs): `.items()` {p['paginated_ms']:.2f} ms, "
            f"the same 10 calls by hand {p['by_hand_ms']:.2f} ms ({p['ratio']:.2f}×)"
        )
    mem = results["memory"]
    lines.append(
        f"\nsm_typed: {mem['idle_client_kb']:.0f} KB per idle client; RSS across {mem['calls']:,} calls: "
        f"{' → '.join(str(x) for x in mem['rss_after_each_fifth_mb'])} MB"
        + (
            f"; `python -m codegen` (full model): {results['codegen_s']:.2f} s"
            if results["codegen_s"] is not None
            else ""
        )
    )
    if "memory_aiobotocore" in results:
        lines.append(
            f"aiobotocore: {results['memory_aiobotocore']['idle_client_kb']:.0f} KB per idle client"
        )
    return "\n".join(lines)


def svg(results: dict[str, Any]) -> str:
    """A small bar chart of CPU per create_model call (c=16), no plotting library needed."""
    row = results["cpu"]["create_model"].get("16") or next(
        iter(results["cpu"]["create_model"].values())
    )
    items = [(k, row[k]["cpu_us"]) for k in results["clients"]]
    top = max(v for _, v in items)
    bars = []
    for i, (name, value) in enumerate(items):
        width = 360 * value / top
        y = 30 + i * 34
        bars.append(
            f'<text x="10" y="{y + 17}" font-size="13">{name}</text>'
            f'<rect x="110" y="{y}" width="{width:.1f}" height="24" fill="{"#2b7bb9" if name == "sm_typed" else "#9aa5b1"}"/>'
            f'<text x="{116 + width:.1f}" y="{y + 17}" font-size="13">{value:.0f} µs</text>'
        )
    height = 40 + 34 * len(items)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="560" height="{height}" font-family="sans-serif">'
        '<text x="10" y="18" font-size="14" font-weight="bold">Client CPU per create_model call (c=16, lower is better)</text>'
        + "".join(bars)
        + "</svg>\n"
    )


def update_readme(results: dict[str, Any]) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    block = (
        "<!-- bench:start -->\n"
        f"Measured {results['date']} on {results['machine']} (a shared, noisy machine: read the ratios); "
        f"{results.get('pinning', 'none')}; sm_typed and the floor: blocks in turn in one process, median of {results.get('repeat', 1)} processes. "
        "Command: `nox -s bench`.\n\n"
        + table(results)
        + "\n\n![CPU per call](bench/results/cpu.svg)\n<!-- bench:end -->"
    )
    text = re.sub(r"<!-- bench:start -->.*<!-- bench:end -->", block, text, flags=re.S)
    readme.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a few hundred calls, sm_typed only")
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument(
        "--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 16, 64]
    )
    parser.add_argument("--startup-runs", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=3, help="runs of sm_typed and the floor")
    parser.add_argument("--memory-calls", type=int, default=100_000)
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.calls, args.startup_runs, args.memory_calls, args.concurrency = 300, 2, 1000, [1, 16]
        args.repeat = 1
    results = measure(args)
    print()
    print(table(results))
    if args.smoke:
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS / "cpu.svg").write_text(svg(results))
    if args.update_readme:
        update_readme(results)


if __name__ == "__main__":
    main()
