"""Running interceptors' hooks: only the ones overridden, each interceptor once.

The ``before_*`` hooks run in registration order (the client's interceptors, then a
view's), the ``after_*`` hooks in the reverse order, as nested layers unwind: the first
interceptor registered is the outermost (an OpenTelemetry span of the client's encloses
what a view's interceptor does, and its context is restored last).

`Hooks` is worked out once per client or view (which interceptor overrides which
hook), so a call with no interceptor, or only idle ones, pays one ``is None`` check
per stage. A stage with one hook holds that hook itself, called where the stage runs
(no frame of ours around it); a stage with several holds `run_hooks` over them. A
hook that raises becomes `InterceptorError` (`Hooks.failed`), which the retry loop
never retries; ``after_call`` hooks all run even when one of them raises, a cancellation
included (it is raised once they have run), as ``finally`` blocks do.

Where a stage runs::

    try:
        pending = hooks.before_call(context)
    except Exception as exc:
        raise hooks.failed("before_call", context, exc)
    if pending is not None:  # an async hook
        await hooks.awaited("before_call", context, pending)

`run_stage` is the same as a function, for the paths where a frame costs nothing. The
``raise`` has no ``from``: `failed` sets the cause (for several hooks, the error it
returns is the one `run_hooks` raised, which has it already).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import partial
from typing import Any, cast

from .errors import ConfigurationError, InterceptorError
from .interceptors import AttemptEnd, AttemptStart, CallEnd, CallStart, Interceptor, SignedRequest

HOOK_NAMES = ("before_call", "before_attempt", "after_signing", "after_attempt", "after_call")

Hook = tuple[Interceptor, Callable[[Any], Any]]
Context = CallStart | AttemptStart | SignedRequest | AttemptEnd | CallEnd
StageHooks = Callable[[Any], Awaitable[None] | None]
"""One stage's hooks as one callable: called with the stage's context, it returns an
awaitable only when a hook is async."""


class Hooks:
    """Per stage, the hooks of the interceptors that override it (None: no such hook)."""

    __slots__ = (*HOOK_NAMES, "_found")

    def __init__(self, interceptors: Sequence[Interceptor]) -> None:
        self._found: dict[str, tuple[Hook, ...]] = {}
        once = tuple({id(i): i for i in interceptors}.values())  # each where it came first
        for name in HOOK_NAMES:
            base = getattr(Interceptor, name)
            order = once if name.startswith("before") else once[::-1]
            found: tuple[Hook, ...] = tuple(
                (i, getattr(i, name)) for i in order if getattr(type(i), name) is not base
            )
            self._found[name] = found
            run: StageHooks | None = None
            if len(found) == 1:
                run = found[0][1]
            elif found:
                run = partial(run_hooks, found, name, run_all=name == "after_call")
            setattr(self, name, run)

    before_call: StageHooks | None
    before_attempt: StageHooks | None
    after_signing: StageHooks | None
    after_attempt: StageHooks | None
    after_call: StageHooks | None

    def any(self) -> bool:
        return any(self._found.values())

    def failed(self, stage: str, context: Context, exc: Exception) -> InterceptorError:
        """What the call raises when calling ``stage``'s hooks raised ``exc``."""
        found = self._found[stage]
        if len(found) == 1:
            return _hook_error(context, found[0][0], stage, exc)
        return cast(InterceptorError, exc)  # run_hooks raises nothing else

    async def awaited(self, stage: str, context: Context, pending: Awaitable[None]) -> None:
        """Await what ``stage``'s hooks returned, its failure an `InterceptorError`."""
        if len(self._found[stage]) > 1:
            await pending  # run_hooks' own: it raises InterceptorError
            return
        try:
            await pending
        except Exception as exc:  # noqa: BLE001 (see above)
            raise self.failed(stage, context, exc)  # noqa: B904


AttemptHooks = tuple[StageHooks | None, "Hooks | None", StageHooks | None]


def attempt_hooks(hooks: Hooks | None) -> AttemptHooks:
    """What each attempt runs: the before_attempt hooks, the Hooks to hand the exchange
    when there are after_signing ones, and the after_attempt hooks."""
    if hooks is None:
        return (None, None, None)
    signing = hooks if hooks.after_signing is not None else None
    return (hooks.before_attempt, signing, hooks.after_attempt)


def run_stage(hooks: Hooks, stage: str, context: Context) -> Awaitable[None] | None:
    """Call ``stage``'s hooks (not None) with ``context``: an awaitable if one is async."""
    run = getattr(hooks, stage)
    try:
        pending = run(context)
    except Exception as exc:  # noqa: BLE001 (see above)
        raise hooks.failed(stage, context, exc)  # noqa: B904
    return None if pending is None else hooks.awaited(stage, context, pending)


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
    context: Context,
    *,
    run_all: bool = False,
    first: BaseException | None = None,
) -> Awaitable[None] | None:
    """Run ``hooks`` in order: plain ones here and now, so a call whose hooks are all plain
    awaits nothing more. From the first that returns an awaitable on, the rest run after it:
    that is returned, for the caller to await. A hook that raises stops the stage, or with
    ``run_all`` (``after_call``) the others still run and the first error is raised last
    (a cancellation or an exit before any hook's failure)."""
    for index, (owner, hook) in enumerate(hooks):
        try:
            result = hook(context)
        except BaseException as exc:
            if not run_all:
                if not isinstance(exc, Exception):
                    raise
                raise _hook_error(context, owner, stage, exc) from exc
            first = _first(first, exc, context, owner, stage)
            continue
        if result is not None:
            rest = hooks[index + 1 :]
            return _after(result, owner, rest, stage, context, run_all, first)
    if first is not None:
        raise first
    return None


def _first(
    first: BaseException | None,
    exc: BaseException,
    context: Context,
    owner: Interceptor,
    stage: str,
) -> BaseException:
    """What ``run_all`` raises once every hook has run: a cancellation or an exit before
    a hook's failure (it must reach the caller), else the first failure."""
    error = _hook_error(context, owner, stage, exc) if isinstance(exc, Exception) else exc
    if first is None or (isinstance(first, Exception) and not isinstance(error, Exception)):
        return error
    return first


async def _after(
    pending: Any,
    owner: Interceptor,
    rest: tuple[Hook, ...],
    stage: str,
    context: Context,
    run_all: bool,
    first: BaseException | None,
) -> None:
    try:
        await pending
    except BaseException as exc:
        if not run_all:
            if not isinstance(exc, Exception):
                raise
            raise _hook_error(context, owner, stage, exc) from exc
        first = _first(first, exc, context, owner, stage)
    more = run_hooks(rest, stage, context, run_all=run_all, first=first)
    if more is not None:
        await more


def _hook_error(
    context: Context, owner: Interceptor, stage: str, exc: Exception
) -> InterceptorError:
    error = InterceptorError(context.call.operation, type(owner).__name__, stage, exc)
    error.__cause__ = exc
    return error


# Shown to hooks as REDACTED, as the runtime spells them in the fields it signs (a caller
# cannot add these: the client owns them).
SECRET_FIELDS = frozenset({"Authorization", "X-Amz-Security-Token"})
