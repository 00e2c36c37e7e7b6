"""Check a request's Structs against their declared types before anything is sent.

msgspec does not validate on construction, and its decoder stops at the first
problem; callers want every problem at once, named by attribute path. Two passes
share one reading of the annotations:

- the fast check: per Struct class, a function compiled (on first use) into straight
  isinstance tests over every member, nested Structs included, answering only
  "valid or not". It is what every call runs;
- the report: only when the fast check says no, a walk that names every problem.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from ._compiled import Check, PerClass, compile_function
from .shapes import UnionShape


class Walk:
    """What one reporting pass found."""

    __slots__ = ("problems",)

    def __init__(self) -> None:
        self.problems: list[str] = []


Checker = Callable[[Any, str, Walk], None]

_STRUCT_CHECKERS: dict[type[Any], Checker] = {}


def _typename(value: object) -> str:
    return type(value).__name__


def _check_str(value: Any, path: str, walk: Walk) -> None:
    if not isinstance(value, str):
        walk.problems.append(f"{path}: expected str, got {_typename(value)}")


_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1  # AWS longs are 64-bit; JSON encoders stop there


def _check_int(value: Any, path: str, walk: Walk) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        walk.problems.append(f"{path}: expected int, got {_typename(value)}")
    elif not _INT_MIN <= value <= _INT_MAX:
        walk.problems.append(f"{path}: integer out of the 64-bit range")


def _check_float(value: Any, path: str, walk: Walk) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        walk.problems.append(f"{path}: expected float, got {_typename(value)}")


def _check_bool(value: Any, path: str, walk: Walk) -> None:
    if not isinstance(value, bool):
        walk.problems.append(f"{path}: expected bool, got {_typename(value)}")


def _check_bytes(value: Any, path: str, walk: Walk) -> None:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        walk.problems.append(f"{path}: expected bytes, got {_typename(value)}")


def _check_datetime(value: Any, path: str, walk: Walk) -> None:
    if not isinstance(value, datetime):
        walk.problems.append(f"{path}: expected datetime, got {_typename(value)}")
    elif value.tzinfo is None or value.utcoffset() is None:
        walk.problems.append(
            f"{path}: naive datetime; pass a timezone-aware one (e.g. tzinfo=timezone.utc)"
        )


def _check_any(value: Any, path: str, walk: Walk) -> None:
    """A document (any JSON value): anything JSON can carry; encoding catches the rest."""


def _list_checker(item: Checker) -> Checker:
    def check(value: Any, path: str, walk: Walk) -> None:
        if not isinstance(value, (list, tuple)):
            walk.problems.append(f"{path}: expected list, got {_typename(value)}")
            return
        # isinstance narrows an Any to list[Unknown]; the elements are checked below.
        for i, v in enumerate(value):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            if v is None:
                walk.problems.append(f"{path}[{i}]: None is not allowed in a list")
            else:
                item(v, f"{path}[{i}]", walk)

    return check


def _dict_checker(key: Checker, val: Checker) -> Checker:
    def check(value: Any, path: str, walk: Walk) -> None:
        if not isinstance(value, dict):
            walk.problems.append(f"{path}: expected dict, got {_typename(value)}")
            return
        # isinstance narrows an Any to dict[Unknown, Unknown]; keys and values are checked below.
        for k, v in value.items():  # pyright: ignore[reportUnknownVariableType]
            key(k, f"{path} key", walk)
            if v is None:
                walk.problems.append(f"{path}[{k!r}]: None is not allowed in a map")
            else:
                val(v, f"{path}[{k!r}]", walk)

    return check


_SIMPLE: dict[object, Checker] = {
    str: _check_str,
    bool: _check_bool,
    int: _check_int,
    float: _check_float,
    bytes: _check_bytes,
    bytearray: _check_bytes,
    datetime: _check_datetime,
}


def _struct_checker(cls: type[Any]) -> Checker:
    cached = _STRUCT_CHECKERS.get(cls)
    if cached is not None:
        return cached

    fields: list[tuple[str, bool, Checker]] = []
    is_union = issubclass(cls, UnionShape)
    name = cls.__name__

    def check(value: Any, path: str, walk: Walk) -> None:
        if not isinstance(value, cls):
            walk.problems.append(f"{path}: expected {name}, got {_typename(value)}")
            return
        set_count = 0
        prefix = f"{path}." if path else ""
        for attr, required, checker in fields:
            v = getattr(value, attr)
            if v is None:
                if required:
                    walk.problems.append(f"{prefix}{attr}: required, but not set")
            else:
                set_count += 1
                checker(v, prefix + attr, walk)
        if is_union and set_count != 1:
            walk.problems.append(
                f"{path or name}: a {name} union needs exactly one member set, got {set_count}"
            )

    # Only this class's annotations are resolved here: nested Structs compile the first
    # time a value of theirs is checked, so a call pays for the shapes it uses (and a
    # recursive shape needs no placeholder).
    for f in msgspec.structs.fields(cls):
        fields.append((f.name, f.required, _compile(f.type)))
    # Published only when complete: a client on another thread's loop never sees half of it.
    _STRUCT_CHECKERS[cls] = check
    return check


def _lazy_struct_checker(cls: type[Any]) -> Checker:
    def check(value: Any, path: str, walk: Walk) -> None:
        _struct_checker(cls)(value, path, walk)

    return check


def minimum_of(t: Any) -> int | float | None:
    """The model's ``min`` of an ``Annotated`` type, carried as ``Meta(extra={"min": n})``
    (msgspec's decoder ignores it: answers are not held to request constraints)."""
    for meta in get_args(t)[1:]:
        if isinstance(meta, msgspec.Meta) and meta.extra and "min" in meta.extra:
            value: int | float = meta.extra["min"]
            return value
    return None


def _sized(inner: Any) -> bool:
    """Whether a ``min`` on ``inner`` bounds a length (a string, a list), not a value."""
    return inner is str or get_origin(inner) in (list, tuple, Literal)


def _with_minimum(base: Checker, least: int | float, sized: bool) -> Checker:
    def check(value: Any, path: str, walk: Walk) -> None:
        found = len(walk.problems)
        base(value, path, walk)
        if len(walk.problems) != found:
            return  # not of the type: its size means nothing
        if sized:
            if len(value) < least:
                walk.problems.append(f"{path}: length {len(value)}, under the minimum {least}")
        elif value < least:
            walk.problems.append(f"{path}: under the minimum {least}")

    return check


def _compile(t: Any) -> Checker:
    origin = get_origin(t)
    if origin is Annotated:
        inner = get_args(t)[0]
        base = _compile(inner)
        least = minimum_of(t)
        return base if least is None else _with_minimum(base, least, _sized(inner))
    if origin is Union or origin is UnionType:
        inner = [x for x in get_args(t) if x is not NoneType]
        return _compile(inner[0]) if len(inner) == 1 else _check_any
    if origin is Literal:
        return _check_str
    if origin in (list, tuple, set, frozenset):
        args = get_args(t)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return _check_any  # fixed-length tuples: not in AWS models
        return _list_checker(_compile(args[0]) if args else _check_any)
    if origin is dict:
        key, value = get_args(t) or (Any, Any)
        return _dict_checker(_compile(key), _compile(value))
    if origin is not None:
        return _check_any
    simple = _SIMPLE.get(t)
    if simple is not None:
        return simple
    if isinstance(t, type) and issubclass(t, msgspec.Struct):
        return _lazy_struct_checker(t)
    return _check_any


def report(params: msgspec.Struct) -> list[str]:
    """Every problem of ``params`` (a request Struct) and everything inside it."""
    walk = Walk()
    _struct_checker(type(params))(params, "", walk)
    return walk.problems


def is_valid(params: msgspec.Struct) -> bool:
    """The fast check: True when `report` would find nothing."""
    cls = type(params)
    return (FAST.found.get(cls) or FAST.get(cls))(params)


# -- the fast check, compiled ------------------------------------------------------------


def _compile_fast(cls: type[Any], checks: PerClass) -> Check:
    names: dict[str, Any] = {"_cls": cls, "_aware": _aware}
    lines = [
        "def check(v):",
        "    if type(v) is not _cls:",
        "        return False",
    ]
    set_count: list[str] = []
    for i, f in enumerate(msgspec.structs.fields(cls)):
        var = f"x{i}"
        lines.append(f"    {var} = v.{f.name}")
        if f.required:
            lines += [f"    if {var} is None:", "        return False"]
            _emit(f.type, var, "    ", lines, names, checks, 0)
        else:
            body: list[str] = []
            _emit(f.type, var, "        ", body, names, checks, 0)
            if body:
                lines.append(f"    if {var} is not None:")
                lines += body
        set_count.append(f"({var} is not None)")
    if issubclass(cls, UnionShape):
        lines.append(f"    return ({' + '.join(set_count) or '0'}) == 1")
    else:
        lines.append("    return True")
    return compile_function(lines, names, "check")


FAST = PerClass(_compile_fast)


def _aware(x: Any) -> bool:
    return isinstance(x, datetime) and x.tzinfo is not None and x.utcoffset() is not None


# Python conditions that are true when ``{v}`` does NOT fit the type.
_FAST_SIMPLE: dict[object, str] = {
    str: "type({v}) is not str and not isinstance({v}, str)",
    bool: "type({v}) is not bool",
    int: "type({v}) is not int or not -9223372036854775808 <= {v} <= 9223372036854775807",
    float: "type({v}) is not float and (type({v}) is not int)",
    bytes: "not isinstance({v}, (bytes, bytearray, memoryview))",
    bytearray: "not isinstance({v}, (bytes, bytearray, memoryview))",
    datetime: "not _aware({v})",
}


def _emit(
    t: Any,
    v: str,
    indent: str,
    lines: list[str],
    names: dict[str, Any],
    checks: PerClass,
    depth: int,
) -> None:
    """Statements that return False unless ``v`` (never None here) fits ``t``."""
    origin = get_origin(t)
    if origin is Annotated:
        inner = get_args(t)[0]
        _emit(inner, v, indent, lines, names, checks, depth)
        least = minimum_of(t)
        if least is not None:
            # After the type checks: ``v`` is a str, a list or a number here.
            measure = f"len({v})" if _sized(inner) else v
            lines += [f"{indent}if {measure} < {least!r}:", f"{indent}    return False"]
        return None
    if origin is Union or origin is UnionType:
        inner = [x for x in get_args(t) if x is not NoneType]
        if len(inner) == 1:
            _emit(inner[0], v, indent, lines, names, checks, depth)
        return None
    if origin is Literal:
        t = str
    elif origin in (list, tuple, set, frozenset):
        args = get_args(t)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return None
        item = f"y{depth}"
        lines += [
            f"{indent}if not isinstance({v}, (list, tuple)):",
            f"{indent}    return False",
            f"{indent}for {item} in {v}:",
            f"{indent}    if {item} is None:",
            f"{indent}        return False",
        ]
        if args:
            _emit(args[0], item, indent + "    ", lines, names, checks, depth + 1)
        return None
    elif origin is dict:
        key, value = get_args(t) or (Any, Any)
        k, item = f"k{depth}", f"y{depth}"
        lines += [
            f"{indent}if not isinstance({v}, dict):",
            f"{indent}    return False",
            f"{indent}for {k}, {item} in {v}.items():",
            f"{indent}    if {item} is None:",
            f"{indent}        return False",
        ]
        _emit(key, k, indent + "    ", lines, names, checks, depth + 1)
        _emit(value, item, indent + "    ", lines, names, checks, depth + 1)
        return None
    elif origin is not None:
        return None
    simple = _FAST_SIMPLE.get(t)
    if simple is not None:
        lines += [f"{indent}if {simple.format(v=v)}:", f"{indent}    return False"]
    elif isinstance(t, type) and issubclass(t, msgspec.Struct):
        lines += [f"{indent}if not {checks.reference(t, names)}({v}):", f"{indent}    return False"]
    return None
