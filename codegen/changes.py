"""The API-change report: what a regeneration does to the code of the package's users.

Each change names the public Python name it touches (``SageMakerClient.create_model(
enable_network_isolation=)``, ``shapes.ContainerDefinition.mode``, the ``Literal`` alias
``shapes.ContainerMode`` value ``"MultiModel"``, ``errors.ResourceLimitExceeded``, a
paginator or waiter method) beside its wire name, with a severity:

- breaking: code that type-checked may no longer (something removed, a member added or made
  required in an input, a type changed, an input enum value removed, a Python name changed);
- risky: it still type-checks in most code but may behave differently or need a ``None``
  check (an output member no longer required, an output enum value removed, a waiter's
  default delay or attempts, a paginator's tokens);
- additive: new operations, members, enum values, errors, paginators, waiters; documentation.

Names come from the renderer, so they are the ones the generated package has.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from .model import Service, Shape
from .render import Renderer

SEVERITIES = ("breaking", "risky", "additive")


@dataclass(frozen=True, order=True)
class Change:
    severity: str
    python: str
    wire: str
    change: str
    kind: str


@dataclass(frozen=True)
class _Member:
    python: str
    annotation: str
    required: bool
    doc: str


def _reachable(service: Service, roots: Iterable[str]) -> set[str]:
    """Every shape reachable from ``roots`` through members, list members and map values."""
    seen: set[str] = set()
    todo = [r for r in roots if r]
    while todo:
        name = todo.pop()
        if name in seen or name not in service.shapes:
            continue
        seen.add(name)
        shape = service.shapes[name]
        todo += [m.target for m in shape.members]
        todo += [t for t in (shape.list_member, shape.map_key, shape.map_value) if t]
    return seen


class _Surface:
    """One model as its generated package's users see it."""

    def __init__(self, service: Service, package: str) -> None:
        self.service = service
        self.renderer = Renderer(service, package_doc_name=package)
        self.client = self.renderer.client_class
        ops = service.operations.values()
        self.inputs = _reachable(service, (op.input or "" for op in ops))
        self.outputs = _reachable(
            service, [*(op.output or "" for op in ops), *(e for op in ops for e in op.errors)]
        )
        self.methods = {op.name: op.method for op in self.renderer.operations()}
        self.top_inputs = {op.input: op.name for op in ops if op.input}

    def members(self, shape: Shape) -> dict[str, _Member]:
        attrs = self.renderer.attrs(shape)
        return {
            m.wire_name: _Member(
                attrs[m.name],
                self.renderer.annotation(m.target),
                m.required and not m.idempotency_token,
                m.documentation,
            )
            for m in shape.members
        }

    def member_name(self, shape: Shape, attr: str) -> str:
        op = self.top_inputs.get(shape.name)
        if op is not None:  # keyword callers never build the input Struct
            return f"{self.client}.{self.methods[op]}({attr}=)"
        return f"shapes.{shape.name}.{attr}"


def compare(before: Service, after: Service, package: str) -> list[Change]:
    """Every change from ``before`` to ``after``, most severe first."""
    old, new = _Surface(before, package), _Surface(after, package)
    changes: list[Change] = []
    changes += _operations(old, new)
    changes += _shapes(old, new)
    changes += _paginators(old, new)
    changes += _waiters(old, new)
    return sorted(set(changes), key=lambda c: (SEVERITIES.index(c.severity), c.python, c.change))


def _operations(old: _Surface, new: _Surface) -> list[Change]:
    out: list[Change] = []
    before, after = old.service.operations, new.service.operations
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        python = f"{new.client}.{new.methods[name]}" if b else f"{old.client}.{old.methods[name]}"
        if b is None:
            out.append(Change("breaking", python, name, "operation removed", "operation"))
        elif a is None:
            out.append(Change("additive", python, name, "operation added", "operation"))
        else:
            if old.methods[name] != new.methods[name]:
                out.append(
                    Change(
                        "breaking",
                        python,
                        name,
                        f"method renamed from {old.methods[name]}",
                        "operation",
                    )
                )
            for what, x, y in (("input", a.input, b.input), ("output", a.output, b.output)):
                if x != y:
                    out.append(
                        Change("breaking", python, name, f"{what} changed: {x} -> {y}", "operation")
                    )
            for code in sorted(set(b.errors) - set(a.errors)):
                out.append(Change("additive", python, name, f"may raise {code}", "operation"))
            if a.documentation != b.documentation:
                out.append(Change("additive", python, name, "documentation", "operation"))
    return out


def _shapes(old: _Surface, new: _Surface) -> list[Change]:
    out: list[Change] = []
    before, after = old.service.shapes, new.service.shapes
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        shape = b or a
        assert shape is not None
        if shape.type == "structure":
            out += _structure(old, new, name, a, b)
        elif shape.enum or (a is not None and a.enum):
            out += _enum(old, new, name, a, b)
    return out


