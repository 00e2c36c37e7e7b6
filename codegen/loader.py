"""Load botocore JSON model files into the IR (`codegen.model`)."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, cast, get_args

from .endpoints import PARTITIONS_FILE, RULES_FILE, endpoint_table
from .errors import CodegenError
from .model import Member, Operation, Paginator, Service, Shape, ShapeType, Waiter
from .overrides import OPTIONAL_MEMBERS
from .waiter_checks import check_expected_values, own_waiters

SOURCE_FILE = "SOURCE.json"
_SHAPE_TYPES = frozenset(get_args(ShapeType))

JsonObj = dict[str, Any]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_json(path: Path) -> JsonObj:
    try:
        raw = path.read_bytes()
        data = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
    except (OSError, ValueError) as exc:
        raise CodegenError(f"{path}: cannot read model file: {exc}") from exc
    if not isinstance(data, dict):
        raise CodegenError(f"{path}: expected a JSON object at the top level")
    return cast(JsonObj, data)


def _verify_checksums(model_dir: Path) -> str | None:
    """Check SOURCE.json's checksums; return the botocore version it names."""
    source = model_dir / SOURCE_FILE
    if not source.exists():
        return None
    meta = _read_json(source)
    for name, expected in cast(dict[str, str], meta.get("sha256", {})).items():
        actual = file_sha256(model_dir / name)
        if actual != expected:
            raise CodegenError(
                f"{model_dir / name}: checksum differs from {SOURCE_FILE}; "
                "model files are refreshed with `python -m codegen --from-botocore`, "
                "not edited by hand"
            )
    version = meta.get("botocore_version")
    return str(version) if version is not None else None


def _checksums(model_dir: Path) -> tuple[tuple[str, str], ...]:
    source = model_dir / SOURCE_FILE
    if not source.exists():
        return ()
    sums = cast(dict[str, str], _read_json(source).get("sha256", {}))
    return tuple(sorted(sums.items()))


def _botocore_data() -> Path:
    import botocore

    return Path(botocore.__file__).parent / "data"


def infer_service_name(model_path: Path, raw: JsonObj, data: Path | None = None) -> str:
    """botocore's name for the service of ``model_path``: from botocore's layout
    (``<service>/<version>/service-2.json``) or from the model's metadata when botocore has a
    service of that name with the same ``uid``; otherwise a `CodegenError`, never a guess.

    The name picks the endpoint rules and retry defaults; a wrong one fails at run time."""
    meta = cast(JsonObj, raw.get("metadata", {}))
    api_version = str(meta.get("apiVersion", ""))
    model_dir = model_path.parent
    botocore_data = data if data is not None else _botocore_data()

    def _botocore_has(name: str, api_version: str) -> bool:
        return bool(name) and (botocore_data / name / api_version).is_dir()

    pinned = (model_dir / SOURCE_FILE).exists()  # written by --from-botocore in botocore's layout
    if model_dir.name == api_version and (
        pinned or _botocore_has(model_dir.parent.name, api_version)
    ):
        return model_dir.parent.name
    for candidate in dict.fromkeys(str(meta.get(k, "")) for k in ("endpointPrefix", "signingName")):
        if not _botocore_has(candidate, api_version):
            continue
        theirs = botocore_data / candidate / api_version / "service-2.json.gz"
        if not theirs.exists():
            theirs = theirs.with_suffix("")
        if theirs.exists() and _read_json(theirs).get("metadata", {}).get("uid") == meta.get("uid"):
            return candidate
    raise CodegenError(
        f"{model_path}: cannot tell botocore's name for this service (its folder is not "
        f"botocore's <service>/<version> layout, and no botocore service named after its "
        f"endpointPrefix or signingName has the same uid); pass --service-name"
    )


def model_file(path: Path) -> Path:
    """A ``service-2.json`` path, or a directory holding one (directly or in its one
    version folder, as ``service-models/<service>/``)."""
    if path.is_file():
        return path
    for candidate in (path / "service-2.json", path / "service-2.json.gz"):
        if candidate.is_file():
            return candidate
    inner = (
        [*path.glob("*/service-2.json"), *path.glob("*/service-2.json.gz")] if path.is_dir() else []
    )
    if len(inner) == 1:
        return inner[0]
    raise CodegenError(f"{path}: not a service-2.json, nor a directory holding one")


