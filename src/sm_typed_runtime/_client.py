"""`BaseClient`: what every generated client inherits. Configuration and lifecycle only;
calls go through the `Pipeline` (``_pipeline.py``)."""

from __future__ import annotations

from types import TracebackType
from typing import Any, ClassVar

from ._options import build_config
from ._pipeline import CallSettings, Invoke, Pipeline
from ._specs import ServiceSpec
from ._state import ClientState
from ._transport import timeouts


class BaseClient:
    """Base of every generated client.

    The constructor takes the options of `CLIENT_OPTIONS` (keyword only; the generated
    stub spells them out). Nothing is resolved or connected until the first call (or
    ``async with``), so constructing a client never blocks.
    """

    _service: ClassVar[ServiceSpec]

    def __init__(self, **options: Any) -> None:
        config = build_config(type(self).__name__, options)
        state = ClientState(self._service, config)
        settings = CallSettings(
            timeouts=timeouts(
                connect=config.connect_timeout, read=config.read_timeout, pool=config.pool_timeout
            ),
            call_timeout=config.call_timeout,
            max_attempts=config.max_attempts or self._service.retry_defaults.max_attempts,
            credential_timeout=config.connect_timeout + config.read_timeout,
            strategy=state.strategy,
        )
        self._pipeline = Pipeline(state, settings)
        # Generated methods await this directly: no frame of BaseClient's on the call path.
        self._invoke: Invoke = self._pipeline.call

    def __repr__(self) -> str:
        state = self._pipeline.state
        where = state.route.url if state.route else (state.config.endpoint_url or "unresolved")
        return f"{type(self).__name__}(region={self.region!r}, endpoint={where!r})"

    async def __aenter__(self) -> Any:
        state = self._pipeline.state
        state.lifecycle.check(type(self).__name__)
        await state.resolve_route()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connections this client opened (not a caller's ``http_client``).

        Calls still in flight end with `ClientClosedError`.
        """
        await self._pipeline.state.aclose()

    @property
    def region(self) -> str | None:
        """The region in use (``None`` until resolved on the first call)."""
        state = self._pipeline.state
        return state.route.signing_region if state.route else state.config.region
