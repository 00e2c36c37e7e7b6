"""mypy --strict and pyright (strict) over the generated package's .py files on their own.

Both checkers prefer a module's .pyi stub to its .py file, so the CI step that checks
``src/`` sees the stubs only; this checks the implementation. A static gate, like that
step (run once by ``.ci/run`` and by ``nox -s typecheck``), not a test of behaviour:
its ~20 s would be a sixth of the test suite's budget, on every Python.

    python .ci/typecheck_generated.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(
            ROOT / "src" / "sm_typed",
            src / "sm_typed",
            ignore=shutil.ignore_patterns("*.pyi", "__pycache__"),
        )
        exe = shutil.which("pyright", path=str(Path(sys.executable).parent)) or "pyright"
        (src / "pyrightconfig.json").write_text(
            '{"typeCheckingMode": "strict", "reportMissingTypeStubs": false}'
        )
        # The two checkers run side by side: each takes most of the time.
        mypy = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--no-error-summary",
                "--cache-dir",
                str(Path(tmp) / "cache"),
                "-p",
                "sm_typed",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=src,
            env={**os.environ, "MYPYPATH": str(src)},
        )
        pyright = subprocess.Popen(
            [exe, "--pythonpath", sys.executable, str(src / "sm_typed")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=src,
        )
        mypy_out, _ = mypy.communicate()
        pyright_out, _ = pyright.communicate()
    failed = False
    if mypy.returncode != 0:
        print("mypy --strict over the generated .py files:\n" + mypy_out)
        failed = True
    if pyright.returncode != 0:
        print("pyright over the generated .py files:\n" + pyright_out[-3000:])
        failed = True
    if not failed:
        print("generated .py files: mypy --strict and pyright clean")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
