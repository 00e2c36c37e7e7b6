"""A typed create_model -> describe_model -> delete_model round trip.

    python examples/create_model.py                      # against a local moto server
    python examples/create_model.py --endpoint-url URL   # against any SageMaker endpoint
    AWS_REGION=eu-west-1 python examples/create_model.py # against real SageMaker (your credentials)

With no --endpoint-url and no AWS region configured, it starts moto on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from sm_typed import SageMakerClient
from sm_typed.errors import ResourceNotFound, ServiceError
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


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--endpoint-url", help="SageMaker endpoint (default: local moto or real AWS)"
    )
    parser.add_argument("--region", help="AWS region (default: AWS_REGION / AWS_DEFAULT_REGION)")
    parser.add_argument("--model-name", default="sm-typed-example")
    args = parser.parse_args()

    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    with ExitStack() as stack:
        options: dict[str, str] = {}
        if args.endpoint_url is None and region is None:
            moto = stack.enter_context(MotoServer())
            print(f"started moto on {moto.url}")
            options = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
            args.endpoint_url, region = moto.url, "us-east-1"
        async with SageMakerClient(
            region=region, endpoint_url=args.endpoint_url, **options
        ) as client:
            await round_trip(client, args.model_name)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