def load_service(model_path: Path, service_name: str | None = None) -> Service:
    """Load ``service-2.json`` (and paginators/waiters beside it)."""
    model_dir = model_path.parent
    raw = _read_json(model_path)
    name = service_name or infer_service_name(model_path, raw)
    botocore_version = _verify_checksums(model_dir)
    paginators: JsonObj = {}
    waiters: JsonObj = {}
    # botocore ships service-2.json.gz beside plain paginators/waiters files.
    if (model_dir / "paginators-1.json").exists():
        paginators = _read_json(model_dir / "paginators-1.json").get("pagination", {})
    if (model_dir / "waiters-2.json").exists():
        waiters = _read_json(model_dir / "waiters-2.json").get("waiters", {})
    ours = own_waiters(name)
    clash = sorted(set(ours) & set(waiters))
    if clash:
        raise CodegenError(f"codegen/waiters/{name}.json redefines the model's {clash[0]}")
    waiters = {**waiters, **ours}
    service = service_from_dict(raw, name, paginators=paginators, waiters=waiters)
    check_expected_values(service)
    if botocore_version is not None:
        service = replace(
            service, botocore_version=botocore_version, model_sha256=_checksums(model_dir)
        )
    # Only files pinned beside the model: a table is as exact as the files it came from.
    rules, partitions = model_dir / RULES_FILE, model_dir / PARTITIONS_FILE
    if rules.exists() and partitions.exists():
        table = endpoint_table(
            _read_json(rules), _read_json(partitions), service.signing_name, service.base_context
        )
        service = replace(service, endpoints=table)
    return service


def service_from_dict(
    raw: JsonObj,
    service_name: str,
    *,
    paginators: JsonObj | None = None,
    waiters: JsonObj | None = None,
) -> Service:
    """Build the IR from a parsed botocore model; raise CodegenError when unsupported."""
    meta = cast(JsonObj, raw.get("metadata", {}))
    protocols = meta.get("protocols") or [meta.get("protocol")]
    if "json" not in protocols:
        raise CodegenError(
            f"{service_name}: only the AWS JSON protocol is supported, model uses {protocols}"
        )
    json_version = str(meta.get("jsonVersion", "1.0"))
    if json_version not in ("1.0", "1.1"):
        raise CodegenError(f"{service_name}: unsupported jsonVersion {json_version!r}")
    target_prefix = meta.get("targetPrefix")
    if not target_prefix:
        raise CodegenError(f"{service_name}: JSON-protocol model has no targetPrefix")
    raw_shapes = cast(dict[str, JsonObj], raw.get("shapes", {}))
    shapes = {n: _shape(service_name, n, s) for n, s in raw_shapes.items()}
    _apply_overrides(service_name, shapes)
    operations = {
        n: _operation(n, o) for n, o in cast(dict[str, JsonObj], raw.get("operations", {})).items()
    }
    _check_references(shapes, operations)
    skipped = _drop_event_streams(shapes, operations)
    service_id = str(meta.get("serviceId") or meta.get("serviceAbbreviation") or target_prefix)
    return Service(
        service_name=service_name,
        api_version=str(meta.get("apiVersion", "")),
        service_id=service_id,
        full_name=str(meta.get("serviceFullName", service_id)),
        documentation=str(raw.get("documentation", "")),
        json_version=json_version,
        target_prefix=str(target_prefix),
        signing_name=str(meta.get("signingName") or meta.get("endpointPrefix") or service_name),
        endpoint_prefix=str(meta.get("endpointPrefix") or service_name),
        query_compatible="awsQueryCompatible" in meta,
        shapes=shapes,
        operations=operations,
        paginators={n: _paginator(n, p) for n, p in (paginators or {}).items() if n in operations},
        waiters={
            n: _waiter(n, w) for n, w in (waiters or {}).items() if w.get("operation") in operations
        },
        skipped_operations=skipped,
        base_context=base_context(operations),
    )


def base_context(operations: dict[str, Operation]) -> tuple[tuple[str, object], ...]:
    """The static endpoint parameters every operation sets, each with its most common value
    (ties: the first in JSON order). A rule set may require such a parameter (ACM's
    ServiceType, with no default): without it the client's own route, resolved before any
    operation is known, would be an error, though no call is ever sent without it."""
    if not operations:
        return ()
    per_op = [dict(op.static_context_params) for op in operations.values()]
    shared = set(per_op[0]).intersection(*per_op[1:])
    found: list[tuple[str, object]] = []
    for name in sorted(shared):
        counts: dict[str, int] = {}
        for params in per_op:
            key = json.dumps(params[name], sort_keys=True)
            counts[key] = counts.get(key, 0) + 1
        best = min(counts, key=lambda k: (-counts[k], k))
        found.append((name, json.loads(best)))
    return tuple(found)


