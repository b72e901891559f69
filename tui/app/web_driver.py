"""The Textual driver of a browser session's app: Textual's web driver, told that the page's terminal has the keyboard.

Textual's web driver starts the app blurred, waiting for the page to say it
has focus; textual.js says so only when its terminal gains focus after the
websocket opened, which a page that focuses the terminal as it loads
(``crewdeck.tui.web.pages.PAGE_SCRIPT``, so that keys work without a click first) never
does.  A blurred app keeps its footer as it was (the keys of the focused
widget come back with the focus), so the Approvals view's verdicts were
not in it until the first key.  The page's later blur and focus are
passed on as before.
"""

from __future__ import annotations

from textual import events
from textual.drivers.web_driver import WebDriver as TextualWebDriver


class WebDriver(TextualWebDriver):
    def start_application_mode(self) -> None:
        super().start_application_mode()
        # After the blur the driver has just queued: the page focused its terminal when it loaded.
        self._app.call_later(self._app.post_message, events.AppFocus())
