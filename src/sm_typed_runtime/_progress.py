"""What a call has done so far, for what wraps `Pipeline.run` (the call deadline, and the
call's own hooks), and the ``call`` of a call that runs no hook."""

from __future__ import annotations

import msgspec

from ._transport import HTTPResponse
from .interceptors import CallInfo


class Progress(msgspec.Struct):
    """What a call has done so far: for the deadline's error and the ``after_call`` hooks
    run around the deadline."""

    attempts: int = 0
    answer: HTTPResponse | None = None  # the last attempt's response (None: it had none)
    retry_time: float = 0.0


NO_CALL = CallInfo("", "", None, None)
"""`Pipeline.run`'s ``call`` when it runs no hook (a hook always gets a call of its own)."""
