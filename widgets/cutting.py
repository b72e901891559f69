"""Where the widgets cut a text too wide for its room: ``keep(text, columns)``, the start of ``text`` kept in at most
``columns`` columns.

Rich's own (``set_cell_size``, the default) cuts a glyph apart: a spacing vowel sign from its letter (हिंद of हिंदी), a
skin tone from its emoji, a flag's two letters.  The app sets the command line's cutter here
(``columns.whole_glyphs``, from ``terminal_cells``), so a title is cut alike in a table printed and on screen: the widgets
import neither.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import set_cell_size

keep: Callable[[str, int], str] = set_cell_size
