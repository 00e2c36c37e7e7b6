"""What the type contract costs a user: mypy (cold, warm) and pyright on the same program,
written once against sm_typed and once against types-aiobotocore-sagemaker.

    python bench/typecheck.py [--runs 3]

It builds its own venv (bench/.venv-typecheck) with both stacks, since aiobotocore
pins an older botocore than sm_typed's default. Figures: median wall time and peak
RSS of each checker process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".venv-typecheck"
PROGRAMS = {
    "sm_typed": HERE / "typecheck/sm_typed_app.py",
    "aiobotocore": HERE / "typecheck/aiobotocore_app.py",
}


def venv_python() -> Path:
    python = VENV / "bin" / "python"
    if not (VENV / "ready").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "-e",
                str(ROOT),
                "aiobotocore==3.10.0",
                "types-aiobotocore[sagemaker]==3.10.0",
                "mypy",
                "pyright[nodejs]",
            ],
            check=True,
        )
        (VENV / "ready").touch()
    return python


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one run, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as out:
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", out.name, *cmd],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        peak_kb = int(out.read().strip().splitlines()[-1])
    return elapsed, peak_kb / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python = venv_python()
    pyright = str(VENV / "bin" / "pyright")
    subprocess.run([pyright, "--version"], capture_output=True, check=False)  # fetch pyright once
    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for name, program in PROGRAMS.items():
        rows = results.setdefault(name, {"mypy cold": [], "mypy warm": [], "pyright": []})
        for _ in range(args.runs):
            cache = Path(tempfile.mkdtemp(prefix="mypy-cache-"))
            mypy = [str(python), "-m", "mypy", "--strict", "--cache-dir", str(cache), str(program)]
            t, m, code = timed(mypy)
            assert code == 0, f"{name}: mypy found errors"
            rows["mypy cold"].append((t, m))
            t, m, _ = timed(mypy)
            rows["mypy warm"].append((t, m))
            shutil.rmtree(cache)
            t, m, code = timed([pyright, "--pythonpath", str(python), str(program)])
            rows["pyright"].append((t, m))
    print(
        f"{'check':<12} {'sm_typed s':>11} {'MB':>6} {'aiobotocore s':>14} {'MB':>6} {'ratio':>6}"
    )
    summary = {}
    for check in ("mypy cold", "mypy warm", "pyright"):
        ours = results["sm_typed"][check]
        theirs = results["aiobotocore"][check]
        t_ours, m_ours = (
            statistics.median(r[0] for r in ours),
            statistics.median(r[1] for r in ours),
        )
        t_theirs, m_theirs = (
            statistics.median(r[0] for r in theirs),
            statistics.median(r[1] for r in theirs),
        )
        summary[check] = {
            "sm_typed_s": t_ours,
            "sm_typed_mb": m_ours,
            "aiobotocore_s": t_theirs,
            "aiobotocore_mb": m_theirs,
        }
        print(
            f"{check:<12} {t_ours:>11.2f} {m_ours:>6.0f} {t_theirs:>14.2f} {m_theirs:>6.0f} {t_theirs / t_ours:>6.2f}"
        )
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "typecheck.json").write_text(json.dumps(summary, indent=1) + "\n")


if __name__ == "__main__":
    main()
