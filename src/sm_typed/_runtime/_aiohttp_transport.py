"""An httpx transport that sends over aiohttp's connection pool.

httpx's own pool (httpcore) costs more CPU per request than all of aiobotocore
(ARCHITECTURE.md; bench/transport.py re-measures it). Keeping httpx as the
interface and aiohttp underneath gives the cheap pool without changing what
callers see. Bodies are read whole: JSON-protocol responses are small.

aiohttp is imported on first use, not with sm_typed: its import builds SSL
contexts and costs ~65 ms, which a program that never sends should not pay.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import aiohttp


def _timeout(request: httpx.Request) -> aiohttp.ClientTimeout:
    import aiohttp

    t: dict[str, float | None] = request.extensions.get("timeout", {})
    return aiohttp.ClientTimeout(
        total=None,
        connect=t.get("pool"),
        sock_connect=t.get("connect"),
        sock_read=t.get("read"),
    )


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests with one ``aiohttp.ClientSession``, created on first use."""

    def __init__(
        self, *, max_connections: int = 100, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self._max_connections = max_connections
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._session: aiohttp.ClientSession | None = None

    def _new_session(self) -> aiohttp.ClientSession:
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=self._max_connections, limit_per_host=self._max_connections, ssl=self._ssl
        )
        # No cookies, no redirects, no header munging: the request is signed as is.
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import aiohttp  # cached in sys.modules after the first call

        session = self._session
        if session is None or session.closed:
            session = self._new_session()
        body = request.content
        try:
            async with session.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=body,
                timeout=_timeout(request),
                allow_redirects=False,
            ) as resp:
                content = await resp.read()
                status = resp.status
                headers: Any = resp.raw_headers
        except TimeoutError as exc:
            raise _timeout_error(exc, request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except aiohttp.ClientPayloadError as exc:
            raise httpx.ReadError(str(exc), request=request) from exc
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
            raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
        except aiohttp.ClientResponseError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.TransportError(str(exc), request=request) from exc
        return httpx.Response(
            status,
            headers=headers,
            content=content,
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def _timeout_error(exc: BaseException, request: httpx.Request) -> httpx.TimeoutException:
    import aiohttp

    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(str(exc) or "connect timeout", request=request)
    return httpx.ReadTimeout(str(exc) or "read timeout", request=request)
