"""Who may do what: the one judge of every new operation.

The table is ``../shared/DESIGN.md``, "Roles and rules" (a copy is in the
README, and a test compares the two).  It is enforced here and nowhere
else, for every way an operation enters a workspace:

* a local write (the CLI, the app, an import) on a shared file or a
  replica, before anything is stamped: a refusal refuses the whole write;
* a push to the server (a served file or PostgreSQL), each operation
  against the server's own merged state in the order it stores them: a
  refused operation is kept aside with its node counter and sent back to
  its author's replica, which drops it (a refused move of a post's state
  with what its write set with it, ``MOVE_OUTCOME_FIELDS``).

Operations pulled from a server, and those stored before these rules
existed, are never judged again: the server already decided them.

Rules read a member's ``access`` (manager / member / guest), never the
free-text ``role``.  A workspace with no member yet has nobody to
authorise: its first writes (``init``, a restore into an empty file) are
judged for one rule alone, that no handle is a word the filters read
(``filter_word_handle``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

from crewdeck.sync.state.clock import MAX_DRIFT_MS, Stamp, wall_ms
from crewdeck.sync.state.copylimits import LIMITS
from crewdeck.sync.state.copylimits import problems as copy_problems
from crewdeck.sync.state.frozen import frozen, holds
from crewdeck.sync.state.naming import campaign_slug, post_name, quoted
from crewdeck.sync.state.oplog import APPEND, SET, Op, required_fields, write_key
from crewdeck.sync.state.postround import (
    CONTENT_FIELDS,
    PostChange,
    PostReview,
    Reviewer,
    RoundStatus,
    Verdict,
    content_hash_of,
    evaluate,
    guests_left_out,
    may_take,
    moved,
    round_authors,
    standing,
    unblocking,
    verdict_of,
)
from crewdeck.sync.state.records import (
    ENTITIES,
    FAR_DAY_JSON,
    FILTER_WORDS,
    FIRST_DAY,
    LAST_DAY,
    MEDIA_FIELD,
    OPEN_STATUSES,
    RESULT,
    RESULT_COUNTS,
    TASK,
    WEB_ADDRESS_FIELDS,
    ValidationError,
    address_problem,
    canonical_json,
    crisis_end_id,
    day_out_of_range,
    days_text_out_of_range,
    result_key,
)
from crewdeck.sync.state.sshkeys import fingerprint_of, identities
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.wentout import WENT_OUT_FIELDS, WentOut, moves_of

MANAGER, MEMBER, GUEST = "manager", "member", "guest"
GUEST_JSON = json.dumps(GUEST)
#: A task's open statuses as operations carry them.
_OPEN_STATUS_JSON = frozenset(json.dumps(status) for status in OPEN_STATUSES)

#: Fields of their own record a member may change; a guest only the first two.
OWN_PROFILE = ("name", "tz", "hours", "days_off", "ssh_keys")
GUEST_PROFILE = ("name", "tz")
#: Records only managers write (campaigns include their approval chain and targets).
MANAGED = frozenset({"workspace", "campaign", "budget", "rate"})
#: The field of each record kind that names who made it: it must be the operation's member.
AUTHOR_FIELDS = {
    "task": "created_by",
    "ledger_entry": "entered_by",
    "approval": "approved_by",
    "acting": "actor",
    "import_run": "imported_by",
    "post_approval": "approved_by",
    "crisis": "started_by",
    "crisis_end": "ended_by",
}

#: A task's fields that say who made it and when: set by the batch that creates it, never after.
MAKER_FIELDS = ("created_by", "created_at")
#: A task's fields that name other tasks: those it waits for, and the one it duplicates.
TASK_LINKS = ("depends_on", "duplicate_of")
#: A task's fields whose values the rules read beyond their shape (``Judge._task_values_refused``).
READ_VALUES = frozenset({*TASK_LINKS, *WEB_ADDRESS_FIELDS, MEDIA_FIELD})
#: Their values, as JSON text, that name nothing and hold no address.
_NOTHING = frozenset({"null", "[]", '""'})

#: The table of DESIGN.md's "Roles and rules" that this module enforces,
#: word for word (the README has a copy; a test compares them).
TABLE = (
    ("operation", "manager", "member", "guest (e.g. a client approver)"),
    ("tasks and posts: create, edit, triage", "yes", "yes", "no"),
    (
        "post approval step",
        "if named by the step or in its group, and not an author of that round",
        "same",
        "same, only posts of their campaigns",
    ),
    ("ledger: add entry", "yes", "yes", "no"),
    ("ledger: reverse an entry", "any", "own", "no"),
    ("results (metrics): add, import", "yes", "yes", "no"),
    ("ledger: approve pending spend", "yes, never own entry", "no", "no"),
    ("budgets, rates, campaigns (incl. approval chain, targets), workspace settings", "yes", "no", "no"),
    ("crisis start / end", "yes", "no", "no"),
    ("own profile: name, zone, hours, days off, own SSH keys", "yes", "yes", "name and zone"),
    ("other members: add, remove, access, groups, Unix user, keys, tokens", "yes", "no", "no"),
    (
        "read",
        "everything",
        "everything",
        "their campaigns' posts and their own approvals, through the app's server-side sessions only: "
        "a guest's token is refused on the replication endpoints, so a guest never holds a replica",
    ),
)

#: How often a push is judged again because an operation it refused had outlived another (``Judge.judge``): each time
#: the whole batch, so a hostile chain of refusals is cut short.
JUDGED_AGAIN_AT_MOST = 4

#: Every rule code with what it means, for the docs and the tests.
RULES = {
    "not_a_member": "the operation's author is not a member of the workspace",
    "member_removed": "the author was removed from the workspace",
    "published": "the workspace file was published to PostgreSQL (crewdeck publish): the team works there now, and the file "
    "reads but takes no writes",
    "session_ended": "the browser session or SSH key the app was opened with has ended (revoked, expired, signed out, removed): "
    "the app writes nothing more",
    "guest_read_only": "guests only approve posts; they create and edit nothing else",
    "guest_reads_posts": "a guest reads their campaigns' posts and their own approvals, nothing else (no tasks, ledger, results, "
    "members or settings), in the app and from any command",
    "managers_only": "only a manager may do this",
    "own_profile_only": "members change only their own name, zone, hours, days off and SSH keys (guests: name and zone)",
    "author_field": "an author field (created_by, entered_by, approved_by) must name the operation's member, and is set when its "
    "record is created (a task's created_at too)",
    "own_entry_only": "a member reverses only their own ledger entries",
    "unknown_entry": "the ledger entry it names does not exist",
    "reverses_reversal": "a reversal is never reversed: to count that spend again, add it anew",
    "reversed_once": "an entry is reversed once: another entry reverses it already",
    "task_campaign": "a ledger entry's task is in the entry's campaign (or in none)",
    "not_pending": "the entry does not wait for approval (nor is it frozen by a crisis): it needs none, was approved already, or was "
    "reversed (the two net to zero)",
    "self_approval": "nobody approves their own entry",
    "unique_handle": "another member has this handle",
    "filter_word_handle": "a handle is never a word the filters read: @me (you) or @none (nobody)",
    "unique_unix_user": "another member is mapped to this Unix user",
    "unique_ssh_key": "an SSH key belongs to one member: another member has it",
    "last_manager": "the last manager cannot give up the role or be removed",
    "incomplete_record": "a record is created with all its required fields in one batch",
    "control_characters": "text may not hold control characters",
    "out_of_range": "dates run from 1900-01-01 to 9998-12-31",
    "invalid_value": "the value is not valid for the field",
    "outlived_refused": "in one push, the operations stamped after it on its field are refused, more of them in a chain "
    "than the server judges again: the replica drops it, so the edit is made again",
    "followed_refused": "in one push, the operations after one refused only once the whole push was read (a removal or guest "
    "access of a member who keeps open tasks, part of a creation refused whole, what a refused move of a post wrote with it) "
    "are refused, more of them in a chain than the server judges again (in a longer chain, the whole push): the replica "
    "drops them, so those edits are made again",
    "acting_local_only": "acting as another member happens on a shared host only",
    "result_key": "a result's post, campaign, platform and day need not be given (its id names them) and, when given, are the "
    "ones its id names; it holds only what its kind counts",
    "record_key": "a budget's campaign, category and period, and a rate's day and currencies, are the ones its id names (and a "
    "rate's two currencies differ)",
    "one_currency": "a result's conversion value keeps the currency it was first given, per post or campaign and day, until it is cleared",
    # Posts and crises.
    "unknown_post": "the post it names does not exist or is not a post (a result's post: no task of the workspace)",
    "unknown_member": "the member it names (a task's assignee, a series' template's, an approval step's) is no member of the workspace",
    "unknown_campaign": "the campaign it names (a task's, a series' template's, a budget's, a ledger entry's, a result's, a "
    "crisis's, a guest's) does not exist",
    "unknown_task": "the task it names (a ledger entry's, a task's duplicate) does not exist, or (a task's dependency) is no task",
    "stale_round": "the verdict is for a round or content the post no longer has",
    "round_hash": "a post is submitted with the hash of the content it has",
    "copy_limits": "a post is submitted for review with copy its platform takes (its length, its hashtags)",
    "not_a_reviewer": "the step names neither this member nor a group they are in (a guest reviews only their campaigns' posts)",
    "round_author": "nobody reviews a round whose content they changed",
    "one_step_per_round": "one person approves at most one step of a round",
    "step_order": "steps are approved in order",
    "not_withdrawable": "an approval is withdrawn by its approver alone, while it counts in the post's current round and the "
    "post is neither published nor pulled",
    "unknown_crisis": "the crisis it names does not exist",
    "removed_campaign": "a crisis names no campaign that was removed from the workspace (`crisis start` takes none): it would "
    "say it held one nobody works in any more",
    "unknown_platform": "a crisis names platforms crewdeck knows (those of the copy limits) or that a campaign or post here uses: "
    "one of none would hold nothing back",
    "crisis_ended": "the crisis has ended already",
    "not_publishable": "a post moves into the scheduler, or out, only approved in its current round and released from every crisis that holds it",
    "published_content": "a published post's copy, link, media and first comment, and the round that approved them, are what "
    "went out: they change no more (the app and `post copy` refuse it too), unless its publish is taken back first",
    "held_slot": "a post a crisis holds keeps a slot from the crisis's start on until it is released: a slot before the start would "
    "let it out",
    "dated_ahead": "a verdict's approval time and a round's submission time are not after the operation that gives them was "
    "made (its stamp, with the clock drift allowed): dated later, a post approved while a crisis held it would be out of it once "
    "the crisis ends",
    "own_run": "an import's record of its run names operations before it of the node that writes it: a run claiming another's "
    "would let a newer export of the source overwrite their edits",
    "added_once": "a ledger entry, approval, verdict or crisis is added once: another under its id is refused, as it would replace it",
    "reversal_mirrors": "a reversal has its entry's date, campaign, category, payee, currency, task and approval, and the opposite amount",
    "guest_assignee": "a task, and a series' next instances (its template), are assigned to a member or a manager, never to a "
    "guest: guests see no tasks, so a member is made a guest only by a change that unassigns their open tasks, and their "
    "closed tasks reopen (or come back open from deletion: a done one restored stays theirs) only with another assignee",
    "removed_assignee": "a task, and a series' next instances (its template), are never assigned to a member who was removed "
    "from the workspace (nor reopened while they are), so a member is removed only by a change that unassigns, closes or "
    "deletes their open tasks",
}


class OffTasks(NamedTuple):
    """A change to a member that takes them off tasks: refused (``rule``) while open tasks stay assigned to them."""

    #: The value of the member's field that does, as JSON.
    value: str
    rule: str
    #: Why, after the member and the tasks the refusal names.
    why: str


#: The member fields whose change takes a member off tasks: made a guest, removed.
OFF_TASKS = {
    "access": OffTasks(GUEST_JSON, "guest_assignee", "guests see no tasks, so the change that makes them a guest unassigns those too"),
    "deleted": OffTasks("true", "removed_assignee", "a removed member does no tasks, so the change that removes them unassigns those too"),
}


#: What a guest may not append, in words ("guests add no ledger entries"); other records: "add no results".
_GUEST_REFUSED = {
    "ledger_entry": "add no ledger entries",
    "approval": "approve no spend",
    "crisis": "start no crises",
    "crisis_end": "end no crises",
    "import_run": "import nothing",
}
#: The rule codes that refuse a member for their role, not for what they act on: the app leaves out the keys they refuse
#: (``tui.app.role_keys``), and a command names no command its reader is refused (``tui.posts.frozen.approves_spend``).
ROLE_RULES = frozenset({"managers_only", "guest_read_only"})


@dataclass(frozen=True)
class Refusal:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.message} (rule {self.rule})"


class Refused(ValueError):
    """A local write the rules refuse as a whole; nothing was written."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


@dataclass(frozen=True)
class MemberFacts:
    """What the rules read of a member."""

    id: str
    handle: str | None
    access: str
    unix_user: str | None
    deleted: bool
    #: The identities (``type base64``) of the member's SSH keys.
    ssh_keys: tuple[str, ...] = ()
    #: Their zone: the clock their spend's days are on (``None``: not set, UTC's).
    tz: str | None = None


#: What a reversal copies of the entry it reverses; its amount is the entry's, negated (``tui.ledger.actions.reverse_entry``).
MIRRORED = ("date", "campaign", "category", "payee", "currency", "task", "needs_approval")


@dataclass(frozen=True)
class EntryFacts:
    """What the rules read of a ledger entry."""

    entered_by: str
    needs_approval: bool
    reverses: str | None
    #: Its ``MIRRORED`` fields and amount, which a reversal of it mirrors (``None``: not read, where nothing reverses it).
    mirror: Mapping[str, Any] | None = None
    #: The manager who entered it acting as ``entered_by`` (``--as`` on a shared host), if one did: theirs to approve no more.
    acted_by: str | None = None


@dataclass(frozen=True)
class TaskState:
    """Whether a stored task is open (``task_open``): its status (``None``: never set, inbox) and removal."""

    status: str | None
    deleted: bool


#: What ``RuleState.task_states`` leaves out on PostgreSQL, a task whose log sets neither: open.
NEVER_CLOSED = TaskState(None, False)


