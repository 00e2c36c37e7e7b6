"""What generated code tells the runtime about a service and each of its operations."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import msgspec

from ._errors import ServiceError
from ._serde import BodyDecoder

InT = TypeVar("InT", bound=msgspec.Struct | None)
OutT = TypeVar("OutT")


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """What the runtime needs to know about one service; generated per service."""

    service_name: str  # botocore's data directory name, for the endpoint rules
    service_id: str
    api_version: str
    target_prefix: str
    json_version: str
    signing_name: str
    errors: Mapping[str, type[ServiceError]]
    shapes_module: str  # where the generated Structs are, looked up by name on first use
    content_type: str = field(init=False)  # built once: every request sends it

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_type", f"application/x-amz-json-{self.json_version}")

    def shape(self, name: str) -> type[Any]:
        cls: type[Any] = getattr(importlib.import_module(self.shapes_module), name)
        return cls


class OperationSpec(Generic[InT, OutT]):
    """One operation: its name, target header and output decoder (built on first use)."""

    __slots__ = (
        "_decoder",
        "_service",
        "compress",
        "host_labels",
        "host_prefix",
        "idempotency_tokens",
        "name",
        "output",
        "target",
    )

    def __init__(
        self,
        service: ServiceSpec,
        name: str,
        output: str | None,
        *,
        idempotency_tokens: tuple[str, ...] = (),
        host_prefix: str | None = None,
        host_labels: tuple[str, ...] = (),
        compress: bool = False,
    ) -> None:
        self.name = name
        self.target = f"{service.target_prefix}.{name}"
        # The output Struct's name: the class is imported on the first response.
        self.output = output
        self._service = service
        self.idempotency_tokens = idempotency_tokens
        # ``foo.{label}.``: prepended to the endpoint host, labels from input attributes.
        self.host_prefix = host_prefix
        self.host_labels = host_labels
        # The model allows gzip for this operation's request body.
        self.compress = compress
        self._decoder: BodyDecoder[OutT] | None = None

    def decode(self, body: bytes) -> OutT:
        decoder = self._decoder
        if decoder is None:
            assert self.output is not None
            output: type[OutT] = self._service.shape(self.output)
            decoder = self._decoder = BodyDecoder(output)
        return decoder.decode(body)
