"""AWS Signature Version 4 (header signing).

Written here rather than taken from botocore's ``SigV4Auth`` because that one
needs an ``AWSRequest`` per call and costs ~10x more (ARCHITECTURE.md). It is held
to the official test suite and to botocore's output on random requests.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Protocol

import msgspec

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# Copying a started hash is a fifth cheaper than making one: OpenSSL 3 looks the algorithm
# up on every new context. Every attempt hashes twice and signs once (bench: instructions).
_SHA256 = hashlib.sha256()


def sha256_hex(data: bytes) -> str:
    h = _SHA256.copy()
    h.update(data)
    return h.hexdigest()


class Hmac:
    """HMAC-SHA256 with one key, its padded inner and outer states hashed once (RFC 2104):
    each signature then costs two hash copies instead of a new HMAC (~40% fewer instructions)."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = (
            key.ljust(64, b"\0")
            if len(key) <= 64
            else hashlib.sha256(key).digest().ljust(64, b"\0")
        )
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def __repr__(self) -> str:
        return "Hmac(***)"


# Keyed by a digest of the secret, so the cache never holds the secret itself.
_KEY_CACHE: dict[tuple[bytes, str, str, str], bytes] = {}
_KEY_CACHE_LIMIT = 64
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_PATH_SAFE = _UNRESERVED | {ord("/")}


def uri_encode(value: str, allowed: frozenset[int] = _UNRESERVED) -> str:
    """SigV4's UriEncode: UTF-8, every byte outside ``allowed`` as ``%XX``.

    Not ``urllib.parse.quote``: the same result, without ~2 ms of import.
    """
    raw = value.encode()
    if allowed.issuperset(raw):
        return value
    return "".join(chr(b) if b in allowed else f"%{b:02X}" for b in raw)


