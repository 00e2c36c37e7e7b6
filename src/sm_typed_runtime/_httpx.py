"""The httpx transport: a caller's ``httpx.AsyncClient``, or one the client owns for a proxy.

httpx holds its own connections, so the lease is taken inside ``client.send``; the
request is signed just before it is handed over, and httpx's pool wait is bounded by
``pool_timeout``. The response body is streamed and capped like the pool's.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Sequence
from typing import Any

from ._head import HeadPrefix
from ._transport import Headers, HTTPResponse, Target, Timeouts, TransportError
from .errors import ConfigurationError


class HttpxTransport:
    def __init__(self, client: Any, *, max_response_bytes: int, owned: bool = False) -> None:
        import httpx

        if not isinstance(client, httpx.AsyncClient):
            raise ConfigurationError("http_client must be an httpx.AsyncClient")
        self._client = client
        self._owned = owned
        self._max_body = max_response_bytes

    @classmethod
    def for_proxies(
        cls, *, max_connections: int, max_response_bytes: int, tls: ssl.SSLContext
    ) -> HttpxTransport:
        """httpx with ``trust_env``: it routes through HTTP(S)_PROXY and honours NO_PROXY,
        which the pool (direct HTTP/1.1 only) does not. Blocking: run it in a thread."""
        import httpx

        limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        unusable = (
            "the proxy in the environment (HTTPS_PROXY or HTTP_PROXY) has a scheme, host or "
            "port httpx cannot use"
        )
        for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
            value = os.environ.get(name)
            if value and not _usable_proxy(value):
                raise ConfigurationError(unusable)
        try:
            client = httpx.AsyncClient(trust_env=True, verify=tls, limits=limits)
        except ImportError as exc:  # a SOCKS proxy without socksio: httpx says what to install
            raise ConfigurationError(
                f"the proxy in the environment cannot be used: {exc}"
            ) from None
        except Exception:  # noqa: BLE001 - httpx's message carries the proxy URL, password too
            raise ConfigurationError(unusable) from None
        return cls(client, max_response_bytes=max_response_bytes, owned=True)

    def try_acquire(self, target: Target, timeouts: Timeouts) -> _HttpxLease | None:
        return _HttpxLease(self, target, timeouts)

    async def acquire(self, target: Target, timeouts: Timeouts) -> _HttpxLease:
        return _HttpxLease(self, target, timeouts)

    async def exchange(
        self, target: Target, fields: Sequence[tuple[str, str]], body: bytes, timeouts: Timeouts
    ) -> HTTPResponse:
        import httpx

        timeout = {
            "connect": timeouts.connect,
            "read": timeouts.read,
            "write": timeouts.read,
            "pool": timeouts.pool,
        }
        # Built directly, not with client.build_request: the client's default headers
        # (Accept, Accept-Encoding, User-Agent) would make the two transports differ.
        request = httpx.Request(
            "POST", target.url, headers=list(fields), content=body, extensions={"timeout": timeout}
        )
        where = target.hostname
        try:
            response = await self._client.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self._max_body:
                        raise TransportError(
                            "too-large",
                            f"the response body exceeds the limit of {self._max_body} bytes",
                        )
                    chunks.append(chunk)
            finally:
                await response.aclose()
        except TransportError:
            raise
        except httpx.PoolTimeout:
            raise TransportError("pool-timeout", "no httpx connection became free") from None
        except httpx.ConnectTimeout:
            raise TransportError("connect-timeout", f"could not connect to {where}") from None
        except httpx.TimeoutException:
            raise TransportError("read-timeout", f"timed out waiting for {where}") from None
        except httpx.ConnectError as exc:
            raise TransportError("connect", f"cannot connect to {where}: {exc}") from None
        except httpx.HTTPError as exc:
            raise TransportError("connection", f"{type(exc).__name__}: {exc}") from None
        except RuntimeError as exc:
            if self._client.is_closed:
                raise TransportError("closed", "the http_client is closed") from None
            raise TransportError("connection", f"httpx failed: {type(exc).__name__}") from exc
        except Exception as exc:  # noqa: BLE001 - every failure a caller sees is typed
            raise TransportError("connection", f"httpx failed: {type(exc).__name__}") from None
        return HTTPResponse(response.status_code, Headers.of(response.headers), b"".join(chunks))

    async def aclose(self) -> None:
        """A caller's client stays open: they own it."""
        if self._owned:
            await self._client.aclose()


def _usable_proxy(value: str) -> bool:
    """A proxy URL httpx can connect through: checked here, as httpx fails only when sending
    (an out-of-range port surfaces as an ExceptionGroup from its connection pool)."""
    import httpx

    if "://" not in value:
        value = "http://" + value  # httpx, like curl, takes a bare host:port as http
    try:
        url = httpx.URL(value)
    except Exception:  # noqa: BLE001 - any parse failure means unusable; never echo the URL
        return False
    port = url.port
    return (
        url.scheme in ("http", "https", "socks5", "socks5h")
        and bool(url.host)
        and (port is None or 0 < port < 65536)
    )


class _HttpxLease:
    __slots__ = ("_body", "_fields", "_target", "_timeouts", "_transport")

    def __init__(self, transport: HttpxTransport, target: Target, timeouts: Timeouts) -> None:
        self._transport = transport
        self._target = target
        self._timeouts = timeouts
        self._fields: Sequence[tuple[str, str]] = ()
        self._body = b""

    def send(self, prefix: HeadPrefix, fields: Sequence[tuple[str, str]], body: bytes) -> None:
        self._fields = (*prefix.fields, *fields)
        self._body = body

    async def receive(self) -> HTTPResponse:
        fields, self._fields = self._fields, ()
        return await self._transport.exchange(self._target, fields, self._body, self._timeouts)

    def release(self) -> None:
        pass

    def discard(self) -> None:
        pass
