"""OpenTelemetry tracing as an interceptor: one CLIENT span per call (needs ``opentelemetry-api``).

The span follows what the botocore instrumentation records (dashboards built on it
keep working) plus the stable names it lacks: named ``<Service>.<Operation>``, with
``rpc.system="aws-api"``, ``rpc.service``, ``rpc.method``, ``cloud.region``,
``server.address``, ``server.port``, ``aws.request_id``, ``http.response.status_code``
(and the older ``http.status_code``), ``retry_attempts`` and ``http.request.resend_count``
(retries), ``sm_typed.attempts`` (attempts, the first included). An error sets status
ERROR, ``error.type`` and an ``exception`` event holding its class and error code only:
no parameter values, no server message (it can echo them), no headers, no credentials.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode, TracerProvider

from .interceptors import AttemptStart, CallEnd, CallStart, Interceptor

__all__ = ["OpenTelemetryInterceptor"]

_VERSION = "0.1.0"


class OpenTelemetryInterceptor(Interceptor):
    """Traces every call: ``SageMakerClient(interceptors=[OpenTelemetryInterceptor()])``.

    ``tracer_provider``: the provider to trace with (default: the global one). The span
    is the current span while the call runs, so spans made inside it (by your
    interceptors, or an instrumented HTTP client) are its children.
    """

    def __init__(self, tracer_provider: TracerProvider | None = None) -> None:
        self._tracer = trace.get_tracer("sm_typed", _VERSION, tracer_provider=tracer_provider)

    def __repr__(self) -> str:
        return "OpenTelemetryInterceptor()"

    def before_call(self, context: CallStart) -> None:
        call = context.call
        attributes: dict[str, Any] = {
            "rpc.system": "aws-api",
            "rpc.service": call.service,
            "rpc.method": call.operation,
        }
        if call.region:
            attributes["cloud.region"] = call.region
        span = self._tracer.start_span(
            f"{call.service}.{call.operation}", kind=SpanKind.CLIENT, attributes=attributes
        )
        token = otel_context.attach(trace.set_span_in_context(span))
        call.properties[self] = (span, token)

    def before_attempt(self, context: AttemptStart) -> None:
        if context.attempt != 1:
            return
        found = context.call.properties.get(self)
        if found is None or not found[0].is_recording():
            return
        span = found[0]
        if context.call.region:
            span.set_attribute("cloud.region", context.call.region)
        address, port = server_of(context.request.url)
        span.set_attribute("server.address", address)
        span.set_attribute("server.port", port)

    def after_call(self, context: CallEnd) -> None:
        found = context.call.properties.pop(self, None)
        if found is None:
            return  # this interceptor's before_call did not run
        span, token = found
        try:
            if span.is_recording():
                _record(span, context)
        finally:
            span.end()
            otel_context.detach(token)


def _record(span: trace.Span, context: CallEnd) -> None:
    retries = max(context.attempts - 1, 0)
    span.set_attribute("retry_attempts", retries)
    span.set_attribute("sm_typed.attempts", context.attempts)
    if retries:
        span.set_attribute("http.request.resend_count", retries)
    if context.request_id:
        span.set_attribute("aws.request_id", context.request_id)
    if context.status_code is not None:
        span.set_attribute("http.response.status_code", context.status_code)
        span.set_attribute("http.status_code", context.status_code)
    error = context.error
    if error is None:
        return
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    code = getattr(error, "code", None)
    what = code if isinstance(code, str) and code else type(error).__name__
    span.set_attribute("error.type", what)
    span.add_event("exception", {"exception.type": kind, "exception.message": what})
    span.set_status(Status(StatusCode.ERROR, what))


def server_of(url: str) -> tuple[str, int]:
    """``(host, port)`` of an http(s) URL, the scheme's port when none is written."""
    scheme, _, rest = url.partition("://")
    authority = rest.split("/", 1)[0]
    host, port = authority, 443 if scheme == "https" else 80
    if authority.startswith("["):  # IPv6 literal
        end = authority.find("]")
        host = authority[1:end]
        if authority[end + 1 : end + 2] == ":":
            port = int(authority[end + 2 :])
    elif ":" in authority:
        host, _, digits = authority.rpartition(":")
        port = int(digits)
    return host, port
