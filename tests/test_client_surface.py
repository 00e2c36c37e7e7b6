"""One typed async method per operation, named and shaped the way boto3 users expect."""

from __future__ import annotations

import inspect
import json
import typing
from pathlib import Path

import msgspec
from botocore import xform_name

from sm_typed import SageMakerClient, shapes

ROOT = Path(__file__).resolve().parent.parent
MODEL = json.loads((ROOT / "service-models/sagemaker/2017-07-24/service-2.json").read_text())


def test_every_operation_has_an_async_method() -> None:
    ops = MODEL["operations"]
    assert len(ops) >= 409
    for name, op in ops.items():
        method = getattr(SageMakerClient, xform_name(name))
        assert inspect.iscoroutinefunction(method), name
        hints = typing.get_type_hints(method)
        output = op.get("output", {}).get("shape")
        assert hints["return"] is (getattr(shapes, output) if output else type(None)), name
        assert method.__doc__, name


def test_parameters_are_keyword_only_and_match_the_input_shape() -> None:
    for name, op in MODEL["operations"].items():
        method = getattr(SageMakerClient, xform_name(name))
        params = list(inspect.signature(method).parameters.values())[1:]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), name
        input_cls = getattr(shapes, op["input"]["shape"])
        fields = {f.name: f for f in msgspec.structs.fields(input_cls)}
        assert [p.name for p in params] == list(fields), name
        for p in params:
            required = fields[p.name].required
            assert (p.default is inspect.Parameter.empty) == required, f"{name}.{p.name}"


def test_create_model_signature() -> None:
    sig = inspect.signature(SageMakerClient.create_model)
    assert sig.parameters["model_name"].default is inspect.Parameter.empty
    assert sig.parameters["primary_container"].default is None
    hints = typing.get_type_hints(SageMakerClient.create_model)
    assert hints["return"] is shapes.CreateModelOutput
    assert hints["primary_container"] == shapes.ContainerDefinition | None


def test_method_docstrings_document_every_documented_parameter() -> None:
    import inspect
    import json
    from pathlib import Path

    from sm_typed import SageMakerClient

    model = json.loads(
        (
            Path(__file__).parent.parent / "service-models/sagemaker/2017-07-24/service-2.json"
        ).read_text()
    )
    doc = inspect.getdoc(SageMakerClient.create_model) or ""
    assert "model_name: The name of the new model." in doc
    checked = 0
    for name, op in model["operations"].items():
        if "input" not in op:
            continue
        members = model["shapes"][op["input"]["shape"]].get("members", {})
        method = getattr(SageMakerClient, __import__("botocore").xform_name(name))
        text = inspect.getdoc(method) or ""
        for ref in members.values():
            if ref.get("documentation", "").strip():
                checked += 1
        params = [p for p in inspect.signature(method).parameters if p != "self"]
        documented = [
            p for p, ref in zip(params, members.values(), strict=False) if ref.get("documentation")
        ]
        for param in documented:
            assert f"\n    {param}: " in text, (name, param)
    assert checked > 1500
