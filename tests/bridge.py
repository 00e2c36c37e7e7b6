"""Convert between plain JSON values (member names, as test suites write them) and generated types."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from codegen.model import Service
from codegen.render import Renderer


class Bridge:
    """Plain values <-> one generated package's Structs, driven by the generator's IR."""

    def __init__(self, service: Service, shapes: ModuleType) -> None:
        self.service = service
        self.renderer = Renderer(service, package_doc_name="bridge")
        self.shapes = shapes

    def attrs(self, shape_name: str) -> dict[str, str]:
        return self.renderer.attrs(self.service.shapes[shape_name])

    def kwargs(self, params: dict[str, Any], shape_name: str) -> dict[str, Any]:
        """A structure's plain params as keyword arguments of its Struct (or method)."""
        shape = self.service.shapes[shape_name]
        attrs = self.attrs(shape_name)
        members = {m.name: m for m in shape.members}
        return {attrs[k]: self.to_python(v, members[k].target) for k, v in params.items()}

    def to_python(self, value: Any, shape_name: str) -> Any:
        if value is None:
            return None
        shape = self.service.shapes[shape_name]
        if shape.type == "document":
            return value
        if shape.type == "structure":
            return getattr(self.shapes, shape.name)(**self.kwargs(value, shape_name))
        if shape.type == "list":
            return [self.to_python(v, shape.list_member or "") for v in value]
        if shape.type == "map":
            return {k: self.to_python(v, shape.map_value or "") for k, v in value.items()}
        if shape.type == "timestamp":
            return value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)
        if shape.type == "blob":
            return value if isinstance(value, bytes) else value.encode()
        if shape.type in ("float", "double") and isinstance(value, str):
            return float(value.replace("Infinity", "inf"))
        return value

    def to_plain(self, value: Any, shape_name: str) -> Any:
        """A decoded value as plain JSON: member names, epoch seconds, blobs as text."""
        shape = self.service.shapes[shape_name]
        if shape.type == "document":
            return value
        if shape.type == "structure":
            attrs = self.attrs(shape_name)
            out = {}
            for m in shape.members:
                v = getattr(value, attrs[m.name])
                if v is not None:
                    out[m.name] = self.to_plain(v, m.target)
            return out
        if shape.type == "list":
            return [self.to_plain(v, shape.list_member or "") for v in value]
        if shape.type == "map":
            return {k: self.to_plain(v, shape.map_value or "") for k, v in value.items()}
        if shape.type == "timestamp":
            return value.timestamp()
        if shape.type == "blob":
            return value.decode()
        if (
            shape.type in ("float", "double")
            and isinstance(value, float)
            and not math.isfinite(value)
        ):
            return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return value
