"""Paginators: an operation's pages as an async iterator, each page a normal call.

Built from botocore's ``paginators-1.json`` format in general: several input and output
tokens, nested output paths (``a.b``, or any JMESPath expression), ``more_results``,
several result keys, tokens that are maps or structures (DynamoDB's
``LastEvaluatedKey``), and ``max_items`` with a resume token that ``starting_token``
takes back, in botocore's encoding (base64 JSON, ``boto_truncate_amount`` for a page
stopped part-way).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar, cast

import msgspec

from ._jmespath import search
from .errors import PaginationError, ParamValidationError

__all__ = ["Paginator", "PaginatorSpec"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")

TRUNCATE = "boto_truncate_amount"
ENCODED_KEYS = "boto_encoded_keys"  # botocore: the paths of binary values in a token


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

    __slots__ = (
        "_invoke",
        "_max_items",
        "_params",
        "_plan",
        "_skip",
        "_spec",
        "_start",
        "resume_token",
    )

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
        plan = _plan(spec, type(params))
        if not (
            (page_size is None or (type(page_size) is int and page_size >= 1 and plan.limit))
            and (max_items is None or (type(max_items) is int and max_items >= 1))
        ):
            _check_controls(spec, page_size, max_items)  # the full check, naming each problem
        if page_size is not None:
            params = msgspec.structs.replace(params, **{plan.limit: page_size})
        self._invoke = invoke
        self._spec = spec
        self._plan = plan
        self._params = params
        self._max_items = max_items
        self._start: dict[str, Any] = {}
        self._skip = 0
        if starting_token is not None:
            start, self._skip = _decode_token(spec, params, starting_token)
            # By the input's attribute names, as the next page's input is built.
            self._start = {plan.attr[wire]: value for wire, value in start.items()}
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
        plan = self._plan
        tokens = self._start  # by attribute name, so the next page's input is one replace
        if tokens:
            params = msgspec.structs.replace(params, **tokens)
        skip = self._skip
        remaining = self._max_items
        reads: _Reads | None = None
        self.resume_token = None
        # A starting token is the caller's, not an answer: a repeat is two answers in a row
        # with the same token (as botocore counts it).
        answered = not tokens
        while True:
            page: object = await self._invoke(spec.operation, params)
            if reads is None or reads.page_type is not type(page):
                reads = plan.reads(type(page))
            items = reads.items(page) if reads.items is not None else None
            if items is not None and type(items) is not list:
                items = _elements(items)
            if skip:  # this page was stopped part-way by a previous max_items
                if isinstance(items, list):
                    del items[:skip]  # the part of it that stop returned
                for path in reads.others:
                    _drop_delivered(page, path)  # returned in full with that part
            following: dict[str, Any] = {}
            more = False
            for attr, read in reads.tokens:
                # None, "" or an empty map: no more pages from this token, and none sent
                # for it (botocore's None), while another token goes on.
                value = following[attr] = read(page) or None
                if value is not None:
                    more = True
            if more and reads.more is not None:
                more = bool(reads.more(page))
            count = len(items) if isinstance(items, list) else 0  # pyright: ignore[reportUnknownArgumentType]
            last = remaining is not None and count >= remaining
            if last:
                assert remaining is not None
                if count > remaining:
                    assert isinstance(items, list)
                    del items[remaining:]
                    # The token of this page (None: the first), and how much of it was seen.
                    self.resume_token = plan.encode(tokens, skip + remaining)
                elif more:
                    self.resume_token = plan.encode(following, 0)
            elif remaining is not None:
                remaining -= count
            if not items_only:
                yield page
            elif items:
                for item in items:  # pyright: ignore[reportUnknownVariableType]
                    yield item
            if last or not more:
                return
            if answered and following == tokens:
                raise PaginationError(
                    spec.operation.name, "the service returned the same token twice"
                )
            tokens, skip, answered = following, 0, True
            params = msgspec.structs.replace(params, **following)


class _Reads:
    """How to read one paginator's paths from one output type, worked out once: a dotted
    path of attributes is one C-level ``attrgetter``; anything else is searched."""

    __slots__ = ("items", "more", "others", "page_type", "tokens")

    def __init__(self, spec: PaginatorSpec, attrs: tuple[str, ...], page_type: type) -> None:
        self.page_type = page_type
        self.items = _reader(page_type, spec.result_key[0]) if spec.result_key else None
        # The other result keys that are paths of members (botocore empties only those).
        others = (_path(key) for key in spec.result_key[1:])
        self.others = tuple(path for path in others if isinstance(path, tuple))
        self.tokens = tuple(
            (attr, _reader(page_type, path))
            for attr, path in zip(attrs, spec.output_token, strict=False)
        )
        self.more = _reader(page_type, spec.more_results) if spec.more_results else None


class _Plan:
    """One paginator over one input type: its tokens' attribute names and its readers."""

    __slots__ = ("_reads", "attr", "limit", "spec")

    def __init__(self, spec: PaginatorSpec, params_type: type) -> None:
        self.spec = spec  # kept so that the id the plan is filed under stays this spec's
        names = _wire_names(params_type) if issubclass(params_type, msgspec.Struct) else {}
        self.attr = {wire: names[wire] for wire in spec.input_token}
        self.limit = names[spec.limit_key] if spec.limit_key is not None else ""
        self._reads: dict[type, _Reads] = {}

    def reads(self, page_type: type) -> _Reads:
        found = self._reads.get(page_type)
        if found is None:
            found = self._reads[page_type] = _Reads(self.spec, tuple(self.attr.values()), page_type)
        return found

    def encode(self, tokens: dict[str, Any], truncate: int) -> str | None:
        """A resume token, in botocore's encoding (wire names); ``{}``: the first page."""
        by_wire = {wire: tokens.get(attr) for wire, attr in self.attr.items()}
        return _encode_token(by_wire, truncate)


