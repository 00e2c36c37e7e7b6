"""Names survive regeneration: a model from botocore 1.38.0 and today's agree on every shared name."""

from __future__ import annotations

from pathlib import Path

from codegen import naming
from codegen.generate import TARGETS
from codegen.loader import load_service
from codegen.render import Renderer

OLD_MODEL = Path(__file__).parent / "data/sagemaker-botocore-1.38.0/2017-07-24/service-2.json.gz"


def names(model: Path) -> dict[str, str]:
    """Every public name the generator emits, keyed by what it names in the model."""
    service = load_service(model, "sagemaker")
    renderer = Renderer(service, package_doc_name="sm_typed")
    out: dict[str, str] = {}
    for op, method in naming.method_names(service.operations).items():
        out[f"operation {op}"] = method
    for shape in service.shapes.values():
        if shape.type == "structure" or (shape.type == "string" and shape.enum):
            out[f"shape {shape.name}"] = naming.class_name(shape.name)
        if shape.type == "structure":
            for member, attr in renderer.attrs(shape).items():
                out[f"member {shape.name}.{member}"] = attr
    return out


def test_shared_names_are_unchanged_between_model_versions() -> None:
    old, new = names(OLD_MODEL), names(TARGETS[0].model)
    shared = set(old) & set(new)
    assert len(shared) > 7000
    changed = {k: (old[k], new[k]) for k in shared if old[k] != new[k]}
    assert changed == {}


def test_regeneration_of_the_old_model_is_deterministic() -> None:
    service = load_service(OLD_MODEL, "sagemaker")
    first = Renderer(service, package_doc_name="sm_typed").render()
    second = Renderer(load_service(OLD_MODEL, "sagemaker"), package_doc_name="sm_typed").render()
    assert first == second
