"""IR -> Python source. Builds plain view objects and feeds them to the Jinja2 templates."""

from __future__ import annotations

import functools
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jinja2

from sm_typed_runtime import errors as runtime_errors
from sm_typed_runtime.client import CALL_OPTIONS, CLIENT_OPTIONS, Option

from . import naming
from .docs import docstring, html_to_text
from .errors import CodegenError
from .model import Member, Operation, Service, Shape
from .waiter_checks import own_waiters

TEMPLATES = Path(__file__).parent / "templates"
LINE = 100

_SCALARS = {
    "string": "str",
    "character": "str",
    "integer": "int",
    "long": "int",
    "float": "float",
    "double": "float",
    "boolean": "bool",
    "blob": "bytes",
    "timestamp": "_dt.datetime",
    "document": "_t.Any",
}


# What an annotation needs imported (see `Renderer.imports`); a field's ``_field(...)``.
USES_DATETIME, USES_TYPING, USES_META, USES_SHAPES, USES_FIELD = (
    "datetime",
    "typing",
    "Meta",
    "shapes",
    "field",
)


# Names generated errors modules re-export from the runtime: read from the runtime itself,
# which imports no generated code (it is its own package), so a broken generation can
# always be fixed by regenerating.
COMMON_ERROR_NAMES: tuple[str, ...] = tuple(runtime_errors.COMMON_ERRORS)
RUNTIME_ERROR_NAMES: tuple[str, ...] = tuple(runtime_errors.LIBRARY_ERRORS)


def client_init_stub(options: tuple[Option, ...] = CLIENT_OPTIONS) -> str:
    """The constructor of every generated client's stub, from the runtime's option table."""
    return _options_method(
        "__init__",
        options,
        "None",
        "Create a client. Nothing is resolved or connected until the first call\n"
        "        (or ``async with``), so constructing one never blocks.",
    )


def with_options_stub(returns: str, options: tuple[Option, ...] = CALL_OPTIONS) -> str:
    """``with_options`` of a generated client's stub, from the runtime's per-call options."""
    return _options_method(
        "with_options",
        options,
        returns,
        "A view of this client with other call options, for one call or many. It\n"
        "        shares the client's connections, credentials and retry quota; options left out\n"
        "        keep their current value.",
    )


def _options_method(name: str, options: tuple[Option, ...], returns: str, summary: str) -> str:
    """A keyword-only method taking ``options``, documented from their table."""
    params = "".join(f"        {o.name}: {o.annotation} = {o.default_source},\n" for o in options)
    args = "".join(_arg_doc(o.name, o.doc) for o in options)
    return (
        f"    def {name}(\n"
        "        self,\n"
        "        *,\n"
        f"{params}"
        f"    ) -> {returns}:\n"
        f'        """{summary}\n'
        "\n"
        "        Args:\n"
        f"{args}"
        '        """'
    )


