"""The request pipeline shared by every generated client.

validate -> encode -> (endpoint, once) -> sign -> send -> decode or raise typed error.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
import platform
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
import msgspec

from . import _sigv4
from ._credentials import CredentialResolver, explicit_credentials
from ._endpoints import (
    Endpoint,
    check_endpoint_url,
    check_region,
    env_endpoint_url,
    env_flag,
    resolve_endpoint,
    resolve_region,
)
from ._errors import (
    ClientClosedError,
    ConfigurationError,
    ConnectTimeoutError,
    HTTPClientError,
    ParamValidationError,
    ReadTimeoutError,
    ResponseParseError,
    ServiceError,
)
from ._serde import BodyDecoder, decode_error_members, encode_body, parse_error
from ._transport import default_http_client
from ._validate import validate

logger = logging.getLogger("sm_typed")

InT = TypeVar("InT", bound=msgspec.Struct | None)
OutT = TypeVar("OutT")

USER_AGENT = f"sm_typed/0.1.0 python/{platform.python_version()} httpx/{httpx.__version__}"


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

    @property
    def content_type(self) -> str:
        return f"application/x-amz-json-{self.json_version}"


class OperationSpec(Generic[InT, OutT]):
    """One operation: its name, target header and output decoder (built on first use)."""

    __slots__ = (
        "_decoder",
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
        output: type[OutT] | None,
        *,
        idempotency_tokens: tuple[str, ...] = (),
        host_prefix: str | None = None,
        host_labels: tuple[str, ...] = (),
        compress: bool = False,
    ) -> None:
        self.name = name
        self.target = f"{service.target_prefix}.{name}"
        self.output = output
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
            decoder = self._decoder = BodyDecoder(self.output)
        return decoder.decode(body)


def _check_config(
    connect_timeout: object, read_timeout: object, max_connections: object, http_client: object
) -> None:
    """Callers without a type checker get a clear error here rather than deep in httpx."""
    for name, value in (("connect_timeout", connect_timeout), ("read_timeout", read_timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigurationError(f"{name} must be a positive number of seconds, got {value!r}")
    if (
        isinstance(max_connections, bool)
        or not isinstance(max_connections, int)
        or max_connections < 1
    ):
        raise ConfigurationError(f"max_connections must be a positive int, got {max_connections!r}")
    if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
        raise ConfigurationError("http_client must be an httpx.AsyncClient")


@dataclass(frozen=True, slots=True)
class _Route:
    url: str
    host: str
    path: str
    signing_region: str
    signing_name: str


# botocore's default request_min_compression_size_bytes: smaller bodies are not worth it.
COMPRESSION_MIN_BYTES = 10240
_HOST_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_IP_HOST = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])(?::\d+)?$")


def _prefixed(route: _Route, op: OperationSpec[Any, Any], params: object) -> _Route:
    """The route with the operation's host prefix (``foo.{label}.``) applied.

    Not applied to IP-address endpoints, where a prefix can only break the URL.
    """
    assert op.host_prefix is not None
    if _IP_HOST.match(route.host) or route.host.split(":")[0] == "localhost":
        return route
    values: dict[str, str] = {}
    problems: list[str] = []
    for attr in op.host_labels:
        value = getattr(params, attr, None)
        if not isinstance(value, str) or not _HOST_LABEL.match(value):
            problems.append(f"{attr}: must be a valid host label (letters, digits, hyphens)")
        else:
            values[attr] = value
    if problems:
        raise ParamValidationError(op.name, problems)
    prefix = op.host_prefix.format_map(values)
    scheme, rest = route.url.split("://", 1)
    return _Route(
        url=f"{scheme}://{prefix}{rest}",
        host=prefix + route.host,
        path=route.path,
        signing_region=route.signing_region,
        signing_name=route.signing_name,
    )


class BaseClient:
    """Base of every generated client: configuration, lifecycle and the request pipeline."""

    _service: ClassVar[ServiceSpec]

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        profile: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        connect_timeout: float = 60.0,
        read_timeout: float = 60.0,
        max_connections: int = 100,
        use_fips: bool | None = None,
        use_dualstack: bool | None = None,
    ) -> None:
        """Create a client. Nothing is resolved or connected until the first call
        (or ``async with``), so constructing one never blocks.

        Args:
            region: AWS region; else ``AWS_REGION``, ``AWS_DEFAULT_REGION``, the profile.
            endpoint_url: send requests here instead of the endpoint the rules give.
            profile: a profile of the shared config files for credentials and region.
            aws_access_key_id: explicit credentials (with the secret, optionally a token).
            aws_secret_access_key: explicit credentials.
            aws_session_token: explicit temporary credentials' token.
            http_client: an ``httpx.AsyncClient`` of yours; it is not closed with this client.
            connect_timeout: seconds to wait for a connection.
            read_timeout: seconds to wait for the response.
            max_connections: size of the connection pool this client creates.
            use_fips: use the FIPS endpoint (else ``AWS_USE_FIPS_ENDPOINT``).
            use_dualstack: use the dual-stack endpoint (else ``AWS_USE_DUALSTACK_ENDPOINT``).
        """
        _check_config(connect_timeout, read_timeout, max_connections, http_client)
        self._region = check_region(region) if region is not None else None
        self._endpoint_url = check_endpoint_url(endpoint_url) if endpoint_url is not None else None
        self._profile = profile
        self._credentials = CredentialResolver(
            explicit=explicit_credentials(
                aws_access_key_id, aws_secret_access_key, aws_session_token
            ),
            profile=profile,
        )
        self._use_fips = use_fips
        self._use_dualstack = use_dualstack
        self._timeout = httpx.Timeout(
            connect=float(connect_timeout),
            read=float(read_timeout),
            write=float(read_timeout),
            pool=float(read_timeout),
        ).as_dict()
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else default_http_client(max_connections=max_connections)
        )
        self._route: _Route | None = None
        self._route_lock = asyncio.Lock()
        self._closed = False

    def __repr__(self) -> str:
        where = self._route.url if self._route else (self._endpoint_url or "unresolved")
        return f"{type(self).__name__}(region={self._region!r}, endpoint={where!r})"

    async def __aenter__(self) -> Any:
        await self._resolve_route()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connections this client opened (not a caller's ``http_client``)."""
        if self._closed:
            return
        self._closed = True
        if self._owns_http:
            await self._http.aclose()

    @property
    def region(self) -> str | None:
        """The region in use (``None`` until resolved on the first call)."""
        return self._region

    async def _resolve_route(self) -> _Route:
        route = self._route
        if route is not None:
            return route
        async with self._route_lock:
            if self._route is None:
                self._route = await asyncio.to_thread(self._compute_route)
            return self._route

    def _compute_route(self) -> _Route:
        """Blocking: reads the environment, profile and botocore's rule files."""
        spec = self._service
        region = resolve_region(self._region, self._profile)
        self._region = region
        url = self._endpoint_url or env_endpoint_url(spec.service_id)
        if url is not None:
            endpoint = Endpoint(check_endpoint_url(url), region, spec.signing_name)
        else:
            fips = (
                self._use_fips if self._use_fips is not None else env_flag("AWS_USE_FIPS_ENDPOINT")
            )
            dual = (
                self._use_dualstack
                if self._use_dualstack is not None
                else env_flag("AWS_USE_DUALSTACK_ENDPOINT")
            )
            endpoint = resolve_endpoint(
                service_name=spec.service_name,
                api_version=spec.api_version,
                signing_name=spec.signing_name,
                region=region,
                use_fips=bool(fips),
                use_dualstack=bool(dual),
            )
        parts = urlsplit(endpoint.url)
        host = parts.netloc.rsplit("@", 1)[-1]
        if (parts.scheme == "https" and host.endswith(":443")) or (
            parts.scheme == "http" and host.endswith(":80")
        ):
            host = host.rsplit(":", 1)[0]
        path = parts.path.rstrip("/") + "/"
        return _Route(
            url=f"{parts.scheme}://{parts.netloc}{path}",
            host=host,
            path=path,
            signing_region=endpoint.signing_region,
            signing_name=endpoint.signing_name,
        )

    async def _invoke(self, op: OperationSpec[InT, OutT], params: InT) -> OutT:
        if self._closed:
            raise ClientClosedError(f"{op.name}: the client is closed")
        if params is not None:
            for attr in op.idempotency_tokens:
                if getattr(params, attr) is None:
                    setattr(params, attr, str(uuid.uuid4()))
            walk = validate(params)
            if walk.problems:
                raise ParamValidationError(op.name, walk.problems)
            body = encode_body(params, walk.needs_rewrite)
        else:
            body = b"{}"
        route = self._route or await self._resolve_route()
        if op.host_prefix is not None:
            route = _prefixed(route, op, params)
        creds = await self._credentials.get()
        spec = self._service
        headers = [
            ("Host", route.host),
            ("Content-Type", spec.content_type),
            ("X-Amz-Target", op.target),
        ]
        if op.compress and len(body) >= COMPRESSION_MIN_BYTES:
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        signature = _sigv4.sign(
            method="POST",
            path=route.path,
            query="",
            headers=headers,
            payload_hash=hashlib.sha256(body).hexdigest(),
            access_key=creds.access_key,
            secret_key=creds.secret_key,
            session_token=creds.token,
            region=route.signing_region,
            service=route.signing_name,
            amz_date=time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
        )
        headers += signature.headers
        headers.append(("User-Agent", USER_AGENT))
        request = httpx.Request(
            "POST", route.url, headers=headers, content=body, extensions={"timeout": self._timeout}
        )
        started = time.monotonic()
        try:
            response = await self._http.send(request)
        except httpx.ConnectTimeout as exc:
            raise ConnectTimeoutError(op.name, f"connect timeout to {route.host}") from exc
        except httpx.TimeoutException as exc:
            raise ReadTimeoutError(op.name, f"timed out waiting for {route.host}") from exc
        except httpx.TransportError as exc:
            raise HTTPClientError(op.name, f"{type(exc).__name__}: {exc}") from exc
        except RuntimeError as exc:
            if self._closed or getattr(self._http, "is_closed", False):
                raise ClientClosedError(f"{op.name}: the client is closed") from exc
            raise
        status = response.status_code
        content = response.content
        request_id = response.headers.get("x-amzn-requestid")
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s status=%s attempt=1 duration=%.1fms request_id=%s",
                op.name,
                status,
                (time.monotonic() - started) * 1000,
                request_id,
            )
        if status >= 300:
            raise self._service_error(op.name, status, response.headers, content)
        if op.output is None:
            return None  # type: ignore[return-value]  # OutT is None for operations without output
        try:
            return op.decode(content)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise ResponseParseError(op.name, status, request_id, str(exc)) from exc

    def _service_error(
        self, operation: str, status: int, headers: httpx.Headers, body: bytes
    ) -> ServiceError:
        info = parse_error(status, headers, body)
        cls = self._service.errors.get(info.code, ServiceError)
        exc = cls(
            code=info.code,
            message=info.message,
            status_code=status,
            request_id=info.request_id,
            operation=operation,
        )
        shape = cls.__error_shape__
        if shape is not None:
            members = decode_error_members(shape, info.body) if info.body is not None else None
            for attr in cls.__error_members__:
                setattr(exc, attr, getattr(members, attr, None))
        return exc
