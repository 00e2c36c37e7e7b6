"""Request bodies in AWS JSON (1.0/1.1): correct for any input, validated or not.

msgspec writes a Struct's JSON in C, and writes it right for AWS JSON unless the value
holds a timestamp (AWS wants epoch seconds, msgspec writes ISO 8601), a non-finite float
(AWS wants "NaN"/"Infinity", msgspec writes null) or a document (which may hold either).

So every encode first asks a per-class check, compiled on first use from that class's
own annotations (nested classes as their values first appear), whether such a value is
present (members whose type can never hold one are not looked at). Usually none is, and
msgspec writes the body alone. Otherwise a walk built from
the type rewrites only the members that can need it and hands the rest to msgspec as is.
Nothing depends on validation having run.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from types import NoneType, UnionType
from typing import Annotated, Any, Union, cast, get_args, get_origin

import msgspec
import msgspec.inspect as mi

from ._compiled import Check, PerClass, compile_function

_ENCODER = msgspec.json.Encoder()
EMPTY_OBJECT = b"{}"
TIMESTAMP_FORMAT = "timestampFormat"  # key in msgspec.Meta(extra=...) of a timestamp member

_Encode = Callable[[Any], Any]
# Per Struct type: None when msgspec alone is right for every value of it, else the walk.
_WALKS: dict[type[Any], _Encode | None] = {}
_LOCK = threading.Lock()


class EncodeError(ValueError):
    """A value msgspec cannot write (an object of an unsupported type, nesting too deep)."""


def encode_body(params: msgspec.Struct | None) -> bytes:
    if params is None:
        return EMPTY_OBJECT
    cls = type(params)
    try:
        special = SPECIAL.found.get(cls) or SPECIAL.get(cls)
        if not special(params):
            return _ENCODER.encode(params)
        walk = _WALKS[cls] if cls in _WALKS else _walk_for(cls)
        return _ENCODER.encode(params if walk is None else walk(params))
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise EncodeError(f"cannot be written as JSON: {type(exc).__name__}: {exc}") from None


# -- is a value msgspec would write wrongly present? (compiled per class) ----------------


def _compile_special(cls: type[Any], checks: PerClass) -> Check:
    names: dict[str, Any] = {"_cls": cls, "_isfinite": math.isfinite}
    lines = ["def special(v):", "    if type(v) is not _cls:", "        return False"]
    for i, f in enumerate(msgspec.structs.fields(cls)):
        body: list[str] = []
        _emit_special(f.type, f"x{i}", "        ", body, names, checks, 0)
        if body:
            lines += [f"    x{i} = v.{f.name}", f"    if x{i} is not None:", *body]
    lines.append("    return False")
    return compile_function(lines, names, "special")


SPECIAL = PerClass(_compile_special)


def _emit_special(
    t: Any,
    v: str,
    indent: str,
    lines: list[str],
    names: dict[str, Any],
    checks: PerClass,
    depth: int,
    seen: set[type[Any]] | None = None,
) -> None:
    """Statements that return True when ``v`` (never None) holds a value needing the walk:
    none for a member whose type can never hold one (a list of `Tag` is not looked at)."""
    origin = get_origin(t)
    if origin is Annotated:
        args = get_args(t)
        fmt = next(
            (
                m.extra.get(TIMESTAMP_FORMAT)
                for m in args[1:]
                if isinstance(m, msgspec.Meta) and m.extra
            ),
            None,
        )
        if fmt is not None:
            lines.append(f"{indent}return True")
            return None
        return _emit_special(args[0], v, indent, lines, names, checks, depth, seen)
    if origin is Union or origin is UnionType:
        inner = [x for x in get_args(t) if x is not NoneType]
        if len(inner) == 1:
            return _emit_special(inner[0], v, indent, lines, names, checks, depth, seen)
        lines.append(f"{indent}return True")  # a document or mixed union: the walk decides
        return None
    if origin in (list, tuple, set, frozenset) or origin is dict:
        args = get_args(t)
        item_type = (args[1] if origin is dict else args[0]) if args else Any
        item = f"y{depth}"
        each_item: list[str] = []
        _emit_special(
            item_type, item, indent + "        ", each_item, names, checks, depth + 1, seen
        )
        if each_item:
            each = f"{v}.values()" if origin is dict else v
            lines += [
                f"{indent}if isinstance({v}, {'dict' if origin is dict else '(list, tuple)'}):",
                f"{indent}    for {item} in {each}:",
                f"{indent}        if {item} is None:",
                f"{indent}            continue",
                *each_item,
            ]
        return None
    if origin is not None or t is Any or t is datetime:
        lines.append(f"{indent}return True")
    elif t is float:
        lines += [
            f"{indent}if type({v}) is float and not _isfinite({v}):",
            f"{indent}    return True",
        ]
    elif isinstance(t, type) and issubclass(t, msgspec.Struct) and _may_need_walk(t, seen):
        lines += [f"{indent}if {checks.reference(t, names)}({v}):", f"{indent}    return True"]
    return None


_MAY_NEED_WALK: dict[type[Any], bool] = {}


def _may_need_walk(cls: type[Any], seen: set[type[Any]] | None = None) -> bool:
    """Whether a value of ``cls`` can hold anything msgspec writes wrongly: whether its
    check, as `_emit_special` writes it, has a ``return True``. ``seen``: the classes whose
    answer is being worked out (a cycle back to one adds nothing of its own)."""
    found = _MAY_NEED_WALK.get(cls)
    if found is not None:
        return found
    outermost = seen is None
    seen = set() if seen is None else seen
    if cls in seen:
        return False
    seen.add(cls)
    may = False
    for f in msgspec.structs.fields(cls):
        probe: list[str] = []
        _emit_special(f.type, "x", "", probe, {}, SPECIAL, 0, seen)
        if probe:
            may = True
            break
    if may or outermost:  # a False found inside a cycle holds only for that cycle's walk
        _MAY_NEED_WALK[cls] = may
    return may


def _special_float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _epoch(value: datetime) -> int | float:
    ts = value.timestamp()
    return int(ts) if value.microsecond == 0 else ts


def _iso8601(value: datetime) -> str:
    value = value.astimezone(UTC)
    # botocore's form: six fraction digits when there is a fraction, none otherwise.
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def _httpdate(value: datetime) -> str:
    from email.utils import format_datetime  # rare (rfc822 members): kept off the import

    return format_datetime(value.astimezone(UTC), usegmt=True)


_TIMESTAMP_WRITERS: dict[str, _Encode] = {
    "unixTimestamp": _epoch,
    "iso8601": _iso8601,
    "rfc822": _httpdate,
}


def _timestamp(write: _Encode) -> _Encode:
    def encode(value: Any) -> Any:
        # A caller may pass anything; validation names the problem, encoding must not crash.
        return write(value) if isinstance(value, datetime) else value

    return encode


def _float(value: Any) -> Any:
    return _special_float(value) if isinstance(value, float) else value


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
    if isinstance(value, msgspec.Struct):
        return _any_value(msgspec.to_builtins(value, builtin_types=(datetime,)))
    return value


def _pending(value: Any) -> Any:
    """Marks a Struct whose walk is being built (never run)."""
    raise AssertionError("unreachable")  # pragma: no cover


def _run_walk(cls: type[Any], value: Any) -> Any:
    walk = _WALKS[cls]
    return value if walk is None else walk(value)


def _walk_for(cls: type[Any]) -> _Encode | None:
    with _LOCK:
        if cls not in _WALKS:
            info = mi.type_info(cls)
            assert isinstance(info, mi.StructType)
            building: dict[type[Any], _Encode | None] = {}
            _struct(info, building)
            _WALKS.update(building)  # published only when every part is complete
        return _WALKS[cls]


def _member(t: mi.Type, building: dict[type[Any], _Encode | None]) -> _Encode | None:
    """The rewrite a member of type ``t`` needs, or None when msgspec writes it right."""
    if isinstance(t, mi.Metadata):
        extra = cast(dict[str, Any], t.extra or {})  # pyright: ignore[reportUnknownMemberType]
        fmt = extra.get(TIMESTAMP_FORMAT)
        if isinstance(t.type, mi.DateTimeType) and fmt in _TIMESTAMP_WRITERS:
            return _timestamp(_TIMESTAMP_WRITERS[fmt])
        return _member(t.type, building)
    if isinstance(t, mi.UnionType):
        inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
        return _member(inner[0], building) if len(inner) == 1 else _any_value
    if isinstance(t, mi.DateTimeType):
        return _timestamp(_epoch)
    if isinstance(t, mi.FloatType):
        return _float
    if isinstance(t, (mi.ListType, mi.VarTupleType)):
        item = _member(t.item_type, building)
        return None if item is None else _list(item)
    if isinstance(t, mi.DictType):
        val = _member(t.value_type, building)
        return None if val is None else _dict(val)
    if isinstance(t, mi.StructType):
        return _struct(t, building)
    if isinstance(t, mi.AnyType):
        return _any_value
    return None


def _list(item: _Encode) -> _Encode:
    def encode(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [item(x) for x in value]  # pyright: ignore[reportUnknownVariableType]
        return value

    return encode


def _dict(val: _Encode) -> _Encode:
    def encode(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: val(x) for k, x in value.items()}  # pyright: ignore[reportUnknownVariableType]
        return value

    return encode


def _struct(info: mi.StructType, building: dict[type[Any], _Encode | None]) -> _Encode | None:
    cls = info.cls
    if cls in _WALKS:
        return _WALKS[cls]
    if cls in building:
        done = building[cls]
        if done is not _pending:
            return done
        # A recursive shape: taken as needing the walk (it may, through the cycle), which
        # is looked up when it runs, by then published.
        return lambda v: _run_walk(cls, v)
    building[cls] = _pending
    members = [(f.name, f.encode_name, _member(f.type, building)) for f in info.fields]
    if all(enc is None for _, _, enc in members):
        building[cls] = None  # msgspec alone is right
        return None

    def encode(obj: Any) -> Any:
        if type(obj) is not cls:
            return obj  # not this Struct: left to msgspec (validation names the problem)
        out: dict[str, Any] = {}
        for attr, wire, enc in members:
            value = getattr(obj, attr)
            if value is not None:
                out[wire] = value if enc is None else enc(value)
        return out

    building[cls] = encode
    return encode
