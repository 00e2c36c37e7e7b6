"""Paginators: typed pages and items, max_items with a resume token, each page a normal call."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fault_server import FaultServer, ok, throttle
from helpers import create_training_job, loopback_client

from sm_typed import CallStart, Interceptor, SageMakerClient
from sm_typed.errors import PaginationError, ParamValidationError
from sm_typed.shapes import (
    ListModelsOutput,
    ModelSummary,
    TrainingJobSummary,
)

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


async def make_training_jobs(sm: SageMakerClient, prefix: str, count: int) -> list[str]:
    names = [f"{prefix}-{i:02d}" for i in range(count)]
    for name in names:
        await create_training_job(sm, name)
    return names


async def test_training_jobs_in_pages_of_ten_and_as_typed_items(sm: SageMakerClient) -> None:
    names = await make_training_jobs(sm, "pg", 25)
    pages = [p async for p in sm.paginate_list_training_jobs(page_size=10, name_contains="pg-")]
    assert [len(p.training_job_summaries) for p in pages] == [10, 10, 5]
    items = [
        i async for i in sm.paginate_list_training_jobs(page_size=10, name_contains="pg-").items()
    ]
    assert all(isinstance(i, TrainingJobSummary) for i in items)
    assert sorted(i.training_job_name for i in items) == names

    first = sm.paginate_list_training_jobs(page_size=10, max_items=12, name_contains="pg-")
    head = [i.training_job_name async for i in first.items()]
    assert len(head) == 12 and first.resume_token is not None
    rest = sm.paginate_list_training_jobs(
        page_size=10, name_contains="pg-", starting_token=first.resume_token
    )
    tail = [i.training_job_name async for i in rest.items()]
    assert len(tail) == 13 and not set(head) & set(tail)
    assert sorted(head + tail) == names
    assert rest.resume_token is None


async def test_experiments_the_same_way(sm: SageMakerClient) -> None:
    names = [f"exp-{uuid.uuid4().hex[:6]}-{i}" for i in range(7)]
    for name in names:
        await sm.create_experiment(experiment_name=name)
    pages = [p async for p in sm.paginate_list_experiments(page_size=3)]
    assert [len(p.experiment_summaries or []) for p in pages] == [3, 3, 1]
    limited = sm.paginate_list_experiments(page_size=3, max_items=5)
    head = [e.experiment_name async for e in limited.items()]
    rest = sm.paginate_list_experiments(page_size=3, starting_token=limited.resume_token)
    tail = [e.experiment_name async for e in rest.items()]
    assert len(head) == 5 and len(tail) == 2 and sorted(head + tail) == sorted(names)


# -- a scripted server, for what moto cannot do ---------------------------------------------------


def models_page(names: list[str], token: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "Models": [
            {
                "ModelName": n,
                "ModelArn": f"arn:aws:sagemaker:us-east-1:1:model/{n}",
                "CreationTime": 1,
            }
            for n in names
        ]
    }
    if token is not None:
        page["NextToken"] = token
    return page


@pytest.fixture
async def server() -> AsyncIterator[FaultServer]:
    s = await FaultServer(default=ok(models_page([], None))).start()
    yield s
    await s.stop()


def client(server: FaultServer, **options: Any) -> SageMakerClient:
    return loopback_client(server.url, **options)


async def test_nothing_is_sent_until_the_iteration_starts(server: FaultServer) -> None:
    async with client(server) as sm:
        paginator = sm.paginate_list_models(name_contains="m")
        assert server.request_count == 0
        pages = [p async for p in paginator]
    assert pages == [ListModelsOutput(models=[])]
    assert json.loads(server.requests[0].body) == {"NameContains": "m"}


async def test_tokens_page_size_and_a_throttle_mid_way(server: FaultServer) -> None:
    server.script(
        [
            ok(models_page(["a", "b"], "t1")),
            throttle(),  # the second page's first attempt: retried, then pagination goes on
            ok(models_page(["c"], "t2")),
            ok(models_page(["d"], None)),
        ]
    )
    async with client(server) as sm:
        items = [m async for m in sm.paginate_list_models(page_size=2).items()]
    assert [m.model_name for m in items] == ["a", "b", "c", "d"]
    assert all(isinstance(m, ModelSummary) for m in items)
    bodies = [json.loads(r.body) for r in server.requests]
    assert bodies == [
        {"MaxResults": 2},
        {"MaxResults": 2, "NextToken": "t1"},
        {"MaxResults": 2, "NextToken": "t1"},
        {"MaxResults": 2, "NextToken": "t2"},
    ]


async def test_the_same_token_twice_is_a_typed_error_not_a_loop(server: FaultServer) -> None:
    server.script([ok(models_page(["a"], "same")), ok(models_page(["b"], "same"))])
    async with client(server) as sm:
        seen: list[str] = []
        with pytest.raises(PaginationError, match="same token twice"):
            async for m in sm.paginate_list_models().items():
                seen.append(m.model_name)
    assert seen == ["a", "b"] and server.request_count == 2


async def test_max_items_stops_mid_page_and_resumes_there(server: FaultServer) -> None:
    server.script([ok(models_page(["a", "b", "c"], "t1"))])
    async with client(server) as sm:
        first = sm.paginate_list_models(max_items=2)
        assert [m.model_name async for m in first.items()] == ["a", "b"]
        token = first.resume_token
        assert token is not None and server.request_count == 1
        server.script([ok(models_page(["a", "b", "c"], "t1")), ok(models_page(["d"], None))])
        rest = [m.model_name async for m in sm.paginate_list_models(starting_token=token).items()]
    assert rest == ["c", "d"]
    # The resumed paginator asked for the page the first one stopped in, then went on.
    assert [json.loads(r.body) for r in server.requests[1:]] == [{}, {"NextToken": "t1"}]


async def test_a_services_own_token_is_taken_as_a_starting_token(server: FaultServer) -> None:
    async with client(server) as sm:
        [_ async for _ in sm.paginate_list_models(starting_token="raw-next-token")]
    assert json.loads(server.requests[0].body) == {"NextToken": "raw-next-token"}


async def test_a_starting_token_answered_again_is_not_yet_a_repeat(server: FaultServer) -> None:
    """The same token twice means two answers in a row (as botocore counts): the caller's
    starting token coming back once is not one."""
    server.script(
        [
            ok(models_page(["a"], "tX")),
            ok(models_page(["b"], "tY")),
            ok(models_page(["c"], None)),
        ]
    )
    async with client(server) as sm:
        items = [m.model_name async for m in sm.paginate_list_models(starting_token="tX").items()]
    assert items == ["a", "b", "c"]
    assert [json.loads(r.body)["NextToken"] for r in server.requests] == ["tX", "tX", "tY"]


@pytest.mark.parametrize(
    ("token", "sent", "items"),
    [
        ("m1___1", {"NextToken": "m1"}, ["b", "c"]),  # botocore's old form: token___skip
        ("None___0", {}, ["a", "b", "c"]),
        ("None", {}, ["a", "b", "c"]),
        ("m___x", {"NextToken": "m___x"}, ["a", "b", "c"]),  # not the old form: as it is
    ],
)
async def test_botocores_older_starting_tokens_are_read_as_botocore_reads_them(
    server: FaultServer, token: str, sent: dict[str, str], items: list[str]
) -> None:
    server.script([ok(models_page(["a", "b", "c"], None))])
    async with client(server) as sm:
        got = [m.model_name async for m in sm.paginate_list_models(starting_token=token).items()]
    assert got == items
    assert json.loads(server.requests[0].body) == sent


@pytest.mark.parametrize(
    "data",
    [
        {"NextToken": "x", "boto_encoded_keys": [["Elsewhere"]]},
        {"NextToken": "not base64!", "boto_encoded_keys": [["NextToken"]]},
        {"NextToken": "x", "boto_encoded_keys": "NextToken"},
        {"NextToken": "x", "boto_encoded_keys": [[]]},
        {"NextToken": "x", "boto_truncate_amount": True},
        {"NextToken": "x", "boto_truncate_amount": -1},
        {"Other": "x"},
    ],
)
async def test_a_token_that_no_paginator_gave_is_refused_before_anything_is_sent(
    server: FaultServer, data: dict[str, object]
) -> None:
    import base64

    token = base64.b64encode(json.dumps(data).encode()).decode()
    async with client(server) as sm:
        with pytest.raises(ParamValidationError, match="starting_token"):
            sm.paginate_list_models(starting_token=token)
    assert server.request_count == 0


async def test_every_page_goes_through_interceptors_and_options(server: FaultServer) -> None:
    operations: list[str] = []

    class Count(Interceptor):
        def before_call(self, context: CallStart) -> None:
            operations.append(context.operation)

    server.script([ok(models_page(["a"], "t1")), ok(models_page(["b"], None))])
    async with client(server) as sm:
        view = sm.with_options(interceptors=[Count()], extra_headers={"X-Tenant": "a"})
        assert len([m async for m in view.paginate_list_models().items()]) == 2
        # A raw-response view's paginator still yields the typed pages.
        server.script([ok(models_page(["z"], None))])
        pages = [p async for p in view.with_raw_response.paginate_list_models()]
        assert isinstance(pages[0], ListModelsOutput)
    assert operations == ["ListModels"] * 3
    assert all(r.headers["x-tenant"] == "a" for r in server.requests)


async def test_bad_controls_are_refused_before_anything_is_sent(server: FaultServer) -> None:
    async with client(server) as sm:
        for bad in (
            {"page_size": 0},
            {"max_items": -1},
            {"page_size": True},
            {"page_size": "10"},
            {"max_items": 1.5},
            {"page_size": 10, "max_items": 0},
        ):
            with pytest.raises(ParamValidationError):
                sm.paginate_list_models(**bad)
        with pytest.raises(ParamValidationError):
            sm.paginate_list_models(starting_token="")
        with pytest.raises(ParamValidationError):
            # The operation's own parameters are validated as for any call, on the first page.
            [_ async for _ in sm.paginate_list_models(name_contains=5)]  # type: ignore[arg-type]
    assert server.request_count == 0


async def test_with_several_tokens_an_empty_one_is_not_sent_as_botocore_drops_it() -> None:
    import base64
    import copy

    import msgspec
    from botocore.paginate import Paginator as BotocorePaginator

    from sm_typed_runtime.paginators import Paginator, PaginatorSpec

    class In(msgspec.Struct, rename="pascal", omit_defaults=True):
        marker: str | None = None
        start_key: dict[str, str] | None = None

    class Out(msgspec.Struct, rename="pascal", omit_defaults=True):
        items: list[str] | None = None
        next_marker: str | None = None
        last_key: dict[str, str] | None = None

    class Op:
        name = "Op"

    answers = [
        {"Items": ["1"], "NextMarker": "m1", "LastKey": {"k": "a"}},
        {"Items": ["2"], "NextMarker": "", "LastKey": {"k": "b"}},  # one token ends, one goes on
        {"Items": ["3"], "NextMarker": "m3", "LastKey": {}},
        {"Items": ["4"]},
    ]
    spec = PaginatorSpec(Op(), ("Marker", "StartKey"), ("NextMarker", "LastKey"), ("Items",))

    async def ours(max_items: int | None) -> tuple[list[Any], str | None]:
        sent: list[Any] = []
        script = iter(copy.deepcopy(answers))

        async def invoke(_op: Any, params: In) -> Out:
            sent.append(msgspec.to_builtins(params))
            return msgspec.convert(next(script), Out)

        paginator: Paginator[Out, str] = Paginator(invoke, spec, In(), max_items=max_items)
        _ = [item async for item in paginator.items()]
        return sent, paginator.resume_token

    def botocores(max_items: int | None) -> tuple[list[Any], str | None]:
        sent: list[Any] = []
        script = iter(copy.deepcopy(answers))

        def method(**params: Any) -> Any:
            sent.append(copy.deepcopy(params))
            return next(script)

        config = {"input_token": ["Marker", "StartKey"], "output_token": ["NextMarker", "LastKey"]}
        pages = BotocorePaginator(method, {**config, "result_key": "Items"}, None).paginate(
            PaginationConfig={"MaxItems": max_items} if max_items else {}
        )
        list(pages)
        return sent, pages.resume_token

    assert await ours(None) == botocores(None)
    assert (await ours(None))[0][2] == {"StartKey": {"k": "b"}}
    sent, token = await ours(2)  # stopped on a page boundary: the ended token is null
    assert (sent, token) == botocores(2)
    assert token is not None and b'"Marker": null' in base64.b64decode(token)
