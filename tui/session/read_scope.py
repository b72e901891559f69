"""What a member reads of the workspace, decided here for the app's guest view and for every command.

The roles table's read row: a manager and a member read everything; a guest
(a client approver) reads their campaigns' posts and their own approvals.
The app gives a guest the Approvals view alone: the posts of their campaigns,
a post in full without the team's work on it (``detail.GUEST_UNREAD``).  A
command a guest runs on a shared file reads what that view reads (``post
list``, ``post show``, ``show`` of a post of theirs: ``GUEST_SCOPED``) or is
refused in one line naming the rule (``guest_reads_posts``) where it reads
nothing a guest may read (``READS``).  Over SSH a guest runs no command at
all (``rules.commands_refused``).  On a shared file a guest who may read it
can still open it with ``sqlite3``: trust there is the Unix group's; crewdeck
itself never shows them more.

Cheap to import (``crewdeck``'s every command line asks it): the rules and
the posts' reads load when a guest is found.
"""

from __future__ import annotations

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
    "crewdeck crisis status": "crises and their checklists",
    "crewdeck member list": "the members",
    "crewdeck campaign list": "campaigns",
    "crewdeck workspace show": "the workspace's settings",
    "crewdeck doctor": "every record",
}

#: The commands that read, for a guest, what the app's Approvals view shows them: their campaigns' posts.
GUEST_SCOPED = frozenset({"crewdeck post list", "crewdeck post show", "crewdeck show"})


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
    runs no command of ``READS``; the ``GUEST_SCOPED`` ones read their campaigns' posts alone."""
    what = READS.get(command)
    # Anyone but a guest reads everything: the rules (and what they import) load for a guest's refusal alone.
    if what is None or reader is None or reader.access != "guest":
        return None
    from crewdeck.sync.state.rules import read_refused

    return read_refused(reader.facts(), what)


def not_theirs(reader: Member, task_id: str) -> Refusal:
    """The refusal of a guest's read of a task that is no post of their campaigns (``show``, ``post show``)."""
    from crewdeck.sync.state.ids import short
    from crewdeck.sync.state.rules import read_refused

    refusal = read_refused(reader.facts(), f"task {short(task_id)}: it is no post of their campaigns")
    assert refusal is not None, "asked for a guest only"
    return refusal
