"""In Lambda, every call carries the invocation's trace id (X-Amzn-Trace-Id), as botocore's.

botocore adds it (``add_recursion_detection_header``) when ``AWS_LAMBDA_FUNCTION_NAME``
and ``_X_AMZN_TRACE_ID`` are set, percent-encoded, unsigned, and not over a trace header
the request already has. Both transports; the value compared with botocore's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import botocore.session
import httpx
import pytest
from fault_server import FaultServer, ok
from helpers import loopback_client

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1 é/x"


class _Sent(Exception):
    pass


def botocore_headers() -> dict[str, str]:
    client = botocore.session.get_session().create_client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key="s"
    )
    seen: dict[str, str] = {}

    def grab(request: Any, **_: Any) -> None:
        for name, value in request.headers.items():
            seen[name.lower()] = value.decode() if isinstance(value, bytes) else value
        raise _Sent

    client.meta.events.register("before-send", grab)
    with pytest.raises(_Sent):
        client.describe_model(ModelName="m")
    return seen


def signed_names(authorization: str) -> list[str]:
    return authorization.split("SignedHeaders=")[1].split(",")[0].split(";")


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    server = await FaultServer().start()
    yield server
    await server.stop()


def in_lambda(monkeypatch: pytest.MonkeyPatch, trace: str | None = TRACE) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "f")
    if trace is not None:
        monkeypatch.setenv("_X_AMZN_TRACE_ID", trace)


async def test_the_pool_sends_botocores_trace_header_unsigned(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_lambda(monkeypatch)
    server.script([ok({})])
    async with loopback_client(server.url) as sm:
        await sm.describe_model(model_name="m")
    sent = server.requests[0].headers
    theirs = botocore_headers()
    assert sent["x-amzn-trace-id"] == theirs["x-amzn-trace-id"]
    assert "%20%C3%A9%2Fx" in sent["x-amzn-trace-id"]  # encoded as botocore's quote does
    assert "x-amzn-trace-id" not in signed_names(sent["authorization"])
    assert signed_names(sent["authorization"]) == signed_names(theirs["authorization"])


async def test_through_httpx_each_call_has_its_invocations_trace_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    in_lambda(monkeypatch, "Root=1-a")
    sent: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("x-amzn-trace-id"))
        return httpx.Response(200, content=b"{}")

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with loopback_client("http://127.0.0.1:9", http_client=http) as sm:
        await sm.describe_model(model_name="m")
        monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-b")  # the next invocation
        await sm.describe_model(model_name="m")
    assert sent == ["Root=1-a", "Root=1-b"]


@pytest.mark.parametrize("lambda_name", [False, True])
async def test_no_trace_header_outside_lambda_or_without_a_trace_id(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch, lambda_name: bool
) -> None:
    if lambda_name:
        in_lambda(monkeypatch, trace=None)
    else:
        monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE)  # set, but not in Lambda
    server.script([ok({})])
    async with loopback_client(server.url) as sm:
        await sm.describe_model(model_name="m")
    assert "x-amzn-trace-id" not in server.requests[0].headers
    assert "x-amzn-trace-id" not in botocore_headers()


async def test_a_trace_header_of_the_callers_own_is_kept(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sm_typed import AttemptStart, Interceptor

    class Tracing(Interceptor):
        def before_attempt(self, context: AttemptStart) -> None:
            context.add_header("X-Amzn-Trace-Id", "Root=1-hook")

    in_lambda(monkeypatch)
    server.script([ok({}), ok({})])
    async with loopback_client(server.url) as sm:
        await sm.with_options(extra_headers={"x-amzn-trace-id": "Root=1-mine"}).describe_model(
            model_name="m"
        )
        await sm.with_options(interceptors=[Tracing()]).describe_model(model_name="m")
    assert [r.headers["x-amzn-trace-id"] for r in server.requests] == ["Root=1-mine", "Root=1-hook"]
