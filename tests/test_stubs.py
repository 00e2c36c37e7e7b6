"""The .pyi stubs type checkers read agree with the runtime modules they describe."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import msgspec

from sm_typed import SageMakerClient, shapes
from sm_typed_runtime.client import CALL_OPTIONS, CLIENT_OPTIONS

PKG = Path(__file__).resolve().parent.parent / "src" / "sm_typed"


def stub(name: str) -> ast.Module:
    return ast.parse((PKG / name).read_text())


def test_shapes_stub_matches_the_runtime_structs() -> None:
    tree = stub("shapes.pyi")
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    aliases = [
        n.target.id
        for n in tree.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    ]
    assert len(classes) > 1500 and len(aliases) > 300
    for alias in aliases:
        assert getattr(shapes, alias) is str  # Literal for checkers, str at run time
    for node in classes:
        cls = getattr(shapes, node.name)
        assert [ast.unparse(b).lstrip("_") for b in node.bases] == [
            b.__name__ for b in cls.__bases__
        ], node.name
        declared = [
            (s.target.id, s.value is None)
            for s in node.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
        ]
        runtime = [(f.name, f.required) for f in msgspec.structs.fields(cls)]
        assert declared == runtime, node.name
    exported = next(
        n for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "__all__"
    )
    assert ast.literal_eval(exported.value) == shapes.__all__


def _params(fn: ast.AsyncFunctionDef | ast.FunctionDef) -> list[tuple[str, str | None]]:
    args = fn.args
    defaults = [None] * (len(args.kwonlyargs) - len(args.kw_defaults)) + list(args.kw_defaults)
    return [
        (a.arg, None if d is None else ast.unparse(d))
        for a, d in zip(args.kwonlyargs, defaults, strict=True)
    ]


def _runtime_params(fn: object) -> list[tuple[str, str | None]]:
    sig = inspect.signature(fn)  # type: ignore[arg-type]
    return [
        (p.name, None if p.default is inspect.Parameter.empty else repr(p.default))
        for p in sig.parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]


def test_client_stub_matches_the_runtime_client() -> None:
    tree = stub("_client.pyi")
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SageMakerClient")
    methods = {
        n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    # The constructor is written from the runtime's option table: the same names and defaults.
    assert _params(methods["__init__"]) == [(o.name, o.default_source) for o in CLIENT_OPTIONS]
    public_runtime = {
        name
        for name, value in inspect.getmembers(SageMakerClient)
        if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))
    }
    assert public_runtime == {n for n in methods if not n.startswith("_")}
    # with_options is written from the per-call option table: every name, none other.
    assert _params(methods["with_options"]) == [(o.name, "...") for o in CALL_OPTIONS]
    # The raw-response twin has every operation, each returning RawResponse of its output.
    raw = next(
        n
        for n in tree.body
        if isinstance(n, ast.ClassDef) and n.name == "SageMakerClientWithRawResponse"
    )
    raw_methods = {n.name: n for n in raw.body if isinstance(n, ast.AsyncFunctionDef)}
    plain = {n: m for n, m in methods.items() if isinstance(m, ast.AsyncFunctionDef)}
    # (Waiters and paginators return outputs from either view: they are the plain client's.)
    operations = {n for n in plain if not n.startswith("wait_until_")}
    assert set(raw_methods) == operations - {"__aenter__", "__aexit__"}
    for name, node in raw_methods.items():
        if name == "close":
            continue
        assert _params(node) == _params(plain[name]), name
        returns = plain[name].returns
        assert returns is not None and node.returns is not None
        assert ast.unparse(node.returns) == f"RawResponse[{ast.unparse(returns)}]", name
    for name, node in methods.items():
        if name.startswith("_") or isinstance(node, ast.FunctionDef):
            continue
        assert _params(node) == _runtime_params(getattr(SageMakerClient, name)), name


def test_stubs_do_not_pull_in_the_runtime_http_stack() -> None:
    for name in ("shapes.pyi", "_client.pyi"):
        imported = {
            node.module or "" for node in ast.walk(stub(name)) if isinstance(node, ast.ImportFrom)
        } | {
            alias.name
            for node in ast.walk(stub(name))
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not {m for m in imported if m.startswith(("httpx", "aiohttp", "botocore"))}
        # Only the runtime's light public modules: type checkers would read the rest too.
        assert {m for m in imported if m.startswith("sm_typed_runtime")} <= {
            "sm_typed_runtime.types",
            "sm_typed_runtime.shapes",
            "sm_typed_runtime.interceptors",
            "sm_typed_runtime.responses",
            "sm_typed_runtime.paginators",
        }
