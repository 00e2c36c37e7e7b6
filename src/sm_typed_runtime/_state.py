"""What a client shares with every view of it: transport, credentials, route, retry state.

Built once per client from its `ClientConfig`. The route is resolved on the first call
(or ``async with``), without a thread when the generated endpoint table knows the
region; a proxy configured for the route's scheme swaps the built-in pool for httpx.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ._blocking import run_blocking
from ._clock import AmzDate, Clock
from ._credentials import CredentialResolver
from ._discovery import DiscoveredEndpoint
from ._httpx import HttpxTransport
from ._lifecycle import Lifecycle
from ._options import ClientConfig
from ._pool import ConnectionPool
from ._recursion import in_lambda
from ._retry import RetryQuota, RetryStrategy, StandardRetryStrategy
from ._routing import (
    Route,
    RouteSettings,
    compute_route,
    endpoint_context,
    route_without_blocking,
)
from ._specs import OperationSpec, ServiceSpec
from ._transport import Transport, default_ssl_context, proxy_configured


class ClientState:
    __slots__ = (
        "_check_proxy",
        "_context_routes",
        "_route_lock",
        "_strategies",
        "amz_date",
        "clock",
        "config",
        "credentials",
        "discovered",
        "in_lambda",
        "lifecycle",
        "quota",
        "route",
        "service",
        "skew",
        "strategy",
        "transport",
    )

    def __init__(self, service: ServiceSpec, config: ClientConfig) -> None:
        self.service = service
        self.config = config
        self.lifecycle = Lifecycle()
        self.clock: Clock = config.clock
        self.credentials = CredentialResolver(
            explicit=config.credentials, profile=config.profile, clock=config.clock
        )
        self.transport: Transport
        if config.http_client is None:
            self.transport = ConnectionPool(
                max_connections=config.max_connections,
                max_response_bytes=config.max_response_bytes,
                lifecycle=self.lifecycle,
            )
        else:
            self.transport = HttpxTransport(
                config.http_client, max_response_bytes=config.max_response_bytes
            )
        # The pool until the route is known: a proxy configured for its scheme swaps in httpx.
        self._check_proxy = config.http_client is None
        self.quota = RetryQuota()
        self._strategies: dict[str, RetryStrategy] = {}
        self.strategy: RetryStrategy = config.retry_strategy or self.strategy_for(config.retry_mode)
        self.skew = 0.0  # seconds to add to our clock when signing (clock-skew correction)
        self.amz_date = AmzDate()
        self.route: Route | None = None
        self._route_lock = asyncio.Lock()
        # Routes of operations whose endpoint depends on their input, per parameter set.
        self._context_routes: dict[tuple[tuple[str, Any], ...], Route] = {}
        # Where operations that discover endpoints go (Timestream): shared by every view.
        self.discovered = DiscoveredEndpoint(config.endpoint_discovery)
        # In Lambda, every call carries the invocation's trace id, as botocore's (_recursion).
        self.in_lambda = in_lambda()

    def strategy_for(self, mode: str) -> RetryStrategy:
        """The strategy of ``mode`` on this client's quota: one per mode, so views of the
        client with the same mode share its adaptive limiter too."""
        strategy = self._strategies.get(mode)
        if strategy is None:
            if mode == "adaptive":
                from ._adaptive import AdaptiveRetryStrategy  # imported only when chosen

                strategy = AdaptiveRetryStrategy(
                    quota=self.quota, service_id=self.service.service_id, clock=self.clock
                )
            else:
                strategy = StandardRetryStrategy(
                    quota=self.quota, service_id=self.service.service_id
                )
            self._strategies[mode] = strategy
        return strategy

    def route_settings(self) -> RouteSettings:
        c = self.config
        return RouteSettings(
            region=c.region,
            endpoint_url=c.endpoint_url,
            profile=c.profile,
            use_fips=c.use_fips,
            use_dualstack=c.use_dualstack,
            profile_settings=c.profile_settings,
        )

    async def resolve_route(self) -> Route:
        route = self.route
        if route is not None:
            return route
        async with self._route_lock:
            route = self.route
            if route is None:
                settings = self.route_settings()
                route = route_without_blocking(self.service, settings)
                if route is None:
                    route = await run_blocking(compute_route, self.service, settings)
                if self._check_proxy and proxy_configured(route.target.scheme):
                    await self._send_through_proxy()
                self.route = route
            return route

    async def context_route(
        self, op: OperationSpec[Any, Any], params: object, base: Route
    ) -> Route:
        """The route of an operation whose rules read its input (a Kinesis ``StreamARN``):
        worked out by botocore's rules once per distinct parameter set (in a thread: the
        first loads the rule files), then a dictionary lookup. An ``endpoint_url`` is used as
        given, as botocore's rules use it."""
        if base.configured:
            return base
        context = endpoint_context(op, params)
        if context == self.service.base_context:
            return base  # resolved with these very parameters
        found = self._context_routes.get(context)
        if found is None:
            found = await run_blocking(compute_route, self.service, self.route_settings(), context)
            if len(self._context_routes) >= 256:
                self._context_routes.clear()  # parameter values come from inputs: bounded
            self._context_routes[context] = found
        return found

    async def _send_through_proxy(self) -> None:
        """The pool speaks only direct HTTP/1.1: httpx (trust_env) takes over, once."""
        config = self.config
        transport = await run_blocking(
            lambda: HttpxTransport.for_proxies(
                max_connections=config.max_connections,
                max_response_bytes=config.max_response_bytes,
                tls=default_ssl_context(),
            )
        )
        pool, self.transport = self.transport, transport
        self._check_proxy = False
        await pool.aclose()  # never used: the route was not known before
        if self.lifecycle.closed:  # closed while httpx was being set up
            await transport.aclose()

    async def aclose(self) -> None:
        if self.lifecycle.close():
            await self.transport.aclose()
