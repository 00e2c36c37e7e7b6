"""Waiters: acceptors in order, the last output returned, typed failures, cancellation."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fault_server import FaultServer, error, ok, throttle
from helpers import create_training_job, loopback_client

from sm_typed import CallStart, Interceptor, SageMakerClient
from sm_typed.errors import (
    ParamValidationError,
    ResourceNotFound,
    ServiceError,
    WaiterError,
    WaiterFailed,
    WaiterTimeout,
)
from sm_typed.shapes import (
    DescribeEndpointOutput,
    ProductionVariant,
)

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def endpoint(status: str) -> dict[str, Any]:
    return {
        "EndpointName": "e",
        "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e",
        "EndpointStatus": status,
        "CreationTime": 1700000000,
        "LastModifiedTime": 1700000000,
    }


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    s = await FaultServer(default=ok(endpoint("Creating"))).start()
    yield s
    await s.stop()


def client(server: FaultServer, **options: Any) -> SageMakerClient:
    return loopback_client(server.url, **options)


async def test_polls_until_in_service_and_returns_the_last_output(server: FaultServer) -> None:
    server.script([ok(endpoint("Creating")), ok(endpoint("Creating")), ok(endpoint("InService"))])
    seen: list[tuple[int, str]] = []

    async def progress(attempt: int, last: DescribeEndpointOutput | ServiceError) -> None:
        assert isinstance(last, DescribeEndpointOutput)
        seen.append((attempt, last.endpoint_status))

    async with client(server) as sm:
        out = await sm.wait_until_endpoint_in_service(
            endpoint_name="e", delay=0.01, on_attempt=progress
        )
    assert isinstance(out, DescribeEndpointOutput) and out.endpoint_status == "InService"
    assert seen == [(1, "Creating"), (2, "Creating"), (3, "InService")]
    assert server.request_count == 3
    assert all(r.headers["x-amz-target"] == "SageMaker.DescribeEndpoint" for r in server.requests)


async def test_a_failure_state_raises_waiter_failed_with_the_last_output(
    server: FaultServer,
) -> None:
    server.script([ok(endpoint("Creating")), ok(endpoint("Failed"))])
    async with client(server) as sm:
        with pytest.raises(WaiterFailed) as info:
            await sm.wait_until_endpoint_in_service(endpoint_name="e", delay=0.01)
    failed = info.value
    assert isinstance(failed, WaiterError)
    assert (failed.waiter_name, failed.attempts) == ("EndpointInService", 2)
    assert isinstance(failed.last_output, DescribeEndpointOutput)
    assert failed.last_output.endpoint_status == "Failed"
    assert failed.last_error is None


async def test_an_error_acceptor_matches_by_code(server: FaultServer) -> None:
    server.script([error("ValidationException", message="Could not find endpoint")])
    async with client(server) as sm:
        with pytest.raises(WaiterFailed) as info:
            await sm.wait_until_endpoint_in_service(endpoint_name="e", delay=0.01)
        assert isinstance(info.value.last_error, ServiceError)
        assert info.value.last_error.code == "ValidationException"
        # EndpointDeleted: the same error is its success state, and there is no output.
        server.script([ok(endpoint("Deleting")), error("ValidationException")])
        assert await sm.wait_until_endpoint_deleted(endpoint_name="e", delay=0.01) is None


async def test_an_error_no_acceptor_names_propagates_typed(server: FaultServer) -> None:
    server.script([error("ResourceNotFound", message="gone")])
    async with client(server) as sm:
        with pytest.raises(ResourceNotFound):
            await sm.wait_until_endpoint_in_service(endpoint_name="e", delay=0.01)


async def test_a_throttled_poll_is_retried_as_a_normal_call(server: FaultServer) -> None:
    server.script([throttle(), ok(endpoint("InService"))])
    async with client(server) as sm:
        out = await sm.wait_until_endpoint_in_service(endpoint_name="e", delay=0.01)
    assert out.endpoint_status == "InService" and server.request_count == 2


async def test_max_attempts_and_max_wait_end_with_waiter_timeout(server: FaultServer) -> None:
    async with client(server) as sm:
        with pytest.raises(WaiterTimeout) as info:
            await sm.wait_until_endpoint_in_service(endpoint_name="e", delay=0.01, max_attempts=3)
        assert info.value.attempts == 3 and "max attempts (3)" in info.value.reason
        assert isinstance(info.value.last_output, DescribeEndpointOutput)
        assert isinstance(info.value, TimeoutError)
        with pytest.raises(WaiterTimeout) as info:
            await sm.wait_until_endpoint_in_service(endpoint_name="e", delay=0.2, max_wait=0.3)
        assert info.value.attempts == 2 and "max_wait" in info.value.reason


async def test_a_waiter_sleeps_and_times_on_the_clients_clock(server: FaultServer) -> None:
    from clocks import FakeClock

    clock = FakeClock()
    async with client(server, clock=clock) as sm:
        with pytest.raises(WaiterTimeout) as info:
            # Hours of polling, simulated: done at once, on the injected clock.
            await asyncio.wait_for(
                sm.wait_until_endpoint_in_service(
                    endpoint_name="e", max_attempts=1000, max_wait=7200
                ),
                10,
            )
    assert clock.sleeps == [30] * 240  # the model's 30 s delay, while 7,200 s is not passed
    assert info.value.attempts == 241 == server.request_count and "max_wait" in info.value.reason


async def test_cancelling_mid_sleep_ends_the_wait_at_once(server: FaultServer) -> None:
    async with client(server, max_connections=1, pool_timeout=1.0) as sm:
        task = asyncio.create_task(sm.wait_until_endpoint_in_service(endpoint_name="e", delay=30))
        while server.request_count == 0:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # now in the 30 s sleep
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=1.0)
        # Nothing leaked: the one connection serves the next call.
        server.script([ok(endpoint("InService"))])
        assert (await sm.describe_endpoint(endpoint_name="e")).endpoint_status == "InService"


async def test_bad_controls_are_refused_before_anything_is_sent(server: FaultServer) -> None:
    async with client(server) as sm:
        bad_values = ({"delay": -1}, {"delay": float("inf")}, {"delay": float("nan")})
        for bad in (*bad_values, {"max_attempts": 0}, {"max_wait": 0}):
            with pytest.raises(ParamValidationError):
                await sm.wait_until_endpoint_in_service(endpoint_name="e", **bad)
    assert server.request_count == 0


async def test_polls_go_through_interceptors_and_per_call_options(server: FaultServer) -> None:
    calls: list[str] = []

    class Count(Interceptor):
        def before_call(self, context: CallStart) -> None:
            calls.append(context.operation)

    server.script([ok(endpoint("Creating")), ok(endpoint("InService"))])
    async with client(server) as sm:
        view = sm.with_options(interceptors=[Count()], extra_headers={"X-Tenant": "a"})
        await view.wait_until_endpoint_in_service(endpoint_name="e", delay=0.01)
        # From a raw-response view too: the waiter still returns the output.
        server.script([ok(endpoint("InService"))])
        out = await view.with_raw_response.wait_until_endpoint_in_service(endpoint_name="e")
        assert isinstance(out, DescribeEndpointOutput)
    assert calls == ["DescribeEndpoint"] * 3
    assert all(r.headers["x-tenant"] == "a" for r in server.requests)


async def test_sm_typeds_own_waiters_are_generated() -> None:
    for method in (
        "wait_until_compilation_job_completed_or_stopped",
        "wait_until_pipeline_execution_completed",
        "wait_until_user_profile_in_service",
        "wait_until_model_package_completed",
        "wait_until_inference_component_in_service",
        "wait_until_hyper_parameter_tuning_job_completed_or_stopped",
    ):
        doc = getattr(SageMakerClient, method).__doc__ or ""
        assert "sm_typed's own waiter" in doc, method


async def test_against_moto_endpoint_and_training_job(sm: SageMakerClient) -> None:
    name = f"w-{uuid.uuid4().hex[:8]}"
    await sm.create_model(model_name=name, execution_role_arn=ROLE)
    await sm.create_endpoint_config(
        endpoint_config_name=name,
        production_variants=[
            ProductionVariant(
                variant_name="v",
                model_name=name,
                initial_instance_count=1,
                instance_type="ml.m5.large",
            )
        ],
    )
    await sm.create_endpoint(endpoint_name=name, endpoint_config_name=name)
    out = await sm.wait_until_endpoint_in_service(endpoint_name=name, delay=0.05)
    assert out.endpoint_name == name and out.endpoint_status == "InService"

    await create_training_job(sm, name)
    job = await sm.wait_until_training_job_completed_or_stopped(training_job_name=name, delay=0.05)
    assert job.training_job_name == name
    assert job.training_job_status in ("Completed", "Stopped")


async def test_a_plain_on_attempt_may_return_a_value(server: FaultServer) -> None:
    seen: dict[int, object] = {}
    server.script([ok(endpoint("Creating")), ok(endpoint("InService"))])
    async with client(server) as sm:
        out = await sm.wait_until_endpoint_in_service(
            endpoint_name="e", delay=0.01, on_attempt=lambda n, last: seen.setdefault(n, last)
        )
    assert out.endpoint_status == "InService" and sorted(seen) == [1, 2]
