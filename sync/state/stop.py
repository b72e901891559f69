"""An end that reaches a watcher's wait at once: what the app sets to end its watcher of the file.

Apart from ``watcher`` so that the app, which makes one as it starts, imports no file watching until it watches.
"""

from __future__ import annotations

import threading


class Stop(threading.Event):
    """A ``threading.Event`` that ends the waits of the watchers running until it is set (``ChangeWatcher.run``) at
    once: a watcher waits for a commit or its stop with no timer, where it looked for the stop 66 times a second."""

    def __init__(self) -> None:
        super().__init__()
        self._woken: list[threading.Event] = []
        self._woken_lock = threading.Lock()

    def set(self) -> None:
        with self._woken_lock:
            super().set()
            woken = list(self._woken)
        for event in woken:
            event.set()

    def wakes(self, event: threading.Event) -> None:
        """``event`` is set when this is: at once if it is already."""
        with self._woken_lock:
            self._woken.append(event)
            if not self.is_set():
                return
        event.set()

    def forget(self, event: threading.Event) -> None:
        with self._woken_lock:
            self._woken.remove(event)
