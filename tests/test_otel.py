"""sm_typed.otel: one CLIENT span per call, against moto and a throttling loopback server."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fault_server import FaultServer, ok, throttle
from helpers import loopback_client
from moto_local import MotoServer
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from sm_typed import AttemptStart, Interceptor, SageMakerClient
from sm_typed.errors import ValidationException
from sm_typed.otel import OpenTelemetryInterceptor
from sm_typed.shapes import ContainerDefinition

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    yield InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    p = TracerProvider()
    p.add_span_processor(SimpleSpanProcessor(exporter))
    return p


@pytest.fixture
async def sm(moto_server: MotoServer, provider: TracerProvider) -> AsyncIterator[SageMakerClient]:
    async with loopback_client(
        moto_server.url, interceptors=[OpenTelemetryInterceptor(tracer_provider=provider)]
    ) as client:
        yield client


def everything_recorded(span: ReadableSpan) -> str:
    parts = [repr(dict(span.attributes or {})), span.status.description or ""]
    parts += [f"{e.name} {dict(e.attributes or {})!r}" for e in span.events]
    return " ".join(parts)


async def test_one_client_span_per_call_with_the_aws_sdk_attributes(
    sm: SageMakerClient, exporter: InMemorySpanExporter, moto_server: MotoServer
) -> None:
    name = f"otel-{uuid.uuid4().hex[:8]}"
    secret_image = f"secret-image-{uuid.uuid4().hex[:6]}"
    raw = await sm.with_raw_response.create_model(
        model_name=name,
        primary_container=ContainerDefinition(image=secret_image),
        execution_role_arn=ROLE,
    )
    (span,) = exporter.get_finished_spans()
    assert span.name == "SageMaker.CreateModel"
    assert span.kind is SpanKind.CLIENT
    assert span.parent is None
    attributes = dict(span.attributes or {})
    assert attributes == {
        "rpc.system": "aws-api",
        "rpc.service": "SageMaker",
        "rpc.method": "CreateModel",
        "cloud.region": "us-east-1",
        "server.address": "127.0.0.1",
        "server.port": moto_server.port,
        "aws.request_id": raw.request_id,
        "http.response.status_code": 200,
        "http.status_code": 200,
        "retry_attempts": 0,
        "sm_typed.attempts": 1,
    }
    assert span.status.status_code is StatusCode.UNSET
    for value in (name, secret_image, ROLE, "testing", "Authorization"):
        assert value not in everything_recorded(span)


async def test_a_typed_error_sets_status_error_and_records_only_type_and_code(
    sm: SageMakerClient, exporter: InMemorySpanExporter
) -> None:
    missing = f"missing-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ValidationException) as info:
        await sm.describe_model(model_name=missing)
    (span,) = exporter.get_finished_spans()
    assert span.name == "SageMaker.DescribeModel"
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "ValidationException"
    attributes = dict(span.attributes or {})
    assert attributes["error.type"] == "ValidationException"
    assert attributes["http.response.status_code"] == 400
    assert attributes["aws.request_id"] == info.value.request_id
    (event,) = span.events
    assert event.name == "exception"
    assert dict(event.attributes or {}) == {
        "exception.type": f"{ValidationException.__module__}.ValidationException",
        "exception.message": "ValidationException",
    }
    # The server's message echoes the model name: it is recorded nowhere.
    assert missing in str(info.value)
    assert missing not in everything_recorded(span)


@pytest.fixture
async def fault_server() -> AsyncIterator[FaultServer]:
    server = await FaultServer(default=ok({"ModelArn": "arn:m"})).start()
    yield server
    await server.stop()


def traced(server: FaultServer, provider: TracerProvider, **options: Any) -> SageMakerClient:
    """A us-west-2 client of ``server`` tracing with ``provider``."""
    tracing = OpenTelemetryInterceptor(tracer_provider=provider)
    return loopback_client(server.url, region="us-west-2", interceptors=[tracing], **options)


async def test_a_retried_throttle_is_one_span_with_two_attempts(
    fault_server: FaultServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fault_server.script([throttle(), ok({"ModelArn": "arn:m"})])
    async with traced(fault_server, provider) as sm:
        await sm.create_model(model_name="m")
    (span,) = exporter.get_finished_spans()
    attributes = dict(span.attributes or {})
    assert attributes["sm_typed.attempts"] == 2
    assert attributes["retry_attempts"] == 1
    assert attributes["http.request.resend_count"] == 1
    assert attributes["http.response.status_code"] == 200
    assert attributes["cloud.region"] == "us-west-2"
    assert span.status.status_code is StatusCode.UNSET


async def test_the_call_span_is_current_while_the_call_runs(
    sm: SageMakerClient, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    tracer = provider.get_tracer("test")

    class Child(Interceptor):
        def before_attempt(self, context: AttemptStart) -> None:
            with tracer.start_as_current_span("inside"):
                pass

    with tracer.start_as_current_span("app"):
        await sm.with_options(interceptors=[Child()]).list_models()
    inside, call, app = exporter.get_finished_spans()
    assert (inside.name, call.name, app.name) == ("inside", "SageMaker.ListModels", "app")
    assert inside.parent is not None and call.parent is not None
    assert inside.parent.span_id == call.context.span_id
    assert call.parent.span_id == app.context.span_id
    assert trace.get_current_span() is trace.INVALID_SPAN  # detached after the call


async def test_a_no_op_provider_records_nothing_and_the_call_works(sm: SageMakerClient) -> None:
    quiet = sm.with_options(
        interceptors=[OpenTelemetryInterceptor(tracer_provider=trace.NoOpTracerProvider())]
    )
    assert (await quiet.list_models()).models is not None


def test_importing_sm_typed_does_not_import_opentelemetry() -> None:
    code = (
        "import sys, sm_typed, sm_typed.errors, sm_typed.shapes\n"
        "from sm_typed import SageMakerClient, Interceptor\n"
        "SageMakerClient(region='us-east-1').with_raw_response\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


async def test_two_tracing_interceptors_nest_and_the_callers_context_is_restored(
    sm: SageMakerClient, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    other = TracerProvider()
    other_spans = InMemorySpanExporter()
    other.add_span_processor(SimpleSpanProcessor(other_spans))
    view = sm.with_options(interceptors=[OpenTelemetryInterceptor(tracer_provider=other)])
    await view.list_models()
    assert trace.get_current_span() is trace.INVALID_SPAN  # both detached, innermost first
    (outer,) = exporter.get_finished_spans()
    (inner,) = other_spans.get_finished_spans()
    assert inner.parent is not None and inner.parent.span_id == outer.context.span_id


async def test_the_same_tracing_interceptor_on_client_and_view_is_one_span(
    moto_server: MotoServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    tracing = OpenTelemetryInterceptor(tracer_provider=provider)
    async with loopback_client(moto_server.url, interceptors=[tracing]) as client:
        await client.with_options(interceptors=[tracing]).list_models()
    (span,) = exporter.get_finished_spans()
    assert span.end_time is not None
    assert trace.get_current_span() is trace.INVALID_SPAN


async def test_a_call_whose_last_attempt_had_no_response_reports_no_earlier_one(
    fault_server: FaultServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    from fault_server import drop

    from sm_typed.errors import HTTPClientError

    fault_server.script([throttle(), drop()])
    async with traced(fault_server, provider, max_attempts=2) as sm:
        with pytest.raises(HTTPClientError):
            await sm.create_model(model_name="m")
    (span,) = exporter.get_finished_spans()
    attributes = dict(span.attributes or {})
    assert attributes["sm_typed.attempts"] == 2
    # The throttle's status and request id were not the call's outcome: recorded nowhere.
    assert "http.response.status_code" not in attributes and "aws.request_id" not in attributes
    assert span.status.status_code is StatusCode.ERROR
