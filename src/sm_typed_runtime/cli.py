"""A command line for a generated client, in the AWS CLI's terms.

    sm-typed [--region R] [--profile P] [--endpoint-url U] <operation> [options]
    sm-typed wait <waiter> [options]

Every call goes through the typed client: the options (and ``--cli-input-json``) are
read into the operation's input Struct with the checks a call makes, every problem
listed by option name before anything is sent; the output is printed as JSON in wire
names with ISO 8601 timestamps. Paginated operations print all pages merged (botocore's
``build_full_result``) unless ``--no-paginate`` or the operation's own token is given.
Exit codes are the AWS CLI v2's: 0, 252 for a command line that cannot be read or a
parameter that cannot be sent, 254 for an error the service returned, 255 otherwise
(130 for Ctrl-C). A generated package binds this to its client with a `CommandTable`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Mapping, Sequence
from typing import IO, Any, TypeVar, cast

import msgspec

from ._cli_args import KIND_FLAG, Option, UsageError, input_document, member_value, options_for
from ._cli_output import get_path, response_view, set_path
from .errors import (
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    ServiceError,
    SmTypedError,
    WaiterError,
)
from .paginators import _path, _value_at  # pyright: ignore[reportPrivateUsage]
from .wire import Step, path_text, problems_of, skeleton, struct_info

__all__ = ["CommandTable", "main", "run"]

N = TypeVar("N", int, float)

EXIT_OK, EXIT_USAGE, EXIT_SERVICE, EXIT_OTHER, EXIT_INTERRUPT = 0, 252, 254, 255, 130

# Options every command takes, with the number of values each reads.
_GLOBALS: dict[str, int] = {
    "--region": 1,
    "--profile": 1,
    "--endpoint-url": 1,
    "--output": 1,
    "--query": 1,
    "--cli-read-timeout": 1,
    "--cli-connect-timeout": 1,
    "--no-paginate": 0,
}
_PAGING = ("--starting-token", "--page-size", "--max-items")
# sm_typed's own (the AWS CLI's ``wait`` takes the model's numbers only).
_WAITING = ("--waiter-delay", "--waiter-max-attempts", "--waiter-max-wait")


class CommandTable(msgspec.Struct, frozen=True):
    """What a generated package tells the command line: its program name, its client
    class, the module of its operation specs, and per command (AWS CLI name) the spec's
    name there, the input Struct's name and the paginator spec's name (or None)."""

    program: str
    client: type[Any]
    specs: str  # the module holding the specs (``sm_typed._client``)
    shapes: str  # the module holding the Structs (``sm_typed.shapes``)
    operations: Mapping[str, tuple[str, str | None, str | None]]
    waiters: Mapping[str, tuple[str, str]]  # name -> (waiter spec, input Struct)
    enums: str | None = None  # module with ENUMS ("Struct.Member" -> values), for skeletons


class _Command(msgspec.Struct):
    name: str
    spec: Any
    input: type[Any] | None
    paginator: Any
    waiter: bool
    options: dict[str, Option]


def main(table: CommandTable) -> int:
    """The console script's entry point: ``run`` over ``sys.argv``."""
    try:
        code = run(sys.argv[1:], table)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``| head``): no traceback, and none at exit either.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


