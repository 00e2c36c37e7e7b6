"""The runtime is a package of its own: importable alone, used by any generated client only
through its public modules, and the one source of each fact generated code relies on."""

from __future__ import annotations

import ast
import gzip
import importlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import botocore
import msgspec
import pytest
from botocore.retries.standard import ThrottledRetryableChecker
from fault_server import FaultServer, error, ok

from codegen.__main__ import main as codegen_main
from sm_typed_runtime import errors
from sm_typed_runtime._encode import encode_body
from sm_typed_runtime._validate import is_valid, report
from sm_typed_runtime.shapes import Shape

ROOT = Path(__file__).resolve().parent.parent
BOTOCORE_DATA = Path(botocore.__file__).parent / "data"
PUBLIC = {
    "sm_typed_runtime.cli",
    "sm_typed_runtime.wire",
    "sm_typed_runtime.client",
    "sm_typed_runtime.shapes",
    "sm_typed_runtime.errors",
    "sm_typed_runtime.types",
    "sm_typed_runtime.interceptors",
    "sm_typed_runtime.responses",
    "sm_typed_runtime.otel",
    "sm_typed_runtime.paginators",
    "sm_typed_runtime.waiters",
}


def botocore_model(service: str) -> Path:
    return (
        sorted(p for p in (BOTOCORE_DATA / service).iterdir() if p.is_dir())[-1]
        / "service-2.json.gz"
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("generated")
    for service in ("sqs", "dynamodb"):
        assert (
            codegen_main(
                ["--model", str(botocore_model(service)), "--out", str(root / f"gen_{service}")]
            )
            == 0
        )
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))


def test_a_generated_package_imports_no_sagemaker_code(generated: Path) -> None:
    code = (
        "import sys; import gen_sqs; "
        "assert not [m for m in sys.modules if m == 'sm_typed' or m.startswith('sm_typed.')], "
        "sorted(m for m in sys.modules if m.startswith('sm_typed'))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=generated, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_the_runtime_imports_alone() -> None:
    code = "import sys, sm_typed_runtime.client; assert 'sm_typed' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize("package", ["sm_typed", "gen_sqs"])
def test_generated_code_uses_only_the_runtimes_public_modules(
    generated: Path, package: str
) -> None:
    where = ROOT / "src" / "sm_typed" if package == "sm_typed" else generated / package
    for path in [*where.glob("*.py"), *where.glob("*.pyi"), *list(where.glob("_shapes/*.py"))[:50]]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "sm_typed_runtime"
            ):
                module = node.module or ""
                names = {a.name for a in node.names}
                assert module in PUBLIC or (module == "sm_typed_runtime" and names <= {"errors"}), (
                    path,
                    module,
                )


def test_the_generator_does_not_read_runtime_files_by_path() -> None:
    source = (ROOT / "codegen" / "render.py").read_text()
    assert "spec_from_file_location" not in source and "_runtime/" not in source


def test_every_throttling_code_of_botocore_is_a_throttling_error() -> None:
    """One source of truth: the codes retried as throttling are the ThrottlingError classes."""
    botocore_codes = set(ThrottledRetryableChecker._THROTTLED_ERROR_CODES)  # pyright: ignore[reportPrivateUsage]
    ours = {n for n, c in errors.COMMON_ERRORS.items() if issubclass(c, errors.ThrottlingError)}
    assert ours == botocore_codes
    for name in ("SlowDown", "LimitExceededException"):
        assert issubclass(errors.COMMON_ERRORS[name], errors.ThrottlingError)


def test_generated_error_classes_say_how_they_are_retried(generated: Path) -> None:
    dynamodb = importlib.import_module("gen_dynamodb.errors")
    conflict = dynamodb.ReplicatedWriteConflictException
    assert issubclass(conflict, errors.TransientServiceError)
    assert conflict.__retry__ == "transient"
    from sm_typed import errors as sm_errors

    for code, cls in sm_errors.ERROR_CLASSES.items():
        assert issubclass(cls, errors.ThrottlingError) == (
            code in errors.COMMON_ERRORS
            and issubclass(errors.COMMON_ERRORS[code], errors.ThrottlingError)
        ), code