def _shape(service: str, name: str, s: JsonObj) -> Shape:
    kind = s.get("type")
    if s.get("document"):
        # botocore marks documents as structures with a ``document`` flag: any JSON value.
        return Shape(
            name=name, type="document", documentation=str(s.get("documentation", "")), document=True
        )
    if kind not in _SHAPE_TYPES:
        raise CodegenError(f"{service}: shape {name} has unsupported type {kind!r}")
    required = set(cast(list[str], s.get("required", [])))
    members = tuple(
        Member(
            name=wire,
            wire_name=str(m.get("locationName", wire)),
            target=str(m["shape"]),
            required=wire in required,
            documentation=str(m.get("documentation", "")),
            idempotency_token=bool(m.get("idempotencyToken")),
            json_value=bool(m.get("jsonvalue")),
            deprecated=bool(m.get("deprecated")),
            deprecated_message=str(m.get("deprecatedMessage", "")),
            timestamp_format=m.get("timestampFormat"),
            host_label=bool(m.get("hostLabel")),
            context_param=cast(JsonObj, m["contextParam"]).get("name")
            if isinstance(m.get("contextParam"), dict)
            else None,
        )
        for wire, m in cast(dict[str, JsonObj], s.get("members", {})).items()
    )
    unknown_required = required - {m.name for m in members}
    if unknown_required:
        raise CodegenError(f"{service}: {name} requires unknown members {sorted(unknown_required)}")
    error = cast(JsonObj, s.get("error", {}))
    retryable = s.get("retryable")
    return Shape(
        name=name,
        type=cast(ShapeType, kind),
        documentation=str(s.get("documentation", "")),
        members=members,
        enum=tuple(str(v) for v in s.get("enum", ())),
        list_member=cast(JsonObj, s["member"])["shape"] if kind == "list" else None,
        map_key=cast(JsonObj, s["key"])["shape"] if kind == "map" else None,
        map_value=cast(JsonObj, s["value"])["shape"] if kind == "map" else None,
        union=bool(s.get("union")),
        exception=bool(s.get("exception")),
        fault=bool(s.get("fault")),
        error_code=str(error["code"]) if "code" in error else None,
        retryable=(
            None
            if not isinstance(retryable, dict)
            else ("throttling" if cast(JsonObj, retryable).get("throttling") else "transient")
        ),
        sensitive=bool(s.get("sensitive")),
        timestamp_format=s.get("timestampFormat"),
        min=_minimum(s.get("min")),
        document=bool(s.get("document")),
        event_stream=bool(s.get("eventstream") or s.get("event")),
    )


def _minimum(value: object) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _apply_overrides(service: str, shapes: dict[str, Shape]) -> None:
    from dataclasses import replace

    for (svc, shape_name, member_name), _why in OPTIONAL_MEMBERS.items():
        if svc != service:
            continue
        shape = shapes.get(shape_name)
        member = next((m for m in shape.members if m.name == member_name), None) if shape else None
        if shape is None or member is None:
            raise CodegenError(f"override {shape_name}.{member_name} no longer matches the model")
        # Already optional (botocore fixed the model) is fine: the entry guards
        # against the model regressing.
        shapes[shape_name] = replace(
            shape,
            members=tuple(replace(m, required=False) if m is member else m for m in shape.members),
        )


def _operation(name: str, o: JsonObj) -> Operation:
    endpoint = cast(JsonObj, o.get("endpoint", {}))
    return Operation(
        name=name,
        input=cast(JsonObj, o["input"])["shape"] if "input" in o else None,
        output=cast(JsonObj, o["output"])["shape"] if "output" in o else None,
        errors=tuple(str(e["shape"]) for e in cast(list[JsonObj], o.get("errors", []))),
        documentation=str(o.get("documentation", "")),
        deprecated=bool(o.get("deprecated")),
        deprecated_message=str(o.get("deprecatedMessage", "")),
        host_prefix=endpoint.get("hostPrefix"),
        unsigned=_unsigned(o),
        request_compression=tuple(
            str(e) for e in cast(JsonObj, o.get("requestcompression", {})).get("encodings", ())
        ),
        static_context_params=tuple(
            (str(k), cast(JsonObj, v).get("value"))
            for k, v in cast(JsonObj, o.get("staticContextParams", {})).items()
        ),
        operation_context_params=tuple(
            (str(k), str(cast(JsonObj, v)["path"]))
            for k, v in cast(JsonObj, o.get("operationContextParams", {})).items()
        ),
        discovery=_discovery(o),
    )


