from __future__ import annotations

from sm_typed import SageMakerClient


def misuse(sm: SageMakerClient) -> None:
    for _ in sm.paginate_list_models().items():  # error
        pass
