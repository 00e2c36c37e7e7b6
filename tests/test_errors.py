"""Every error response becomes a typed exception, whatever the body looks like."""

from __future__ import annotations

import httpx
import pytest
from helpers import Recorder, client, json_response

from sm_typed import errors
from sm_typed.errors import ServiceError


async def raised_by(response: httpx.Response) -> ServiceError:
    rec = Recorder(lambda _r: response)
    async with client(rec) as sm:
        with pytest.raises(ServiceError) as info:
            await sm.describe_model(model_name="m")
    return info.value


@pytest.mark.parametrize(
    "type_field",
    [
        "ResourceNotFound",
        "com.amazonaws.sagemaker#ResourceNotFound",
        "ResourceNotFound:http://internal.amazon.com/coral/com.amazon.sagemaker/",
        "aws.different.namespace#ResourceNotFound:http://x/",
    ],
)
async def test_dunder_type_forms_map_to_the_modelled_class(type_field: str) -> None:
    exc = await raised_by(
        json_response({"__type": type_field, "Message": "no such model"}, status=400)
    )
    assert type(exc) is errors.ResourceNotFound
    assert exc.code == "ResourceNotFound"
    assert exc.message == "no such model"
    assert exc.status_code == 400
    assert exc.request_id == "req-1"
    assert exc.operation == "DescribeModel"
    assert "DescribeModel" in str(exc) and "ResourceNotFound" in str(exc)


async def test_modelled_errors_of_the_model_exist() -> None:
    for name in (
        "ResourceLimitExceeded",
        "ResourceNotFound",
        "ResourceInUse",
        "ConflictException",
        "ResourceAlreadyExists",
    ):
        cls = getattr(errors, name)
        assert issubclass(cls, ServiceError)
        assert errors.ERROR_CLASSES[name] is cls


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("ValidationException", errors.ValidationException),
        ("ThrottlingException", errors.ThrottlingException),
        ("AccessDeniedException", errors.AccessDeniedException),
        ("UnrecognizedClientException", errors.UnrecognizedClientException),
        ("InvalidSignatureException", errors.InvalidSignatureException),
        ("SignatureDoesNotMatch", errors.SignatureDoesNotMatch),
        ("ExpiredTokenException", errors.ExpiredTokenException),
        ("IncompleteSignature", errors.IncompleteSignature),
        ("ServiceUnavailable", errors.ServiceUnavailable),
        ("InternalFailure", errors.InternalFailure),
    ],
)
async def test_common_aws_errors(code: str, cls: type[ServiceError]) -> None:
    exc = await raised_by(json_response({"__type": code, "message": "m"}, status=400))
    assert type(exc) is cls
    assert exc.message == "m"


async def test_unknown_code_is_a_plain_service_error_with_the_code() -> None:
    exc = await raised_by(json_response({"__type": "BrandNewError", "message": "new"}, status=409))
    assert type(exc) is ServiceError
    assert (exc.code, exc.message, exc.status_code) == ("BrandNewError", "new", 409)


async def test_code_from_header_and_code_field() -> None:
    exc = await raised_by(
        json_response({}, status=400, headers={"X-Amzn-Errortype": "ResourceInUse:http://x/"})
    )
    assert type(exc) is errors.ResourceInUse
    exc = await raised_by(json_response({"code": "aws.protocoltests#ResourceInUse"}, status=400))
    assert type(exc) is errors.ResourceInUse


@pytest.mark.parametrize(
    ("response", "code", "message_part"),
    [
        (
            httpx.Response(
                502,
                content=b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                headers={"Content-Type": "text/html"},
            ),
            "502",
            "502 Bad Gateway",
        ),
        (
            httpx.Response(
                403,
                content=b"<?xml version='1.0'?><ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
                b"<Message>The request signature we calculated does not match</Message></Error>"
                b"<RequestId>abc-123</RequestId></ErrorResponse>",
                headers={"Content-Type": "text/xml"},
            ),
            "SignatureDoesNotMatch",
            "does not match",
        ),
        (httpx.Response(500, content=b""), "500", ""),
        (httpx.Response(503, content=b"{not json"), "503", "non-JSON error response"),
        (httpx.Response(400, content=b"[1, 2]"), "400", "non-JSON error response"),
        (
            httpx.Response(
                400, content=b"oops", headers={"x-amzn-ErrorType": "ThrottlingException"}
            ),
            "ThrottlingException",
            "non-JSON",
        ),
    ],
)
async def test_non_json_bodies_still_give_a_service_error(
    response: httpx.Response, code: str, message_part: str
) -> None:
    exc = await raised_by(response)
    assert exc.code == code
    assert message_part in exc.message
    assert exc.status_code == response.status_code


async def test_xml_request_id_is_kept() -> None:
    exc = await raised_by(
        httpx.Response(
            403, content=b"<Error><Code>AccessDenied</Code></Error><RequestId>r-9</RequestId>"
        )
    )
    assert exc.request_id == "r-9"
    assert exc.code == "AccessDenied"


async def test_success_with_undecodable_body_is_a_typed_parse_error() -> None:
    rec = Recorder(lambda _r: httpx.Response(200, content=b"<html>not json</html>"))
    async with client(rec) as sm:
        with pytest.raises(errors.ResponseParseError) as info:
            await sm.describe_model(model_name="m")
    assert info.value.operation == "DescribeModel"
    assert isinstance(info.value, errors.SmTypedError)


async def test_dunder_type_wins_over_a_modelled_code_member_and_the_header() -> None:
    # Lightsail, Firehose and Redshift Serverless model a `code` member on their errors;
    # botocore reads the code from `__type` alone.
    exc = await raised_by(
        json_response(
            {"__type": "ResourceNotFound", "code": "NotFound", "message": "gone"},
            status=400,
            headers={"x-amzn-ErrorType": "ResourceInUse:http://x/"},
        )
    )
    assert type(exc) is errors.ResourceNotFound
    assert exc.code == "ResourceNotFound"
    assert exc.message == "gone"
