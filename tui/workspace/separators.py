"""What splits a CSV file's columns, decided alike by every import that reads one (ledger, tasks, results), and the
import's guess of a file's format: each reads the file's lines through ``CsvLines``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

#: What each separator is called when a problem names it.
NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class CsvLines:
    """A CSV file's lines as every import reads them: the byte order mark opening it taken off, and the separator its first
    line declares, as Excel writes it on a CSV it saves for another locale's Excel ("sep=;", or "sep=" and a tab), kept as
    ``declared`` and that line made a blank one, which every import passes over (read as a header, "sep=" was a column and
    the header below it a row; the lines below keep the numbers an editor gives them).  ``blank`` while every line read is
    blank, as an empty file's are.  A class, not a generator: closing one, as an import that stops early does, would close
    the file, which its opener owns."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._first = True
        self.blank = True
        self.declared: str | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        if self._first:
            self._first = False
            found = _DECLARATION.match(line)
            line = line.removeprefix("\ufeff")
            if found is not None:
                self.declared, line = found[1], "\n" if found[0].endswith(("\n", "\r")) else ""
        if self.blank:
            self.blank = not line.strip()
        return line

    def opening(self) -> tuple[list[str], str]:
        """The blank lines before the header (the declaration among them), and the header's line ("" when there is none)."""
        passed: list[str] = []
        for line in self:
            if line.strip(" \t\r\n"):
                return passed, line
            passed.append(line)
        return passed, ""

    def separator(self, opening: str) -> str:
        """What splits the columns: the separator declared, else the one of ``NAMES`` ``opening`` (the header, or the first
        lines) holds most of, a comma on a tie (none of them: one column).  A European bank's export separates with ";", as
        its decimal mark is a comma; Excel's "Unicode Text" with tabs, its cells' commas left as they are."""
        return self.declared or max(NAMES, key=opening.count)


#: Excel's declaration of a file's separator: its first line, byte order mark or not, holding nothing else.
_DECLARATION = re.compile(r'\ufeff?"?sep=([,;\t])"?[ ]*(?:\r?\n|\r|\Z)', re.IGNORECASE)


def unquoted_separator(separator: str) -> str:
    """Why a row holds more cells than its header, said of the file's own separator: "a tab in a value needs quotes"."""
    return f"a {NAMES[separator]} in a value needs quotes"
