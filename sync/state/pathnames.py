"""A path as crewdeck reads it (UTF-8 text: an argument, a variable, a config's value) and as Python's file functions are
given it, which differ under a locale whose encoding is not UTF-8.

Python writes a path's text in the locale's encoding: under ISO-8859-1, ``-w ~/Ωmega/team.db`` ended in a traceback and
``~/Café/team.db`` reached no file, for the file's name is the UTF-8 the person typed.  A path is converted once, where
it is to be opened (``system_name``), and a message says it as it was typed (``typed_name``).  Under a UTF-8 locale
both are the text itself."""

from __future__ import annotations

import codecs
import os
import sys


def _utf8_system() -> bool:
    return codecs.lookup(sys.getfilesystemencoding()).name == "utf-8"


#: Arguments whose bytes were no UTF-8, kept as the locale reads them (``main._utf8_arguments``): a path of them names
#: the file of the locale's bytes, as typed at a terminal of ISO-8859-1 ("café.csv", its é one byte).
_LOCALE_READ: set[str] = set()


def read_by_the_locale(argument: str) -> None:
    """Say that ``argument`` is the locale's reading of bytes that are no UTF-8 (``-w=...``: the value after ``=`` too)."""
    _LOCALE_READ.add(argument)
    if argument.startswith("-") and "=" in argument:
        _LOCALE_READ.add(argument.split("=", 1)[1])


def system_name(text: str) -> str:
    """The path ``text`` (UTF-8 text) as Python's file functions are to be given it to reach the file of those bytes."""
    if _utf8_system() or text in _LOCALE_READ:
        return text
    return os.fsdecode(text.encode("utf-8", "surrogateescape"))


def typed_name(path: str | os.PathLike[str]) -> str:
    """A path Python's file functions were given (``system_name``'s, or the current directory's) as the person typed it:
    "CafÃ©" was said of ``~/Café``.  A name whose bytes are no UTF-8 keeps the locale's reading, as an argument does."""
    name = os.fspath(path)
    if _utf8_system():
        return name
    try:
        return os.fsencode(name).decode("utf-8")
    except UnicodeDecodeError:
        return name
