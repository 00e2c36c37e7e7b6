"""A loopback HTTP/1.1 keep-alive server answering every request with one fixed JSON body.

Runs in its own process so the client's CPU can be measured alone:
    python bench/stub_server.py PORT [BODY_FILE]
It prints "ready" once listening.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

DEFAULT_BODY = b'{"ModelArn":"arn:aws:sagemaker:us-east-1:123456789012:model/bench"}'


class _Handler(asyncio.Protocol):
    def __init__(self, response: bytes) -> None:
        self.response = response
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            length = 0
            for line in head.split(b"\r\n"):
                if line.startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            assert self.transport is not None
            self.transport.write(self.response)


def build_response(body: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: application/x-amz-json-1.1\r\n"
        b"x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


async def serve(port: int, body: bytes) -> None:
    response = build_response(body)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Handler(response), "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    port = int(sys.argv[1])
    body = Path(sys.argv[2]).read_bytes() if len(sys.argv) > 2 else DEFAULT_BODY
    asyncio.run(serve(port, body))
