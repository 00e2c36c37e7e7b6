"""Running interceptors' hooks: only the ones overridden, in registration order.

`Hooks` is worked out once per client or view (which interceptor overrides which
hook), so a call with no interceptor, or only idle ones, pays one ``is None`` check
per stage. A hook that raises becomes `InterceptorError`, which the retry loop never
retries; ``after_call`` hooks all run even when one of them raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from .errors import ConfigurationError, InterceptorError
from .interceptors import REDACTED, Interceptor

HOOK_NAMES = ("before_call", "before_attempt", "after_signing", "after_attempt", "after_call")
# Values an interceptor is shown as REDACTED.
SECRET_FIELDS = frozenset({"authorization", "x-amz-security-token"})

Hook = tuple[Interceptor, Callable[[Any], Any]]


class Hooks:
    __slots__ = ("after_attempt", "after_call", "after_signing", "before_attempt", "before_call")

    def __init__(self, interceptors: Sequence[Interceptor]) -> None:
        for name in HOOK_NAMES:
            base = getattr(Interceptor, name)
            found: tuple[Hook, ...] = tuple(
                (i, getattr(i, name)) for i in interceptors if getattr(type(i), name) is not base
            )
            setattr(self, name, found or None)

    before_call: tuple[Hook, ...] | None
    before_attempt: tuple[Hook, ...] | None
    after_signing: tuple[Hook, ...] | None
    after_attempt: tuple[Hook, ...] | None
    after_call: tuple[Hook, ...] | None

    def any(self) -> bool:
        return any(getattr(self, name) is not None for name in HOOK_NAMES)


def checked_interceptors(value: object, owner: str) -> tuple[Interceptor, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ConfigurationError(f"{owner}: interceptors must be a list of Interceptor instances")
    items: list[Interceptor] = []
    for item in cast(Iterable[object], value):
        if not isinstance(item, Interceptor):
            raise ConfigurationError(
                f"{owner}: interceptors must be Interceptor instances, got {type(item).__name__}"
            )
        items.append(item)
    return tuple(items)


def hooks_for(interceptors: tuple[Interceptor, ...]) -> Hooks | None:
    hooks = Hooks(interceptors)
    return hooks if hooks.any() else None


async def run_hooks(hooks: tuple[Hook, ...], stage: str, context: object, operation: str) -> None:
    for owner, hook in hooks:
        try:
            result = hook(context)
            if result is not None:
                await result
        except Exception as exc:
            raise InterceptorError(operation, type(owner).__name__, stage, exc) from exc


async def run_after_call(hooks: tuple[Hook, ...], context: object, operation: str) -> None:
    """Every ``after_call`` hook runs; the first one that raised is raised after the rest."""
    first: InterceptorError | None = None
    for owner, hook in hooks:
        try:
            result = hook(context)
            if result is not None:
                await result
        except Exception as exc:  # noqa: BLE001 - raised below, after the other hooks ran
            if first is None:
                first = InterceptorError(operation, type(owner).__name__, "after_call", exc)
                first.__cause__ = exc
    if first is not None:
        raise first


def redacted(fields: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, REDACTED if name.lower() in SECRET_FIELDS else value) for name, value in fields
    )
