"""The API-change report (`python -m codegen --diff`): every rule, real model versions, and
the point of it: what it calls breaking fails a downstream type check, additive does not."""

from __future__ import annotations

import copy
import gzip
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codegen.__main__ import main as codegen_main
from codegen.changes import Change, compare
from codegen.loader import load_service, model_file, service_from_dict

ROOT = Path(__file__).resolve().parent.parent
OLD_FIXTURE = ROOT / "tests" / "data" / "sagemaker-botocore-1.38.0"
PINNED = ROOT / "service-models" / "sagemaker"


def base_model() -> dict[str, Any]:
    """A small JSON-protocol model with one of everything the report looks at."""
    return {
        "version": "2.0",
        "metadata": {
            "apiVersion": "2020-01-01",
            "endpointPrefix": "thing",
            "jsonVersion": "1.1",
            "protocol": "json",
            "serviceFullName": "Thing Service",
            "serviceId": "Thing",
            "signatureVersion": "v4",
            "signingName": "thing",
            "targetPrefix": "Thing",
            "uid": "thing-2020-01-01",
        },
        "operations": {
            "CreateThing": {
                "name": "CreateThing",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "CreateThingInput"},
                "output": {"shape": "CreateThingOutput"},
                "errors": [{"shape": "ThingNotFound"}],
                "documentation": "<p>Creates a thing.</p>",
            },
            "DescribeThing": {
                "name": "DescribeThing",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "DescribeThingInput"},
                "output": {"shape": "DescribeThingOutput"},
            },
            "ListThings": {
                "name": "ListThings",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "ListThingsInput"},
                "output": {"shape": "ListThingsOutput"},
            },
        },
        "shapes": {
            "CreateThingInput": {
                "type": "structure",
                "required": ["Name"],
                "members": {
                    "Name": {"shape": "String", "documentation": "<p>The name.</p>"},
                    "Mode": {"shape": "ThingMode"},
                    "Size": {"shape": "Integer"},
                    "Part": {"shape": "Part"},
                },
            },
            "CreateThingOutput": {
                "type": "structure",
                "required": ["ThingArn"],
                "members": {"ThingArn": {"shape": "String"}},
            },
            "DescribeThingInput": {
                "type": "structure",
                "required": ["Name"],
                "members": {"Name": {"shape": "String"}},
            },
            "DescribeThingOutput": {
                "type": "structure",
                "required": ["Name", "Status"],
                "members": {
                    "Name": {"shape": "String"},
                    "Status": {"shape": "ThingStatus"},
                    "Labels": {"shape": "Labels"},
                    "Part": {"shape": "Part"},
                },
            },
            "ListThingsInput": {
                "type": "structure",
                "members": {"NextToken": {"shape": "String"}, "MaxResults": {"shape": "Integer"}},
            },
            "ListThingsOutput": {
                "type": "structure",
                "members": {"Things": {"shape": "Labels"}, "NextToken": {"shape": "String"}},
            },
            "Part": {"type": "structure", "members": {"Weight": {"shape": "Integer"}}},
            "OtherPart": {"type": "structure", "members": {"Weight": {"shape": "Integer"}}},
            "Labels": {"type": "list", "member": {"shape": "String"}},
            "Numbers": {"type": "list", "member": {"shape": "Integer"}},
            "ThingMode": {"type": "string", "enum": ["A", "B"]},
            "ThingStatus": {"type": "string", "enum": ["Creating", "Ready", "Failed"]},
            "ThingNotFound": {
                "type": "structure",
                "members": {"Message": {"shape": "String"}},
                "exception": True,
            },
            "String": {"type": "string"},
            "Integer": {"type": "integer"},
        },
    }


PAGINATORS: dict[str, Any] = {
    "ListThings": {
        "input_token": "NextToken",
        "output_token": "NextToken",
        "limit_key": "MaxResults",
        "result_key": "Things",
    }
}
WAITERS: dict[str, Any] = {
    "ThingReady": {
        "delay": 5,
        "operation": "DescribeThing",
        "maxAttempts": 10,
        "acceptors": [
            {"state": "success", "matcher": "path", "argument": "Status", "expected": "Ready"}
        ],
    }
}


