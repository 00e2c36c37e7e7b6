"""Every Python name the generator emits is decided here.

Attribute and method names follow botocore's ``xform_name`` (the names boto3 users
know); keywords and names that would shadow what generated code relies on get a
trailing underscore; collisions are resolved by a fixed rule or fail loudly.
"""

from __future__ import annotations

import importlib
import keyword
import re
from collections.abc import Iterable
from typing import Any

from .errors import CodegenError

# botocore is untyped; its name transform is the one boto3 users know.
_xform_name: Any = importlib.import_module("botocore").xform_name

# Names an attribute must not take: in a class body they would shadow the
# builtins that annotations use (msgspec evaluates annotations with the class
# namespace in scope), and ``self`` would break generated methods.
_RESERVED_ATTRS = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "self", "cls", "None", "True", "False"}
)
# Public attributes of the runtime's BaseClient that an operation must not replace.
RESERVED_METHODS = frozenset({"close", "region"})
# Attributes ServiceError defines; modelled error members must not replace them.
RESERVED_ERROR_ATTRS = frozenset(
    {
        "code",
        "message",
        "status_code",
        "request_id",
        "operation",
        "args",
        "with_traceback",
        "add_note",
    }
)


def snake(name: str) -> str:
    return str(_xform_name(name))


def cli_name(name: str) -> str:
    """``CreateModel`` -> ``create-model``: the AWS CLI's command and option names."""
    return str(_xform_name(name, "-"))


def escape(name: str, reserved: Iterable[str] = ()) -> str:
    if keyword.iskeyword(name) or name in _RESERVED_ATTRS or name in set(reserved):
        return name + "_"
    return name


def attribute_names(member_names: list[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """Member name -> attribute, unique within one structure.

    When two members map to the same name (``ModelARN``/``ModelArn``), the one
    whose model name sorts first keeps it and the others get ``_2``, ``_3``...
    """
    reserved = frozenset(reserved)
    wanted = {m: escape(snake(m), reserved) for m in member_names}
    result: dict[str, str] = {}
    taken: set[str] = set()
    for member in sorted(member_names):
        name = wanted[member]
        n = 2
        while name in taken:
            name = f"{wanted[member]}_{n}"
            n += 1
        taken.add(name)
        result[member] = name
    return {m: result[m] for m in member_names}


def method_names(operation_names: Iterable[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    seen: dict[str, str] = {}
    for op in operation_names:
        name = escape(snake(op), RESERVED_METHODS)
        if name in seen:
            raise CodegenError(f"operations {seen[name]} and {op} both map to method {name!r}")
        seen[name] = op
        result[op] = name
    return result


# Builtins that generated modules use by name; a shape may not take them.
_USED_BUILTINS = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "list",
        "dict",
        "tuple",
        "frozenset",
        "type",
        "object",
        "super",
    }
)


def class_name(shape_name: str) -> str:
    """Shape names are kept as the model spells them, so user code survives regeneration."""
    if not shape_name.isidentifier() or keyword.iskeyword(shape_name):
        raise CodegenError(f"shape name {shape_name!r} is not a valid Python class name")
    if shape_name in _USED_BUILTINS or shape_name.startswith("_"):
        raise CodegenError(f"shape name {shape_name!r} would shadow a name generated code uses")
    return shape_name


def client_class_name(service_id: str) -> str:
    """``SageMaker`` -> ``SageMakerClient``; ``com.amazonaws.foo`` -> ``ComAmazonawsFooClient``."""
    parts = re.split(r"[^A-Za-z0-9]+", service_id)
    base = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not base or base[0].isdigit():
        base = "Service" + base
    return class_name(base + "Client")
