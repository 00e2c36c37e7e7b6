"""What the README's "Testing code that uses sm_typed" says, checked."""

from __future__ import annotations

import socket

import httpx
import pytest
import respx
from helpers import OPEN_HTTP_CLIENTS

from sm_typed import SageMakerClient
from sm_typed.errors import HTTPClientError

URL = "https://api.sagemaker.us-east-1.amazonaws.com/"
CREDENTIALS = {"aws_access_key_id": "AKID", "aws_secret_access_key": "secret"}


async def test_respx_sees_calls_through_a_passed_httpx_client() -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.post(URL).respond(200, json={"ModelArn": "arn:m"})
        http = httpx.AsyncClient()
        OPEN_HTTP_CLIENTS.append(http)
        async with SageMakerClient(region="us-east-1", http_client=http, **CREDENTIALS) as sm:
            out = await sm.create_model(model_name="m")
    assert out.model_arn == "arn:m"
    assert route.call_count == 1


async def test_bare_respx_does_not_see_the_built_in_pool() -> None:
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with respx.mock(assert_all_called=False) as router:
        route = router.route().respond(200, json={})
        async with SageMakerClient(
            region="us-east-1",
            endpoint_url=f"http://127.0.0.1:{port}",
            max_attempts=1,
            **CREDENTIALS,
        ) as sm:
            with pytest.raises(HTTPClientError):
                await sm.create_model(model_name="m")
    assert route.call_count == 0
