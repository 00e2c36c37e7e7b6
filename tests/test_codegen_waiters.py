"""sm_typed's own waiters file, and the check of every expected value against the model."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from codegen.errors import CodegenError
from codegen.loader import load_service
from codegen.model import Waiter
from codegen.waiter_checks import OWN_WAITERS, check_expected_values

MODEL = (
    Path(__file__).resolve().parent.parent / "service-models/sagemaker/2017-07-24/service-2.json"
)


def test_every_waiter_of_the_model_and_ours_passes_the_check() -> None:
    service = load_service(MODEL)
    ours = json.loads((OWN_WAITERS / "sagemaker.json").read_text())["waiters"]
    assert set(ours) <= set(service.waiters)
    assert len(service.waiters) == 13 + len(ours) and len(ours) >= 6
    check_expected_values(service)


@pytest.mark.parametrize(
    ("argument", "expected", "message"),
    [
        ("EndpointStatus", "Ready", "is never 'Ready'"),
        ("ProductionVariants[].CurrentServerlessConfig.MemorySizeInMB", 1, None),
        ("NoSuchMember", "x", "has no NoSuchMember"),
    ],
)
def test_a_value_the_status_enum_lacks_fails_the_generation(
    argument: str, expected: object, message: str | None
) -> None:
    service = load_service(MODEL)
    bad = Waiter(
        name="EndpointReady",
        operation="DescribeEndpoint",
        delay=1,
        max_attempts=1,
        acceptors=(
            {"matcher": "path", "argument": argument, "state": "success", "expected": expected},
        ),
    )
    mutated = replace(service, waiters={**service.waiters, "EndpointReady": bad})
    if message is None:
        check_expected_values(mutated)  # not an enum: nothing to check against
        return
    with pytest.raises(CodegenError, match=message):
        check_expected_values(mutated)
