"""Per-call options: `with_options` views share the client's pool, credentials and quota;
extra headers are checked before anything is sent and written (and signed) exactly."""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from botocore_signer import botocore_signature
from clocks import FakeClock
from fault_server import FaultServer, ok, slow, throttle
from helpers import ACCESS_KEY, ENDPOINT, SECRET_KEY, RawCapture, loopback_client

from sm_typed import SageMakerClient
from sm_typed.errors import (
    CallTimeoutError,
    ClientClosedError,
    ConfigurationError,
    ParamValidationError,
    ReadTimeoutError,
    ThrottlingException,
)
from sm_typed_runtime.client import RetryQuota, StandardRetryStrategy

OUTPUT = {"ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/m"}
WALL = datetime(2024, 1, 1, tzinfo=UTC).timestamp()


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    s = await FaultServer(default=ok(OUTPUT)).start()
    yield s
    await s.stop()


def pool_client(server: FaultServer, **options: Any) -> SageMakerClient:
    return loopback_client(server.url, **options)


def signature_for(url: str, headers: dict[str, str], body: bytes, amz_date: str) -> str:
    return str(
        botocore_signature(
            method="POST",
            url=url,
            headers=headers,
            body=body,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            token=None,
            region="us-east-1",
            service="sagemaker",
            amz_date=amz_date,
        )["signature"]
    )


async def test_the_exact_bytes_a_view_with_extra_headers_writes() -> None:
    async with RawCapture(OUTPUT) as server:
        port = server.port
        async with SageMakerClient(
            region="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            max_attempts=1,
            clock=FakeClock(wall=WALL),
        ) as sm:
            view = sm.with_options(
                extra_headers={"X-Tenant": "team-a", "X-Amzn-Trace-Id": "Root=1-5759e988"}
            )
            await view.create_model(model_name="m")
    received = server.received
    body = b'{"ModelName":"m"}'
    signature = signature_for(
        f"http://127.0.0.1:{port}/",
        {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "SageMaker.CreateModel",
            "X-Amz-Date": "20240101T000000Z",
            "X-Tenant": "team-a",
        },
        body,
        "20240101T000000Z",
    )
    request = received[0]
    invocation = re.search(rb"amz-sdk-invocation-id: ([0-9a-f-]{36})\r\n", request)
    assert invocation is not None
    python = "{}.{}.{}".format(*sys.version_info[:3])
    expected = (
        "POST / HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-amz-json-1.1\r\n"
        "X-Amz-Target: SageMaker.CreateModel\r\n"
        "X-Tenant: team-a\r\n"
        "Accept-Encoding: identity\r\n"
        f"User-Agent: sm_typed/0.1.0 python/{python}\r\n"
        "X-Amzn-Trace-Id: Root=1-5759e988\r\n"
        "X-Amz-Date: 20240101T000000Z\r\n"
        f"Authorization: AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20240101/us-east-1/sagemaker/"
        "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-tenant, "
        f"Signature={signature}\r\n"
        f"amz-sdk-invocation-id: {invocation.group(1).decode()}\r\n"
        "amz-sdk-request: attempt=1; max=1\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    ).encode() + body
    assert request == expected


async def test_extra_headers_through_httpx_are_sent_and_signed() -> None:
    router = respx.MockRouter(assert_all_called=False)
    router.post(f"{ENDPOINT}/").mock(return_value=httpx.Response(200, json=OUTPUT))
    http = httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler))
    async with (
        http,
        SageMakerClient(
            region="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            http_client=http,
        ) as sm,
    ):
        base = sm.with_options(extra_headers={"X-Tenant": "team-a", "X-Keep": "1"})
        # Views compose: a later view replaces a header of the same name (any case).
        await base.with_options(extra_headers={"x-tenant": "team-b"}).create_model(model_name="m")
        await sm.create_model(model_name="m")  # the client itself is unchanged
    first, second = (call.request for call in router.calls)
    assert first.headers["x-tenant"] == "team-b" and first.headers["x-keep"] == "1"
    assert first.headers.get_list("x-tenant") == ["team-b"]
    assert "x-tenant" not in second.headers and "x-keep" not in second.headers
    assert (
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-keep;x-tenant,"
        in (first.headers["authorization"])
    )
    signature = signature_for(
        f"{ENDPOINT}/",
        {
            "Content-Type": first.headers["content-type"],
            "X-Amz-Target": first.headers["x-amz-target"],
            "X-Amz-Date": first.headers["x-amz-date"],
            "X-Keep": "1",
            "x-tenant": "team-b",
        },
        first.content,
        first.headers["x-amz-date"],
    )
    assert first.headers["authorization"].endswith(f"Signature={signature}")


OWNED = [
    "Authorization",
    "Host",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "Content-Length",
    "X-Amz-Target",
    "content-type",
    "TRANSFER-ENCODING",
    "User-Agent",
    "Connection",
    "Accept-Encoding",
]


@pytest.mark.parametrize("name", OWNED)
def test_extra_headers_the_client_owns_are_refused(name: str) -> None:
    sm = SageMakerClient(region="us-east-1")
    with pytest.raises(ParamValidationError, match=f"header {name}: the client sets"):
        sm.with_options(extra_headers={name: "value"})


