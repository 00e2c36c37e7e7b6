"""Required endpoint discovery (Timestream), sent as botocore sends it.

Timestream's operations must go to the address DescribeEndpoints names. A generated
client discovers it once, keeps it for its CachePeriodInMinutes, and sends
``x-amz-api-version`` on DescribeEndpoints; an endpoint_url means no discovery. Each
case's requests are compared with botocore's for the same answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore
import botocore.awsrequest
import botocore.session
import httpx
import pytest
from clocks import FakeClock
from helpers import generated_package, mocked

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"
CELL = "ingest-cell2.timestream.us-east-1.amazonaws.com"
Sent = tuple[str, str, str | None]  # operation, URL, x-amz-api-version


@pytest.fixture(scope="module")
def timestream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from generated_package(tmp_path_factory.mktemp("discovery"), "timestream-write", "ed")


def answer(operation: str, minutes: int = 1440, address: str = CELL) -> bytes:
    if operation == "DescribeEndpoints":
        endpoints = [{"Address": address, "CachePeriodInMinutes": minutes}]
        return json.dumps({"Endpoints": endpoints}).encode()
    return json.dumps({"Database": {"DatabaseName": "db"}}).encode()


def ours(
    timestream: Any,
    calls: int,
    clock: FakeClock | None = None,
    minutes: int = 1440,
    address: str = CELL,
    refuse: int = 0,
    **options: Any,
) -> Any:
    """Our requests for ``calls`` DescribeDatabase calls; the first ``refuse`` of them
    answered 421 (an endpoint that no longer takes them)."""
    sent: list[Sent] = []

    def handler(request: httpx.Request) -> httpx.Response:
        operation = request.headers["x-amz-target"].split(".")[-1]
        url = str(request.url).rstrip("/")  # botocore's URL of a discovered endpoint has no "/"
        sent.append((operation, url, request.headers.get("x-amz-api-version")))
        if operation != "DescribeEndpoints" and len(sent) <= refuse + 1:
            return httpx.Response(421, content=b'{"__type": "InvalidEndpointException"}')
        return httpx.Response(200, content=answer(operation, minutes, address))

    async def run() -> list[Sent]:
        async with mocked(
            timestream.TimestreamWriteClient, handler, clock=clock, **options
        ) as client:
            for _ in range(calls):
                try:
                    out = await client.describe_database(database_name="db")
                except timestream.errors.ServiceError as exc:
                    assert exc.status_code == 421
                    continue
                assert out.database is not None and out.database.database_name == "db"
                if clock is not None:
                    clock.advance(50 * 60)
        return sent

    return run()


def botocores(calls: int, **config: Any) -> list[Sent]:
    client = botocore.session.get_session().create_client(
        "timestream-write",
        region_name="us-east-1",
        aws_access_key_id="A",
        aws_secret_access_key="s",
        **config,
    )
    sent: list[Sent] = []

    class Raw:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self, *_: Any, **__: Any) -> Iterator[bytes]:
            yield self.body

    def respond(request: Any, **_: Any) -> botocore.awsrequest.AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        version = request.headers.get("x-amz-api-version")
        sent.append((operation, request.url.rstrip("/"), version.decode() if version else None))
        return botocore.awsrequest.AWSResponse(request.url, 200, {}, Raw(answer(operation)))

    client.meta.events.register("before-send", respond)
    for _ in range(calls):
        client.describe_database(DatabaseName="db")
    return sent


async def test_operations_go_to_the_discovered_endpoint_as_botocore_sends_them(
    timestream: Any,
) -> None:
    sent = await ours(timestream, calls=3)
    assert sent == botocores(calls=3)
    assert sent == [
        ("DescribeEndpoints", "https://ingest.timestream.us-east-1.amazonaws.com", "2018-11-01"),
        *[("DescribeDatabase", f"https://{CELL}", None)] * 3,  # kept: discovered once
    ]


async def test_a_discovered_endpoint_is_discovered_again_after_its_cache_period(
    timestream: Any,
) -> None:
    sent = await ours(timestream, calls=3, clock=FakeClock(), minutes=60)
    # Kept 60 minutes; the clock moves 50 minutes a call: the third call discovers again.
    assert [s[0] for s in sent] == [
        "DescribeEndpoints",
        "DescribeDatabase",
        "DescribeDatabase",
        "DescribeEndpoints",
        "DescribeDatabase",
    ]


async def test_an_endpoint_that_refuses_the_call_is_discovered_again(timestream: Any) -> None:
    sent = await ours(timestream, calls=2, refuse=1, max_attempts=1)
    assert [s[0] for s in sent] == ["DescribeEndpoints", "DescribeDatabase"] * 2


@pytest.mark.parametrize("address", ["bad host", "cell\r\nX-Injected: 1", ""])
async def test_an_address_that_is_no_endpoint_is_a_typed_error_and_nothing_is_sent_to_it(
    timestream: Any, address: str
) -> None:
    from sm_typed.errors import EndpointResolutionError

    with pytest.raises(EndpointResolutionError, match="DescribeDatabase: the endpoint operation"):
        await ours(timestream, calls=1, address=address)


async def test_an_endpoint_url_means_no_discovery_as_in_botocore(timestream: Any) -> None:
    url = "http://127.0.0.1:9"
    sent = await ours(timestream, calls=2, endpoint_url=url)
    assert sent == botocores(calls=2, endpoint_url=url)
    assert sent == [("DescribeDatabase", url, None)] * 2


async def test_concurrent_first_calls_discover_once_and_raw_views_discover_too(
    timestream: Any,
) -> None:
    import asyncio

    sent: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        operation = request.headers["x-amz-target"].split(".")[-1]
        sent.append(operation)
        await asyncio.sleep(0.01)  # discovery takes a while: the others wait for it
        return httpx.Response(200, content=answer(operation))

    async with mocked(timestream.TimestreamWriteClient, handler) as client:
        raw = client.with_raw_response
        results = await asyncio.gather(
            *(raw.describe_database(database_name="db") for _ in range(10))
        )
    assert [r.status_code for r in results] == [200] * 10
    assert sent == ["DescribeEndpoints"] + ["DescribeDatabase"] * 10
