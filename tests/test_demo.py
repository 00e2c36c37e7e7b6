"""The README's first command: the demo never surprises (moto unless asked), one-line failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "create_model.py"


def demo(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEMO), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


def test_no_flag_runs_against_moto_whatever_the_environment_says() -> None:
    done = demo(
        AWS_REGION="eu-west-1",
        AWS_DEFAULT_REGION="eu-west-2",
        AWS_PROFILE="no-such-profile",
        AWS_ACCESS_KEY_ID="AKIAREALLOOKING",
        AWS_SECRET_ACCESS_KEY="real-looking-secret",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("started moto on http://127.0.0.1:")
    assert "created   arn:aws:sagemaker:us-east-1:123456789012:model/" in done.stdout
    assert "typed error" in done.stdout


def test_a_local_endpoint_alone_gets_test_defaults_and_a_one_line_error() -> None:
    done = demo("--endpoint-url", "http://127.0.0.1:9")  # nothing listens on port 9
    assert done.returncode == 1
    assert "using region us-east-1 and test credentials" in done.stdout
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: cannot reach")
    assert "Traceback" not in done.stderr


def test_aws_without_a_region_is_one_line_naming_the_flag() -> None:
    done = demo("--aws")
    assert done.returncode == 1
    assert done.stderr == "error: no AWS region found: pass --region (or set AWS_REGION)\n"
