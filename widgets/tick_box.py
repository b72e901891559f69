"""A checkbox whose box reads ticked or empty by its glyph, not its colour alone.

Textual's ``Checkbox`` draws ``▐X▌`` on and off alike, telling them apart
by the theme's colour of the ``X``: on a monochrome terminal, in a capture
or to a reader who does not see the colour, an unticked box read ticked.
Here the box is empty while off (``▐ ▌``); the theme still colours it.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """``Checkbox`` drawn ``▐X▌`` on and ``▐ ▌`` off."""

    #: Off: the box's inside, empty (``ToggleButton`` draws ``BUTTON_INNER`` in it).
    BUTTON_INNER = " "
    #: On: the box's inside, ticked.
    BUTTON_TICKED = "X"

    def watch_value(self) -> None:
        # Per box, as its value is: Textual's button reads ``self.BUTTON_INNER``.
        self.BUTTON_INNER = self.BUTTON_TICKED if self.value else type(self).BUTTON_INNER
        super().watch_value()
