"""botocore's AWS JSON-protocol conformance suites, run through clients our generator writes.

Every case of every file runs. Each case's own small model is turned into a
package by ``codegen`` (the same path as ``python -m codegen --model``), the
case's params go through the generated method and the runtime, and the request
that reaches the transport is compared with the expected one; responses are fed
back and the decoded result, or the raised error, is compared.
"""

from __future__ import annotations

import importlib
import itertools
import json
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from bridge import Bridge

from codegen import naming
from codegen.generate import write
from codegen.loader import service_from_dict
from codegen.model import Service
from codegen.render import Renderer
from sm_typed.errors import ServiceError

DATA = Path(__file__).parent / "data" / "protocols"
FILES = (
    ("input/json.json", "input"),
    ("input/json_1_0.json", "input"),
    ("legacy/input/json.json", "input"),
    ("output/json.json", "output"),
    ("output/json_1_0.json", "output"),
    ("legacy/output/json.json", "output"),
    ("extra/output/json.json", "output"),  # hand-written, see extra/README.md
)

# Cases that do not apply to this client's design: one list, each with its reason.
SKIPPED: dict[str, str] = {
    "legacy/output/json.json::Lists#1": (
        "expects nulls kept inside non-sparse lists (and a string shape holding maps); "
        "lists here are list[T] without None, and client error correction drops nulls"
    ),
    "legacy/output/json.json::RPC JSON Event Stream#0": (
        "event streams need a binary framing protocol this client does not speak; "
        "the generator leaves such operations out"
    ),
}

# Cases whose expected URI botocore does not send, with botocore's instead (botocore's own
# protocol test run leaves them out): the wire reference here is what boto3 sends.
_KEPT_PATH = (
    "/custom",
    "an endpoint's path is kept as given, with no '/' added for the operation's '/' "
    "(botocore's _urljoin); Smithy expects '/custom/'",
)
BOTOCORE_URI: dict[str, tuple[str, str]] = {
    "input/json.json::AwsJson11HostWithPath": _KEPT_PATH,
    "input/json_1_0.json::AwsJson10HostWithPath": _KEPT_PATH,
}

_PACKAGES = itertools.count()
# The idempotency token the cases expect when their params leave it out: ours is a fresh
# UUID4 there instead (compared by `_fresh_tokens_as_expected`).
_TOKEN = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Case:
    key: str
    kind: str
    suite: dict[str, Any]
    case: dict[str, Any]


def all_cases() -> Iterator[Case]:
    for rel, kind in FILES:
        path = DATA / rel
        for suite in json.loads(path.read_text()):
            for i, case in enumerate(suite["cases"]):
                yield Case(
                    f"{rel}::{case.get('id') or suite['description'] + f'#{i}'}", kind, suite, case
                )


CASES = list(all_cases())


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("conformance_packages")
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))
    for name in [m for m in sys.modules if m.startswith("conformance_pkg_")]:
        del sys.modules[name]


def generate(case: Case, root: Path) -> tuple[Service, Bridge, Any]:
    suite, given = case.suite, case.case["given"]
    metadata = {"serviceId": "Conformance", **suite["metadata"]}
    if case.kind == "output":
        # The legacy output suites omit targetPrefix: they never send a request.
        metadata.setdefault("targetPrefix", "Conformance")
    raw = {"metadata": metadata, "shapes": suite["shapes"], "operations": {given["name"]: given}}
    service = service_from_dict(raw, "conformance")
    package = f"conformance_pkg_{next(_PACKAGES)}"
    renderer = Renderer(service, package_doc_name=package)
    write(renderer.render(), root / package)
    module = importlib.import_module(package)
    return service, Bridge(service, module.shapes), module


def client_for(module: Any, handler: Any, endpoint: str) -> Any:
    cls = next(getattr(module, n) for n in module.__all__ if n.endswith("Client"))
    return cls(
        region="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        max_attempts=1,
    )


