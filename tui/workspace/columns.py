"""Plain columns fitted to the terminal they are printed on: the command line's tables.

Printed to a terminal, a table is no wider than the terminal: its free-text
columns (a title, a payee, a memo, a campaign) are cut with an ellipsis, the
widest first, and the others (ids, dates, amounts, statuses) never are, so a
line of those alone stays as wide as they need.  To a pipe or a file the
lines are whole: a script or ``grep`` reads every character.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TextIO

ELLIPSIS = "…"
#: A terminal's width when it does not say (``shutil.get_terminal_size``'s).
UNKNOWN_WIDTH = 80
#: Joins the emoji after it to the one before (👨‍👩‍👧): drawn as one.
ZERO_WIDTH_JOINER = "\u200d"
#: A format character terminals draw as a hyphen, one column.
SOFT_HYPHEN = "\u00ad"
#: The letters two of which make a flag (🇯 and 🇵 make 🇯🇵), first and last.
REGIONAL_INDICATORS = ("\U0001f1e6", "\U0001f1ff")
#: The emoji modifiers of skin tone, first and last: each is drawn on the emoji before it.
SKIN_TONES = ("\U0001f3fb", "\U0001f3ff")
#: The combining class of a virama (Devanagari's ्, Tamil's ்): it joins the consonant after it to the one before.
_VIRAMA = 9
#: Unicode categories a terminal draws in no column of their own: nonspacing and enclosing marks, format characters.
_DRAWN_ON_OTHERS = frozenset({"Mn", "Me", "Cf"})
#: Between two columns.
GAP = 2
#: The narrowest a cut column gets: three characters and the ellipsis (its header is cut as its cells are).
NARROWEST = 4
#: The narrowest a cut column gets while other columns can give way instead (``kept``): a name still read as one.
READABLE = 16


def terminal_width(stream: TextIO) -> int | None:
    """The width a table printed to ``stream`` fits: the terminal's (``COLUMNS`` when set) when ``stream`` is
    one; ``None`` (whole lines) to a pipe or a file.  The terminal is ``stream``'s own: standard error's notes
    may go to a terminal while standard output goes to a pipe (``shutil`` reads standard output's, 80 then)."""
    try:
        if not stream.isatty():
            return None
        terminal = stream.fileno()
    except ValueError:  # a closed stream: nothing is read from its width
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(terminal).columns or UNKNOWN_WIDTH
    except OSError:  # a terminal that does not say its size
        return UNKNOWN_WIDTH


def line_width(widths: Sequence[int]) -> int:
    return sum(widths) + GAP * (len(widths) - 1)


def fitted(widths: Sequence[int], cuttable: Collection[int], width: int | None) -> list[int]:
    """``widths`` with the ``cuttable`` columns narrowed (the widest first, to ``NARROWEST`` at the least)
    until a line is at most ``width`` wide; as they are for ``width`` ``None``."""
    if width is None or line_width(widths) <= width:
        return list(widths)

    def at(level: int) -> list[int]:
        return [max(min(NARROWEST, w), min(w, level)) if i in cuttable else w for i, w in enumerate(widths)]

    # The highest level the cut columns may reach: a line grows with it, so halving finds it.
    low, high = 0, max(widths)
    while low < high:
        middle = (low + high + 1) // 2
        if line_width(at(middle)) <= width:
            low = middle
        else:
            high = middle - 1
    return at(low)


def kept(
    widths: Sequence[int], cuttable: Collection[int], give_way: Sequence[int], width: int | None, readable: Mapping[int, int] | None = None
) -> list[int]:
    """The columns (their indices) a line at most ``width`` wide shows: every one when they fit with the
    ``cuttable`` ones cut to ``READABLE`` (or to their own ``readable`` width); otherwise all but the ``give_way``
    ones, the first of them left out first, until the rest fit (when none is left to give way, ``fitted`` cuts the
    rest further)."""
    if width is None:
        return list(range(len(widths)))
    least = readable or {}
    gone: set[int] = set()
    for column in give_way:
        shown = [min(w, least.get(i, READABLE)) if i in cuttable else w for i, w in enumerate(widths) if i not in gone]
        if line_width(shown) <= width:
            break
        gone.add(column)
    return [i for i in range(len(widths)) if i not in gone]


def cut(text: str, width: int) -> str:
    """``text``, or its first ``width - 1`` characters and an ellipsis when it is longer than ``width``."""
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def cells(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide (East Asian) character or emoji, none for a mark
    drawn on the character before it (a combining accent, a vowel sign of Devanagari, a variation selector), for a
    format character (a zero-width joiner, a direction mark), nor for a character a joiner joins to the glyph before it
    (the family in 👨‍👩‍👧 is one emoji: two columns); as a terminal (tmux, xterm) counts them."""
    if text.isascii():
        return len(text)
    return sum(joined_widths(text, character_cells))


def joined_widths(text: str, measure: Callable[[str], int]) -> Iterator[int]:
    """The columns each character of ``text`` adds, in order, each measured alone by ``measure``: tmux draws any
    character but an ASCII one after a zero-width joiner into the glyph before it (a woman, a joiner, a heart, a
    joiner and a man: two columns; "a", a joiner and a heart: one), and an ASCII one beside it ("a", a joiner, "b": two).
    """
    joined = False
    for ch in text:
        yield 0 if joined and not ch.isascii() else measure(ch)
        joined = ch == ZERO_WIDTH_JOINER


def character_cells(ch: str) -> int:
    """The columns one character takes on a terminal drawn alone (``cells`` of a text joins emoji)."""
    if unicodedata.category(ch) in _DRAWN_ON_OTHERS and ch != SOFT_HYPHEN:
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def cut_cells(text: str, width: int) -> str:
    """``text``, or as much of it as takes ``width - 1`` columns and an ellipsis when it takes more than ``width``
    (``cut`` counted in a terminal's columns, for a table's cells): a mark stays with the character it is drawn on,
    and a joined emoji is kept whole or not at all."""
    if cells(text) <= width:
        return text
    return whole_glyphs(text, width - 1) + ELLIPSIS


def whole_glyphs(text: str, width: int) -> str:
    """The longest start of ``text`` at most ``width`` columns wide that cuts no glyph apart (``_glyphs``): what a cut
    keeps, here and in the app's widgets."""
    kept, used = [], 0
    for glyph, columns in _glyphs(text):
        used += columns
        if used > width:
            break
        kept.append(glyph)
    return "".join(kept)


def _glyphs(text: str) -> Iterator[tuple[str, int]]:
    """``text`` in the pieces a cut keeps whole, each with its columns: a character with the marks and joined emoji
    drawn on it, and a flag's two regional-indicator letters together (one of them alone is a letter in a box)."""
    piece, columns, flag_open = "", 0, False
    for ch, width in zip(text, joined_widths(text, character_cells), strict=True):
        regional = _is_regional_indicator(ch)
        if piece and (width == 0 or (regional and flag_open) or _continues(ch, piece[-1])):
            piece, columns = piece + ch, columns + width
            flag_open = False
            continue
        if piece:
            yield piece, columns
        piece, columns, flag_open = ch, width, regional
    if piece:
        yield piece, columns


def _continues(ch: str, before: str) -> bool:
    """Whether ``ch``, though it takes a column, belongs to the glyph ``before`` ends: a spacing vowel sign (the ि of
    हि), a skin tone on its emoji, or a consonant a virama joins to the one before it (क्ष); cut apart, the text
    kept would read as another syllable or another emoji."""
    return unicodedata.category(ch) == "Mc" or SKIN_TONES[0] <= ch <= SKIN_TONES[1] or unicodedata.combining(before) == _VIRAMA


def _is_regional_indicator(ch: str) -> bool:
    return REGIONAL_INDICATORS[0] <= ch <= REGIONAL_INDICATORS[1]


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (on the left, ``right``), counted as a terminal shows it."""
    room = " " * max(0, width - cells(text))
    return room + text if right else text + room
