"""The Textual driver of a browser session's app: Textual's web driver, told that the page's terminal has the keyboard.

Textual's web driver starts the app blurred, waiting for the page to say it
has focus; textual.js says so only when its terminal gains focus after the
websocket opened, which a page that focuses the terminal as it loads
(``crewdeck.tui.web.pages.PAGE_SCRIPT``, so that keys work without a click first) never
does.  A blurred app keeps its footer as it was (the keys of the focused
widget come back with the focus), so the Approvals view's verdicts were
not in it until the first key.  The page's later blur and focus are
passed on as before.

Its input and output are crewdeck web's pipes: at the input's end with no
exit asked for, the server is gone (killed, crashed), and the app quits,
what it draws meanwhile going nowhere.  Textual's driver only stopped
reading, and the app, in a process group of its own (a signal to the
server's is not one to it), ran on for good with no page; asked to quit,
it hung on its first write to the closed pipe.
"""

from __future__ import annotations

import os
from functools import partial
from typing import Any

from textual import events, messages
from textual.app import App
from textual.drivers.web_driver import WebDriver as TextualWebDriver


class WebDriver(TextualWebDriver):
    def __init__(self, app: App[Any], *, debug: bool = False, mouse: bool = True, size: tuple[int, int] | None = None) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._write = partial(_write_or_drop, self.fileno)

    def start_application_mode(self) -> None:
        super().start_application_mode()
        # After the blur the driver has just queued: the page focused its terminal when it loaded.
        self._app.call_later(self._app.post_message, events.AppFocus())

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if not self.exit_event.is_set():  # the input's end, not the app's: nobody is left to ask it to quit
            self.send_message(messages.ExitApp())


def _write_or_drop(fileno: int, data: bytes) -> int:
    """Write to crewdeck web; once it is gone (the pipe closed), what the app draws is nobody's."""
    try:
        return os.write(fileno, data)
    except BrokenPipeError:
        return len(data)