@pytest.mark.parametrize(
    "value",
    [
        "a\r\nX-Injected: 1",
        "a\nb",
        "a\rb",
        "nul\x00",
        "bell\x07",
        "del\x7f",
        "snow\u2603",
        "\u0100",
    ],
)
def test_extra_header_values_http_cannot_carry_are_refused_unechoed(value: str) -> None:
    sm = SageMakerClient(region="us-east-1")
    with pytest.raises(ParamValidationError) as info:
        sm.with_options(extra_headers={"X-Ok": value})
    assert value not in str(info.value)


@pytest.mark.parametrize("name", ["", "Bad Name", "X:Colon", "X\r\nY", "caf\u00e9"])
def test_extra_header_names_that_are_not_tokens_are_refused(name: str) -> None:
    with pytest.raises(ParamValidationError):
        SageMakerClient(region="us-east-1").with_options(extra_headers={name: "v"})


def test_non_string_extra_headers_are_refused() -> None:
    sm = SageMakerClient(region="us-east-1")
    with pytest.raises(ParamValidationError):
        sm.with_options(extra_headers={"X-Count": 3})  # type: ignore[dict-item]
    with pytest.raises(ConfigurationError):
        sm.with_options(extra_headers=[("X-A", "1")])  # type: ignore[arg-type]


def test_unknown_and_bad_options_are_refused() -> None:
    sm = SageMakerClient(region="us-east-1")
    with pytest.raises(TypeError, match="unexpected keyword argument 'retries'"):
        sm.with_options(retries=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        sm.with_options(region="eu-west-1")  # type: ignore[call-arg]  # per client, not per call
    for bad in (
        {"read_timeout": 0},
        {"call_timeout": -1},
        {"max_attempts": 0},
        {"max_attempts": True},
        {"retry_mode": "legacy"},
        {"connect_timeout": float("nan")},
    ):
        with pytest.raises(ConfigurationError):
            sm.with_options(**bad)


async def test_views_share_the_connection_pool(server: FaultServer) -> None:
    async with pool_client(server, max_connections=1) as sm:
        await sm.create_model(model_name="m")
        await sm.with_options(read_timeout=5.0, max_attempts=1).create_model(model_name="m")
        await sm.with_raw_response.create_model(model_name="m")
    assert server.request_count == 3
    assert server.connections == 1  # one kept-alive connection served the client and its views


async def test_a_views_read_timeout_applies_to_its_calls_only(server: FaultServer) -> None:
    server.script([slow(2.0), slow(0.2, ok(OUTPUT))])
    async with pool_client(server, max_attempts=1, read_timeout=10.0) as sm:
        with pytest.raises(ReadTimeoutError):
            await sm.with_options(read_timeout=0.2).create_model(model_name="m")
        # The client's own calls keep its 10 s read timeout.
        assert (await sm.create_model(model_name="m")).model_arn == OUTPUT["ModelArn"]


async def test_a_views_call_timeout_and_max_attempts(server: FaultServer) -> None:
    server.script([throttle()])
    async with pool_client(server, max_attempts=5) as sm:
        with pytest.raises(ThrottlingException) as info:
            await sm.with_options(max_attempts=1).create_model(model_name="m")
        assert info.value.attempts == 1
        server.script([slow(5.0)])
        with pytest.raises(CallTimeoutError):
            await sm.with_options(call_timeout=0.3).create_model(model_name="m")
        # call_timeout=None lifts a limit the client has.
        limited = pool_client(server, call_timeout=0.3)
        server.script([slow(0.5, ok(OUTPUT))])
        out = await limited.with_options(call_timeout=None).create_model(model_name="m")
        assert out.model_arn == OUTPUT["ModelArn"]
        await limited.close()


async def test_views_draw_on_the_clients_retry_quota(server: FaultServer) -> None:
    quota = RetryQuota()
    strategy = StandardRetryStrategy(quota=quota, random=lambda: 0.0)  # no backoff sleeps
    async with pool_client(server, retry_strategy=strategy) as sm:
        view = sm.with_options(max_attempts=3, read_timeout=5.0)
        server.script([throttle(), throttle(), throttle()])
        with pytest.raises(ThrottlingException) as info:
            await view.create_model(model_name="m")
    assert info.value.attempts == 3
    assert quota.available == 500 - 2 * 5  # two throttling retries, 5 tokens each


async def test_an_adaptive_view_retries_a_throttle(server: FaultServer) -> None:
    async with pool_client(server, max_attempts=1) as sm:
        server.script([throttle(), ok(OUTPUT)])
        raw = await sm.with_options(
            retry_mode="adaptive", max_attempts=2
        ).with_raw_response.create_model(model_name="m")
    assert raw.attempts == 2 and raw.parsed.model_arn == OUTPUT["ModelArn"]


async def test_closing_the_client_ends_its_views(server: FaultServer) -> None:
    sm = pool_client(server)
    view = sm.with_options(max_attempts=1)
    await sm.close()
    with pytest.raises(ClientClosedError):
        await view.create_model(model_name="m")
