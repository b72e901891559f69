"""Text from the store made safe for a terminal: control characters shown, never sent.

Whatever a record holds (a title synced from a teammate, a value stored
before control characters were refused), it reaches a terminal through
``visible``, which shows each character a terminal would act on instead of
printing it, in the spelling of ``cat -v``:

* C0 controls and DEL as caret notation: ESC is ``^[``, BEL ``^G``, a
  newline ``^J``, a carriage return ``^M``, DEL ``^?``;
* C1 controls (U+0080-U+009F) as ``cat -v`` spells those bytes: ``M-^[``
  for U+009B (CSI), ``M-^@`` for U+0080;
* characters that reorder or break the line around them, which ``cat -v``
  would pass through: the bidirectional embeddings, overrides and isolates
  U+202A-U+202E and U+2066-U+2069, the line and paragraph separators
  U+2028 and U+2029, and lone surrogates, as ``<U+202E>``; a byte that
  was not UTF-8 (an argument, a file name) as ``\\xff``;
* a zero-width joiner before an ASCII character (or a character shown
  here, a character not yet assigned, or the end of the text), as
  ``<U+200D>``: tmux (3.3a) draws the next character that is not ASCII it
  receives after a joiner in no column of its own, however many ASCII
  characters, escape sequences and lines come between (and drops one not
  yet assigned without ending the joiner's effect), so "c", a joiner and
  "d" in a title drew an ellipsis or a box's side further on in no column
  and moved the rest of that line (in another pane, on a later row).  A
  joiner before an emoji or a letter that is not ASCII, the one it joins,
  stays.

The joiner rule is for what is drawn on a terminal.  A file (an export, a
journal, a calendar) holds text through ``written``: its control
characters shown as above, its joiners as stored, as they are real text
(a Malayalam letter's, an emoji's) and a file read back must hold what was
stored.

A tab stays a tab (``visible_cells`` shows it as ``^I`` in a listing's cell: a
table's column has no tab stops).  A newline stays a newline only where the output is a
block of lines (``multiline=True``: notes in a detail view); in a one-line
listing it is ``^J``, so a title cannot forge rows.  An escape sequence is
harmless once its ESC is ``^[``: the rest is shown as the text it is.

The common case costs one ``str.isprintable`` (C code, a fraction of a
microsecond): text with nothing to show is returned as it is; text that is
not printable in Python's sense (a tab, a no-break space, a joiner) is
searched for what to show.  ``visible`` of its own result changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_SHOWN = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
#: What a one-line field must not send as it is (everything above and the newline).
_ONE_LINE = re.compile(f"[\n{_SHOWN}]")
#: The same in a block of lines, where a newline is a newline.
_BLOCK = re.compile(f"[{_SHOWN}]")
#: Both with each joiner and what follows it (nothing at the end), for text that has one to show: an alternative in
#: every search would halve its speed.
_ONE_LINE_JOINED = re.compile(f"[\n{_SHOWN}]|\u200d(?=(.?))", re.DOTALL)
_BLOCK_JOINED = re.compile(f"[{_SHOWN}]|\u200d(?=(.?))", re.DOTALL)
#: A joiner surely carried over (before ASCII, a character shown, another joiner or the end), and what follows each
#: joiner: searches that start from a literal character, at memory speed.
_CARRIED = re.compile(f"\u200d(?=[\x00-\x7f{_SHOWN}\u200d]|\\Z)")
_AFTER_JOINER = re.compile("\u200d(.)", re.DOTALL)


def _carried(after: str) -> bool:
    """Whether tmux would carry a joiner before ``after`` (a character, or "" at the end) over to a character further
    on: one before what is sent as ASCII (a character shown is), another joiner, a character not yet assigned (which
    tmux drops) or the end."""
    return after.isascii() or after == "\u200d" or _BLOCK.match(after) is not None or unicodedata.category(after) == "Cn"


def _before_unassigned(text: str) -> bool:
    """Whether a joiner in ``text`` is before a character not yet assigned (tmux drops one, and still joins the next)."""
    return any(unicodedata.category(after) == "Cn" for after in _AFTER_JOINER.findall(text))


def _show(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    if code <= 0x9F:
        return "M-^" + chr(code - 0x80 + 0x40)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as Python carries it in an argument or file name
        return f"\\x{code - 0xDC00:02x}"
    return f"<U+{code:04X}>"


def _show_joined(match: re.Match[str]) -> str:
    if match.group() != "\u200d":
        return _show(match)
    return "<U+200D>" if _carried(match.group(1)) else "\u200d"


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every character a terminal would act on shown instead (see the module)."""
    # Printable text (Python's sense: no Cc, Cf, Cs, Zl, Zp, ...) holds none of them.
    if text.isprintable():
        return text
    if "\u200d" in text and (
        _CARRIED.search(text) is not None
        # Without its joiners, printable text holds no character not yet assigned: an emoji's sequence, in C code.
        or (not text.replace("\u200d", "").isprintable() and _before_unassigned(text))
    ):
        return (_BLOCK_JOINED if multiline else _ONE_LINE_JOINED).sub(_show_joined, text)
    return written(text, multiline=multiline)