def _arg_doc(name: str, doc: str) -> str:
    lines = textwrap.wrap(
        f"{name}: {doc}",
        width=LINE,
        initial_indent=" " * 12,
        subsequent_indent=" " * 16,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "".join(f"{line}\n" for line in lines)


@dataclass(frozen=True)
class FieldView:
    attr: str
    wire: str
    annotation: str
    required: bool
    doc: str
    sensitive: bool
    # What type checkers see: no msgspec metadata (timestamp formats are a wire detail).
    stub_annotation: str
    imports: frozenset[str]  # of `annotation` (see Renderer.imports)
    stub_imports: frozenset[str] = frozenset()  # of `stub_annotation`

    @property
    def stub_line(self) -> str:
        if self.required:
            return f"    {self.attr}: {self.stub_annotation}"
        return f"    {self.attr}: {self.stub_annotation} | None = None"

    @property
    def uses(self) -> frozenset[str]:
        """What `line` needs imported: its annotation's names, and ``_field`` when the
        declaration has a default or a wire name."""
        if self.wire != self.attr or not self.required:
            return self.imports | {USES_FIELD}
        return self.imports

    @property
    def line(self) -> str:
        """The attribute declaration, wrapped the way ruff would."""
        rename = f'name="{self.wire}"' if self.wire != self.attr else ""
        if self.required:
            args = rename
            ann = self.annotation
        else:
            args = ", ".join(a for a in ("default=None", rename) if a)
            ann = f"{self.annotation} | None"
        value = f"_field({args})" if rename or not self.required else ""
        if not value:
            return f"    {self.attr}: {ann}"
        one = f"    {self.attr}: {ann} = {value}"
        if len(one) <= LINE:
            return one
        return f"    {self.attr}: {ann} = _field(\n        {args}\n    )"


@dataclass(frozen=True)
class StructView:
    name: str
    bases: str
    doc: str
    fields: tuple[FieldView, ...]
    sensitive: tuple[str, ...]
    # Names its annotations use: imported (structures) or defined as str (enums)
    # in its own runtime module, where msgspec resolves them.
    refs_structs: tuple[str, ...] = ()
    refs_enums: tuple[str, ...] = ()
    base_classes: tuple[str, ...] = ()

    @property
    def imports(self) -> frozenset[str]:
        none: frozenset[str] = frozenset()
        return none.union(*(f.uses for f in self.fields))


@dataclass(frozen=True)
class EnumView:
    name: str
    values: tuple[str, ...]

    @property
    def line(self) -> str:
        quoted = [_quote(v) for v in self.values]
        one = f"    {self.name}: _t.TypeAlias = _t.Literal[{', '.join(quoted)}]"
        if len(one) <= LINE:
            return one
        body = "".join(f"        {q},\n" for q in quoted)
        return f"    {self.name}: _t.TypeAlias = _t.Literal[\n{body}    ]"


@dataclass(frozen=True)
class ParamView:
    name: str
    annotation: str
    required: bool
    imports: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OperationView:
    name: str
    method: str
    spec_name: str
    input_class: str | None
    output_class: str | None
    params: tuple[ParamView, ...]
    doc: str
    idempotency: tuple[str, ...]
    host_prefix: str | None = None
    host_labels: tuple[str, ...] = ()
    compress: bool = False
    signed: bool = True
    error_codes: tuple[str, ...] = ()  # what botocore matches an error response against
    # (rules parameter, "static" | "member" | "path", value / attribute / JMESPath path)
    endpoint_params: tuple[tuple[str, str, object], ...] = ()
    discovery: str | None = None  # "endpoint" | "required" (see the IR's Operation)

    @property
    def spec_line(self) -> str:
        inp = f"_s.{self.input_class}" if self.input_class else "None"
        out = f"_s.{self.output_class}" if self.output_class else "None"
        args = [
            "_SERVICE",
            f'"{self.name}"',
            f'"{self.output_class}"' if self.output_class else "None",
        ]
        if self.error_codes:
            args.append(f"errors={_tuple(self.error_codes)}")
        if self.idempotency:
            args.append(f"idempotency_tokens={_tuple(self.idempotency)}")
        if self.host_prefix is not None:
            args.append(f"host_prefix={_quote(self.host_prefix)}")
            args.append(f"host_labels={_tuple(self.host_labels)}")
        if self.compress:
            args.append("compress=True")
        if not self.signed:
            args.append("signed=False")
        if self.endpoint_params:
            entries = ", ".join(
                f"({_quote(n)}, {_quote(k)}, {_literal(v)})" for n, k, v in self.endpoint_params
            )
            args.append(f"endpoint_params=({entries},)")
        if self.discovery is not None:
            args.append(f"discovery={_quote(self.discovery)}")
        head = f"{self.spec_name}: _OperationSpec[{inp}, {out}] = _OperationSpec("
        one = ", ".join(args)
        if len(head) + len(one) + 1 <= LINE:
            return f"{head}{one})"
        if len(one) + 4 <= LINE:
            return f"{head}\n    {one}\n)"
        return head + "\n" + "".join(f"    {a},\n" for a in args) + ")"

    @property
    def returns(self) -> str:
        return f"_s.{self.output_class}" if self.output_class else "None"


@dataclass(frozen=True)
class PaginatorView:
    method: str  # paginate_list_models
    op: OperationView
    spec_name: str  # _P_ListModels
    params: tuple[ParamView, ...]  # the operation's, less its input tokens and limit key
    item: str  # the annotation of one element of the first result key
    item_imports: frozenset[str]
    spec_line: str
    # The limit key's attribute when the model requires it (Cognito's ListIdentityPools
    # MaxResults): ``page_size`` is then required too, as botocore's validation has it.
    required_limit: str | None = None

    @property
    def returns(self) -> str:
        return f"_Paginator[{self.op.returns}, {self.item}]"


@dataclass(frozen=True)
class WaiterView:
    method: str  # wait_until_endpoint_in_service
    name: str  # EndpointInService
    op: OperationView
    spec_name: str  # _W_EndpointInService
    returns: str
    spec_line: str
    doc: str


@dataclass(frozen=True)
class ErrorView:
    name: str
    base: str
    doc: str
    members: tuple[tuple[str, str], ...]  # (attribute, annotation)
    codes: tuple[str, ...]
    uses_shapes: bool = False  # a member's annotation names a structure or an enum
    retry: str | None = None  # the model's retryable trait, when the base does not carry it


def _tuple(values: tuple[str, ...]) -> str:
    quoted = ", ".join(_quote(v) for v in values)
    return f"({quoted},)" if len(values) == 1 else f"({quoted})"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _literal(value: object) -> str:
    """A static endpoint parameter's value (text, flag or list of text) as Python source."""
    return _quote(value) if isinstance(value, str) else repr(value)


@functools.cache
def _environment() -> jinja2.Environment:
    """One environment for every renderer: it compiles each template once per process."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def _checked_minimum(shape: Shape) -> int | float | None:
    """The ``min`` botocore's validation checks: a string's or list's length (when above
    0), a number's value; none on maps, blobs or anything else."""
    if shape.min is None:
        return None
    if shape.type in ("string", "list"):
        return shape.min if shape.min > 0 else None
    if shape.type in ("integer", "long", "float", "double"):
        return shape.min
    return None