class Signature(msgspec.Struct, frozen=True):
    canonical_request: str  # holds the session token when one is signed
    string_to_sign: str
    signature: str
    authorization: str
    # Headers the caller must add to the request, in this order (token included).
    headers: tuple[tuple[str, str], ...]

    def __rich_repr__(self) -> list[tuple[str, str]]:
        # Only the string to sign: the rest carries the signature or the session token
        # (msgspec's own __rich_repr__, used by rich, would show every field).
        return [("string_to_sign", self.string_to_sign)]

    def __repr__(self) -> str:
        return f"Signature(string_to_sign={self.string_to_sign!r})"

    __str__ = __repr__


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The derived key for one day; cached because it changes once a day."""
    cache_key = (hashlib.sha256(secret_key.encode()).digest(), date, region, service)
    key = _KEY_CACHE.get(cache_key)
    if key is None:
        k = hmac.digest(("AWS4" + secret_key).encode(), date.encode(), "sha256")
        k = hmac.digest(k, region.encode(), "sha256")
        k = hmac.digest(k, service.encode(), "sha256")
        key = hmac.digest(k, b"aws4_request", "sha256")
        if len(_KEY_CACHE) >= _KEY_CACHE_LIMIT:
            _KEY_CACHE.clear()
        _KEY_CACHE[cache_key] = key
    return key


def normalize_path(path: str) -> str:
    """Remove ``.``/``..`` segments and empty segments (RFC 3986 5.2.4, plus ``//``)."""
    if not path:
        return "/"
    out: list[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    trailing = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    result = "/" + "/".join(out)
    if trailing and out:
        result += "/"
    return result


def canonical_query(query: str) -> str:
    if not query:
        return ""
    from urllib.parse import unquote  # only signed query strings need it: not JSON protocols

    pairs: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((uri_encode(unquote(key)), uri_encode(unquote(value))))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs)


def _canonical_headers(headers: Iterable[tuple[str, str]]) -> tuple[str, str]:
    merged: dict[str, list[str]] = {}
    for name, value in headers:
        # str.split() collapses the same whitespace runs as the spec's trim-and-squeeze.
        merged.setdefault(name.lower(), []).append(" ".join(value.split()))
    names = sorted(merged)
    canonical = "".join(f"{n}:{','.join(merged[n])}\n" for n in names)
    return canonical, ";".join(names)


def sign(
    *,
    method: str,
    path: str,
    query: str,
    headers: Iterable[tuple[str, str]],
    payload_hash: str,
    access_key: str,
    secret_key: str,
    session_token: str | None,
    region: str,
    service: str,
    amz_date: str,
    normalize: bool = True,
    sign_payload_header: bool = False,
    sign_session_token: bool = True,
) -> Signature:
    """Sign a request; ``headers`` must include ``host`` and exclude ``x-amz-date``.

    ``amz_date`` is ``YYYYMMDDTHHMMSSZ``. ``path`` is the path as sent on the wire
    (already URI-encoded); SigV4 encodes it once more, as for every service but S3.
    """
    added: list[tuple[str, str]] = [("X-Amz-Date", amz_date)]
    if sign_payload_header:
        added.append(("X-Amz-Content-SHA256", payload_hash))
    if session_token is not None and sign_session_token:
        added.append(("X-Amz-Security-Token", session_token))
    canonical_headers, signed = _canonical_headers([*headers, *added])
    canonical_path = uri_encode(normalize_path(path) if normalize else (path or "/"), _PATH_SAFE)
    creq = (
        f"{method}\n{canonical_path}\n{canonical_query(query)}\n"
        f"{canonical_headers}\n{signed}\n{payload_hash}"
    )
    date = amz_date[:8]
    scope = f"{date}/{region}/{service}/aws4_request"
    sts = f"{ALGORITHM}\n{amz_date}\n{scope}\n{hashlib.sha256(creq.encode()).hexdigest()}"
    sig = hmac.new(
        signing_key(secret_key, date, region, service), sts.encode(), hashlib.sha256
    ).hexdigest()
    auth = f"{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={sig}"
    if session_token is not None and not sign_session_token:
        added.append(("X-Amz-Security-Token", session_token))
    added.append(("Authorization", auth))
    return Signature(creq, sts, sig, auth, tuple(added))


class SigningCredentials(Protocol):
    @property
    def access_key(self) -> str: ...
    @property
    def secret_key(self) -> str: ...
    @property
    def token(self) -> str | None: ...


class SigningTemplate:
    """What every attempt of one operation on one route signs the same way, worked out once.

    `sign` then gives exactly what the general `sign` gives for those headers plus
    ``X-Amz-Date`` (and ``X-Amz-Security-Token``): tests hold the two to each other and
    to botocore. Headers an interceptor adds go through the general `sign` instead.
    """

    __slots__ = ("_after", "_before", "_between", "_key", "_path", "_signed", "_signed_token")

    def __init__(self, *, path: str, headers: Iterable[tuple[str, str]]) -> None:
        canonical, _ = _canonical_headers(headers)
        lines = canonical.splitlines(keepends=True)
        names = [line.split(":", 1)[0] for line in lines]
        if "x-amz-date" in names or "x-amz-security-token" in names:
            raise ValueError("the template's headers must not include the date or the token")
        self._before = "".join(ln for n, ln in zip(names, lines, strict=True) if n < "x-amz-date")
        self._between = "".join(
            ln
            for n, ln in zip(names, lines, strict=True)
            if "x-amz-date" < n < "x-amz-security-token"
        )
        self._after = "".join(
            ln for n, ln in zip(names, lines, strict=True) if n > "x-amz-security-token"
        )
        self._signed = ";".join(sorted([*names, "x-amz-date"]))
        self._signed_token = ";".join(sorted([*names, "x-amz-date", "x-amz-security-token"]))
        self._path = uri_encode(normalize_path(path), _PATH_SAFE)
        # (credentials object, day, region, service) -> derived key: the last one used.
        self._key: tuple[object, str, str, str, Hmac] | None = None

    def sign(
        self,
        credentials: SigningCredentials,
        payload_hash: str,
        amz_date: str,
        region: str,
        service: str,
    ) -> str:
        """The ``Authorization`` value. Positional: this runs on every attempt."""
        date = amz_date[:8]
        access_key = credentials.access_key
        session_token = credentials.token
        cached = self._key
        if (
            cached is not None
            and cached[0] is credentials
            and cached[1] == date
            and cached[2] == region
            and cached[3] == service
        ):
            mac = cached[4]
        else:
            mac = Hmac(signing_key(credentials.secret_key, date, region, service))
            self._key = (credentials, date, region, service, mac)
        if session_token is None:
            signed = self._signed
            creq = (
                f"POST\n{self._path}\n\n{self._before}x-amz-date:{amz_date}\n"
                f"{self._between}{self._after}\n{signed}\n{payload_hash}"
            )
        else:
            signed = self._signed_token
            token = " ".join(session_token.split())
            creq = (
                f"POST\n{self._path}\n\n{self._before}x-amz-date:{amz_date}\n{self._between}"
                f"x-amz-security-token:{token}\n{self._after}\n{signed}\n{payload_hash}"
            )
        scope = f"{date}/{region}/{service}/aws4_request"
        sts = f"{ALGORITHM}\n{amz_date}\n{scope}\n{sha256_hex(creq.encode())}"
        sig = mac.hexdigest(sts.encode())
        return (
            f"{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={sig}"
        )

    def __repr__(self) -> str:
        return f"SigningTemplate(path={self._path!r}, signed={self._signed!r})"
