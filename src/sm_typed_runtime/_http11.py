"""HTTP/1.1 responses from bytes, with no I/O: bytes go in, a complete response comes out.

Kept apart from the asyncio protocol and the pool (as h11 is) so that every framing
rule and every hostile input is a unit test on bytes. It trusts nothing it reads:
the head, every protocol line and the body are capped; searching resumes where it
stopped, so work stays linear however the bytes are split; numbers are checked for
length before they are converted. Every failure is a `ProtocolError`.
"""

from __future__ import annotations

import functools
import re

from ._transport import Headers, HTTPResponse

MAX_HEAD_BYTES = 64 * 1024
MAX_LINE_BYTES = 8 * 1024  # a chunk-size line or a trailer line
MAX_INTERIM_RESPONSES = 32  # 1xx answers before the final one
_MAX_LENGTH_DIGITS = 19  # every Content-Length up to 2**63 - 1
_MAX_CHUNK_DIGITS = 16
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_NO_BODY = frozenset({204, 304})

_NO_HEADERS = Headers()

# Parser states.
_HEAD, _LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_END, _TRAILERS, _UNTIL_CLOSE, _DONE = range(8)


class ProtocolError(Exception):
    """The peer's bytes are not a valid HTTP/1.1 response (or not one this client accepts)."""


class BodyTooLarge(ProtocolError):
    """The response announces or sends more body than the client accepts."""


class IncompleteResponse(ProtocolError):
    """The connection ended before the response was complete."""

    def __init__(self, message: str, *, received_nothing: bool) -> None:
        self.received_nothing = received_nothing
        super().__init__(message)


