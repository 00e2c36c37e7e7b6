"""Required endpoint discovery (Timestream), sent as botocore sends it.

Timestream's operations must go to the address DescribeEndpoints names. A generated
client discovers it once, keeps it for its CachePeriodInMinutes, and sends
``x-amz-api-version`` on DescribeEndpoints; an endpoint_url means no discovery. Each
case's requests are compared with botocore's for the same answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore
import botocore.awsrequest
import botocore.config
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


def botocore_client(
    service: str, answer_of: Callable[[str], bytes], **config: Any
) -> tuple[Any, list[Sent]]:
    """A botocore client of ``service`` whose requests are recorded (operation, URL,
    x-amz-api-version) and answered with ``answer_of(operation)``."""
    client = botocore.session.get_session().create_client(
        service,
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
        return botocore.awsrequest.AWSResponse(request.url, 200, {}, Raw(answer_of(operation)))

    client.meta.events.register("before-send", respond)
    return client, sent


def botocores(calls: int, **config: Any) -> list[Sent]:
    client, sent = botocore_client("timestream-write", answer, **config)
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


# endpoint_discovery_enabled (botocore's option, variable and profile setting): "auto" by
# default (required discovery only), True (optional discovery too), False (none).


async def test_discovery_turned_off_refuses_a_required_operation_before_anything_is_sent(
    timestream: Any,
) -> None:
    from botocore.discovery import EndpointDiscoveryRequired

    from sm_typed.errors import EndpointResolutionError

    with pytest.raises(EndpointDiscoveryRequired):
        botocores(calls=1, config=botocore.config.Config(endpoint_discovery_enabled=False))
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["x-amz-target"])
        return httpx.Response(200, content=answer("DescribeDatabase"))

    async with mocked(
        timestream.TimestreamWriteClient, handler, endpoint_discovery_enabled=False
    ) as client:
        with pytest.raises(EndpointResolutionError, match="DescribeDatabase requires endpoint"):
            await client.describe_database(database_name="db")
    assert sent == []


async def test_discovery_turned_off_with_an_endpoint_url_sends_there_as_botocore(
    timestream: Any,
) -> None:
    url = "http://127.0.0.1:9"
    off = botocore.config.Config(endpoint_discovery_enabled=False)
    sent = await ours(timestream, calls=1, endpoint_url=url, endpoint_discovery_enabled=False)
    assert sent == botocores(calls=1, endpoint_url=url, config=off)
    assert sent == [("DescribeDatabase", url, None)]


@pytest.mark.parametrize(
    ("env", "profile"),
    [({"AWS_ENDPOINT_DISCOVERY_ENABLED": "False"}, ""), ({}, "endpoint_discovery_enabled = FALSE")],
)
async def test_discovery_is_turned_off_by_the_variable_or_the_profile(
    timestream: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    env: dict[str, str],
    profile: str,
) -> None:
    from helpers import write_config

    from sm_typed.errors import EndpointResolutionError

    write_config(monkeypatch, tmp_path, f"[default]\n{profile}\n", env)
    with pytest.raises(EndpointResolutionError, match="requires endpoint discovery"):
        await ours(timestream, calls=1)


@pytest.mark.parametrize("value", ["maybe", 1, ""])
def test_a_discovery_setting_that_is_not_true_false_or_auto_is_a_configuration_error(
    timestream: Any, value: object
) -> None:
    from sm_typed.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="endpoint_discovery_enabled must be True"):
        mocked(timestream.TimestreamWriteClient, lambda r: None, endpoint_discovery_enabled=value)


@pytest.fixture(scope="module")
def dynamodb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from generated_package(tmp_path_factory.mktemp("discovery"), "dynamodb", "ed")


DDB_CELL = "cell7.dynamodb.us-east-1.amazonaws.com"


def ddb_answer(operation: str) -> bytes:
    if operation == "DescribeEndpoints":
        return json.dumps(
            {"Endpoints": [{"Address": DDB_CELL, "CachePeriodInMinutes": 5}]}
        ).encode()
    return b'{"TableNames": []}'


def botocore_dynamodb(calls: int, enabled: object) -> list[tuple[str, str]]:
    config = botocore.config.Config(endpoint_discovery_enabled=enabled)
    client, sent = botocore_client("dynamodb", ddb_answer, config=config)
    for _ in range(calls):
        client.list_tables()
    return [(operation, url) for operation, url, _ in sent]


@pytest.mark.parametrize("enabled", [True, "auto", False, None])
async def test_optional_discovery_follows_the_setting_as_botocore(
    dynamodb: Any, enabled: object
) -> None:
    sent: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        operation = request.headers["x-amz-target"].split(".")[-1]
        sent.append((operation, str(request.url).rstrip("/")))
        return httpx.Response(200, content=ddb_answer(operation))

    async with mocked(
        dynamodb.DynamoDBClient, handler, endpoint_discovery_enabled=enabled
    ) as client:
        for _ in range(2):
            assert (await client.list_tables()).table_names == []
    assert sent == botocore_dynamodb(calls=2, enabled=enabled)
    regional = "https://dynamodb.us-east-1.amazonaws.com"
    if enabled is True:
        assert sent == [
            ("DescribeEndpoints", regional),
            *[("ListTables", f"https://{DDB_CELL}")] * 2,
        ]
    else:
        assert sent == [("ListTables", regional)] * 2


async def test_optional_discovery_that_cannot_connect_uses_the_regional_endpoint_for_a_minute(
    dynamodb: Any,
) -> None:
    sent: list[str] = []
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        operation = request.headers["x-amz-target"].split(".")[-1]
        sent.append(f"{operation} {request.url.host}")
        if operation == "DescribeEndpoints" and len(sent) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, content=ddb_answer(operation))

    async with mocked(
        dynamodb.DynamoDBClient,
        handler,
        clock=clock,
        max_attempts=1,
        endpoint_discovery_enabled=True,
    ) as client:
        await client.list_tables()
        clock.advance(59)
        await client.list_tables()  # not asked again within a minute, as botocore
        clock.advance(2)
        await client.list_tables()
        await client.list_tables()
    regional = "dynamodb.us-east-1.amazonaws.com"
    assert sent == [
        f"DescribeEndpoints {regional}",
        f"ListTables {regional}",
        f"ListTables {regional}",
        f"DescribeEndpoints {regional}",
        f"ListTables {DDB_CELL}",
        f"ListTables {DDB_CELL}",
    ]
