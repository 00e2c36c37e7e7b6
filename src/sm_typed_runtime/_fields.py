"""What may go into an HTTP/1.1 request head: one definition, used wherever a value enters it.

A header value that carries CR or LF would end the header early and start another
one (header injection); NUL and the other control characters are refused by
servers and proxies in ways that differ. RFC 9110 5.5 allows visible ASCII, space,
tab and obs-text (here: latin-1 above 0x9F, since the head is written as latin-1).
Values are never echoed in errors: they may be credentials.
"""

from __future__ import annotations

# RFC 9110 5.6.2: a field name is a token.
TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_VALUE_EXTRA = frozenset("\t" + "".join(chr(c) for c in range(0xA0, 0x100)))


def is_field_name(name: str) -> bool:
    return bool(name) and TOKEN_CHARS.issuperset(name)


def is_field_value(value: str) -> bool:
    """A value that is written to the wire as one line, unchanged."""
    if value.isascii() and value.isprintable():
        return True  # the common case: two C-level scans
    return all((c.isprintable() and c < "\x7f") or c in _VALUE_EXTRA for c in value)


def field_problem(name: object, value: object) -> str | None:
    """Why ``name: value`` cannot be sent, without repeating the value; None when it can."""
    if not isinstance(name, str) or not is_field_name(name):
        return "header names must be non-empty HTTP tokens (letters, digits, !#$%&'*+-.^_`|~)"
    if not isinstance(value, str):
        return f"header {name}: the value must be a str, got {type(value).__name__}"
    if not is_field_value(value):
        return (
            f"header {name}: the value holds a character HTTP/1.1 cannot carry "
            "(CR, LF, NUL, another control character, or one outside latin-1)"
        )
    return None


def is_visible_ascii(value: str) -> bool:
    """Letters, digits and punctuation only: what an AWS key id, secret or token consists of."""
    return bool(value) and value.isascii() and value.isprintable() and " " not in value
