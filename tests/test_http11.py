"""The sans-IO HTTP/1.1 response parser: every framing rule and hostile input as bytes.

Each case feeds bytes (whole, or split anywhere) and expects a response or a
`ProtocolError`; nothing else may come out, however the bytes are split or mutated.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sm_typed_runtime._http11 import (
    MAX_HEAD_BYTES,
    MAX_LINE_BYTES,
    BodyTooLarge,
    IncompleteResponse,
    ProtocolError,
    ResponseParser,
)
from sm_typed_runtime._transport import HTTPResponse

BODY = b'{"Models": []}'
LIMIT = 1024 * 1024


def parse(data: bytes, *, chunks: list[int] | None = None, eof: bool = False) -> HTTPResponse:
    """Feed ``data`` (split at ``chunks`` sizes, if given); the complete response."""
    parser = ResponseParser(LIMIT)
    pieces = [data] if chunks is None else _split(data, chunks)
    for piece in pieces:
        response = parser.feed(piece)
        if response is not None:
            return response
    if eof:
        response = parser.feed_eof()
        if response is not None:
            return response
    raise AssertionError("no response")


def _split(data: bytes, sizes: list[int]) -> list[bytes]:
    out, i = [], 0
    for n in sizes:
        if i >= len(data):
            break
        out.append(data[i : i + max(1, n)])
        i += max(1, n)
    if i < len(data):
        out.append(data[i:])
    return out


def length_framed(body: bytes = BODY, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\n" + extra + b"Content-Length: %d\r\n\r\n" % len(body) + body


@pytest.mark.parametrize(
    "data",
    [
        length_framed(),
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"Mod\r\n9\r\nels": []}\r\n0\r\n\r\n',
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n0e;ext=1\r\n"
        + BODY
        + b"\r\n0\r\nT: x\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\n" + length_framed(),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n" + length_framed(),
        b"HTTP/1.1 200 OK\r\ncontent-length: 14\r\n\r\n" + BODY,
        b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nContent-Length: 14\r\n\r\n" + BODY,
        b"HTTP/1.1 200 OK\r\nContent-Length: 14, 14\r\n\r\n" + BODY,
        b"HTTP/1.1 200\r\nContent-Length: 14\r\n\r\n" + BODY,  # no reason phrase
        b"HTTP/1.1 200 OK\r\nX-Odd: caf\xe9\r\nContent-Length: 14\r\n\r\n" + BODY,  # obs-text
    ],
    ids=[
        "length",
        "chunked",
        "chunk-ext-trailer",
        "100",
        "1xx-twice",
        "lower",
        "repeat",
        "list",
        "no-reason",
        "obs-text",
    ],
)
@pytest.mark.parametrize(
    "split", [None, [1] * 4096, [3, 7, 1, 50, 2]], ids=["whole", "bytewise", "odd"]
)
def test_valid_framings_give_the_body_however_split(data: bytes, split: list[int] | None) -> None:
    response = parse(data, chunks=split)
    assert response.status == 200
    assert response.body == BODY


def test_headers_are_read_in_any_case_and_repeats_join() -> None:
    response = parse(length_framed(extra=b"X-Amzn-RequestId: r-1\r\nX-Dup: a\r\nx-dup: b\r\n"))
    assert response.headers["x-amzn-requestid"] == "r-1"
    assert response.headers.get("X-AMZN-REQUESTID") == "r-1"
    assert response.headers["x-dup"] == "a, b"
    assert "content-length" in response.headers and len(response.headers) == 3


def test_close_delimited_body_ends_at_eof() -> None:
    parser = ResponseParser(LIMIT)
    assert parser.feed(b"HTTP/1.1 200 OK\r\n\r\n" + BODY[:5]) is None
    assert parser.feed(BODY[5:]) is None
    response = parser.feed_eof()
    assert response is not None and response.body == BODY
    assert not parser.keep_alive


@pytest.mark.parametrize(
    ("data", "keep"),
    [
        (length_framed(), True),
        (length_framed(extra=b"Connection: close\r\n"), False),
        (length_framed(extra=b"Connection: Keep-Alive, Close\r\n"), False),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 14\r\n\r\n" + BODY, False),
        (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 14\r\n\r\n" + BODY, True),
        (length_framed() + b"stray", False),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
            False,
        ),
        # Chunked in HTTP/1.0 is faulty framing (RFC 9112 6.1): answered, then not reused.
        (
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"0\r\n\r\n",
            False,
        ),
    ],
)
def test_keep_alive_is_decided_by_the_response(data: bytes, keep: bool) -> None:
    parser = ResponseParser(LIMIT)
    assert parser.feed(data) is not None
    assert parser.keep_alive is keep


def test_keep_alive_timeout_is_read() -> None:
    parser = ResponseParser(LIMIT)
    parser.feed(length_framed(extra=b"Keep-Alive: timeout=5, max=100\r\n"))
    assert parser.idle_timeout == 5.0


@pytest.mark.parametrize(
    "data",
    [
        b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
        b"HTTP/2 200 OK\r\n\r\n",
        b"HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 " + b"2" * 5000 + b" OK\r\n\r\n",  # beyond Python's int-digit limit
        "HTTP/1.1 ²00 OK\r\n\r\n".encode("latin-1"),  # a digit to str.isdigit, not to HTTP
        b"HTTP/1.1 200 OK\r\nContent-Length: twelve\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n" + BODY,
        b"HTTP/1.1 200 OK\r\nContent-Length: +14\r\n\r\n" + BODY,
        b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nContent-Length: 15\r\n\r\n" + BODY,
        b"HTTP/1.1 200 OK\r\nbroken header line\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n folded: x\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX: a\x00b\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX: a\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"f" * 17 + b"\r\n",
    ],
)
def test_invalid_responses_are_protocol_errors(data: bytes) -> None:
    parser = ResponseParser(LIMIT)
    with pytest.raises(ProtocolError):
        for i in range(0, len(data), 7):  # and the same bytes split: same outcome
            parser.feed(data[i : i + 7])
        parser.feed_eof()


def test_a_head_over_64_kib_is_refused_even_without_its_end() -> None:
    parser = ResponseParser(LIMIT)
    parser.feed(b"HTTP/1.1 200 OK\r\nX-Big: ")
    with pytest.raises(ProtocolError, match="64 KiB"):
        for _ in range(MAX_HEAD_BYTES // 1024 + 2):
            parser.feed(b"a" * 1024)


def test_the_search_for_the_head_end_resumes_where_it_stopped() -> None:
    """Linear work: a head arriving a byte at a time is not searched from its start again."""
    parser = ResponseParser(LIMIT)
    data = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 4000
    for i, byte in enumerate(data, 1):
        assert parser.feed(bytes([byte])) is None
        assert parser._scanned == i  # pyright: ignore[reportPrivateUsage]


def test_a_chunk_size_line_without_its_end_is_capped_and_resumed() -> None:
    parser = ResponseParser(LIMIT)
    parser.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    for i in range(1, 100):
        parser.feed(b";")  # an extension that never ends
        assert parser._scanned == i  # pyright: ignore[reportPrivateUsage]
    with pytest.raises(ProtocolError, match="too long"):
        parser.feed(b";" * MAX_LINE_BYTES)


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n",
    ],
)
def test_an_announced_body_over_the_limit_is_refused_before_it_is_read(head: bytes) -> None:
    with pytest.raises(BodyTooLarge):
        ResponseParser(LIMIT).feed(head)


@pytest.mark.parametrize(
    "head",
    [b"HTTP/1.1 200 OK\r\n\r\n", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"],
    ids=["until-close", "chunked"],
)
def test_a_body_that_never_ends_stops_at_the_limit(head: bytes) -> None:
    parser = ResponseParser(LIMIT)
    parser.feed(head)
    chunked = b"chunked" in head
    with pytest.raises(BodyTooLarge):
        for _ in range(LIMIT // 4096 + 2):
            piece = b"x" * 4096
            parser.feed(b"1000\r\n" + piece + b"\r\n" if chunked else piece)


def test_many_interim_responses_in_one_read_are_refused_without_recursion() -> None:
    data = b"HTTP/1.1 100 Continue\r\n\r\n" * 5000 + length_framed()
    with pytest.raises(ProtocolError, match="interim"):
        ResponseParser(LIMIT).feed(data)
    assert parse(b"HTTP/1.1 100 Continue\r\n\r\n" * 30 + length_framed()).body == BODY


@pytest.mark.parametrize(
    ("data", "nothing"),
    [(b"", True), (b"HTTP/1.1 200 OK\r\nContent-Le", False), (length_framed()[:-3], False)],
)
def test_eof_before_the_end_is_an_incomplete_response(data: bytes, nothing: bool) -> None:
    parser = ResponseParser(LIMIT)
    if data:
        assert parser.feed(data) is None
    with pytest.raises(IncompleteResponse) as info:
        parser.feed_eof()
    assert info.value.received_nothing is nothing


def test_no_body_for_204_and_304() -> None:
    for status in (b"204 No Content", b"304 Not Modified"):
        response = parse(b"HTTP/1.1 " + status + b"\r\nContent-Length: 10\r\n\r\n")
        assert response.body == b""


# -- fuzzing ------------------------------------------------------------------------------

VALID = [
    length_framed(),
    length_framed(b"x" * 3000, b"x-amzn-RequestId: abc\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"),
    b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"Mod\r\n9\r\nels": []}\r\n0\r\n\r\n',
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad\r\nContent-Length: 14\r\n\r\n" + BODY,
    b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + BODY,
]


def outcome(data: bytes, sizes: list[int]) -> tuple[str, object]:
    """("ok", (status, headers, body)) or ("error", None); anything else fails the test."""
    parser = ResponseParser(4096)
    try:
        for piece in _split(data, sizes):
            response = parser.feed(piece)
            if response is not None:
                return "ok", (response.status, dict(response.headers), response.body)
        response = parser.feed_eof()
        if response is not None:
            return "ok", (response.status, dict(response.headers), response.body)
        return "error", None
    except ProtocolError:
        return "error", None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(VALID),
    sizes=st.lists(st.integers(min_value=1, max_value=64), max_size=80),
)
def test_the_same_response_however_the_bytes_are_split(base: bytes, sizes: list[int]) -> None:
    assert outcome(base, sizes) == outcome(base, [])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(VALID),
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=4000), st.binary(min_size=0, max_size=6)),
        min_size=1,
        max_size=6,
    ),
    sizes=st.lists(st.integers(min_value=1, max_value=64), max_size=40),
)
def test_mutated_responses_give_a_result_or_a_protocol_error(
    base: bytes, edits: list[tuple[int, bytes]], sizes: list[int]
) -> None:
    data = bytearray(base)
    for at, replacement in edits:
        at %= len(data) + 1
        data[at : at + len(replacement)] = replacement
    mutated = bytes(data)
    whole = outcome(mutated, [])  # raises nothing but ProtocolError, or the test fails
    assert outcome(mutated, sizes) == whole


@pytest.mark.parametrize(
    "interim",
    [
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n",
        b"HTTP/1.1 103 Early Hints\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 103 Early Hints\r\nLink: </a>\x00\r\n\r\n",
    ],
    ids=["unrequested-101", "103-line-without-colon", "103-nul"],
)
def test_an_interim_answer_is_held_to_the_rules_of_any_head(interim: bytes) -> None:
    """Nothing asked for a protocol switch, and an interim head is read like a final one."""
    with pytest.raises(ProtocolError):
        parse(interim + length_framed())


@pytest.mark.parametrize(
    "field", ["Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"]
)
def test_a_framing_value_full_of_blanks_is_read_in_linear_time(field: str) -> None:
    """A value like "a" + 60,000 blanks + "a" took 38 s of CPU (a backtracking pattern)
    inside data_received, with the event loop stopped: now it is one pass."""
    import contextlib
    import time

    value = b"a" + b" \t" * 30_000 + b"a"
    data = (
        b"HTTP/1.1 200 OK\r\n" + field.encode() + b": " + value + b"\r\nContent-Length: 0\r\n\r\n"
    )
    started = time.process_time()
    # A bad length or coding is refused: what matters is how long it took to say so.
    with contextlib.suppress(ProtocolError):
        parse(data)
    assert time.process_time() - started < 1.0  # 38 s before; ~1 ms now
