"""What generated code tells the runtime about a service and each of its operations."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import msgspec

from ._decode import BodyDecoder
from ._endpoints import EndpointTable
from ._retry import ServiceRetryDefaults, service_defaults
from .errors import ServiceError

InT = TypeVar("InT", bound=msgspec.Struct | None)
OutT = TypeVar("OutT")


class ServiceSpec:
    """What the runtime needs to know about one service; generated per service.

    A plain slotted class, not a dataclass: building a dataclass costs ~0.3 ms of
    import time each, and this is built once per service at import.
    """

    __slots__ = (
        "api_version",
        "base_context",
        "content_type",
        "endpoint_operation",
        "endpoints",
        "errors",
        "json_version",
        "query_compatible",
        "retry_defaults",
        "service_id",
        "service_name",
        "shapes_module",
        "signing_name",
        "target_prefix",
    )

    def __init__(
        self,
        *,
        service_name: str,
        service_id: str,
        api_version: str,
        target_prefix: str,
        json_version: str,
        signing_name: str,
        errors: Mapping[str, type[ServiceError]],
        shapes_module: str,
        endpoints: EndpointTable | None = None,
        query_compatible: bool = False,
        base_context: tuple[tuple[str, Any], ...] = (),
    ) -> None:
        self.service_name = service_name  # botocore's data directory name, for the endpoint rules
        self.service_id = service_id
        self.api_version = api_version
        self.target_prefix = target_prefix
        self.json_version = json_version
        self.signing_name = signing_name
        self.errors = errors
        self.shapes_module = shapes_module  # where the generated Structs are, looked up by name
        self.content_type = f"application/x-amz-json-{json_version}"  # every request sends it
        # ``awsQueryCompatible`` (SQS): requests carry ``x-amzn-query-mode: true``, as botocore's.
        self.query_compatible = query_compatible
        # botocore's rules worked out per known region by the generator (see _endpoints).
        self.endpoints: EndpointTable = endpoints or {}
        # The rule parameters every operation sets statically (ACM's ServiceType), with the
        # value most give: the client's own route is resolved with them (and the table was).
        # Sorted, lists as tuples: equal to `endpoint_context` of an operation giving the same.
        self.base_context: tuple[tuple[str, Any], ...] = tuple(
            sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in base_context)  # pyright: ignore[reportUnknownArgumentType]
        )
        # The operation naming the endpoints that discovery="required" operations are sent to
        # (DescribeEndpoints), and its input's Struct name: set by the generated module once
        # its operations exist.
        self.endpoint_operation: tuple[OperationSpec[Any, Any], str | None] | None = None
        # botocore's per-service retry numbers (max attempts, base delay, long polling).
        self.retry_defaults: ServiceRetryDefaults = service_defaults(service_id)

    def __repr__(self) -> str:
        return f"ServiceSpec({self.service_id!r}, {self.api_version!r})"

    def shape(self, name: str) -> type[Any]:
        cls: type[Any] = getattr(importlib.import_module(self.shapes_module), name)
        return cls


class OperationSpec(Generic[InT, OutT]):
    """One operation: its name, target header, modelled errors and output decoder."""

    __slots__ = (
        "_decoder",
        "compress",
        "decode_strict",
        "discover",
        "discovery_required",
        "endpoint_params",
        "errors",
        "host_labels",
        "host_prefix",
        "idempotency_tokens",
        "name",
        "names_endpoints",
        "output",
        "service",
        "signed",
        "target",
    )

    def __init__(
        self,
        service: ServiceSpec,
        name: str,
        output: str | None,
        *,
        errors: tuple[str, ...] = (),
        idempotency_tokens: tuple[str, ...] = (),
        host_prefix: str | None = None,
        host_labels: tuple[str, ...] = (),
        compress: bool = False,
        signed: bool = True,
        endpoint_params: tuple[tuple[str, str, Any], ...] = (),
        discovery: str | None = None,
    ) -> None:
        self.name = name
        self.service = service
        self.target = f"{service.target_prefix}.{name}"
        # The output Struct's name: the class is imported on the first response.
        self.output = output
        # Codes of the errors the model lists for this operation (botocore's "modeled").
        self.errors = frozenset(errors)
        self.idempotency_tokens = idempotency_tokens
        # ``foo.{label}.``: prepended to the endpoint host, labels from input attributes.
        self.host_prefix = host_prefix
        self.host_labels = host_labels
        # The model allows gzip for this operation's request body.
        self.compress = compress
        # False for ``smithy.api#noAuth`` operations (Cognito's InitiateAuth, SignUp): no
        # credentials are looked up and nothing is signed, as botocore sends them.
        self.signed = signed
        # Endpoint-rules parameters (contextParam, staticContextParams, operationContextParams):
        # (name, "static" | "member" | "path", value | attribute | JMESPath over wire names).
        self.endpoint_params = endpoint_params
        # Endpoint discovery (Timestream, DynamoDB): "required" and "optional" ones may go to
        # the address the service's endpoint operation names (the client's setting decides);
        # that operation ("endpoint") sends its API version in x-amz-api-version.
        self.discover = discovery in ("required", "optional")
        self.discovery_required = discovery == "required"
        self.names_endpoints = discovery == "endpoint"
        self._decoder: BodyDecoder[OutT] | None = None
        # The output's msgspec decoder itself, once built: the usual answer needs no more.
        self.decode_strict: Callable[[bytes], OutT] | None = None

    def __repr__(self) -> str:
        return f"OperationSpec({self.target!r})"

    def decode(self, body: bytes) -> OutT:
        decoder = self._decoder
        if decoder is None:
            assert self.output is not None
            output: type[OutT] = self.service.shape(self.output)
            decoder = self._decoder = BodyDecoder(output)
            self.decode_strict = decoder.strict
        return decoder.decode(body)