_PLANS: dict[tuple[int, type], _Plan] = {}


def _plan(spec: PaginatorSpec, params_type: type) -> _Plan:
    plan = _PLANS.get((id(spec), params_type))
    if plan is None or plan.spec is not spec:
        plan = _PLANS[id(spec), params_type] = _Plan(spec, params_type)
    return plan


def _reader(page_type: type, path: str) -> Callable[[Any], Any]:
    """A function reading ``path`` (wire names) from an instance of ``page_type``."""
    steps = _path(path)
    if isinstance(steps, tuple) and len(steps) == 1 and issubclass(page_type, msgspec.Struct):
        attr = _wire_names(page_type).get(steps[0])
        if attr is not None:
            return operator.attrgetter(attr)
    return functools.partial(_value_at, path=steps)


def _elements(value: object) -> list[Any]:
    """A result key that is not a list, as the items it stands for: a map's keys (botocore
    iterates a map), else the value itself, one item per page (a structure). Counting and
    ``max_items`` then work on these; the page's own map is left whole."""
    if isinstance(value, dict):
        return list(value)  # pyright: ignore[reportUnknownArgumentType]
    return [value]


def _check_controls(spec: PaginatorSpec, page_size: object, max_items: object) -> None:
    problems: list[str] = []
    for name, given in (("page_size", page_size), ("max_items", max_items)):
        if given is not None and not _positive_int(given):
            problems.append(f"{name}: must be a positive int")
    if page_size is not None and spec.limit_key is None:
        problems.append(f"page_size: {spec.operation.name} takes no page size")
    if problems:
        raise ParamValidationError(spec.operation.name, problems)


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


def _drop_delivered(page: object, path: tuple[str, ...]) -> None:
    """Empty a secondary result key of a page a resumed paginator starts part-way through,
    as botocore does: its whole value was returned with the page's first part (a list or
    a text emptied, a number kept, anything else None)."""
    *steps, name = path
    parent = _value_at(page, tuple(steps)) if steps else page
    if isinstance(parent, msgspec.Struct):
        attr = _wire_names(type(parent)).get(name)
        if attr is None:
            return
        value = getattr(parent, attr)
        if isinstance(value, list):
            del value[:]
        elif not isinstance(value, int | float | None):
            setattr(parent, attr, "" if isinstance(value, str) else None)
    elif isinstance(parent, dict):
        mapping = cast(dict[str, Any], parent)
        value = mapping.get(name)
        if isinstance(value, list):
            del value[:]
        elif name in mapping and not isinstance(value, int | float | None):
            mapping[name] = "" if isinstance(value, str) else None


