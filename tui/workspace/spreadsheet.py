"""Text cells of a CSV that a spreadsheet opens as the text they are, never as a formula.

Excel and LibreOffice read a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula: a payee "@cafe_mila" opens as ``#NAME?``, and one a
teammate typed as ``=HYPERLINK(...)`` as a link that runs.  The guard
Linear's exports use too is a ``'`` before such text, which a spreadsheet
shows without it; ``unquoted`` takes it off when the file is read back.
"""

from __future__ import annotations

#: What a cell a spreadsheet reads as a formula starts with.
FORMULA_STARTS = "=+-@"


def guarded(text: str) -> str:
    """``text`` with a ``'`` before it where a spreadsheet would read it as a formula, or where ``unquoted`` would take
    one off (``'@home``, led by guards already): ``unquoted`` gives it back as it was."""
    return "'" + text if _formula(text.lstrip("'")) else text


def unquoted(text: str) -> str:
    """A cell's text without the ``'`` written before ``= + - @`` (``guarded``'s, or Linear's)."""
    return text[1:] if text.startswith("'") and _formula(text.lstrip("'")) else text


def _formula(text: str) -> bool:
    return text[:1] != "" and text[0] in FORMULA_STARTS
