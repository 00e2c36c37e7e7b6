"""Check a request's Structs against their declared types before anything is sent.

msgspec does not validate on construction, and its decoder stops at the first
problem; callers want every problem at once, named by attribute path. The
checkers are compiled once per Struct class, from its annotations, on first use.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from ._shape import UnionShape


class Walk:
    """What one validation pass found."""

    __slots__ = ("needs_rewrite", "problems")

    def __init__(self) -> None:
        self.problems: list[str] = []
        # True when a value msgspec would encode wrongly for AWS JSON is present
        # (datetimes, which must be epoch seconds; NaN/Infinity, which must be strings).
        self.needs_rewrite = False


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
    if isinstance(value, float):
        if not math.isfinite(value):
            walk.needs_rewrite = True
    elif not isinstance(value, int) or isinstance(value, bool):
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
    else:
        walk.needs_rewrite = True


def _check_any(value: Any, path: str, walk: Walk) -> None:
    """A document (any JSON value): only what JSON cannot carry as is needs attention."""
    if isinstance(value, float):
        if not math.isfinite(value):
            walk.needs_rewrite = True
    elif isinstance(value, datetime):
        walk.needs_rewrite = True
    elif isinstance(value, dict):
        for v in value.values():  # pyright: ignore[reportUnknownVariableType]
            _check_any(v, path, walk)
    elif isinstance(value, (list, tuple)):
        for v in value:  # pyright: ignore[reportUnknownVariableType]
            _check_any(v, path, walk)


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


def _compile(t: Any) -> Checker:
    origin = get_origin(t)
    if origin is Annotated:
        return _compile(get_args(t)[0])
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


def validate(params: msgspec.Struct) -> Walk:
    """Check ``params`` (a request Struct) and everything inside it."""
    walk = Walk()
    _struct_checker(type(params))(params, "", walk)
    return walk
