"""Errors survive process boundaries; secrets stay out of reprs; odd inputs get typed errors."""

from __future__ import annotations

import copy
import math
import pickle
import typing
from datetime import UTC, datetime
from typing import Annotated

import msgspec
import pytest
from helpers import Recorder, client

from sm_typed import errors
from sm_typed_runtime import _sigv4
from sm_typed_runtime._encode import encode_body
from sm_typed_runtime._validate import report
from sm_typed_runtime.shapes import Shape


@pytest.mark.parametrize(
    "error",
    [
        errors.ResourceNotFound(
            code="ResourceNotFound", message="m", status_code=400, request_id="r", operation="Op"
        ),
        errors.ServiceError(
            code="X", message="m", status_code=500, request_id=None, operation="Op"
        ),
        errors.ParamValidationError("Op", ["a: required, but not set"]),
        errors.HTTPClientError("Op", "connection reset"),
        errors.ReadTimeoutError("Op", "slow"),
        errors.CallTimeoutError("Op", 1.5),
        errors.NoCredentialsError(["explicit arguments"]),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickle_and_copy(error: errors.SmTypedError) -> None:
    error.attempts = 3
    for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
        assert type(clone) is type(error)
        assert str(clone) == str(error)
        assert clone.__dict__ == error.__dict__


def test_signature_repr_hides_the_token_and_the_key_cache_the_secret() -> None:
    token, secret = "canary-token-55", "canary-secret-66"
    sig = _sigv4.sign(
        method="POST",
        path="/",
        query="",
        headers=[("Host", "h")],
        payload_hash=_sigv4.EMPTY_SHA256,
        access_key="AKID",
        secret_key=secret,
        session_token=token,
        region="us-east-1",
        service="s",
        amz_date="20240101T000000Z",
    )
    for text in (repr(sig), str(sig), repr(list(sig.__rich_repr__()))):
        assert token not in text and sig.signature not in text
    assert all(secret not in str(key) for key in _sigv4._KEY_CACHE)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:hunter2@proxy.example",
        # The password ends what a parser takes for the host: it must not reach the message.
        "https://admin:hunter2/x@proxy.example",
        "https://admin:hunter2?x@proxy.example",
        "https://admin:hunter2#x@proxy.example:abc",
    ],
)
def test_endpoint_url_with_credentials_is_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(errors.ConfigurationError) as info:
        client(Recorder(), endpoint_url=url)
    assert "hunter2" not in str(info.value)


def test_a_refused_query_is_not_echoed() -> None:
    with pytest.raises(errors.ConfigurationError, match="query") as info:
        client(Recorder(), endpoint_url="https://proxy.example/?token=canary-token")
    assert "canary-token" not in str(info.value)


async def test_integers_beyond_64_bits_are_a_validation_error() -> None:
    rec = Recorder()
    async with client(rec) as sm:
        with pytest.raises(errors.ParamValidationError, match="64-bit"):
            await sm.list_models(max_results=2**70)
    assert rec.requests == []


class _Doc(Shape, kw_only=True):
    doc: typing.Any = msgspec.field(default=None, name="Doc")
    number: float | None = msgspec.field(default=None, name="Number")


@pytest.mark.parametrize("with_other", [False, True])
def test_documents_encode_the_same_whatever_else_the_request_holds(with_other: bool) -> None:
    value = _Doc(
        doc={"x": math.nan, "when": datetime(2024, 1, 1, tzinfo=UTC), "list": [math.inf]},
        number=math.nan if with_other else 1.0,
    )
    assert report(value) == []
    body = msgspec.json.decode(encode_body(value))
    assert body["Doc"] == {"x": "NaN", "when": 1704067200, "list": ["Infinity"]}


# Recursive and mutually recursive shapes: the encoder's "anything to rewrite?" check skips
# members whose type can never hold a timestamp or a float, and must still find one held
# only through a cycle, whichever class of the cycle is encoded first.


class _Tree(Shape, kw_only=True):
    children: list[_Tree] | None = msgspec.field(default=None, name="Children")
    when: datetime | None = msgspec.field(default=None, name="When")


class _Plain(Shape, kw_only=True):
    children: list[_Plain] | None = msgspec.field(default=None, name="Children")
    name: str | None = msgspec.field(default=None, name="Name")


class _X(Shape, kw_only=True):
    y: _Y | None = msgspec.field(default=None, name="Y")
    z: _Z | None = msgspec.field(default=None, name="Z")


class _Y(Shape, kw_only=True):
    x: _X | None = msgspec.field(default=None, name="X")


class _Z(Shape, kw_only=True):
    w: float | None = msgspec.field(default=None, name="W")


def test_values_to_rewrite_are_found_deep_in_recursive_shapes() -> None:
    when = datetime(2020, 1, 1, tzinfo=UTC)
    deep = _Tree(children=[_Tree(children=[_Tree(when=when)])])
    assert encode_body(deep) == b'{"Children":[{"Children":[{"When":1577836800}]}]}'
    plain = _Plain(children=[_Plain(name="a", children=[_Plain(name="b")])])
    assert encode_body(plain) == msgspec.json.encode(plain)
    # _Y first: working out _X's answer meets _Y again inside the cycle, where _Y looks as
    # if it held nothing to rewrite; that must not stick to _Y, which reaches _Z via _X.
    through = _Y(x=_X(y=_Y(x=_X(z=_Z(w=math.inf)))))
    assert encode_body(through) == b'{"X":{"Y":{"X":{"Z":{"W":"Infinity"}}}}}'
    around = _X(y=_Y(x=_X(z=_Z(w=math.nan))))
    assert encode_body(around) == b'{"Y":{"X":{"Z":{"W":"NaN"}}}}'


class _Stamps(Shape, kw_only=True):
    iso: Annotated[datetime, msgspec.Meta(extra={"timestampFormat": "iso8601"})] | None = (
        msgspec.field(default=None, name="Iso")
    )
    epoch: datetime | None = msgspec.field(default=None, name="Epoch")
    http: Annotated[datetime, msgspec.Meta(extra={"timestampFormat": "rfc822"})] | None = (
        msgspec.field(default=None, name="Http")
    )


@pytest.mark.parametrize("micro", [0, 1, 500000, 123456, 999999])
def test_timestamps_are_written_as_botocore_writes_them(micro: int) -> None:
    from botocore.serialize import JSONSerializer

    when = datetime(2024, 1, 2, 3, 4, 5, micro, tzinfo=UTC)
    botocore = JSONSerializer()
    body = msgspec.json.decode(encode_body(_Stamps(iso=when, epoch=when, http=when)))
    assert body == {
        "Iso": botocore._timestamp_iso8601(when),
        "Epoch": botocore._timestamp_unixtimestamp(when),
        "Http": botocore._timestamp_rfc822(when),
    }
