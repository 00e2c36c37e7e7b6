"""Clock-skew correction: adopt the server's clock when a signing error says ours is off."""

from __future__ import annotations

import logging

from ._classify import CLOCK_SKEW_CODES
from ._state import ClientState
from .errors import ServiceError, SmTypedError

logger = logging.getLogger("sm_typed")

# A Date header this far from our clock, on a signature/expiry error, means our clock is wrong.
CLOCK_SKEW_THRESHOLD = 60.0
# A server time is adopted only inside these years: outside them X-Amz-Date has no
# four-digit year (a hostile Date of year 9999 would have us sign "100000101T...").
EARLIEST_SERVER_TIME = 0.0  # 1970-01-01
LATEST_SERVER_TIME = 253370764800.0  # 9999-01-01: a year of headroom below year 10000


def corrected_clock(
    state: ClientState, error: SmTypedError, server_date: str | None, signed: float
) -> bool:
    """True when ``error`` is a signing error and the server's ``Date`` shows our clock (as
    it was when the attempt was signed, ``signed`` seconds of skew) is off: then the
    client signs with the server's time from now on, and the attempt is worth repeating."""
    if not isinstance(error, ServiceError) or error.code not in CLOCK_SKEW_CODES:
        return False
    if not server_date:
        return False
    from email.utils import parsedate_to_datetime  # rare path: kept off the import

    try:
        server_time = parsedate_to_datetime(server_date).timestamp()
    except (TypeError, ValueError, OverflowError, IndexError):
        return False
    if not EARLIEST_SERVER_TIME <= server_time < LATEST_SERVER_TIME:
        return False  # not a clock anyone runs: the error stands as it is
    skew = server_time - state.clock.time()
    if abs(skew - signed) < CLOCK_SKEW_THRESHOLD:
        return False  # the attempt's clock was close enough: not a clock problem
    if abs(skew - state.skew) >= CLOCK_SKEW_THRESHOLD:
        # (A concurrent call may already have corrected it: then just retry.)
        logger.debug("clock skew of %.0fs detected; signing with the server's time", skew)
        state.skew = skew
    return True
