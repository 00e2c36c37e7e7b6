from __future__ import annotations

from sm_typed import AttemptStart, Interceptor


class Tracing(Interceptor):
    def before_attempt(self, context: AttemptStart) -> None:
        print(context.status_code)  # error
