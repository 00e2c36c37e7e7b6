"""How the pipeline sends a request: one small interface, two implementations.

The default is `ConnectionPool` (``_pool.py``), an HTTP/1.1 keep-alive pool on
asyncio made for this one job: small JSON POSTs. A caller's ``httpx.AsyncClient``
(for proxies, custom TLS, mounts, event hooks...) goes through `HttpxSender`.
Both raise `SendError` when no response arrives; the pipeline turns that into
the typed error for the operation.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from typing import Any, Literal, Protocol

import msgspec

from ._errors import ConfigurationError

SendFailure = Literal["connect-timeout", "read-timeout", "no-response", "closed"]


def proxy_configured(scheme: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether botocore would send a request of this scheme through a proxy.

    As botocore reads it: ``HTTPS_PROXY`` for https, ``HTTP_PROXY`` for http (either
    case), and not ``ALL_PROXY``. ``NO_PROXY`` is left to httpx, which then sends direct.
    """
    name = f"{scheme}_proxy"
    return bool(environ.get(name.upper()) or environ.get(name))


class HTTPResponse(msgspec.Struct, frozen=True):
    status: int
    headers: Mapping[str, str]  # looked up by lower-case name
    body: bytes


class Target(msgspec.Struct, frozen=True):
    """Where to send: parsed once per client, not per call."""

    scheme: str
    hostname: str
    port: int
    path: str
    url: str


class SendError(Exception):
    """The request got no (complete) response."""

    def __init__(self, kind: SendFailure, detail: str) -> None:
        self.kind: SendFailure = kind
        self.detail = detail
        super().__init__(f"{kind}: {detail}")


class Sender(Protocol):
    async def send(
        self,
        target: Target,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        connect_timeout: float,
        read_timeout: float,
    ) -> HTTPResponse: ...

    async def aclose(self) -> None: ...


class HttpxSender:
    """Sends through an ``httpx.AsyncClient``: a caller's (which the caller closes), or one
    the client owns when the environment names a proxy (`for_proxies`)."""

    def __init__(self, client: Any, *, owned: bool = False) -> None:
        import httpx

        if not isinstance(client, httpx.AsyncClient):
            raise TypeError("http_client must be an httpx.AsyncClient")
        self._client = client
        self._owned = owned

    @classmethod
    def for_proxies(cls, *, max_connections: int, tls: ssl.SSLContext) -> HttpxSender:
        """httpx with ``trust_env``: it routes through HTTP(S)_PROXY and honours NO_PROXY,
        which the pool (direct HTTP/1.1 only) does not."""
        import httpx

        limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        try:
            client = httpx.AsyncClient(trust_env=True, verify=tls, limits=limits)
        except ImportError as exc:  # a SOCKS proxy without socksio: httpx says what to install
            raise ConfigurationError(
                f"the proxy in the environment cannot be used: {exc}"
            ) from None
        except ValueError:
            # Not echoed: httpx's message carries the proxy URL, credentials included.
            raise ConfigurationError(
                "the proxy in the environment (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) has a "
                "scheme or URL httpx cannot use"
            ) from None
        return cls(client, owned=True)

    async def send(
        self,
        target: Target,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        connect_timeout: float,
        read_timeout: float,
    ) -> HTTPResponse:
        import httpx

        timeout = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": read_timeout,
            "pool": read_timeout,
        }
        request = httpx.Request(
            "POST", target.url, headers=headers, content=body, extensions={"timeout": timeout}
        )
        try:
            response = await self._client.send(request)
        except httpx.ConnectTimeout as exc:
            raise SendError("connect-timeout", f"connect timeout to {target.hostname}") from exc
        except httpx.TimeoutException as exc:
            raise SendError("read-timeout", f"timed out waiting for {target.hostname}") from exc
        except httpx.HTTPError as exc:
            raise SendError("no-response", f"{type(exc).__name__}: {exc}") from exc
        except RuntimeError as exc:
            if self._client.is_closed:
                raise SendError("closed", "the http_client is closed") from exc
            raise
        return HTTPResponse(response.status_code, response.headers, response.content)

    async def aclose(self) -> None:
        """A caller's client stays open: they own it."""
        if self._owned:
            await self._client.aclose()