class ResponseParser:
    """One response on one connection: `feed` bytes as they arrive, `feed_eof` at close.

    ``feed`` returns the response once complete (then None for anything after it,
    which also sets ``trailing``). After completion, ``keep_alive`` says whether the
    connection may carry another request and ``idle_timeout`` is the server's
    ``Keep-Alive: timeout``, if it sent one.
    """

    __slots__ = (
        "_body",
        "_buf",
        "_headers",
        "_interim",
        "_max_body",
        "_remaining",
        "_scanned",
        "_state",
        "_status",
        "idle_timeout",
        "keep_alive",
        "received",
        "trailing",
    )

    def __init__(self, max_body: int) -> None:
        self._max_body = max_body
        self._buf = bytearray()
        self._scanned: int = 0  # where the next search for a line end starts, in _buf
        self._state = _HEAD
        self._status = 0
        self._headers = _NO_HEADERS
        self._body = bytearray()
        self._remaining = 0
        self._interim = 0
        self.keep_alive = True
        self.idle_timeout: float | None = None
        self.trailing = False
        self.received = 0

    @property
    def complete(self) -> bool:
        return self._state == _DONE

    # -- input -------------------------------------------------------------------------
    def feed(self, data: bytes) -> HTTPResponse | None:
        self.received += len(data)
        state = self._state
        if state == _HEAD:
            if not self._buf:
                # The usual case: head and body arrive in one read. No copy into the buffer.
                end = data.find(b"\r\n\r\n")
                if 0 <= end <= MAX_HEAD_BYTES:
                    self._read_head(data[:end])
                    if self._state == _LENGTH and len(data) == end + 4 + self._remaining:
                        self._state = _DONE  # exactly one whole response: nothing to buffer
                        return HTTPResponse(self._status, self._headers, data[end + 4 :])
                    if self._state != _HEAD:
                        return self._body_bytes(data[end + 4 :])
                    data = data[end + 4 :]  # an interim (1xx) response: read on
                    if not data:
                        return None
            self._buf += data
            return self._feed_head()
        if state == _DONE:
            if data:
                self.trailing = True
                self.keep_alive = False
            return None
        return self._body_bytes(data)

    def feed_eof(self) -> HTTPResponse | None:
        """The peer closed its side: the end of a close-delimited body, else an error."""
        state = self._state
        if state == _UNTIL_CLOSE:
            return self._finish()
        if state == _DONE:
            return None
        if state == _HEAD and self.received == 0:
            raise IncompleteResponse(
                "the connection was closed before any response arrived", received_nothing=True
            )
        raise IncompleteResponse(
            "the connection was closed before the response was complete", received_nothing=False
        )

    # -- the head ----------------------------------------------------------------------
    def _feed_head(self) -> HTTPResponse | None:
        buf = self._buf
        while True:
            end = buf.find(b"\r\n\r\n", max(0, self._scanned - 3))
            if end < 0:
                if len(buf) > MAX_HEAD_BYTES:
                    raise ProtocolError("the response head is larger than 64 KiB")
                self._scanned = len(buf)
                return None
            if end > MAX_HEAD_BYTES:
                raise ProtocolError("the response head is larger than 64 KiB")
            self._read_head(bytes(buf[:end]))
            del buf[: end + 4]
            self._scanned = 0
            if self._state != _HEAD:
                rest = bytes(buf)
                buf.clear()
                return self._body_bytes(rest) if rest or self._state == _DONE else None
            if not buf:
                return None

    def _read_head(self, head: bytes) -> None:
        found = read_head(head, self._max_body)
        if found is None:
            self._interim += 1
            if self._interim > MAX_INTERIM_RESPONSES:
                raise ProtocolError("too many interim (1xx) responses")
            return  # 100 Continue and friends: the final response follows
        self._status, self._headers, keep_alive, self.idle_timeout, self._state, self._remaining = (
            found
        )
        if not keep_alive:
            self.keep_alive = False

    # -- the body ----------------------------------------------------------------------
    def _body_bytes(self, data: bytes) -> HTTPResponse | None:
        state = self._state
        if state == _LENGTH:
            need = self._remaining
            body = self._body
            if len(data) >= need:
                if len(data) > need:
                    self.trailing = True  # bytes nobody asked for: do not reuse
                    self.keep_alive = False
                if not body:
                    return self._finish(data[:need] if len(data) != need else data)
                body += data[:need]
                return self._finish()
            body += data
            self._remaining = need - len(data)
            return None
        if state == _UNTIL_CLOSE:
            body = self._body
            body += data
            if len(body) > self._max_body:
                raise BodyTooLarge(f"the response body exceeds the limit of {self._max_body} bytes")
            return None
        if state == _DONE:
            if data:
                self.trailing = True
                self.keep_alive = False
            return self._finish()
        self._buf += data
        return self._chunks()

    def _chunks(self) -> HTTPResponse | None:
        buf = self._buf
        pos = 0
        state = self._state
        try:
            while True:
                if state in (_CHUNK_SIZE, _TRAILERS):
                    end = buf.find(b"\r\n", max(pos, self._scanned - 1))
                    if end < 0:
                        if len(buf) - pos > MAX_LINE_BYTES:
                            raise ProtocolError("a chunk-size or trailer line is too long")
                        self._scanned = len(buf)
                        return None
                    if end - pos > MAX_LINE_BYTES:
                        raise ProtocolError("a chunk-size or trailer line is too long")
                    line = bytes(buf[pos:end])
                    pos = end + 2
                    self._scanned = pos
                    if state == _TRAILERS:
                        if not line:
                            self._state = state = _DONE
                            if pos < len(buf):
                                self.trailing = True
                                self.keep_alive = False
                            return self._finish()
                        self._remaining += len(line)
                        if self._remaining > MAX_HEAD_BYTES:
                            raise ProtocolError("the response trailers are larger than 64 KiB")
                        continue
                    size = _chunk_size(line)
                    if size == 0:
                        self._state = state = _TRAILERS
                        self._remaining = 0  # now: trailer bytes seen
                        continue
                    if len(self._body) + size > self._max_body:
                        raise BodyTooLarge(
                            f"the response body exceeds the limit of {self._max_body} bytes"
                        )
                    self._remaining = size
                    self._state = state = _CHUNK_DATA
                elif state == _CHUNK_DATA:
                    available = len(buf) - pos
                    if not available:
                        return None
                    take = min(available, self._remaining)
                    self._body += buf[pos : pos + take]
                    pos += take
                    self._remaining -= take
                    if self._remaining:
                        return None
                    self._state = state = _CHUNK_END
                else:  # _CHUNK_END
                    if len(buf) - pos < 2:
                        return None
                    if not buf.startswith(b"\r\n", pos):
                        raise ProtocolError("chunk data is not followed by CRLF")
                    pos += 2
                    self._scanned = pos
                    self._state = state = _CHUNK_SIZE
        finally:
            if pos:
                del buf[:pos]  # only the unread tail stays (at most one line)
                self._scanned = max(0, self._scanned - pos)

    def _finish(self, body: bytes | None = None) -> HTTPResponse:
        self._state = _DONE
        if body is None:
            body = bytes(self._body)
        self._body = bytearray()  # an idle connection must not hold on to its last answer
        self._buf = bytearray()
        return HTTPResponse(self._status, self._headers, body)


Head = tuple[int, Headers, bool, "float | None", int, int]


