"""The one way the app runs I/O: a thread worker whose errors become notifications.

A failed read or write must neither close the app nor pass silently.  Textual
tells only a worker's own node that it failed, so the error is caught here,
in the worker, and handed to the app's one error handler
(``CrewdeckApp.report_error``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual import work

F = TypeVar("F", bound=Callable[..., Any])


def background(*, group: str = "default", exclusive: bool = False) -> Callable[[F], F]:
    def decorate(method: F) -> F:
        @functools.wraps(method)
        def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except Exception as exc:  # every error reaches the person, as a notification
                self.app.call_from_thread(self.app.report_error, exc)
                return None

        return work(thread=True, exit_on_error=False, group=group, exclusive=exclusive)(guarded)  # type: ignore[return-value]

    return decorate
