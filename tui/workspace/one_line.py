"""Text of several lines as one line: how a field of one line (a title) takes a paste of several lines in the app, and
how an import takes a title from another tool's file that holds line breaks or tabs (a Trello card's name may be
pasted text, a whole import was refused for one).

Its lines are trimmed and the empty ones left out, as the line breaks they stood between are, and joined by ``joiner``
(a space; ", " where the field takes a list separated by commas); a tab, and the spaces around it, is one space.  A line
breaks wherever ``str.splitlines`` breaks it (LF, CR LF as one, CR, the vertical tab PowerPoint's soft return is, the
form feed, NEL, the file, group and record separators, Unicode's line and paragraph separators): a paste and an import
fold by that one rule, where a paste holding a break this missed was Textual's own (its first line alone).  Any other
control character is left for the records' check to refuse, named.
"""

from __future__ import annotations

import re

_TAB = re.compile(" *\t[\t ]*")


def folded(text: str, joiner: str = " ") -> str | None:
    """``text`` as one line; ``None`` when it holds no line break and no tab (nothing to fold: it stays as it is)."""
    lines = text.splitlines()
    if "\t" not in text and lines in ([], [text]):
        return None
    kept = (_TAB.sub(" ", line).strip() for line in lines)
    return joiner.join(line for line in kept if line)


#: How an import's summary says the titles it folded (after their count: "2 titles ...: the first few").
FOLDED_SAID = "with line breaks or tabs put on one line, as a paste into a title is"
