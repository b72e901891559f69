"""What a member reads of the workspace, decided here for the app's guest view and for every command.

The roles table's read row: a manager and a member read everything; a guest
(a client approver) reads their campaigns' posts and their own approvals.
The app gives a guest the Approvals view alone: the posts of their campaigns,
a post in full without the team's work on it (``detail.GUEST_UNREAD``), and
the crisis banner of the crises that may hold a post of theirs.  A command a
guest runs on a shared file reads what those read (``post list``, ``post
show``, ``show`` of a post of theirs, the shell's completion of their posts'
ids and campaigns, ``crisis status`` as the banner: ``GUEST_SCOPED``) or is
refused in one line naming the rule (``guest_reads_posts``) where it reads
nothing a guest may read (``READS``); an id a guest types names only one of
their posts (``ReadScope.post_id``).  Over SSH a guest runs no command at
all (``rules.commands_refused``).  On a shared file a guest who may read it
can still open it with ``sqlite3``: trust there is the Unix group's; crewdeck
itself never shows them more.

Cheap to import (``crewdeck``'s every command line asks it): the rules and
the posts' reads load when a guest is found.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crewdeck.sync.state.rules import Refusal
    from crewdeck.tui.workspace.workspace import Member

#: The commands that read the workspace's records, each with what it reads (a guest's refusal names it).
READS = {
    "crewdeck tasks": "tasks (crewdeck post list lists your campaigns' posts)",
    "crewdeck log": "the activity log",
    "crewdeck export": "the workspace's records",
    "crewdeck overlap": "members' working hours",
    "crewdeck zones": "members' zones and working hours",
    "crewdeck ledger list": "the ledger",
    "crewdeck ledger report": "the ledger",
    "crewdeck ledger export": "the ledger",
    "crewdeck budget list": "budgets",
    "crewdeck rate list": "exchange rates",
    "crewdeck kpi report": "results",
    "crewdeck post export": "the schedule of every campaign's posts",
    "crewdeck member list": "the members",
    "crewdeck campaign list": "campaigns",
    "crewdeck workspace show": "the workspace's settings",
    "crewdeck doctor": "every record",
}

#: The commands that write only what a guest may never write (the roles table: no ledger, results, campaigns or rates),
#: each with the records it writes: refused to a guest before the command looks up what it names, where "unknown
#: campaign +autum (did you mean +autumn?)" or "no ledger entry with id 0000" told them of records they do not read.
GUEST_UNWRITTEN = {
    **dict.fromkeys(("crewdeck ledger add", "crewdeck ledger reverse", "crewdeck ledger import"), "ledger_entry"),
    "crewdeck ledger approve": "approval",
    **dict.fromkeys(("crewdeck kpi add", "crewdeck kpi import"), "result"),
    **dict.fromkeys(("crewdeck campaign add", "crewdeck campaign set"), "campaign"),
    **dict.fromkeys(("crewdeck rate set", "crewdeck rate import"), "rate"),
}

#: The commands that read, for a guest, what the app shows them: their campaigns' posts (the Approvals view), the open
#: crises that may hold one (the crisis banner's guest view: ``banner.open_crisis_banner(guest_of=…)``).
GUEST_SCOPED = frozenset({"crewdeck post list", "crewdeck post show", "crewdeck show", "crewdeck completion", "crewdeck crisis status"})


@dataclass(frozen=True)
class ReadScope:
    """What one reader reads: everything, or a guest's campaigns' posts."""

    #: ``None``: everything (a manager, a member, or nobody named on a file they can read); a guest's campaigns.
    campaigns: frozenset[str] | None = None

    @property
    def guest(self) -> bool:
        return self.campaigns is not None

    def reads_post(self, campaign: str | None, post_state: str | None) -> bool:
        """Whether a task of this campaign and post state is read: any, or a post of one of the guest's campaigns."""
        if self.campaigns is None:
            return True
        return post_state is not None and campaign in self.campaigns

    def reads_task(self, conn: sqlite3.Connection, task_id: str) -> bool:
        """Whether task ``task_id`` is read (one the workspace does not hold is not, for a guest)."""
        if self.campaigns is None:
            return True
        row = conn.execute("SELECT campaign, post_state FROM task WHERE id = ?", (task_id,)).fetchone()
        return row is not None and self.reads_post(row[0], row[1])

    def post_id(self, conn: sqlite3.Connection, typed: str) -> str:
        """For a guest: the whole id of the post of their campaigns, not deleted, whose id starts with ``typed``. Any
        other id (a task, another campaign's post, a deleted one, none) has one answer, whether it exists or not, and
        an ambiguous prefix lists their posts alone: what they type tells them nothing of what they do not read."""
        assert self.campaigns is not None, "asked for a guest only"
        from crewdeck.sync.state.ids import MIN_PREFIX, typed_id
        from crewdeck.tui.workspace.candidates import LISTED, ambiguity
        from crewdeck.tui.workspace.errors import UserError

        text = typed_id(typed)
        if len(text) < MIN_PREFIX or not re.fullmatch(r"[0-9a-f]+", text):
            raise UserError(f"{typed!r} is not an id: give at least {MIN_PREFIX} hex digits of a post's id")
        upper = text[:-1] + chr(ord(text[-1]) + 1)
        theirs = (
            "FROM task, json_each(?) AS theirs WHERE task.id >= ? AND task.id < ? AND task.deleted = 0"
            " AND task.post_state IS NOT NULL AND task.campaign = theirs.value"
        )
        given = (json.dumps(sorted(self.campaigns)), text, upper)
        rows = conn.execute(f"SELECT task.id {theirs} ORDER BY task.id LIMIT ?", (*given, LISTED + 1)).fetchall()
        if not rows:
            raise UserError(f"no post of your campaigns with id {text}")
        if len(rows) > 1:
            total = int(conn.execute(f"SELECT count(*) {theirs}", given).fetchone()[0]) if len(rows) > LISTED else None
            raise ambiguity(conn, text, [("task", str(row[0])) for row in rows], total)
        return str(rows[0][0])


#: A manager's, a member's: everything.
EVERYTHING = ReadScope()


def read_scope(conn: sqlite3.Connection, reader: Member | None) -> ReadScope:
    """What ``reader`` reads (``None``: nobody named nor mapped, who reads a file they can open)."""
    if reader is None or reader.access != "guest":
        return EVERYTHING
    from crewdeck.tui.posts.reading import guest_campaigns

    return ReadScope(guest_campaigns(conn, reader.id))


def command_refused(reader: Member | None, command: str) -> Refusal | None:
    """Why ``reader`` may not run ``command`` (``crewdeck ledger list``, as its parser names it), or ``None``: a guest
    runs no command of ``READS`` nor of ``GUEST_UNWRITTEN``; the ``GUEST_SCOPED`` ones read their campaigns' posts
    alone."""
    what, unwritten = READS.get(command), GUEST_UNWRITTEN.get(command)
    # Anyone but a guest reads everything: the rules (and what they import) load for a guest's refusal alone.
    if (what is None and unwritten is None) or reader is None or reader.access != "guest":
        return None
    from crewdeck.sync.state.rules import guest_write_refused, read_refused

    return read_refused(reader.facts(), what) if what is not None else guest_write_refused(reader.facts(), str(unwritten))
