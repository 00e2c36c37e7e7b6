"""The endpoint of every known region, worked out at generation time from botocore's rules.

Resolving an endpoint at run time means importing botocore's rules engine (~45 ms)
and reading its rule files (~8 ms) on the first call. For the regions the pinned
``partitions.json`` lists, the answer depends only on the pinned files, so the
generator asks botocore's own engine once per (region, FIPS, dual-stack) and the
client carries the table; other regions still go to botocore at run time.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from .errors import CodegenError

RULES_FILE = "endpoint-rule-set-1.json"
PARTITIONS_FILE = "partitions.json"


@dataclass(frozen=True)
class EndpointEntry:
    """botocore's answer for one region and flag pair: a URL and signing scope, or its error."""

    region: str
    use_fips: bool
    use_dualstack: bool
    url: str | None
    signing_region: str | None
    signing_name: str | None
    error: str | None = None


def endpoint_table(
    rules: dict[str, Any],
    partitions: dict[str, Any],
    signing_name: str,
    base_context: tuple[tuple[str, object], ...] = (),
) -> tuple[EndpointEntry, ...]:
    """``base_context``: the static parameters every operation sets (the client's route is
    resolved with them, here as at run time)."""
    engine: Any = importlib.import_module("botocore.endpoint_provider")
    errors: Any = importlib.import_module("botocore.exceptions")
    try:
        provider = engine.EndpointProvider(rules, partitions)
    except Exception as exc:  # botocore validates the rule set as it loads it
        raise CodegenError(f"botocore cannot load the endpoint rules: {exc}") from exc
    regions = sorted(
        {str(r) for p in partitions.get("partitions", []) for r in p.get("regions", {})}
    )
    entries: list[EndpointEntry] = []
    for region in regions:
        for fips in (False, True):
            for dual in (False, True):
                try:
                    resolved = provider.resolve_endpoint(
                        Region=region, UseFIPS=fips, UseDualStack=dual, **dict(base_context)
                    )
                except errors.EndpointResolutionError as exc:
                    entries.append(EndpointEntry(region, fips, dual, None, None, None, str(exc)))
                    continue
                # The same reading of authSchemes as the runtime's botocore fallback.
                scope_region, scope_name = region, signing_name
                schemes = resolved.properties.get("authSchemes", ())
                for scheme in schemes:
                    if scheme.get("name") == "sigv4":
                        scope_region = str(scheme.get("signingRegion", scope_region))
                        scope_name = str(scheme.get("signingName", scope_name))
                        break
                else:
                    if schemes:  # SigV4a only: refused at run time, as there
                        names = ", ".join(str(s.get("name")) for s in schemes)
                        error = f"this endpoint must be signed with {names}; "
                        error += "this client signs with SigV4 only"
                        entries.append(EndpointEntry(region, fips, dual, None, None, None, error))
                        continue
                entries.append(
                    EndpointEntry(
                        region, fips, dual, str(resolved.url).rstrip("/"), scope_region, scope_name
                    )
                )
    return tuple(entries)
