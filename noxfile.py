"""Sessions CI runs: tests on each Python, type checking, lint, generated-code freshness."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "typecheck", "lint", "codegen"]
nox.options.default_venv_backend = "venv"
PYTHONS = ["3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("mypy")
    session.run("pyright", "--pythonpath", session.virtualenv.location + "/bin/python")
    session.run("python", ".ci/typecheck_generated.py")


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.11")
def codegen(session: nox.Session) -> None:
    session.install("-e", ".[codegen]")
    session.run("python", "-m", "codegen", "--check")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """sm_typed beside aiobotocore and raw aiohttp; updates the README figures."""
    session.install(
        "-e",
        ".[otel]",
        "jinja2==3.1.6",  # the generator (timed once); its botocore pin is aiobotocore's to set here
        "aiobotocore==3.10.0",
        "types-aiobotocore[sagemaker]==3.10.0",
        "aiohttp",
    )
    session.run("python", "bench/run.py", "--update-readme", *session.posargs)


@nox.session(python="3.11")
def bench_cli(session: nox.Session) -> None:
    """`sm-typed` beside the AWS CLI (in its own venv) on a moto server; updates the README."""
    session.install("-e", ".[demo]")
    session.run("python", "bench/cli.py", "--update-readme", *session.posargs)


@nox.session(python="3.11")
def refresh(session: nox.Session) -> None:
    """When the API updates: the newest botocore's model pinned, the package regenerated, the
    API-change report printed (and written to service-models/<service>/<version>/CHANGES.md),
    then the type checkers over this repository. ``-- --fail-on breaking`` stops there."""
    session.install("-e", ".[test]")
    session.install("-U", "botocore")
    session.run("python", "-m", "codegen", "--from-botocore", *session.posargs)
    session.run("mypy")
    session.run("pyright", "--pythonpath", session.virtualenv.location + "/bin/python")
