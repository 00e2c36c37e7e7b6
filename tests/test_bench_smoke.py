"""The benchmark harness still runs (a few hundred calls): it must not rot between bench runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_harness_smoke_run() -> None:
    proc = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "create_model CPU/call, c=16" in proc.stdout
    assert "start-up: import + client + first call" in proc.stdout