class Renderer:
    def __init__(self, service: Service, *, package_doc_name: str) -> None:
        self.service = service
        self.client_class = naming.client_class_name(service.service_id)
        self.package_doc_name = package_doc_name
        self.env = _environment()
        self._attrs: dict[str, dict[str, str]] = {}

    # -- types -----------------------------------------------------------------
    def annotation(
        self,
        shape_name: str,
        prefix: str = "",
        *,
        wire_formats: bool = False,
        member_format: str | None = None,
    ) -> str:
        """The annotation for a shape.

        With ``wire_formats`` (Struct fields of the runtime module), a timestamp with a
        non-default wire format carries it as msgspec metadata; type checkers (stubs,
        method parameters) see a plain ``datetime``.
        """
        shape = self.service.shapes[shape_name]
        if shape.type == "timestamp" and wire_formats:
            fmt = member_format or shape.timestamp_format
            if fmt in ("iso8601", "rfc822"):
                return f'_t.Annotated[_dt.datetime, _Meta(extra={{"timestampFormat": "{fmt}"}})]'
        if wire_formats and _checked_minimum(shape) is not None:
            plain = self._plain_annotation(shape, prefix, wire_formats)
            return f'_t.Annotated[{plain}, _Meta(extra={{"min": {shape.min!r}}})]'
        return self._plain_annotation(shape, prefix, wire_formats)

    def _plain_annotation(self, shape: Shape, prefix: str, wire_formats: bool) -> str:
        if shape.type == "structure":
            return prefix + naming.class_name(shape.name)
        if shape.type == "list":
            assert shape.list_member is not None
            inner = self.annotation(shape.list_member, prefix, wire_formats=wire_formats)
            return f"list[{inner}]"
        if shape.type == "map":
            assert shape.map_key is not None and shape.map_value is not None
            key = self.annotation(shape.map_key, prefix, wire_formats=wire_formats)
            value = self.annotation(shape.map_value, prefix, wire_formats=wire_formats)
            return f"dict[{key}, {value}]"
        if shape.type == "string" and shape.enum:
            return prefix + naming.class_name(shape.name)
        return _SCALARS[shape.type]

    def imports(
        self, shape_name: str, *, wire_formats: bool = False, member_format: str | None = None
    ) -> frozenset[str]:
        """What `annotation` (same arguments) needs imported, from the shapes themselves:
        ``datetime``, ``typing``, ``Meta`` (msgspec) and ``shapes`` (a structure or enum)."""
        shape = self.service.shapes[shape_name]
        if wire_formats and _checked_minimum(shape) is not None:
            return self._plain_imports(shape, wire_formats) | {USES_TYPING, USES_META}
        return self._plain_imports(shape, wire_formats, member_format)

    def _plain_imports(
        self, shape: Shape, wire_formats: bool, member_format: str | None = None
    ) -> frozenset[str]:
        if shape.type == "timestamp":
            fmt = member_format or shape.timestamp_format
            if wire_formats and fmt in ("iso8601", "rfc822"):
                return frozenset({USES_DATETIME, USES_TYPING, USES_META})
            return frozenset({USES_DATETIME})
        if shape.type == "document":
            return frozenset({USES_TYPING})
        if shape.type == "structure" or (shape.type == "string" and shape.enum):
            return frozenset({USES_SHAPES})
        if shape.type == "list":
            assert shape.list_member is not None
            return self.imports(shape.list_member, wire_formats=wire_formats)
        if shape.type == "map":
            assert shape.map_key is not None and shape.map_value is not None
            return self.imports(shape.map_key, wire_formats=wire_formats) | self.imports(
                shape.map_value, wire_formats=wire_formats
            )
        return frozenset()

    def attrs(self, shape: Shape) -> dict[str, str]:
        cached = self._attrs.get(shape.name)
        if cached is None:
            reserved = naming.RESERVED_ERROR_ATTRS if shape.exception else ()
            cached = naming.attribute_names([m.name for m in shape.members], reserved)
            self._attrs[shape.name] = cached
        return cached

    def _sensitive(self, shape_name: str, seen: frozenset[str] = frozenset()) -> bool:
        shape = self.service.shapes[shape_name]
        if shape.sensitive:
            return True
        if shape_name in seen:
            return False
        inner = [s for s in (shape.list_member, shape.map_value) if s is not None]
        return any(self._sensitive(s, seen | {shape_name}) for s in inner)

    # -- views -----------------------------------------------------------------
    def _field(self, shape: Shape, m: Member) -> FieldView:
        doc = html_to_text(m.documentation, width=LINE - 8)
        if m.deprecated:
            note = "Deprecated." + (f" {m.deprecated_message}" if m.deprecated_message else "")
            doc = f"{doc}\n\n{note}" if doc else note
        return FieldView(
            attr=self.attrs(shape)[m.name],
            wire=m.wire_name,
            annotation=self.annotation(
                m.target, wire_formats=True, member_format=m.timestamp_format
            ),
            stub_annotation=self.annotation(m.target),
            imports=self.imports(m.target, wire_formats=True, member_format=m.timestamp_format),
            stub_imports=self.imports(m.target),
            # The client fills idempotency tokens the caller leaves out.
            required=m.required and not m.idempotency_token,
            doc=docstring(doc, 4),
            sensitive=self._sensitive(m.target),
        )

    def structs(self) -> list[StructView]:
        """One view per structure; each becomes a module named after it, so names that
        differ only in case would collide on case-insensitive file systems."""
        folded: dict[str, str] = {}
        for shape in self.service.shapes.values():
            if shape.type == "structure":
                other = folded.setdefault(shape.name.lower(), shape.name)
                if other != shape.name:
                    raise CodegenError(f"structures {other} and {shape.name} differ only in case")
        views: list[StructView] = []
        for shape in sorted(self.service.shapes.values(), key=lambda s: s.name):
            if shape.type != "structure":
                continue
            fields = tuple(self._field(shape, m) for m in shape.members)
            sensitive = tuple(f.attr for f in fields if f.sensitive)
            bases = ["_UnionShape"] if shape.union else []
            if sensitive:
                bases.append("_SensitiveShape")
            structs, enums = self._references(shape)
            views.append(
                StructView(
                    name=naming.class_name(shape.name),
                    bases=", ".join(bases or ["_Shape"]),
                    base_classes=tuple(bases or ["_Shape"]),
                    doc=docstring(html_to_text(shape.documentation, width=LINE - 4), 4),
                    fields=fields,
                    sensitive=sensitive,
                    refs_structs=tuple(n for n in structs if n != shape.name),
                    refs_enums=enums,
                )
            )
        return views

    def _references(self, shape: Shape) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Structures and enums a structure's member annotations name (through lists/maps)."""
        structs: set[str] = set()
        enums: set[str] = set()

        def visit(name: str) -> None:
            target = self.service.shapes[name]
            if target.type == "structure":
                structs.add(target.name)
            elif target.type == "string" and target.enum:
                enums.add(target.name)
            for inner in (target.list_member, target.map_key, target.map_value):
                if inner is not None:
                    visit(inner)

        for m in shape.members:
            visit(m.target)
        return tuple(sorted(structs)), tuple(sorted(enums))

    def enums(self) -> list[EnumView]:
        return [
            EnumView(naming.class_name(s.name), s.enum)
            for s in sorted(self.service.shapes.values(), key=lambda s: s.name)
            if s.type == "string" and s.enum
        ]

    def operations(self) -> list[OperationView]:
        methods = naming.method_names(sorted(self.service.operations))
        return [
            self._operation(op, methods[op.name])
            for _, op in sorted(self.service.operations.items())
        ]

    def _operation(self, op: Operation, method: str) -> OperationView:
        params: list[ParamView] = []
        idempotency: list[str] = []
        if op.input is not None:
            shape = self.service.shapes[op.input]
            attrs = self.attrs(shape)
            for m in shape.members:
                required = m.required and not m.idempotency_token
                params.append(
                    ParamView(
                        attrs[m.name],
                        self.annotation(m.target, "_s."),
                        required,
                        self.imports(m.target),
                    )
                )
                if m.idempotency_token:
                    idempotency.append(attrs[m.name])
        # Required parameters first would reorder the model; keyword-only makes order free,
        # so keep the model's order for the signature and the docs.
        text = html_to_text(op.documentation, width=LINE - 8)
        if op.deprecated:
            text = (
                "Deprecated."
                + (f" {op.deprecated_message}" if op.deprecated_message else "")
                + (f"\n\n{text}" if text else "")
            )
        args = self._args_doc(op)
        if args:
            text = f"{text}\n\n{args}" if text else args
        if op.errors:
            raises = "\n".join(
                f"    {e}: see `{self.package_doc_name}.errors.{e}`." for e in op.errors
            )
            text = f"{text}\n\nRaises:\n{raises}" if text else f"Raises:\n{raises}"
        host_prefix, host_labels = self._host_prefix(op)
        endpoint_params: list[tuple[str, str, object]] = [
            (n, "static", v) for n, v in op.static_context_params
        ]
        if op.input is not None:
            shape = self.service.shapes[op.input]
            attrs = self.attrs(shape)
            endpoint_params += [
                (m.context_param, "member", attrs[m.name]) for m in shape.members if m.context_param
            ]
        endpoint_params += [(n, "path", path) for n, path in op.operation_context_params]
        return OperationView(
            endpoint_params=tuple(endpoint_params),
            discovery=op.discovery,
            host_prefix=host_prefix,
            host_labels=host_labels,
            compress="gzip" in op.request_compression,
            signed=not op.unsigned,
            name=op.name,
            method=method,
            spec_name=f"_{op.name}",
            input_class=naming.class_name(op.input) if op.input else None,
            output_class=naming.class_name(op.output) if op.output else None,
            params=tuple(params),
            doc=docstring(text, 8),
            idempotency=tuple(idempotency),
            error_codes=tuple(
                dict.fromkeys(self.service.shapes[e].error_code or e for e in op.errors)
            ),
        )

    def paginators(self, operations: list[OperationView]) -> list[PaginatorView]:
        by_name = {op.name: op for op in operations}
        views: list[PaginatorView] = []
        for name, p in sorted(self.service.paginators.items()):
            op = by_name[name]
            model_op = self.service.operations[name]
            inp = self.service.shapes[model_op.input] if model_op.input else None
            attrs = self.attrs(inp) if inp is not None else {}
            by_wire = {m.wire_name: attrs[m.name] for m in inp.members} if inp else {}
            dropped = {
                by_wire[t]
                for t in (*p.input_token, *([p.limit_key] if p.limit_key else []))
                if t in by_wire
            }
            missing = [t for t in p.input_token if t not in by_wire]
            if missing:
                raise CodegenError(f"paginator {name}: input token {missing[0]} is not a member")
            params = tuple(pv for pv in op.params if pv.name not in dropped)
            limit_attr = by_wire.get(p.limit_key) if p.limit_key else None
            required_limit = next(
                (pv.name for pv in op.params if pv.name == limit_attr and pv.required), None
            )
            for control in ("page_size", "max_items", "starting_token"):
                if any(pv.name == control for pv in params):
                    raise CodegenError(f"paginator {name}: a parameter is named {control}")
            args = [
                op.spec_name,
                f"input_token={_tuple(p.input_token)}",
                f"output_token={_tuple(p.output_token)}",
            ]
            if p.result_key:
                args.append(f"result_key={_tuple(p.result_key)}")
            if p.limit_key:
                args.append(f"limit_key={_quote(p.limit_key)}")
            if p.more_results:
                args.append(f"more_results={_quote(p.more_results)}")
            if p.non_aggregate_keys:
                args.append(f"non_aggregate_keys={_tuple(p.non_aggregate_keys)}")
            spec_name = f"_P_{name}"
            item, item_imports = self._item_annotation(model_op.output, p.result_key)
            body = "".join(f"    {a},\n" for a in args)
            views.append(
                PaginatorView(
                    method=f"paginate_{op.method}",
                    op=op,
                    spec_name=spec_name,
                    params=params,
                    item=item,
                    item_imports=item_imports,
                    spec_line=f"{spec_name} = _PaginatorSpec(\n{body})",
                    required_limit=required_limit,
                )
            )
        return views

    def _item_annotation(
        self, output: str | None, result_key: tuple[str, ...]
    ) -> tuple[str, frozenset[str]]:
        """The element type of the first result key (following its wire-named path), and
        what it needs imported."""
        loose = ("_t.Any", frozenset({USES_TYPING}))
        if output is None or not result_key:
            return loose
        shape = self.service.shapes[output]
        for step in result_key[0].split("."):
            member = next((m for m in shape.members if m.wire_name == step), None)
            if member is None:
                return loose  # a JMESPath expression: typed loosely
            shape = self.service.shapes[member.target]
        # The runtime's items of a result key: a list's elements, a map's keys, or the value.
        if shape.type == "list" and shape.list_member is not None:
            element = shape.list_member
        elif shape.type == "map" and shape.map_key is not None:
            element = shape.map_key
        elif shape.type == "structure":
            element = shape.name
        else:
            return loose
        return self.annotation(element, "_s."), self.imports(element)

    def waiters(self, operations: list[OperationView]) -> list[WaiterView]:
        by_name = {op.name: op for op in operations}
        own = own_waiters(self.service.service_name)
        views: list[WaiterView] = []
        for name, w in sorted(self.service.waiters.items()):
            op = by_name[w.operation]
            for control in ("delay", "max_attempts", "max_wait", "on_attempt"):
                if any(pv.name == control for pv in op.params):
                    raise CodegenError(f"waiter {name}: a parameter is named {control}")
            acceptors: list[str] = []
            none_on_success = False
            for a in w.acceptors:
                state, matcher = str(a["state"]), str(a["matcher"])
                if state == "success" and matcher in ("error", "status"):
                    none_on_success = True
                fields = [f"{_quote(state)}", f"{_quote(matcher)}", repr(a.get("expected"))]
                if "argument" in a:
                    fields.append(f"argument={_quote(str(a['argument']))}")
                acceptors.append(f"        _Acceptor({', '.join(fields)}),\n")
            spec_name = f"_W_{name}"
            returns = op.returns if not none_on_success else f"{op.returns} | None"
            if op.returns == "None":
                returns = "None"
            spec_line = (
                f"{spec_name} = _WaiterSpec(\n"
                f"    {_quote(name)},\n"
                f"    {op.spec_name},\n"
                f"    delay={w.delay},\n"
                f"    max_attempts={w.max_attempts},\n"
                f"    acceptors=(\n{''.join(acceptors)}    ),\n"
                ")"
            )
            summary = textwrap.fill(
                f"Poll `{op.method}` every {w.delay} s (``delay``) until {name}, at most "
                f"{w.max_attempts} times (``max_attempts``) and ``max_wait`` seconds.",
                width=LINE - 8,
            )
            if name in own:
                summary += (
                    "\n\nsm_typed's own waiter (codegen/waiters/): botocore's model has none "
                    "for this."
                )
            doc = (
                f"{summary}\n\n"
                "Returns the last output. Raises `WaiterFailed` when a failure state is\n"
                "reached, `WaiterTimeout` when the attempts or ``max_wait`` run out, and an\n"
                "error no acceptor expects as itself. ``on_attempt(n, output_or_error)``, plain\n"
                "or async, is called after each poll."
            )
            views.append(
                WaiterView(
                    method=f"wait_until_{naming.snake(name)}",
                    name=name,
                    op=op,
                    spec_name=spec_name,
                    returns=returns,
                    spec_line=spec_line,
                    doc=docstring(doc, 8),
                )
            )
        return views

    def _args_doc(self, op: Operation) -> str:
        """``Args:`` with the first paragraph of each parameter's model documentation."""
        if op.input is None:
            return ""
        shape = self.service.shapes[op.input]
        attrs = self.attrs(shape)
        lines: list[str] = []
        for m in shape.members:
            paragraph = html_to_text(m.documentation, width=10_000).strip().split("\n\n")[0]
            text = " ".join(paragraph.split())
            if m.idempotency_token:
                text = f"{text} Filled with a fresh UUID4 when left out.".strip()
            if text:
                lines.append(
                    textwrap.fill(
                        text,
                        width=LINE - 8,
                        initial_indent=f"    {attrs[m.name]}: ",
                        subsequent_indent="        ",
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
        return "Args:\n" + "\n".join(lines) if lines else ""

    def _host_prefix(self, op: Operation) -> tuple[str | None, tuple[str, ...]]:
        """``foo.{Label}.`` with member names turned into attribute names."""
        if op.host_prefix is None:
            return None, ()
        attrs = self.attrs(self.service.shapes[op.input]) if op.input else {}
        labels: list[str] = []

        def swap(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in attrs:
                raise CodegenError(
                    f"operation {op.name}: hostPrefix label {{{name}}} is not an input member"
                )
            labels.append(attrs[name])
            return "{" + attrs[name] + "}"

        template = re.sub(r"\{([^}]+)\}", swap, op.host_prefix)
        return template, tuple(labels)

    def errors(self) -> list[ErrorView]:
        views: list[ErrorView] = []
        for shape in sorted(self.service.shapes.values(), key=lambda s: s.name):
            if not shape.exception:
                continue
            if shape.name in RUNTIME_ERROR_NAMES:
                raise CodegenError(
                    f"error shape {shape.name} collides with the runtime's own exception"
                )
            attrs = self.attrs(shape)
            members = tuple(
                (attrs[m.name], self.annotation(m.target, "_s.") + " | None")
                for m in shape.members
                if m.name.lower() != "message"
            )
            uses_shapes = any(
                USES_SHAPES in self.imports(m.target)
                for m in shape.members
                if m.name.lower() != "message"
            )
            codes = tuple(dict.fromkeys(c for c in (shape.name, shape.error_code) if c))
            # A common AWS code keeps its common class (and how it is retried); otherwise
            # the model's retryable trait picks the base, so the class says how it retries.
            common = next((c for c in codes if c in COMMON_ERROR_NAMES), None)
            retry = None
            if common is not None:
                base = f"_errors.{common}"
            elif shape.retryable == "throttling":
                base = "_errors.ThrottlingError"
            elif shape.retryable == "transient":
                base, retry = "_errors.TransientServiceError", "transient"
            else:
                base = "_errors.ServiceError"
            if (
                common is not None
                and shape.retryable == "transient"
                and runtime_errors.COMMON_ERRORS[common].__retry__ is None
            ):
                # A common throttling code stays throttling, as botocore's detector has it
                # (Redshift Serverless marks its ThrottlingException retryable, not throttling).
                retry = "transient"
            views.append(
                ErrorView(
                    name=naming.class_name(shape.name),
                    base=base,
                    doc=docstring(html_to_text(shape.documentation, width=LINE - 4), 4),
                    members=members,
                    uses_shapes=uses_shapes,
                    codes=codes,
                    retry=retry,
                )
            )
        return views

    def base_context(self) -> str:
        """The service's `base_context` as a Python literal ("" when there is none)."""
        pairs = self.service.base_context
        if not pairs:
            return ""
        return "(" + "".join(f"({_quote(n)}, {_literal(v)}), " for n, v in pairs) + ")"

    def endpoint_lines(self) -> list[str]:
        """``(region, fips, dualstack): (url, signing region, signing name)`` or an error message."""
        lines: list[str] = []
        for e in self.service.endpoints:
            key = f"({json.dumps(e.region)}, {e.use_fips}, {e.use_dualstack})"
            if e.url is None:
                value = json.dumps(e.error or "no endpoint")
            else:
                scope = (e.url, e.signing_region or e.region, e.signing_name or "")
                value = "(" + ", ".join(json.dumps(v) for v in scope) + ")"
            lines.append(f"{key}: {value},")
        return lines

    # -- files -----------------------------------------------------------------
    def cli_commands(
        self, operations: list[OperationView], paginators: list[PaginatorView]
    ) -> list[str]:
        """``"create-model": ("_CreateModel", "CreateModelInput", None),`` per operation."""
        paged = {p.op.name: p.spec_name for p in paginators}
        lines: list[str] = []
        for op in operations:
            inp = _quote(op.input_class) if op.input_class else "None"
            pag = _quote(paged[op.name]) if op.name in paged else "None"
            lines.append(
                f"{_quote(naming.cli_name(op.name))}: ({_quote(op.spec_name)}, {inp}, {pag}),"
            )
        return lines

    def cli_waiters(self, waiters: list[WaiterView]) -> list[str]:
        return [
            f"{_quote(naming.cli_name(w.name))}: ({_quote(w.spec_name)}, "
            f"{_quote(w.op.input_class or '')}),"
            for w in waiters
            if w.op.input_class
        ]

    def enum_lines(self) -> list[str]:
        """``"Struct.Member": ("A", "B"),`` for every member whose values (or whose list or
        map elements) are an enum: the skeletons' placeholders."""
        shapes = self.service.shapes
        lines: list[str] = []
        for shape in sorted(shapes.values(), key=lambda s: s.name):
            if shape.type != "structure":
                continue
            for m in shape.members:
                target = shapes[m.target]
                while target.type in ("list", "map"):
                    inner = target.list_member if target.type == "list" else target.map_value
                    if inner is None:
                        break
                    target = shapes[inner]
                if target.enum:
                    lines.append(f"{_quote(f'{shape.name}.{m.wire_name}')}: {_tuple(target.enum)},")
        return lines

    def header(self) -> str:
        # No botocore version here: it lives in _version.py alone, so that a refresh
        # rewrites only the files whose content changed.
        s = self.service
        return (
            f"# Generated by sm_typed codegen from the botocore model "
            f"{s.service_name}/{s.api_version}.\n"
            "# Do not edit: change codegen/ or its templates and run `python -m codegen`.\n"
        )

    def render(self) -> dict[str, str]:
        """File name (relative to the package) -> source."""
        error_views = self.errors()
        operations = self.operations()
        paginators = self.paginators(operations)
        waiters = self.waiters(operations)
        structs = self.structs()
        # Common AWS errors the model does not redefine: re-exported from the runtime as they are.
        common_errors = [n for n in COMMON_ERROR_NAMES if n not in {e.name for e in error_views}]
        none: frozenset[str] = frozenset()
        uses = none.union(
            *(p.imports for op in operations for p in op.params),
            *(p.item_imports for p in paginators),
        )
        enums = self.enums()
        stub_uses = none.union(*(f.stub_imports for st in structs for f in st.fields))
        ctx: dict[str, object] = {
            # What shapes.pyi imports: only what its classes use (pyright's reportUnusedImport).
            "stubs_use_datetime": USES_DATETIME in stub_uses,
            "stubs_use_typing": USES_TYPING in stub_uses or bool(enums),  # enums: _t.Literal
            "bases_used": {b for st in structs for b in st.base_classes},
            "uses_datetime": USES_DATETIME in uses,
            # The client stub names `_s` for outputs and for parameters of shape types.
            "uses_shapes": USES_SHAPES in uses or any(op.output_class for op in operations),
            "uses_typing": USES_TYPING in uses,
            "header": self.header(),
            "service": self.service,
            "client_class": self.client_class,
            "package_doc_name": self.package_doc_name,
            "service_doc": docstring(html_to_text(self.service.documentation, width=LINE - 4), 4),
            "structs": structs,
            "enums": enums,
            "operations": operations,
            "paginators": paginators,
            "waiters": waiters,
            "errors": error_views,
            "errors_use_shapes": any(e.uses_shapes for e in error_views),
            "common_errors": common_errors,
            "runtime_errors": RUNTIME_ERROR_NAMES,
            "client_init": client_init_stub(),
            "with_options": with_options_stub(self.client_class),
            "raw_with_options": with_options_stub(f"{self.client_class}WithRawResponse"),
            "imported_errors": sorted([*RUNTIME_ERROR_NAMES, *common_errors], key=str.lower),
            "quote": _quote,
            "endpoint_lines": self.endpoint_lines(),
            "base_context": self.base_context(),
            "program": self.package_doc_name.replace("_", "-"),
            "cli_commands": self.cli_commands(operations, paginators),
            "cli_waiters": self.cli_waiters(waiters),
            "enum_lines": self.enum_lines(),
        }
        files = {
            "__init__.py": "package_init.py.j2",
            "shapes.py": "shapes.py.j2",
            "shapes.pyi": "shapes.pyi.j2",
            "errors.py": "errors.py.j2",
            "_client.py": "client.py.j2",
            "_client.pyi": "client.pyi.j2",
            "_shapes/__init__.py": "shapes_package.py.j2",
            "otel.py": "otel.py.j2",
            "_cli.py": "cli.py.j2",
            "_enums.py": "enums.py.j2",
            "wire.py": "wire.py.j2",
            "_version.py": "version.py.j2",
            "__main__.py": "main.py.j2",
        }
        out = {name: self.env.get_template(t).render(ctx) for name, t in files.items()}
        # One runtime module per structure, loaded on first use (see shapes.py.j2).
        module = self.env.get_template("shape_module.py.j2")
        for struct in structs:
            out[f"_shapes/{struct.name}.py"] = module.render({**ctx, "s": struct})
        return out
