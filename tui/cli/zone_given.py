"""A zone typed on the command line: checked, refused naming the flag it came with, and taken with a note where it is
likely not the zone meant (``EST``, ``Etc/GMT+5``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crewdeck.sync.state.zones import UnknownZoneError, check_zone, surprise
from crewdeck.tui.workspace.errors import UserError

if TYPE_CHECKING:
    from crewdeck.tui.cli.common import Context


def given_zone(name: str, flag: str, ctx: Context, *, of_a_write: bool = True) -> str:
    """``name`` if it is a zone, else ``UserError`` naming ``flag``; a valid name that likely misleads (a fixed offset
    where clocks change, an inverted sign) is never refused, and said in a note once the command has run
    (``Context.note``; ``of_a_write`` off: a zone the output is read in, said whether or not anything is written)."""
    try:
        checked = check_zone(name)
    except UnknownZoneError as exc:
        raise UserError(f"{flag}: {exc}") from None
    said = surprise(checked, ctx.now)
    if said is not None:
        ctx.note(f"{flag}: {said}", of_a_write=of_a_write)
    return checked
