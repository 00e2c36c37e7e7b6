"""What the command line prints: a response body as botocore parses it, ISO 8601 timestamps.

The typed client fills a required member the service left out with its zero value
(client error correction); the AWS CLI prints what the service sent. So the command
line prints from the body itself, read against the output Struct's types: modelled
members only, nulls dropped, timestamps as ISO 8601 (``2024-05-01T10:20:30.123000+00:00``,
as the AWS CLI v2 prints them), blobs as the base64 text they came as.
"""

from __future__ import annotations

from typing import Any, cast

import msgspec
import msgspec.inspect as mi

from .wire import parse_timestamp, struct_info, unwrap


def response_view(content: bytes, shape: type[Any] | None) -> dict[str, Any]:
    if shape is None or not content.strip():
        return {}
    view = _view(msgspec.json.decode(content), struct_info(shape))
    return cast(dict[str, Any], view) if isinstance(view, dict) else {}


def _view(raw: Any, t: mi.Type) -> Any:
    t = unwrap(t)
    if isinstance(t, mi.StructType) and isinstance(raw, dict):
        given = cast(dict[str, Any], raw)
        return {
            f.encode_name: _view(given[f.encode_name], f.type)
            for f in t.fields
            if given.get(f.encode_name) is not None
        }
    if isinstance(t, (mi.ListType, mi.VarTupleType)) and isinstance(raw, list):
        items: list[Any] = raw  # pyright: ignore[reportUnknownVariableType]
        return [_view(v, t.item_type) for v in items]
    if isinstance(t, mi.DictType) and isinstance(raw, dict):
        return {k: _view(v, t.value_type) for k, v in cast(dict[str, Any], raw).items()}
    if isinstance(t, mi.DateTimeType):
        return _iso(raw)
    return raw


def _iso(raw: Any) -> Any:
    stamp = parse_timestamp(raw)
    if stamp is None and isinstance(raw, str):
        from email.utils import parsedate_to_datetime  # rfc822 members only

        try:
            stamp = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            stamp = None
    return stamp.isoformat() if stamp is not None else raw  # else as it came


def get_path(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for step in path.split("."):
        if not isinstance(value, dict):
            return None
        value = cast(dict[str, Any], value).get(step)
    return value


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for step in parents:
        data = data.setdefault(step, {})
    data[last] = value
