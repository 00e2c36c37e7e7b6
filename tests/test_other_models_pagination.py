"""The same paginator and waiter code, generated from other botocore JSON models, against moto:
DynamoDB (map-valued tokens: LastEvaluatedKey -> ExclusiveStartKey; TableExists) and Kinesis
(a JMESPath output token, StreamDescription.Shards[-1].ShardId; StreamExists)."""

from __future__ import annotations

import importlib
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore
import pytest
from moto_local import MotoServer

from codegen.__main__ import main as codegen_main

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"


def model(service: str) -> Path:
    latest = sorted(p for p in (BOTOCORE_DATA / service).iterdir() if p.is_dir())[-1]
    return latest / "service-2.json.gz"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("models")
    for service in ("dynamodb", "kinesis"):
        assert (
            codegen_main(["--model", str(model(service)), "--out", str(root / f"pg_{service}")])
            == 0
        )
    sys.path.insert(0, str(root))
    try:
        yield {s: importlib.import_module(f"pg_{s}") for s in ("dynamodb", "kinesis")}
    finally:
        sys.path.remove(str(root))


def creds(moto_server: MotoServer) -> dict[str, Any]:
    return {
        "region": "us-east-1",
        "endpoint_url": moto_server.url,
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
