"""The type contract: downstream code checked by mypy --strict and pyright (strict).

``typing/pass/`` must be clean; each file in ``typing/fail/`` holds one misuse,
marked ``# error`` on its line, which both checkers must report there and only
there; ``typing/reveal/`` pins what the checkers infer.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "typing"
ROOT = HERE.parent.parent
PASS = sorted((HERE / "pass").glob("*.py"))
FAIL = sorted((HERE / "fail").glob("*.py"))
REVEAL = HERE / "reveal" / "revealed_types.py"


def marked_lines(path: Path) -> set[int]:
    return {
        i
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"#\s*error\s*$", line)
    }


GROUPS = {"pass": PASS, "fail": FAIL, "reveal": [REVEAL]}
EVERY_FILE = [path for files in GROUPS.values() for path in files]


@cache
def _run(command: tuple[str, ...]) -> tuple[bool, str]:
    """One checker over every program at once (a start-up each, not one per group):
    whether it ran to its summary line, and its output."""
    proc = subprocess.run(
        [*command, *map(str, EVERY_FILE)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    output = proc.stdout + proc.stderr
    summary = (
        r"^Success: no issues found in \d+ source files?$"  # mypy
        r"|^Found \d+ errors? in \d+ files? \(checked \d+ source files?\)$"  # mypy
        r"|^\d+ errors?, \d+ warnings?, \d+ informations?$"  # pyright
    )
    ran = proc.returncode in (0, 1) and re.search(summary, output, re.MULTILINE) is not None
    return ran, output


def _group(group: str, ran: bool, output: str) -> tuple[int, str]:
    """The exit code the checker would give for ``group``'s files alone: 2 if it did not
    run, 1 if any of them has an error, 0 if none has."""
    if not ran:
        return 2, output
    return (1 if any(error_lines(output, path) for path in GROUPS[group]) else 0), output


def mypy(group: str) -> tuple[int, str]:
    command = (
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--show-column-numbers",
        "--cache-dir",
        str(ROOT / ".mypy_cache" / "typing-tests"),
    )
    return _group(group, *_run(command))


def pyright(group: str) -> tuple[int, str]:
    exe = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which("pyright")
    if exe is None:
        pytest.fail("pyright is not installed (pip install '.[test]')")
    return _group(group, *_run((exe, "--pythonpath", sys.executable)))


def error_lines(output: str, path: Path) -> set[int]:
    pattern = rf"{re.escape(path.name)}:(\d+)(?::\d+)?(?::| -) error"
    return {int(m.group(1)) for m in re.finditer(pattern, output)}


def test_there_are_enough_misuses() -> None:
    assert len(FAIL) >= 25
    for path in FAIL:
        assert len(marked_lines(path)) == 1, f"{path.name}: exactly one marked line"


@pytest.mark.parametrize("checker", [mypy, pyright], ids=["mypy", "pyright"])
def test_pass_programs_are_clean(checker: object) -> None:
    code, output = checker("pass")  # type: ignore[operator]
    assert code == 0, output  # also catches a checker that could not run at all
    for path in PASS:
        assert error_lines(output, path) == set(), output


@pytest.mark.parametrize("checker", [mypy, pyright], ids=["mypy", "pyright"])
@pytest.mark.parametrize("path", FAIL, ids=lambda p: p.stem)
def test_misuse_is_flagged_on_its_line(checker: object, path: Path) -> None:
    code, output = checker("fail")  # type: ignore[operator]
    assert code == 1, output  # errors found, and the checker ran
    assert error_lines(output, path) == marked_lines(path), "\n".join(
        line for line in output.splitlines() if path.name in line
    )


def revealed(output: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for m in re.finditer(
        r'revealed_types\.py:(\d+)(?::\d+)?(?::| -) (?:note|information): (?:Revealed type is|Type of .*? is) "(.*)"',
        output,
    ):
        found[int(m.group(1))] = m.group(2)
    return found


@pytest.mark.parametrize("checker", [mypy, pyright], ids=["mypy", "pyright"])
def test_revealed_types(checker: object) -> None:
    _, output = checker("reveal")  # type: ignore[operator]
    types = revealed(output)
    expected = {
        i: line.rsplit("# ", 1)[1].strip()
        for i, line in enumerate(REVEAL.read_text().splitlines(), 1)
        if "reveal_type(" in line
    }
    assert set(types) == set(expected), output
    for line, want in expected.items():
        got = types[line].replace("sm_typed.shapes.", "").replace("sm_typed._client.", "")
        got = got.replace("sm_typed_runtime.responses.", "")
        got = got.replace("builtins.", "").replace("Union[", "").replace(", None]", " | None")
        assert got == want, f"line {line}: {types[line]}"
