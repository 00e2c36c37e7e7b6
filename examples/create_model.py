"""A typed create_model -> describe_model -> delete_model round trip.

    python examples/create_model.py                      # a local moto server it starts (always)
    python examples/create_model.py --endpoint-url URL   # any SageMaker endpoint (moto, LocalStack)
    python examples/create_model.py --aws [--region R]   # real SageMaker, with your credentials

With no flag it never talks to AWS, whatever AWS_REGION or AWS_PROFILE say. With
--endpoint-url pointing at a loopback or private address and no credentials or region
found, it uses test credentials and us-east-1, and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sm_typed import SageMakerClient
from sm_typed.errors import (
    ConfigurationError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    ResourceNotFound,
    ServiceError,
    SmTypedError,
)
from sm_typed.shapes import ContainerDefinition, Tag, VpcConfig

sys.path.insert(0, str(Path(__file__).parent))
from moto_local import MotoServer

ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:latest"


async def round_trip(client: SageMakerClient, name: str) -> None:
    created = await client.create_model(
        model_name=name,
        primary_container=ContainerDefinition(
            image=IMAGE,
            model_data_url="s3://my-bucket/model.tar.gz",
            environment={"SAGEMAKER_PROGRAM": "inference.py"},
        ),
        execution_role_arn=ROLE,
        tags=[Tag(key="team", value="ml-platform")],
        vpc_config=VpcConfig(security_group_ids=["sg-0123456789abcdef0"], subnets=["subnet-0abc"]),
    )
    print(f"created   {created.model_arn}")

    described = await client.describe_model(model_name=name)
    container = described.primary_container
    print(f"described {described.model_name}: image={container.image if container else None}")
    print(f"          created at {described.creation_time.isoformat()}")

    listed = await client.list_models(name_contains=name)
    print(f"listed    {[m.model_name for m in listed.models]}")

    await client.delete_model(model_name=name)
    print(f"deleted   {name}")

    try:
        await client.describe_model(model_name=name)
    except ResourceNotFound as exc:
        print(f"typed error {type(exc).__name__}: {exc.message}")
    except ServiceError as exc:  # SageMaker reports a missing model as ValidationException
        print(
            f"typed error {type(exc).__name__} (code {exc.code}, HTTP {exc.status_code}): {exc.message}"
        )


def is_local(url: str) -> bool:
    """A loopback or private address (or localhost): a test endpoint, not AWS."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def found_region_and_credentials(region: str | None) -> tuple[str | None, bool]:
    """The region and whether credentials are configured, as botocore resolves them."""
    import botocore.session

    session = botocore.session.get_session()
    return region or session.get_config_variable("region"), session.get_credentials() is not None


def caller_identity(region: str | None) -> tuple[str, str]:
    """(account, region) the AWS run is about to use, asked of STS."""
    import botocore.session

    session = botocore.session.get_session()
    use = region or session.get_config_variable("region")
    if use is None:
        raise NoRegionError("no AWS region: pass --region or set AWS_REGION")
    if session.get_credentials() is None:
        raise NoCredentialsError(["environment", "shared files", "instance metadata"])
    account = session.create_client("sts", region_name=use).get_caller_identity()["Account"]
    return str(account), str(use)


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--endpoint-url", help="a SageMaker endpoint to use instead of moto")
    where.add_argument("--aws", action="store_true", help="use real SageMaker (your credentials)")
    parser.add_argument("--region", help="AWS region (with --aws or --endpoint-url)")
    parser.add_argument("--model-name", default="sm-typed-example")
    args = parser.parse_args()

    with ExitStack() as stack:
        options: dict[str, Any] = {"region": args.region}
        if args.aws:
            account, region = await asyncio.to_thread(caller_identity, args.region)
            print(f"using real SageMaker: account {account}, region {region}")
            options["region"] = region
        elif args.endpoint_url is not None:
            options["endpoint_url"] = args.endpoint_url
            if is_local(args.endpoint_url):
                region, has_credentials = await asyncio.to_thread(
                    found_region_and_credentials, args.region
                )
                defaults: list[str] = []
                if region is None:
                    region = "us-east-1"
                    defaults.append("region us-east-1")
                if not has_credentials:
                    options["aws_access_key_id"] = options["aws_secret_access_key"] = "testing"
                    defaults.append("test credentials")
                options["region"] = region
                if defaults:
                    print(
                        f"{args.endpoint_url} is a local endpoint: using {' and '.join(defaults)}"
                    )
        else:
            moto = stack.enter_context(MotoServer())  # RuntimeError when moto is missing
            print(f"started moto on {moto.url}")
            options = {
                "region": "us-east-1",
                "endpoint_url": moto.url,
                "aws_access_key_id": "testing",
                "aws_secret_access_key": "testing",
            }
        async with SageMakerClient(**options) as client:
            await round_trip(client, args.model_name)
    return 0


def run() -> int:
    """main(), with every failure as one line that says what to do (no traceback)."""
    try:
        return asyncio.run(main())
    except NoRegionError:
        return fail("no AWS region found: pass --region (or set AWS_REGION)")
    except NoCredentialsError:
        return fail(
            "no AWS credentials found: configure them (aws configure), or use moto (no flag)"
        )
    except HTTPClientError as exc:
        return fail(
            f"cannot reach the endpoint: {exc} (check --endpoint-url, or use moto: no flag)"
        )
    except (ServiceError, ConfigurationError, SmTypedError) as exc:
        return fail(str(exc).splitlines()[0])
    except RuntimeError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted")
    except Exception as exc:  # noqa: BLE001 - botocore's own (STS): one line, not a traceback
        return fail(f"{type(exc).__name__}: {exc}")


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(run())