def run(
    argv: Sequence[str],
    table: CommandTable,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    client_options: Mapping[str, Any] | None = None,
) -> int:
    """Run one command line; returns the exit code. ``client_options`` go to the client
    (``http_client=`` in tests, for example) beside those the command line gives."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        return _run(list(argv), table, out, err, dict(client_options or {}))
    except UsageError as exc:
        err.write(f"usage: {table.program} [options] <command> [parameters]\n")
        err.write(f"{table.program}: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        out.write("\n")
        return EXIT_INTERRUPT


def _run(
    argv: list[str], table: CommandTable, out: IO[str], err: IO[str], options: dict[str, Any]
) -> int:
    if not argv or argv[0] in ("help", "--help", "-h"):
        _list_commands(table, out if argv else err)
        return EXIT_OK if argv else EXIT_USAGE
    globals_, command, given = _split(argv, table)
    if given.pop("help", None) is not None:
        _command_help(table, command, out)
        return EXIT_OK
    skeleton_kind = given.pop("--generate-cli-skeleton", None)
    if skeleton_kind is not None and skeleton_kind[:1] in ([], ["input"]):
        cls = command.input
        _print(out, skeleton(cls, enums=_enums(table)) if cls is not None else {})
        return EXIT_OK
    if skeleton_kind is not None and skeleton_kind != ["output"]:
        raise UsageError(
            f"argument --generate-cli-skeleton: invalid choice: {' '.join(skeleton_kind)!r} "
            "(choose from 'input', 'output')"
        )
    paging = {flag: given.pop(flag) for flag in _PAGING if flag in given}
    if paging and command.paginator is None:
        raise UsageError(f"Unknown options: {', '.join(paging)}")
    waiting = {flag: given.pop(flag) for flag in _WAITING if flag in given}
    if waiting and not command.waiter:
        raise UsageError(f"Unknown options: {', '.join(waiting)}")
    paging.update(waiting)
    params = _params(command, given)
    if "--query" in globals_:
        _query(globals_, {})  # a bad expression is a bad command line: before anything is sent
    output = globals_.get("--output", "json")
    if output != "json":
        raise UsageError(f"argument --output: only json is supported, not {output!r}")
    try:
        request = _input(command, params)
    except ParamValidationError as exc:
        err.write(f"\n{exc}\n")
        return EXIT_USAGE
    if skeleton_kind is not None:  # "output": checks the input, then prints the shape
        out_cls = _output_class(table, command)
        result: Any = skeleton(out_cls, member_names=True) if out_cls is not None else {}
        _print(out, _query(globals_, result))
        return EXIT_OK
    for key, value in _client_options(globals_).items():
        options.setdefault(key, value)
    try:
        result = asyncio.run(_call(table, command, request, params, paging, globals_, options))
    except ParamValidationError as exc:
        err.write(f"\n{exc}\n")
        return EXIT_USAGE
    except ServiceError as exc:
        err.write(
            f"\nAn error occurred ({exc.code}) when calling the {exc.operation} operation: "
            f"{exc.message}\n"
        )
        return EXIT_SERVICE
    except NoRegionError as exc:
        err.write(f"\n{exc} Pass --region, or set AWS_REGION or a profile's region.\n")
        return EXIT_OTHER
    except NoCredentialsError as exc:
        err.write(f"\n{exc}\n")
        return EXIT_OTHER
    except WaiterError as exc:
        err.write(f"\n{exc}\n")
        return EXIT_OTHER
    except SmTypedError as exc:
        err.write(f"\n{exc}\n")
        return EXIT_OTHER
    if command.waiter:
        return EXIT_OK  # as the AWS CLI's ``wait``: silence is success
    result = _query(globals_, result)
    if result != {}:
        _print(out, result)
    return EXIT_OK


def _split(
    argv: list[str], table: CommandTable
) -> tuple[dict[str, Any], _Command, dict[str, list[str]]]:
    """Global options, the command, and its options (flag -> values as given).

    Global options may come anywhere, except that after the command an option of the
    command's own (an input member that a service named ``Query``) is the command's."""
    globals_: dict[str, Any] = {}
    positional: list[str] = []
    rest: list[str] = []
    command: _Command | None = None
    i = 0
    while i < len(argv):
        token = argv[i]
        name, eq, inline = token.partition("=")
        if name in _GLOBALS and (command is None or name not in command.options):
            arity = _GLOBALS[name]
            if arity == 0:
                globals_[name] = True
            elif eq:
                globals_[name] = inline
            elif i + 1 < len(argv):
                globals_[name] = argv[i + 1]
                i += 1
            else:
                raise UsageError(f"argument {name}: expected one argument")
        elif command is None and not token.startswith("-"):
            positional.append(token)
            if len(positional) == (2 if positional[0] == "wait" else 1):
                command = _command(table, positional)
        elif command is None and positional:
            command = _command(table, positional)  # "wait" alone: says which waiters exist
        else:
            rest.append(token)
        i += 1
    if command is None:
        if not positional:
            raise UsageError("the following arguments are required: command")
        command = _command(table, positional)
    return globals_, command, _command_options(command, rest)


def _command(table: CommandTable, positional: list[str]) -> _Command:
    specs = importlib.import_module(table.specs)
    shapes = importlib.import_module(table.shapes)
    if positional[0] == "wait":
        if len(positional) < 2:
            raise UsageError(f"wait needs a waiter: {', '.join(table.waiters)}")
        entry = table.waiters.get(positional[1])
        if entry is None:
            raise UsageError(
                f"argument waiter: invalid choice: {positional[1]!r}{_near(positional[1], table.waiters)}"
            )
        waiter_spec, waiter_input = entry
        polled = getattr(shapes, waiter_input)
        return _Command(
            positional[1],
            getattr(specs, waiter_spec),
            polled,
            None,
            True,
            options_for(struct_info(polled)),
        )
    found = table.operations.get(positional[0])
    if found is None:
        raise UsageError(
            f"argument command: invalid choice: {positional[0]!r}"
            f"{_near(positional[0], table.operations)}"
        )
    spec_name, input_name, paginator = found
    cls = getattr(shapes, input_name) if input_name is not None else None
    return _Command(
        positional[0],
        getattr(specs, spec_name),
        cls,
        getattr(specs, paginator) if paginator else None,
        False,
        options_for(struct_info(cls) if cls is not None else None),
    )


def _near(given: str, names: Mapping[str, Any]) -> str:
    import difflib

    close = difflib.get_close_matches(given, list(names), n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _command_options(command: _Command, tokens: list[str]) -> dict[str, list[str]]:
    """Flag -> the values that followed it; booleans as ``["true"]``/``["false"]``."""
    known = command.options
    given: dict[str, list[str]] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "help":
            given["help"] = []
            i += 1
            continue
        if not token.startswith("--"):
            raise UsageError(f"Unknown options: {token}")
        flag, eq, inline = token.partition("=")
        values: list[str] = [inline] if eq else []
        i += 1
        option = known.get(flag)
        negated = flag.startswith("--no-") and known.get("--" + flag[5:])
        if (option is not None and option.kind == KIND_FLAG) or negated:
            given[(negated or cast(Option, option)).flag] = [
                "false" if negated else (inline or "true")
            ]
            continue
        if flag == "--generate-cli-skeleton":
            if not eq and i < len(tokens) and not tokens[i].startswith("--"):
                values.append(tokens[i])
                i += 1
            given[flag] = values
            continue
        if option is None and flag not in ("--cli-input-json", *_PAGING, *_WAITING):
            raise UsageError(f"Unknown options: {flag}")
        many = option is not None and option.kind == "list"
        while not eq and i < len(tokens) and not tokens[i].startswith("--"):
            values.append(tokens[i])
            i += 1
            if not many:
                break
        if not values:
            raise UsageError(
                f"argument {flag}: expected {'one or more' if many else 'one'} argument"
            )
        given[flag] = values
    return given


def _params(command: _Command, given: dict[str, list[str]]) -> dict[str, Any]:
    """The wire parameters: ``--cli-input-json``'s members, replaced by the options."""
    doc = given.pop("--cli-input-json", None)
    params: dict[str, Any] = input_document(doc[0]) if doc else {}
    for flag, values in given.items():
        option = command.options[flag]
        if option.kind == KIND_FLAG:
            if values[0] not in ("true", "false"):
                raise UsageError(f"argument {flag}: expected true or false, got {values[0]!r}")
            params[option.wire] = values[0] == "true"
        else:
            params[option.wire] = member_value(option, values)
    return params


