"""The downstream program, against aiobotocore + types-aiobotocore-sagemaker (twin: sm_typed_app.py)."""

from __future__ import annotations

from aiobotocore.session import get_session
from types_aiobotocore_sagemaker.type_defs import ContainerDefinitionTypeDef, TagTypeDef


async def main() -> None:
    session = get_session()
    async with session.create_client("sagemaker", region_name="us-east-1") as sm:
        try:
            container: ContainerDefinitionTypeDef = {"Image": "img:1", "Environment": {"A": "1"}}
            tags: list[TagTypeDef] = [{"Key": "team", "Value": "ml"}]
            out = await sm.create_model(
                ModelName="m",
                PrimaryContainer=container,
                ExecutionRoleArn="arn:aws:iam::1:role/r",
                Tags=tags,
            )
            print(out["ModelArn"])
        except sm.exceptions.ResourceLimitExceeded as exc:
            print(exc.response["Error"].get("Message"))
        described = await sm.describe_model(ModelName="m")
        primary = described.get("PrimaryContainer")
        if primary is not None:
            print(primary.get("Image"))
        listed = await sm.list_models(MaxResults=10, SortOrder="Descending")
        print([m["ModelName"] for m in listed["Models"]])
        await sm.delete_model(ModelName="m")
