"""`sm-typed` beside the AWS CLI: one call to a local moto server, process start to exit.

    python bench/cli.py [--runs 15] [--update-readme]

The AWS CLI (``awscli`` from PyPI, pinned below) is installed in its own venv under
``bench/.venvs/``. Both commands run ``describe-model`` on the same moto server with the
same test credentials and no config files; runs alternate (sm-typed, aws, sm-typed, ...)
after a warm-up of each that writes the .pyc files, and the medians are compared.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "examples"))
from moto_local import MotoServer  # noqa: E402

AWSCLI = "awscli==1.46.3"
AWSCLI_VENV = HERE / ".venvs" / "awscli"
MODEL = "bench-cli-model"
README = ROOT / "README.md"
START, END = "<!-- bench-cli:start -->", "<!-- bench-cli:end -->"


def aws_executable() -> Path:
    exe = AWSCLI_VENV / "bin" / "aws"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(AWSCLI_VENV)], check=True)
        subprocess.run([str(AWSCLI_VENV / "bin" / "pip"), "install", "-q", AWSCLI], check=True)
    return exe


def sm_typed_executable() -> Path:
    exe = Path(sys.executable).parent / "sm-typed"
    if not exe.exists():
        raise SystemExit("sm-typed is not installed in this environment (pip install -e .)")
    return exe


def env() -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    base.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return base


def timed(cmd: list[str], environ: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=environ, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0 or MODEL not in proc.stdout:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed


def measure(runs: int) -> dict[str, float]:
    aws, sm = aws_executable(), sm_typed_executable()
    environ = env()
    with MotoServer() as moto:
        common = ["--region", "us-east-1", "--endpoint-url", moto.url]
        create = [str(sm), *common, "create-model", "--model-name", MODEL]
        subprocess.run(
            [*create, "--primary-container", '{"Image": "img"}', "--execution-role-arn", "arn:r"],
            env=environ,
            capture_output=True,
            check=True,
        )
        ours = [str(sm), *common, "describe-model", "--model-name", MODEL]
        theirs = [str(aws), *common, "sagemaker", "describe-model", "--model-name", MODEL]
        timed(ours, environ), timed(theirs, environ)  # warm-up: .pyc files, page cache
        a: list[float] = []
        b: list[float] = []
        for _ in range(runs):
            a.append(timed(ours, environ))
            b.append(timed(theirs, environ))
    sm_ms, aws_ms = statistics.median(a) * 1000, statistics.median(b) * 1000
    return {"sm_typed_ms": sm_ms, "aws_ms": aws_ms, "ratio": sm_ms / aws_ms, "runs": runs}


def line(r: dict[str, float]) -> str:
    return (
        f"Command line, `describe-model` on a local moto server, process start to exit (median "
        f"of {int(r['runs'])} alternating runs; `python bench/cli.py`): `sm-typed` "
        f"{r['sm_typed_ms']:.0f} ms, `aws sagemaker` ({AWSCLI}, its own venv) "
        f"{r['aws_ms']:.0f} ms: {r['ratio']:.2f}×"
    )


def update_readme(text: str) -> None:
    readme = README.read_text()
    block = f"{START}\n{text}\n{END}"
    if START in readme:
        readme = re.sub(re.escape(START) + ".*?" + re.escape(END), block, readme, flags=re.S)
    else:
        readme = readme.replace("<!-- bench:end -->", f"<!-- bench:end -->\n\n{block}", 1)
    README.write_text(readme)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()
    result = measure(args.runs)
    print(line(result))
    if args.update_readme:
        update_readme(line(result))


if __name__ == "__main__":
    main()
