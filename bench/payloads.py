"""The requests and responses every benchmark runner uses, so all clients do the same work."""

from __future__ import annotations

import json

MODEL_NAME = "bench-model"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1"
ENVIRONMENT = {
    "SAGEMAKER_PROGRAM": "inference.py",
    "SAGEMAKER_REGION": "us-east-1",
    "LOG_LEVEL": "info",
}
TAGS = [{"Key": "team", "Value": "ml-platform"}, {"Key": "env", "Value": "bench"}]

# What CreateModel sends (botocore member names), built identically by every runner.
CREATE_MODEL_PARAMS = {
    "ModelName": MODEL_NAME,
    "PrimaryContainer": {
        "Image": IMAGE,
        "ModelDataUrl": "s3://bucket/model.tar.gz",
        "Environment": ENVIRONMENT,
    },
    "ExecutionRoleArn": ROLE,
    "Tags": TAGS,
}


def _container(i: int) -> dict[str, object]:
    return {
        "ContainerHostname": f"container-{i}",
        "Image": IMAGE,
        "ImageConfig": {"RepositoryAccessMode": "Platform"},
        "Mode": "SingleModel",
        "ModelDataUrl": f"s3://bucket/models/{i}/model.tar.gz",
        "Environment": {f"VARIABLE_{j}": f"value-{i}-{j}" for j in range(12)},
        "MultiModelConfig": {"ModelCacheSetting": "Enabled"},
    }


DESCRIBE_MODEL_BODY = {
    "ModelName": MODEL_NAME,
    "PrimaryContainer": _container(0),
    "Containers": [_container(i) for i in range(1, 5)],
    "InferenceExecutionConfig": {"Mode": "Serial"},
    "ExecutionRoleArn": ROLE,
    "VpcConfig": {
        "SecurityGroupIds": ["sg-0123456789abcdef0"],
        "Subnets": ["subnet-0abc", "subnet-0def"],
    },
    "CreationTime": 1700000000.123,
    "ModelArn": f"arn:aws:sagemaker:us-east-1:123456789012:model/{MODEL_NAME}",
    "EnableNetworkIsolation": False,
    "DeploymentRecommendation": {
        "RecommendationStatus": "COMPLETED",
        "RealTimeInferenceRecommendations": [],
    },
}

RESPONSES = {
    "CreateModel": json.dumps({"ModelArn": DESCRIBE_MODEL_BODY["ModelArn"]}).encode(),
    "DescribeModel": json.dumps(DESCRIBE_MODEL_BODY).encode(),
}


# ListModels, for the pagination benchmark: 10 pages of 100 models, page i answering the
# request whose NextToken is "p<i>" (the first has none).
LIST_PAGES = 10


def list_models_page(index: int) -> bytes:
    models = [
        {
            "ModelName": f"model-{index:02d}-{i:03d}",
            "ModelArn": f"arn:aws:sagemaker:us-east-1:123456789012:model/model-{index:02d}-{i:03d}",
            "CreationTime": 1700000000 + i,
        }
        for i in range(100)
    ]
    page: dict[str, object] = {"Models": models}
    if index + 1 < LIST_PAGES:
        page["NextToken"] = f"p{index + 1}"
    return json.dumps(page).encode()