class RuleState(Protocol):
    """The merged state the rules judge against (a workspace file, or PostgreSQL)."""

    def has_members(self) -> bool: ...

    def member(self, member_id: str) -> MemberFacts | None: ...

    def members_with(self, field: str, value: str) -> list[str]:
        """Ids of live members whose ``handle`` or ``unix_user`` is ``value``, or
        (``field`` ``"ssh_key"``) who hold the SSH key of that identity."""
        ...

    def managers(self) -> set[str]:
        """Ids of live members with manager access."""
        ...

    def stored_rows(self, row_ids: list[str]) -> dict[str, str]:
        """The entity of each of these row ids that the workspace holds (of the ids a batch writes: a local write may
        have looked them up already, and then answers those alone)."""
        ...

    def entities_of(self, row_ids: list[str]) -> dict[str, str]:
        """The entity of each of these row ids that the workspace holds, whatever the batch writes (the records a task
        names: those it waits for, the one it duplicates)."""
        ...

    def ledger_entry(self, entry_id: str) -> EntryFacts | None: ...

    def reversed_by(self, entry_id: str) -> str | None:
        """The id of the entry that reverses this one (the first, where operations from before this rule reverse it twice), or ``None``."""
        ...

    def approvers(self, entry_id: str) -> set[str]:
        """Who approved this ledger entry: the ``approved_by`` of each of its approvals (none: it was never approved)."""
        ...

    def result_currency(self, row_id: str) -> str | None:
        """The currency of a stored result's conversion value, if it has one."""
        ...

    def post_review(self, post_id: str) -> PostReview | None:
        """What a verdict on this post is judged against (``None``: no such post)."""
        ...

    def reviewer(self, member_id: str) -> Reviewer | None: ...

    def post_changes(self, post_id: str) -> Sequence[PostChange]:
        """The post's content and round changes in the order they were stored, each content change with the manager who
        made it acting as its member (``postround.round_authors`` reads its rounds' authors from them)."""
        ...

    def record_exists(self, entity: str, row_id: str) -> bool:
        """Whether the workspace holds this record (of an append-only entity)."""
        ...

    def task_campaign(self, task_id: str) -> str | None:
        """The campaign of this task (``None``: it has none, or the workspace holds no such task)."""
        ...

    def open_tasks_of(self, member_id: str) -> list[str]:
        """Ids of the tasks assigned to this member that are open (status neither done nor cancelled, not deleted), sorted."""
        ...

    def task_assignees(self, task_ids: Sequence[str]) -> dict[str, str]:
        """The member each of these tasks is assigned to (one assigned to nobody, or not held, is left out)."""
        ...

    def task_states(self, task_ids: Sequence[str]) -> dict[str, TaskState]:
        """The status and removal of each of these tasks, read in one query (one not held is left out, and so may be one
        whose log sets neither: ``NEVER_CLOSED``)."""
        ...

    def post_states(self, task_ids: Sequence[str]) -> dict[str, str]:
        """The stored post state of each of these tasks, read in one query (a plain task, or one not held, is left out)."""
        ...

    def campaign_name(self, campaign_id: str) -> str | None: ...

    def campaign_run(self, campaign_id: str) -> tuple[str | None, str | None]:
        """The campaign's first and last day as stored (``None``: not set, or no such campaign)."""
        ...

    def task_content(self, task_id: str) -> Mapping[str, Any]:
        """The task's content fields (``postround.CONTENT_FIELDS``) and platform as stored (none: the workspace holds no
        such task)."""
        ...

    def had_round(self, post_id: str, round_id: str, digest: str) -> bool:
        """Whether the post was submitted before in the round ``round_id`` of the content hash ``digest``."""
        ...

    def field_winners(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The stamp of the stored operation whose value each of these ``(row id, field)`` holds (one never set is left out)."""
        ...

    def crises(self) -> Sequence[tuple[str, Mapping[str, Any], str | None]]:
        """Every crisis: its id, its record and when it ended (``None``: it is open)."""
        ...

    def platforms_in_use(self) -> set[str]:
        """The platforms the live campaigns and tasks (posts) here name."""
        ...

    def removed_campaigns(self, campaign_ids: Sequence[str]) -> set[str]:
        """Those of these campaigns the workspace holds removed (``deleted``)."""
        ...


#: A member's fields that say which post steps are theirs to take, besides access and removal (``postround.Reviewer``).
REVIEWER_FIELDS = ("groups", "campaigns")
#: The stored post state whose content is what went out (``published_content``), as an operation's value spells it.
PUBLISHED = '"published"'
#: Stored post states that put a post into the scheduler or out (``not_publishable``).
GOING_OUT = ('"scheduled"', PUBLISHED)
#: A post's fields the move out reads, as a batch may set them before the move (content, round, scope, slot, release).
POST_MOVE_FIELDS = frozenset({"post_state", "post_round", "campaign", "platform", "publish", "resumed_from", *CONTENT_FIELDS})


#: The fields the rules read as a batch leaves them (each its last value by stamp): a task's holder, status, campaign and
#: post, a member's claims, access, zone (their spend's days) and what they review (groups, a guest's campaigns).
READ_AS_LEFT = {
    "task": frozenset({"assignee", "status", "deleted", *POST_MOVE_FIELDS}),
    "member": frozenset({"handle", "access", "unix_user", "deleted", "ssh_keys", "tz", *REVIEWER_FIELDS}),
    "campaign": frozenset({"start", "end", "deleted"}),
}

#: The records whose accepted operations change what the rules read later in a batch (``Judge._accept``).
RECORDS_READ = frozenset({"member", "ledger_entry", "approval", "post_approval", "crisis", "crisis_end"})

#: An operation as the judge sees it: ``(member, kind, entity, row_id, field, value as JSON text)``.
Proposal = tuple[str, str, str, str, str, str]


class Reference(NamedTuple):
    """A record an operation names by its id, which must exist (``Judge._named``)."""

    entity: str
    row_id: str
    #: Where the operation names it ("ledger_entry.task"), and the rule that refuses it when there is no such record.
    where: str
    rule: str


# Canonical JSON escapes C0 controls (\n, \u001b, ...) and leaves DEL and C1
# raw: a value with neither a backslash nor one of those is clean, and that
# is nearly every value, found by one search in C.
_SUSPECT = re.compile("[\\\\\x7f-\x9f]")
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: A record id made at random (``ids.new_id``), as opposed to one made of what its record holds (``records.budget_id``).
_RANDOM_ID = re.compile(r"[0-9a-f]{32}\Z")
_MULTILINE = frozenset((spec.name, f.name) for spec in ENTITIES.values() for f in spec.fields if f.multiline)


def suspect_in(text: str) -> bool:
    """Whether ``text`` holds what ``_SUSPECT`` finds: a batch's values joined (hundreds of kilobytes) are nearly always
    ASCII, where a backslash or a DEL is found by two scans in C, not by the pattern tried at every character."""
    if text.isascii():
        return "\\" in text or "\x7f" in text
    return _SUSPECT.search(text) is not None


def one_line_problem(entity: str, field_name: str, text: str) -> str | None:
    """Why ``text``, typed by a person on one line (a member's name, a verdict's note, a crisis's reason), is refused as
    ``entity.field_name``: a line break, the field's own check (its length, with the text's), a control character; or
    ``None``.  Asked before the write, where the field is still known: refused in the record, the field was not named
    ("post_approval.*: post_approval.note: longer than 2000 characters")."""
    if "\n" in text or "\r" in text:
        return "one line only"
    try:
        ENTITIES[entity].check(field_name, text)
    except ValidationError as exc:
        return f"{exc.problem} (it has {len(text)})" if text else exc.problem
    control = control_character(entity, field_name, json.dumps(text))
    return None if control is None else f"text may not hold control characters ({control})"


def control_character(entity: str, field_name: str, value_json: str) -> str | None:
    """The first control character in a value's text, as ``U+001B``, or ``None``.

    A series' template (``task.recurrence``) holds the task's own fields: each is judged as that field is, so its
    notes and copy may hold line breaks, as the task's do.
    """
    if not _SUSPECT.search(value_json):
        return None
    value = json.loads(value_json)
    multiline = (entity, field_name) in _MULTILINE
    if (entity, field_name) == ("task", "recurrence") and isinstance(value, dict) and isinstance(value.get("template"), dict):
        template = value["template"]
        for name, item in template.items():
            found = _first_control(name, _CONTROL) or _first_control(item, _CONTROL_MULTILINE if ("task", name) in _MULTILINE else _CONTROL)
            if found:
                return found
        value = {key: item for key, item in value.items() if key != "template"}
    return _first_control(value, _CONTROL_MULTILINE if multiline else _CONTROL)


def _first_control(value: Any, pattern: re.Pattern[str]) -> str | None:
    """The first character ``pattern`` finds in any text of ``value`` (keys included), as ``U+001B``, or ``None``."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = pattern.search(item)
            if found:
                return f"U+{ord(found.group()):04X}"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


#: The field a record is called by, and how: a refusal names a record refused in the same batch by it, as its author knew it.
_LABELS: dict[str, tuple[str, Callable[[str], str]]] = {
    "campaign": ("name", quoted),
    "task": ("title", quoted),
    "member": ("handle", lambda handle: f"@{handle}"),
}


def _labels_given(ops: Sequence[Proposal]) -> dict[tuple[str, str], str]:
    """``(entity, row_id) -> “what the batch calls it”``: a campaign's name, a task's title, a member's handle."""
    labels = {}
    for _, kind, entity, row_id, field, value in ops:
        label_field, label = _LABELS.get(entity, ("", str))
        if kind == APPEND or field != label_field:
            continue
        try:
            given = json.loads(value)
        except ValueError:
            continue
        if isinstance(given, str) and given.strip():
            labels[(entity, row_id)] = visible(label(given))
    return labels


def _name(member: MemberFacts | None, member_id: str) -> str:
    return f"@{member.handle}" if member and member.handle else f"member {member_id[:8]}"


class Judge:
    """Decides a batch of operations in order; what it accepts, later ones see.

    ``local``: the batch is a write on this machine (not a push): only then
    may it record a manager acting as another member.
    """

    def __init__(self, state: RuleState, *, local: bool, appended: Mapping[str, Any] | None = None) -> None:
        """``appended``: records the caller has decoded already, by their JSON text (a local write's own)."""
        self.state = state
        self.local = local
        self._members: dict[str, MemberFacts | None] = {}
        self._entries: dict[str, EntryFacts | None] = {}
        #: The entries this batch adds, by id: their records' JSON, read into ``_entries`` when a rule asks (an import
        #: adds 100,000 that nothing in its batch names).
        self._added: dict[str, str] = {}
        self._managers: set[str] | None = None
        #: (field, value) -> member id, for handles, Unix users and SSH keys this batch gave out.
        self._claimed: dict[tuple[str, str], str] = {}
        #: What each result id names (a batch sets several fields of each).
        self._result_keys: dict[str, dict[str, Any]] = {}
        #: Result id -> the refusal of a record it names that is not here (``None``: all are), read once per record.
        self._result_unknown: dict[str, Refusal | None] = {}
        #: An appended record's JSON text -> the record: several rules read each one.
        self._appended: dict[str, Any] = dict(appended) if appended else {}
        #: Member id -> the fields of ``REVIEWER_FIELDS`` this batch gave them so far, decoded; and the members whose facts
        #: as a reviewer it changed (those, their access or removal), for the verdicts after.
        self._reviewer_sets: dict[str, dict[str, Any]] = {}
        self._reviewers_changed: set[str] = set()
        #: Post id -> its verdicts that still count, stored and this batch's (``verdicts_that_count``), for the verdicts
        #: and moves after them; and how many verdicts this batch added, for their stamps.
        self._verdicts: dict[str, list[Verdict]] = {}
        self._verdicts_added = 0
        #: Crises this batch added, for the ends after them.
        self._crises: set[str] = set()
        #: Crises this batch started (their records), and those it ended (when).
        self._crisis_records: dict[str, Mapping[str, Any]] = {}
        self._ended: dict[str, str] = {}
        #: Campaign id -> whether this batch leaves it removed (``_campaigns_left_removed``, read in a batch with a crisis).
        self._campaigns_removed: dict[str, bool] = {}
        #: Post id -> the fields of ``POST_MOVE_FIELDS`` this batch set on it so far, decoded (kept only in a batch that moves a post).
        self._post_sets: dict[str, dict[str, Any]] = {}
        #: Post id -> this batch's changes of its content and round, in the batch's order (kept only in a batch that gives
        #: a verdict or moves a post: the authors of a round submitted in it).
        self._post_changes: dict[str, list[PostChange]] = {}
        #: Post id -> what is stored of it (``_stored_review``) and its stored changes (``_stored_changes``), read once.
        self._stored_reviews: dict[str, PostReview | None] = {}
        self._stored_post_changes: dict[str, Sequence[PostChange]] = {}
        #: Task id -> the content fields and platform this batch set on it so far, decoded (kept only in a batch that
        #: submits a post or gives a verdict).
        self._content_sets: dict[str, dict[str, Any]] = {}
        #: Indexes of the batch's operations that change nothing: stamped before the value they would replace (a push's).
        self._outlived: frozenset[int] = frozenset()
        #: Indexes of the batch's operations that outlive another (``_changing_nothing``).
        self._outliving: set[int] = set()
        #: An operation's index -> the index of the batch's operation that outlives it (``_changing_nothing``).
        self._outlived_by: dict[int, int] = {}
        #: The stamps of a push's operations (``judge``): what tells its writes apart (``wentout.moves_of``).
        self._stamps: Sequence[str] | None = None
        #: The stored crises, read once for the batch's moves.
        self._stored_crises: Sequence[tuple[str, Mapping[str, Any], str | None]] | None = None
        #: Task id -> its campaign, as stored or as this batch moved it (for the ledger entries after).
        self._task_campaigns: dict[str, str | None] = {}
        #: (An entry's campaign, its task) -> the refusal of a record they name, or ``None`` (``_entry_unknown``).
        self._entries_named: dict[tuple[Any, Any], Refusal | None] = {}
        #: Entry id -> the entry this batch reversed it by.
        self._reversals: dict[str, str] = {}
        #: Entry id -> the manager who approved it in this batch.
        self._approved: dict[str, str] = {}
        #: Ids of appended records the workspace holds, and those this batch appended so far.
        self._taken: set[str] = set()
        #: (Member id, field of ``OFF_TASKS``) -> the index of the accepted operation that took them off tasks (made them a
        #: guest, removed them), where it is their batch's last operation on that field.
        self._taken_off_tasks: dict[tuple[str, str], int] = {}
        #: Records the batch creates, with the fields it gives each (``_creations``).
        self._creating: Mapping[tuple[str, str], Collection[str]] = {}
        #: (Entity, id) -> whether the workspace holds that record, read once however many operations name it.
        self._held: dict[tuple[str, str], bool] = {}
        #: Indexes of the batch's verdicts and submissions dated after they were made (``dated_ahead``), with the refusal.
        self._dated_ahead: dict[int, Refusal] = {}
        #: Import runs of the batch that claim operations other than their writer's own (``_runs_not_own``), by index.
        self._not_own: dict[int, Refusal] = {}
        #: Member id -> the manager acting as them in this batch (its ``acting`` record: a local write's, ``--as``).
        self._acted_by: dict[str, str] = {}
        #: The platforms this batch gives campaigns and tasks (read only in a batch that starts a crisis).
        self._platforms_given: set[str] = set()
        #: Indexes of the batch's operations on a campaign's run that leave it ending before it starts, with the refusal.
        self._backwards: dict[int, Refusal] = {}
        #: Member id -> why nothing they send is accepted: members this batch adds, whose addition it refuses (``judge``).
        self._refused_members: dict[str, Refusal] = {}
        #: Indexes of the operations accepted at their turn and laid on the batch for the operations after them, that a
        #: rule decided once the whole batch was read refused (``_judge_once``): refused from the start again (``judge``).
        self._refused_after: list[int] = []
        #: A push's operations, for the fields a refused move's write set with it (``_taken_with_their_move``).
        self._pushed: Sequence[Op] | None = None
        #: The fields the batch's operations set: a rule that reads none of them skips its pass over the batch (an
        #: import's batches hold few of the fields the rules read).
        self._fields: frozenset[str] = frozenset()

    # ------------------------------------------------------------ state with this batch on top

    def _member(self, member_id: str) -> MemberFacts | None:
        if member_id not in self._members:
            self._members[member_id] = self.state.member(member_id)
        return self._members[member_id]

    def _record(self, value: str) -> Any:
        """An appended record, decoded once however many rules read it."""
        record = self._appended.get(value)
        if record is None:
            record = self._appended[value] = json.loads(value)
        return record

    def _entry(self, entry_id: str) -> EntryFacts | None:
        if entry_id not in self._entries:
            added = self._added.get(entry_id)
            self._entries[entry_id] = self.state.ledger_entry(entry_id) if added is None else entry_facts(self._record(added))
        return self._entries[entry_id]

    def _manager_ids(self) -> set[str]:
        if self._managers is None:
            self._managers = set(self.state.managers())
        return self._managers

    def _holder(self, field: str, value: str, row_id: str) -> str | None:
        """Another live member who has ``field`` = ``value``, this batch included."""
        claimed = self._claimed.get((field, value))
        if claimed is not None and claimed != row_id:
            member = self._member(claimed)
            if member and not member.deleted and _holds(member, field, value):
                return claimed
        for other in self.state.members_with(field, value):
            if other == row_id:
                continue
            member = self._member(other)  # this batch may have changed it
            if member and not member.deleted and _holds(member, field, value):
                return other
        return None

    # ------------------------------------------------------------ the batch

    def judge(
        self,
        ops: Sequence[Proposal],
        preset: Sequence[Refusal | None] | None = None,
        rows: Mapping[tuple[str, str], Collection[str]] | None = None,
        stamps: Sequence[str] | None = None,
        made: Sequence[str] | None = None,
        pushed: Sequence[Op] | None = None,
    ) -> list[Refusal | None]:
        """One verdict per operation: ``None`` (accepted) or the refusal.

        ``preset``: refusals already decided (a value the server could not
        read), one per operation; they count for their record's creation
        batch.  ``rows``: the fields the batch sets on each record, when the
        caller has them (a local write does).  ``stamps``: each operation's
        stamp, for a push (a local write's are newer than anything stored):
        one stamped before the value it would replace changes nothing, and is
        not read as what the batch leaves (``READ_AS_LEFT``).  ``made``: a
        local write's stamps, read only by the rules that name stamps (an
        import's run, ``own_run``); a push's are ``stamps``.  ``pushed``: a
        push's operations themselves (``ops`` are theirs): a refused move of a
        post's state refuses what its write set with it.

        What an operation outlives is read from the operations accepted
        only: one that outlived another and is refused is never stored, so
        the batch is judged again with it refused from the start.  So is one
        that its turn accepted and a rule refused once the whole batch was
        read (a removal of a member who keeps open tasks): the operations
        after it read it as accepted, where pushed apart they would not.
        """
        judge = self
        for passes in range(JUDGED_AGAIN_AT_MOST + 1):
            verdicts = judge._judge_once(ops, preset, rows, stamps, made, pushed)
            outliving = [index for index in judge._outliving if verdicts[index] is not None]
            refused = sorted({*outliving, *judge._refused_after})
            if not refused:
                return verdicts
            if passes == JUDGED_AGAIN_AT_MOST:
                break
            kept: list[Refusal | None] = list(preset) if preset else [None] * len(ops)
            for index in refused:
                kept[index] = verdicts[index]
            judge, preset = judge._again(), kept
        # A chain of refusals, each outliving the next or each let through by the one before it refused (a hostile push
        # makes them so): judged again for each, the batch cost its size times their number, and the judge's recursion
        # ended the server's answer in a 500.  Past the last pass, what followed a refusal decided once the batch was
        # read is cut off, and what a refused operation outlived is refused too: never judged as what the batch leaves.
        if judge._refused_after:
            judge, verdicts = judge._judged_before(min(judge._refused_after), verdicts, ops, preset, rows, stamps, made, pushed)
        for index, outliver in judge._outlived_by.items():
            if verdicts[index] is None and verdicts[outliver] is not None:
                verdicts[index] = Refusal("outlived_refused", RULES["outlived_refused"])
        return verdicts

    def _again(self) -> Judge:
        """A judge for the batch judged again, that knows the members it refused."""
        again = Judge(self.state, local=self.local, appended=self._appended)
        again._refused_members = self._refused_members
        return again

    def _judged_before(
        self,
        cut: int,
        verdicts: list[Refusal | None],
        ops: Sequence[Proposal],
        preset: Sequence[Refusal | None] | None,
        rows: Mapping[tuple[str, str], Collection[str]] | None,
        stamps: Sequence[str] | None,
        made: Sequence[str] | None,
        pushed: Sequence[Op] | None,
    ) -> tuple[Judge, list[Refusal | None]]:
        """The judge and verdicts of the batch with what followed ``cut`` (refused once the batch was read) refused from
        the start, past the last pass: those operations had been judged reading it as accepted.  The rules decided once
        the batch is read are read again without them (a removal they let through, closing its member's task, is
        refused); one they refuse that way cuts the batch before it in turn.  Past ``JUDGED_AGAIN_AT_MOST`` cuts again, the
        whole batch is refused: every verdict before the last cut had read what followed it."""
        followed = Refusal("followed_refused", RULES["followed_refused"])
        kept: list[Refusal | None] = list(preset) if preset else [None] * len(ops)

        def cut_off(judge: Judge) -> list[Refusal | None]:
            """``kept`` with the refusals ``judge`` decided once the batch was read, and all after ``cut`` refused."""
            for index in judge._refused_after:
                kept[index] = verdicts[index]
            return [*kept[: cut + 1], *(verdict or followed for verdict in kept[cut + 1 :])]

        judge = self
        for _ in range(JUDGED_AGAIN_AT_MOST + 1):
            kept = cut_off(judge)
            judge = judge._again()
            verdicts = judge._judge_once(ops, kept, rows, stamps, made, pushed)
            if not judge._refused_after:
                return judge, verdicts
            cut = min(judge._refused_after)
        return self._again(), [verdict or followed for verdict in cut_off(judge)]

    def _judge_once(
        self,
        ops: Sequence[Proposal],
        preset: Sequence[Refusal | None] | None,
        rows: Mapping[tuple[str, str], Collection[str]] | None,
        stamps: Sequence[str] | None,
        made: Sequence[str] | None,
        pushed: Sequence[Op] | None = None,
    ) -> list[Refusal | None]:
        """``judge``'s verdicts, what each operation outlives read from the batch's operations ``preset`` does not refuse."""
        if not self.state.has_members():
            # Nobody to judge by yet: the first member adds themselves.  Their handle is still one a filter must name.
            first: list[Refusal | None] = list(preset) if preset else [None] * len(ops)
            return [verdict or _first_handle_refused(op) for verdict, op in zip(first, ops, strict=True)]
        creating = self._creating = self._creations(ops, rows)
        self._pushed = pushed
        if not preset and _only_results_and_entries(ops):
            # Such a batch holds no verdict or submission (dated), acting record, campaign run or crisis: the reads of
            # those below would find nothing in it.
            return self._judge_results(ops, creating)
        fields = self._fields = frozenset(map(_FIELD, ops))
        shapes = frozenset(map(_SHAPE, ops))
        if stamps is not None:
            self._stamps = stamps
            self._outlived = self._changing_nothing(ops, stamps, creating, preset)
        dated = (APPEND, "post_approval") in shapes or "post_round" in fields
        self._dated_ahead = _dated_ahead(ops, stamps, preset) if dated else {}
        self._not_own = _runs_not_own(ops, stamps if stamps is not None else made, preset) if (APPEND, "import_run") in shapes else {}
        if self.local:
            self._acted_by = self._acting_records(ops) if (APPEND, "acting") in shapes else {}
        incomplete = {key: refusal for key, given in creating.items() if (refusal := _incomplete(key, given))}
        if not preset and all(entity == "task" for entity, _ in creating) and _only_task_sets(shapes):
            return self._judge_task_sets(ops, creating, incomplete)
        # Read of campaigns and crises only: a batch of task edits (a large import) is not scanned for them.
        self._backwards = self._runs_backwards(ops, preset)
        if any(op[1] == APPEND and op[2] == "crisis" for op in ops):
            self._platforms_given = _platforms_given(ops)
            self._campaigns_removed = self._campaigns_left_removed(ops, preset)
        # Ledger entries this batch adds count wherever they stand in it (an
        # import lists a reversal before its entry); an approval or reversal
        # of one the batch itself refuses is refused after.
        # An entry refused unread (``preset``) is no entry: its record may lack any field.
        # An id appended twice in the batch is the first append's: the second is refused (``added_once``).
        added = self._entries_added(ops, preset)
        verdicts: list[Refusal | None] = []
        append = verdicts.append
        standing: dict[str, Refusal | None] = {}
        # A verdict reads the post as the batch left it so far: its round, content and scope, and who wrote it.
        reviewing = any(op[1] == APPEND and op[2] == "post_approval" for op in ops)
        moving = reviewing or _moves_a_post(ops, creating)
        submitting = reviewing or _submits_a_post(ops)
        misvalued = self._task_values_refused(ops)
        published = self._published_posts(ops, creating)
        suspect = _SUSPECT.search
        #: Indexes of the operations accepted at their turn that the rules after them read (``_refused_after``).
        laid: list[int] = []

        def lay(index: int) -> None:
            if self._lay(ops[index], moving, submitting):
                laid.append(index)

        def refused_alone(index: int) -> Refusal | None:
            """What refuses the task operation's value whatever else the batch holds (``_lay_ahead``)."""
            _, kind, entity, _, field, value = ops[index]
            if preset and preset[index]:
                return preset[index]
            return (self._control(kind, entity, field, value) if suspect(value) else None) or misvalued.get(index)

        for index, op in enumerate(ops):
            if preset and preset[index]:
                append(preset[index])
                continue
            member_id, kind, entity, row_id, field, value = op
            refusal = standing[member_id] if member_id in standing else standing.setdefault(member_id, self._standing(member_id))
            if refusal is None and suspect(value):
                refusal = self._control(kind, entity, field, value)
            if refusal is None and creating:
                refusal = incomplete.get((entity, row_id))
            if refusal is None:
                # Tasks are most of every batch: decided here, they change nothing the rules read.
                if entity == "task" and kind != APPEND:
                    author = self._members[member_id]  # known: _standing refused an unknown author
                    if author is not None and (guest := task_change_refused(author)):
                        refusal = guest
                    elif field in MAKER_FIELDS:
                        refusal = maker_refused(member_id, row_id, field, value, creating)
                    elif field == "assignee":
                        refusal = self._decide_assignee(value)
                    elif field == "campaign":
                        refusal = self._unknown(_campaign_references(entity, value))
                    elif field == "recurrence":
                        refusal = (
                            self._decide_template(value)
                            or self._unknown(_template_references(value))
                            or _days_outside(kind, entity, field, value)
                        )
                    elif field == "resumed_from" and author is not None:
                        refusal = self._decide_resume(author, row_id, value)
                    elif field == "post_state" and value in GOING_OUT and ("task", row_id) not in creating:
                        self._lay_ahead(published, ops, index, lay, refused_alone)
                        refusal = self._decide_move(row_id, value)
                    elif field == "post_round":
                        refusal = self._decide_round(row_id, value) or self._dated_ahead.get(index)
                    elif field in READ_VALUES:
                        refusal = misvalued.get(index)
                    else:
                        refusal = _days_outside(kind, entity, field, value)
                        if refusal is None and field == "publish" and ("task", row_id) not in creating and index not in self._outlived:
                            refusal = self._decide_slot(row_id, value)
                    if published is not None and row_id in published:
                        refusal = self._published_content(published, ops, verdicts, index, refusal, lay)
                    if refusal is None and index not in self._outlived and not (published is not None and published.held_back(index)):
                        lay(index)
                else:
                    refusal = (
                        self._decide(op, creating) or self._dated_ahead.get(index) or self._backwards.get(index) or self._not_own.get(index)
                    )
                    if refusal is None and index not in self._outlived and entity in RECORDS_READ:
                        self._accept(op)
                        laid.append(index)
                        if entity == "member":
                            standing.clear()  # a member's access or removal may have changed
                            if field in OFF_TASKS:
                                self._taken_off_tasks.pop((row_id, field), None)
                                if value == OFF_TASKS[field].value:
                                    self._taken_off_tasks[(row_id, field)] = index
            append(refusal)
        self._refuse_taken_with_their_move(verdicts)
        self._refuse_waited_for_nothing(published, ops, verdicts)
        for index, op in enumerate(ops):
            if verdicts[index] is None and op[1] == APPEND and op[2] in ("ledger_entry", "approval"):
                record = self._record(op[5])
                named = record.get("reverses") if op[2] == "ledger_entry" else record.get("entry")
                if named in added and verdicts[added[named]] is not None:
                    verdicts[index] = Refusal("unknown_entry", f"the entry it names, {named[:8]}, is refused in the same batch")
        self._refuse_naming_refused(ops, verdicts, creating)
        self._refuse_reopened_for_nobody(ops, verdicts, creating)
        self._refuse_taken_off_tasks_holding_them(ops, verdicts)
        verdicts = _creations_whole(ops, verdicts, creating)
        self._refused_after = [index for index in laid if verdicts[index] is not None]
        # A member added after such a refusal was judged reading it as accepted (the manager adding them removed herself):
        # decided in the judging again, where it is refused from the start.
        refused = {} if self._refused_after else _members_refused(ops, verdicts, creating, preset)
        if not refused:
            return verdicts
        # A member the batch adds and then refuses (a handle taken) was read in it as added: what they did, and what their
        # access and groups let others do, judged so.  Judged again without them, as their replica drops them.
        again = Judge(self.state, local=self.local, appended=self._appended)
        labels = _labels_given(ops)
        again._refused_members = {
            **self._refused_members,
            **{
                row_id: Refusal("not_a_member", f"adding {_refused_member_named(labels, row_id)} is refused in the same batch ({why.rule})")
                for row_id, why in refused.items()
            },
        }
        kept = list(preset) if preset else [None] * len(ops)
        return again.judge(
            ops,
            [verdict if op[2] == "member" and op[3] in refused else kept[index] for index, (op, verdict) in enumerate(zip(ops, verdicts))],
            rows,
            stamps,
            made,
            pushed,
        )

    def _runs_backwards(self, ops: Sequence[Proposal], preset: Sequence[Refusal | None] | None) -> dict[int, Refusal]:
        """The operations on a campaign's start or end (that change them: not outlived) of each campaign the batch leaves
        ending before it starts, by index: ``campaign add`` and ``campaign set`` refuse such a run, and every report that
        reads it (a grid, a pacing) would count days backwards.  Judged as the batch leaves the run, so a batch that moves
        both days, in either order, is one move; a campaign stored so already is refused only a change that keeps it so."""
        dated = [
            index
            for index, op in enumerate(ops)
            if op[2] == "campaign"
            and op[1] != APPEND
            and op[4] in ("start", "end")
            and index not in self._outlived
            and not (preset and preset[index])
        ]
        if not dated:
            return {}
        given: dict[str, dict[str, Any]] = {}
        for index in dated:
            given.setdefault(ops[index][3], {})[ops[index][4]] = json.loads(ops[index][5])
        backwards: dict[str, str] = {}
        labels: dict[tuple[str, str], str] | None = None
        for row_id, days in given.items():
            stored = (None, None) if ("campaign", row_id) in self._creating else self.state.campaign_run(row_id)
            start, end = days.get("start", stored[0]), days.get("end", stored[1])
            if isinstance(start, str) and isinstance(end, str) and end < start:
                labels = _labels_given(ops) if labels is None else labels
                named = labels.get(("campaign", row_id)) or self._campaign_named(row_id)
                backwards[row_id] = f"campaign {named} would end {end}, before it starts ({start})"
        return {
            index: Refusal("invalid_value", f"campaign.{ops[index][4]}: {backwards[ops[index][3]]}")
            for index in dated
            if ops[index][3] in backwards
        }

    def _acting_records(self, ops: Sequence[Proposal]) -> dict[str, str]:
        """Member id -> the manager who acts as them in this batch, by its ``acting`` record (the batch's last operation,
        ``Store.commit_local``): read before the operations it covers are judged."""
        acted: dict[str, str] = {}
        for _, kind, entity, _, _, value in ops:
            if kind == APPEND and entity == "acting":
                record = self._record(value)
                if isinstance(record, dict) and record.get("actor") != record.get("member"):
                    acted[record["member"]] = record["actor"]
        return acted

    def _refuse_taken_off_tasks_holding_them(self, ops: Sequence[Proposal], verdicts: list[Refusal | None]) -> None:
        """Refuse, in ``verdicts``, each accepted change that makes a member a guest (``guest_assignee``) or removes them
        (``removed_assignee``) while open tasks stay assigned to them: nobody would do those tasks.

        Decided once the whole batch is judged: the changes that unassign, close or delete their tasks may come after the
        one that takes them off tasks."""
        if not self._taken_off_tasks:
            return
        # What the batch leaves on each task it assigns, closes or deletes: its last accepted value of each.
        given: dict[str, dict[str, Any]] = {}
        for index, (op, verdict) in enumerate(zip(ops, verdicts)):
            if verdict is None and index not in self._outlived and op[2] == "task" and op[4] in ("assignee", "status", "deleted"):
                given.setdefault(op[3], {})[op[4]] = json.loads(op[5])
        for (member_id, field), index in self._taken_off_tasks.items():
            # A task the batch assigns to them counts as open unless the batch closes it (its stored status is not read).
            assigned = {task for task, fields in given.items() if fields.get("assignee") == member_id}
            held = sorted(task for task in {*self.state.open_tasks_of(member_id), *assigned} if _still_held(given.get(task, {}), member_id))
            if held:
                verdicts[index] = _still_holding(field, self._member(member_id), member_id, held)

    def _changing_nothing(
        self,
        ops: Sequence[Proposal],
        stamps: Sequence[str],
        creating: Mapping[tuple[str, str], Collection[str]],
        preset: Sequence[Refusal | None] | None,
    ) -> frozenset[int]:
        """Indexes of the set operations on fields of ``READ_AS_LEFT`` that change nothing: stamped before the stored value
        of their field, or before a value the batch set on it (the last writer wins by stamp).  Read as what the batch
        leaves, such an operation would let a batch pass the rules with a value the records never take.

        Only what is stored outlives an operation: one refused (``preset``) is never stored, and a publish it counted as
        outliving would read as changing nothing here while storage keeps it.  The batch's operations that outlive
        another are kept (``_outliving``): the judge refuses one only by judging the batch again without it (``judge``)."""
        read = [
            index
            for index, op in enumerate(ops)
            if op[1] != APPEND and op[4] in READ_AS_LEFT.get(op[2], ()) and not (preset and preset[index])
        ]
        if not read:
            return frozenset()
        stored = sorted({(ops[index][3], ops[index][4]) for index in read if (ops[index][2], ops[index][3]) not in creating})
        winners = self.state.field_winners(stored) if stored else {}
        #: (Row, field) -> the newest stamp on it so far, and the batch's operation that gave it (``None``: stored).
        newest: dict[tuple[str, str], tuple[str, int | None]] = {key: (stamp, None) for key, stamp in winners.items()}
        outlived = set()
        for index in read:
            key = (ops[index][3], ops[index][4])
            held = newest.get(key)
            if held is not None and stamps[index] < held[0]:
                outlived.add(index)
                if held[1] is not None:
                    self._outliving.add(held[1])
                    self._outlived_by[index] = held[1]
            else:
                newest[key] = (stamps[index], index)
        return frozenset(outlived)

    def _left(self, row_id: str, field: str, value: str, moving: bool, submitting: bool) -> bool:
        """Keep an accepted task operation that changes its field (not outlived) as what the batch leaves, where the rules
        after it read that: its campaign (spend for it), its post's fields (a move into the scheduler), its content (a
        submission).  Whether it was kept."""
        kept = False
        if field == "campaign":
            self._task_campaigns[row_id] = json.loads(value)
            kept = True
        if moving and field in POST_MOVE_FIELDS:
            self._post_sets.setdefault(row_id, {})[field] = json.loads(value)
            kept = True
        if submitting and (field in CONTENT_FIELDS or field == "platform"):
            self._content_sets.setdefault(row_id, {})[field] = json.loads(value)
            kept = True
        return kept

    def _lay(self, op: Proposal, moving: bool, submitting: bool) -> bool:
        """Lay an accepted task operation that changes its field on the batch, for the rules after it (``_left``; the
        changes of a post, ``_changed_post``, in a batch that gives a verdict or moves a post).  Whether a rule after it
        reads it."""
        member_id, _, _, row_id, field, value = op
        kept = self._left(row_id, field, value, moving, submitting)
        if moving and (field in CONTENT_FIELDS or field == "post_round"):
            self._changed_post(member_id, row_id, field, value)
            return True
        return kept

    def _changed_post(self, member_id: str, post_id: str, field: str, value: str) -> None:
        """Keep an accepted change of a post's content (by whom: the member, and the manager acting as them) or round."""
        changes = self._post_changes.setdefault(post_id, [])
        if field == "post_round":
            submitted = json.loads(value)
            changes.append(PostChange(None, submitted["id"], submitted["hash"]) if isinstance(submitted, dict) else PostChange(None))
            return
        changes.append(PostChange(member_id))
        actor = self._acted_by.get(member_id)
        if actor is not None:
            changes.append(PostChange(actor))

    def _stored_review(self, post_id: str) -> PostReview | None:
        """``RuleState.post_review``, read once per post however many operations of the batch name it (what is stored does
        not change while a batch is judged; each reads all of the post's changes)."""
        if post_id not in self._stored_reviews:
            self._stored_reviews[post_id] = self.state.post_review(post_id)
        return self._stored_reviews[post_id]

    def _verdicts_on(self, post_id: str, review: PostReview) -> list[Verdict]:
        """The verdicts on the post that still count, stored (``review``'s, read once) and this batch's so far."""
        found = self._verdicts.get(post_id)
        if found is None:
            found = self._verdicts[post_id] = verdicts_that_count(review.verdicts)
        return found

    def _stored_changes(self, post_id: str) -> Sequence[PostChange]:
        """``RuleState.post_changes``, read once per post (as ``_stored_review``)."""
        if post_id not in self._stored_post_changes:
            self._stored_post_changes[post_id] = self.state.post_changes(post_id)
        return self._stored_post_changes[post_id]

    def _authors_as_left(self, post_id: str, review: PostReview) -> frozenset[str]:
        """The authors of the post's round as this batch leaves it: ``round_authors`` of its stored changes and this
        batch's after them, as they will be stored."""
        digest = review.round["hash"] if review.round else None
        return round_authors([*self._stored_changes(post_id), *self._post_changes[post_id]], digest)

    def _creations(
        self, ops: Sequence[Proposal], rows: Mapping[tuple[str, str], Collection[str]] | None
    ) -> dict[tuple[str, str], Collection[str]]:
        """Records this batch creates, with the fields it gives each."""
        fields: dict[tuple[str, str], Collection[str]]
        if rows is not None:
            fields = dict(rows)
        else:
            sets: dict[tuple[str, str], set[str]] = {}
            for _, kind, entity, row_id, field, _ in ops:
                if kind != APPEND:
                    key = (entity, row_id)
                    given = sets.get(key)
                    if given is None:
                        given = sets[key] = set()
                    given.add(field)
            fields = dict(sets)
        if not fields:
            return {}
        stored = self.state.stored_rows([row_id for _, row_id in fields])
        return {key: given for key, given in fields.items() if key[1] not in stored}

    def _judge_task_sets(
        self, ops: Sequence[Proposal], creating: Mapping[tuple[str, str], Collection[str]], incomplete: Mapping[tuple[str, str], Refusal]
    ) -> list[Refusal | None]:
        """A batch of task edits only (an import, a triage): the same rules in the same order, a pass
        over the batch for each instead of a call per operation (a million operations import)."""
        verdicts: list[Refusal | None] = [None] * len(ops)
        suspects: set[int] = set()
        far: list[int] = []
        days = TASK.day_fields
        values = "".join(map(_VALUE, ops))
        if suspect_in(values):
            suspects = {index for index, op in enumerate(ops) if _SUSPECT.search(op[5])}
        if FAR_DAY_JSON.search(values):
            far = [index for index, op in enumerate(ops) if op[4] in days and days_text_out_of_range(op[5])]
        authors: dict[str, Refusal | None] = {}
        for member_id in set(map(_AUTHOR, ops)):
            authors[member_id] = self._standing(member_id)
        fields = self._fields
        creators = (
            [
                index
                for index, op in enumerate(ops)
                if op[4] in MAKER_FIELDS and (("task", op[3]) not in creating or (op[4] == "created_by" and op[5] != f'"{op[0]}"'))
            ]
            if not fields.isdisjoint(MAKER_FIELDS)
            else []
        )
        resumes = "resumed_from" in fields
        moves = not fields.isdisjoint(("post_state", "publish")) and _moves_a_post(ops, creating)
        submits = "post_round" in fields and _submits_a_post(ops)
        misnamed = {
            **self._in_unknown_campaigns(ops),
            **self._assigned_to_guests(ops),
            **self._task_values_refused(ops),
        }
        published = self._published_posts(ops, creating)
        laid: list[int] = []

        def lay(index: int) -> None:
            if self._lay(ops[index], moves, submits):
                laid.append(index)

        def refused_alone(index: int) -> Refusal | None:
            """What refuses the task operation's value whatever else the batch holds (``_lay_ahead``)."""
            _, kind, entity, _, field, value = ops[index]
            return (self._control(kind, entity, field, value) if index in suspects else None) or misnamed.get(index)

        if (
            any(authors.values())
            or suspects
            or incomplete
            or creators
            or far
            or resumes
            or moves
            or submits
            or misnamed
            or published is not None
        ):
            for index in range(len(ops)):
                member_id, kind, entity, row_id, field, value = ops[index]
                refusal = authors[member_id]
                if refusal is None and index in suspects:
                    refusal = self._control(kind, entity, field, value)
                if refusal is None and incomplete:
                    refusal = incomplete.get((entity, row_id))
                if refusal is None:
                    author = self._members[member_id]
                    if author is not None:
                        refusal = task_change_refused(author)
                if refusal is None and field in MAKER_FIELDS:
                    refusal = maker_refused(member_id, row_id, field, value, creating)
                if refusal is None and misnamed:
                    refusal = misnamed.get(index)
                if refusal is None and field in days:
                    refusal = _days_outside(kind, entity, field, value)
                if refusal is None and field == "resumed_from":
                    resumer = self._members[member_id]
                    assert resumer is not None  # known: _standing refused an unknown author
                    refusal = self._decide_resume(resumer, row_id, value)
                if refusal is None and field == "post_state" and value in GOING_OUT and ("task", row_id) not in creating:
                    self._lay_ahead(published, ops, index, lay, refused_alone)
                    refusal = self._decide_move(row_id, value)
                if refusal is None and field == "post_round":
                    refusal = self._decide_round(row_id, value) or self._dated_ahead.get(index)
                if refusal is None and field == "publish" and ("task", row_id) not in creating and index not in self._outlived:
                    refusal = self._decide_slot(row_id, value)
                if published is not None and row_id in published:
                    refusal = self._published_content(published, ops, verdicts, index, refusal, lay)
                if refusal is None and index not in self._outlived and not (published is not None and published.held_back(index)):
                    lay(index)
                verdicts[index] = refusal
            self._refuse_taken_with_their_move(verdicts)
            self._refuse_waited_for_nothing(published, ops, verdicts)
        elif any(author is not None and task_change_refused(author) for author in (self._members[m] for m in authors)):
            for index, op in enumerate(ops):
                author = self._members[op[0]]
                assert author is not None  # known: _standing refused an unknown author
                verdicts[index] = task_change_refused(author)
        if creating and any(verdicts):
            # A task that waits for, or duplicates, one whose making the batch refuses names nothing.
            self._refuse_naming_refused(ops, verdicts, creating)
        self._refuse_reopened_for_nobody(ops, verdicts, creating)
        failed: dict[str, Refusal] = {}
        if any(verdicts):  # seldom: the batch is read again only then
            for op, verdict in zip(ops, verdicts):
                if verdict is not None and ("task", op[3]) in creating:
                    failed.setdefault(op[3], verdict)
        if failed:
            verdicts = [failed.get(op[3], verdict) for op, verdict in zip(ops, verdicts)]
        self._refused_after = [index for index in laid if verdicts[index] is not None]
        return verdicts

    def _entries_added(self, ops: Sequence[Proposal], preset: Sequence[Refusal | None] | None) -> dict[str, int]:
        """Entry id -> the index of the first operation of ``ops`` that adds it, with the entries as the batch adds them
        and the appended ids the workspace holds taken (``_taken``)."""
        added: dict[str, int] = {}
        for index, op in enumerate(ops):
            if op[1] == APPEND and op[2] == "ledger_entry" and not (preset and preset[index]):
                added.setdefault(op[3], index)
        appended = [op[3] for op in ops if op[1] == APPEND]
        self._taken = set(self.state.stored_rows(appended)) if appended else set()
        for row_id, index in added.items():
            if row_id not in self._taken:  # a stored entry stays what it is: the first append wins
                self._added[row_id] = ops[index][5]
                self._entries.pop(row_id, None)  # what the workspace held under its id, if a rule read it before
        return added

    def _judge_results(self, ops: Sequence[Proposal], creating: Mapping[tuple[str, str], Collection[str]]) -> list[Refusal | None]:
        """A batch of result sets and the ledger entries it adds (``kpi import --spend``): the general loop's rules in
        its order, with what that loop asks of every operation asked once per member (standing, guest), per record (its
        id's key, the records it names, completeness) and per batch (control characters, far days: one search of all
        values), and a key field compared as text with its key's JSON.  A ledger entry is judged as the general loop
        judges it, in its place: results change nothing it reads, nor it anything a result's rules read."""
        incomplete = {key: refusal for key, given in creating.items() if (refusal := _incomplete(key, given))}
        added = self._entries_added(ops, None)
        verdicts: list[Refusal | None] = [None] * len(ops)
        values = "".join(op[5] for op in ops)
        suspects = {index for index, op in enumerate(ops) if _SUSPECT.search(op[5])} if suspect_in(values) else set()
        far = {index for index, op in enumerate(ops) if FAR_DAY_JSON.search(op[5])} if FAR_DAY_JSON.search(values) else set()
        standing: dict[str, Refusal | None] = {}
        guests: dict[str, Refusal | None] = {}
        for member_id in {op[0] for op in ops}:
            standing[member_id] = refusal = self._standing(member_id)
            author = self._members[member_id]
            guests[member_id] = results_refused(author) if refusal is None and author is not None else None
        #: Result id -> its key (empty: no result id), the refusal of its key or of a record it names, and each key
        #: field's JSON text.
        records: dict[str, tuple[dict[str, Any], Refusal | None, dict[str, str]]] = {}
        #: A key's value -> its canonical JSON (an import's results share a few campaigns, platforms and days).
        encoded: dict[str | None, str] = {}
        #: (A key's post, its campaign) -> the refusal of a record they name, or ``None``.
        unknown: dict[tuple[str | None, str | None], Refusal | None] = {}
        #: (The result's kind, a field) -> the refusal of that field in a result of that kind.
        kinds: dict[tuple[str, str], Refusal | None] = {}
        laid: list[int] = []
        for index, op in enumerate(ops):
            member_id, kind, entity, row_id, field, value = op
            refusal = standing[member_id]
            if refusal is None and index in suspects:
                refusal = self._control(kind, entity, field, value)
            if refusal is None and creating:
                refusal = incomplete.get((entity, row_id))
            if entity != "result":
                # A ledger entry, as the general loop decides it (``_decide``: its days were searched with the batch's).
                if refusal is None:
                    author = self._members[member_id]
                    assert author is not None  # standing: a member
                    refusal = (
                        self._decide_access(author, op, creating)
                        or (_days_outside(kind, entity, field, value) if index in far else None)
                        or self._dated_ahead.get(index)
                        or self._backwards.get(index)
                        or self._not_own.get(index)
                    )
                    if refusal is None and index not in self._outlived:
                        self._accept(op)
                        laid.append(index)
                verdicts[index] = refusal
                continue
            if refusal is not None:
                verdicts[index] = refusal
                continue
            refusal = guests[member_id]
            if refusal is not None:
                verdicts[index] = refusal
                continue
            record = records.get(row_id)
            if record is None:
                record = records[row_id] = self._result_record(row_id, encoded, unknown)
            key, refusal, texts = record
            if refusal is None and field in key and value != texts[field]:
                refusal = _result_key_refused(row_id, key, field, json.loads(value))
            if refusal is None:
                shape = (key["kind"], field)
                if shape not in kinds:
                    kinds[shape] = _result_field_refused(key["kind"], field)
                refusal = kinds[shape]
            if refusal is None and field == "conversion_value" and value != "null":
                refusal = self._one_currency(row_id, json.loads(value))
            if refusal is None and index in far:
                refusal = _days_outside(kind, entity, field, value)
            verdicts[index] = refusal
        for index, op in enumerate(ops):
            if verdicts[index] is None and op[2] == "ledger_entry":
                named = self._record(op[5]).get("reverses")
                if named in added and verdicts[added[named]] is not None:
                    verdicts[index] = Refusal("unknown_entry", f"the entry it names, {named[:8]}, is refused in the same batch")
        if not any(verdicts):
            return verdicts
        self._refuse_naming_refused(ops, verdicts, creating)
        verdicts = _creations_whole(ops, verdicts, creating)
        self._refused_after = [index for index in laid if verdicts[index] is not None]
        return verdicts

    def _published_posts(self, ops: Sequence[Proposal], creating: Mapping[tuple[str, str], Collection[str]]) -> WentOut | None:
        """The stored posts whose content or round ``ops`` change, each with its state as stored, for ``_published_content``
        to move as the batch's accepted operations do; ``None`` when none of them is published or moved into the scheduler
        by the batch (nothing a post went out with is in it, nor a move that reads its write's content).  A post the batch creates is history, and an operation stamped before the
        value it would replace changes nothing."""
        if self._fields.isdisjoint(WENT_OUT_FIELDS):
            return None
        rows = {
            op[3]
            for index, op in enumerate(ops)
            if op[4] in WENT_OUT_FIELDS
            and op[2] == "task"
            and op[1] != APPEND
            and ("task", op[3]) not in creating
            and index not in self._outlived
        }
        if not rows:
            return None
        states: dict[str, str | None] = dict(self.state.post_states(sorted(rows)))
        if "published" in states.values() or any(op[4] == "post_state" and op[5] in GOING_OUT and op[3] in rows for op in ops):
            return WentOut(states, moves_of(ops, self._stamps, states))
        return None

    def _published_content(
        self,
        went_out: WentOut,
        ops: Sequence[Proposal],
        verdicts: list[Refusal | None],
        index: int,
        refusal: Refusal | None,
        lay: Callable[[int], None],
    ) -> Refusal | None:
        """The verdict on a task operation of a post of ``went_out`` (``_published_posts``), judged ``refusal`` so far: a
        change of its content or round while published before its write and after it is refused (``published_content``):
        what went out is what its round approved, and a post stored published reads published whatever its content
        (``states.AS_STORED``), so new copy would read as gone out unapproved, and a round put back (an undo of its
        submission) would say another round approved it.  The post's state moves with an accepted move only: a write
        that takes the publish back (an undo) changes it as the post's state then allows, and one whose take-back is
        refused (a state there is not, a crisis holding the post) changes nothing it went out with.  Whichever of its
        write's fields comes first (``wentout``): a change before the move waits for its verdict, then refused in
        ``verdicts``, or laid on the batch (``lay``) if it waited to be."""
        _, _, _, row_id, field, value = ops[index]
        if field == "post_state":
            accepted = refusal is None and index not in self._outlived
            refused, taken = went_out.moved(index, row_id, value if accepted else None)
            for waited in refused:
                if verdicts[waited] is None:
                    verdicts[waited] = self._went_out_refusal(ops[waited])
            for waited in taken:
                if verdicts[waited] is None:
                    lay(waited)
            return refusal
        if refusal is not None or index in self._outlived or field not in WENT_OUT_FIELDS:
            return refusal
        return self._went_out_refusal(ops[index]) if went_out.change(index, row_id) else None

    def _lay_ahead(
        self,
        went_out: WentOut | None,
        ops: Sequence[Proposal],
        move: int,
        lay: Callable[[int], None],
        refused: Callable[[int], Refusal | None],
    ) -> None:
        """Lay the changes of a move's write after it on the batch, before the move is judged: it reads the content and
        round as its write leaves them, whichever comes first (``wentout``; a published post's, as it went out).  Only
        those their turn accepts: a value refused after the move (``refused``: one not read, a link that is none; a
        round of other content) is none it may read, and one not read would fail the judge.  The content first, then
        the rounds, judged against it as at their turn."""
        if went_out is None:
            return
        changes = [index for index in went_out.ahead(move, ops[move][3]) if index not in self._outlived and refused(index) is None]
        for index in sorted(changes, key=lambda index: ops[index][4] == "post_round"):
            _, _, _, row_id, field, value = ops[index]
            if field != "post_round" or (self._decide_round(row_id, value) or self._dated_ahead.get(index)) is None:
                went_out.laid.add(index)
                lay(index)

    def _went_out_refusal(self, op: Proposal) -> Refusal:
        """The refusal of a change to what a published post went out with (``_published_content``)."""
        return Refusal(
            "published_content",
            f"task.{op[4]}: {self._post_named(op[3])} is published: what went out changes no more (take its publish back first)",
        )

    def _refuse_taken_with_their_move(self, verdicts: list[Refusal | None]) -> None:
        """Refuse, in a push's ``verdicts``, what each refused move of a post's state wrote with it (``MOVE_OUTCOME_FIELDS``):
        first of the rules decided once the batch is judged, as those read the post's status (a removal of its holder)."""
        if self._pushed is not None:
            for index, refusal in _taken_with_their_move(self._pushed, verdicts).items():
                verdicts[index] = refusal

    def _refuse_waited_for_nothing(self, went_out: WentOut | None, ops: Sequence[Proposal], verdicts: list[Refusal | None]) -> None:
        """Refuse the changes of a published post's content or round that waited for a move of their write the judge
        never reached (refused first: ``WentOut.unjudged``)."""
        if went_out is None:
            return
        for index in went_out.unjudged():
            if verdicts[index] is None:
                verdicts[index] = self._went_out_refusal(ops[index])

    def _task_values_refused(self, ops: Sequence[Proposal]) -> dict[int, Refusal]:
        """The task operations of ``ops`` whose value the rules refuse beyond its shape, by index: a post's link, live URL
        or media that is no web address (nor, media, a path), and a task that waits for, or duplicates, itself or a
        record that is no task.  Every way in (a push, a write on a shared file) is held to what the commands and the app
        refuse; the stored records are never judged again.

        A dependency on a task the workspace never held stays: a Taskwarrior export's on a task of a project not imported
        (yet) is kept so, waiting for nothing until that project comes in.  A duplicate names a task held here."""
        refused: dict[int, Refusal] = {}
        links: dict[int, list[str]] = {}
        if READ_VALUES.isdisjoint(self._fields):
            return refused
        # An import sets these on every task, mostly to nothing: found in one pass, and the empty ones read no further.
        read = [index for index, op in enumerate(ops) if op[4] in READ_VALUES and op[5] not in _NOTHING]
        for index in read:
            _, kind, entity, row_id, field, value = ops[index]
            if entity != "task" or kind == APPEND:
                continue
            given = json.loads(value)
            if field not in TASK_LINKS:
                problem = address_problem(field, given)
                if problem is not None:
                    refused[index] = Refusal("invalid_value", f"task.{field}: {problem}")
                continue
            named = (
                [given] if isinstance(given, str) else [item for item in given if isinstance(item, str)] if isinstance(given, list) else []
            )
            if row_id in named:
                itself = "cannot wait for itself" if field == "depends_on" else "cannot be a duplicate of itself"
                refused[index] = Refusal("invalid_value", f"task.{field}: task {row_id[:8]} {itself}")
            elif named:
                links[index] = named
        if not links:
            return refused
        made = {row_id: entity for entity, row_id in self._creating}
        ids = sorted({row_id for named in links.values() for row_id in named if row_id not in made})
        held = {**(self.state.entities_of(ids) if ids else {}), **made}
        for index, named in links.items():
            field = ops[index][4]
            for row_id in named:
                held_as = held.get(row_id)
                if held_as == "task" or (held_as is None and field == "depends_on"):
                    continue
                where = f"{row_id[:8]} is a {held_as}, not a task" if held_as is not None else f"no task {row_id[:8]} in this workspace"
                refused[index] = Refusal("unknown_task", f"task.{field}: {where}")
                break
        return refused

    def _in_unknown_campaigns(self, ops: Sequence[Proposal]) -> dict[int, Refusal]:
        """The operations of a batch of task edits that put a task, or a series' next instances (its template), in a
        campaign the workspace does not hold (nor the batch creates), by index; each campaign named is looked up once."""
        named = {op[5] for op in ops if op[4] == "campaign"}
        named.discard("null")
        unknown = {value: refusal for value in named if (refusal := self._unknown(_campaign_references("task", value)))}
        refused = {index: unknown[op[5]] for index, op in enumerate(ops) if op[4] == "campaign" and op[5] in unknown} if unknown else {}
        templates = {index: op[5] for index, op in enumerate(ops) if op[4] == "recurrence"} if "recurrence" in self._fields else {}
        if templates:
            missing = {value: refusal for value in set(templates.values()) if (refusal := self._unknown(_template_references(value)))}
            refused.update((index, missing[value]) for index, value in templates.items() if value in missing)
        return refused

    def _assigned_to_guests(self, ops: Sequence[Proposal]) -> dict[int, Refusal]:
        """The operations of a batch of task edits that assign a task, or a series' next instances, to a guest or a removed
        member, by index (only assignee and recurrence operations are read)."""
        # An import assigns many tasks to few people: each is decided once, and the batch is read again only for a guest.
        assignees = {op[5] for op in ops if op[4] == "assignee"}
        assignees.discard("null")
        guests = {value: refusal for value in assignees if (refusal := self._decide_assignee(value))}
        refused = {index: guests[op[5]] for index, op in enumerate(ops) if op[4] == "assignee" and op[5] in guests} if guests else {}
        templates = (
            {index: who for index, op in enumerate(ops) if op[4] == "recurrence" and (who := _template_assignee(op[5]))}
            if "recurrence" in self._fields
            else {}
        )
        if templates:
            holders = {who: self._refused_assignee(who, template=True) for who in set(templates.values())}
            refused.update((index, refusal) for index, who in templates.items() if (refusal := holders[who]))
        return refused

    def _refuse_reopened_for_nobody(
        self, ops: Sequence[Proposal], verdicts: list[Refusal | None], creating: Mapping[tuple[str, str], Collection[str]]
    ) -> None:
        """Refuse, in ``verdicts``, each accepted operation that reopens a stored task (an open status, or restored, that
        leaves open a task closed or deleted: as stored, or as the batch's accepted operations before it left it) that the batch
        leaves assigned to a guest or a removed member: it would be an open task nobody can do.  A move between open
        statuses of an open task reopens nothing (one a guest holds is data from before ``guest_assignee``: it stays
        theirs, as it was).

        Decided once the whole batch is judged, by the assignee its accepted operations leave (a refused one assigns
        nothing) and the members as it leaves them: a batch that reopens a task and makes its holder a guest, in either
        order, reopens it for a guest."""
        if self._fields.isdisjoint(("status", "deleted")):
            return
        # The field first, the one test most operations fail (an import's are nearly all of other fields, or creations),
        # and no operation unpacked: a tenth of the time over 880,000.
        opening = {
            index
            for index, op in enumerate(ops)
            if ((op[4] == "status" and op[5] in _OPEN_STATUS_JSON) or (op[4] == "deleted" and op[5] == "false"))
            and verdicts[index] is None
            and index not in self._outlived
            and op[2] == "task"
            and op[1] != APPEND
            and ("task", op[3]) not in creating
        }
        if not opening:
            return
        followed = self._held_by_nobody(ops, verdicts, opening)
        if not followed:
            return
        for index, (_, _, entity, row_id, field, value) in enumerate(ops):
            task = followed.get(row_id)
            if (
                task is None
                or verdicts[index] is not None
                or index in self._outlived
                or entity != "task"
                or field not in ("status", "deleted")
            ):
                continue
            after = {**task, field: json.loads(value)}
            # Restored closed, or opened while deleted, a task stays closed: no reopen.
            if index in opening and not task_open(task) and task_open(after):
                verdicts[index] = self._reopened_for(task["refusal"], row_id, field, task["holder"])
            else:
                task[field] = after[field]

    def _held_by_nobody(
        self, ops: Sequence[Proposal], verdicts: list[Refusal | None], opening: Collection[int]
    ) -> dict[str, dict[str, Any]]:
        """The tasks ``opening`` (indexes of ``ops``) opens that the batch leaves assigned to a guest or a removed member:
        each one's ``holder``, the ``refusal`` of them and, as stored, its ``status`` and ``deleted``.

        Each holder is decided once (an import gives many tasks to few people); the stored assignees of the tasks the
        batch assigns no one are read in one query, and the states of those held by someone refused (few) in another."""
        given = {
            op[3]: op[5]
            for index, (op, verdict) in enumerate(zip(ops, verdicts))
            if verdict is None and index not in self._outlived and op[2] == "task" and op[4] == "assignee"
        }
        opened = {ops[index][3] for index in opening}
        holders = self.state.task_assignees(sorted(opened - given.keys()))
        decoded: dict[str, str | None] = {}
        for row_id in opened & given.keys():
            text = given[row_id]
            if text not in decoded:
                decoded[text] = assignee if isinstance(assignee := json.loads(text), str) else None
            if (holder := decoded[text]) is not None:
                holders[row_id] = holder
        refused = {member_id: self._refused_holder(member_id) for member_id in set(holders.values())}
        followed: dict[str, dict[str, Any]] = {
            row_id: {"holder": holder, "refusal": refused[holder]} for row_id, holder in holders.items() if refused[holder]
        }
        if followed:
            states = self.state.task_states(sorted(followed))
            for row_id, task in followed.items():
                state = states.get(row_id, NEVER_CLOSED)
                task.update(status=state.status, deleted=state.deleted)
        return followed

    def _reopened_for(self, refusal: Refusal, row_id: str, field: str, member_id: str) -> Refusal:
        """``refusal`` of a task's holder, said of the operation that would reopen the task for them."""
        member = self._member(member_id)
        who = "was removed from this workspace" if member is not None and member.deleted else "is a guest (guests see no tasks)"
        return Refusal(
            refusal.rule,
            f"task.{field}: task {row_id[:8]} would be open and assigned to {_name(member, member_id)}, who {who}: "
            "assign it to someone else first",
        )

    def _decide_assignee(self, value: str) -> Refusal | None:
        """A task is assigned to a member (``unknown_member``), never to a guest: guests see no tasks (``guest_assignee``)."""
        assignee = json.loads(value)
        return self._refused_assignee(assignee if isinstance(assignee, str) else None)

    def _decide_template(self, value: str) -> Refusal | None:
        """A series' next instances go to whom its template names: a member, never a guest nor a removed member, as a task
        never does (``unknown_member``, ``guest_assignee``, ``removed_assignee``)."""
        return self._refused_assignee(_template_assignee(value), template=True)

    def _refused_assignee(self, member_id: str | None, *, template: bool = False) -> Refusal | None:
        """Why this member may not be given a task (no member: one the batch adds counts; a guest, removed), or ``None``."""
        if member_id is None:
            return None
        if not self._holds_record("member", member_id):
            if template:
                return Refusal(
                    "unknown_member",
                    f"task.recurrence: the series' next instances would go to member {member_id[:8]}, who is no member of this workspace",
                )
            return Refusal("unknown_member", f"task.assignee: member {member_id[:8]} is no member of this workspace")
        return self._refused_holder(member_id, template=template)

    def _holds_record(self, entity: str, row_id: str) -> bool:
        """Whether the workspace holds the record ``row_id`` of ``entity``, or the batch creates it (wherever in the batch:
        ``_refuse_naming_refused`` refuses what names one whose creation is refused)."""
        key = (entity, row_id)
        if key in self._creating:
            return True
        if key not in self._held:
            self._held[key] = self.state.record_exists(entity, row_id)
        return self._held[key]

    def _unknown(self, references: Iterable[Reference]) -> Refusal | None:
        """The refusal of the first of ``references`` that names no record the workspace holds or the batch creates."""
        for named in references:
            if not self._holds_record(named.entity, named.row_id):
                return Refusal(named.rule, f"{named.where}: no {named.entity} {named.row_id[:8]} in this workspace")
        return None

    def _named(self, op: Proposal) -> list[Reference]:
        """The records ``op`` names by id that must exist: a task's assignee and campaign (and its series' template's), the
        tasks it waits for or duplicates, a budget's campaign, a ledger entry's campaign and task, a result's post or campaign, a crisis's campaigns."""
        _, kind, entity, row_id, field, value = op
        if entity == "task" and kind != APPEND and field in ("assignee", "recurrence"):
            who = json.loads(value) if field == "assignee" else _template_assignee(value)
            named = [Reference("member", who, f"task.{field}", "unknown_member")] if isinstance(who, str) else []
            return [*named, *_template_references(value)] if field == "recurrence" else named
        if entity in ("task", "budget") and kind != APPEND and field == "campaign":
            return _campaign_references(entity, value)
        if entity == "task" and kind != APPEND and field in TASK_LINKS:
            named = json.loads(value)
            return [
                Reference("task", task, f"task.{field}", "unknown_task") for task in ([named] if isinstance(named, str) else named or ())
            ]
        if entity == "ledger_entry" and kind == APPEND:
            return _entry_references(self._record(value))
        if entity == "result":
            return _result_references(result_key(row_id) or {})
        if entity == "crisis" and kind == APPEND:
            return _crisis_references(self._record(value))
        return []

    def _refuse_naming_refused(
        self, ops: Sequence[Proposal], verdicts: list[Refusal | None], creating: Mapping[tuple[str, str], Collection[str]]
    ) -> None:
        """Refuse, in ``verdicts``, each accepted operation that names a record the batch creates and whose creation it
        refuses: the author's replica drops that record, so nothing names it."""
        refused = {(op[2], op[3]) for op, verdict in zip(ops, verdicts) if verdict is not None and (op[2], op[3]) in creating}
        if not refused:
            return
        labels = _labels_given(ops)
        for index, op in enumerate(ops):
            if verdicts[index] is not None:
                continue
            named = next((named for named in self._named(op) if (named.entity, named.row_id) in refused), None)
            if named is not None:
                label = labels.get((named.entity, named.row_id))
                record = f"{named.entity} {label} ({named.row_id[:8]})" if label else f"{named.entity} {named.row_id[:8]}"
                verdicts[index] = Refusal(named.rule, f"{named.where}: {record} is refused in the same batch")

    def _refused_holder(self, member_id: str | None, *, template: bool = False) -> Refusal | None:
        """Why this member may not hold a task (a guest, removed), or ``None`` (nobody holds it: ``None`` too);
        ``template``: said of a series' template, whose next instances would be theirs."""
        member = self._member(member_id) if member_id is not None else None
        return None if member is None else assignee_refused(member, template=template)

    def _standing(self, member_id: str) -> Refusal | None:
        """Why nothing this member sends can be accepted (not a member, their addition refused, removed), or ``None``."""
        refused = self._refused_members.get(member_id)
        if refused is not None:
            return refused
        author = self._member(member_id)
        if author is None:
            return Refusal("not_a_member", f"member {member_id[:8] or '(none)'} is not a member of this workspace")
        if author.deleted:
            return Refusal("member_removed", f"{_name(author, member_id)} was removed from this workspace")
        return None

    @staticmethod
    def _control(kind: str, entity: str, field: str, value: str) -> Refusal | None:
        control = control_character(entity, field, value)
        if control is None:
            return None
        where = f"{entity}.{field}" if kind != APPEND else entity
        return Refusal("control_characters", f"{where}: text may not hold control characters ({control})")

    def _decide(self, op: Proposal, creating: Mapping[tuple[str, str], Collection[str]]) -> Refusal | None:
        """The rules beyond standing, control characters and completeness, for an author who is a member."""
        member_id, kind, entity, _row_id, field, value = op
        author = self._members[member_id]
        assert author is not None
        return self._decide_access(author, op, creating) or _days_outside(kind, entity, field, value)

    def _decide_access(self, author: MemberFacts, op: Proposal, creating: Mapping[tuple[str, str], Collection[str]]) -> Refusal | None:
        member_id, kind, entity, row_id, field, value = op
        if kind == APPEND:
            return self._decide_append(author, entity, self._record(value), row_id)
        if entity == "task":
            guest = task_change_refused(author)
            if guest is not None:
                return guest
            return maker_refused(member_id, row_id, field, value, creating) if field in MAKER_FIELDS else None
        if entity == "member":
            return self._decide_member(author, row_id, field, json.loads(value), creating)
        if entity == "result":
            return self._decide_result(author, row_id, field, value, creating)
        if entity in MANAGED:
            managed = managed_refused(author, member_id, entity)
            if managed is not None:
                return managed
            if field == "approvals":
                return self._decide_chain(entity, value)
            if entity in ("budget", "rate"):
                keyed = _keyed_refused(entity, row_id, field, value)
                if keyed is not None:
                    return keyed
            return self._unknown(_campaign_references(entity, value)) if entity == "budget" and field == "campaign" else None
        return Refusal("invalid_value", f"{entity} records cannot be set")

    def _decide_chain(self, entity: str, value: str) -> Refusal | None:
        """An approval chain (a campaign's, or the workspace's for posts in none) as ``campaign set --approvals`` takes it:
        each step named once (a verdict names its step by name: of two of one name, the second could never be taken, and
        its posts never approved) and a member step's member one of the workspace (``unknown_member``)."""
        steps = json.loads(value)
        names: set[str] = set()
        # Each step's shape is checked already (``records.approval_step``): a name, and a member or a group.
        for step in steps:
            name, member = step["name"], step["member"]
            if name in names:
                return Refusal("invalid_value", f"{entity}.approvals: step {name!r} is named twice")
            names.add(name)
            if member is not None and not self._holds_record("member", member):
                return Refusal(
                    "unknown_member", f"{entity}.approvals: step {name!r} names member {member[:8]}, who is no member of this workspace"
                )
        return None

    def _decide_member(
        self, author: MemberFacts, row_id: str, field: str, value: Any, creating: Mapping[tuple[str, str], Collection[str]]
    ) -> Refusal | None:
        refusal = member_change_refused(author, row_id, field, new=("member", row_id) in creating)
        if refusal is not None:
            return refusal
        if field == "handle" and isinstance(value, str) and value in FILTER_WORDS:
            return filter_word_refusal(value)
        claims = [(field, value)] if field in ("handle", "unix_user") and value is not None else []
        if field == "ssh_keys":
            claims = [("ssh_key", identity) for identity in identities(value)]
        for claim, held in claims:
            holder = self._holder(claim, held, row_id)
            if holder is not None:
                code, what = _claim_words(claim, held)
                return Refusal(code, f"{what} already belongs to {_name(self._member(holder), holder)}")
        if field == "campaigns" and isinstance(value, list):
            # A guest's campaigns, as ``member set --campaigns`` names them: one of none would show them nothing, silently.
            refusal = self._unknown(Reference("campaign", campaign, "member.campaigns", "unknown_campaign") for campaign in value)
            if refusal is not None:
                return refusal
        if field == "deleted" and value is False:
            refusal = self._restore_refused(row_id)
            if refusal is not None:
                return refusal
        demoted = (field == "access" and value != MANAGER) or (field == "deleted" and value is True)
        if demoted and row_id in self._manager_ids() and self._manager_ids() <= {row_id}:
            return Refusal("last_manager", "the last manager cannot give up the role or be removed; make someone else a manager first")
        return None

    def _restore_refused(self, row_id: str) -> Refusal | None:
        """Why a removed member may not come back (``deleted`` false): their handle, Unix user or an SSH key of theirs is
        another live member's now (``member add`` gives a removed member's handle again), or ``None``."""
        member = self._member(row_id)
        if member is None or not member.deleted:
            return None  # not removed: nothing comes back
        name = _name(member, row_id)
        held = [("handle", member.handle), ("unix_user", member.unix_user), *(("ssh_key", key) for key in member.ssh_keys)]
        for field, value in held:
            holder = self._holder(field, value, row_id) if value is not None else None
            if holder is None or value is None:
                continue
            code, what = _claim_words(field, value)
            other = _name(self._member(holder), holder)
            # The handle given again is the one they are named by: "@raj belongs to @raj" would say nothing.
            other = "another member" if other == name else other
            return Refusal(code, f"member.deleted: {name} cannot come back: {what} belongs to {other} now")
        return None

    def _decide_result(
        self, author: MemberFacts, row_id: str, field: str, value_json: str, creating: Mapping[tuple[str, str], Collection[str]]
    ) -> Refusal | None:
        """Results (daily metrics): members and managers add and import them (``results_refused``); the id says what they count.

        ``_judge_results`` makes the same checks in the same order over a batch of results and entries alone (an
        import's): a rule added here is added there too, and the differential tests (tests/test_rules_result_batches*.py)
        draw a batch that needs it."""
        guest = results_refused(author)
        if guest is not None:
            return guest
        key = self._result_keys.get(row_id)
        if key is None:
            key = self._result_keys[row_id] = result_key(row_id) or {}
        if not key:
            return _not_a_result_id(row_id)
        refusal = _result_id_refused(row_id, key)
        if refusal is not None:
            return refusal
        if row_id in self._result_unknown:
            unknown = self._result_unknown[row_id]
        else:
            unknown = self._result_unknown[row_id] = self._unknown(_result_references(key))
        if unknown is not None:
            return unknown
        if field in key:
            refusal = _result_key_refused(row_id, key, field, json.loads(value_json))
            if refusal is not None:
                return refusal
        refusal = _result_field_refused(key["kind"], field)
        if refusal is not None:
            return refusal
        if field == "conversion_value" and value_json != "null":
            return self._one_currency(row_id, json.loads(value_json))
        return None

    def _result_record(
        self, row_id: str, encoded: dict[str | None, str], unknown: dict[tuple[str | None, str | None], Refusal | None]
    ) -> tuple[dict[str, Any], Refusal | None, dict[str, str]]:
        """A result id's key (empty: it is none), the refusal of the id or of the record it names, and each key field's
        value as canonical JSON (the text a writer gives it; ``encoded``: the texts of values met before; ``unknown``:
        per post and campaign an id names, the refusal of a record it names, found before)."""
        key = result_key(row_id) or {}
        if not key:
            return key, _not_a_result_id(row_id), {}
        refusal = _result_id_refused(row_id, key)
        if refusal is not None:
            return key, refusal, {}
        texts = {}
        for name, value in key.items():
            text = encoded.get(value)
            if text is None:
                text = encoded[value] = canonical_json(value)
            texts[name] = text
        # Keyed by the records an id can name: an import's ids name a few hundred campaigns or posts between them.
        named = (key["post"], key["campaign"])
        if named not in unknown:
            unknown[named] = self._unknown(_result_references(key))
        return key, unknown[named], texts

    def _one_currency(self, row_id: str, value: Mapping[str, Any]) -> Refusal | None:
        """A result's conversion value in another currency than the one it holds (``one_currency``), or ``None``."""
        stored = self.state.result_currency(row_id)
        if stored is not None and stored != value["currency"]:
            return Refusal(
                "one_currency", f"{row_id} holds its conversion value in {stored}: a second currency ({value['currency']}) is refused"
            )
        return None

    def _decide_append(self, author: MemberFacts, entity: str, record: dict[str, Any], row_id: str) -> Refusal | None:
        """An added record: what its kind's rules say, then whether its id is free.

        The first append of an id wins wherever it arrives (``store``), so an append under a taken id,
        stamped earlier, would replace the record: edit another's ledger entry, undo a verdict.
        """
        refusal = self._decide_record(author, entity, record, row_id)
        if refusal is None and row_id in self._taken:
            refusal = Refusal("added_once", f"{entity} {row_id[:8]} exists already: a {entity} is added once, never changed")
        self._taken.add(row_id)
        return refusal

    def _decide_record(self, author: MemberFacts, entity: str, record: dict[str, Any], row_id: str) -> Refusal | None:
        author_field = AUTHOR_FIELDS.get(entity)
        if author_field and record.get(author_field) != author.id:
            return Refusal("author_field", f"{entity}.{author_field} must be the member who writes it")
        if entity == "acting":
            if not self.local:
                return Refusal("acting_local_only", "acting as another member happens on a shared host only")
            return acting_as_refused(author)
        if entity == "post_approval":
            return self._decide_verdict(author, record)
        refusal = guest_write_refused(author, entity)
        if refusal is not None:
            return refusal
        if entity == "import_run":
            return None  # whoever may import: what the run wrote is judged operation by operation
        if entity in ("crisis", "crisis_end"):
            return self._decide_crisis(author, entity, record, row_id)
        if entity == "ledger_entry":
            reverses = record.get("reverses")
            if reverses:
                # A reversal mirrors its entry (whose campaign it names), whose task may have moved since.
                return self._decide_reversal(author, reverses, record) or self._entry_unknown(record)
            return self._entry_unknown(record) or self._decide_entry_task(record)
        if entity == "approval":
            entry_id = record["entry"]
            entry = self._entry(entry_id)
            return (
                approval_refused(author, entry_id, entry, lambda: self._frozen(entry))
                or self._acting_on_own(author, entry_id, entry)
                or self._settled(entry_id, entry)
            )
        return Refusal("invalid_value", f"{entity} records cannot be added")

    def _decide_verdict(self, author: MemberFacts, record: dict[str, Any]) -> Refusal | None:
        """An approval or a request for changes on a post's round (see ``postround``)."""
        post = record["post"]
        review = self._stored_review(post)
        given = self._post_sets.get(post, {})
        if review is not None and given:
            # Submitted, changed, moved or published earlier in the batch: judged as it leaves the post so far.
            review = self._review_as_left(post, review, given)
            if "post_state" in given:
                review = replace(review, state=given["post_state"])  # published: its approvals stand
        if review is not None:
            review = replace(self._with_reviewers(review), verdicts=tuple(self._verdicts_on(post, review)))
        refusal = verdict_refused(author, record, review, self._reviewer(author.id))
        note = record.get("note")
        if refusal is None and record["verdict"] == "reject" and not (isinstance(note, str) and note.strip()):
            # ``post reject`` and the app ask for one: the author, blocked until they submit again, is told what to change.
            refusal = Refusal("invalid_value", "post_approval.note: a request for changes needs a note saying what to change")
        actor = self._acted_by.get(author.id)
        if refusal is not None or actor is None or review is None:
            return refusal
        return acting_verdict_refused(actor, self._member(actor), author, record, review)

    def _frozen(self, entry: EntryFacts | None) -> bool:
        """Whether a crisis freezes this entry, with this batch on top: the entry as added (in the batch or before), the
        crises started and ended, and its member's zone as the batch leaves them."""
        if entry is None or entry.mirror is None:
            return False
        member = self._member(entry.entered_by)
        crises = [(record, ended_at) for _, record, ended_at in self._all_crises()]
        return frozen(entry.mirror, crises, member.tz if member is not None else None)

    def _reviewer(self, member_id: str) -> Reviewer | None:
        """What decides which post steps are this member's, with this batch's changes to them on top."""
        stored = self.state.reviewer(member_id)
        if member_id not in self._reviewers_changed:
            return stored
        member = self._member(member_id)
        if member is None:
            return stored
        given = self._reviewer_sets.get(member_id, {})
        groups = frozenset(given["groups"] or ()) if "groups" in given else (stored.groups if stored else frozenset())
        campaigns = frozenset(given["campaigns"] or ()) if "campaigns" in given else (stored.campaigns if stored else frozenset())
        return Reviewer(member_id, member.access, groups, campaigns, member.deleted)

    def _with_reviewers(self, review: PostReview) -> PostReview:
        """``review`` with the members this batch changed as reviewers as it leaves them (who else may take a step)."""
        if not self._reviewers_changed:
            return review
        changed = {member_id: found for member_id in self._reviewers_changed if (found := self._reviewer(member_id)) is not None}
        return replace(review, reviewers={**review.reviewers, **changed})

    def _acting_on_own(self, author: MemberFacts, entry_id: str, entry: EntryFacts | None) -> Refusal | None:
        """A manager acting as another manager (``--as``) approving spend they entered themselves: their own, still."""
        actor = self._acted_by.get(author.id)
        return None if actor is None else acting_approval_refused(actor, self._member(actor), author, entry_id, entry)

    def _settled(self, entry_id: str, entry: EntryFacts | None) -> Refusal | None:
        """An approval of spend that waits for none any more (``not_pending``): reversed (the two net to zero, approved or
        not), or approved already by another than its author (the approval ``ledger approve`` counts).  Accepted, a second
        approval would change no total and say that someone approved what they never saw wait."""
        if entry is None:
            return None
        reversal = self._reversals.get(entry_id) or self.state.reversed_by(entry_id)
        if reversal is not None:
            return Refusal("not_pending", f"entry {entry_id[:8]} was reversed ({reversal[:8]}): the two net to zero, nothing to approve")
        approver = self._approved.get(entry_id) or min(
            (who for who in self.state.approvers(entry_id) if who != entry.entered_by), default=None
        )
        if approver is not None:
            return Refusal("not_pending", f"entry {entry_id[:8]} is already approved (by {_name(self._member(approver), approver)})")
        return None

    def _decide_reversal(self, author: MemberFacts, reverses: str, record: Mapping[str, Any]) -> Refusal | None:
        """A reversal of the entry ``reverses``: ``reversal_refused``, against the state with this batch on top, then
        ``mirror_refused``: a reversal that is not its entry's mirror would count other spend when the entry does."""
        original = self._entry(reverses)
        if original is None:
            return Refusal("unknown_entry", f"the entry it reverses, {reverses[:8]}, does not exist")
        refusal = reversal_refused(author, reverses, original, lambda: self._reversals.get(reverses) or self.state.reversed_by(reverses))
        return refusal or mirror_refused(reverses, original, record)

    def _entry_unknown(self, record: dict[str, Any]) -> Refusal | None:
        """``_unknown`` of the records a ledger entry names, found once per campaign and task the batch's entries name
        (an import's entries name a few hundred between them)."""
        named = (record["campaign"], record.get("task"))
        if named not in self._entries_named:
            self._entries_named[named] = self._unknown(_entry_references(record))
        return self._entries_named[named]

    def _decide_entry_task(self, record: dict[str, Any]) -> Refusal | None:
        """Spend for a task counts for the task's campaign: an entry for another campaign's task is refused."""
        task = record.get("task")
        if not task:
            return None
        if task not in self._task_campaigns:
            self._task_campaigns[task] = self.state.task_campaign(task)
        theirs = self._task_campaigns[task]
        if theirs is None or theirs == record["campaign"]:
            return None
        return Refusal(
            "task_campaign",
            f"ledger_entry.task: task {task[:8]} is in campaign {self._campaign_named(theirs)}, "
            f"not in the entry's campaign {self._campaign_named(record['campaign'])}",
        )

    def _campaign_named(self, campaign_id: str) -> str:
        name = self.state.campaign_name(campaign_id)
        return f"“{name}”" if name else campaign_id[:8]

    def _decide_crisis(self, author: MemberFacts, entity: str, record: dict[str, Any], row_id: str) -> Refusal | None:
        refusal = crisis_refused(author, ending=entity == "crisis_end")
        if refusal is not None:
            return refusal
        if entity == "crisis_end":
            crisis = record["crisis"]
            if crisis not in self._crises and not self.state.record_exists("crisis", crisis):
                return Refusal("unknown_crisis", f"no crisis {crisis[:8]} to end")
            if row_id != crisis_end_id(crisis):
                return Refusal("invalid_value", f"the end of crisis {crisis[:8]} has the id the crisis's id gives it")
            if self.state.record_exists("crisis_end", row_id):
                return Refusal("crisis_ended", f"crisis {crisis[:8]} has ended already")
            return None
        return (
            self._unknown(_crisis_references(record))
            or self._removed_campaign(record.get("campaigns") or [])
            or self._unknown_platform(record.get("platforms") or [])
        )

    def _campaigns_left_removed(self, ops: Sequence[Proposal], preset: Sequence[Refusal | None] | None) -> dict[str, bool]:
        """Whether the batch leaves each campaign it removes or brings back removed (its last ``deleted`` that changes it:
        not outlived), read before any crisis of it is judged: the order of a removal and a crisis in one batch changes
        nothing, and a crisis refused for it is never taken as started by the operations after it (its end, say)."""
        left: dict[str, bool] = {}
        for index, (_, kind, entity, row_id, field, value) in enumerate(ops):
            if (
                entity == "campaign"
                and kind != APPEND
                and field == "deleted"
                and index not in self._outlived
                and not (preset and preset[index])
            ):
                left[row_id] = json.loads(value) is True
        return left

    def _removed_campaign(self, named: Sequence[str]) -> Refusal | None:
        """A crisis naming a campaign removed as stored or as this batch leaves it (``_campaigns_left_removed``): ``crisis
        start`` names none, and a push or a write on the shared file may not either."""
        stored = [c for c in named if c not in self._campaigns_removed and ("campaign", c) not in self._creating]
        removed = self.state.removed_campaigns(stored) if stored else set()
        for campaign in named:
            if self._campaigns_removed.get(campaign, campaign in removed):
                return Refusal(
                    "removed_campaign", f"crisis.campaigns: campaign {self._campaign_named(campaign)} was removed from this workspace"
                )
        return None

    def _unknown_platform(self, named: Sequence[str]) -> Refusal | None:
        """A crisis naming a platform crewdeck knows not, nor any campaign or post here (this batch's too) uses: a typo
        that would hold nothing back while the team believes it paused."""
        if not named:
            return None
        unknown = unknown_platforms(named, self.state.platforms_in_use() | self._platforms_given)
        if not unknown:
            return None
        return Refusal(
            "unknown_platform",
            f"crisis.platforms: no campaign or post here uses platform {unknown[0]!r}, and it is none crewdeck knows",
        )

    def _decide_round(self, post_id: str, value: str) -> Refusal | None:
        """A submission (``task.post_round``) carries the hash of the content the post has, as the batch left it so far;
        a round the post had, put back as it was (undoing a submission), is no submission.

        A new round of other content (the hash of none, of the content before the last change) would end the authorship
        the rounds after it read: its writer would then review content they wrote (``round_author``)."""
        submitted = json.loads(value)
        if not isinstance(submitted, dict):
            return None  # withdrawn (null): no round
        content = {**self.state.task_content(post_id), **self._content_sets.get(post_id, {})}
        digest = content_hash_of(content)
        # Checked as a round (``records.post_round``): its id and hash are there.
        if submitted["hash"] == digest:
            # A round of the content it has: of copy its platform takes, as ``post submit`` and the app submit it (copy
            # written before it was over, or the platform changed since, is kept, and submitted once it fits).
            over = copy_problems(content.get("platform"), content.get("copy") or "")
            if not over or self.state.had_round(post_id, submitted["id"], submitted["hash"]):
                return None  # fits, or a round it had put back (undone), from before this rule
            return Refusal("copy_limits", f"task.post_round: {self._post_named(post_id)} cannot be submitted: {'; '.join(over)}")
        if self.state.had_round(post_id, submitted["id"], submitted["hash"]):
            return None
        return Refusal(
            "round_hash",
            f"task.post_round: {self._post_named(post_id)} is submitted with the hash {submitted['hash'][:12]}…, not its content's "
            f"({digest[:12]}…): a round is of the content the post has",
        )

    def _post_named(self, post_id: str) -> str:
        """The post as a refusal names it (its title, or ``post 1a2b3c4d``), read only to say why it is refused."""
        review = self._stored_review(post_id)
        return review.named(post_id) if review is not None else post_name(None, post_id)

    def _decide_resume(self, author: MemberFacts, post_id: str, value: str) -> Refusal | None:
        released = json.loads(value)
        if not isinstance(released, list):
            return None  # the value's own check refuses it
        review = self._stored_review(post_id)
        return resume_refused(author, released, review.resumed_from if review is not None else frozenset(), self._crisis_open)

    def _decide_move(self, post_id: str, value: str) -> Refusal | None:
        """A stored post set to scheduled or published: ``move_refused``, against the post as this batch left it so far.

        A record created in its batch is history (an import's post that went out before crewdeck), not a move: not asked.
        """
        state = json.loads(value)
        review = self._stored_review(post_id)
        given = self._post_sets.get(post_id, {})
        if review is None:
            return Refusal(
                "not_publishable", f"task {post_id[:8]} cannot be {state}: it is no post in an approved round (none was submitted)"
            )
        if given.get("post_state", review.state) == state:
            return None  # no move: it is stored so already
        changed = [name for name in (*CONTENT_FIELDS, "campaign") if name in given]
        review = self._review_as_left(post_id, review, given)
        submitted = "post_round" in given and review.round is not None and review.round["hash"] == review.hash
        if changed and ("campaign" in given or not submitted):
            # Content changed in the batch voids the round, unless the batch submits that content too (a merged export
            # carries a post's new copy with the round that approved it); a campaign changed brings another chain, not
            # read here.
            return Refusal(
                "not_publishable",
                f"{review.named(post_id)} cannot be {state}: its {', '.join(changed)} changes in the same batch, which no round approved",
            )
        review = self._with_reviewers(review)
        status = self._round_status(post_id, review)
        return move_refused(post_id, state, review, status, self._all_crises(), self._names(status))

    def _as_left(self, review: PostReview, given: Mapping[str, Any]) -> PostReview:
        """The stored post ``review`` with the round, scope, release and slot this batch set on it so far (``given``)."""
        campaign = given.get("campaign", review.campaign)
        named = review.campaign_slug
        if campaign != review.campaign:
            named = campaign_slug(campaign, self.state.campaign_name(campaign)) if campaign else None
        return replace(
            review,
            round=given.get("post_round", review.round),
            campaign=campaign,
            campaign_slug=named,
            platform=given.get("platform", review.platform),
            resumed_from=frozenset(given.get("resumed_from", review.resumed_from)),
            slot=(given["publish"] or {}).get("utc") if "publish" in given else review.slot,
        )

    def _review_as_left(self, post_id: str, review: PostReview, given: Mapping[str, Any]) -> PostReview:
        """The stored post ``review`` as this batch leaves it so far: its round, scope, release and slot (``_as_left``),
        and the hash of its content and the round's authors where the batch changed them."""
        review = self._as_left(review, given)
        content = self._content_sets.get(post_id)
        if content:
            review = replace(review, hash=content_hash_of({**self.state.task_content(post_id), **content}))
        if post_id in self._post_changes:
            review = replace(review, authors=self._authors_as_left(post_id, review))
        return review

    def _round_status(self, post_id: str, review: PostReview) -> RoundStatus:
        """Where the round of ``review`` stands with this batch's verdicts on the post on top."""
        verdicts = self._verdicts_on(post_id, review)
        people = {**review.reviewers}
        for verdict in verdicts:
            if verdict.by not in people and (found := self._reviewer(verdict.by)) is not None:
                people[verdict.by] = found
        return evaluate(
            post_round=review.round,
            current_hash=review.hash,
            chain=review.chain,
            verdicts=verdicts,
            authors=review.authors,
            reviewers=people,
            campaign=review.campaign,
            platform=review.platform,
        )

    def _decide_slot(self, post_id: str, value: str) -> Refusal | None:
        """A stored post's slot moved before the start of a crisis that holds it (``frozen.holds``), as this batch left it so
        far, and not released from it (``held_slot``): a crisis holds no post slotted before it, so the move would let the
        post out as only a resume may.  A plain task's slot is its own, and no slot keeps a post held."""
        slot = json.loads(value)
        new = slot.get("utc") if isinstance(slot, dict) else None
        if not isinstance(new, str):
            return None
        review = self._stored_review(post_id)
        if review is None:
            return None
        review = self._as_left(review, self._post_sets.get(post_id, {}))
        facts = {"campaign": review.campaign, "platform": review.platform, "slot": review.slot}
        # The crises the new slot would be before and the old one is not (no slot: held), the post not released from them.
        releasing = [
            (crisis_id, record, ended_at)
            for crisis_id, record, ended_at in self._all_crises()
            if crisis_id not in review.resumed_from
            and new < record["started_at"]
            and (review.slot is None or review.slot >= record["started_at"])
        ]
        if not releasing:
            return None
        # An ended crisis holds a post approved before its end: the round is read only then.
        approved_at = None
        if any(ended_at is not None for _, _, ended_at in releasing):
            approved_at = self._round_status(post_id, review).approved_at(review.round["at"] if review.round else None)
        for crisis_id, record, ended_at in releasing:
            if holds(record, ended_at, facts, approved_at):
                start = record["started_at"]
                return Refusal(
                    "held_slot",
                    f"task.publish: {review.named(post_id)} is held by the crisis “{record.get('reason', '')}” ({crisis_id[:8]}), "
                    f"which started {start}: a slot before its start would release it: resume it first",
                )
        return None

    def _names(self, status: RoundStatus) -> dict[str, str]:
        """The members a round's description names (its steps' members, its rejection's author), "@mia"."""
        named = [step.member for step in status.steps if step.member] + ([status.rejection.by] if status.rejection else [])
        return {member_id: f"@{found.handle}" for member_id in named if (found := self._member(member_id)) and found.handle}

    def _all_crises(self) -> list[tuple[str, Mapping[str, Any], str | None]]:
        """Every crisis with this batch's starts and ends on top."""
        if self._stored_crises is None:
            self._stored_crises = self.state.crises()
        stored = [(crisis_id, record, ended or self._ended.get(crisis_id)) for crisis_id, record, ended in self._stored_crises]
        known = {crisis_id for crisis_id, _, _ in stored}
        added = [
            (crisis_id, record, self._ended.get(crisis_id)) for crisis_id, record in self._crisis_records.items() if crisis_id not in known
        ]
        return stored + added

    def _crisis_open(self, crisis: str) -> bool:
        started = crisis in self._crises or self.state.record_exists("crisis", crisis)
        return started and crisis not in self._ended and not self.state.record_exists("crisis_end", crisis_end_id(crisis))

    # ------------------------------------------------------------ what an accepted operation changes

    def _accept(self, op: Proposal) -> None:
        _, kind, entity, row_id, field, value = op
        if entity == "member" and field in REVIEWER_FIELDS:
            if self._member(row_id) is None:
                self._members[row_id] = MemberFacts(row_id, None, MEMBER, None, False)
            self._reviewer_sets.setdefault(row_id, {})[field] = json.loads(value)
            self._reviewers_changed.add(row_id)
        elif entity == "member" and field in ("handle", "access", "unix_user", "deleted", "ssh_keys", "tz"):
            current = self._member(row_id) or MemberFacts(row_id, None, MEMBER, None, False)
            decoded = json.loads(value)
            if field == "ssh_keys":
                keys = identities(decoded)
                self._members[row_id] = replace(current, ssh_keys=keys)
                self._claimed.update((("ssh_key", key), row_id) for key in keys)
                return
            self._members[row_id] = replace(current, **{field: decoded})
            if field in ("handle", "unix_user") and decoded is not None:
                self._claimed[(field, decoded)] = row_id
            if field == "deleted" and decoded is False and current.deleted:  # back: what they held is theirs again
                self._claimed.update(
                    ((name, value), row_id) for name, value in (("handle", current.handle), ("unix_user", current.unix_user)) if value
                )
                self._claimed.update((("ssh_key", key), row_id) for key in current.ssh_keys)
            if field in ("access", "deleted"):
                self._reviewers_changed.add(row_id)
                updated = self._members[row_id]
                assert updated is not None
                managers = self._manager_ids()
                if updated.access == MANAGER and not updated.deleted:
                    managers.add(row_id)
                else:
                    managers.discard(row_id)
        elif entity == "member" and row_id not in self._members:
            self._members[row_id] = self.state.member(row_id) or MemberFacts(row_id, None, MEMBER, None, False)
        elif kind == APPEND and entity == "ledger_entry":
            if row_id not in self._entries and row_id not in self._added:
                self._added[row_id] = value
            reverses = self._record(value).get("reverses")
            if reverses:
                self._reversals.setdefault(reverses, row_id)
        elif kind == APPEND and entity == "approval":
            record = self._record(value)
            self._approved.setdefault(record["entry"], record["approved_by"])
        elif kind == APPEND and entity == "post_approval":
            record = self._record(value)
            review = self._stored_review(record["post"])  # read already: the verdict was judged on it
            if review is not None:  # accepted, so there is
                # Not stamped yet, stamped after every stored one and in the batch's order: a withdrawal then a new approval
                # in one push (an approver offline) reads so, where one stamp for all let the withdrawal take back nothing.
                add_verdict(self._verdicts_on(record["post"], review), verdict_of("", f"~{self._verdicts_added:09d}", record))
                self._verdicts_added += 1
        elif kind == APPEND and entity == "crisis":
            self._crises.add(row_id)
            self._crisis_records.setdefault(row_id, self._record(value))
        elif kind == APPEND and entity == "crisis_end":
            record = self._record(value)
            self._ended.setdefault(record["crisis"], record["ended_at"])


def _verdict_key(verdict: Verdict) -> tuple[str, str, str, str]:
    """Which verdicts a later one of the same kind supersedes: its writer's of the same round, step and hash."""
    return (verdict.by, verdict.round, verdict.step, verdict.hash)


def verdicts_that_count(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """``verdicts`` less those no rule reads again, in their order: an approval a withdrawal of the same writer, round,
    step and hash took back, every withdrawal of those but the last, and a request for changes its writer made again
    since (a round's status reads the latest).  Each verdict is judged on a post's verdicts: with every one kept, an
    approval and its withdrawal given again and again cost each verdict all those before it (2,000 in one push took
    45 s, holding the workspace).

    A round's status reads only the verdicts of the content's hash (``postround.evaluate``), while a manager acting as
    another reads a withdrawal of any hash as taking back their approvals of its round and step
    (``acting_verdict_refused``): the last withdrawal of each hash is kept, which says both, so a round whose id came
    back with another hash costs no more than one of a single hash."""
    verdicts = list(verdicts)
    last_withdrawal: dict[tuple[str, str, str, str], Verdict] = {}
    latest_change: dict[tuple[str, str, str, str], Verdict] = {}
    for verdict in verdicts:
        key = _verdict_key(verdict)
        if verdict.verdict == "withdraw":
            if key not in last_withdrawal or last_withdrawal[key].op_id < verdict.op_id:
                last_withdrawal[key] = verdict
        elif verdict.verdict == "reject" and (key not in latest_change or latest_change[key].op_id <= verdict.op_id):
            latest_change[key] = verdict  # of two stamped alike, the later in order, as a status sorted by stamp reads

    def counts(verdict: Verdict) -> bool:
        key = _verdict_key(verdict)
        if verdict.verdict == "approve":
            withdrawal = last_withdrawal.get(key)
            return withdrawal is None or verdict.op_id >= withdrawal.op_id  # no withdrawal stamped after it
        if verdict.verdict == "withdraw":
            return last_withdrawal[key] is verdict
        return verdict.verdict == "reject" and latest_change[key] is verdict

    return [verdict for verdict in verdicts if counts(verdict)]


def add_verdict(verdicts: list[Verdict], verdict: Verdict) -> None:
    """Add ``verdict``, stamped after every one of ``verdicts`` (those that count: ``verdicts_that_count``), keeping
    only those that count."""
    key = _verdict_key(verdict)
    taken_back: tuple[str, ...]
    if verdict.verdict == "withdraw":
        taken_back = ("approve", "withdraw")
    elif verdict.verdict == "reject":
        taken_back = ("reject",)
    else:
        taken_back = ()
    if taken_back:
        verdicts[:] = [other for other in verdicts if not (other.verdict in taken_back and _verdict_key(other) == key)]
    verdicts.append(verdict)


def withdrawal_closed(state: str | None) -> str | None:
    """Why no approval of a post whose stored ``state`` is this may be withdrawn (rule ``not_withdrawable``), as "is
    published: its approvals stand", or ``None``.  A published post went out with them: taken back, they would change
    what it reads and nothing of what went out; a pulled one goes out nowhere (its pull undone, it is back with them,
    to withdraw then).  The judge asks it, and the writers before they write a withdrawal or offer its key, so the CLI
    and the app take one in the same states."""
    return {"published": "is published: its approvals stand", "pulled": "is pulled: it does not go out"}.get(state or "")


def verdict_refused(author: MemberFacts, record: Mapping[str, Any], review: PostReview | None, reviewer: Reviewer | None) -> Refusal | None:
    """Why ``author`` may not give the verdict ``record`` (a ``post_approval``: an approval or a request for changes on a
    post's round, see ``postround``) on the post ``review`` describes (``None``: no such post; its verdicts, a batch's
    accepted before this one among them), ``reviewer`` being what decides which steps are theirs; or ``None``.
    The app asks it before it offers a post's approve and request-changes keys."""
    name = _name(author, author.id)
    post = record["post"]
    if review is None:
        return Refusal("unknown_post", f"no post {post[:8]} to review")
    post_named = review.named(post)
    closed = withdrawal_closed(review.state) if record["verdict"] == "withdraw" else None
    if closed is not None:
        return Refusal("not_withdrawable", f"{post_named} {closed}")
    if review.round is None or review.round["id"] != record["round"]:
        return Refusal("stale_round", f"{post_named} is not in that round (it was submitted again, or not at all)")
    if record["hash"] != review.hash or review.round["hash"] != review.hash:
        return Refusal("stale_round", f"the content of {post_named} changed since it was submitted: it needs a new round")
    if moved(review.round, review.campaign, review.platform):
        return Refusal("stale_round", f"{post_named} moved to another campaign or platform since it was submitted: it needs a new round")
    step = next((s for s in review.chain if s.name == record["step"]), None)
    if step is None or not may_take(step, reviewer, review.campaign):
        what = f"step {record['step']!r} is not in the chain" if step is None else f"step {step.name!r} is not {name}'s to take"
        why = ""
        if (
            step is not None
            and reviewer is not None
            and reviewer.access == GUEST
            and may_take(step, replace(reviewer, access=MEMBER), review.campaign)
        ):
            # The step names them (or their group): only the post's campaign keeps it from them, which is what to say.
            where = "in no campaign" if review.campaign is None else "in a campaign not given to them"
            why = f": {name} is a guest, who reviews only the posts of their campaigns, and this one is {where}"
        return Refusal("not_a_reviewer", f"{what} for {post_named}{why}")
    status = evaluate(
        post_round=review.round,
        current_hash=review.hash,
        chain=review.chain,
        verdicts=review.verdicts,
        authors=review.authors,
        reviewers={**review.reviewers, **({author.id: reviewer} if reviewer else {})},
        campaign=review.campaign,
        platform=review.platform,
        members=review.reviewers,
    )
    # Where nobody else may take the step, "another reviewer takes it" sends them looking for one who is not there.
    nobody_else = (
        f", and nobody else may take step {step.name!r}: "
        f"{unblocking(step, review.campaign_slug, guests_left_out(step, review.reviewers, review.campaign))}"
        if review.chain.index(step) in status.untakable
        else ""
    )
    if author.id in review.authors:
        if nobody_else:
            return Refusal("round_author", f"{name} changed the content of {post_named} in this round{nobody_else}")
        return Refusal("round_author", f"{name} changed the content of {post_named} in this round: another reviewer takes it")
    mine = status.step_approved_by(author.id)
    if record["verdict"] == "withdraw" and (mine is None or status.steps[mine].name != step.name):
        return Refusal(
            "not_withdrawable", f"{name} has no approval of step {step.name!r} that counts in this round of {post_named} to withdraw"
        )
    if record["verdict"] == "approve":
        if mine is not None:
            # Where they alone may take this step, and another the one they took, the round is not stuck: it waits on a swap.
            swap = (
                f": {name} can take step {step.name!r} once someone else takes {status.step_words(mine)} "
                "instead (withdraw that approval, and another member approves it)"
                if author.id in status.next_after_swap and status.next_step is not None and status.steps[status.next_step].name == step.name
                else ""
            )
            return Refusal("one_step_per_round", f"{name} approved a step of this round of {post_named} already{nobody_else}{swap}")
        index = status.next_step
        if index is None or status.steps[index].name != step.name:
            # Named by the step, not by whom it waits for: the rules know members by id only.
            waiting = (
                "every step is approved"
                if index is None
                else f"step {index + 1} of {len(status.steps)} ({status.steps[index].name}) is still open"
            )
            return Refusal("step_order", f"{post_named}: steps go in order: {waiting}; {step.name!r} is not the next step")
    return None


def move_refused(
    post_id: str,
    state: str,
    review: PostReview,
    status: RoundStatus,
    crises: Iterable[tuple[str, Mapping[str, Any], str | None]],
    names: Mapping[str, str],
) -> Refusal | None:
    """Why the post ``review`` describes (its round's ``status``) may not be stored as ``state`` (``scheduled`` or
    ``published``), or ``None``: into the scheduler, or out, goes only a post approved in its current round (a
    scheduled post reads scheduled only so) that no crisis of ``crises`` (id, record, when it ended) holds
    (``frozen.holds``) unless it was released from it (``task.resumed_from``).  ``names``: for the round's description
    (``RoundStatus.describe``).
    The app's and the CLI's ``schedule`` and ``publish`` read the same from the post's state (``paused``, ``missed``)."""
    if not status.approved:
        return Refusal(
            "not_publishable",
            f"{review.named(post_id)} cannot be {state}: it is not approved in its current round ({status.describe(names)})",
        )
    facts = {"campaign": review.campaign, "platform": review.platform, "slot": review.slot}
    approved_at = status.approved_at(review.round["at"] if review.round else None)
    for crisis_id, record, ended_at in crises:
        if crisis_id not in review.resumed_from and holds(record, ended_at, facts, approved_at):
            return Refusal(
                "not_publishable",
                f"{review.named(post_id)} cannot be {state}: the crisis “{record.get('reason', '')}” ({crisis_id[:8]}) holds it: resume it first",
            )
    return None


def reversal_refused(author: MemberFacts, entry_id: str, entry: EntryFacts, reversed_by: Callable[[], str | None]) -> Refusal | None:
    """Why ``author`` may not reverse the ledger entry ``entry_id`` (``entry``: its facts; ``reversed_by``: the entry that
    reverses it already, if any, asked last), or ``None``.  Guests reverse nothing, members only their own entries; an
    entry is reversed once, a reversal never (its reversal would count the spend again).  The app asks it before it
    offers to reverse."""
    name = _name(author, author.id)
    if author.access == GUEST:
        return Refusal("guest_read_only", f"{name} is a guest: guests {_GUEST_REFUSED['ledger_entry']}")
    if author.access != MANAGER and entry.entered_by != author.id:
        return Refusal("own_entry_only", f"{name} may reverse only their own entries ({entry_id[:8]} is someone else's)")
    if entry.reverses:
        return Refusal(
            "reverses_reversal",
            f"entry {entry_id[:8]} is itself a reversal (of {entry.reverses[:8]}); to count that spend again, add it anew",
        )
    reversal = reversed_by()
    if reversal is not None:
        return Refusal("reversed_once", f"entry {entry_id[:8]} is already reversed by {reversal[:8]}")
    return None


def mirror_refused(entry_id: str, entry: EntryFacts, record: Mapping[str, Any]) -> Refusal | None:
    """Why ``record`` is no reversal of the ledger entry ``entry_id`` (``entry``: its facts), or ``None``.

    A reversal counts exactly when its entry does (an approval of the entry approves both), and the two net to zero in
    every report (the journal export tags each with its task): so it has the entry's date, campaign, category, payee,
    currency, task and approval, and the opposite amount.
    """
    if entry.mirror is None:
        return None
    expected = {**{name: entry.mirror[name] for name in MIRRORED}, "amount": -entry.mirror["amount"]}
    for name, value in expected.items():
        given = bool(record.get(name)) if name == "needs_approval" else record.get(name)
        if given != value:
            return Refusal(
                "reversal_mirrors",
                f"a reversal of {entry_id[:8]} has its date, campaign, category, payee, currency, task and approval, and the opposite "
                f"amount ({name} {given!r} is not {value!r})",
            )
    return None


def member_add_refused(author: MemberFacts) -> Refusal | None:
    """Why ``author`` may not add a member (only a manager does), or ``None``: an import asks it before it brings the
    members a file names, and before it adds one."""
    if author.access == MANAGER:
        return None
    return Refusal("managers_only", f"only a manager may add members ({_name(author, author.id)} is a {author.access})")


def ways_in_refused(author: MemberFacts, doing: str) -> Refusal | None:
    """Why ``author`` may not make, list or revoke members' ways in (sync tokens, browser sign-in links), or ``None``:
    only a manager does.  ``doing`` says what was asked, as "makes sign-in links"."""
    if author.access == MANAGER:
        return None
    return Refusal("managers_only", f"only a manager {doing} ({_name(author, author.id)} is a {author.access})")


def replica_refused(holder: MemberFacts) -> Refusal | None:
    """Why ``holder`` may hold no replica (a token for one, a sync with one), or ``None``: a guest reads their
    campaigns' posts through the app's server-side sessions only, never a copy of the whole workspace."""
    if holder.access == GUEST:
        return Refusal(
            "guest_read_only",
            "a guest's token holds no replica: a guest signs in to crewdeck web with a link a manager makes "
            "(crewdeck web link @H; a workspace in PostgreSQL is served by crewdeck web COPY --database URL --name W)",
        )
    return None


def commands_refused(author: MemberFacts) -> Refusal | None:
    """Why ``author`` may run no commands over SSH, or ``None``: a guest's session is the app alone, with the
    Approvals view of their campaigns' posts; any command (tasks, export, log) would read the whole workspace."""
    if author.access == GUEST:
        return Refusal(
            "guest_read_only",
            f"{_name(author, author.id)} is a guest: over SSH a guest has the app only (ssh -t), "
            "with the Approvals view of their campaigns' posts",
        )
    return None


def read_refused(reader: MemberFacts, what: str) -> Refusal | None:
    """Why ``reader`` may not read ``what`` (a command's records, "tasks", "the ledger"), or ``None``: the roles table's
    read row, a guest reads their campaigns' posts and their own approvals and nothing else, whatever way they ask."""
    if reader.access == GUEST:
        return Refusal(
            "guest_reads_posts",
            f"{_name(reader, reader.id)} is a guest: guests read their campaigns' posts and their own approvals, not {what}",
        )
    return None


def acting_as_refused(author: MemberFacts) -> Refusal | None:
    """Why ``author`` may not act as another member (``--as`` on a shared host), or ``None``: only a manager may."""
    if author.access == MANAGER:
        return None
    return Refusal("managers_only", f"only a manager may act as another member ({_name(author, author.id)} is a {author.access})")


def member_change_refused(author: MemberFacts, member_id: str, field: str, *, new: bool = False) -> Refusal | None:
    """Why ``author`` may not set ``field`` of the member ``member_id`` (``new``: one the write adds; ``deleted``: removing
    them), or ``None``: only a manager adds, removes or changes other members; a member changes their own name, zone,
    hours, days off and SSH keys, a guest their name and zone.  Commands ask it before they ask anything more."""
    if author.access == MANAGER:
        return None
    name = _name(author, author.id)
    if member_id != author.id or new:
        return Refusal("managers_only", f"only a manager may add or change other members ({name} is a {author.access})")
    allowed = GUEST_PROFILE if author.access == GUEST else OWN_PROFILE
    if field not in allowed:
        own = _and_list([_PROFILE_WORDS.get(f, f) for f in allowed])
        taken = "members" if field == "deleted" else f"their {_PROFILE_WORDS.get(field, field)}"
        verb = "removes" if field == "deleted" else "changes"
        return Refusal("own_profile_only", f"{name} may change only their own {own}; only a manager {verb} {taken}")
    return None


#: A member's fields as the people they belong to call them (``member set``'s options say the same).
_PROFILE_WORDS = {
    "tz": "time zone",
    "hours": "working hours",
    "days_off": "days off",
    "ssh_keys": "SSH keys",
    "unix_user": "Unix user",
    "groups": "approval groups",
}


def _and_list(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def maker_refused(
    member_id: str, row_id: str, field: str, value: str, creating: Mapping[tuple[str, str], Collection[str]]
) -> Refusal | None:
    """Why ``member_id`` may not set the task's ``field`` of ``MAKER_FIELDS`` to ``value`` (JSON text), or ``None``: who
    made a task, and when, is said by the batch that creates it (its maker, the operation's member); set on a stored
    task, it would make the writer the maker of another's task, or move when it was made."""
    if ("task", row_id) not in creating:
        return Refusal(
            "author_field",
            f"task.{field}: task {row_id[:8]} exists already: who made a task, and when, is set by the batch that creates it",
        )
    if field == "created_by" and json.loads(value) != member_id:
        return Refusal("author_field", "task.created_by must be the member who creates the task")
    return None


def guest_write_refused(author: MemberFacts, entity: str) -> Refusal | None:
    """Why ``author`` may not write ``entity`` records as a guest ("guests add no ledger entries"), or ``None``: the
    judge's answer, and a command's before it looks up what it names (``ledger add --campaign autum`` answered "did you
    mean +autumn?", naming a campaign a guest does not read)."""
    if author.access == GUEST:
        return Refusal(
            "guest_read_only", f"{_name(author, author.id)} is a guest: guests {_GUEST_REFUSED.get(entity, f'add no {entity}s')}"
        )
    return None


def managed_refused(author: MemberFacts, member_id: str, entity: str) -> Refusal | None:
    """Why ``author`` may not change ``entity`` records (budgets, rates, campaigns, the workspace: ``MANAGED``), or
    ``None``: a command asks it before it reads the record, so that its answer says nothing of one (``budget rm``)."""
    if author.access != MANAGER:
        return Refusal("managers_only", f"only a manager may change {entity} records ({_name(author, member_id)} is a {author.access})")
    return None


def task_change_refused(author: MemberFacts) -> Refusal | None:
    """Why ``author`` may not create, edit or triage tasks and posts (guests do not; their verdicts on a post are
    ``verdict_refused``'s), or ``None``: the app asks it before it offers a task's or a post's keys."""
    if author.access == GUEST:
        return Refusal("guest_read_only", f"{_name(author, author.id)} is a guest: guests do not change tasks")
    return None


def assignee_refused(assignee: MemberFacts, *, template: bool = False) -> Refusal | None:
    """Why no task may be assigned to ``assignee`` (removed, or a guest: guests see no tasks), or ``None``: imports
    ask it to leave such a task unassigned, and a series' next instance goes to nobody for it.  ``template``: said of
    a series' template (``task.recurrence``), whose next instances would go to them."""
    name = _name(assignee, assignee.id)
    if assignee.deleted:
        if template:
            return Refusal(
                "removed_assignee", f"task.recurrence: the series' next instances would go to {name}, who was removed from this workspace"
            )
        return Refusal("removed_assignee", f"task.assignee: {name} was removed from this workspace")
    if assignee.access == GUEST:
        if template:
            return Refusal(
                "guest_assignee", f"task.recurrence: the series' next instances would go to {name}, who is a guest (guests see no tasks)"
            )
        return Refusal("guest_assignee", f"task.assignee: {name} is a guest: guests see no tasks, so no task is assigned to them")
    return None


def _first_handle_refused(op: Proposal) -> Refusal | None:
    """Why an operation into a workspace with no member yet may not be, or ``None``: only a handle a filter reads as a word."""
    _, _, entity, _, field, value = op
    if entity == "member" and field == "handle" and isinstance(handle := json.loads(value), str) and handle in FILTER_WORDS:
        return filter_word_refusal(handle)
    return None


def filter_word_refusal(handle: str) -> Refusal:
    """Why no member is given ``handle``, one of ``FILTER_WORDS``: a filter's ``@me`` is the reader, not them."""
    return Refusal(
        "filter_word_handle",
        f"member.handle: @{handle} is what filters read as “{FILTER_WORDS[handle]}”, so a member with it could not be "
        "filtered by it: pick another handle (their first name, e.g. @ana)",
    )


def _claim_words(field: str, value: str) -> tuple[str, str]:
    """The rule that keeps what a member holds (``handle``, ``unix_user``, an ``ssh_key``) theirs alone, and how a
    refusal names ``value``: "@raj", "Unix user 'raj'", "the SSH key SHA256:…"."""
    if field == "handle":
        return "unique_handle", f"@{value}"
    if field == "unix_user":
        return "unique_unix_user", f"Unix user {value!r}"
    return "unique_ssh_key", f"the SSH key {fingerprint_of(value.split()[1])}"


def _template_assignee(value: str) -> str | None:
    """Whom a ``task.recurrence`` value (JSON text) gives the series' next instances: its template's assignee, or ``None``."""
    recurrence = json.loads(value)
    template = recurrence.get("template") if isinstance(recurrence, dict) else None
    assignee = template.get("assignee") if isinstance(template, dict) else None
    return assignee if isinstance(assignee, str) else None


def task_open(fields: Mapping[str, Any]) -> bool:
    """Whether a task with these ``status`` and ``deleted`` is open: not done, cancelled or deleted (a status never set
    is the default, inbox)."""
    return fields.get("status") in (None, *OPEN_STATUSES) and not fields.get("deleted")


def _still_held(given: Mapping[str, Any], member_id: str) -> bool:
    """Whether a task assigned to ``member_id`` and open stays so once a batch set ``given`` (its assignee, status, deleted) on it."""
    return given.get("assignee", member_id) == member_id and task_open(given)


def _still_holding(field: str, member: MemberFacts | None, member_id: str, held: Sequence[str]) -> Refusal:
    """The refusal of a change to ``field`` that takes a member off tasks (``OFF_TASKS``) while the open tasks ``held``
    stay assigned to them.  The rules read no task's title: the first five are named by their short ids."""
    count = f"{len(held):,} open task{'s' if len(held) != 1 else ''}"
    shown = ", ".join(task[:8] for task in held[:5]) + (f" and {len(held) - 5:,} more" if len(held) > 5 else "")
    off = OFF_TASKS[field]
    return Refusal(off.rule, f"member.{field}: {_name(member, member_id)} holds {count} ({shown}): {off.why}")


def results_refused(author: MemberFacts) -> Refusal | None:
    """Why ``author`` may not add or import results (guests do not), or ``None``: ``kpi add`` and ``kpi import`` ask it
    before they read what they are given, so a guest hears the rule whatever the file holds (even nothing to write)."""
    if author.access == GUEST:
        return Refusal("guest_read_only", f"{_name(author, author.id)} is a guest: guests add no results")
    return None


def resume_refused(
    author: MemberFacts, released: Iterable[object], before: Collection[str], crisis_open: Callable[[str], bool]
) -> Refusal | None:
    """Why ``author`` may not release a post from the crises ``released`` (``task.resumed_from``, which held ``before``), or ``None``.

    Releasing a post from a crisis still open ends the crisis for that post: a manager's, as the end is.  Members
    resume posts once the crisis has ended.  The app asks it before it offers to resume a post."""
    if author.access == MANAGER:
        return None
    for crisis in released:
        if isinstance(crisis, str) and crisis not in before and crisis_open(crisis):
            return Refusal(
                "managers_only",
                f"only a manager releases a post from a crisis that is still open ({_name(author, author.id)} is a "
                f"{author.access}; crisis {crisis[:8]}): resume it once the crisis has ended",
            )
    return None


def crisis_refused(author: MemberFacts, *, ending: bool = False) -> Refusal | None:
    """Why ``author`` may not start (``ending``: end) a crisis (only managers do), or ``None``: the app asks it before
    it offers the crisis key, the commands before anything else."""
    if author.access == GUEST:
        return Refusal(
            "guest_read_only", f"{_name(author, author.id)} is a guest: guests {_GUEST_REFUSED['crisis_end' if ending else 'crisis']}"
        )
    if author.access != MANAGER:
        return Refusal("managers_only", f"only a manager starts or ends a crisis ({_name(author, author.id)} is a {author.access})")
    return None


def approval_refused(author: MemberFacts, entry_id: str, entry: EntryFacts | None, frozen: Callable[[], bool]) -> Refusal | None:
    """Why ``author`` may not approve the ledger entry ``entry_id`` (``entry``: its facts, ``None`` when there is no such
    entry; ``frozen``: whether a crisis freezes it, asked only of spend that needs no approval), or ``None``: only a
    manager approves, spend that waits for approval or that a crisis froze, never their own entry.  The app asks it
    before it offers to approve."""
    name = _name(author, author.id)
    if author.access == GUEST:
        return Refusal("guest_read_only", f"{name} is a guest: guests {_GUEST_REFUSED['approval']}")
    if author.access != MANAGER:
        return Refusal("managers_only", f"only a manager approves spend ({name} is a {author.access})")
    if entry is None:
        return Refusal("unknown_entry", f"no ledger entry {entry_id[:8]} to approve")
    if entry.reverses:
        # Said so whether or not its entry waits: "it counts when e5b629f9 is approved" read wrong of an approved one.
        return Refusal(
            "not_pending", f"entry {entry_id[:8]} is a reversal: it counts as {entry.reverses[:8]} does, never approved on its own"
        )
    if not entry.needs_approval and not frozen():
        return Refusal("not_pending", f"entry {entry_id[:8]} does not wait for approval (nor is it frozen by a crisis): it already counts")
    if entry.entered_by == author.id:
        return Refusal("self_approval", f"{name} entered {entry_id[:8]}: another manager must approve it")
    if entry.acted_by == author.id:
        return Refusal("self_approval", f"{name} entered {entry_id[:8]} acting as another member: another manager must approve it")
    return None


def acting_verdict_refused(
    actor_id: str,
    actor: MemberFacts | None,
    author: MemberFacts,
    record: Mapping[str, Any],
    review: PostReview,
) -> Refusal | None:
    """Why the manager ``actor_id`` (``actor``: their facts), acting as ``author`` (``--as``), may not give the verdict
    ``record`` that ``verdict_refused`` lets ``author`` give, or ``None``: they are still who they are, so no author of
    the round reviews it, and one person approves one step of it, whoever they act as.  The app asks it too, before
    it offers a post's verdict keys to a session acting as another member."""
    post = record["post"]
    who = f"{_name(actor, actor_id)} (acting as {_name(author, author.id)})"
    if actor_id in review.authors:
        return Refusal("round_author", f"{who} changed the content of {review.named(post)} in this round: another reviewer takes it")
    # Standing: an approval they withdrew since is theirs to give again.
    mine = (v for v in standing(review.verdicts) if v.by == actor_id and v.round == record["round"])
    if record["verdict"] == "approve" and any(v.hash == review.hash for v in mine):
        return Refusal("one_step_per_round", f"{who} approved a step of this round of {review.named(post)} already")
    return None


def acting_approval_refused(
    actor_id: str, actor: MemberFacts | None, author: MemberFacts, entry_id: str, entry: EntryFacts | None
) -> Refusal | None:
    """Why the manager ``actor_id`` (``actor``: their facts), acting as another manager ``author`` (``--as``), may not
    approve the ledger entry ``entry_id`` that ``approval_refused`` lets ``author`` approve, or ``None``: spend they
    entered themselves, or acting as anyone (``entry.acted_by``), is their own still.  The app asks it too, before it
    offers to approve."""
    if entry is None or actor_id not in (entry.entered_by, entry.acted_by):
        return None
    name = _name(actor, actor_id)
    return Refusal("self_approval", f"{name} entered {entry_id[:8]}: acting as {_name(author, author.id)}, another manager must approve it")


def _holds(member: MemberFacts, field: str, value: str) -> bool:
    return value in member.ssh_keys if field == "ssh_key" else bool(getattr(member, field) == value)


def unknown_platforms(named: Iterable[str], in_use: Iterable[str]) -> list[str]:
    """The platforms of ``named`` that are neither one crewdeck knows (the copy limits' table) nor one of ``in_use`` (the
    campaigns' and posts' here), whatever the case of either, as a crisis holds posts (``frozen.in_platforms``)."""
    known = {platform.lower() for platform in (*LIMITS, *in_use)}
    return [platform for platform in named if platform.lower() not in known]


def _platforms_given(ops: Sequence[Proposal]) -> set[str]:
    """The platforms a batch gives campaigns (``platforms``) and tasks (``platform``)."""
    given: set[str] = set()
    for _, kind, entity, _, field, value in ops:
        if kind == APPEND or (entity, field) not in (("campaign", "platforms"), ("task", "platform")):
            continue
        decoded = json.loads(value)
        items = decoded if isinstance(decoded, list) else [decoded]
        given.update(item for item in items if isinstance(item, str))
    return given


def _days_outside(kind: str, entity: str, field: str, value: str) -> Refusal | None:
    """A date or instant outside the days people use, in a field (or an appended record) that holds days."""
    spec = ENTITIES.get(entity)
    if spec is None or not spec.day_fields or (kind != APPEND and field not in spec.day_fields):
        return None
    outside = days_text_out_of_range(value)
    if outside is None:
        return None
    return Refusal(
        "out_of_range",
        f"{entity}.{field if kind != APPEND else 'date'}: {outside} is out of range: dates run from {FIRST_DAY} to {LAST_DAY}",
    )


def _runs_not_own(ops: Sequence[Proposal], stamps: Sequence[str] | None, preset: Sequence[Refusal | None] | None) -> dict[int, Refusal]:
    """The import runs (``import_run``) of ``ops`` that claim operations other than their writer's own, by index: a run
    names operations of the node that writes it, stamped before the record (``lastimport`` counts them as the import's,
    and a newer export of the source changes what they wrote).  With no stamps to read, every run is refused."""
    refused: dict[int, Refusal] = {}
    for index, (_, kind, entity, _, _, value) in enumerate(ops):
        if kind != APPEND or entity != "import_run" or (preset and preset[index]):
            continue
        record = json.loads(value)
        first, last = record.get("first_op"), record.get("last_op")
        if not isinstance(first, str) or not isinstance(last, str):
            continue  # incomplete: refused as such
        if stamps is None:
            refused[index] = Refusal("own_run", "import_run: written without its own stamp, it names no operations of its writer")
            continue
        node = Stamp.parse(stamps[index]).node
        try:
            named = {Stamp.parse(first).node, Stamp.parse(last).node}
        except ValueError:
            continue  # not a stamp: refused as such
        if named != {node} or not first <= last < stamps[index]:
            refused[index] = Refusal(
                "own_run", f"import_run: {first} to {last} are not operations its writer made before it (node {node}, {stamps[index]})"
            )
    return refused


def _dated_ahead(ops: Sequence[Proposal], stamps: Sequence[str] | None, preset: Sequence[Refusal | None] | None) -> dict[int, Refusal]:
    """The verdicts (``post_approval.approved_at``) and submissions (``task.post_round``'s ``at``) of ``ops`` dated after
    they were made, by index: after their stamp (``stamps``, a push's), or now (a local write's), by more than the clock
    drift allowed.  An honest writer dates them by the clock its stamps never fall behind.

    A crisis that has ended holds the posts approved before its end (``frozen.holds``): dated later, a post approved
    while the crisis held it would be out of it."""
    dated: dict[int, Refusal] = {}
    now: int | None = None
    for index, (_, kind, entity, _, field, value) in enumerate(ops):
        if preset and preset[index]:
            continue  # its value could not be read
        if kind == APPEND and entity == "post_approval":
            record = json.loads(value)
            at = record.get("approved_at") if isinstance(record, dict) else None
            where = "post_approval.approved_at: {at} is after"
        elif entity == "task" and field == "post_round" and kind != APPEND:
            submitted = json.loads(value)
            at = submitted.get("at") if isinstance(submitted, dict) else None
            where = "task.post_round: submitted at {at}, after"
        else:
            continue
        if not isinstance(at, str):
            continue
        if stamps is not None:
            made = Stamp.parse(stamps[index]).ms
        else:
            now = wall_ms() if now is None else now
            made = now
        if at > _instant_text(made + MAX_DRIFT_MS):
            dated[index] = Refusal(
                "dated_ahead",
                f"{where.format(at=at)} the operation was made ({_instant_text(made)}): it is dated by the clock it was made by",
            )
    return dated


def _instant_text(ms: int) -> str:
    """A UTC instant as stored (``records.utc_instant``), to the second: comparable as text with the instants records hold."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_references(record: Mapping[str, Any]) -> list[Reference]:
    """The records a ledger entry names: its campaign, and its task if it has one."""
    named = [Reference("campaign", record["campaign"], "ledger_entry.campaign", "unknown_campaign")]
    task = record.get("task")
    return [*named, Reference("task", task, "ledger_entry.task", "unknown_task")] if task else named


def _campaign_references(entity: str, value: str) -> list[Reference]:
    """The campaign a task or a budget is put in (``value``: its JSON text; none for a task out of every campaign)."""
    # A task of a made-up campaign would leave every campaign's approval chain and crisis hold.
    campaign = json.loads(value)
    return [Reference("campaign", campaign, f"{entity}.campaign", "unknown_campaign")] if isinstance(campaign, str) else []


def _template_references(value: str) -> list[Reference]:
    """The campaign a series' template (``task.recurrence``, as JSON text) puts its next instances in: the instance made
    when one is closed would name it, and be refused if there were none."""
    recurrence = json.loads(value)
    template = recurrence.get("template") if isinstance(recurrence, dict) else None
    campaign = template.get("campaign") if isinstance(template, dict) else None
    return (
        [Reference("campaign", campaign, "task.recurrence (the series' template)", "unknown_campaign")] if isinstance(campaign, str) else []
    )


def _crisis_references(record: Mapping[str, Any]) -> list[Reference]:
    """The campaigns a crisis holds (none named: all): a crisis of made-up ones would say it held what it does not."""
    return [Reference("campaign", campaign, "crisis.campaigns", "unknown_campaign") for campaign in record.get("campaigns") or ()]


def _result_references(key: Mapping[str, Any]) -> list[Reference]:
    """The record a result's id names (``records.result_key``): a post's results name its task, a campaign's results the campaign."""
    if key.get("post"):
        return [Reference("task", key["post"], "result.post", "unknown_post")]
    if key.get("campaign"):
        return [Reference("campaign", key["campaign"], "result.campaign", "unknown_campaign")]
    return []


def _moves_a_post(ops: Sequence[Proposal], creating: Mapping[tuple[str, str], Collection[str]]) -> bool:
    """Whether the batch sets a stored post's state to scheduled or published (``not_publishable`` is asked), or a stored
    task's slot (``held_slot``)."""
    return any(
        ((op[4] == "post_state" and op[5] in GOING_OUT) or op[4] == "publish") and op[2] == "task" and ("task", op[3]) not in creating
        for op in ops
    )


def _submits_a_post(ops: Sequence[Proposal]) -> bool:
    """Whether the batch submits a post (``round_hash`` is asked, and the content the batch sets is kept)."""
    return any(op[4] == "post_round" and op[2] == "task" for op in ops)


#: The (kind, entity) of the operations ``Judge._judge_results`` judges.
_RESULTS_AND_ENTRIES = frozenset({(SET, "result"), (APPEND, "ledger_entry")})


def _not_a_result_id(row_id: str) -> Refusal:
    return Refusal("invalid_value", f"{row_id!r} is not a result id (result:post|campaign|followers:...:DAY)")


def _result_key_refused(row_id: str, key: Mapping[str, Any], field: str, value: Any) -> Refusal | None:
    """A key field (``field`` of ``key``) given another value than the result's id names, or ``None``."""
    if value == key[field]:
        return None
    return Refusal("result_key", f"result.{field}: {value!r} is not what the id {row_id} names ({key[field]!r})")


def _result_field_refused(kind: str, field: str) -> Refusal | None:
    """A count in a followers result, or followers in a post's or campaign's (``result_key``), or ``None``."""
    counts_followers = kind == "followers"
    if (field == "followers") != counts_followers and (field in RESULT_COUNTS or field in ("followers", "conversion_value")):
        what = "followers only" if counts_followers else "a post's or campaign's counts, not followers"
        return Refusal("result_key", f"result.{field}: a {kind} result holds {what}")
    return None


def _result_id_refused(row_id: str, key: Mapping[str, Any]) -> Refusal | None:
    """An id naming a key no result holds (a post that is no record id, a day that is no date or out of range), or
    ``None``: the id gives its record these fields (``Entity.from_id``), so they are judged as a write of them is."""
    for name, value in key.items():
        if value is None:
            continue
        problem = _key_value_problem(name, value)
        if problem is not None:
            return Refusal("invalid_value", f"{row_id!r} is not a result id: {problem}")
    outside = _day_outside(key["day"])
    if outside is not None:
        return Refusal("out_of_range", f"result.day: {outside} is out of range: dates run from {FIRST_DAY} to {LAST_DAY}")
    return None


@lru_cache(maxsize=4096)
def _key_value_problem(name: str, value: str) -> str | None:
    """Why a result id's key field ``name`` cannot be ``value`` (``RESULT.check``'s words), or ``None``.  The check
    depends on the two alone: an import's 100,000 ids share a few hundred campaigns and days, each checked once."""
    try:
        RESULT.check(name, value)
    except ValidationError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=4096)
def _day_outside(day: str) -> str | None:
    """``day_out_of_range`` of a result id's day, asked once per day an import's ids name."""
    return day_out_of_range(day)


def _only_results_and_entries(ops: Sequence[Proposal]) -> bool:
    """Whether every operation sets a result's field or adds a ledger entry (``Judge._judge_results``)."""
    return bool(ops) and set(map(_SHAPE, ops)) <= _RESULTS_AND_ENTRIES


def _only_task_sets(shapes: Collection[tuple[str, str]]) -> bool:
    """Whether the batch of these (kind, entity) only sets tasks' fields (``Judge._judge_task_sets``)."""
    return all(entity == "task" and kind != APPEND for kind, entity in shapes)


#: A proposal's parts, taken in C (``map``) where a pass over a batch reads one of them.
_AUTHOR = itemgetter(0)
_FIELD = itemgetter(4)
_VALUE = itemgetter(5)
#: Its (kind, entity).
_SHAPE = itemgetter(1, 2)


#: What the id of a record keyed by what it holds names, and how it is written (``records.budget_id``, ``records.rate_id``).
_KEYS = {"budget": ("campaign", "category", "period"), "rate": ("date", "base", "quote")}
_KEY_SHAPES = {"budget": "budget:CAMPAIGN:CATEGORY:PERIOD", "rate": "rate:DATE:BASEQUOTE"}


def _keyed_refused(entity: str, row_id: str, field: str, value: str) -> Refusal | None:
    """A budget's campaign, category and period, and a rate's day and currencies, are the ones its id names, as
    ``budget set`` and ``rate set`` give them (and a rate's two currencies differ): two replicas setting one budget
    converge on one record, where one of another's id would be a second budget of the same spend, counted twice."""
    parts = row_id.split(":")[1:]
    if entity == "rate" and len(parts) == 2:
        parts = [parts[0], parts[1][:3], parts[1][3:]]
    if len(parts) != 3 or not all(parts):
        return Refusal("record_key", f"{row_id!r} is not a {entity} id ({_KEY_SHAPES[entity]})")
    key = dict(zip(_KEYS[entity], parts))
    if entity == "rate" and key["base"] == key["quote"]:
        return Refusal("record_key", f"{row_id}: a rate needs two different currencies")
    if field in key and json.loads(value) != key[field]:
        return Refusal("record_key", f"{entity}.{field}: {json.loads(value)!r} is not what the id {row_id} names ({key[field]!r})")
    return None


def _incomplete(key: tuple[str, str], given: Collection[str]) -> Refusal | None:
    entity, row_id = key
    if entity not in ENTITIES:
        return None  # no such record: a pushed operation on it is refused as unreadable (``oplog.from_wire_pushed``)
    spec = ENTITIES[entity]
    missing = [name for name in required_fields(entity) if name not in given]
    if missing and spec.from_id is not None:  # what the id gives (a result's kind and day) is no field the batch need set
        given_by_id = spec.given_by_id(row_id)
        if not given_by_id:  # an id that gives nothing is what is wrong, not the fields it would have given
            return _not_a_result_id(row_id)
        missing = [name for name in missing if name not in given_by_id]
    if not missing:  # nearly every record a batch creates
        return None
    # A random id is named by its first characters, as everywhere; an id made of what its record holds (a budget's,
    # a result's) only whole: its first eight say "result:p".
    named = row_id[:8] if _RANDOM_ID.match(row_id) else row_id
    return Refusal("incomplete_record", f"{entity} {named} is created without {', '.join(missing)}")


def entry_facts(record: Mapping[str, Any]) -> EntryFacts:
    """The facts of a ledger entry's record (as appended)."""
    needs_approval = bool(record.get("needs_approval"))
    mirror = {**{name: record.get(name) for name in MIRRORED}, "needs_approval": needs_approval, "amount": record["amount"]}
    return EntryFacts(record["entered_by"], needs_approval, record.get("reverses"), mirror)


def _members_refused(
    ops: Sequence[Proposal],
    verdicts: Sequence[Refusal | None],
    creating: Mapping[tuple[str, str], Collection[str]],
    preset: Sequence[Refusal | None] | None,
) -> dict[str, Refusal]:
    """Member id -> why: the members the batch adds and whose addition it refuses, that it judged as added (not refused
    before it was judged: ``preset``)."""
    return {
        op[3]: verdict
        for index, (op, verdict) in enumerate(zip(ops, verdicts))
        if verdict is not None and op[2] == "member" and ("member", op[3]) in creating and not (preset and preset[index])
    }


def _refused_member_named(labels: Mapping[tuple[str, str], str], member_id: str) -> str:
    """A member the batch adds, as a refusal names them: “member raj (1a2b3c4d)”."""
    label = labels.get(("member", member_id))
    return f"member {label} ({member_id[:8]})" if label else f"member {member_id[:8]}"


def _creations_whole(
    ops: Sequence[Proposal], verdicts: list[Refusal | None], creating: Mapping[tuple[str, str], Collection[str]]
) -> list[Refusal | None]:
    """``verdicts`` with a record's creation batch standing or falling as a whole: each operation of a record created
    here takes the first refusal of any of them."""
    failed: dict[tuple[str, str], Refusal] = {}
    for op, verdict in zip(ops, verdicts):
        if verdict is not None and (op[2], op[3]) in creating:
            failed.setdefault((op[2], op[3]), verdict)
    if not failed:
        return verdicts
    return [failed.get((op[2], op[3]), verdict) for op, verdict in zip(ops, verdicts)]


def judge(ops: Sequence[Proposal], state: RuleState, *, local: bool) -> list[Refusal | None]:
    return Judge(state, local=local).judge(ops)


def judge_push(ops: Sequence[Op], state: RuleState, invalid: Mapping[str, str]) -> list[Refusal | None]:
    """Verdicts on pushed operations; ``invalid``: op_id -> why its value could not be read."""
    preset = [Refusal("invalid_value", invalid[op.op_id]) if op.op_id in invalid else None for op in ops] if invalid else None
    return Judge(state, local=False).judge([proposal(op) for op in ops], preset, stamps=[op.op_id for op in ops], pushed=ops)


#: What a move of a post's state writes with it (``writing.published_fields``, ``pulled_fields``): the task's status the state
#: stands for, and when and where it went out.
MOVE_OUTCOME_FIELDS = frozenset({"status", "published_at", "live_url"})


def _taken_with_their_move(ops: Sequence[Op], verdicts: Sequence[Refusal | None]) -> dict[int, Refusal]:
    """By index, each operation ``verdicts`` accepts that a refused move of a post's state wrote with it
    (``MOVE_OUTCOME_FIELDS``), with the move's refusal: a publish refused for a crisis its replica had not heard of left
    the held post done, with a live URL and a time it went out.  Content set in the same write stands: it is the post's
    to change whatever its state."""
    moves = {write_key(op): verdict for op, verdict in zip(ops, verdicts, strict=True) if verdict is not None and _moves_a_post_state(op)}
    if not moves:
        return {}
    return {
        index: moves[write]
        for index, (op, verdict) in enumerate(zip(ops, verdicts, strict=True))
        if verdict is None and op.entity == "task" and op.field in MOVE_OUTCOME_FIELDS and (write := write_key(op)) in moves
    }


def _moves_a_post_state(op: Op) -> bool:
    return op.entity == "task" and op.field == "post_state"


def proposal(op: Op) -> Proposal:
    return (op.member, op.kind, op.entity, op.row_id, op.field, op.value)


def refuse_write(
    ops: Sequence[Proposal],
    state: RuleState,
    rows: Mapping[tuple[str, str], Collection[str]] | None = None,
    appended: Mapping[str, Any] | None = None,
    made: Sequence[str] | None = None,
) -> None:
    """Judge a local write; ``Refused`` (the first refusal) when any operation is refused.

    ``rows``: the fields the write sets on each record, ``appended``: the records it appends, by
    their JSON text (both save work over a big import).  ``made``: the stamps the write's operations
    take (an import's run names its own).
    """
    verdicts = Judge(state, local=True, appended=appended).judge(ops, rows=rows, made=made)
    if any(verdicts):  # read in C: nearly every write's are all ``None``
        raise Refused(next(verdict for verdict in verdicts if verdict is not None))


def removed_members(ops: Iterable[Proposal]) -> list[str]:
    """Members these operations remove: their tokens die in the same transaction."""
    return [op[3] for op in ops if op[2] == "member" and op[4] == "deleted" and op[5] == "true"]
