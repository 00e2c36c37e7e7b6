"""Running interceptors' hooks: only the ones overridden, in registration order.

`Hooks` is worked out once per client or view (which interceptor overrides which
hook), so a call with no interceptor, or only idle ones, pays one ``is None`` check
per stage. A hook that raises becomes `InterceptorError`, which the retry loop never
retries; ``after_call`` hooks all run even when one of them raises.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, cast

from .errors import ConfigurationError, InterceptorError
from .interceptors import Interceptor

HOOK_NAMES = ("before_call", "before_attempt", "after_signing", "after_attempt", "after_call")

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


def run_hooks(
    hooks: tuple[Hook, ...],
    stage: str,
    context: object,
    operation: str,
    *,
    run_all: bool = False,
    first: InterceptorError | None = None,
) -> Awaitable[None] | None:
    """Run ``hooks`` in order: plain ones here and now, so a call whose hooks are all plain
    awaits nothing more. From the first that returns an awaitable on, the rest run after it:
    that is returned, for the caller to await. A hook that raises stops the stage, or with
    ``run_all`` (``after_call``) the others still run and the first error is raised last."""
    for pair in hooks:
        try:
            result = pair[1](context)
        except Exception as exc:
            error = _hook_error(operation, pair[0], stage, exc)
            if not run_all:
                raise error from exc
            first = first or error
            continue
        if result is not None:
            rest = hooks[_position(hooks, pair) + 1 :]
            return _after(result, pair[0], rest, stage, context, operation, run_all, first)
    if first is not None:
        raise first
    return None


def _position(hooks: tuple[Hook, ...], pair: Hook) -> int:
    return next(i for i, p in enumerate(hooks) if p is pair)


async def _after(
    pending: Any,
    owner: Interceptor,
    rest: tuple[Hook, ...],
    stage: str,
    context: object,
    operation: str,
    run_all: bool,
    first: InterceptorError | None,
) -> None:
    try:
        await pending
    except Exception as exc:
        error = _hook_error(operation, owner, stage, exc)
        if not run_all:
            raise error from exc
        first = first or error
    more = run_hooks(rest, stage, context, operation, run_all=run_all, first=first)
    if more is not None:
        await more


def _hook_error(operation: str, owner: Interceptor, stage: str, exc: Exception) -> InterceptorError:
    error = InterceptorError(operation, type(owner).__name__, stage, exc)
    error.__cause__ = exc
    return error


# Shown to hooks as REDACTED, as the runtime spells them in the fields it signs (a caller
# cannot add these: the client owns them).
SECRET_FIELDS = frozenset({"Authorization", "X-Amz-Security-Token"})
