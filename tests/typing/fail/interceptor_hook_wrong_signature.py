from __future__ import annotations

from sm_typed import CallEnd, Interceptor


class Tracing(Interceptor):
    def before_call(self, context: CallEnd) -> None:  # error
        print(context.output)
