"""How many of a notice's lines a toast shows whole on this screen.

Textual's toast is at most half the screen wide (60 cells, less its padding and
border), and the rack that holds toasts is cut at the screen's top: a notice of
three long lines and a title was taller than an 80x24 screen, and its title and
first line were the part cut off.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

#: Textual's ``Toast``: ``width: 60; max-width: 50%`` of the rack less its scrollbar's column, ``padding: 1 1`` and
#: ``border-left``; its ``margin-top: 1`` (the rack's ``margin-bottom`` is not drawn: the last toast ends on the last row).
TOAST_WIDTH, TOAST_SIDES, TOAST_ROWS_BESIDES = 60, 3, 3


def lines_that_fit(title: str, lines: list[str], more: int, screen: tuple[int, int], console: Console) -> int:
    """How many of ``lines``, each a record's, a toast titled ``title`` shows whole on a ``screen`` of ``(width, height)``,
    with a last line counting the rest when ``more`` records are left unsaid besides them: none where even the first and
    that count do not fit (a screen a few rows high), the title kept."""
    width, height = screen
    inside = max(1, min(TOAST_WIDTH, (width - 1) // 2) - TOAST_SIDES)

    def rows(line: str) -> int:
        return len(Text(line).wrap(console, inside))

    room = height - TOAST_ROWS_BESIDES - rows(title)
    fit = 0
    for n, line in enumerate(lines):
        left = len(lines) - n - 1 + more
        counting = rows(f"… and {left:,} more: crewdeck log lists them") if left else 0
        if rows(line) + counting > room:
            break
        room -= rows(line)
        fit += 1
    return fit
