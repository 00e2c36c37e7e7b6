"""Shared test helpers: a recording httpx transport and client factories."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from sm_typed import SageMakerClient

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
ENDPOINT = "https://api.sagemaker.us-east-1.amazonaws.com"


class Recorder:
    """An httpx mock transport that records requests and answers from a script."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self._respond = respond or (lambda _r: json_response({}))

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._respond(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "x-amzn-RequestId": "req-1",
            **(headers or {}),
        },
    )


# httpx clients handed to SageMakerClient stay the caller's to close: conftest closes these.
OPEN_HTTP_CLIENTS: list[httpx.AsyncClient] = []


def client(recorder: Recorder, **options: Any) -> SageMakerClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler))
    OPEN_HTTP_CLIENTS.append(http)
    kwargs: dict[str, Any] = {
        "region": "us-east-1",
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        "http_client": http,
        "max_attempts": 1,  # retries have their own tests (test_retries.py)
    }
    kwargs.update(options)
    return SageMakerClient(**kwargs)


class RawCapture:
    """A loopback server that records every request's exact bytes and answers ``reply``
    (a JSON body, 200), one request per connection: for byte-for-byte wire checks."""

    def __init__(self, reply: object) -> None:
        self.received: list[bytes] = []
        self._body = json.dumps(reply).encode()
        self._server: Any = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> RawCapture:
        import asyncio

        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()

    async def _handle(self, reader: Any, writer: Any) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        self.received.append(head + await reader.readexactly(length))
        body = self._body
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()


def loopback_client(url: str, **options: Any) -> SageMakerClient:
    """A client of a loopback server (the built-in pool, test credentials, us-east-1)."""
    kwargs: dict[str, Any] = {
        "region": "us-east-1",
        "endpoint_url": url,
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        **options,
    }
    return SageMakerClient(**kwargs)


async def create_training_job(sm: SageMakerClient, name: str) -> None:
    """The smallest training job moto accepts (and reports Completed at once)."""
    from sm_typed.shapes import (
        AlgorithmSpecification,
        OutputDataConfig,
        ResourceConfig,
        StoppingCondition,
    )

    await sm.create_training_job(
        training_job_name=name,
        algorithm_specification=AlgorithmSpecification(
            training_image="img", training_input_mode="File"
        ),
        role_arn="arn:aws:iam::123456789012:role/SageMakerRole",
        output_data_config=OutputDataConfig(s3_output_path="s3://b/o"),
        resource_config=ResourceConfig(
            instance_type="ml.m5.large", instance_count=1, volume_size_in_gb=10
        ),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=60),
    )


@functools.cache
def _botocore_loader() -> Any:
    import botocore.loaders

    return botocore.loaders.create_loader()


def botocore_sagemaker(profile: str | None = None) -> Any:
    """A botocore SageMaker client as the environment and config files configure it (one
    loader for every call: the model is read once, the config files each time)."""
    import botocore.session

    session = botocore.session.Session(profile=profile)
    session.register_component("data_loader", _botocore_loader())
    return session.create_client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


def write_config(
    monkeypatch: Any, tmp_path: Any, text: str, env: dict[str, str] | None = None
) -> None:
    """``text`` as the shared config file (``AWS_CONFIG_FILE``) of this test, and ``env``
    set beside it."""
    path = tmp_path / "config"
    path.write_text(text)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)


def mocked(client_class: Any, handler: Any, **options: Any) -> Any:
    """A client of a generated package whose requests go to ``handler`` (httpx's
    MockTransport), with test credentials; us-east-1 unless ``options`` say otherwise."""
    options.setdefault("region", "us-east-1")
    return client_class(
        aws_access_key_id="A",
        aws_secret_access_key="s",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        **options,
    )


def generated_package(root: Any, service: str, prefix: str) -> Iterator[Any]:
    """A package generated into ``root`` from botocore's model of ``service`` (named
    ``<prefix>_<service>``: one name per test module), importable while in use."""
    import importlib
    import sys
    from pathlib import Path

    import botocore

    from codegen.__main__ import main as codegen_main

    package = f"{prefix}_{service.replace('-', '_')}"
    data = Path(botocore.__file__).parent / "data" / service
    model = sorted(p for p in data.iterdir() if p.is_dir())[-1] / "service-2.json.gz"
    assert codegen_main(["--model", str(model), "--out", str(Path(root) / package)]) == 0
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(root))
