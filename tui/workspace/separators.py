"""What splits a CSV file's columns, decided alike by every import that reads one (ledger, tasks, results)."""

from __future__ import annotations

#: What each separator is called when a problem names it.
NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def separator(text: str) -> str:
    """What splits the columns of ``text`` (a header, or a file's first lines): the one of ``NAMES`` it holds most of, a
    comma on a tie (none of them: one column).  A European bank's export separates with ";", as its decimal mark
    is a comma; Excel's "Unicode Text" with tabs, its cells' commas left as they are."""
    return max(NAMES, key=text.count)


def unquoted_separator(separator: str) -> str:
    """Why a row holds more cells than its header, said of the file's own separator: "a tab in a value needs quotes"."""
    return f"a {NAMES[separator]} in a value needs quotes"
