from __future__ import annotations

from sm_typed import SageMakerClient
from sm_typed.shapes import ContainerDefinition


async def reveal(sm: SageMakerClient) -> None:
    reveal_type(await sm.create_model(model_name="m", primary_container=ContainerDefinition(image="i")))  # CreateModelOutput
    reveal_type(await sm.delete_model(model_name="m"))  # None
    reveal_type((await sm.describe_model(model_name="m")).primary_container)  # ContainerDefinition | None
    reveal_type((await sm.list_models()).models)  # list[ModelSummary]
    async with SageMakerClient() as client:
        reveal_type(client)  # SageMakerClient
    reveal_type(sm.with_options(call_timeout=1.0))  # SageMakerClient
    reveal_type(sm.with_raw_response)  # SageMakerClientWithRawResponse
    raw = await sm.with_options(max_attempts=1).with_raw_response.create_model(model_name="m")
    reveal_type(raw)  # RawResponse[CreateModelOutput]
    reveal_type(raw.parsed)  # CreateModelOutput
    reveal_type(raw.request_id)  # str | None
    reveal_type((await sm.with_raw_response.delete_model(model_name="m")).parsed)  # None
    async for page in sm.paginate_list_models(page_size=10):
        reveal_type(page)  # ListModelsOutput
    async for item in sm.paginate_list_training_jobs().items():
        reveal_type(item)  # TrainingJobSummary
    reveal_type(await sm.wait_until_endpoint_in_service(endpoint_name="e"))  # DescribeEndpointOutput
    reveal_type(await sm.wait_until_endpoint_deleted(endpoint_name="e"))  # DescribeEndpointOutput | None