def _problems_by_flag(command: _Command, problems: list[tuple[tuple[Step, ...], str]]) -> list[str]:
    flags = {o.wire: o.flag for o in command.options.values()}
    lines: list[str] = []
    for path, message in problems:
        if path and isinstance(path[0], str) and path[0] in flags:
            where = path_text((flags[path[0]], *path[1:]))
        else:
            where = path_text(path) or "input"
        lines.append(f"{where}: {message}")
    return lines


def _input(command: _Command, params: dict[str, Any]) -> Any:
    if command.input is None:
        if params:
            raise UsageError(f"Unknown options: {', '.join(params)}")
        return None
    value, problems = problems_of(command.input, params)
    if problems:
        raise ParamValidationError(command.spec.name, _problems_by_flag(command, problems))
    return value


def _output_class(table: CommandTable, command: _Command) -> type[Any] | None:
    name = command.spec.output
    return getattr(importlib.import_module(table.shapes), name) if name else None


def _client_options(globals_: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for flag, key in (
        ("--region", "region"),
        ("--profile", "profile"),
        ("--endpoint-url", "endpoint_url"),
    ):
        if flag in globals_:
            options[key] = globals_[flag]
    for flag, key in (
        ("--cli-read-timeout", "read_timeout"),
        ("--cli-connect-timeout", "connect_timeout"),
    ):
        if flag in globals_:
            try:
                seconds = float(globals_[flag])
            except ValueError:
                raise UsageError(
                    f"argument {flag}: expected seconds, got {globals_[flag]!r}"
                ) from None
            # The AWS CLI's 0 means "no timeout".
            options[key] = seconds if seconds > 0 else None
    return options


async def _call(
    table: CommandTable,
    command: _Command,
    request: Any,
    params: dict[str, Any],
    paging: dict[str, list[str]],
    globals_: dict[str, Any],
    options: dict[str, Any],
) -> Any:
    async with table.client(**options) as client:
        if command.waiter:
            from .waiters import wait

            await wait(
                client._calls(raw=True),  # pyright: ignore[reportPrivateUsage]
                command.spec,
                request,
                delay=_paging_number(paging, "--waiter-delay", float),
                max_attempts=_paging_number(paging, "--waiter-max-attempts", int),
                max_wait=_paging_number(paging, "--waiter-max-wait", float),
            )
            return None
        pager = command.paginator
        own_tokens = pager is not None and (
            any(t in params for t in pager.input_token) or pager.limit_key in params
        )
        out_cls = _output_class(table, command)
        if pager is None or own_tokens or globals_.get("--no-paginate"):
            if paging:
                raise UsageError(f"{', '.join(paging)} need pagination, which is off here")
            raw = await client._calls(raw=True)(command.spec, request)  # pyright: ignore[reportPrivateUsage]
            return response_view(raw.content, out_cls)
        return await _all_pages(client, pager, request, paging, out_cls)


def _paging_number(paging: dict[str, list[str]], flag: str, kind: type[N]) -> N | None:
    if flag not in paging:
        return None
    text = paging[flag][0]
    try:
        return kind(text)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise UsageError(f"argument {flag}: expected {what}, got {text!r}") from None


async def _all_pages(
    client: Any,
    pager: Any,
    request: Any,
    paging: dict[str, list[str]],
    out_cls: type[Any] | None,
) -> dict[str, Any]:
    """Every page merged as botocore's ``build_full_result``: the result keys' lists
    joined, the non-aggregate keys of the first page, ``NextToken`` when ``--max-items``
    stopped early. Each page is printed as it came (see `response_view`); the paginator
    reads its tokens from the typed page."""
    from .paginators import Paginator

    raw_invoke = client._calls(raw=True)
    bodies: list[bytes] = []

    async def invoke(op: Any, params: Any) -> Any:
        raw = await raw_invoke(op, params)
        bodies.append(raw.content)
        return raw.parsed

    start = paging.get("--starting-token")
    paginator: Paginator[Any, Any] = Paginator(
        invoke,
        pager,
        request,
        page_size=_paging_number(paging, "--page-size", int),
        max_items=_paging_number(paging, "--max-items", int),
        starting_token=start[0] if start else None,
    )
    skip = paginator._skip  # pyright: ignore[reportPrivateUsage]  # a resumed page's seen part
    merged: dict[str, Any] = {}
    first = True
    async for page in paginator:
        wire = response_view(bodies[-1], out_cls)
        for n, key in enumerate(pager.result_key):
            value = get_path(wire, key)
            if isinstance(value, list):
                items: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
                if n == 0:  # the paginator's own count: a --max-items stop, a resumed page
                    typed = _value_at(page, _path(key))
                    kept = len(typed) if isinstance(typed, list) else len(items)  # pyright: ignore[reportUnknownArgumentType]
                    items = items[skip : skip + kept]
                set_path(merged, key, [*(get_path(merged, key) or []), *items])
            elif first and value is not None:
                set_path(merged, key, value)
        if first:
            for key in pager.non_aggregate_keys:
                value = get_path(wire, key)
                if value is not None:
                    set_path(merged, key, value)
        first, skip = False, 0
    if paginator.resume_token is not None:
        merged["NextToken"] = paginator.resume_token
    return merged


def _query(globals_: dict[str, Any], result: Any) -> Any:
    expression = globals_.get("--query")
    if expression is None:
        return result
    from ._jmespath import search

    try:
        return search(expression, result)
    except ValueError as exc:  # jmespath's errors (JMESPathError) are ValueErrors
        raise UsageError(f"argument --query: {exc}") from None


def _print(out: IO[str], value: Any) -> None:
    out.write(json.dumps(value, indent=4, ensure_ascii=False))
    out.write("\n")


def _enums(table: CommandTable) -> Mapping[str, tuple[str, ...]]:
    if table.enums is None:
        return {}
    enums: Mapping[str, tuple[str, ...]] = importlib.import_module(table.enums).ENUMS
    return enums


def _list_commands(table: CommandTable, out: IO[str]) -> None:
    out.write(f"usage: {table.program} [options] <command> [parameters]\n\ncommands:\n")
    for name in table.operations:
        out.write(f"  {name}\n")
    out.write(f"\n{table.program} wait <waiter> [parameters], waiters:\n")
    for name in table.waiters:
        out.write(f"  {name}\n")
    out.write(
        "\noptions: --region, --profile, --endpoint-url, --output json, --query, "
        "--no-paginate, --cli-read-timeout, --cli-connect-timeout\n"
    )


def _command_help(table: CommandTable, command: _Command, out: IO[str]) -> None:
    prefix = "wait " if command.waiter else ""
    out.write(f"{table.program} {prefix}{command.name} ({command.spec.name})\n\n")
    for option in command.options.values():
        flag = (
            f"{option.flag} | --no-{option.flag[2:]}" if option.kind == KIND_FLAG else option.flag
        )
        item = f" of {option.item}" if option.item else ""
        out.write(
            f"  {flag} ({option.type_name}{item}){' [required]' if option.required else ''}\n"
        )
    out.write(
        "  --cli-input-json <JSON or file://path>\n  --generate-cli-skeleton [input|output]\n"
    )
    if command.paginator is not None:
        out.write("  --starting-token, --page-size, --max-items (with --no-paginate: one page)\n")
    if command.waiter:
        out.write(
            "  --waiter-delay, --waiter-max-attempts, --waiter-max-wait (the model's by default)\n"
        )