def read_head(head: bytes, max_body: int) -> Head | None:
    """A response head (without its final CRLF CRLF): (status, headers, keep-alive,
    Keep-Alive timeout, body framing state, Content-Length); None for an interim 1xx."""
    text = head.decode("latin-1")
    eol = text.find("\r\n")
    line = text if eol < 0 else text[:eol]
    # The header lines' pattern refuses control characters; the status line is checked here.
    if not (line.isascii() and line.isprintable()) and _has_control(line):
        raise ProtocolError("the response status line holds a control character")
    version = line[:9]
    code = line[9:12]
    if (
        (version != "HTTP/1.1 " and version != "HTTP/1.0 ")
        or not ("100" <= code <= "599" and code.isdigit() and code.isascii())
        or line[12:13] not in ("", " ")
    ):
        raise ProtocolError(f"not an HTTP/1.x status line with a status of 100-599: {line[:40]!r}")
    status = int(code)
    if status == 101:  # nothing asked to switch protocols: what follows is not HTTP/1.1
        raise ProtocolError("an unrequested 101 Switching Protocols response")
    block = "" if eol < 0 else text[eol:]
    if block and _field_lines().fullmatch(block) is None:
        raise ProtocolError(
            "a response header line is malformed or holds a control character or a bare CR/LF"
        )
    if status < 200:
        return None  # 100 Continue and friends (their lines checked like any): read on
    # Only the framing fields are read now (in lower case, which is all framing needs); the
    # header dict is built if someone asks for it: a successful call never does.
    length = transfer = connection = keep_alive = None
    for name, raw in _framing().findall(block.lower()):
        value = raw.rstrip(" \t")
        if name == "content-length":
            length = value if length is None else f"{length}, {value}"
        elif name == "transfer-encoding":
            transfer = value if transfer is None else f"{transfer}, {value}"
        elif name == "connection":
            connection = value if connection is None else f"{connection}, {value}"
        else:
            keep_alive = value if keep_alive is None else f"{keep_alive}, {value}"
    reuse = True
    if connection is not None or version == "HTTP/1.0 ":
        tokens: set[str] = {t.strip() for t in connection.split(",")} if connection else set()
        if "close" in tokens or (version == "HTTP/1.0 " and "keep-alive" not in tokens):
            reuse = False
    idle = _keep_alive_timeout(keep_alive) if keep_alive else None
    if (
        length is not None
        and transfer is None
        and length.isdigit()
        and length.isascii()
        and len(length) <= _MAX_LENGTH_DIGITS
        and status != 204
        and status != 304
    ):
        size = int(length)  # the usual case: one plain Content-Length
        state = _LENGTH if size else _DONE
    else:
        state, size = _frame(status, length, transfer)
        if state == _UNTIL_CLOSE or (
            state == _CHUNK_SIZE and (length is not None or version == "HTTP/1.0 ")
        ):
            # Read until close; or both framings, or chunked in HTTP/1.0 (RFC 9112 6.1):
            # answer it, then trust the connection no more.
            reuse = False
    if size > max_body:
        raise BodyTooLarge(f"the response announces {size} bytes; the limit is {max_body}")
    return status, Headers(block), reuse, idle, state, size


def _frame(status: int, length: str | None, transfer: str | None) -> tuple[int, int]:
    """RFC 9112 6.3: how the body is delimited, and its announced length."""
    if status in _NO_BODY:
        return _DONE, 0
    if transfer is not None:
        if transfer.strip().lower() != "chunked":
            raise ProtocolError("unsupported Transfer-Encoding (only chunked is accepted)")
        return _CHUNK_SIZE, 0
    if length is not None:
        # Repeated identical values are allowed (RFC 9110 8.6); anything else is not a length.
        values = {v.strip() for v in length.split(",")}
        value = values.pop() if len(values) == 1 else ""
        if not (value.isascii() and value.isdigit()) or len(value) > _MAX_LENGTH_DIGITS:
            raise ProtocolError("bad Content-Length")
        size = int(value)
        return (_LENGTH if size else _DONE), size
    return _UNTIL_CLOSE, 0


_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"


@functools.cache
def _field_lines() -> re.Pattern[str]:
    """Every line "name: value", the name a token, the value HTAB, SP, visible ASCII or
    obs-text (RFC 9110 5.5): no control character, no bare CR or LF. Compiled on the first
    response, not at import."""
    return re.compile(rf"(?:\r\n{_TOKEN}:[\t\x20-\x7e\x80-\xff]*+)+")


def _has_control(text: str) -> bool:
    return bool(text.translate(_CONTROLS))


# str.translate table deleting every allowed character: what is left is a control character.
_CONTROLS = {c: None for c in range(256) if c == 9 or 0x20 <= c <= 0x7E or c >= 0x80}


@functools.cache
def _framing() -> re.Pattern[str]:
    """The fields that decide how the body is delimited, in a lower-cased head."""
    # The value runs to the line's end, its trailing blanks trimmed by `read_head`: a lazy
    # value before optional blanks would retry every split of a long run of blanks.
    return re.compile(
        r"\r\n(content-length|transfer-encoding|connection|keep-alive):[ \t]*+([^\r\n]*+)"
    )


def _chunk_size(line: bytes) -> int:
    digits = line.split(b";", 1)[0].strip(b" \t").decode("latin-1")
    if not digits or len(digits) > _MAX_CHUNK_DIGITS or not _HEX_DIGITS.issuperset(digits):
        raise ProtocolError("bad chunk size")
    return int(digits, 16)


def _keep_alive_timeout(value: str) -> float | None:
    """``Keep-Alive: timeout=5, max=100`` -> 5.0 (RFC 2068 19.7.1.1); None when absent or odd."""
    for part in value.split(","):
        key, _, number = part.strip().partition("=")
        if key.strip().lower() == "timeout":
            number = number.strip()
            if number.isascii() and number.isdigit() and len(number) <= 6:
                return float(number)
            return None
    return None
