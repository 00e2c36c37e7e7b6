"""Base classes of every generated structure."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

MASK = "***"


class Shape(msgspec.Struct, kw_only=True, omit_defaults=True, repr_omit_defaults=True):
    """A structure of the service model.

    Only ``None`` is omitted on the wire; every other value a caller sets is sent.
    """


class UnionShape(Shape, kw_only=True):
    """A union: exactly one member is set in a request.

    In a response, a union whose member this client's model does not know yet
    decodes with no member set; `is_unknown` tells that case apart.
    """

    @property
    def is_unknown(self) -> bool:
        """True when the service sent a member newer than this client's model."""
        return all(getattr(self, name) is None for name in self.__struct_fields__)


class SensitiveShape(Shape, kw_only=True):
    """A structure with members the model marks sensitive; they never show in a repr."""

    __sensitive_fields__: ClassVar[frozenset[str]] = frozenset()

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        return [
            (name, MASK if name in self.__sensitive_fields__ else value)
            for name in self.__struct_fields__
            if (value := getattr(self, name)) is not None
        ]

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{name}={value if value is MASK else repr(value)}"
            for name, value in self.__rich_repr__()
        )
        return f"{type(self).__name__}({parts})"

    __str__ = __repr__
