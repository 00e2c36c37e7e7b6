"""`sm-typed`: the AWS CLI's command line over the typed client, against moto and on the wire."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import httpx
import msgspec
import pytest
from helpers import OPEN_HTTP_CLIENTS, Recorder, json_response
from moto_local import MotoServer

from sm_typed._cli import TABLE
from sm_typed.errors import ParamValidationError
from sm_typed_runtime.cli import run
from sm_typed_runtime.shapes import Shape
from sm_typed_runtime.wire import from_wire, skeleton, to_wire, to_wire_json

MODEL = Path(__file__).parent.parent / "service-models" / "sagemaker" / "2017-07-24"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


def cli(*argv: str, **client_options: Any) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), TABLE, stdout=out, stderr=err, client_options=client_options)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def moto_cli(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    def call(*argv: str) -> Result:
        return cli("--region", "us-east-1", "--endpoint-url", moto_server.url, *argv)

    return call


@pytest.fixture
def boto(moto_server: MotoServer) -> Iterator[Any]:
    """boto3 beside the command line; the models a test made are deleted after it (the moto
    server is shared by the whole session)."""
    client = boto3.client(
        "sagemaker",
        region_name="us-east-1",
        endpoint_url=moto_server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    before = {m["ModelName"] for m in client.list_models()["Models"]}
    yield client
    for model in client.list_models()["Models"]:
        if model["ModelName"] not in before:
            client.delete_model(ModelName=model["ModelName"])


def wire_cli(recorder: Recorder, *argv: str) -> Result:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler))
    OPEN_HTTP_CLIENTS.append(http)
    return cli(
        *argv,
        region="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        http_client=http,
    )


def _iso_to_datetime(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _iso_to_datetime(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso_to_datetime(v) for v in value]
    if isinstance(value, str) and len(value) > 19 and value[4] == "-" and value[10] == "T":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


# -- against moto, beside boto3 ------------------------------------------------------------


def test_create_from_cli_input_json_then_describe_equals_boto3(
    moto_cli: Any, boto: Any, tmp_path: Path
) -> None:
    document = {
        "ModelName": "cli-json-model",
        "PrimaryContainer": {
            "Image": IMAGE,
            "ModelDataUrl": "s3://bucket/model.tar.gz",
            "Environment": {"A": "1"},
        },
        "ExecutionRoleArn": ROLE,
        "Tags": [{"Key": "team", "Value": "ml"}],
    }
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document))
    created = moto_cli("create-model", "--cli-input-json", f"file://{path}")
    assert created.code == 0, created.err
    assert created.json()["ModelArn"].endswith(":model/cli-json-model")

    described = moto_cli("describe-model", "--model-name", "cli-json-model")
    assert described.code == 0, described.err
    expected = boto.describe_model(ModelName="cli-json-model")
    expected.pop("ResponseMetadata")
    assert _iso_to_datetime(described.json()) == expected
    assert described.json()["CreationTime"].endswith("+00:00")  # ISO 8601, as the AWS CLI


def test_options_override_cli_input_json(moto_cli: Any, boto: Any) -> None:
    document = json.dumps(
        {"ModelName": "from-json", "PrimaryContainer": {"Image": IMAGE}, "ExecutionRoleArn": ROLE}
    )
    created = moto_cli("create-model", "--cli-input-json", document, "--model-name", "from-option")
    assert created.code == 0, created.err
    names = [m["ModelName"] for m in boto.list_models()["Models"]]
    assert "from-option" in names
    assert "from-json" not in names


def test_create_model_package_fills_its_token(moto_cli: Any, boto: Any) -> None:
    group = "cli-group"
    assert moto_cli("create-model-package-group", "--model-package-group-name", group).code == 0
    made = moto_cli(
        "create-model-package",
        "--model-package-group-name",
        group,
        "--model-package-description",
        "v1",
    )
    assert made.code == 0, made.err
    arn = made.json()["ModelPackageArn"]
    listed = boto.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    assert [p["ModelPackageArn"] for p in listed] == [arn]

    recorder = Recorder(lambda _r: json_response({"ModelPackageArn": arn}))
    assert wire_cli(recorder, "create-model-package", "--model-package-group-name", group).code == 0
    token = recorder.last_json()["ClientToken"]
    assert isinstance(token, str) and len(token) == 36  # a UUID, as botocore fills it


def test_service_error_is_printed_as_the_aws_cli_does(moto_cli: Any) -> None:
    result = moto_cli("describe-model", "--model-name", "no-such-model")
    assert result.code == 254
    assert result.out == ""
    assert result.err.startswith(
        "\nAn error occurred (ValidationException) when calling the DescribeModel operation: "
    )
    assert "no-such-model" in result.err
    assert "Traceback" not in result.err


def test_paginated_operation_merges_pages_as_botocore_and_resumes(moto_cli: Any, boto: Any) -> None:
    for i in range(3):
        boto.create_model(
            ModelName=f"cli-page-{i}", PrimaryContainer={"Image": IMAGE}, ExecutionRoleArn=ROLE
        )
    pages = boto.get_paginator("list_models")
    everything = moto_cli("list-models", "--page-size", "1")
    assert everything.code == 0, everything.err
    full = pages.paginate(PaginationConfig={"PageSize": 1}).build_full_result()
    assert _iso_to_datetime(everything.json()) == full
    assert len(full["Models"]) >= 3

    first = moto_cli("list-models", "--page-size", "1", "--max-items", "2")
    expected = pages.paginate(PaginationConfig={"PageSize": 1, "MaxItems": 2}).build_full_result()
    assert _iso_to_datetime(first.json())["Models"] == expected["Models"]
    rest = moto_cli("list-models", "--starting-token", first.json()["NextToken"])
    seen = first.json()["Models"] + rest.json()["Models"]
    assert _iso_to_datetime(seen) == full["Models"]

    queried = moto_cli("list-models", "--query", "Models[].ModelName")
    assert queried.json() == [m["ModelName"] for m in full["Models"]]


# -- the command line itself (on the wire: nothing reaches a server) -----------------------


def test_problems_are_listed_by_option_name_and_nothing_is_sent() -> None:
    recorder = Recorder()
    result = wire_cli(
        recorder,
        "create-model",
        "--primary-container",
        '{"Image": 5, "Bogus": 1}',
        "--tags",
        '[{"Key": "a"}]',
    )
    assert result.code == 252
    assert recorder.requests == []
    assert "--model-name: required, but not set" in result.err
    assert "--primary-container.Image: expected a string, got int" in result.err
    assert "--primary-container.Bogus: unknown member" in result.err
    assert "--tags[0].Value: required, but not set" in result.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["create-model", "--model-nme", "x"], "Unknown options: --model-nme"),
        (["creat-model"], "did you mean create-model"),
        (["create-model", "--model-name"], "expected one argument"),
        (["create-model", "--tags", "Key=a,Value=b"], "shorthand syntax is not supported"),
        (["list-models", "--max-results", "ten"], "expected an integer"),
        (["describe-model", "--model-name", "m", "--output", "table"], "only json"),
        (["create-model", "--generate-cli-skeleton", "yaml"], "invalid choice"),
        (["wait", "endpoint-in-servce"], "did you mean endpoint-in-service"),
        (["describe-model", "--page-size", "1", "--model-name", "m"], "Unknown options"),
    ],
)
def test_a_bad_command_line_exits_252(argv: list[str], message: str) -> None:
    recorder = Recorder()
    result = wire_cli(recorder, *argv)
    assert result.code == 252, result.err
    assert message in result.err
    assert recorder.requests == []


def test_scalars_flags_lists_and_timestamps_on_the_wire(tmp_path: Path) -> None:
    recorder = Recorder(lambda _r: json_response({"ModelArn": "arn"}))
    result = wire_cli(
        recorder,
        "create-model",
        "--model-name",
        "m",
        "--vpc-config",
        '{"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]}',
        "--enable-network-isolation",
    )
    assert result.code == 0, result.err
    sent = recorder.last_json()
    assert sent["EnableNetworkIsolation"] is True
    assert sent["VpcConfig"] == {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]}

    wire_cli(recorder, "create-model", "--model-name", "m", "--no-enable-network-isolation")
    assert recorder.last_json()["EnableNetworkIsolation"] is False

    recorder = Recorder()
    assert (
        wire_cli(recorder, "delete-tags", "--resource-arn", "arn:x", "--tag-keys", "a", "b").code
        == 0
    )
    assert recorder.last_json()["TagKeys"] == ["a", "b"]
    assert (
        wire_cli(recorder, "delete-tags", "--resource-arn", "arn:x", "--tag-keys", '["c"]').code
        == 0
    )
    assert recorder.last_json()["TagKeys"] == ["c"]

    recorder = Recorder(lambda _r: json_response({"Models": []}))
    assert (
        wire_cli(
            recorder,
            "list-models",
            "--creation-time-after",
            "2024-01-02T03:04:05Z",
            "--no-paginate",
        ).code
        == 0
    )
    assert (
        recorder.last_json()["CreationTimeAfter"]
        == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    )

    env = tmp_path / "env.json"
    env.write_text('{"Image": "from-file"}')
    recorder = Recorder(lambda _r: json_response({"ModelArn": "arn"}))
    wire_cli(recorder, "create-model", "--model-name", "m", "--primary-container", f"file://{env}")
    assert recorder.last_json()["PrimaryContainer"] == {"Image": "from-file"}


class Blobby(Shape, kw_only=True):
    data: bytes = msgspec.field(name="Data")
    when: datetime | None = msgspec.field(default=None, name="When")
    labels: dict[str, str] | None = msgspec.field(default=None, name="Labels")


def test_library_reads_and_writes_wire_json() -> None:
    data = bytes(range(256))
    text = json.dumps(
        {
            "Data": base64.b64encode(data).decode(),
            "When": "2024-01-02T03:04:05",
            "Labels": {"a": "b"},
        }
    )
    value = from_wire(Blobby, text)
    assert value.data == data
    assert value.when == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)  # naive is UTC, as botocore
    assert from_wire(Blobby, {"Data": "", "When": 1704164645}).when == value.when
    assert to_wire(value)["When"] == 1704164645  # the request body's epoch seconds
    assert to_wire(value, timestamps="iso8601")["When"] == "2024-01-02T03:04:05+00:00"
    assert json.loads(to_wire_json(value))["Data"] == base64.b64encode(data).decode()
    with pytest.raises(ParamValidationError) as caught:
        from_wire(
            Blobby, {"Data": "not base64!", "When": "yesterday", "Labels": {"a": None}, "X": 1}
        )
    assert sorted(caught.value.problems) == [
        "Data: expected base64 text (a blob)",
        'Labels["a"]: null is not allowed in a map',
        "When: expected a timestamp (ISO 8601 text or epoch seconds), got string",
        "X: unknown member; Blobby has: Data, When, Labels",
    ]
    assert skeleton(Blobby) == {
        "Data": None,
        "When": "1970-01-01T00:00:00",
        "Labels": {"KeyName": ""},
    }


def test_manual_token_turns_pagination_off() -> None:
    pages = iter(
        [{"Models": [{"ModelName": "a", "ModelArn": "x", "CreationTime": 0}], "NextToken": "t2"}]
    )
    recorder = Recorder(lambda _r: json_response(next(pages)))
    result = wire_cli(recorder, "list-models", "--next-token", "t1")
    assert result.code == 0, result.err
    assert len(recorder.requests) == 1
    assert recorder.last_json()["NextToken"] == "t1"
    assert result.json()["NextToken"] == "t2"  # one page, as the service gave it
    assert result.json()["Models"][0]["CreationTime"] == "1970-01-01T00:00:00+00:00"


def test_waiter_polls_until_success_and_prints_nothing() -> None:
    states = iter(["Creating", "InService"])

    def respond(_r: httpx.Request) -> httpx.Response:
        return json_response(
            {
                "EndpointName": "e",
                "EndpointArn": "arn",
                "EndpointStatus": next(states),
                "CreationTime": 0,
                "LastModifiedTime": 0,
            }
        )

    recorder = Recorder(respond)
    result = wire_cli(
        recorder, "wait", "endpoint-in-service", "--endpoint-name", "e", "--waiter-delay", "0"
    )
    assert result.code == 0, result.err
    assert result.out == ""
    assert len(recorder.requests) == 2


def test_waiter_failure_exits_255() -> None:
    recorder = Recorder(
        lambda _r: json_response(
            {
                "EndpointName": "e",
                "EndpointArn": "arn",
                "EndpointStatus": "Failed",
                "CreationTime": 0,
                "LastModifiedTime": 0,
            }
        )
    )
    result = wire_cli(recorder, "wait", "endpoint-in-service", "--endpoint-name", "e")
    assert result.code == 255
    assert "Waiter EndpointInService failed" in result.err


# -- skeletons -----------------------------------------------------------------------------


def _model_keys(shapes: dict[str, Any], name: str, stack: tuple[str, ...]) -> Any:
    """What the skeleton of shape ``name`` must look like, key for key, from the JSON model."""
    shape = shapes[name]
    kind = shape["type"]
    if kind == "structure":
        if name in stack:
            return {}
        return {
            member: _model_keys(shapes, ref["shape"], (*stack, name))
            for member, ref in shape.get("members", {}).items()
        }
    if kind == "list":
        return [_model_keys(shapes, shape["member"]["shape"], (*stack, name))]
    if kind == "map":
        return {"KeyName": _model_keys(shapes, shape["value"]["shape"], (*stack, name))}
    return None


def _same_keys(skeleton: Any, expected: Any, path: str = "") -> None:
    if isinstance(expected, dict):
        assert isinstance(skeleton, dict), path
        assert list(skeleton) == list(expected), path
        for key in expected:
            _same_keys(skeleton[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(skeleton, list) and len(skeleton) == 1, path
        _same_keys(skeleton[0], expected[0], f"{path}[0]")
    else:
        assert not isinstance(skeleton, (dict, list)), path


@pytest.mark.parametrize("operation", ["CreateModel", "CreateModelPackage", "CreateTrainingJob"])
def test_input_skeleton_has_the_models_members_at_every_level(operation: str) -> None:
    model = json.loads((MODEL / "service-2.json").read_text())
    shapes = model["shapes"]
    command = operation[0].lower() + "".join(
        f"-{c.lower()}" if c.isupper() else c for c in operation[1:]
    )
    result = cli(command, "--generate-cli-skeleton")
    assert result.code == 0, result.err
    _same_keys(
        result.json(), _model_keys(shapes, model["operations"][operation]["input"]["shape"], ())
    )


def test_input_skeleton_values_follow_botocore() -> None:
    skeleton = cli("create-model", "--generate-cli-skeleton", "input").json()
    assert skeleton["ModelName"] == ""
    assert skeleton["EnableNetworkIsolation"] is True
    assert skeleton["PrimaryContainer"]["Mode"] in ("SingleModel", "MultiModel")  # an enum value
    assert skeleton["PrimaryContainer"]["Environment"] == {"KeyName": ""}
    assert skeleton["Tags"] == [{"Key": "", "Value": ""}]


def test_output_skeleton_checks_the_input_first() -> None:
    missing = cli("describe-model", "--generate-cli-skeleton", "output")
    assert missing.code == 252
    assert "--model-name: required" in missing.err
    shown = cli("describe-model", "--model-name", "m", "--generate-cli-skeleton", "output")
    assert shown.code == 0, shown.err
    assert shown.json()["ModelName"] == "ModelName"
    assert shown.json()["CreationTime"] == "1970-01-01T00:00:00"


def test_python_dash_m_runs_the_same_command_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sm_typed", "describe-model", "--generate-cli-skeleton"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"ModelName": ""}


def test_public_classes_show_their_public_module() -> None:
    import sm_typed
    from sm_typed import errors

    assert repr(sm_typed.SageMakerClient) == "<class 'sm_typed.SageMakerClient'>"
    assert sm_typed.SageMakerClientWithRawResponse.__module__ == "sm_typed"
    assert errors.ResourceNotFound.__module__ == "sm_typed.errors"
    assert (
        errors.ParamValidationError.__module__ == "sm_typed_runtime.errors"
    )  # the runtime's public module


def test_profile_gives_region_and_credentials(
    moto_server: MotoServer, boto: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text("[profile cli-test]\nregion = us-east-1\n")
    credentials.write_text(
        "[cli-test]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    boto.create_model(
        ModelName="cli-profile", PrimaryContainer={"Image": IMAGE}, ExecutionRoleArn=ROLE
    )
    result = cli(
        "describe-model",
        "--model-name",
        "cli-profile",
        "--profile",
        "cli-test",
        "--endpoint-url",
        moto_server.url,
    )
    assert result.code == 0, result.err
    assert result.json()["ModelName"] == "cli-profile"
    missing = cli("describe-model", "--model-name", "m", "--endpoint-url", moto_server.url)
    assert missing.code == 255
    assert "region" in missing.err.lower()


def test_a_member_named_like_a_global_option_is_the_commands_after_it(
    tmp_path: Path,
) -> None:
    """Data Pipeline's QueryObjects has a ``query`` member: after the command ``--query`` is
    it; before the command, the global JMESPath ``--query``."""
    import importlib

    import botocore as bc

    from codegen.__main__ import main as codegen_main

    data = Path(bc.__file__).parent / "data" / "datapipeline"
    model = sorted(data.iterdir())[-1] / "service-2.json.gz"
    assert codegen_main(["--model", str(model), "--out", str(tmp_path / "cli_dp")]) == 0
    sys.path.insert(0, str(tmp_path))
    try:
        table = importlib.import_module("cli_dp._cli").TABLE
    finally:
        sys.path.remove(str(tmp_path))
    recorder = Recorder(lambda _r: json_response({"ids": ["a", "b"], "hasMoreResults": False}))
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler))
    OPEN_HTTP_CLIENTS.append(http)
    out, err = io.StringIO(), io.StringIO()
    options = {"region": "us-east-1", "aws_access_key_id": "AKID", "aws_secret_access_key": "s"}
    argv = [
        "--query",
        "ids[0]",
        "query-objects",
        "--pipeline-id",
        "p",
        "--sphere",
        "COMPONENT",
        "--query",
        '{"selectors": []}',
        "--no-paginate",
    ]
    code = run(argv, table, stdout=out, stderr=err, client_options={**options, "http_client": http})
    assert code == 0, err.getvalue()
    assert recorder.last_json()["query"] == {"selectors": []}
    assert json.loads(out.getvalue()) == "a"


def test_a_bad_query_expression_is_refused_before_sending() -> None:
    recorder = Recorder()
    result = wire_cli(recorder, "--query", "Models[", "list-models")
    assert result.code == 252
    assert "--query" in result.err
    assert recorder.requests == []
