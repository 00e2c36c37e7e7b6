"""`BaseClient`: what every generated client inherits. Configuration and lifecycle only;
calls go through the `Pipeline` (``_pipeline.py``)."""

from __future__ import annotations

from types import TracebackType
from typing import Any, ClassVar

import msgspec

from ._call_options import CallSettings, client_settings, view_settings
from ._options import build_config
from ._pipeline import Invoke, Pipeline
from ._specs import ServiceSpec
from ._state import ClientState


class BaseClient:
    """Base of every generated client.

    The constructor takes the options of `CLIENT_OPTIONS` (keyword only; the generated
    stub spells them out). It reads the environment and the shared config files' client
    settings (local files); credentials, the endpoint and connections wait for the first
    call (or ``async with``): constructing a client starts no thread and sends nothing.
    """

    _service: ClassVar[ServiceSpec]
    # The generated client's twin whose methods return RawResponse (the same methods at
    # run time: only `_invoke` differs), declared with ``raw_responses=True``.
    _raw_class: ClassVar[type[BaseClient] | None] = None

    def __init_subclass__(cls, *, raw_responses: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if raw_responses:
            parent = cls.__mro__[1]
            if not issubclass(parent, BaseClient) or parent is BaseClient:
                raise TypeError("raw_responses=True needs a generated client as the base")
            parent._raw_class = cls
            cls._raw_class = cls

    def __init__(self, **options: Any) -> None:
        config = build_config(type(self).__name__, options)
        state = ClientState(self._service, config)
        self._bind(Pipeline(state, client_settings(config, state)))

    def _bind(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        # Generated methods await this directly: no frame of BaseClient's on the call path.
        self._invoke: Invoke = pipeline.call
        self._clock = pipeline.state.clock  # the waiters' time and sleep
        self._raw_view: BaseClient | None = None
        self._plain_view: BaseClient | None = None

    def _view(self, cls: type[BaseClient], settings: CallSettings) -> Any:
        view = cls.__new__(cls)
        view._bind(Pipeline(self._pipeline.state, settings))
        return view

    def with_options(self, **options: Any) -> Any:
        """A view of this client with other call options (see the stub for the names),
        sharing its connections, credentials and retry quota. Checked once, here."""
        settings = view_settings(
            self._pipeline.settings, self._pipeline.state, type(self).__name__, options
        )
        return self._view(type(self), settings)

    def _calls(self, *, raw: bool) -> Invoke:
        """How paginators (plain outputs) and waiters (raw: they read the status) call,
        whichever view they were made from; with this view's options either way."""
        settings = self._pipeline.settings
        if settings.raw == raw:
            return self._invoke
        if raw:
            view: BaseClient = self.with_raw_response
        else:
            view = self._plain_view or self._view(
                type(self), msgspec.structs.replace(settings, raw=False)
            )
            self._plain_view = view  # made once per raw view, as with_raw_response is
        return view._invoke

    @property
    def with_raw_response(self) -> Any:
        """A view whose methods return `RawResponse` (output, request id, status, headers)."""
        view = self._raw_view
        if view is None:
            settings = self._pipeline.settings
            if settings.raw:
                return self
            cls = self._raw_class or type(self)
            view = self._raw_view = self._view(cls, msgspec.structs.replace(settings, raw=True))
        return view

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
