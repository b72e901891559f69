"""Errors that reach a person as one line, never as a traceback."""

from __future__ import annotations


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
    from sync.rules import Refused
    from sync.store import WorkspaceError
    from sync.zones import UnknownZoneError

    from .when import DateError

    return (UserError, WorkspaceError, ValidationError, Refused, ClockSkewError, MoneyError, UnknownZoneError, DateError)
