"""`RawResponse`: an operation's output with what came with it on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

import msgspec

__all__ = ["RawResponse"]

T = TypeVar("T")


class RawResponse(msgspec.Struct, Generic[T], frozen=True):
    """What ``client.with_raw_response.<operation>(...)`` returns.

    ``parsed`` is what the plain call returns (``None`` for an operation without
    output); ``request_id`` is the ``x-amzn-RequestId`` of the response (botocore's
    ``ResponseMetadata["RequestId"]``); ``attempts`` and ``retry_time`` count the
    attempts of the call and the seconds from the first one to the answer; ``content``
    is the response body as it came (what ``parsed`` was decoded from).
    """

    parsed: T
    request_id: str | None
    status_code: int
    headers: Mapping[str, str]
    attempts: int
    retry_time: float
    content: bytes = b""
