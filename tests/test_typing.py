"""Downstream code is checked by mypy --strict and pyright the way users run them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "typing"
PASS = sorted((HERE / "pass").glob("*.py"))
FAIL = sorted((HERE / "fail").glob("*.py"))


def marked_lines(path: Path) -> set[int]:
    return {
        i
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"#\s*error\b", line)
    }


def run_mypy(path: Path, cache: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def run_pyright(path: Path) -> tuple[int, str]:
    exe = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which("pyright")
    if exe is None:
        pytest.fail("pyright is not installed (pip install '.[test]')")
    proc = subprocess.run(
        [exe, "--pythonpath", sys.executable, "--level", "error", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def flagged_lines(output: str, path: Path) -> set[int]:
    lines: set[int] = set()
    for m in re.finditer(rf"{re.escape(path.name)}:(\d+)(?::\d+)?(?::| -) error", output):
        lines.add(int(m.group(1)))
    return lines


@pytest.mark.parametrize("path", PASS, ids=lambda p: p.name)
def test_pass_programs_are_clean_under_mypy_strict(path: Path, tmp_path: Path) -> None:
    code, out = run_mypy(path, tmp_path)
    assert code == 0, out


@pytest.mark.parametrize("path", FAIL, ids=lambda p: p.name)
def test_fail_programs_are_flagged_on_marked_lines_by_mypy(path: Path, tmp_path: Path) -> None:
    _, out = run_mypy(path, tmp_path)
    expected = marked_lines(path)
    assert expected
    assert flagged_lines(out, path) == expected, out


@pytest.mark.parametrize("path", PASS + FAIL, ids=lambda p: p.name)
def test_pyright_agrees(path: Path) -> None:
    code, out = run_pyright(path)
    if path in PASS:
        assert code == 0, out
    else:
        assert flagged_lines(out, path) == marked_lines(path), out