def _discovery(o: JsonObj) -> str | None:
    """ "required" or "optional" as the model marks the operation (the client's
    ``endpoint_discovery_enabled`` decides which ones discover)."""
    if o.get("endpointoperation"):
        return "endpoint"
    marked = o.get("endpointdiscovery")
    if marked is None:
        return None
    return "required" if cast(JsonObj, marked).get("required") else "optional"


def _unsigned(o: JsonObj) -> bool:
    """botocore's `resolve_auth_type`: the first scheme of ``auth`` it can use decides (here
    SigV4 or none; others, such as SigV4a without CRT, are passed over); without ``auth``,
    the older ``authtype``."""
    auth = o.get("auth")
    if isinstance(auth, list):
        for scheme in cast(list[object], auth):
            if scheme == "smithy.api#noAuth":
                return True
            if scheme == "aws.auth#sigv4":
                return False
        return False
    return o.get("authtype") == "none"


def _check_references(shapes: dict[str, Shape], operations: dict[str, Operation]) -> None:
    def need(ref: str | None, where: str) -> None:
        if ref is not None and ref not in shapes:
            raise CodegenError(f"{where} refers to unknown shape {ref!r}")

    for s in shapes.values():
        for m in s.members:
            need(m.target, f"{s.name}.{m.wire_name}")
        need(s.list_member, f"{s.name} (list member)")
        need(s.map_key, f"{s.name} (map key)")
        need(s.map_value, f"{s.name} (map value)")
        if s.type == "map" and s.map_key and shapes[s.map_key].type != "string":
            raise CodegenError(f"{s.name}: JSON maps need string keys")
    for o in operations.values():
        need(o.input, f"operation {o.name} input")
        need(o.output, f"operation {o.name} output")
        for e in o.errors:
            need(e, f"operation {o.name} errors")
        for ref in (o.input, o.output):
            if ref is not None and shapes[ref].type != "structure":
                raise CodegenError(f"operation {o.name}: {ref} is not a structure")


def _drop_event_streams(
    shapes: dict[str, Shape], operations: dict[str, Operation]
) -> tuple[str, ...]:
    """Remove event-stream shapes, what contains them, and the operations using them.

    Event streams need a binary framing protocol this client does not speak; the
    rest of such a model is still generated.
    """
    dropped = {n for n, s in shapes.items() if s.event_stream}
    changed = True
    while changed:
        changed = False
        for name, shape in shapes.items():
            if name in dropped:
                continue
            refs = {m.target for m in shape.members} | {
                r for r in (shape.list_member, shape.map_key, shape.map_value) if r
            }
            if refs & dropped:
                dropped.add(name)
                changed = True
    skipped = sorted(n for n, o in operations.items() if {o.input, o.output} & dropped)
    for name in dropped:
        del shapes[name]
    for name in skipped:
        del operations[name]
    for name, op in list(operations.items()):
        if set(op.errors) & dropped:
            from dataclasses import replace

            operations[name] = replace(op, errors=tuple(e for e in op.errors if e not in dropped))
    return tuple(skipped)


def _keys(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in cast(list[object], value))
    return (str(value),)


def _paginator(name: str, p: JsonObj) -> Paginator:
    return Paginator(
        operation=name,
        input_token=_keys(p.get("input_token")),
        output_token=_keys(p.get("output_token")),
        result_key=_keys(p.get("result_key")),
        limit_key=p.get("limit_key"),
        more_results=p.get("more_results"),
        non_aggregate_keys=_keys(p.get("non_aggregate_keys")),
    )


def _waiter(name: str, w: JsonObj) -> Waiter:
    return Waiter(
        name=name,
        operation=str(w["operation"]),
        delay=int(w.get("delay", 15)),
        max_attempts=int(w.get("maxAttempts", 40)),
        acceptors=tuple(cast(list[dict[str, object]], w.get("acceptors", []))),
    )
