"""Structs to and from wire JSON (member names as the service spells them), and skeletons.

- `from_wire`: a Struct from wire JSON (text, bytes or decoded builtins), with every
  problem named at once (a `ParamValidationError`), checked as a call checks its input:
  types, required members, one member per union, no null in a list or map; unknown
  members are refused. Timestamps may be ISO 8601 text or epoch seconds (naive ones are
  UTC, as botocore takes them); blobs base64 text, as the AWS CLI takes them.
- `to_wire`: a Struct as builtins in wire names: as the request body has it (epoch
  seconds), or with ISO 8601 timestamps, as the AWS CLI prints them.
- `skeleton`: the placeholder document botocore's ``ArgumentGenerator`` makes for a
  shape (what ``aws ... --generate-cli-skeleton`` prints), from the Struct alone.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar, cast

import msgspec
import msgspec.inspect as mi

from ._encode import encode_body
from .errors import ParamValidationError
from .shapes import UnionShape

__all__ = ["from_wire", "problems_of", "skeleton", "to_wire", "to_wire_json"]

S = TypeVar("S", bound=msgspec.Struct)
Step = str | int
Problem = tuple[tuple[Step, ...], str]

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_INFO: dict[type[Any], mi.StructType] = {}
_MISSING = object()


def unwrap(t: mi.Type) -> mi.Type:
    """The type a member holds when set: ``T | None`` and msgspec metadata taken off."""
    if isinstance(t, mi.Metadata):
        t = t.type
    if isinstance(t, mi.UnionType):
        inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
        t = inner[0] if len(inner) == 1 else mi.AnyType()
    return t.type if isinstance(t, mi.Metadata) else t


def struct_info(cls: type[Any]) -> mi.StructType:
    """msgspec's type information of a Struct class, worked out once per class."""
    found = _INFO.get(cls)
    if found is None:
        info = mi.type_info(cls)
        assert isinstance(info, mi.StructType)
        found = _INFO[cls] = info
    return found


def path_text(path: tuple[Step, ...]) -> str:
    """``PrimaryContainer.Environment["K"]``, ``Tags[0].Key``: a problem's place."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif text and not step.startswith("["):
            text += f".{step}"
        else:
            text += step
    return text


def from_wire(shape: type[S], data: bytes | str | Mapping[str, Any]) -> S:
    """``shape`` from wire JSON; a `ParamValidationError` lists every problem."""
    value, problems = problems_of(shape, data)
    if problems:
        raise ParamValidationError(
            shape.__name__, [f"{path_text(p) or shape.__name__}: {m}" for p, m in problems]
        )
    assert value is not None
    return value


def problems_of(
    shape: type[S], data: bytes | str | Mapping[str, Any]
) -> tuple[S | None, list[Problem]]:
    """The Struct and no problems, or None and every problem with its wire path."""
    problems: list[Problem] = []
    if isinstance(data, (bytes, str)):
        try:
            data = msgspec.json.decode(data)
        except (msgspec.DecodeError, RecursionError) as exc:
            return None, [((), f"not JSON: {exc}")]
    value = _struct(data, struct_info(shape), (), problems)
    return (None if problems else cast(S, value)), problems


def _type_name(value: object) -> str:
    names: dict[type[Any], str] = {
        dict: "object",
        list: "array",
        str: "string",
        bool: "boolean",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _struct(raw: Any, t: mi.StructType, path: tuple[Step, ...], problems: list[Problem]) -> Any:
    if not isinstance(raw, Mapping):
        problems.append((path, f"expected an object ({t.cls.__name__}), got {_type_name(raw)}"))
        return _MISSING
    given = cast(Mapping[str, Any], raw)
    fields = {f.encode_name: f for f in t.fields}
    unknown = [k for k in given if k not in fields]
    for key in unknown:
        problems.append(
            ((*path, str(key)), f"unknown member; {t.cls.__name__} has: {', '.join(fields)}")
        )
    kwargs: dict[str, Any] = {}
    for wire, f in fields.items():
        member = given.get(wire)
        if member is None:
            if f.required:
                problems.append(((*path, wire), "required, but not set"))
            continue
        kwargs[f.name] = _value(member, f.type, (*path, wire), problems)
    if issubclass(t.cls, UnionShape) and len(kwargs) != 1 and not unknown:
        problems.append(
            (path, f"a {t.cls.__name__} union needs exactly one member set, got {len(kwargs)}")
        )
    if problems:
        return _MISSING
    return t.cls(**kwargs)


def _value(raw: Any, t: mi.Type, path: tuple[Step, ...], problems: list[Problem]) -> Any:
    t = unwrap(t)  # ``T | None``: None was handled by the caller
    if isinstance(t, mi.StructType):
        return _struct(raw, t, path, problems)
    if isinstance(t, (mi.ListType, mi.VarTupleType)):
        if not isinstance(raw, list):
            problems.append((path, f"expected an array, got {_type_name(raw)}"))
            return _MISSING
        out: list[Any] = []
        given: list[Any] = raw  # pyright: ignore[reportUnknownVariableType]
        for i, item in enumerate(given):
            if item is None:
                problems.append(((*path, i), "null is not allowed in a list"))
            else:
                out.append(_value(item, t.item_type, (*path, i), problems))
        return out
    if isinstance(t, mi.DictType):
        if not isinstance(raw, dict):
            problems.append((path, f"expected an object, got {_type_name(raw)}"))
            return _MISSING
        entries: dict[str, Any] = {}
        for key, item in cast(dict[str, Any], raw).items():
            step = f"[{msgspec.json.encode(key).decode()}]"
            if item is None:
                problems.append(((*path, step), "null is not allowed in a map"))
            else:
                entries[key] = _value(item, t.value_type, (*path, step), problems)
        return entries
    return _scalar(raw, t, path, problems)


def _scalar(raw: Any, t: mi.Type, path: tuple[Step, ...], problems: list[Problem]) -> Any:
    if isinstance(t, (mi.StrType, mi.LiteralType)):
        if isinstance(raw, str):
            return raw
        expected = "a string"
    elif isinstance(t, mi.BoolType):
        if isinstance(raw, bool):
            return raw
        expected = "a boolean"
    elif isinstance(t, mi.IntType):
        if isinstance(raw, int) and not isinstance(raw, bool):
            if _INT_MIN <= raw <= _INT_MAX:
                return raw
            problems.append((path, "integer out of the 64-bit range"))
            return _MISSING
        expected = "an integer"
    elif isinstance(t, mi.FloatType):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return float(raw)
        expected = "a number"
    elif isinstance(t, mi.DateTimeType):
        stamp = parse_timestamp(raw)
        if stamp is not None:
            return stamp
        expected = "a timestamp (ISO 8601 text or epoch seconds)"
    elif isinstance(t, mi.BytesType):
        if isinstance(raw, (bytes, bytearray)):
            return bytes(raw)
        if isinstance(raw, str):
            try:
                return base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                problems.append((path, "expected base64 text (a blob)"))
                return _MISSING
        expected = "base64 text (a blob)"
    else:  # a document: any JSON value
        return raw
    problems.append((path, f"expected {expected}, got {_type_name(raw)}"))
    return _MISSING


def parse_timestamp(raw: Any) -> datetime | None:
    """botocore's reading of a timestamp parameter: epoch seconds or ISO 8601, naive = UTC."""
    try:
        if isinstance(raw, str):
            try:
                return datetime.fromtimestamp(float(raw), UTC)
            except ValueError:
                stamp = datetime.fromisoformat(raw)
                return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return datetime.fromtimestamp(raw, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def to_wire(
    value: msgspec.Struct, *, timestamps: Literal["epoch", "iso8601"] = "epoch"
) -> dict[str, Any]:
    """``value`` as builtins in wire names: timestamps as epoch seconds (what the request
    body carries), or as ISO 8601 text (what the AWS CLI prints); blobs as base64."""
    if timestamps == "epoch":
        return cast(dict[str, Any], msgspec.json.decode(encode_body(value)))
    return cast(dict[str, Any], _iso(msgspec.to_builtins(value, builtin_types=(datetime,))))


def to_wire_json(value: msgspec.Struct) -> bytes:
    """``value`` as the JSON a request body carries (exactly what a call would send)."""
    return encode_body(value)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in cast(dict[str, Any], value).items()}
    if isinstance(value, list):
        items: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        return [_iso(v) for v in items]
    return value


