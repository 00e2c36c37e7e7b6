"""Shared test helpers: a recording httpx transport and client factories."""

from __future__ import annotations

import json
from collections.abc import Callable
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