def service(raw: dict[str, Any], paginators: Any = None, waiters: Any = None) -> Any:
    return service_from_dict(
        raw,
        "thing",
        paginators=PAGINATORS if paginators is None else paginators,
        waiters=WAITERS if waiters is None else waiters,
    )


def diff(mutate: Callable[[dict[str, Any]], None], **kwargs: Any) -> list[Change]:
    old = base_model()
    new = copy.deepcopy(old)
    mutate(new)
    return compare(service(old), service(new, **kwargs), "thing")


def only(changes: list[Change]) -> tuple[str, str, str]:
    assert len(changes) == 1, changes
    c = changes[0]
    return c.severity, c.python, c.change


def shapes_of(m: dict[str, Any]) -> dict[str, Any]:
    return m["shapes"]


# -- one mutation per rule -----------------------------------------------------------------


def test_nothing_changed_reports_nothing() -> None:
    assert diff(lambda m: None) == []


def test_removed_operation_is_breaking() -> None:
    def mutate(m: dict[str, Any]) -> None:
        del m["operations"]["CreateThing"]
        del m["shapes"]["CreateThingInput"], m["shapes"]["CreateThingOutput"]
        del m["shapes"]["ThingMode"]

    changes = diff(mutate)
    found = {(c.severity, c.python, c.change) for c in changes}
    assert ("breaking", "ThingClient.create_thing", "operation removed") in found
    assert ("breaking", "shapes.CreateThingInput", "shape removed") in found
    assert ("breaking", "shapes.ThingMode", "enum removed") in found
    assert all(c.severity == "breaking" for c in changes)


def test_removed_output_member_is_breaking() -> None:
    def mutate(m: dict[str, Any]) -> None:
        del shapes_of(m)["DescribeThingOutput"]["members"]["Labels"]

    assert only(diff(mutate)) == ("breaking", "shapes.DescribeThingOutput.labels", "removed")


def test_input_member_added_as_required_is_breaking_and_named_as_the_keyword() -> None:
    def mutate(m: dict[str, Any]) -> None:
        shape = shapes_of(m)["CreateThingInput"]
        shape["members"]["Color"] = {"shape": "String"}
        shape["required"].append("Color")

    assert only(diff(mutate)) == (
        "breaking",
        "ThingClient.create_thing(color=)",
        "added as required",
    )


def test_input_member_made_required_is_breaking() -> None:
    def mutate(m: dict[str, Any]) -> None:
        shapes_of(m)["CreateThingInput"]["required"].append("Size")

    assert only(diff(mutate)) == ("breaking", "ThingClient.create_thing(size=)", "made required")


def test_member_type_changes_are_breaking() -> None:
    def scalar(m: dict[str, Any]) -> None:
        shapes_of(m)["CreateThingInput"]["members"]["Size"] = {"shape": "String"}

    def element(m: dict[str, Any]) -> None:
        shapes_of(m)["DescribeThingOutput"]["members"]["Labels"] = {"shape": "Numbers"}

    def target(m: dict[str, Any]) -> None:
        shapes_of(m)["DescribeThingOutput"]["members"]["Part"] = {"shape": "OtherPart"}

    assert only(diff(scalar)) == (
        "breaking",
        "ThingClient.create_thing(size=)",
        "type changed: int -> str",
    )
    assert only(diff(element)) == (
        "breaking",
        "shapes.DescribeThingOutput.labels",
        "type changed: list[str] -> list[int]",
    )
    assert only(diff(target)) == (
        "breaking",
        "shapes.DescribeThingOutput.part",
        "type changed: Part -> OtherPart",
    )


def test_enum_value_removed_is_breaking_in_an_input_and_risky_in_an_output() -> None:
    def from_input(m: dict[str, Any]) -> None:
        shapes_of(m)["ThingMode"]["enum"].remove("B")

    def from_output(m: dict[str, Any]) -> None:
        shapes_of(m)["ThingStatus"]["enum"].remove("Failed")

    assert only(diff(from_input)) == ("breaking", 'shapes.ThingMode value "B"', "value removed")
    assert only(diff(from_output)) == (
        "risky",
        'shapes.ThingStatus value "Failed"',
        "value removed",
    )


