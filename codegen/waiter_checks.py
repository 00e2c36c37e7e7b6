"""sm_typed's own waiters (``codegen/waiters/<service>.json``), and the check every waiter
passes: an expected value read from a status enum must be one of that enum's values."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import CodegenError
from .model import Service

OWN_WAITERS = Path(__file__).resolve().parent / "waiters"


def own_waiters(service_name: str) -> dict[str, object]:
    path = OWN_WAITERS / f"{service_name}.json"
    if not path.exists():
        return {}
    waiters: dict[str, object] = json.loads(path.read_text())["waiters"]
    return waiters


def check_expected_values(service: Service) -> None:
    """Fail on an acceptor expecting a value its path's enum does not have."""
    for name, waiter in service.waiters.items():
        op = service.operations[waiter.operation]
        for acceptor in waiter.acceptors:
            if acceptor.get("matcher") not in ("path", "pathAll", "pathAny"):
                continue
            values = _enum_at(service, op.output, str(acceptor.get("argument", "")))
            expected = acceptor.get("expected")
            if values is not None and expected not in values:
                raise CodegenError(
                    f"waiter {name}: {acceptor.get('argument')} is never {expected!r} "
                    f"(the model's values: {', '.join(values)})"
                )


def _enum_at(service: Service, shape_name: str | None, path: str) -> tuple[str, ...] | None:
    """The enum values at a wire-named path like ``A.B`` or ``A[].B``; None when the path
    is not that simple or does not end at an enum."""
    if shape_name is None:
        return None
    shape = service.shapes[shape_name]
    for raw in path.split("."):
        step = raw.removesuffix("[]")
        if not step.isidentifier():
            return None
        member = next((m for m in shape.members if m.wire_name == step), None)
        if member is None:
            raise CodegenError(f"a waiter reads {path}, and {shape.name} has no {step}")
        shape = service.shapes[member.target]
        if raw.endswith("[]"):
            if shape.list_member is None:
                return None
            shape = service.shapes[shape.list_member]
    return shape.enum or None
