"""The one-time notice of an expired post: its round's authors and the managers are told once each.

A post reads ``expired`` when it is not approved a lead time before its
slot (``crewdeck.tui.posts.states``), computed when read.  Who is told:
every author of its current round (``reading.round_authors``; the member
who made it, when nobody changed its content yet) and every manager.  An
expiry is one post at one slot: a new slot that expires again is told
again.

What a member was told is remembered in the file's local settings (``meta``,
key ``notice.expired.MEMBER``, a JSON list of expiries), claimed in one
transaction with the read of what was told before: the app and a command
on the same file never both tell it.  It is kept local, as
``crewdeck.tui.workspace.lastimport`` keeps its runs (docs/design-notes.md,
"The one-time expiry notice", says why).  Only expiries still expired stay
listed, so the list never outgrows the posts expired now.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from crewdeck.sync.state.store import Store
from crewdeck.tui.posts.expiring import candidates
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.reading import read_posts, round_authors, round_hashes, settings
from crewdeck.tui.posts.states import instant_text
from crewdeck.tui.posts.writing import lead_text
from crewdeck.tui.time.when import format_local

PREFIX = "notice.expired."


@dataclass(frozen=True)
class Expired:
    """A post that reads expired now, at the slot it expired at."""

    post: str
    title: str
    slot: dt.datetime
    #: Who is told: its round's authors and the managers.
    told: frozenset[str]

    @property
    def key(self) -> str:
        return f"{self.post}@{instant_text(self.slot)}"


def expired_posts(conn: sqlite3.Connection, now: dt.datetime) -> list[Expired]:
    """Every post expired now, with whom it is told to (by slot)."""
    # Only posts whose slot is within the lead time can read expired: the others are not read at all.
    near = candidates(conn, now, settings(conn).approval_lead)
    if not near:
        return []
    views = [v for v in read_posts(conn, now, near) if v.state == "expired" and v.facts.slot is not None]
    if not views:
        return []
    authors = round_authors(conn, round_hashes(conn, [v.id for v in views]))
    managers = {row[0] for row in conn.execute("SELECT id FROM member WHERE access = 'manager' AND deleted = 0")}
    out = []
    for v in views:
        assert v.facts.slot is not None
        wrote = authors.get(v.id) or ({v.facts.created_by} if v.facts.created_by else set())
        out.append(Expired(v.id, v.facts.title, v.facts.slot, frozenset(wrote | managers)))
    return out


def take_untold(store: Store, member: str, now: dt.datetime) -> list[Expired]:
    """The expiries ``member`` is to be told of and was not yet, remembered as told (an empty list on a read-only file)."""
    if store.readonly:
        return []  # nothing could be remembered: telling now would tell again next time
    expired = expired_posts(store.conn, now)
    mine = [e for e in expired if member in e.told]
    if not mine:
        return []
    untold: list[Expired] = []

    def claim(before: str | None) -> str:
        told = set(json.loads(before)) if before else set()
        untold.extend(e for e in mine if e.key not in told)
        return json.dumps(sorted((told & {e.key for e in expired}) | {e.key for e in mine}))

    store.update_meta(PREFIX + member, claim)
    return untold


def sentence(expired: Sequence[Expired], lead: dt.timedelta, tz: str, now: dt.datetime, clock24: bool = True) -> str:
    """One line about these expiries, in the viewer's zone, each post named as notices name it (“Launch reel”)."""
    before = lead_text(lead)
    if len(expired) == 1:
        e = expired[0]
        when = format_local(e.slot, tz, now, clock24=clock24)
        return (
            f"{named_post(e.title, e.post)} expired: not approved {before} before its slot ({when}); give it a new slot and submit it again"
        )
    named = ", ".join(named_post(e.title, e.post) for e in expired[:3])
    more = f" and {len(expired) - 3} more" if len(expired) > 3 else ""
    return f"{len(expired)} posts expired (not approved {before} before their slots): {named}{more}; crewdeck post list state:expired lists them"