def test_output_member_no_longer_required_is_risky() -> None:
    def mutate(m: dict[str, Any]) -> None:
        shapes_of(m)["DescribeThingOutput"]["required"].remove("Status")

    severity, python, change = only(diff(mutate))
    assert (severity, python) == ("risky", "shapes.DescribeThingOutput.status")
    assert "None check" in change


def test_python_name_change_by_collision_is_breaking() -> None:
    def mutate(m: dict[str, Any]) -> None:
        # "Name" keeps name; a new "NAME" sorts first, so it takes `name` and the old one moves.
        shapes_of(m)["DescribeThingOutput"]["members"]["NAME"] = {"shape": "String"}

    changes = {(c.severity, c.python, c.change) for c in diff(mutate)}
    assert (
        "breaking",
        "shapes.DescribeThingOutput.name_2",
        "Python name changed from name",
    ) in changes


def test_removed_error_and_waiter_are_breaking() -> None:
    def mutate(m: dict[str, Any]) -> None:
        del shapes_of(m)["ThingNotFound"]
        m["operations"]["CreateThing"]["errors"] = []

    assert ("breaking", "errors.ThingNotFound", "error removed") in {
        (c.severity, c.python, c.change) for c in diff(mutate)
    }
    assert only(diff(lambda m: None, waiters={})) == (
        "breaking",
        "ThingClient.wait_until_thing_ready",
        "waiter removed",
    )


def test_waiter_numbers_and_paginator_tokens_are_risky() -> None:
    slower = {"ThingReady": {**WAITERS["ThingReady"], "delay": 30}}
    assert only(diff(lambda m: None, waiters=slower)) == (
        "risky",
        "ThingClient.wait_until_thing_ready",
        "delay 5 s -> 30 s",
    )
    fewer = {"ThingReady": {**WAITERS["ThingReady"], "maxAttempts": 3}}
    assert only(diff(lambda m: None, waiters=fewer))[2] == "max attempts 10 -> 3"
    tokens = {"ListThings": {**PAGINATORS["ListThings"], "output_token": "Marker"}}
    severity, python, change = only(diff(lambda m: None, paginators=tokens))
    assert (severity, python) == ("risky", "ThingClient.paginate_list_things")
    assert change.startswith("output_token changed")


def test_additions_and_documentation_are_additive() -> None:
    def mutate(m: dict[str, Any]) -> None:
        s = shapes_of(m)
        s["CreateThingInput"]["members"]["Note"] = {"shape": "String"}
        s["ThingMode"]["enum"].append("C")
        s["CreateThingInput"]["members"]["Name"]["documentation"] = "<p>The thing's name.</p>"
        s["Gone"] = {"type": "structure", "members": {}, "exception": True}
        m["operations"]["DeleteThing"] = {
            "name": "DeleteThing",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "DescribeThingInput"},
        }

    waiters = {**WAITERS, "ThingGone": {**WAITERS["ThingReady"]}}
    changes = diff(mutate, waiters=waiters)
    assert {c.severity for c in changes} == {"additive"}
    assert {(c.python, c.change) for c in changes} == {
        ("ThingClient.create_thing(note=)", "added (optional)"),
        ('shapes.ThingMode value "C"', "value added"),
        ("ThingClient.create_thing(name=)", "documentation"),
        ("errors.Gone", "error added"),
        ("ThingClient.delete_thing", "operation added"),
        ("ThingClient.wait_until_thing_gone", "waiter added"),
    }


# -- real model versions -------------------------------------------------------------------


def test_report_between_two_real_sagemaker_models() -> None:
    old_path, new_path = model_file(OLD_FIXTURE), model_file(PINNED)
    old_raw = json.loads(gzip.decompress(old_path.read_bytes()))
    new_raw = json.loads(new_path.read_text())
    before, after = load_service(old_path), load_service(new_path)
    assert before.service_name == after.service_name == "sagemaker"  # inferred, not "data"
    changes = compare(before, after, "sm_typed")
    added_ops = {c.wire for c in changes if c.change == "operation added"}
    assert added_ops == set(new_raw["operations"]) - set(old_raw["operations"])
    assert all(c.severity == "additive" for c in changes if c.kind == "operation")
    assert (
        "breaking",
        "shapes.RealTimeInferenceConfig.instance_type",
    ) in {(c.severity, c.python) for c in changes}


