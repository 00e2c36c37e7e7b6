"""Clients generated from other services' models send what boto3 sends for them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import botocore
import httpx
import pytest
from fault_server import FaultServer, ok
from helpers import OPEN_HTTP_CLIENTS, generated_package, mocked

from codegen.loader import _unsigned  # pyright: ignore[reportPrivateUsage]

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"
SIGNING_FIELDS = ("authorization", "x-amz-date", "x-amz-security-token")


def generated(tmp_path_factory: pytest.TempPathFactory, service: str) -> Iterator[Any]:
    """A package generated from botocore's model of ``service``, importable while in use."""
    yield from generated_package(tmp_path_factory.mktemp(service), service, "ow")


@pytest.fixture(scope="module")
def cognito_identity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from generated(tmp_path_factory, "cognito-identity")


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    server = await FaultServer().start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.mark.parametrize(
    ("operation", "unsigned"),
    [
        ({"auth": ["smithy.api#noAuth"]}, True),
        ({"authtype": "none"}, True),
        # botocore passes over SigV4a without CRT and takes the next scheme it can use.
        ({"auth": ["aws.auth#sigv4a", "smithy.api#noAuth"]}, True),
        ({"auth": ["aws.auth#sigv4", "smithy.api#noAuth"]}, False),
        ({"auth": ["aws.auth#sigv4"], "authtype": "none"}, False),
        ({}, False),
    ],
)
def test_which_operations_are_unsigned_is_botocore_s_rule(
    operation: dict[str, object], unsigned: bool
) -> None:
    assert _unsigned(operation) is unsigned


async def test_no_auth_operations_need_no_credentials_and_are_sent_unsigned(
    cognito_identity: Any, server: FaultServer
) -> None:
    # No credentials anywhere (the test environment has none): boto3 sends GetId unsigned.
    server.script([ok({"IdentityId": "us-east-1:abc"})])
    async with cognito_identity.CognitoIdentityClient(
        region="us-east-1", endpoint_url=server.url
    ) as client:
        out = await client.get_id(identity_pool_id="us-east-1:pool")
    assert out.identity_id == "us-east-1:abc"
    headers = server.requests[0].headers
    assert not [name for name in SIGNING_FIELDS if name in headers]
    assert headers["x-amz-target"] == "AWSCognitoIdentityService.GetId"
    assert headers["amz-sdk-request"] == "attempt=1; max=3"


async def test_no_auth_operations_are_unsigned_even_with_credentials(
    cognito_identity: Any, server: FaultServer
) -> None:
    async with cognito_identity.CognitoIdentityClient(
        region="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        aws_session_token="token",
    ) as client:
        await client.get_id(identity_pool_id="us-east-1:pool")
        await client.describe_identity_pool(identity_pool_id="us-east-1:pool")
    unsigned, signed = (r.headers for r in server.requests)
    assert not [name for name in SIGNING_FIELDS if name in unsigned]
    assert all(name in signed for name in SIGNING_FIELDS)


async def test_no_auth_operations_are_unsigned_through_httpx(cognito_identity: Any) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"IdentityId": "i"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    OPEN_HTTP_CLIENTS.append(http)
    async with cognito_identity.CognitoIdentityClient(
        region="us-east-1", http_client=http
    ) as client:
        await client.get_id(identity_pool_id="us-east-1:pool")
    assert not [name for name in SIGNING_FIELDS if name in seen[0].headers]


async def test_no_auth_operations_with_interceptors_are_unsigned(
    cognito_identity: Any, server: FaultServer
) -> None:
    from sm_typed_runtime.interceptors import AttemptStart, Interceptor, SignedRequest

    shown: list[tuple[tuple[str, str], ...]] = []

    class Tracing(Interceptor):
        def before_attempt(self, context: AttemptStart) -> None:
            context.add_header("X-Amzn-Trace-Id", "Root=1-abc")

        def after_signing(self, context: SignedRequest) -> None:
            shown.append(context.request.headers)

    async with cognito_identity.CognitoIdentityClient(
        region="us-east-1", endpoint_url=server.url, interceptors=[Tracing()]
    ) as client:
        await client.get_id(identity_pool_id="us-east-1:pool")
    headers = server.requests[0].headers
    assert headers["x-amzn-trace-id"] == "Root=1-abc"
    assert not [name for name in SIGNING_FIELDS if name in headers]
    names = [name.lower() for name, _ in shown[0]]
    assert "x-amzn-trace-id" in names and "authorization" not in names


