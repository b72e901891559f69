"""A post's state as everyone reads it: the stored state, its round, the clock and the crises.

Computed when read, never written by a clock or by ``crisis start``, so
every replica that holds the same records reads the same state, and a
post approved offline during a crisis reads ``paused`` as soon as the
crisis reaches that replica.

* ``approved`` and ``changes-requested`` come from the approval records of
  the current round (``crewdeck.sync.state.postround``); a content change
  after the submission voids the round and the post reads ``draft``.
* ``expired``: not approved a lead time (a workspace setting) before its slot.
* ``paused``: approved or scheduled, inside the scope of a crisis that
  holds it; ``missed``: held, and its slot has passed.  A crisis holds a
  post in its scope whose slot (if any) is not before the crisis's start,
  while the crisis is open, and after it ends if the post was approved
  before the end, until the post is explicitly resumed from it
  (``task.resumed_from``).  Ending a crisis therefore never releases a post
  by itself: only a resume (one post, or ``crisis end --resume all``) does.
  The rule is ``crewdeck.sync.state.frozen.holds``: the rules refuse a held
  post's move into the scheduler or out with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crewdeck.sync.state.frozen import holds, in_platforms

if TYPE_CHECKING:
    # Only named in annotations: a task list reads states' names without the rounds' rules.
    from crewdeck.sync.state.postround import RoundStatus

STATES = (
    "idea",
    "draft",
    "in-review",
    "changes-requested",
    "approved",
    "scheduled",
    "published",
    "pulled",
    "expired",
    "paused",
    "missed",
)
#: States in which a post may go out (exported, marked published).
PUBLISHABLE = ("approved", "scheduled")
#: States of a post that went out or never will: it has no moves, and its slot stays where it was.
CLOSED = ("published", "pulled")
#: The moves each state allows (``s`` in the app offers these; ``writing``'s moves check them again).  The slot
#: moves in every state whose slot ``writing.slot_kept`` does not keep (all but the closed ones and missed), as
#: ``post slot``, ``:`` and the calendar move it.  The content (``copy``, and with it the link, the media and the
#: first comment) changes in every state but the closed ones, as ``post copy`` changes it: on an approved post, or one
#: in review with approvals given, the change voids them, which the app asks about first (``writing.content_change_voids``).
MOVES = {
    "idea": ("copy", "slot", "pull"),
    "draft": ("copy", "submit", "slot", "pull"),
    "changes-requested": ("copy", "submit", "withdraw", "slot", "pull"),
    "expired": ("slot", "submit", "withdraw", "copy", "pull"),
    "in-review": ("approve", "reject", "withdraw", "copy", "slot", "pull"),
    "approved": ("schedule", "publish", "withdraw", "copy", "slot", "pull"),
    "scheduled": ("publish", "withdraw", "copy", "slot", "pull"),
    "paused": ("resume", "withdraw", "copy", "slot", "pull"),
    "missed": ("resume", "withdraw", "copy", "pull"),
    "published": (),
    "pulled": (),
}
#: The moves that are a verdict on the post's round; every other move changes the post's task.  ``withdraw``, my
#: approval taken back, is in every state a round's approval may count in but the closed ones, as the rules take it
#: (``rules.withdrawal_closed``): an expired or missed post goes out yet with its approvals (a new slot, a resume).
VERDICTS = ("approve", "reject", "withdraw")

#: States whose post still needs its round approved.
UNAPPROVED = ("idea", "draft", "in-review", "changes-requested")


def label(state: str) -> str:
    """How a state reads in a sentence: "in review"."""
    return state.replace("-", " ")


#: The states that are things a post is, said with their article after "is" ("it is a draft"); the others say how
#: it stands ("it is in review", "it is approved").
_STATE_NOUNS = {"idea": "an idea", "draft": "a draft"}


def being(state: str) -> str:
    """How a state reads after "is": "an idea", "a draft", "in review"."""
    return _STATE_NOUNS.get(state) or label(state)


def parse_instant(text: str) -> dt.datetime:
    """A stored UTC instant (``YYYY-MM-DDTHH:MM:SSZ``) as an aware datetime."""
    return dt.datetime.fromisoformat(text)


def instant_text(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Crisis:
    id: str
    reason: str
    campaigns: frozenset[str]
    platforms: frozenset[str]
    started_by: str
    started_at: dt.datetime
    ended_by: str | None = None
    ended_at: dt.datetime | None = None
    resume: str | None = None

    @property
    def open(self) -> bool:
        return self.ended_at is None

    def holding_words(self, *, guest: bool = False) -> str:
        """What a post it holds says of it (``post show``'s ``crisis:`` line, the app's detail): "bad press (3f2a9c1b, open)";
        a guest's "bad press (open)", as their ``crisis status`` and banner name a crisis with no id."""
        said = "open" if self.open else "ended"
        return f"{self.reason} ({said})" if guest else f"{self.reason} ({self.id[:8]}, {said})"

    def record(self) -> dict[str, Any]:
        """What the rule that a crisis holds a post reads of it (``crewdeck.sync.state.frozen.holds``), as its record has it."""
        return {"campaigns": self.campaigns, "platforms": self.platforms, "started_at": instant_text(self.started_at)}

    def covers(self, campaign: str | None, platform: str | None) -> bool:
        """Whether a post of this campaign and platform is in the crisis's scope."""
        if self.campaigns and campaign not in self.campaigns:
            return False
        return not self.platforms or in_platforms(platform, self.platforms)


