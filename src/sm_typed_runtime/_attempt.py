"""One attempt: credentials ready, a connection held, then sign, send and receive.

Signing comes after the connection slot is held, so however long a call queued for a
connection its ``X-Amz-Date`` is fresh. The signed fields are built in `signed_fields`
and handed straight to the transport (with hooks, the local that holds them is deleted
once they are written): no frame that waits for the answer holds the session token or
the signature in a local.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._head import UNSIGNED_FIELDS
from ._hooks import SECRET_FIELDS, Hooks
from ._progress import NO_CALL
from ._request import Request
from ._sigv4 import sign
from ._transport import HTTPResponse, TransportError
from .errors import InterceptorError
from .interceptors import REDACTED, CallInfo, SignedRequest

if TYPE_CHECKING:
    from ._call_options import CallSettings
    from ._state import ClientState

Fields = list[tuple[str, str]]


async def exchange(
    state: ClientState,
    settings: CallSettings,
    request: Request,
    attempt: int,
    max_attempts: int,
    skew: float,
    added: Fields | None = None,
    hooks: Hooks | None = None,
    call: CallInfo = NO_CALL,
) -> HTTPResponse:
    """``added``: headers interceptors added to this attempt (checked); ``hooks``: given
    when there are ``after_signing`` hooks, shown the signed request before it is written."""
    credentials = state.credentials
    signed = request.op.signed
    if signed and not credentials.static and not credentials.fresh():
        await credentials.ensure(settings.credential_timeout)
    transport = state.transport
    target = request.route.target
    timeouts = settings.timeouts
    lease = transport.try_acquire(target, timeouts) or await transport.acquire(target, timeouts)
    held = True
    try:
        if added is None and hooks is None:
            lease.send(
                request.prepared.prefix,
                signed_fields(state, request, attempt, max_attempts, skew)
                if signed
                else invocation_fields(request, attempt, max_attempts),
                request.body,
            )
        else:  # with hooks: written out here, not in a function (see _pipeline)
            prefix = request.prepared.prefix
            if not signed:
                fields = [*(added or ()), *invocation_fields(request, attempt, max_attempts)]
            elif not added:
                fields = signed_fields(state, request, attempt, max_attempts, skew)
            else:
                fields = signed_fields_with(state, request, attempt, max_attempts, skew, added)
            if hooks is not None:
                if added or not signed:
                    shown = fields_shown(fields)
                elif len(fields) == 5:  # where `signed_fields` puts the secrets
                    shown = [fields[0], _HIDDEN_TOKEN, _HIDDEN_AUTHORIZATION, fields[3], fields[4]]
                else:
                    shown = [fields[0], _HIDDEN_AUTHORIZATION, fields[2], fields[3]]
                context = SignedRequest(
                    call, attempt, request.route.url, prefix.fields, len(request.body), shown
                )
                try:
                    pending = hooks.after_signing(context)  # type: ignore[misc]  # pyright: ignore[reportOptionalCall]
                except Exception as exc:  # noqa: BLE001 (see _hooks)
                    held = False
                    lease.release()  # nothing was written
                    raise hooks.failed("after_signing", context, exc)  # noqa: B904
                if pending is not None:
                    try:
                        await hooks.awaited("after_signing", context, pending)
                    except InterceptorError:
                        held = False
                        lease.release()
                        raise
                    if state.lifecycle.closed:  # closed while the hook ran: nothing is written
                        raise TransportError("closed", "the client was closed")
            lease.send(prefix, fields, request.body)
            del fields  # the signature and token: not kept while the answer is awaited
        response = await lease.receive()
    except BaseException:
        if held:
            lease.discard()  # cancelled or failed mid-exchange: the connection is not reused
        raise
    lease.release()
    return response


_HIDDEN = {name: (name, REDACTED) for name in SECRET_FIELDS}
_HIDDEN_TOKEN, _HIDDEN_AUTHORIZATION = _HIDDEN["X-Amz-Security-Token"], _HIDDEN["Authorization"]


def fields_shown(fields: Fields) -> Fields:
    """``fields`` as hooks see them: the value of each of `SECRET_FIELDS` redacted."""
    return [_HIDDEN.get(field[0], field) for field in fields]


def signed_fields_with(
    state: ClientState,
    request: Request,
    attempt: int,
    max_attempts: int,
    skew: float,
    added: Fields,
) -> Fields:
    """`signed_fields` with headers an interceptor added: the general signer signs them
    with the template's fields (tracing headers unsigned, as botocore leaves them)."""
    creds = state.credentials.current
    assert creds is not None
    route = request.route
    signature = sign(
        method="POST",
        path=route.path,
        query="",
        headers=[
            *request.prepared.signed,
            *((n, v) for n, v in added if n.lower() not in UNSIGNED_FIELDS),
        ],
        payload_hash=request.payload_hash,
        access_key=creds.access_key,
        secret_key=creds.secret_key,
        session_token=creds.token,
        region=route.signing_region,
        service=route.signing_name,
        amz_date=state.amz_date(state.clock.time() + skew),
    )
    return [
        *added,
        *signature.headers,
        *invocation_fields(request, attempt, max_attempts),
    ]


def invocation_fields(request: Request, attempt: int, max_attempts: int) -> Fields:
    """The per-attempt fields that are not the signature's: all an unsigned operation
    sends (no date, token or signature, as botocore sends it)."""
    return [
        ("amz-sdk-invocation-id", request.invocation_id),
        ("amz-sdk-request", f"attempt={attempt}; max={max_attempts}"),
    ]


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
