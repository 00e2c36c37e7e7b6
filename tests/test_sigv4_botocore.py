"""Our signer and botocore's SigV4Auth agree on random requests."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from botocore_signer import botocore_signature

from sm_typed_runtime._sigv4 import sign

SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~"
ODD = " ሴé+=&%/!$'()*,;:@"


def rand_text(rng: random.Random, alphabet: str, lo: int = 1, hi: int = 12) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


@dataclass(frozen=True)
class RandomRequest:
    method: str
    path: str  # unencoded
    query: str
    headers: dict[str, str]
    body: bytes
    token: str | None
    region: str
    service: str
    amz_date: str


def random_request(rng: random.Random) -> RandomRequest:
    segments = [
        rand_text(rng, SAFE + " ሴé", 1, 8).strip(".") or "x" for _ in range(rng.randint(0, 3))
    ]
    params = sorted(
        {
            rand_text(rng, SAFE, 1, 6): rand_text(rng, SAFE + ODD, 0, 8)
            for _ in range(rng.randint(0, 4))
        }.items()
    )
    headers = {
        "X-Amz-Target": f"Svc.{rand_text(rng, SAFE, 3, 10)}",
        "Content-Type": rng.choice(["application/x-amz-json-1.1", "application/x-amz-json-1.0"]),
    }
    for _ in range(rng.randint(0, 3)):
        headers[f"X-Custom-{rand_text(rng, 'abcdef', 2, 5)}"] = "  ".join(
            rand_text(rng, SAFE, 1, 6) for _ in range(rng.randint(1, 3))
        )
    return RandomRequest(
        method=rng.choice(["POST", "GET", "PUT"]),
        path="/" + "/".join(segments),
        query="&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params),
        headers=headers,
        body=rand_text(rng, SAFE + ODD, 0, 200).encode(),
        token=rng.choice([None, rand_text(rng, SAFE + "/+=", 20, 60)]),
        region=rng.choice(["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"]),
        service=rng.choice(["sagemaker", "dynamodb", "execute-api"]),
        amz_date=f"20{rng.randint(10, 40)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"
        f"T{rng.randint(10, 23)}{rng.randint(10, 59)}{rng.randint(10, 59)}Z",
    )


@pytest.mark.parametrize("seed", range(5))
def test_random_requests_match_botocore(seed: int) -> None:
    rng = random.Random(seed)
    host = "example.amazonaws.com"
    for _ in range(100):
        r = random_request(rng)
        wire_path = quote(r.path, safe="/~")
        common = {
            "region": r.region,
            "service": r.service,
            "amz_date": r.amz_date,
            "access_key": "AKID",
            "secret_key": "secret/key+",
        }
        ours = sign(
            method=r.method,
            path=wire_path,
            query=r.query,
            headers=[("Host", host), *r.headers.items()],
            payload_hash=hashlib.sha256(r.body).hexdigest(),
            session_token=r.token,
            **common,
        )
        signed_headers = {**r.headers, **dict(ours.headers)}
        signed_headers.pop("Authorization")
        theirs = botocore_signature(
            method=r.method,
            url=f"https://{host}{wire_path}" + (f"?{r.query}" if r.query else ""),
            headers=signed_headers,
            body=r.body,
            token=r.token,
            **common,
        )
        assert ours.canonical_request == theirs["canonical_request"], r
        assert ours.string_to_sign == theirs["string_to_sign"]
        assert ours.signature == theirs["signature"]


@pytest.mark.parametrize("seed", range(3))
def test_uri_encode_matches_urllib_quote(seed: int) -> None:
    """The signer's own UriEncode (kept off urllib.parse for import time) is quote()'s twin."""
    from sm_typed_runtime._sigv4 import _PATH_SAFE, uri_encode

    rng = random.Random(seed)
    alphabet = "aZ09-_.~/ %+=&?#:@!*'()[];,$\t\né€😀\x00\x7f"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert uri_encode(text) == quote(text, safe="-_.~")
        assert uri_encode(text, _PATH_SAFE) == quote(text, safe="/-_.~")


@pytest.mark.parametrize("seed", range(3))
def test_the_per_route_template_signs_as_the_general_signer(seed: int) -> None:
    """The hot path's SigningTemplate gives exactly the general signer's Authorization (and so
    botocore's, by the test above) for POSTs with the constant headers, with or without token."""
    from sm_typed_runtime._credentials import Credentials
    from sm_typed_runtime._routing import encode_path
    from sm_typed_runtime._sigv4 import SigningTemplate

    rng = random.Random(seed)
    for _ in range(200):
        r = random_request(rng)
        path = encode_path(r.path if r.path.endswith("/") else r.path + "/")
        constant = [("Host", "example.amazonaws.com"), *r.headers.items()]
        template = SigningTemplate(path=path, headers=constant)
        payload = hashlib.sha256(r.body).hexdigest()
        general = sign(
            method="POST",
            path=path,
            query="",
            headers=constant,
            payload_hash=payload,
            access_key="AKID",
            secret_key="secret/key+",
            session_token=r.token,
            region=r.region,
            service=r.service,
            amz_date=r.amz_date,
        )
        creds = Credentials("AKID", "secret/key+", r.token)
        for _ in range(2):  # the second time from the template's derived-key cache
            assert (
                template.sign(creds, payload, r.amz_date, r.region, r.service)
                == general.authorization
            )


def test_endpoint_paths_are_encoded_once_as_httpx_writes_them() -> None:
    import httpx

    from sm_typed_runtime._routing import encode_path

    for path in ["/", "/é/", "/a b/", "/%41/", "/%zz/", "/ሴ/x/", "/a:b@c!$/"]:
        assert encode_path(path) == httpx.URL("https://h" + path).raw_path.decode(), path