def test_cli_formats_and_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = base_model(), base_model()
    shapes_of(new)["CreateThingInput"]["members"]["Note"] = {"shape": "String"}
    paths = []
    for label, model in (("old", old), ("new", new)):
        path = tmp_path / label / "service-2.json"
        path.parent.mkdir()
        path.write_text(json.dumps(model))
        paths.append(str(path))
    args = ["--diff", *paths, "--service-name", "thing"]
    assert codegen_main([*args, "--format", "json", "--fail-on", "risky"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == [
        {
            "severity": "additive",
            "python": "ThingClient.create_thing(note=)",
            "wire": "CreateThingInput.Note",
            "change": "added (optional)",
            "kind": "member",
        }
    ]
    assert codegen_main([*args[:1], paths[1], paths[0], *args[3:], "--fail-on", "breaking"]) == 1
    markdown = capsys.readouterr().out
    assert "## Breaking (1)" in markdown
    assert "| `ThingClient.create_thing(note=)` | `CreateThingInput.Note` | removed |" in markdown


def test_a_model_outside_botocores_layout_needs_its_service_name(tmp_path: Path) -> None:
    path = tmp_path / "x" / "sfn.json"
    path.parent.mkdir()
    path.write_text(json.dumps(base_model()))
    assert codegen_main(["--diff", str(path), str(path)]) == 2


# -- the point of the report: the type checker agrees ---------------------------------------


def _generate(tmp_path: Path, label: str, model: dict[str, Any]) -> Path:
    root = tmp_path / label
    src = root / "model" / "service-2.json"
    src.parent.mkdir(parents=True)
    src.write_text(json.dumps(model))
    assert (
        codegen_main(
            ["--model", str(src), "--out", str(root / "gen_thing"), "--service-name", "thing"]
        )
        == 0
    )
    return root


def _mypy(
    package_root: Path, program: str, tmp_path: Path, name: str
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / f"{name}.py"
    path.write_text(program)
    return subprocess.run(
        # One cache for the runs of a test: the standard library and the runtime are read
        # once; each run's own package and program are checked afresh (other paths).
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(path),
        ],
        env={"MYPYPATH": str(package_root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_what_the_report_calls_breaking_fails_mypy_and_additive_does_not(tmp_path: Path) -> None:
    old = base_model()
    new = copy.deepcopy(old)
    del shapes_of(new)["DescribeThingOutput"]["members"]["Labels"]  # breaking
    shapes_of(new)["DescribeThingOutput"]["members"]["Color"] = {"shape": "String"}  # additive
    changes = compare(service(old), service(new), "gen_thing")
    assert {(c.severity, c.python) for c in changes} == {
        ("breaking", "shapes.DescribeThingOutput.labels"),
        ("additive", "shapes.DescribeThingOutput.color"),
    }
    new_root = _generate(tmp_path, "new", new)
    header = "from gen_thing import ThingClient\n\n\nasync def main(client: ThingClient) -> None:\n"
    uses_removed = (
        header + '    out = await client.describe_thing(name="n")\n    print(out.labels)\n'
    )
    uses_additive = (
        header + '    out = await client.describe_thing(name="n")\n    print(out.name)\n'
    )
    old_root = _generate(tmp_path, "old", old)
    assert _mypy(old_root, uses_removed, tmp_path, "before").returncode == 0
    failed = _mypy(new_root, uses_removed, tmp_path, "after")
    assert failed.returncode == 1
    assert '"DescribeThingOutput" has no attribute "labels"' in failed.stdout
    assert _mypy(new_root, uses_additive, tmp_path, "additive").returncode == 0, _mypy(
        new_root, uses_additive, tmp_path, "additive"
    ).stdout
