"""Cards that are posts: a list's name as a post state, and what an import may make of it.

A card is a post when one of its labels names a platform of a campaign
here (the label that already sets the task's platform).  Its list names a
post state (``USUAL_POST_STATE``, overridden by ``--map-status
"Scheduled=approved"``); its description is the post's copy and its due
date its publish slot, when a move could give it that slot (the import
judges it: ``foreign._slot_refused``).

An import approves nothing: approvals are the chain's own acts, step by
step, round by round (``crewdeck.sync.state.postround``).  A card in
review, approved or scheduled in the source is therefore submitted here,
as the importing member: it reads *in review* until its campaign's chain
approves it.  When it cannot be submitted (no copy, copy over the
platform's limits, or a campaign with no approval chain, where a
submission alone would approve it) it stays a draft.  Either way a line in
its notes says what the source said.  A card published in the source went
out before crewdeck: it is recorded as published (a post nobody may
schedule again), never as approved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from crewdeck.sync.state import copylimits as limits
from crewdeck.sync.state.postround import Step, content_hash
from crewdeck.tui.workspace.merging import stable_id

#: What an import may map a list to (``approved`` and ``scheduled`` are read as "submitted here").
POST_STATES = ("idea", "draft", "in-review", "approved", "scheduled", "published", "pulled")
#: The usual words for each post state, as boards name their lists (lower case).
USUAL_POST_STATE = {
    "ideas": "idea",
    "idea": "idea",
    "backlog": "idea",
    "inbox": "idea",
    "to do": "draft",
    "todo": "draft",
    "draft": "draft",
    "drafts": "draft",
    "drafting": "draft",
    "writing": "draft",
    "doing": "draft",
    "in progress": "draft",
    "review": "in-review",
    "in review": "in-review",
    "needs review": "in-review",
    "for review": "in-review",
    "awaiting approval": "in-review",
    "approved": "approved",
    "ready": "approved",
    "scheduled": "scheduled",
    "queued": "scheduled",
    "published": "published",
    "posted": "published",
    "live": "published",
    "done": "published",
    "pulled": "pulled",
    "cancelled": "pulled",
    "canceled": "pulled",
}
#: A post's task status follows its state (published is done, pulled cancelled: as ``post publish`` and ``post pull`` write).
STATUS_OF = {
    "idea": "inbox",
    "draft": "doing",
    "in-review": "review",
    "published": "done",
    "pulled": "cancelled",
}
#: What a source state becomes here, as ``--dry-run`` says it.
BECOMES = {
    "in-review": "submitted here: in review until its chain approves it",
    "approved": "submitted here: in review until its chain approves it (an import approves nothing)",
    "scheduled": "submitted here: in review until its chain approves it (an import approves and schedules nothing)",
    "published": "published before crewdeck (recorded, never approved here)",
}
#: The source states that ask for a submission here.
SUBMITTED = frozenset({"in-review", "approved", "scheduled"})


@dataclass(frozen=True)
class PostCard:
    """One card that is a post, as ``post_values`` needs it."""

    task_id: str
    state: str
    list_name: str | None
    copy: str
    platform: str
    #: The task's due date (``{"utc", "tz"}``): the publish slot.
    due: dict[str, str] | None
    chain: tuple[Step, ...]
    #: The post's round here (its stored JSON), if it has one.
    round_here: str | None
    now: str
    #: The post's link, media and first comment here (none in Trello): the content its round is of, with the copy.
    besides_copy: tuple[str, list[str], str] = ("", [], "")


def post_values(card: PostCard) -> tuple[dict[str, Any], str | None]:
    """The post's fields, and a line for its notes when it is not what the source said (``None``: it is)."""
    values: dict[str, Any] = {"copy": card.copy}
    if card.due is not None:
        values["publish"] = card.due
    said = f"{card.state.replace('-', ' ')} in Trello" + (f" (list {card.list_name})" if card.list_name else "")
    note: str | None = None
    state = card.state
    if state in SUBMITTED:
        why_not = _why_not_submitted(card)
        if why_not is None:
            values["post_round"] = _round(card)
            state = "in-review"
            note = None if card.state == "in-review" else f"{said}: submitted here, in review until its approval chain approves it"
        else:
            state = "draft"
            note = f"{said}: a draft here ({why_not})"
    elif state == "published" and card.due is not None:
        values["published_at"] = card.due["utc"]
    values["post_state"] = state
    values["status"] = STATUS_OF[state]
    return values, note


def _why_not_submitted(card: PostCard) -> str | None:
    if not card.copy.strip():
        return "it has no copy to submit"
    over = limits.problems(card.platform, card.copy)
    if over:
        return "; ".join(over)
    if not card.chain:
        return "its campaign has no approval chain, so a submission alone would approve it: submit it here"
    return None


def _round(card: PostCard) -> dict[str, str]:
    """The round the import opens; the one here when it is for the same content (a second import changes nothing)."""
    link, media, first_comment = card.besides_copy
    digest = content_hash(card.copy, link, media, first_comment)
    if card.round_here:
        here = json.loads(card.round_here)
        if isinstance(here, dict) and here.get("hash") == digest:
            return {"id": here["id"], "hash": digest, "at": here["at"]}
    return {"id": stable_id("post-round", card.task_id, digest, card.now), "hash": digest, "at": card.now}
