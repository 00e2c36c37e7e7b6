"""What an error response says: its code, message and request id, whatever its body.

JSON bodies in all the forms AWS services use (``__type``, ``code``, ``ns#Code``,
``Code:uri``), the ``x-amzn-ErrorType`` header, XML errors from other AWS front ends,
HTML pages from proxies, nothing at all. A body that cannot be read is never an error
of its own: the status code still gives a `ServiceError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

from ._decode import DecodeFailure, decode_any
from ._metadata import request_id_of


class ErrorInfo(msgspec.Struct, frozen=True):
    code: str
    message: str
    request_id: str | None
    # The JSON object of the error body, for modelled members; None when not JSON.
    body: dict[str, Any] | None
    # With ``x-amzn-query-error`` (a Query-compatible service): the JSON code, which ``code``
    # (the Query code, as botocore reports it) replaced; botocore's QueryErrorCode.
    query_code: str | None = None


# Patterns, not compiled objects: compiling costs import time and only odd errors need them
# (``re`` compiles each on first use and caches it).
_XML_CODE = rb"<Code>([^<]{1,200})</Code>"
_XML_MESSAGE = rb"<Message>([^<]{0,2000})</Message>"
_XML_REQUEST_ID = rb"<RequestId>([^<]{1,200})</RequestId>"
_TITLE = rb"(?i)<title>([^<]{1,200})</title>"


def error_code(raw: str) -> str:
    """``ns#Foo``, ``Foo:http://...`` and ``ns#Foo:http://...`` all mean ``Foo``."""
    return raw.split(":", 1)[0].rsplit("#", 1)[-1].strip()


def parse_error(status: int, headers: Mapping[str, str], body: bytes) -> ErrorInfo:
    """Read the code, message and request id of an error response, whatever its body."""
    header_code = headers.get("x-amzn-errortype")
    request_id = request_id_of(headers)
    obj: dict[str, Any] | None = None
    if body.strip():
        try:
            decoded = decode_any(body)
        except DecodeFailure:
            decoded = None
        if isinstance(decoded, dict):
            obj = decoded  # pyright: ignore[reportUnknownVariableType]
    if obj is not None:
        # botocore's JSON parser reads ``__type`` alone, and services such as Lightsail model
        # a ``code`` member of their own on errors ({"__type": "NotFoundException", "code":
        # "NotFound"}): ``__type`` wins. The header and a bare ``code`` are Smithy's other
        # places for the code, used only when there is no ``__type``.
        raw_code = _str(obj.get("__type")) or header_code or _str(obj.get("code")) or ""
        message = (
            _str(obj.get("message")) or _str(obj.get("Message")) or _str(obj.get("errorMessage"))
        )
        code = error_code(raw_code) if raw_code else str(status)
        query = headers.get("x-amzn-query-error")
        if query is not None:
            # "AWS.SimpleQueueService.NonExistentQueue;Sender": botocore reports the first part.
            parts = query.split(";")
            if len(parts) == 2 and parts[0]:
                return ErrorInfo(parts[0], message or "", request_id, obj, code)
        return ErrorInfo(code, message or "", request_id, obj)
    # Not JSON: a proxy's HTML page, an XML error from another AWS front end, nothing.
    code = error_code(header_code) if header_code else ""
    message = ""
    if m := re.search(_XML_CODE, body):
        code = code or _text(m.group(1))
        if mm := re.search(_XML_MESSAGE, body):
            message = _text(mm.group(1))
        if not request_id and (rm := re.search(_XML_REQUEST_ID, body)):
            request_id = _text(rm.group(1))
    if not message and body:
        ctype = headers.get("content-type", "unknown content type")
        title = re.search(_TITLE, body)
        detail = f": {_text(title.group(1))}" if title else ""
        message = f"non-JSON error response ({ctype}, {len(body)} bytes){detail}"
    return ErrorInfo(code or str(status), message, request_id, None)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _text(raw: bytes) -> str:
    return " ".join(raw.decode("utf-8", "replace").split())
