"""A line of an editing field drawn without a joiner the terminal would carry over, the text edited left as it is.

tmux (3.3a) draws the next character that is not ASCII it receives after a zero-width joiner in no column of its own,
however far on: a joiner before a plain letter or at a line's end moved a glyph further on, on that line or a later
one.  What is drawn of a stored text elsewhere shows such a joiner (``crewdeck.sync.state.visible``); a field shows the
text as it is edited, so it draws none of it instead (a joiner takes no column) and edits it still.
"""

from __future__ import annotations

import unicodedata

from rich.segment import Segment
from textual.strip import Strip

JOINER = "\u200d"
#: What a joiner before it is carried over past: a control, a separator or a surrogate (sent as no glyph), a character
#: not yet assigned (which tmux drops).
_PASSED = frozenset({"Cc", "Cs", "Zl", "Zp", "Cn"})


def _carried(after: str) -> bool:
    return after.isascii() or after == JOINER or unicodedata.category(after) in _PASSED


def without_carried_joiners(strip: Strip) -> Strip:
    """``strip`` without the joiners tmux would carry over (before ASCII, another joiner or the line's end), as wide."""
    text = strip.text
    if JOINER not in text:
        return strip
    dropped = {i for i, char in enumerate(text) if char == JOINER and _carried(text[i + 1 : i + 2])}
    if not dropped:
        return strip
    kept, at = [], 0
    for segment in strip:
        chars = "".join(char for i, char in enumerate(segment.text, at) if i not in dropped)
        kept.append(Segment(chars, segment.style, segment.control))
        at += len(segment.text)
    # Rich measured "c", a joiner and "d" as one column, as one glyph: without the joiner they are two, as drawn.
    return Strip(kept).adjust_cell_length(strip.cell_length)
