"""One attempt: credentials ready, a connection held, then sign, send and receive.

Signing comes after the connection slot is held, so however long a call queued for a
connection its ``X-Amz-Date`` is fresh. The signed fields are built in `signed_fields`
and handed straight to the transport: no frame that waits for the answer holds the
session token or the signature in a local.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._request import Request
from ._transport import HTTPResponse

if TYPE_CHECKING:
    from ._pipeline import CallSettings
    from ._state import ClientState


async def exchange(
    state: ClientState,
    settings: CallSettings,
    request: Request,
    attempt: int,
    max_attempts: int,
    skew: float,
) -> HTTPResponse:
    credentials = state.credentials
    if not credentials.static and not credentials.fresh():
        await credentials.ensure(settings.credential_timeout)
    transport = state.transport
    target = request.route.target
    timeouts = settings.timeouts
    lease = transport.try_acquire(target, timeouts) or await transport.acquire(target, timeouts)
    try:
        lease.send(
            request.prepared.prefix,
            signed_fields(state, request, attempt, max_attempts, skew),
            request.body,
        )
        response = await lease.receive()
    except BaseException:
        lease.discard()  # cancelled or failed mid-exchange: the connection is not reused
        raise
    lease.release()
    return response


def signed_fields(
    state: ClientState, request: Request, attempt: int, max_attempts: int, skew: float
) -> list[tuple[str, str]]:
    """The per-attempt fields: date, token, signature, invocation headers."""
    creds = state.credentials.current
    assert creds is not None
    amz_date = state.amz_date(state.clock.time() + skew)
    invocation = f"attempt={attempt}; max={max_attempts}"
    route = request.route
    token = creds.token
    authorization = request.prepared.signer.sign(
        creds, request.payload_hash, amz_date, route.signing_region, route.signing_name
    )
    # Every value here is ours (digits, hex, fixed text) or was checked when it was loaded
    # (the key id and token, by `credential_problem`): checked once, not on every attempt.
    if token is None:
        return [
            ("X-Amz-Date", amz_date),
            ("Authorization", authorization),
            ("amz-sdk-invocation-id", request.invocation_id),
            ("amz-sdk-request", invocation),
        ]
    return [
        ("X-Amz-Date", amz_date),
        ("X-Amz-Security-Token", token),
        ("Authorization", authorization),
        ("amz-sdk-invocation-id", request.invocation_id),
        ("amz-sdk-request", invocation),
    ]
