"""Rich measures text as the terminal draws it, so the app's lines keep to their boxes.

Textual lays out a screen in Rich's cell widths, and Rich's table (Unicode 17's) disagrees with the terminal (tmux
3.3a, xterm) on a few scripts: a spacing vowel sign of Devanagari or Tamil takes a column there and none in Rich, a
skin-tone modifier two and none, a heart with its emoji selector one and two.  Each such character moved the rest of
its line: a task's Hindi title pushed its due date out of the table.  The command line's measure
(``columns.character_cells``) counts as the terminal does; Rich is given it as its table, runs of code points of one
width (``terminal_widths``, written from it), and its joiner rule (``columns.joined_widths``).  The widgets cut text
where the command line does (``columns.whole_glyphs``), a glyph whole or not at all.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

import rich.cells

from crewdeck.tui.app import terminal_widths
from crewdeck.tui.workspace.columns import character_cells, joined_widths, whole_glyphs
from crewdeck.widgets import cutting

#: Rich's name for the table.
TERMINAL = "terminal"

Run = tuple[int, int, int]


def width_runs() -> tuple[Run, ...]:
    """Every run of code points the terminal draws in other than one column, as (first, last, columns): Rich's table
    (a code point in none is one column).  Some half a second: ``terminal_widths`` holds them, written at build time."""
    runs: list[Run] = []
    first, width = 0, 1
    for point in range(sys.maxunicode + 2):
        columns = character_cells(chr(point)) if point <= sys.maxunicode else 1
        if columns != width:
            if width != 1:
                runs.append((first, point - 1, width))
            first, width = point, columns
    return tuple(runs)


def widths_module() -> str:
    """The text of ``terminal_widths`` for this Python's Unicode (``make terminal-widths`` writes it)."""
    lines = "".join(f"    (0x{first:04X}, 0x{last:04X}, {columns}),\n" for first, last, columns in width_runs())
    return (
        '"""Written by ``make terminal-widths`` (``terminal_cells.widths_module``): the runs of code points a terminal draws\n'
        'in other than one column, for the Unicode below; do not edit."""\n\n'
        f'UNICODE_VERSION = "{unicodedata.unidata_version}"\n\n'
        f"RUNS = (\n{lines})\n"
    )


@cache
def _terminal_table(unicode_version: str = "auto") -> rich.cells.CellTable:
    # Another Python's Unicode may have added characters: measured afresh then, once.
    same = unicodedata.unidata_version == terminal_widths.UNICODE_VERSION
    runs = terminal_widths.RUNS if same else width_runs()
    # No character is widened by an emoji selector after it: a terminal draws ❤️ in the heart's one column.
    return rich.cells.CellTable(TERMINAL, runs, frozenset())


def _terminal_cell_len(text: str, unicode_version: str = "auto") -> int:
    """Rich's ``_cell_len`` with the terminal's joiner rule (Rich skipped any character after a joiner, "a", a joiner
    and "b" one column where tmux draws two); each character measured as Rich does (a control character in none)."""
    # Rich's own test for text of one-column characters only (Latin, Greek, Cyrillic, box drawing): accents and `·`
    # went a character at a time otherwise, ~15x slower a title.  Our table agrees on every one of them it has assigned.
    if rich.cells._is_single_cell_widths(text):
        return len(text)
    return sum(joined_widths(text, rich.cells.get_character_cell_size))


def measure_as_terminal() -> None:
    """Have Rich (and so Textual) measure every text from now on as the terminal draws it, and the widgets cut it
    where the command line does; what Rich measured before is forgotten."""
    # The names rich.cells looks up when it measures (its imports and its own helper, not its API): Rich 15.0.
    vars(rich.cells)["load_cell_table"] = _terminal_table
    vars(rich.cells)["_cell_len"] = _terminal_cell_len
    rich.cells.get_character_cell_size.cache_clear()
    rich.cells.cached_cell_len.cache_clear()
    cutting.keep = whole_glyphs


if __name__ == "__main__":
    sys.stdout.write(widths_module())
