"""The command line of one operation: AWS CLI option names, read into wire parameters.

Options are made from the input Struct alone: ``--model-name`` per member (botocore's
``xform_name``, as the AWS CLI names them), scalars as text, booleans as
``--flag``/``--no-flag``, lists of scalars as one or more values or a JSON array,
structures, maps and lists of structures as JSON ("JSON Syntax"; the shorthand syntax is
not supported). ``file://path`` reads a value from a file, ``fileb://path`` a blob's
bytes. ``--cli-input-json`` gives the whole input (inline or ``file://``); options given
beside it replace its members, as the AWS CLI does.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, cast

import msgspec
import msgspec.inspect as mi

from .wire import unwrap

KIND_FLAG, KIND_TEXT, KIND_NUMBER, KIND_LIST, KIND_JSON = "flag", "text", "number", "list", "json"


class UsageError(Exception):
    """The command line cannot be read (exit 252, as the AWS CLI's)."""


class Option(msgspec.Struct, frozen=True):
    flag: str  # --model-name
    wire: str  # ModelName
    kind: str  # one of the KIND_ names
    item: str  # for lists of scalars, the element's type name; else ""
    type_name: str  # what help shows: string, integer, boolean, timestamp, blob, structure...
    required: bool


def _cli_name(wire: str) -> str:
    # botocore's transform is the AWS CLI's own, so the names are the AWS CLI's.
    xform: Any = importlib.import_module("botocore").xform_name
    return "--" + str(xform(wire, "-"))


def _scalar_kind(t: mi.Type) -> tuple[str, str] | None:
    if isinstance(t, (mi.StrType, mi.LiteralType)):
        return KIND_TEXT, "string"
    if isinstance(t, mi.DateTimeType):
        return KIND_TEXT, "timestamp"
    if isinstance(t, mi.BytesType):
        return KIND_TEXT, "blob"
    if isinstance(t, mi.IntType):
        return KIND_NUMBER, "integer"
    if isinstance(t, mi.FloatType):
        return KIND_NUMBER, "float"
    return None


def options_for(info: mi.StructType | None) -> dict[str, Option]:
    """``--flag`` -> Option, one per input member, in model order."""
    options: dict[str, Option] = {}
    for f in info.fields if info is not None else ():
        t = unwrap(f.type)
        flag = _cli_name(f.encode_name)
        n = 2
        while flag in options:  # ModelARN / ModelArn: both would be --model-arn
            flag = f"{_cli_name(f.encode_name)}-{n}"
            n += 1
        scalar = _scalar_kind(t)
        if isinstance(t, mi.BoolType):
            option = Option(flag, f.encode_name, KIND_FLAG, "", "boolean", f.required)
        elif scalar is not None:
            option = Option(flag, f.encode_name, scalar[0], "", scalar[1], f.required)
        elif isinstance(t, (mi.ListType, mi.VarTupleType)) and (
            item := _scalar_kind(unwrap(t.item_type))
        ):
            option = Option(flag, f.encode_name, KIND_LIST, item[1], "list", f.required)
        else:
            kind = (
                "structure"
                if isinstance(t, mi.StructType)
                else "map"
                if isinstance(t, mi.DictType)
                else "list"
                if isinstance(t, (mi.ListType, mi.VarTupleType))
                else "document"
            )
            option = Option(flag, f.encode_name, KIND_JSON, "", kind, f.required)
        options[flag] = option
    return options


def read_value(text: str) -> str | bytes:
    """A value as given, or the content of the file ``file://`` (``fileb://``) names."""
    for prefix, as_bytes in (("fileb://", True), ("file://", False)):
        if text.startswith(prefix):
            path = Path(text[len(prefix) :]).expanduser()
            try:
                return path.read_bytes() if as_bytes else path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"Error parsing parameter: cannot read {text}: {exc}") from None
    return text


def _json(flag: str, text: str | bytes) -> Any:
    try:
        return msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise UsageError(
            f"Error parsing parameter '{flag}': expected JSON ({exc}); the shorthand syntax "
            "is not supported"
        ) from None


def _number(flag: str, text: str | bytes, type_name: str) -> int | float:
    value = text.decode() if isinstance(text, bytes) else text
    try:
        return int(value) if type_name == "integer" else float(value)
    except ValueError:
        raise UsageError(
            f"Error parsing parameter '{flag}': expected {'an integer' if type_name == 'integer' else 'a number'}, "
            f"got {value!r}"
        ) from None


def member_value(option: Option, values: list[str]) -> Any:
    """The wire value of ``option`` from the texts that followed it."""
    flag = option.flag
    if option.kind == KIND_LIST:
        if len(values) == 1 and values[0].lstrip().startswith("["):
            return _json(flag, read_value(values[0]))
        items = [read_value(v) for v in values]
        if option.item in ("integer", "float"):
            return [_number(flag, v, option.item) for v in items]
        return items
    if len(values) != 1:
        raise UsageError(f"Error parsing parameter '{flag}': expected one value, got {len(values)}")
    text = read_value(values[0])
    if option.kind == KIND_JSON:
        return _json(flag, text)
    if option.kind == KIND_NUMBER:
        return _number(flag, text, option.type_name)
    if isinstance(text, bytes) and option.type_name != "blob":
        return text.decode("utf-8", "replace")
    return text


def input_document(text: str) -> dict[str, Any]:
    """``--cli-input-json``: inline JSON or ``file://``; an object of wire-named members."""
    data = _json("--cli-input-json", read_value(text))
    if not isinstance(data, dict):
        raise UsageError("Error parsing parameter '--cli-input-json': expected a JSON object")
    return cast(dict[str, Any], data)
