"""A secret printed once (a sync token, a sign-in link): one whose output could not be written is revoked.

``crewdeck token create raj > /dev/full`` made a live token and exited 2 as if nothing was: a secret nobody saw is a
way in nobody holds, and a script that ran the command again made a second.  Its lines are written out before the
command ends; where they cannot be (a full disk, a reader gone), what they showed is revoked at once and the command
refused, so that running it again is right."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from crewdeck.tui.workspace.errors import UserError


@contextmanager
def shown_or_revoked(what: str, revoke: Callable[[], object], revoke_by_hand: str) -> Iterator[None]:
    """The block prints the secret ``what`` names ("token 1a2b3c4d"), written out as it ends; where standard output
    cannot take it, ``revoke`` takes it back and ``UserError`` says so.  A revoke that fails too is said with the
    command that revokes it (``revoke_by_hand``): the secret is live, and nobody holds it."""
    try:
        yield
        sys.stdout.flush()
        # Closed by the caller (``>&-``): written to /dev/null in its place, as any command's output nobody reads is.
        problem = "standard output is closed" if getattr(sys.stdout, "name", None) == os.devnull else None
    except OSError as exc:
        problem = f"standard output: {exc.strerror or exc}"
    if problem is not None:
        try:
            revoke()
        except Exception as failed:
            raise UserError(
                f"{problem}; {what} was made, nobody saw it, and revoking it failed ({failed}): revoke it: {revoke_by_hand}"
            ) from None
        raise UserError(f"{problem}; {what} was revoked, as nobody saw it: run the command again") from None
