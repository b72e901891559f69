"""Whether a crisis freezes a ledger entry or holds a post: the rules, on records (the rules judge approvals,
and a post's move into the scheduler or out, with them; the readers' post states with ``holds``).

Spend in a crisis's campaigns (all when it names none) dated from the
crisis's first day to its last (on, while it is open) is frozen until
approved; a crisis that names platforms freezes no spend.  Those days are
on the clock of the member who entered the spend, as its date is (their
today, unless they typed another): spend a Los Angeles member enters on
Dec 6 at 16:30, in a crisis started at 00:30 UTC on Dec 7, is frozen.
Reports apply the same rule in SQL (``crewdeck.tui.posts.frozen``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from crewdeck.sync.state.zones import UnknownZoneError, zone


def day_in(instant: str, tz: str | None) -> str:
    """The day (``YYYY-MM-DD``) a stored UTC instant falls on in zone ``tz`` (UTC's for none or a zone not known here)."""
    when = dt.datetime.fromisoformat(instant)
    try:
        return when.astimezone(zone(tz)).date().isoformat() if tz else instant[:10]
    except UnknownZoneError:
        return instant[:10]


def freezes(entry: Mapping[str, Any], crisis: Mapping[str, Any], ended_at: str | None, tz: str | None) -> bool:
    """Whether this crisis (a ``crisis`` record, ended at ``ended_at`` or open) freezes this entry (a ``ledger_entry``
    record) entered by a member of zone ``tz`` (``None``: one not known here, on UTC's clock)."""
    if crisis.get("platforms"):
        return False
    if crisis.get("campaigns") and entry["campaign"] not in crisis["campaigns"]:
        return False
    if entry["date"] < day_in(crisis["started_at"], tz):
        return False
    return ended_at is None or entry["date"] <= day_in(ended_at, tz)


def frozen(entry: Mapping[str, Any], crises: Iterable[tuple[Mapping[str, Any], str | None]], tz: str | None) -> bool:
    """Whether any of these ``(crisis, ended_at)`` freezes a spend entry that needs no approval, entered by a member
    of zone ``tz``."""
    return not entry.get("needs_approval") and any(freezes(entry, crisis, ended, tz) for crisis, ended in crises)


def in_platforms(platform: str | None, platforms: Iterable[str]) -> bool:
    """Whether a post's ``platform`` is one of a crisis's ``platforms``, whatever the case of either: the commands write
    them in lower case, but a post's may be "Instagram" (a push, a file from before), which reports count on instagram."""
    return platform is not None and platform.lower() in {named.lower() for named in platforms}


def holds(
    crisis: Mapping[str, Any],
    ended_at: str | None,
    post: Mapping[str, Any],
    approved_at: str | None,
) -> bool:
    """Whether this crisis (a ``crisis`` record, ended at ``ended_at`` or open) holds this post, whatever its state.

    ``post``: its ``campaign``, ``platform`` and slot (``slot``, a UTC instant, or ``None``); ``approved_at``: when its
    round became approved (``None``: it is not).  A crisis holds a post in its scope whose slot is not before the
    crisis's start, while the crisis is open, and after it ends if the post was approved before the end; a resume
    (``task.resumed_from``) releases it, which the caller reads.  Instants are compared as stored (UTC, one format).
    """
    if crisis.get("campaigns") and post.get("campaign") not in crisis["campaigns"]:
        return False
    if crisis.get("platforms") and not in_platforms(post.get("platform"), crisis["platforms"]):
        return False
    slot = post.get("slot")
    if slot is not None and slot < crisis["started_at"]:
        return False
    return ended_at is None or (approved_at is not None and approved_at <= ended_at)
