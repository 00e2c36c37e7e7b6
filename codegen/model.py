"""The generator's typed view of a botocore service model (the IR).

The loader builds it; everything downstream reads only these frozen objects, so
templates never dig through botocore's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .endpoints import EndpointEntry

ShapeType = Literal[
    "structure",
    "list",
    "map",
    "string",
    "character",
    "integer",
    "long",
    "float",
    "double",
    "boolean",
    "blob",
    "timestamp",
    "document",
]


@dataclass(frozen=True)
class Member:
    name: str  # the member's key in the model; attribute names derive from it
    wire_name: str  # the JSON key: ``locationName`` when set, else ``name``
    target: str
    required: bool
    documentation: str
    idempotency_token: bool = False
    json_value: bool = False
    deprecated: bool = False
    deprecated_message: str = ""
    timestamp_format: str | None = None
    host_label: bool = False
    context_param: str | None = None  # an endpoint-rules parameter this member sets


@dataclass(frozen=True)
class Shape:
    name: str
    type: ShapeType
    documentation: str = ""
    members: tuple[Member, ...] = ()
    enum: tuple[str, ...] = ()
    list_member: str | None = None
    map_key: str | None = None
    map_value: str | None = None
    union: bool = False
    exception: bool = False
    fault: bool = False
    error_code: str | None = None
    # The ``retryable`` trait of an error shape: retried as throttling or as transient.
    retryable: Literal["throttling", "transient"] | None = None
    sensitive: bool = False
    timestamp_format: str | None = None
    # ``min``: a string's or list's least length, a number's least value (botocore checks it).
    min: int | float | None = None
    document: bool = False
    event_stream: bool = False


@dataclass(frozen=True)
class Operation:
    name: str
    input: str | None
    output: str | None
    errors: tuple[str, ...]
    documentation: str
    deprecated: bool = False
    deprecated_message: str = ""
    host_prefix: str | None = None
    request_compression: tuple[str, ...] = ()
    # ``auth: [smithy.api#noAuth, ...]`` / ``authtype: none``: sent unsigned, as botocore does.
    unsigned: bool = False
    # Endpoint-rules parameters: fixed per operation, and JMESPath paths over the input.
    static_context_params: tuple[tuple[str, object], ...] = ()
    # Endpoint discovery: "endpoint" for the operation that names endpoints (DescribeEndpoints,
    # ``endpointoperation``), "required" for one that must be sent to such an endpoint,
    # "optional" for one that may be (sent there when discovery is turned on).
    discovery: str | None = None
    operation_context_params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Paginator:
    operation: str
    input_token: tuple[str, ...]
    output_token: tuple[str, ...]
    result_key: tuple[str, ...]
    limit_key: str | None = None
    more_results: str | None = None
    non_aggregate_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Waiter:
    name: str
    operation: str
    delay: int
    max_attempts: int
    acceptors: tuple[dict[str, object], ...] = ()


@dataclass(frozen=True)
class Service:
    """One botocore JSON-protocol service model, validated."""

    service_name: str  # botocore's data directory name, e.g. "sagemaker"
    api_version: str
    service_id: str
    full_name: str
    documentation: str
    json_version: str
    target_prefix: str
    signing_name: str
    endpoint_prefix: str
    shapes: dict[str, Shape]
    operations: dict[str, Operation]
    paginators: dict[str, Paginator] = field(default_factory=dict[str, Paginator])
    waiters: dict[str, Waiter] = field(default_factory=dict[str, Waiter])
    botocore_version: str | None = None
    # ``awsQueryCompatible``: a former Query service; requests say so, errors carry its codes.
    query_compatible: bool = False
    model_sha256: tuple[tuple[str, str], ...] = ()  # SOURCE.json's, file name -> sha256
    # Operations left out (they use event streams), reported by the CLI.
    skipped_operations: tuple[str, ...] = ()
    # botocore's endpoint for each known region, when the rule files are pinned beside the model.
    endpoints: tuple[EndpointEntry, ...] = ()
    # Endpoint-rules parameters that every operation sets statically (ACM's ServiceType), with
    # the value most operations give: what the client's own route is resolved with.
    base_context: tuple[tuple[str, object], ...] = ()
