"""Every SageMaker operation: our wire bytes and decoded results equal botocore's.

For each operation, seeded random parameters built from the model go through our
client and the default transport to a loopback capture server, and the JSON body
is compared with botocore's JSON serializer output for the same parameters. For
each operation with an output, a random response body is decoded by our client
and by botocore's JSON parser and the results compared.

One deliberate difference is kept out of the random data: botocore truncates
timestamps to whole seconds on the wire, we send the fraction (see
``test_fractional_timestamps_keep_their_fraction``).
"""

from __future__ import annotations

import json
import math
import random
import string
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.model import ServiceModel, Shape
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from bridge import Bridge
from fault_server import FaultServer

import sm_typed._client as generated_client
from codegen import naming
from codegen.loader import load_service
from sm_typed import SageMakerClient, shapes

ROOT = Path(__file__).resolve().parent.parent
MODEL_PATH = ROOT / "service-models/sagemaker/2017-07-24/service-2.json"
BOTOCORE_MODEL = ServiceModel(json.loads(MODEL_PATH.read_text()), service_name="sagemaker")
SERVICE = load_service(MODEL_PATH)
BRIDGE = Bridge(SERVICE, shapes)
METHODS = naming.method_names(SERVICE.operations)
SEEDS = (1, 2, 3)
TEXT = string.ascii_letters + string.digits + "-_./:+= é漢😀"


class RandomParams:
    """Valid random values for a botocore shape (min/max honoured, unions one member)."""

    def __init__(
        self, rng: random.Random, max_depth: int = 5, fractional_times: bool = False
    ) -> None:
        self.rng = rng
        self.max_depth = max_depth
        # botocore truncates request timestamps to seconds; responses keep milliseconds.
        self.fractional_times = fractional_times

    def value(self, shape: Shape, depth: int = 0) -> Any:
        rng = self.rng
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, depth)
        if kind == "list":
            count = rng.randint(
                max(shape.metadata.get("min", 0), 0), min(shape.metadata.get("max", 3), 3)
            )
            if depth >= self.max_depth:
                count = max(shape.metadata.get("min", 0), 0)
            return [self.value(shape.member, depth + 1) for _ in range(count)]
        if kind == "map":
            count = 0 if depth >= self.max_depth else rng.randint(0, 3)
            return {
                self.value(shape.key, depth + 1): self.value(shape.value, depth + 1)
                for _ in range(count)
            }
        if kind == "string":
            if shape.enum:
                return rng.choice(shape.enum)
            lo = max(shape.metadata.get("min", 1), 1)
            hi = max(min(shape.metadata.get("max", 12), 12), lo)
            return "".join(rng.choice(TEXT) for _ in range(rng.randint(lo, hi)))
        if kind in ("integer", "long"):
            lo = int(shape.metadata.get("min", -(2**31) if kind == "integer" else -(2**62)))
            hi = int(shape.metadata.get("max", 2**31 - 1 if kind == "integer" else 2**62))
            return rng.choice([lo, hi, rng.randint(lo, hi), max(lo, min(hi, 0))])
        if kind in ("float", "double"):
            lo = float(shape.metadata.get("min", -1e9))
            hi = float(shape.metadata.get("max", 1e9))
            return rng.choice([lo, hi, round(rng.uniform(lo, hi), 6), max(lo, min(hi, 0.0))])
        if kind == "boolean":
            return rng.choice([True, False])
        if kind == "timestamp":
            millis = rng.randint(0, 999) if self.fractional_times else 0
            return datetime.fromtimestamp(rng.randint(0, 4_000_000_000) + millis / 1000, UTC)
        if kind == "blob":
            return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 16)))
        raise AssertionError(f"unhandled shape type {kind}")

    def structure(self, shape: Any, depth: int) -> dict[str, Any]:
        members = dict(shape.members)
        if shape.is_tagged_union:
            name = self.rng.choice(sorted(members))
            return {name: self.value(members[name], depth + 1)}
        required = set(shape.required_members)
        chance = 0.7 if depth < self.max_depth else 0.0
        return {
            name: self.value(member, depth + 1)
            for name, member in members.items()
            if name in required or self.rng.random() < chance
        }


def with_tokens(params: dict[str, Any], shape: Any) -> dict[str, Any]:
    """botocore fills idempotency tokens in a handler, not its serializer: give them values."""
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken") and name not in params:
            params[name] = "00000000-0000-4000-8000-000000000000"
    return params


def epoch_everything(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: epoch_everything(v) for k, v in value.items()}
    if isinstance(value, list):
        return [epoch_everything(v) for v in value]
    if isinstance(value, datetime):
        return value.timestamp()
    return value


@pytest.fixture
async def capture() -> AsyncIterator[FaultServer]:
    server = await FaultServer().start()
    yield server
    await server.stop()


def sent_bodies(server: FaultServer) -> dict[str, Any]:
    """The JSON body of the last request per X-Amz-Target."""
    return {r.headers["x-amz-target"]: json.loads(r.body) for r in server.requests}


def client_for(server: FaultServer) -> SageMakerClient:
    return SageMakerClient(
        region="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
    )


@pytest.mark.parametrize("seed", SEEDS)
async def test_request_bodies_match_botocore_for_every_operation(
    capture: FaultServer, seed: int
) -> None:
    rng = random.Random(seed)
    serializer = create_serializer("json", include_validation=False)
    expected: dict[str, Any] = {}
    async with client_for(capture) as sm:
        for name in sorted(SERVICE.operations):
            op = BOTOCORE_MODEL.operation_model(name)
            params = with_tokens(RandomParams(rng).structure(op.input_shape, 0), op.input_shape)
            theirs = serializer.serialize_to_request(params, op)["body"]
            expected[f"SageMaker.{name}"] = json.loads(theirs or b"{}")
            kwargs = BRIDGE.kwargs(params, SERVICE.operations[name].input or "")
            await getattr(sm, METHODS[name])(**kwargs)
    assert len(expected) == len(SERVICE.operations) >= 409
    sent = sent_bodies(capture)
    differences = [t for t, body in expected.items() if sent[t] != body]
    assert differences == [], differences[:5]


@pytest.mark.parametrize("seed", SEEDS)
def test_response_decoding_matches_botocore_for_every_operation(seed: int) -> None:
    rng = random.Random(seed * 1000)
    parser = create_parser("json")
    checked = 0
    for name in sorted(SERVICE.operations):
        op = BOTOCORE_MODEL.operation_model(name)
        if op.output_shape is None:
            continue
        plain = RandomParams(rng, fractional_times=True).structure(op.output_shape, 0)
        body = json.dumps(epoch_everything(plain), ensure_ascii=False).encode()
        theirs = parser.parse({"body": body, "headers": {}, "status_code": 200}, op.output_shape)
        theirs.pop("ResponseMetadata", None)
        spec = getattr(generated_client, f"_{name}")
        ours = BRIDGE.to_plain(spec.decode(body), SERVICE.operations[name].output or "")
        assert ours == epoch_everything(theirs), name
        checked += 1
    assert checked > 300


async def test_fractional_timestamps_keep_their_fraction(capture: FaultServer) -> None:
    async with client_for(capture) as sm:
        await sm.list_models(creation_time_after=datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC))
    sent = sent_bodies(capture)["SageMaker.ListModels"]["CreationTimeAfter"]
    assert math.isclose(sent, 1714979289.123)  # botocore would send 1714979289
