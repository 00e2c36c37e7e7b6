from __future__ import annotations

from sm_typed import SageMakerClient


def misuse(sm: SageMakerClient) -> None:
    sm.paginate_list_models(next_token="t")  # error
