"""The same paginator and waiter code, generated from other botocore JSON models, against moto:
DynamoDB (map-valued tokens: LastEvaluatedKey -> ExclusiveStartKey; TableExists) and Kinesis
(a JMESPath output token, StreamDescription.Shards[-1].ShardId; StreamExists)."""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import botocore
import pytest
from fault_server import FaultServer, ok
from moto_local import MotoServer

from codegen.__main__ import main as codegen_main

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"


def model(service: str) -> Path:
    latest = sorted(p for p in (BOTOCORE_DATA / service).iterdir() if p.is_dir())[-1]
    return latest / "service-2.json.gz"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("models")
    services = ("dynamodb", "kinesis", "devicefarm", "budgets")
    for service in services:
        assert (
            codegen_main(["--model", str(model(service)), "--out", str(root / f"pg_{service}")])
            == 0
        )
    sys.path.insert(0, str(root))
    try:
        yield {s: importlib.import_module(f"pg_{s}") for s in services}
    finally:
        sys.path.remove(str(root))


def creds(server: MotoServer | FaultServer) -> dict[str, Any]:
    return {
        "region": "us-east-1",
        "endpoint_url": server.url,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


async def test_dynamodb_query_pages_with_map_tokens_and_table_exists(
    packages: dict[str, Any], moto_server: MotoServer
) -> None:
    ddb = packages["dynamodb"]
    s = ddb.shapes
    table = f"t-{uuid.uuid4().hex[:8]}"
    async with ddb.DynamoDBClient(**creds(moto_server)) as db:
        await db.create_table(
            table_name=table,
            attribute_definitions=[
                s.AttributeDefinition(attribute_name="pk", attribute_type="S"),
                s.AttributeDefinition(attribute_name="sk", attribute_type="N"),
            ],
            key_schema=[
                s.KeySchemaElement(attribute_name="pk", key_type="HASH"),
                s.KeySchemaElement(attribute_name="sk", key_type="RANGE"),
            ],
            billing_mode="PAY_PER_REQUEST",
        )
        described = await db.wait_until_table_exists(table_name=table, delay=0.05)
        assert described.table is not None and described.table.table_name == table
        for i in range(25):
            await db.put_item(
                table_name=table,
                item={"pk": s.AttributeValue(s="p"), "sk": s.AttributeValue(n=str(i))},
            )
        query = {
            "table_name": table,
            "key_condition_expression": "pk = :p",
            "expression_attribute_values": {":p": s.AttributeValue(s="p")},
        }
        pages = [p async for p in db.paginate_query(page_size=10, **query)]
        assert [len(p.items or []) for p in pages][:3] == [10, 10, 5]
        assert isinstance(pages[0].last_evaluated_key["sk"], s.AttributeValue)
        limited = db.paginate_query(page_size=10, max_items=12, **query)
        head = [item["sk"].n async for item in limited.items()]
        assert head == [str(i) for i in range(12)]
        rest = db.paginate_query(page_size=10, starting_token=limited.resume_token, **query)
        assert [item["sk"].n async for item in rest.items()] == [str(i) for i in range(12, 25)]


async def test_kinesis_stream_exists_and_a_jmespath_token(
    packages: dict[str, Any], moto_server: MotoServer
) -> None:
    kinesis = packages["kinesis"]
    name = f"s-{uuid.uuid4().hex[:8]}"
    async with kinesis.KinesisClient(**creds(moto_server)) as k:
        await k.create_stream(stream_name=name, shard_count=3)
        out = await k.wait_until_stream_exists(stream_name=name, delay=0.05)
        assert out.stream_description.stream_status == "ACTIVE"
        pages = [p async for p in k.paginate_describe_stream(stream_name=name)]
        shards = [sh.shard_id for p in pages for sh in p.stream_description.shards]
        assert len(shards) == 3 and len(set(shards)) == 3


# -- tokens and pages as botocore has them (a scripted server: moto cannot give these) --------


@pytest.fixture
async def scripted() -> AsyncIterator[FaultServer]:
    server = await FaultServer().start()
    yield server
    await server.stop()


def scripted_creds(server: FaultServer) -> dict[str, Any]:
    return {**creds(server), "max_attempts": 1}


def scan_page(keys: list[bytes], last: bytes | None) -> dict[str, Any]:
    def binary(key: bytes) -> dict[str, Any]:
        return {"pk": {"B": base64.b64encode(key).decode()}}

    page: dict[str, Any] = {"Items": [binary(k) for k in keys], "Count": len(keys)}
    if last is not None:
        page["LastEvaluatedKey"] = binary(last)
    return page


async def test_a_binary_key_token_is_botocores_to_the_byte_and_resumes_either_way(
    packages: dict[str, Any], scripted: FaultServer
) -> None:
    """A map token holding a binary value: base64 with its path under boto_encoded_keys,
    as botocore's TokenEncoder writes it, and botocore's token read back to bytes."""
    from botocore.paginate import TokenEncoder

    ddb = packages["dynamodb"]
    scripted.script([ok(scan_page([b"\x00\x01", b"\x00\x02"], b"\x00\x02"))])
    async with ddb.DynamoDBClient(**scripted_creds(scripted)) as db:
        first = db.paginate_scan(table_name="t", max_items=2)
        assert [i["pk"].b async for i in first.items()] == [b"\x00\x01", b"\x00\x02"]
        expected = {"ExclusiveStartKey": {"pk": {"B": b"\x00\x02"}}}
        assert first.resume_token == TokenEncoder().encode(expected)
        # botocore's token of a stop part-way through the next page, read back the same way.
        botocores = TokenEncoder().encode({**expected, "boto_truncate_amount": 1})
        scripted.script([ok(scan_page([b"\x00\x03", b"\x00\x04"], None))])
        rest = db.paginate_scan(table_name="t", starting_token=botocores)
        assert [i["pk"].b async for i in rest.items()] == [b"\x00\x04"]
    assert json.loads(scripted.requests[-1].body)["ExclusiveStartKey"] == {"pk": {"B": "AAI="}}


def streams_page(names: list[str], token: str | None) -> dict[str, Any]:
    summaries = [
        {
            "StreamName": n,
            "StreamARN": f"arn:aws:kinesis:us-east-1:1:stream/{n}",
            "StreamStatus": "ACTIVE",
        }
        for n in names
    ]
    page: dict[str, Any] = {
        "StreamNames": names,
        "StreamSummaries": summaries,
        "HasMoreStreams": token is not None,
    }
    if token is not None:
        page["NextToken"] = token
    return page


async def test_a_page_resumed_part_way_has_its_other_result_keys_emptied(
    packages: dict[str, Any], scripted: FaultServer
) -> None:
    """Kinesis ListStreams has two result keys. A stop part-way through a page returned
    that page's StreamSummaries whole: resumed there, they are not returned again (botocore
    empties them too). Resumed at a page boundary, nothing of the page was returned: kept
    (botocore empties them there as well, and loses them)."""
    kinesis = packages["kinesis"]
    scripted.script([ok(streams_page(["s1", "s2", "s3"], "t1"))])
    async with kinesis.KinesisClient(**scripted_creds(scripted)) as k:
        first = k.paginate_list_streams(max_items=2)
        pages = [p async for p in first]
        assert pages[0].stream_names == ["s1", "s2"] and len(pages[0].stream_summaries) == 3
        scripted.script(
            [ok(streams_page(["s1", "s2", "s3"], "t1")), ok(streams_page(["s4"], None))]
        )
        resumed = [p async for p in k.paginate_list_streams(starting_token=first.resume_token)]
        assert [(p.stream_names, len(p.stream_summaries)) for p in resumed] == [
            (["s3"], 0),
            (["s4"], 1),
        ]
        scripted.script([ok(streams_page(["s4"], None))])
        boundary = [p async for p in k.paginate_list_streams(starting_token="t1")]
        assert [(p.stream_names, len(p.stream_summaries)) for p in boundary] == [(["s4"], 1)]


def offering_page(ids: list[str], token: str | None) -> dict[str, Any]:
    status = {"type": "PURCHASE", "effectiveOn": 1700000000}
    page: dict[str, Any] = {"current": {i: status for i in ids}}
    if token is not None:
        page["nextToken"] = token
    return page


async def test_a_map_result_key_gives_its_keys_as_botocore_does_and_max_items_counts_them(
    packages: dict[str, Any], scripted: FaultServer
) -> None:
    """Device Farm's GetOfferingStatus has maps as result keys: botocore iterates a map's
    keys. Its MaxItems fails on a map (it slices the map); ours stops after that many keys
    and resumes after them."""
    import botocore.session

    pages = [offering_page(["o1", "o2"], "tok-1"), offering_page(["o3"], None)]
    scripted.script([ok(p) for p in pages])
    devicefarm = packages["devicefarm"]
    async with devicefarm.DeviceFarmClient(**scripted_creds(scripted)) as df:
        ours = [key async for key in df.paginate_get_offering_status().items()]
        scripted.script([ok(pages[0])])
        first = df.paginate_get_offering_status(max_items=1)
        assert [key async for key in first.items()] == ["o1"]
        scripted.script([ok(pages[0]), ok(pages[1])])
        rest = df.paginate_get_offering_status(starting_token=first.resume_token)
        assert [key async for key in rest.items()] == ["o2", "o3"]
    scripted.script([ok(p) for p in pages])
    client = botocore.session.get_session().create_client(
        "devicefarm",
        region_name="us-west-2",
        endpoint_url=scripted.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pager = client.get_paginator("get_offering_status")
    # In a thread: the scripted server answers on this loop.
    theirs = await asyncio.to_thread(lambda: list(pager.paginate().result_key_iters()[0]))
    assert ours == theirs == ["o1", "o2", "o3"]


async def test_a_structure_result_key_is_one_typed_item_per_page(
    packages: dict[str, Any], scripted: FaultServer
) -> None:
    """Budgets' DescribeBudgetPerformanceHistory names a structure as its result key: each
    page's is one item (iterating it raised TypeError), typed as that structure."""
    budgets = packages["budgets"]
    pages = [
        {"BudgetPerformanceHistory": {"BudgetName": "a"}, "NextToken": "t"},
        {"BudgetPerformanceHistory": {"BudgetName": "b"}},
    ]
    scripted.script([ok(p) for p in pages])
    async with budgets.BudgetsClient(**scripted_creds(scripted)) as b:
        paginator = b.paginate_describe_budget_performance_history(
            account_id="123456789012", budget_name="x"
        )
        items = [item async for item in paginator.items()]
    assert [type(i).__name__ for i in items] == ["BudgetPerformanceHistory"] * 2
    assert [i.budget_name for i in items] == ["a", "b"]
    stub = (Path(budgets.__file__).parent / "_client.pyi").read_text()
    assert (
        "_Paginator[_s.DescribeBudgetPerformanceHistoryResponse, _s.BudgetPerformanceHistory]"
        in stub
    )