def _structure(
    old: _Surface, new: _Surface, name: str, a: Shape | None, b: Shape | None
) -> list[Change]:
    exception = (b or a).exception  # type: ignore[union-attr]
    python = f"errors.{name}" if exception else f"shapes.{name}"
    kind = "error" if exception else "shape"
    if b is None:
        return [Change("breaking", python, name, f"{kind} removed", kind)]
    if a is None:
        return [Change("additive", python, name, f"{kind} added", kind)]
    out: list[Change] = []
    in_input, in_output = name in new.inputs, name in new.outputs
    ma, mb = old.members(a), new.members(b)
    for wire in list(ma) + [w for w in mb if w not in ma]:
        x, y = ma.get(wire), mb.get(wire)
        where = f"{name}.{wire}"
        if y is None:
            assert x is not None
            out.append(Change("breaking", old.member_name(a, x.python), where, "removed", "member"))
            continue
        python = new.member_name(b, y.python)
        if x is None:
            if y.required and in_input:
                out.append(Change("breaking", python, where, "added as required", "member"))
            else:
                out.append(
                    Change(
                        "additive",
                        python,
                        where,
                        "added (optional)" if not y.required else "added",
                        "member",
                    )
                )
            continue
        if x.python != y.python:
            out.append(
                Change("breaking", python, where, f"Python name changed from {x.python}", "member")
            )
        if x.annotation != y.annotation:
            out.append(
                Change(
                    "breaking",
                    python,
                    where,
                    f"type changed: {x.annotation} -> {y.annotation}",
                    "member",
                )
            )
        if not x.required and y.required and in_input:
            out.append(Change("breaking", python, where, "made required", "member"))
        elif x.required and not y.required and in_output:
            out.append(
                Change(
                    "risky",
                    python,
                    where,
                    "no longer required: reading it needs a None check",
                    "member",
                )
            )
        elif x.required != y.required:
            out.append(
                Change(
                    "additive",
                    python,
                    where,
                    "now required" if y.required else "now optional",
                    "member",
                )
            )
        if x.doc != y.doc:
            out.append(Change("additive", python, where, "documentation", "member"))
    return out


def _enum(
    old: _Surface, new: _Surface, name: str, a: Shape | None, b: Shape | None
) -> list[Change]:
    python = f"shapes.{name}"
    if b is None or not b.enum:
        return [Change("breaking", python, name, "enum removed", "enum")]
    if a is None or not a.enum:
        return [Change("additive", python, name, "enum added", "enum")]
    out: list[Change] = []
    removed_is = "breaking" if name in new.inputs or name not in new.outputs else "risky"
    for value in a.enum:
        if value not in b.enum:
            out.append(
                Change(
                    removed_is, f"{python} value {json.dumps(value)}", name, "value removed", "enum"
                )
            )
    for value in b.enum:
        if value not in a.enum:
            out.append(
                Change(
                    "additive", f"{python} value {json.dumps(value)}", name, "value added", "enum"
                )
            )
    return out


def _paginators(old: _Surface, new: _Surface) -> list[Change]:
    out: list[Change] = []
    before, after = old.service.paginators, new.service.paginators
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        surface = new if b is not None else old
        python = f"{surface.client}.paginate_{surface.methods[name]}"
        if b is None:
            out.append(Change("breaking", python, name, "paginator removed", "paginator"))
        elif a is None:
            out.append(Change("additive", python, name, "paginator added", "paginator"))
        else:
            for field in ("input_token", "output_token", "result_key", "limit_key", "more_results"):
                x, y = getattr(a, field), getattr(b, field)
                if x != y:
                    out.append(
                        Change("risky", python, name, f"{field} changed: {x} -> {y}", "paginator")
                    )
    return out


def _waiters(old: _Surface, new: _Surface) -> list[Change]:
    from . import naming

    out: list[Change] = []
    before, after = old.service.waiters, new.service.waiters
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        surface = new if b is not None else old
        python = f"{surface.client}.wait_until_{naming.snake(name)}"
        if b is None:
            out.append(Change("breaking", python, name, "waiter removed", "waiter"))
        elif a is None:
            out.append(Change("additive", python, name, "waiter added", "waiter"))
        else:
            if a.operation != b.operation:
                out.append(
                    Change(
                        "breaking",
                        python,
                        name,
                        f"polls {b.operation}, not {a.operation}",
                        "waiter",
                    )
                )
            if a.delay != b.delay:
                out.append(
                    Change("risky", python, name, f"delay {a.delay} s -> {b.delay} s", "waiter")
                )
            if a.max_attempts != b.max_attempts:
                out.append(
                    Change(
                        "risky",
                        python,
                        name,
                        f"max attempts {a.max_attempts} -> {b.max_attempts}",
                        "waiter",
                    )
                )
            if a.acceptors != b.acceptors:
                out.append(Change("risky", python, name, "acceptors changed", "waiter"))
    return out


# -- output ------------------------------------------------------------------------------


def worst(changes: list[Change]) -> str | None:
    return min((c.severity for c in changes), key=SEVERITIES.index, default=None)


def fails(changes: list[Change], fail_on: str | None) -> bool:
    """True when a change of ``fail_on``'s severity or worse is present."""
    if fail_on is None:
        return False
    limit = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(c.severity) <= limit for c in changes)


def to_json(changes: list[Change]) -> str:
    return json.dumps([asdict(c) for c in changes], indent=1) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(changes: list[Change], title: str) -> str:
    counts = {s: sum(c.severity == s for c in changes) for s in SEVERITIES}
    lines = [
        f"# API changes: {title}",
        "",
        ", ".join(f"{n} {s}" for s, n in counts.items()) + ".",
    ]
    if not changes:
        lines += ["", "No change to the generated API."]
    for severity in SEVERITIES:
        rows = [c for c in changes if c.severity == severity]
        if not rows:
            continue
        lines += ["", f"## {severity.capitalize()} ({len(rows)})", "", "| Python | Wire | Change |"]
        lines.append("|---|---|---|")
        lines += [f"| `{_cell(c.python)}` | `{_cell(c.wire)}` | {_cell(c.change)} |" for c in rows]
    return "\n".join(lines) + "\n"
