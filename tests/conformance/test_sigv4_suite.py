"""The official SigV4 test suites (aws-c-auth's v4 and botocore's older copy)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from sm_typed_runtime._sigv4 import EMPTY_SHA256, sign

# A copy of ../shared/conformance (Apache-2.0, LICENSE and NOTICE beside the data),
# so a clean clone runs the suite without the shared folder.
SUITE = Path(__file__).parent / "data" / "sigv4"
V4 = SUITE / "aws-signing-test-suite" / "v4"
OLD = SUITE / "aws4_testsuite"


@dataclass
class RawRequest:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes


def parse_request(text: str) -> RawRequest:
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    request_line = lines[0]
    method, _, rest = request_line.partition(" ")
    target = rest[: rest.rindex(" HTTP/")]
    path, _, query = target.partition("?")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
        elif line:
            name, _, value = line.partition(":")
            headers.append((name, value))
    # A repeated name becomes one comma-joined value, in order.
    joined: dict[str, tuple[str, list[str]]] = {}
    for name, value in headers:
        joined.setdefault(name.lower(), (name, []))[1].append(value)
    merged = [(name, ",".join(values)) for name, values in joined.values()]
    return RawRequest(method, path, query, merged, body.encode())


def v4_cases() -> list[str]:
    return sorted(p.name for p in V4.iterdir() if (p / "context.json").exists())


@pytest.mark.parametrize("case", v4_cases())
def test_aws_c_auth_v4_header_signing(case: str) -> None:
    d = V4 / case
    ctx = json.loads((d / "context.json").read_text())
    req = parse_request((d / "request.txt").read_text())
    payload_hash = hashlib.sha256(req.body).hexdigest() if req.body else EMPTY_SHA256
    creds = ctx["credentials"]
    ts = ctx["timestamp"].replace("-", "").replace(":", "")
    result = sign(
        method=req.method,
        path=req.path,
        query=req.query,
        headers=req.headers,
        payload_hash=payload_hash,
        access_key=creds["access_key_id"],
        secret_key=creds["secret_access_key"],
        session_token=creds.get("token"),
        region=ctx["region"],
        service=ctx["service"],
        amz_date=ts,
        normalize=ctx["normalize"],
        sign_payload_header=ctx["sign_body"],
        sign_session_token=not ctx.get("omit_session_token", False),
    )
    assert result.canonical_request == (d / "header-canonical-request.txt").read_text()
    assert result.string_to_sign == (d / "header-string-to-sign.txt").read_text()
    assert result.signature == (d / "header-signature.txt").read_text()
    signed = parse_request((d / "header-signed-request.txt").read_text())
    expected = {k.lower(): v for k, v in signed.headers}
    for name, value in result.headers:
        assert expected[name.lower()] == value


def old_cases() -> list[Path]:
    return sorted(p.parent for p in OLD.rglob("*.req"))


@pytest.mark.parametrize("case", old_cases(), ids=lambda p: p.name)
def test_botocore_aws4_testsuite(case: Path) -> None:
    name = case.name
    req = parse_request((case / f"{name}.req").read_text())
    creq_expected = (case / f"{name}.creq").read_text()
    token = None
    for line in creq_expected.split("\n"):
        if line.startswith("x-amz-security-token:"):
            token = line.split(":", 1)[1]
    amz_date = next(v for k, v in req.headers if k.lower() == "x-amz-date")
    headers = [
        (k, v) for k, v in req.headers if k.lower() not in ("x-amz-date", "x-amz-security-token")
    ]
    result = sign(
        method=req.method,
        path=req.path,
        query=req.query,
        headers=headers,
        payload_hash=hashlib.sha256(req.body).hexdigest(),
        access_key="AKIDEXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token=token,
        region="us-east-1",
        service="service",
        amz_date=amz_date,
    )
    assert result.canonical_request == creq_expected
    assert result.string_to_sign == (case / f"{name}.sts").read_text()
    assert result.authorization == (case / f"{name}.authz").read_text()