def _encode_token(tokens: dict[str, Any], truncate: int) -> str | None:
    """botocore's ``TokenEncoder``, to the byte: the token's JSON (``json.dumps``' own
    spacing and escapes) in base64, a binary value in base64 too with its path listed
    under ``boto_encoded_keys``."""
    if not tokens:
        return None
    import base64  # only paginators stopped by max_items need these
    import json

    data: dict[str, Any] = {
        k: msgspec.to_builtins(v, builtin_types=(bytes,)) for k, v in tokens.items()
    }
    if truncate:
        data[TRUNCATE] = truncate
    encoded: list[list[str | int]] = []
    data = _bytes_as_base64(data, [], encoded)
    if encoded:
        data[ENCODED_KEYS] = encoded
    return base64.b64encode(json.dumps(data).encode()).decode()


def _bytes_as_base64(value: Any, path: list[str | int], encoded: list[list[str | int]]) -> Any:
    if isinstance(value, dict):
        items = cast(dict[str, Any], value).items()
        return {k: _bytes_as_base64(v, [*path, k], encoded) for k, v in items}
    if isinstance(value, list):
        values: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        return [_bytes_as_base64(v, [*path, i], encoded) for i, v in enumerate(values)]
    if isinstance(value, bytes):
        import base64

        encoded.append(path)
        return base64.b64encode(value).decode()
    return value


def _base64_as_bytes(data: dict[str, Any], paths: object) -> bool:
    """Undo `_bytes_as_base64` in place along ``paths``; False if they do not fit ``data``."""
    import base64
    import binascii

    if not isinstance(paths, list):
        return False
    for path in cast(list[object], paths):
        if not isinstance(path, list) or not path:
            return False
        steps = cast(list[object], path)
        container: Any = data
        try:
            for step in steps[:-1]:
                container = container[step]
            last = steps[-1]
            text = container[last]
            if not isinstance(text, str):
                return False
            container[last] = base64.b64decode(text, validate=True)
        except (KeyError, IndexError, TypeError, binascii.Error):
            return False
    return True


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
        data, truncate = _legacy_token(spec, token)
    else:
        truncate = data.pop(TRUNCATE, 0)
        if ENCODED_KEYS in data and not _base64_as_bytes(data, data.pop(ENCODED_KEYS)):
            raise ParamValidationError(name, ["starting_token: not a token this paginator gave"])
    if (
        set(data) - set(spec.input_token)
        or not isinstance(truncate, int)
        or isinstance(truncate, bool)
        or truncate < 0
    ):
        raise ParamValidationError(name, ["starting_token: not a token this paginator gave"])
    types = {f.encode_name: f.type for f in msgspec.structs.fields(type(params))}
    try:
        values = {k: msgspec.convert(v, types[k]) for k, v in data.items() if v is not None}
    except (msgspec.ValidationError, KeyError):
        raise ParamValidationError(
            name, ["starting_token: not a token this paginator gave"]
        ) from None
    return values, truncate


def _legacy_token(spec: PaginatorSpec, token: str) -> tuple[dict[str, Any], object]:
    """A token that is not base64 JSON, read as botocore does: the service's own token;
    botocore's older form, the input tokens joined by ``___`` (``None`` for none) with the
    items to skip last; or, for several input tokens, the first ones and the rest None."""
    parts: list[str] = token.split("___")
    skip: object = 0
    if len(parts) == len(spec.input_token) + 1:
        try:
            skip = int(parts[-1])
            parts.pop()
        except ValueError:
            parts = [token]  # not the old form: the service's token, as it is
    if len(parts) > len(spec.input_token):
        raise ParamValidationError(
            spec.operation.name, ["starting_token: not a token this paginator gave"]
        )
    values: list[str | None] = [None if part == "None" else part for part in parts]
    values += [None] * (len(spec.input_token) - len(values))
    return dict(zip(spec.input_token, values, strict=True)), skip
