"""Endpoint discovery: where operations the model marks ``endpointdiscovery: required`` go.

Timestream's operations must be sent to an address the service names in answer to its
endpoint operation (DescribeEndpoints), kept for the ``CachePeriodInMinutes`` it gives;
DynamoDB's may be. As botocore does: with ``endpoint_discovery_enabled="auto"`` (the
default) only required discovery discovers, with True optional discovery too, with False
none (an operation that requires it fails before anything is sent); an ``endpoint_url``
(or a configured endpoint) is used as given, with no discovery; the first endpoint named
is used; when the endpoint operation fails to connect, an expired address is used rather
than none, and an operation that only allows discovery goes to the regional endpoint
(asking again after a minute). The endpoint operation is a normal call (retries,
interceptors and options apply), made by one caller at a time per client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Literal, cast

import msgspec

from ._clock import Clock
from ._routing import Route, discovered_route
from .errors import ConfigurationError, EndpointResolutionError, HTTPClientError


class DiscoveredEndpoint:
    """One client's discovered address (the endpoint operation takes no identifiers in any
    JSON-protocol model botocore has, so one per client, as botocore's cache key ``()``)."""

    __slots__ = ("_expires", "_failed_until", "_lock", "_route", "enabled")

    def __init__(self, enabled: bool | Literal["auto"] = "auto") -> None:
        self.enabled = enabled  # botocore's endpoint_discovery_enabled
        self._route: Route | None = None
        self._expires = 0.0
        self._failed_until = 0.0  # optional discovery failed to connect: not asked till then
        self._lock: asyncio.Lock | None = None

    async def route(
        self,
        base: Route,
        clock: Clock,
        describe: Callable[[], Awaitable[Any]],
        operation: str,
        required: bool = True,
    ) -> Route:
        """The route to send ``operation`` on: the address ``describe`` (a call of the
        endpoint operation) named, while it is fresh; ``base`` where discovery is off for
        it."""
        enabled = self.enabled
        if enabled is not True and not required:
            return base
        if enabled is False:
            raise EndpointResolutionError(
                f"{operation} requires endpoint discovery, and endpoint_discovery_enabled is "
                "False (turn it on, or give an endpoint_url)"
            )
        found = self._route
        if found is not None and clock.time() < self._expires:
            return found
        if not required and clock.time() < self._failed_until:
            return found or base
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            found = self._route
            if found is not None and clock.time() < self._expires:
                return found  # another call discovered it while this one waited
            if not required and clock.time() < self._failed_until:
                return found or base
            try:
                output = await describe()
            except HTTPClientError:
                if found is not None:
                    return found  # unreachable now: the last address, as botocore keeps it
                if required:
                    raise
                self._failed_until = clock.time() + 60  # botocore's pause after a failure
                return base
            address, minutes = _first_endpoint(output, operation)
            url = address if address.startswith(("http://", "https://")) else f"https://{address}"
            try:
                found = discovered_route(base, url)
            except ConfigurationError:
                raise EndpointResolutionError(
                    f"{operation}: the endpoint operation named an address that is not a "
                    f"valid endpoint: {address[:100]!r}"
                ) from None
            self._route, self._expires = found, clock.time() + minutes * 60
            return found

    def forget(self) -> None:
        """The address was refused (421, InvalidEndpointException): discover again."""
        self._route = None


def _first_endpoint(output: object, operation: str) -> tuple[str, float]:
    """The first endpoint's address and cache period, read in wire names (the same for any
    service's endpoint operation)."""
    wire: object = msgspec.to_builtins(output)
    endpoints: object = (
        cast(dict[str, Any], wire).get("Endpoints") if isinstance(wire, dict) else None
    )
    first: object = None
    if isinstance(endpoints, list) and endpoints:
        first = cast(list[object], endpoints)[0]
    entry: dict[str, Any] = cast(dict[str, Any], first) if isinstance(first, dict) else {}
    address: object = entry.get("Address")
    if not isinstance(address, str) or not address:
        raise EndpointResolutionError(
            f"{operation}: the endpoint operation named no endpoint address"
        )
    minutes: object = entry.get("CachePeriodInMinutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes < 0:
        minutes = 0
    return address, float(minutes)
