"""What splits a CSV file's columns, decided alike by every import that reads one (ledger, tasks, results)."""

from __future__ import annotations

import re

#: What each separator is called when a problem names it.
NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def separator(text: str) -> str:
    """What splits the columns of ``text`` (a header, or a file's first lines): the one its first line declares
    (``declared``), else the one of ``NAMES`` it holds most of, a comma on a tie (none of them: one column).  A European
    bank's export separates with ";", as its decimal mark is a comma; Excel's "Unicode Text" with tabs, its cells' commas
    left as they are."""
    return declared(text) or max(NAMES, key=text.count)


def declared(text: str) -> str | None:
    """The separator the first line of ``text`` declares, as Excel writes it on a CSV it saves for another locale's Excel
    ("sep=;", or "sep=" and a tab), or ``None``: that line is no header, and every import passes over it (read as one,
    "sep=" was a column and the header below it a row)."""
    found = _DECLARATION.match(text)
    return None if found is None else found[1]


def declaration_blanked(text: str) -> str:
    """``text`` with the separator its first line declares (``declared``) made a blank line, which every import passes
    over: the rows below keep the line numbers an editor gives them."""
    found = _DECLARATION.match(text)
    return text if found is None else "\n" + text[found.end() :] if found[0].endswith(("\n", "\r")) else text[found.end() :]


#: Excel's declaration of a file's separator: its first line, byte order mark or not, holding nothing else.
_DECLARATION = re.compile(r'\ufeff?"?sep=([,;\t])"?[ ]*(?:\r?\n|\r|\Z)', re.IGNORECASE)


def unquoted_separator(separator: str) -> str:
    """Why a row holds more cells than its header, said of the file's own separator: "a tab in a value needs quotes"."""
    return f"a {NAMES[separator]} in a value needs quotes"
