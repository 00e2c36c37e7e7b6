"""AWS JSON-protocol (1.0/1.1) bodies: request encoding, response decoding, error parsing."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar, cast

import msgspec
import msgspec.inspect as mi

_ENCODER = msgspec.json.Encoder()
_ANY_DECODER = msgspec.json.Decoder()
EMPTY_OBJECT = b"{}"

T = TypeVar("T")


TIMESTAMP_FORMAT = "timestampFormat"  # key in msgspec.Meta(extra=...) of a timestamp member
_Encode = Callable[[Any], Any]
_STRUCT_ENCODERS: dict[type[Any], _Encode] = {}


def _special_float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _epoch(value: datetime) -> int | float:
    ts = value.timestamp()
    return int(ts) if value.microsecond == 0 else ts


def _iso8601(value: datetime) -> str:
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def _httpdate(value: datetime) -> str:
    from email.utils import format_datetime  # rare (rfc822 members): kept off the import

    return format_datetime(value.astimezone(UTC), usegmt=True)


_TIMESTAMP_WRITERS: dict[str, _Encode] = {
    "unixTimestamp": _epoch,
    "iso8601": _iso8601,
    "rfc822": _httpdate,
}


def _identity(value: Any) -> Any:
    return value


def _any_value(value: Any) -> Any:
    """A document or untyped value: fix what JSON cannot carry as is."""
    if isinstance(value, dict):
        return {k: _any_value(v) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, (list, tuple)):
        return [_any_value(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, float):
        return _special_float(value)
    if isinstance(value, datetime):
        return _epoch(value)
    return value


def _encoder(t: mi.Type) -> _Encode:
    if isinstance(t, mi.Metadata):
        # msgspec annotates ``extra`` as a bare dict.
        extra = t.extra or {}  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        fmt = cast(dict[str, Any], extra).get(TIMESTAMP_FORMAT)
        if isinstance(t.type, mi.DateTimeType) and fmt in _TIMESTAMP_WRITERS:
            return _TIMESTAMP_WRITERS[fmt]
        return _encoder(t.type)
    if isinstance(t, mi.UnionType):
        inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
        return _encoder(inner[0]) if len(inner) == 1 else _any_value
    if isinstance(t, mi.DateTimeType):
        return _epoch
    if isinstance(t, mi.FloatType):
        return _special_float
    if isinstance(t, (mi.ListType, mi.VarTupleType)):
        item = _encoder(t.item_type)
        return lambda v: [item(x) for x in v]
    if isinstance(t, mi.DictType):
        val = _encoder(t.value_type)
        return lambda v: {k: val(x) for k, x in v.items()}
    if isinstance(t, mi.StructType):
        return _struct_encoder(t.cls)
    if isinstance(t, mi.AnyType):
        return _any_value
    return _identity


def _struct_encoder(cls: type[Any]) -> _Encode:
    cached = _STRUCT_ENCODERS.get(cls)
    if cached is not None:
        return cached
    fields: list[tuple[str, str, _Encode]] = []

    def encode(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attr, wire, enc in fields:
            value = getattr(obj, attr)
            if value is not None:
                out[wire] = enc(value)
        return out

    _STRUCT_ENCODERS[cls] = encode  # before compiling members: shapes may be recursive
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    fields.extend((f.name, f.encode_name, _encoder(f.type)) for f in info.fields)
    return encode


def encode_body(params: msgspec.Struct | None, needs_rewrite: bool) -> bytes:
    """The request body; ``needs_rewrite`` comes from validation (datetimes, NaN, ...).

    The common case is msgspec's encoder alone. Values msgspec would write
    differently from AWS JSON (timestamps, non-finite floats) take a typed walk
    that builds the wire form first.
    """
    if params is None:
        return EMPTY_OBJECT
    if not needs_rewrite:
        return _ENCODER.encode(params)
    return _ENCODER.encode(_struct_encoder(type(params))(params))


class BodyDecoder(Generic[T]):
    """Decodes one output shape, tolerating what the service may send tomorrow.

    Unknown members are ignored and numbers/strings are read leniently. When a
    member the model calls required is missing (or null), it is filled with its
    type's zero value instead of failing a call whose effect already happened
    (Smithy's client error correction).
    """

    __slots__ = ("_decoder", "_info", "_type")

    def __init__(self, type_: type[T]) -> None:
        self._type = type_
        self._decoder = msgspec.json.Decoder(type_, strict=False)
        self._info: mi.Type | None = None  # built on the first correction, then kept

    def decode(self, body: bytes) -> T:
        if not body:
            body = EMPTY_OBJECT
        try:
            return self._decoder.decode(body)
        except msgspec.ValidationError:
            if self._info is None:
                self._info = mi.type_info(self._type)
            corrected = _correct(_ANY_DECODER.decode(body), self._info)
            return msgspec.convert(corrected, self._type, strict=False)


def _zero(t: mi.Type) -> Any:
    if isinstance(t, mi.Metadata):
        return _zero(t.type)
    if isinstance(t, (mi.StrType, mi.LiteralType, mi.BytesType)):
        return ""
    if isinstance(t, mi.BoolType):
        return False
    if isinstance(t, (mi.IntType, mi.DateTimeType)):
        return 0
    if isinstance(t, mi.FloatType):
        return 0.0
    if isinstance(t, (mi.ListType, mi.VarTupleType)):
        return []
    if isinstance(t, mi.StructType):
        return _correct({}, t)
    if isinstance(t, mi.UnionType):
        inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
        return None if len(inner) != 1 else _zero(inner[0])
    if isinstance(t, mi.DictType):
        return {}
    return None


def _correct(raw: Any, t: mi.Type) -> Any:
    if isinstance(t, mi.Metadata):
        return _correct(raw, t.type)
    if isinstance(t, mi.DateTimeType) and isinstance(raw, str):
        return _timestamp_text(raw)
    if isinstance(t, mi.UnionType):
        inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
        return raw if raw is None or len(inner) != 1 else _correct(raw, inner[0])
    if isinstance(t, mi.StructType) and isinstance(raw, dict):
        out: dict[str, Any] = dict(raw)  # pyright: ignore[reportUnknownArgumentType]
        for f in t.fields:
            value = out.get(f.encode_name)
            if value is None:
                if f.required:
                    out[f.encode_name] = _zero(f.type)
                else:
                    out.pop(f.encode_name, None)
            else:
                out[f.encode_name] = _correct(value, f.type)
        return out
    if isinstance(t, (mi.ListType, mi.VarTupleType)) and isinstance(raw, list):
        return [_correct(v, t.item_type) for v in raw if v is not None]  # pyright: ignore[reportUnknownVariableType]
    if isinstance(t, mi.DictType) and isinstance(raw, dict):
        return {k: _correct(v, t.value_type) for k, v in raw.items() if v is not None}  # pyright: ignore[reportUnknownVariableType]
    return raw


def _timestamp_text(raw: str) -> Any:
    """An HTTP-date (RFC 7231) becomes epoch seconds; anything else is left to msgspec."""
    from email.utils import parsedate_to_datetime  # correction path only

    try:
        return parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError):
        return raw


class ErrorInfo(msgspec.Struct, frozen=True):
    code: str
    message: str
    request_id: str | None
    # The JSON object of the error body, for modelled members; None when not JSON.
    body: dict[str, Any] | None


# Patterns, not compiled objects: compiling costs import time and only odd errors need them
# (``re`` compiles each on first use and caches it).
_XML_CODE = rb"<Code>([^<]{1,200})</Code>"
_XML_MESSAGE = rb"<Message>([^<]{0,2000})</Message>"
_XML_REQUEST_ID = rb"<RequestId>([^<]{1,200})</RequestId>"
_TITLE = rb"(?i)<title>([^<]{1,200})</title>"


def error_code(raw: str) -> str:
    """``ns#Foo``, ``Foo:http://...`` and ``ns#Foo:http://...`` all mean ``Foo``."""
    return raw.split(":", 1)[0].rsplit("#", 1)[-1].strip()


def parse_error(status: int, headers: Mapping[str, str], body: bytes) -> ErrorInfo:
    """Read the code, message and request id of an error response, whatever its body."""
    header_code = headers.get("x-amzn-errortype")
    request_id = headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")
    obj: dict[str, Any] | None = None
    if body.strip():
        try:
            decoded = _ANY_DECODER.decode(body)
        except msgspec.DecodeError:
            decoded = None
        if isinstance(decoded, dict):
            obj = decoded  # pyright: ignore[reportUnknownVariableType]
    if obj is not None:
        raw_code = header_code or _str(obj.get("code")) or _str(obj.get("__type")) or ""
        message = (
            _str(obj.get("message")) or _str(obj.get("Message")) or _str(obj.get("errorMessage"))
        )
        code = error_code(raw_code) if raw_code else str(status)
        return ErrorInfo(code, message or "", request_id, obj)
    # Not JSON: a proxy's HTML page, an XML error from another AWS front end, nothing.
    code = error_code(header_code) if header_code else ""
    message = ""
    if m := re.search(_XML_CODE, body):
        code = code or _text(m.group(1))
        if mm := re.search(_XML_MESSAGE, body):
            message = _text(mm.group(1))
        if not request_id and (rm := re.search(_XML_REQUEST_ID, body)):
            request_id = _text(rm.group(1))
    if not message and body:
        ctype = headers.get("content-type", "unknown content type")
        title = re.search(_TITLE, body)
        detail = f": {_text(title.group(1))}" if title else ""
        message = f"non-JSON error response ({ctype}, {len(body)} bytes){detail}"
    return ErrorInfo(code or str(status), message, request_id, None)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _text(raw: bytes) -> str:
    return " ".join(raw.decode("utf-8", "replace").split())


_ERROR_INFO: dict[type[Any], mi.Type] = {}


def decode_error_members(shape: type[T], body: dict[str, Any]) -> T | None:
    """The modelled members of an error body, or None when they do not fit the shape."""
    info = _ERROR_INFO.get(shape)
    if info is None:
        info = _ERROR_INFO[shape] = mi.type_info(shape)
    try:
        return msgspec.convert(_correct(body, info), shape, strict=False)
    except (msgspec.ValidationError, TypeError, ValueError):
        return None