@dataclass(frozen=True)
class PostFacts:
    """What the state of one post is computed from."""

    id: str
    title: str
    stored: str
    campaign: str | None
    platform: str | None
    slot: dt.datetime | None
    slot_tz: str | None
    resumed_from: frozenset[str]
    round: RoundStatus
    submitted_at: str | None
    created_by: str | None


#: Stored states that the round does not decide: a post in one reads as stored, whatever its last round says.
AS_STORED = frozenset({"idea", "draft", "published", "pulled"})


def round_decides(stored: str | None) -> bool:
    """Whether the round decides the state of a post stored in ``stored``: where it does not (a published or pulled
    post, a draft), a change that voids the round changes nothing a reader sees, and nothing says it voided one."""
    return stored not in AS_STORED


def base_state(stored: str, status: RoundStatus) -> str:
    """The state before the clock and the crises: stored, or read from the round."""
    if not round_decides(stored):
        return stored
    if not status.open:
        return "draft"  # submitted content changed since (or a state set with no round): it needs a new round
    if status.rejection is not None:
        return "changes-requested"
    if status.approved:
        return "scheduled" if stored == "scheduled" else "approved"
    return "in-review"


def holding(post: PostFacts, crises: Sequence[Crisis]) -> list[Crisis]:
    """The crises that hold this post (see the module's doc), whatever its state."""
    if not crises:
        return []
    approved_at = post.round.approved_at(post.submitted_at)
    facts = {"campaign": post.campaign, "platform": post.platform, "slot": instant_text(post.slot) if post.slot else None}
    return [
        crisis
        for crisis in crises
        if crisis.id not in post.resumed_from
        and holds(crisis.record(), instant_text(crisis.ended_at) if crisis.ended_at else None, facts, approved_at)
    ]


def effective_state(
    post: PostFacts, crises: Sequence[Crisis], now: dt.datetime, lead: dt.timedelta, held: Sequence[Crisis] | None = None
) -> str:
    """The state everyone reads for this post now (``held``: ``holding(post, crises)``, when the caller has it)."""
    base = base_state(post.stored, post.round)
    if base in PUBLISHABLE:
        if held if held is not None else holding(post, crises):
            return "missed" if post.slot is not None and post.slot <= now else "paused"
        return base
    if base in UNAPPROVED and post.slot is not None and now >= post.slot - lead:
        return "expired"
    return base
