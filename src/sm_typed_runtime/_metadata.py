"""What a response says about itself: read in one place for every consumer."""

from __future__ import annotations

from collections.abc import Mapping


def request_id_of(headers: Mapping[str, str] | None) -> str | None:
    """The response's request id, as botocore reads it (``ResponseMetadata["RequestId"]``),
    for errors, raw responses, interceptors and the DEBUG line alike."""
    if headers is None:
        return None
    return headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")
