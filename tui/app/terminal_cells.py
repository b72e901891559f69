"""Rich measures text as the terminal draws it, so the app's lines keep to their boxes.

Textual lays out a screen in Rich's cell widths, and Rich's table (Unicode 17's) disagrees with the terminal (tmux
3.3a, xterm) on a few scripts: a spacing vowel sign of Devanagari or Tamil takes a column there and none in Rich, a
skin-tone modifier two and none, a heart with its emoji selector one and two.  Each such character moved the rest of
its line: a task's Hindi title pushed its due date out of the table.  The command line's measure
(``columns.character_cells``) counts as the terminal does; Rich is given it as its table.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cache
from typing import overload

import rich.cells

from crewdeck.tui.workspace.columns import character_cells

#: Rich's name for the table.
TERMINAL = "terminal"


class _TerminalWidths(Sequence[tuple[int, int, int]]):
    """Rich's width table, one entry (start, end, columns) a code point, each measured as the terminal draws it:
    Rich finds a character by halving the table (some 21 entries looked at) and keeps what it found."""

    def __len__(self) -> int:
        return sys.maxunicode + 1

    @overload
    def __getitem__(self, index: int) -> tuple[int, int, int]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[int, int, int]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, int, int] | Sequence[tuple[int, int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        point = range(len(self))[index]  # a negative index counts from the end; one past it is an IndexError
        return point, point, character_cells(chr(point))


@cache
def _terminal_table(unicode_version: str = "auto") -> rich.cells.CellTable:
    # No character is widened by an emoji selector after it: a terminal draws ❤️ in the heart's one column.
    return rich.cells.CellTable(TERMINAL, _TerminalWidths(), frozenset())


def measure_as_terminal() -> None:
    """Have Rich (and so Textual) measure every text from now on as the terminal draws it; what it measured before
    is forgotten."""
    # The name every measure in rich.cells looks its table up by when it runs (an import there, not its own API).
    vars(rich.cells)["load_cell_table"] = _terminal_table
    rich.cells.get_character_cell_size.cache_clear()
    rich.cells.cached_cell_len.cache_clear()