async def test_an_error_the_model_marks_retryable_is_retried(generated: Path) -> None:
    """boto3 retries DynamoDB's ReplicatedWriteConflictException; so does a generated client."""
    module = importlib.import_module("gen_dynamodb")
    server = await FaultServer(default=ok({})).start()
    server.script([error("com.amazonaws.dynamodb.v20120810#ReplicatedWriteConflictException", 400)])
    try:
        async with module.DynamoDBClient(
            region="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="AKID",
            aws_secret_access_key="s",
        ) as ddb:
            await ddb.delete_item(table_name="t", key={})
            assert ddb._pipeline.settings.max_attempts == 4  # botocore's DynamoDB default
    finally:
        await server.stop()
    assert server.request_count == 2
    assert [r.headers["amz-sdk-request"] for r in server.requests] == [
        "attempt=1; max=4",
        "attempt=2; max=4",
    ]


# -- encoding and validation: correct alone, and thread-safe ---------------------------------


class _When(Shape, kw_only=True):
    at: datetime | None = msgspec.field(default=None, name="At")
    size: int | None = msgspec.field(default=None, name="Size")


def test_encoding_is_right_without_validation_having_run() -> None:
    value = _When()
    value.at = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)  # set after construction, never validated
    assert json.loads(encode_body(value)) == {"At": 1704164645}


def test_encoders_and_validators_built_concurrently_are_complete() -> None:
    """Fresh Struct types encoded and validated from many threads at once: every result whole."""
    failures: list[str] = []
    for round_ in range(20):
        cls: Any = msgspec.defstruct(
            f"Fresh{round_}",
            [
                ("at", datetime | None, msgspec.field(default=None, name="At")),
                ("n", int | None, msgspec.field(default=None, name="N")),
            ],
            bases=(Shape,),
            kw_only=True,
        )
        value = cls(at=datetime(2024, 1, 1, tzinfo=UTC), n=5)
        barrier = threading.Barrier(8)

        def work(value: Any = value, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            body = encode_body(value)
            if json.loads(body) != {"At": 1704067200, "N": 5}:
                failures.append(body.decode())
            if not is_valid(value) or report(value):
                failures.append("invalid")

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []


def test_an_encoder_that_failed_half_way_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    module = types.ModuleType("half_built_shapes")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = module.__dict__
    exec(
        "from __future__ import annotations\n"
        "import msgspec\n"
        "from sm_typed_runtime.shapes import Shape\n"
        "class Later(Shape, kw_only=True):\n"
        "    inner: Missing | None = msgspec.field(default=None, name='Inner')\n",
        namespace,
    )
    later = namespace["Later"]
    with pytest.raises(Exception):  # noqa: B017 - the annotation cannot be resolved yet
        encode_body(later(inner=None))

    class Missing(Shape, kw_only=True):
        when: datetime | None = msgspec.field(default=None, name="When")

    namespace["Missing"] = Missing
    value = later(inner=Missing(when=datetime(2024, 1, 1, tzinfo=UTC)))
    assert json.loads(encode_body(value)) == {"Inner": {"When": 1704067200}}


def test_pinned_model_files_are_json() -> None:
    for path in (ROOT / "service-models").rglob("*.json"):
        json.loads(path.read_text())
    assert gzip  # (kept for botocore_model)


def test_invocation_ids_and_tokens_are_uuid4() -> None:
    import uuid

    from sm_typed_runtime._request import new_invocation_id, new_token

    seen = set()
    for make in [new_invocation_id, new_token] * 500:
        text = make()
        value = uuid.UUID(text)
        assert value.version == 4 and value.variant == uuid.RFC_4122 and str(value) == text
        seen.add(text)
    assert len(seen) == 1000
