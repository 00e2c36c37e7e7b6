"""botocore's SigV4Auth as the reference signer for agreement tests."""

from __future__ import annotations

from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def botocore_signature(
    *,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    access_key: str,
    secret_key: str,
    token: str | None,
    region: str,
    service: str,
    amz_date: str,
) -> dict[str, Any]:
    """Canonical request, string to sign and signature as botocore computes them.

    ``headers`` must hold exactly the headers to sign other than host (botocore
    derives host from the URL), including ``X-Amz-Date`` and any token.
    """
    request = AWSRequest(method=method, url=url, headers=headers, data=body)
    request.context["timestamp"] = amz_date
    auth = SigV4Auth(Credentials(access_key, secret_key, token), service, region)
    creq = auth.canonical_request(request)
    sts = auth.string_to_sign(request, creq)
    return {
        "canonical_request": creq,
        "string_to_sign": sts,
        "signature": auth.signature(sts, request),
    }
