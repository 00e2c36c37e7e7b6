"""Response bodies in AWS JSON (1.0/1.1): typed, lenient, and never failing on what is new.

A body nested too deeply for the decoder (a hostile one) is a `DecodeFailure`, as is
one that is not JSON or does not fit the shape even after client error correction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

import msgspec
import msgspec.inspect as mi

_ANY_DECODER = msgspec.json.Decoder()
_ANY_ENCODER = msgspec.json.Encoder()
EMPTY_OBJECT = b"{}"

T = TypeVar("T")


class DecodeFailure(ValueError):
    """The body cannot be read as the shape."""


class BodyDecoder(Generic[T]):
    """Decodes one output shape, tolerating what the service may send tomorrow.

    Unknown members are ignored and numbers/strings are read leniently. When a
    member the model calls required is missing (or null), it is filled with its
    type's zero value instead of failing a call whose effect already happened
    (Smithy's client error correction).
    """

    __slots__ = ("_decoder", "_info", "_type", "strict")

    def __init__(self, type_: type[T]) -> None:
        self._type = type_
        self._decoder = msgspec.json.Decoder(type_, strict=False)
        # msgspec's own decode: right for every answer that needs no correction (nearly all).
        self.strict: Callable[[bytes], T] = self._decoder.decode  # pyright: ignore[reportAttributeAccessIssue]
        self._info: mi.Type | None = None  # built on the first correction, then kept

    def decode(self, body: bytes) -> T:
        if not body:
            body = EMPTY_OBJECT
        try:
            return self._decoder.decode(body)
        except msgspec.ValidationError:
            pass
        except (msgspec.DecodeError, RecursionError) as exc:
            raise DecodeFailure(_reason(exc)) from None
        try:
            if self._info is None:
                self._info = mi.type_info(self._type)
            corrected = _correct(_ANY_DECODER.decode(body), self._info)
            return msgspec.convert(corrected, self._type, strict=False)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
            raise DecodeFailure(_reason(exc)) from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "the JSON is nested too deeply"
    return str(exc)


def decode_any(body: bytes) -> Any:
    """Any JSON value; raises DecodeFailure (not JSON, or nested too deeply)."""
    try:
        return _ANY_DECODER.decode(body)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise DecodeFailure(_reason(exc)) from None


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
    if isinstance(t, mi.StrType) and isinstance(raw, (int, float)):
        # A number (or true/false) where the model says string: botocore hands it on as
        # is; a typed client hands on its JSON text rather than fail a call that happened.
        return _ANY_ENCODER.encode(raw).decode()
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
    """An HTTP-date (RFC 7231) becomes epoch seconds; another ISO 8601 form than msgspec
    reads (a date alone, the basic form ``20240102T030405Z``) becomes the RFC 3339 text of
    the same time (without an offset when it had none, as botocore leaves it naive);
    anything else is left to msgspec, which names the problem."""
    from email.utils import parsedate_to_datetime  # correction path only

    try:
        return parsedate_to_datetime(raw).timestamp()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(raw).isoformat()
    except ValueError:
        return raw


_ERROR_INFO: dict[type[Any], mi.Type] = {}


def decode_error_members(shape: type[T], body: dict[str, Any]) -> T | None:
    """The modelled members of an error body, or None when they do not fit the shape."""
    info = _ERROR_INFO.get(shape)
    if info is None:
        info = _ERROR_INFO[shape] = mi.type_info(shape)
    try:
        return msgspec.convert(_correct(body, info), shape, strict=False)
    except (msgspec.ValidationError, TypeError, ValueError, RecursionError):
        return None
