"""Text for the app's widgets that came from records: shown, never obeyed.

A title or a name is text a teammate typed (or a forged record holds): it
goes through ``crewdeck.sync.state.visible`` so no control character reaches the
terminal, and it is never read as markup, so ``[b]`` or ``[$accent]`` in a
title is shown as typed.  ``Lines`` builds a block of such text with styles
given by the code, never by the text.
"""

from __future__ import annotations

from textual.content import Content

from crewdeck.sync.state.visible import visible

#: A piece of a line: plain text, or ``(text, style)``.
Piece = str | tuple[str, str]


def plain(text: str) -> Content:
    """One line of text, as it is, shown."""
    return Content(visible(text))


def markup_literal(text: str) -> str:
    """One line of text, shown, for a place that reads markup (the command palette's titles).

    Textual's own ``escape`` leaves ``[$accent]`` and ``[B]`` as tags; a
    backslash before every ``[`` makes each one literal, and the parser
    keeps every other backslash as it is.
    """
    return visible(text).replace("[", "\\[")


class Lines:
    """A block of lines, each made of plain or styled pieces (see the module)."""

    def __init__(self) -> None:
        self._parts: list[Piece] = []
        self._lines = 0

    def add(self, *pieces: Piece) -> Lines:
        """One line; a newline inside a piece is shown as ``^J``, not obeyed."""
        return self._add(pieces, multiline=False)

    def block(self, *pieces: Piece) -> Lines:
        """Lines of their own (a task's notes): their newlines break lines."""
        return self._add(pieces, multiline=True)

    def _add(self, pieces: tuple[Piece, ...], multiline: bool) -> Lines:
        if self._lines:
            self._parts.append("\n")
        self._lines += 1
        for piece in pieces:
            if isinstance(piece, tuple):
                self._parts.append((visible(piece[0], multiline=multiline), piece[1]))
            else:
                self._parts.append(visible(piece, multiline=multiline))
        return self

    def content(self) -> Content:
        return Content.assemble(*self._parts)