def skeleton(
    shape: type[msgspec.Struct],
    *,
    member_names: bool = False,
    enums: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, Any]:
    """The placeholder document botocore's ``ArgumentGenerator`` builds for ``shape``.

    Every member at every level, in model order: ``""`` for strings (with
    ``member_names``, the member's name, as for an output skeleton), the first value of
    an enum named in ``enums`` (``"Struct.Member"`` -> values), ``0``, ``0.0``, ``True``,
    ``"1970-01-01T00:00:00"``, one element per list, ``{"KeyName": ...}`` per map, null
    for a blob, and ``{}`` for a structure already being expanded (recursion).
    """
    made = _skeleton(struct_info(shape), [], "", member_names, enums or {}, None)
    return cast(dict[str, Any], made)


def _skeleton(
    t: mi.Type,
    stack: list[type[Any]],
    name: str,
    member_names: bool,
    enums: Mapping[str, tuple[str, ...]],
    enum: tuple[str, ...] | None,
) -> Any:
    t = unwrap(t)
    if isinstance(t, mi.StructType):
        if t.cls in stack:
            return {}
        stack.append(t.cls)
        try:
            owner = t.cls.__name__
            return {
                f.encode_name: _skeleton(
                    f.type,
                    stack,
                    f.encode_name,
                    member_names,
                    enums,
                    enums.get(f"{owner}.{f.encode_name}"),
                )
                for f in t.fields
            }
        finally:
            stack.pop()
    if isinstance(t, (mi.ListType, mi.VarTupleType)):
        return [_skeleton(t.item_type, stack, name, member_names, enums, enum)]
    if isinstance(t, mi.DictType):
        return {"KeyName": _skeleton(t.value_type, stack, name, member_names, enums, enum)}
    if isinstance(t, (mi.StrType, mi.LiteralType)):
        if member_names:
            return name
        return enum[0] if enum else ""
    if isinstance(t, mi.BoolType):
        return True
    if isinstance(t, mi.IntType):
        return 0
    if isinstance(t, mi.FloatType):
        return 0.0
    if isinstance(t, mi.DateTimeType):
        return "1970-01-01T00:00:00"
    return None  # blobs and documents: botocore's generator leaves them empty
