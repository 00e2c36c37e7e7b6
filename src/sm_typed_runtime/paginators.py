"""Paginators: an operation's pages as an async iterator, each page a normal call.

Built from botocore's ``paginators-1.json`` format in general: several input and output
tokens, nested output paths (``a.b``, or any JMESPath expression), ``more_results``,
several result keys, tokens that are maps or structures (DynamoDB's
``LastEvaluatedKey``), and ``max_items`` with a resume token that ``starting_token``
takes back, in botocore's encoding (base64 JSON, ``boto_truncate_amount`` for a page
stopped part-way).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar, cast

import msgspec

from ._jmespath import search
from .errors import PaginationError, ParamValidationError

__all__ = ["Paginator", "PaginatorSpec"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")

TRUNCATE = "boto_truncate_amount"


class PaginatorSpec(msgspec.Struct, frozen=True):
    """One paginator of a model, in wire names (as ``paginators-1.json`` has it)."""

    operation: Any  # the OperationSpec it calls
    input_token: tuple[str, ...]
    output_token: tuple[str, ...]
    result_key: tuple[str, ...] = ()
    limit_key: str | None = None
    more_results: str | None = None
    non_aggregate_keys: tuple[str, ...] = ()  # kept from the first page when pages are merged


class Paginator(Generic[PageT, ItemT]):
    """``async for page in paginator``, or ``async for item in paginator.items()``.

    Nothing is sent until the iteration starts. After a ``max_items`` stop,
    ``resume_token`` continues where it stopped (pass it as ``starting_token``).
    """

    def __init__(
        self,
        invoke: Callable[[Any, Any], Awaitable[Any]],
        spec: PaginatorSpec,
        params: msgspec.Struct,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        starting_token: str | None = None,
    ) -> None:
        op_name = spec.operation.name
        problems: list[str] = []
        for name, given in (("page_size", page_size), ("max_items", max_items)):
            if given is not None and not _positive_int(given):
                problems.append(f"{name}: must be a positive int")
        if page_size is not None and spec.limit_key is None:
            problems.append(f"page_size: {op_name} takes no page size")
        if problems:
            raise ParamValidationError(op_name, problems)
        if page_size is not None and spec.limit_key is not None:
            params = _with_members(params, {spec.limit_key: page_size})
        self._invoke = invoke
        self._spec = spec
        self._params = params
        self._max_items = max_items
        self._start, self._skip = _decode_token(spec, params, starting_token)
        self.resume_token: str | None = None

    def __repr__(self) -> str:
        return f"Paginator({self._spec.operation.name})"

    def __aiter__(self) -> AsyncIterator[PageT]:
        return self._walk(False)

    def items(self) -> AsyncIterator[ItemT]:
        """The elements of the (first) result key of every page, in order."""
        return self._walk(True)

    async def _walk(self, items_only: bool) -> AsyncIterator[Any]:
        """The pages, or (``items_only``) their items: one generator either way, so an item
        costs one async step."""
        spec = self._spec
        params = self._params
        tokens = self._start
        if tokens:
            params = _with_members(params, tokens)
        skip = self._skip
        remaining = self._max_items
        primary = _path(spec.result_key[0]) if spec.result_key else None
        outputs = [(n, _path(p)) for n, p in zip(spec.input_token, spec.output_token, strict=False)]
        more_results = _path(spec.more_results) if spec.more_results is not None else None
        self.resume_token = None
        while True:
            page = await self._invoke(spec.operation, params)
            items = _value_at(page, primary) if primary is not None else None
            if skip and isinstance(items, list):
                del items[:skip]  # the part of this page a previous max_items stop returned
            following: dict[str, Any] = {}
            more = False
            for name, path in outputs:
                value = following[name] = _value_at(page, path)
                if value:  # None, "" or an empty map: no more pages from this token
                    more = True
            if more and more_results is not None:
                more = bool(_value_at(page, more_results))
            count = len(items) if isinstance(items, list) else 0  # pyright: ignore[reportUnknownArgumentType]
            last = remaining is not None and count >= remaining
            if last:
                assert remaining is not None
                if count > remaining:
                    assert isinstance(items, list)
                    del items[remaining:]
                    # The token of this page (None: the first), and how much of it was seen.
                    used = tokens or dict.fromkeys(spec.input_token)
                    self.resume_token = _encode_token(used, skip + remaining)
                elif more:
                    self.resume_token = _encode_token(following, 0)
            elif remaining is not None:
                remaining -= count
            if not items_only:
                yield page
            elif items:
                for item in items:  # pyright: ignore[reportUnknownVariableType]
                    yield item
            if last or not more:
                return
            if following == tokens:
                raise PaginationError(
                    spec.operation.name, "the service returned the same token twice"
                )
            tokens, skip = following, 0
            params = _with_members(params, following)


def _non_empty_str(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _positive_int(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= 1


# -- paths and members, by wire name ------------------------------------------------------


def _wire_names(cls: type) -> dict[str, str]:
    found: dict[str, str] | None = _NAMES.get(cls)
    if found is None:
        found = {f.encode_name: f.name for f in msgspec.structs.fields(cls)}
        _NAMES[cls] = found
    return found


_NAMES: dict[type, dict[str, str]] = {}
_ATTRS: dict[tuple[type, str], str] = {}  # (Struct class, wire name) -> attribute ("": none)
_SIMPLE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")


def _path(path: str) -> tuple[str, ...] | str:
    """A dotted path as its steps; any other JMESPath expression as it is."""
    return tuple(path.split(".")) if _SIMPLE.issuperset(path) else path


def _value_at(value: Any, path: tuple[str, ...] | str) -> Any:
    """``path`` (wire names, from `_path`) in ``value``: dotted paths by attribute, any
    other JMESPath expression over the wire-named builtins."""
    if isinstance(path, str):
        return search(path, msgspec.to_builtins(value))
    for step in path:
        if value is None:
            return None
        if isinstance(value, msgspec.Struct):
            attr = _ATTRS.get((type(value), step))
            if attr is None:
                attr = _ATTRS[type(value), step] = _wire_names(type(value)).get(step, "")
            value = getattr(value, attr, None) if attr else None
        elif isinstance(value, dict):
            value = cast(dict[str, Any], value).get(step)
        else:
            return None
    return value


def _with_members(params: msgspec.Struct, values: dict[str, Any]) -> Any:
    names = _wire_names(type(params))
    return msgspec.structs.replace(params, **{names[wire]: v for wire, v in values.items()})


def _encode_token(tokens: dict[str, Any], truncate: int) -> str | None:
    if not tokens:
        return None
    import base64  # only paginators stopped by max_items need it

    data: dict[str, Any] = {k: msgspec.to_builtins(v) for k, v in tokens.items()}
    if truncate:
        data[TRUNCATE] = truncate
    return base64.b64encode(msgspec.json.encode(data)).decode()


def _decode_token(
    spec: PaginatorSpec, params: msgspec.Struct, token: str | None
) -> tuple[dict[str, Any], int]:
    if token is None:
        return {}, 0
    name = spec.operation.name
    if not _non_empty_str(token):
        raise ParamValidationError(name, ["starting_token: must be a non-empty str"])
    import base64
    import binascii

    try:
        decoded: object = msgspec.json.decode(base64.b64decode(token, validate=True))
        if not isinstance(decoded, dict):
            raise ValueError
        data = cast(dict[str, Any], decoded)
    except (ValueError, binascii.Error, msgspec.DecodeError):
        if len(spec.input_token) == 1:
            return {spec.input_token[0]: token}, 0  # the service's own token, as it gave it
        raise ParamValidationError(
            name, ["starting_token: not a token this paginator gave"]
        ) from None
    truncate: object = data.pop(TRUNCATE, 0)
    if set(data) - set(spec.input_token) or not isinstance(truncate, int) or truncate < 0:
        raise ParamValidationError(name, ["starting_token: not a token this paginator gave"])
    types = {f.encode_name: f.type for f in msgspec.structs.fields(type(params))}
    try:
        values = {k: msgspec.convert(v, types[k]) for k, v in data.items() if v is not None}
    except (msgspec.ValidationError, KeyError):
        raise ParamValidationError(
            name, ["starting_token: not a token this paginator gave"]
        ) from None
    return values, truncate
