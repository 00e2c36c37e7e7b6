"""Functions compiled per Struct class on first use: the validator's fast check and the
encoder's "does this value need the walk" check.

One mechanism for both: a class's function is built from that class's own annotations
(``exec`` of source generated from them, as dataclasses do), published only once complete
(a second thread never sees half of one), and refers to the functions of nested classes by
name; a nested class not compiled yet is a stand-in that compiles it on its first value and
puts the real function in its place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]


class PerClass:
    """The compiled ``Check`` of each class, built by ``build(cls, self)`` on first use."""

    __slots__ = ("_build", "_lock", "found")

    def __init__(self, build: Callable[[type[Any], PerClass], Check]) -> None:
        self._build = build
        self._lock = threading.Lock()
        # Read directly on the hot path (``found.get(cls) or get(cls)``): one dict lookup.
        self.found: dict[type[Any], Check] = {}

    def get(self, cls: type[Any]) -> Check:
        found = self.found.get(cls)
        if found is not None:
            return found
        with self._lock:
            found = self.found.get(cls)
            if found is None:
                found = self.found[cls] = self._build(cls, self)  # published complete
            return found

    def reference(self, cls: type[Any], names: dict[str, Any]) -> str:
        """A name in ``names`` (a compiled function's globals) that calls ``cls``'s check."""
        name = f"_c{len(names)}"
        found = self.found.get(cls)
        if found is None:

            def first(value: Any) -> bool:
                check = self.get(cls)
                names[name] = check  # later calls go straight to it
                return check(value)

            found = first
        names[name] = found
        return name


def compile_function(lines: list[str], names: dict[str, Any], function: str) -> Check:
    exec("\n".join(lines), names)
    check: Check = names[function]
    return check