def written(text: str, *, multiline: bool = False) -> str:
    """``text`` as a file holds it: ``visible`` but for its joiners, kept as stored (see the module)."""
    if text.isprintable():
        return text
    pattern = _BLOCK if multiline else _ONE_LINE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_show, text)


def named(text: str) -> str:
    """``visible``, and a tab shown as ``^I`` too: a name quoted inside a line of prose (an import's card in an error),
    where a tab is no column's edge but a gap of the terminal's choosing, sent raw."""
    return visible(text).replace("\t", "^I")


def visible_cells(cells: Sequence[str]) -> list[str]:
    """``visible`` of each one-line cell of a row, a tab as ``^I`` (``named``): a column has no tab stops, and a tab
    sent as it is moved the rest of the row to the terminal's next one.  To a pipe too, as every control a listing
    shows is (a table printed without a width is as often on a terminal): JSON and the exports keep it as stored.
    One search for the whole row when none needs it."""
    if " ".join(cells).isprintable():
        return list(cells)
    return [named(cell) for cell in cells]


#: The most of a value a one-line error quotes: a file's cell may hold 131,072 characters, 80 say which one it is.
QUOTED = 80


def cut(text: str) -> str:
    """``text`` as a one-line error names it: ``visible``, cut to its first ``QUOTED - 1`` characters and an
    ellipsis when it is longer."""
    # ``visible`` never shortens a character: what it makes of the first QUOTED + 1 is cut as the whole would be.
    shown = visible(text[: QUOTED + 1])
    return shown if len(shown) <= QUOTED else shown[: QUOTED - 1] + "…"


def quoted(text: str) -> str:
    """``text`` as a one-line error quotes it: ``cut``, in quotes (``repr``)."""
    return repr(cut(text))


#: What JSON text written with ``ensure_ascii=False`` may still hold raw: the
#: encoder escapes C0 controls itself, but not DEL, C1, the separators, bidi
#: controls or lone surrogates.  A joiner stays, as in ``written``: JSON keeps
#: every value exact and is not drawn in columns.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_visible(text: str) -> str:
    """JSON text (from ``json.dumps``) with every character ``written`` shows written as a ``\\uXXXX`` escape.

    The value it reads back as is the one JSON's ASCII spelling reads back as
    (``json.dumps``' default): only its spelling changes, and such characters
    can only be inside JSON strings.  A lone high surrogate just before a lone
    low one (never a stored text: the rules refuse both) has no other spelling
    than the pair's, which reads back as one character.
    """
    # ASCII text can hold only DEL of them: two scans at memory speed decide the common case.
    if (text.isascii() and "\x7f" not in text) or _JSON_RAW.search(text) is None:
        return text
    return _JSON_RAW.sub(_json_escape, text)
