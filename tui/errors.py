"""Errors that reach a person as one line, never as a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Something the user asked for that cannot be done, and why.

    The command line prints the message on stderr and exits with status 2;
    the app shows it as a notification.
    """
