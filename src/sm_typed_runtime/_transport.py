"""What the pipeline needs of a transport: a connection lease, then one exchange on it.

``acquire`` holds a connection slot (and, for the built-in pool, a connected socket)
before anything is signed, so a request that waited for a connection is never sent
with a stale signature. Two implementations: `ConnectionPool` (``_pool.py``), the
default, and `HttpxTransport` (``_httpx.py``) for a caller's ``httpx.AsyncClient``
or a configured proxy. Both raise `TransportError`; the pipeline turns it into the
operation's typed error.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal, Protocol

import msgspec

from .errors import ConfigurationError

if TYPE_CHECKING:
    from ._head import HeadPrefix

FailureKind = Literal[
    "pool-timeout",  # no connection slot within pool_timeout: nothing was sent
    "connect-timeout",
    "connect",  # refused, unreachable, TLS failure: nothing was sent
    "read-timeout",
    "connection",  # lost or invalid response after the request may have reached the server
    "too-large",  # the response body is over max_response_bytes
    "closed",  # the client (or the caller's http_client) was closed
]


class Headers(Mapping[str, str]):
    """A response's header fields: looked up by name in any case; a repeated field's
    values joined with ", ". Parsed from the head's text only when first read (a
    successful call reads none of them), from text the parser has already checked."""

    __slots__ = ("_fields", "_text")

    def __init__(self, text: str = "", fields: dict[str, str] | None = None) -> None:
        self._text = text  # the header lines, each after a CRLF: "\r\nName: value..."
        self._fields = fields

    @classmethod
    def of(cls, pairs: Mapping[str, str]) -> Headers:
        return cls("", {k.lower(): v for k, v in pairs.items()})

    def _parsed(self) -> dict[str, str]:
        fields = self._fields
        if fields is None:
            fields = self._fields = parse_fields(self._text)
        return fields

    def __getitem__(self, name: str) -> str:
        return self._parsed()[name.lower()]

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self._parsed().get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._parsed()

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsed())

    def __len__(self) -> int:
        return len(self._parsed())

    def __repr__(self) -> str:
        return f"Headers({self._parsed()!r})"


def parse_fields(text: str) -> dict[str, str]:
    """``"\r\nName: value\r\n..."`` (already checked) as lower-case names to values."""
    fields: dict[str, str] = {}
    for line in text.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        key = name.lower()
        value = value.strip(" \t")
        fields[key] = f"{fields[key]}, {value}" if key in fields else value
    return fields


class HTTPResponse(msgspec.Struct, frozen=True):
    status: int
    headers: Headers
    body: bytes


class Target(msgspec.Struct, frozen=True):
    """Where to send: parsed once per route, not per call."""

    scheme: str
    hostname: str
    port: int
    path: str  # ASCII: percent-encoded once, the same bytes written and signed
    url: str
    origin: str  # scheme://hostname:port, the key of the connections kept for it


class TransportError(Exception):
    """No complete response: why, as the pipeline needs to classify it."""

    def __init__(self, kind: FailureKind, detail: str) -> None:
        self.kind: FailureKind = kind
        self.detail = detail
        super().__init__(f"{kind}: {detail}")


class Timeouts(msgspec.Struct, frozen=True):
    connect: float
    read: float  # the longest wait for any single read, as botocore's read_timeout
    pool: float | None  # None: wait for a connection slot as long as it takes
    read_check: float  # how often the pool's watchdog looks: a read times out <= ~10% late


def timeouts(*, connect: float, read: float, pool: float | None) -> Timeouts:
    return Timeouts(connect, read, pool, min(1.0, max(0.005, read / 10)))


class Lease(Protocol):
    """One held connection: ``send`` writes (or stages) the request, ``receive`` waits.

    Exactly one of ``release`` (after a complete exchange) or ``discard`` ends it.
    """

    def send(self, prefix: HeadPrefix, fields: Sequence[tuple[str, str]], body: bytes) -> None: ...

    def receive(self) -> Awaitable[HTTPResponse]: ...

    def release(self) -> None: ...

    def discard(self) -> None: ...


class Transport(Protocol):
    def try_acquire(self, target: Target, timeouts: Timeouts) -> Lease | None:
        """A lease without waiting (an idle connection and a free slot), else None."""
        ...

    async def acquire(self, target: Target, timeouts: Timeouts) -> Lease: ...

    async def aclose(self) -> None: ...


def proxy_configured(scheme: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether botocore would send a request of this scheme through a proxy.

    As botocore reads it: ``HTTPS_PROXY`` for https, ``HTTP_PROXY`` for http (either
    case), and not ``ALL_PROXY``. ``NO_PROXY`` is left to httpx, which then sends direct.
    """
    name = f"{scheme}_proxy"
    return bool(environ.get(name.upper()) or environ.get(name))


# One per CA bundle (None: the system's), built on first HTTPS use: loading CA
# certificates takes ~20 ms, and every client of the process can share the result.
_ssl_contexts: dict[str | None, ssl.SSLContext] = {}


def default_ssl_context() -> ssl.SSLContext:
    """The TLS context for ``AWS_CA_BUNDLE`` as it is set now (botocore honours it too).

    A bundle that cannot be read is a `ConfigurationError` naming the variable.
    """
    bundle = os.environ.get("AWS_CA_BUNDLE") or None
    context = _ssl_contexts.get(bundle)
    if context is None:
        try:
            context = ssl.create_default_context(cafile=bundle)
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise ConfigurationError(
                f"AWS_CA_BUNDLE={bundle!r} cannot be loaded as CA certificates "
                f"({type(exc).__name__}: {exc})"
            ) from None
        _ssl_contexts[bundle] = context
    return context
