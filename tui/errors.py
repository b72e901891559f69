"""Errors that reach a person as one line, never as a traceback."""

from __future__ import annotations

import re


class UserError(Exception):
    """Something the user asked for that cannot be done, and why.

    The command line prints the message on stderr and exits with status 2;
    the app shows it as a notification.
    """



def one_line_errors() -> tuple[type[Exception], ...]:
    """The errors whose message says all a person needs: bad input, a workspace that refuses.

    Any other exception is a bug and is reported as one.  (Imported when
    asked, so that importing this module stays free.)
    """
    from sync.hlc import ClockSkewError
    from sync.money import MoneyError
    from sync.records import ValidationError
    from sync.store import WorkspaceError
    from sync.zones import UnknownZoneError

    from .when import DateError

    return (UserError, WorkspaceError, ValidationError, ClockSkewError, MoneyError, UnknownZoneError, DateError)


#: What must not reach a terminal raw inside an error message: C0 controls
#: (newline and tab too: the message is one line), DEL, C1 controls, lone
#: surrogates (undecodable bytes) and the bidirectional overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as surrogateescape carries it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(message: str) -> str:
    """``message`` as one line that is safe on a terminal: control characters shown as escapes."""
    return _UNPRINTABLE.sub(_visible, message)


def undecodable(text: str) -> bool:
    """Text that cannot be written as UTF-8: a command-line argument or file name with bytes that were not UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def summary(problems: list[str], shown: int = 10) -> str:
    """The first ``shown`` problems on one line, and how many more there are."""
    more = f" (and {len(problems) - shown:,} more)" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more
