"""The generated shapes match the model, member by member, and decode what the service sends."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from sm_typed import shapes
from sm_typed_runtime._decode import BodyDecoder

ROOT = Path(__file__).resolve().parent.parent
MODEL = json.loads((ROOT / "service-models/sagemaker/2017-07-24/service-2.json").read_text())
STRUCTURES = {n: s for n, s in MODEL["shapes"].items() if s["type"] == "structure"}
ENUMS = {n for n, s in MODEL["shapes"].items() if s["type"] == "string" and "enum" in s}
OPTIONAL_BY_OVERRIDE = {("ModelPackageSummary", "ModelPackageName")}


def test_one_struct_per_structure_and_all_is_explicit() -> None:
    assert len(STRUCTURES) > 1500
    exported = set(shapes.__all__)
    assert exported == set(STRUCTURES) | ENUMS
    for name in STRUCTURES:
        assert issubclass(getattr(shapes, name), msgspec.Struct), name
    for path in [ROOT / "src/sm_typed/shapes.py", *(ROOT / "src/sm_typed/_shapes").glob("*.py")]:
        assert "import *" not in path.read_text(), path


def test_every_member_keeps_its_wire_name_and_requiredness() -> None:
    checked = 0
    for name, shape in STRUCTURES.items():
        cls = getattr(shapes, name)
        fields = {f.encode_name: f for f in msgspec.structs.fields(cls)}
        assert set(fields) == set(shape["members"]), name
        required = set(shape.get("required", []))
        for member, spec in shape["members"].items():
            field = fields[member]
            expect_required = (
                member in required
                and not spec.get("idempotencyToken")
                and (name, member) not in OPTIONAL_BY_OVERRIDE
            )
            assert field.required == expect_required, f"{name}.{member}"
            assert re.fullmatch(r"[a-z][a-z0-9_]*", field.name), field.name
            checked += 1
    assert checked > 6000


def test_known_hard_member_names() -> None:
    fields = {
        f.name: f.encode_name for f in msgspec.structs.fields(shapes.AutoMLJobCompletionCriteria)
    }
    assert fields["max_auto_ml_job_runtime_in_seconds"] == "MaxAutoMLJobRuntimeInSeconds"
    names = {f.name for f in msgspec.structs.fields(shapes.ProductionVariant)}
    assert "enable_ssm_access" in names


def test_every_struct_gets_a_decoder() -> None:
    for name in STRUCTURES:
        msgspec.json.Decoder(getattr(shapes, name), strict=False)


def test_unknown_enum_values_and_members_decode() -> None:
    body = json.dumps(
        {
            "ModelPackageArn": "arn",
            "CreationTime": 1700000000,
            "ModelPackageStatus": "SomeStatusFromTheFuture",
            "BrandNewMember": {"x": 1},
        }
    ).encode()
    out = BodyDecoder(shapes.ModelPackageSummary).decode(body)
    assert out.model_package_status == "SomeStatusFromTheFuture"
    assert out.model_package_name is None


@pytest.mark.parametrize(
    ("wire", "fraction"),
    [
        (1700000000, 0.0),
        (1700000000.5, 0.5),
        ("2023-11-14T22:13:20.5Z", 0.5),
        ("2023-11-14T23:13:20.25+01:00", 0.25),
        ("Tue, 14 Nov 2023 22:13:20 GMT", 0.0),
    ],
)
def test_timestamps_decode_as_aware_datetimes(wire: Any, fraction: float) -> None:
    body = json.dumps({"ModelName": "m", "ModelArn": "a", "CreationTime": wire}).encode()
    out = BodyDecoder(shapes.DescribeModelOutput).decode(body)
    assert out.creation_time.tzinfo is not None
    expected = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC).timestamp() + fraction
    assert out.creation_time.timestamp() == expected


def test_missing_required_output_member_is_corrected_not_fatal() -> None:
    out = BodyDecoder(shapes.DescribeModelOutput).decode(b'{"ModelName": "m"}')
    assert out.model_name == "m"
    assert out.model_arn == ""
    assert out.creation_time == datetime(1970, 1, 1, tzinfo=UTC)


def test_sensitive_members_are_masked_in_repr() -> None:
    canary = "canary-secret-31415"
    oidc = shapes.OidcConfig(
        client_id="id",
        client_secret=canary,
        issuer="i",
        authorization_endpoint="a",
        token_endpoint="t",
        user_info_endpoint="u",
        logout_endpoint="l",
        jwks_uri="j",
    )
    wrapper = shapes.UpdateWorkforceRequest(workforce_name="w", oidc_config=oidc)
    for text in (repr(oidc), str(oidc), repr(wrapper), str([wrapper])):
        assert canary not in text
        assert "client_secret=***" in text
    assert b"canary" in msgspec.json.encode(oidc)  # masked for people, not for the wire


def test_recursive_shape_round_trips() -> None:
    expr = shapes.SearchExpression(
        sub_expressions=[shapes.SearchExpression(filters=[shapes.Filter(name="n", value="v")])],
        operator="And",
    )
    decoded = msgspec.json.decode(msgspec.json.encode(expr), type=shapes.SearchExpression)
    assert decoded == expr


def test_docstrings_come_from_the_model() -> None:
    assert shapes.ContainerDefinition.__doc__ is not None
    assert "container" in shapes.ContainerDefinition.__doc__.lower()
    assert "<p>" not in shapes.ContainerDefinition.__doc__


def test_every_documented_member_has_an_attribute_docstring() -> None:
    """Editors show the string after an attribute as its documentation on hover."""
    import ast

    from codegen.docs import html_to_text

    tree = ast.parse((ROOT / "src/sm_typed/shapes.pyi").read_text())  # what editors read
    documented: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            attrs = documented.setdefault(node.name, set())
            for stmt, following in zip(node.body, node.body[1:], strict=False):
                if (
                    isinstance(stmt, ast.AnnAssign)
                    and isinstance(stmt.target, ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)
                ):
                    attrs.add(stmt.target.id)
    missing = []
    for name, shape in STRUCTURES.items():
        fields = {f.encode_name: f.name for f in msgspec.structs.fields(getattr(shapes, name))}
        for member, spec in shape["members"].items():
            has_text = html_to_text(spec.get("documentation", "")).strip()
            if has_text and fields[member] not in documented[name]:
                missing.append(f"{name}.{member}")
    assert missing == []