async def test_a_paginator_whose_limit_key_is_required_takes_page_size_as_required(
    cognito_identity: Any, server: FaultServer
) -> None:
    import inspect
    import json

    # ListIdentityPools requires MaxResults: botocore needs PageSize for it, and so does this.
    client_class = cognito_identity.CognitoIdentityClient
    parameter = inspect.signature(client_class.paginate_list_identity_pools).parameters["page_size"]
    assert parameter.default is inspect.Parameter.empty
    server.script(
        [
            ok({"IdentityPools": [{"IdentityPoolId": "p1"}], "NextToken": "t"}),
            ok({"IdentityPools": [{"IdentityPoolId": "p2"}]}),
        ]
    )
    async with client_class(
        region="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="A",
        aws_secret_access_key="s",
    ) as client:
        pages = client.paginate_list_identity_pools(page_size=1)
        ids = [pool.identity_pool_id async for pool in pages.items()]
    assert ids == ["p1", "p2"]
    bodies = [json.loads(r.body) for r in server.requests]
    assert bodies == [{"MaxResults": 1}, {"MaxResults": 1, "NextToken": "t"}]


@pytest.fixture(scope="module")
def cloudwatch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from generated(tmp_path_factory, "cloudwatch")


async def _put_metrics(cloudwatch: Any, server: FaultServer, n: int, **options: Any) -> Any:
    """PutMetricData (``requestcompression: gzip``) with ``n`` data points: the request seen."""
    import gzip
    import json

    data = [cloudwatch.shapes.MetricDatum(metric_name="m" * 100, value=1.0) for _ in range(n)]
    async with cloudwatch.CloudWatchClient(
        region="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="A",
        aws_secret_access_key="s",
        **options,
    ) as client:
        await client.put_metric_data(namespace="n", metric_data=data)
    request = server.requests[-1]
    body = request.body
    if request.headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    assert len(json.loads(body)["MetricData"]) == n  # the same request either way
    return request


