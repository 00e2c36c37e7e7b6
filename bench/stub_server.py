"""A loopback HTTP/1.1 keep-alive server answering fixed JSON-1.1 bodies, by X-Amz-Target.

Runs in its own process so a client's CPU can be measured alone:
    python bench/stub_server.py PORT
It prints "ready" once listening. CreateModel gets a small body, DescribeModel a
large one (bench/payloads.py), ListModels pages of 100 by their NextToken; anything
else gets ``{}``.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from payloads import LIST_PAGES, RESPONSES, list_models_page


def build_response(body: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: application/x-amz-json-1.1\r\n"
        b"x-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


ROUTES = {target.lower().encode(): build_response(body) for target, body in RESPONSES.items()}
DEFAULT = build_response(b"{}")
LIST_MODELS = [build_response(list_models_page(i)) for i in range(LIST_PAGES)]


class _Handler(asyncio.Protocol):
    def __init__(self) -> None:
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
            target = b""
            for line in head.split(b"\r\n"):
                if line.startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
                elif line.startswith(b"x-amz-target:"):
                    target = line.split(b".", 1)[1].strip() if b"." in line else b""
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            body, self.buffer = self.buffer[end + 4 : total], self.buffer[total:]
            assert self.transport is not None
            if target == b"listmodels":
                at = body.find(b'"NextToken":"p')
                page = int(body[at + 14 : body.index(b'"', at + 14)]) if at >= 0 else 0
                self.transport.write(LIST_MODELS[page])
            else:
                self.transport.write(ROUTES.get(target, DEFAULT))


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Handler, "127.0.0.1", port, backlog=4096)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