# -- the test ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
async def test_protocol_case(
    case: Case, package_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.key in SKIPPED:
        pytest.skip(SKIPPED[case.key])
    service, bridge, module = generate(case, package_dir)
    if case.kind == "input":
        await check_input(case, service, bridge, module)
    else:
        await check_output(case, service, bridge, module)


async def check_input(case: Case, service: Service, bridge: Bridge, module: Any) -> None:
    given, expected = case.case["given"], case.case["serialized"]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"{}")

    op = service.operations[given["name"]]
    kwargs = bridge.kwargs(case.case["params"], op.input) if op.input else {}
    method = naming.method_names([op.name])[op.name]
    endpoint = case.suite.get("clientEndpoint", "https://example.com")
    async with client_for(module, handler, endpoint) as client:
        await getattr(client, method)(**kwargs)
    request = seen[0]
    assert request.method == expected.get("method", "POST")
    uri = BOTOCORE_URI.get(case.key, (expected["uri"], ""))[0]
    assert request.url.raw_path.decode() == uri
    for name, value in expected.get("headers", {}).items():
        assert request.headers.get(name) == value, name
    for name in expected.get("requireHeaders", []):
        assert name in request.headers
    for name in expected.get("forbidHeaders", []):
        assert name not in request.headers
    if "body" in expected:
        body = request.content
        if request.headers.get("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        assert _fresh_tokens_as_expected(json.loads(body), json.loads(expected["body"] or "{}"))
    if "host" in expected:
        host = request.url.netloc.decode()
        if "/" in expected["host"]:
            host += request.url.path.rstrip("/")
        assert host == expected["host"]


async def check_output(case: Case, service: Service, bridge: Bridge, module: Any) -> None:
    given, c = case.case["given"], case.case
    response = c["response"]

    def handler(_request: httpx.Request) -> httpx.Response:
        body = response.get("body") or ""
        return httpx.Response(
            response["status_code"], headers=response.get("headers", {}), content=body.encode()
        )

    op = service.operations[given["name"]]
    spec = getattr(module._client, f"_{op.name}")
    async with client_for(module, handler, "https://example.com") as client:
        if c.get("result") is not None:
            result = await client._invoke(spec, None)
            plain = {} if result is None else bridge.to_plain(result, op.output or "")
            assert plain == c["result"]
            return
        with pytest.raises(ServiceError) as info:
            await client._invoke(spec, None)
    exc = info.value
    assert exc.code == c["errorCode"]
    assert exc.message == (c.get("errorMessage") or "")
    error_shape = service.shapes.get(c["errorCode"])
    expected_members = {k: v for k, v in (c.get("error") or {}).items() if k.lower() != "message"}
    if error_shape is not None and error_shape.exception:
        attrs = bridge.attrs(error_shape.name)
        ours = {
            m.name: bridge.to_plain(getattr(exc, attrs[m.name]), m.target)
            for m in error_shape.members
            if m.name.lower() != "message" and getattr(exc, attrs[m.name]) is not None
        }
        assert ours == expected_members
    else:
        assert expected_members == {}


def test_case_count_and_skips_are_known() -> None:
    assert len(CASES) >= 200
    unknown = (set(SKIPPED) | set(BOTOCORE_URI)) - {c.key for c in CASES}
    assert not unknown, f"skip entries for cases that no longer exist: {unknown}"
    print(f"\nprotocol cases: {len(CASES)}, skipped by design: {len(SKIPPED)}")


def _fresh_tokens_as_expected(ours: Any, expected: Any) -> Any:
    """``ours`` equal to ``expected``, where the case's fixed token is a fresh UUID4 of ours."""
    if expected == _TOKEN and isinstance(ours, str):
        return uuid.UUID(ours).version == 4 and str(uuid.UUID(ours)) == ours
    if isinstance(expected, dict) and isinstance(ours, dict):
        return expected.keys() == ours.keys() and all(
            _fresh_tokens_as_expected(ours[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list) and isinstance(ours, list):
        return len(ours) == len(expected) and all(
            _fresh_tokens_as_expected(o, e) for o, e in zip(ours, expected, strict=True)
        )
    return bool(ours == expected)