@pytest.mark.parametrize(
    ("n", "env", "options", "gzipped"),
    [
        (100, {}, {}, True),  # ~13 KB: over botocore's 10240 bytes
        (2, {}, {}, False),
        (100, {"AWS_DISABLE_REQUEST_COMPRESSION": "true"}, {}, False),
        (100, {"AWS_DISABLE_REQUEST_COMPRESSION": "TRUE"}, {}, False),
        (100, {"AWS_DISABLE_REQUEST_COMPRESSION": "no"}, {}, True),  # botocore: not "true"
        (2, {"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "100"}, {}, True),
        (
            100,
            {"AWS_DISABLE_REQUEST_COMPRESSION": "true"},
            {"disable_request_compression": False},
            True,
        ),
        (
            2,
            {"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "100"},
            {"request_min_compression_size_bytes": 10240},
            False,
        ),
        (100, {}, {"request_min_compression_size_bytes": 1048576}, False),
    ],
)
async def test_request_compression_follows_botocore_s_settings(
    cloudwatch: Any,
    server: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
    n: int,
    env: dict[str, str],
    options: dict[str, Any],
    gzipped: bool,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    request = await _put_metrics(cloudwatch, server, n, **options)
    assert (request.headers.get("content-encoding") == "gzip") is gzipped


@pytest.mark.parametrize(
    ("env", "options", "message"),
    [
        ({}, {"request_min_compression_size_bytes": 0}, "from 1 to 1048576"),
        ({}, {"request_min_compression_size_bytes": 1048577}, "from 1 to 1048576"),
        ({}, {"request_min_compression_size_bytes": True}, "from 1 to 1048576"),
        ({}, {"disable_request_compression": "yes"}, "True, False or None"),
        ({"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "ten"}, {}, "must be an integer"),
        ({"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "0"}, {}, "AWS_REQUEST_MIN_COMPRESSION"),
    ],
)
def test_bad_compression_settings_are_configuration_errors(
    cloudwatch: Any,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    options: dict[str, Any],
    message: str,
) -> None:
    from sm_typed_runtime.errors import ConfigurationError

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        cloudwatch.CloudWatchClient(region="us-east-1", **options)


def test_a_common_throttling_code_marked_retryable_stays_throttling(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Redshift Serverless marks its ThrottlingException `retryable: {throttling: false}`;
    # botocore's detector still takes the code for throttling (5 quota tokens, 1 s base).
    for package in generated(tmp_path_factory, "redshift-serverless"):
        errors = package.errors
    from sm_typed_runtime.errors import ThrottlingError

    assert issubclass(errors.ThrottlingException, ThrottlingError)
    assert errors.ThrottlingException.__retry__ == "throttling"


@pytest.fixture(scope="module")
def acm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from generated(tmp_path_factory, "acm")


class _Sent(Exception):
    """Raised by a botocore before-send handler once it has seen the request."""


def botocore_url(service: str, operation: str, region: str, **config: Any) -> str:
    """Where botocore sends ``operation`` (no parameters) from ``region``, or its refusal."""
    import botocore.config
    import botocore.exceptions
    import botocore.session

    client = botocore.session.get_session().create_client(
        service,
        region_name=region,
        aws_access_key_id="A",
        aws_secret_access_key="s",
        config=botocore.config.Config(**config),
    )
    seen: list[str] = []

    def grab(request: Any, **_: Any) -> None:
        seen.append(request.url)
        raise _Sent

    client.meta.events.register("before-send", grab)
    try:
        getattr(client, botocore.xform_name(operation))()
    except _Sent:
        return seen[0]
    except botocore.exceptions.EndpointResolutionError as exc:
        return f"refused: {exc}"
    raise AssertionError("botocore sent nothing")


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "cn-north-1"])
@pytest.mark.parametrize("fips", [False, True])
async def test_a_rule_parameter_every_operation_sets_statically_is_resolved_as_botocore_does(
    acm: Any, region: str, fips: bool
) -> None:
    # ACM's rules require ServiceType, with no default; every operation sets it statically
    # ("ACM" or "ACM-ACME"). The client's own route was an EndpointResolutionError.
    from sm_typed.errors import EndpointResolutionError

    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(200, content=b"{}")

    outcomes: list[str] = []
    async with mocked(acm.ACMClient, handler, region=region, use_fips=fips) as client:
        # ServiceType ACM (the client's own route), then ACM-ACME (the rules, per operation)
        for call in (client.list_certificates, client.list_acme_endpoints):
            try:
                await call()
                outcomes.append(sent[-1])
            except EndpointResolutionError as exc:
                outcomes.append(f"refused: {exc}")
    config = {"use_fips_endpoint": True} if fips else {}
    assert outcomes == [
        botocore_url("acm", "ListCertificates", region, **config),
        botocore_url("acm", "ListAcmeEndpoints", region, **config),
    ]
    assert outcomes[0].startswith("https://acm")  # every region has ACM itself


def test_the_client_route_takes_the_static_parameters_every_operation_sets() -> None:
    from codegen.loader import service_from_dict

    def op(name: str, **static: object) -> dict[str, Any]:
        return {
            "name": name,
            "http": {"method": "POST", "requestUri": "/"},
            "staticContextParams": {k: {"value": v} for k, v in static.items()},
        }

    model = {
        "metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "T"},
        "operations": {
            "A": op("A", Kind="x", Flag=True),
            "B": op("B", Kind="y", Flag=True),
            "C": op("C", Kind="y"),
        },
        "shapes": {},
    }
    # Flag is not set by C: only Kind, with the value most operations give.
    assert service_from_dict(model, "t").base_context == (("Kind", "y"),)


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from generated(tmp_path_factory, "events")


async def test_an_endpoint_that_needs_sigv4a_is_refused_before_anything_is_sent(
    events: Any,
) -> None:
    # EventBridge global endpoints (PutEvents with EndpointId) are signed with SigV4a only;
    # botocore without awscrt refuses them. A SigV4 request there could only be rejected.
    from sm_typed.errors import EndpointResolutionError

    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(200, content=b"{}")

    entry = events.shapes.PutEventsRequestEntry(source="s", detail_type="d", detail="{}")
    async with mocked(events.EventBridgeClient, handler) as client:
        with pytest.raises(EndpointResolutionError, match="sigv4a; this client signs with SigV4"):
            await client.put_events(entries=[entry], endpoint_id="abc123.xyz")
        assert sent == []
        await client.put_events(entries=[entry])  # the regional endpoint: SigV4
    assert sent == ["https://events.us-east-1.amazonaws.com/"]
