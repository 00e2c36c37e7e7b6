"""Interceptors, per-call options and raw responses as downstream code writes them."""

from __future__ import annotations

import logging

from sm_typed import (
    AttemptEnd,
    AttemptStart,
    CallEnd,
    CallStart,
    Interceptor,
    RawResponse,
    SageMakerClient,
    SageMakerClientWithRawResponse,
    SignedRequest,
)
from sm_typed.errors import InterceptorError
from sm_typed.otel import OpenTelemetryInterceptor
from sm_typed.shapes import CreateModelOutput

log = logging.getLogger("app")


class Audit(Interceptor):
    def before_call(self, context: CallStart) -> None:
        context.properties["audit"] = context.operation

    async def before_attempt(self, context: AttemptStart) -> None:
        context.add_header("X-Tenant", "team-a")

    def after_signing(self, context: SignedRequest) -> None:
        log.debug("%s %s", context.request.method, context.request.url)

    async def after_attempt(self, context: AttemptEnd) -> None:
        if context.status_code is not None and context.status_code >= 500:
            log.warning("%s failed: %s", context.operation, context.request_id)

    def after_call(self, context: CallEnd) -> None:
        log.info("%s took %d attempts", context.properties["audit"], context.attempts)


async def use() -> str | None:
    sm = SageMakerClient(region="us-east-1", interceptors=[Audit(), OpenTelemetryInterceptor()])
    quick = sm.with_options(call_timeout=5.0, max_attempts=1, extra_headers={"X-Team": "ml"})
    raw: SageMakerClientWithRawResponse = quick.with_raw_response
    try:
        created: RawResponse[CreateModelOutput] = await raw.create_model(model_name="m")
    except InterceptorError as exc:
        log.error("hook %s failed", exc.hook)
        return None
    arn: str = created.parsed.model_arn
    log.info("%s %s %d", arn, created.request_id, created.status_code)
    deleted = await sm.with_raw_response.delete_model(model_name="m")
    assert deleted.parsed is None
    again = await sm.with_raw_response.with_options(read_timeout=3.0).list_models()
    return again.request_id
