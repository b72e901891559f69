"""Importing into a workspace that already has data: the one merge every importer uses.

An importer reads its file into a ``Source``: the members the file names
(``SourceMember``) and its records as an ``exchange.Plan`` (each checked
with ``exchange.add_checked``), with ids that stay the same from one import
of the file to the next (the source's own ids, or ``stable_id`` of them).

``plan_merge`` matches members by handle and records by id (campaigns also
by name), and sorts the records into new, changed and already here;
``write_merge`` writes what is new or changed in one transaction as the
importing member, judged by the rules like every local write.  A second
import of the same file finds everything here and writes nothing.

Who entered a record in the source is not who writes it here: author
fields (``created_by``, ``entered_by``) name the importing member, and the
source's author becomes a line of text ("imported: entered by @raj
2026-03-02") in the record's notes or memo.  What cannot be reconciled
(a member who cannot be added, an id that is another kind of record here,
a ledger entry that differs from the one here, an approval) refuses the
whole import, naming the record.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.sync.state.ids import short
from crewdeck.sync.state.postround import CONTENT_FIELDS, content_hash
from crewdeck.sync.state.records import (
    BOOKKEEPING,
    ENTITIES,
    FILTER_WORDS,
    MEMBER,
    ValidationError,
    budget_id,
    canonical_json,
    result_id,
    result_key,
)
from crewdeck.sync.state.records import handle as valid_handle
from crewdeck.sync.state.rules import (
    AUTHOR_FIELDS,
    GUEST,
    Judge,
    Refused,
    control_character,
    filter_word_refusal,
    member_add_refused,
)
from crewdeck.sync.state.rules import MEMBER as MEMBER_ACCESS
from crewdeck.sync.state.writes import PendingWrites
from crewdeck.tui.workspace import words
from crewdeck.tui.workspace.errors import summary
from crewdeck.tui.workspace.exchange import ImportProblems, Plan, all_printable, every_text
from crewdeck.tui.workspace.unassigned import A_MANAGER_ADDS_THEM, ZONE_ADDS_THEM, not_members_here
from crewdeck.tui.workspace.workspace import Member, Workspace, campaign_key, campaign_keys, campaign_slug

#: How the text that credits a record's source author begins.
CREDIT = "imported: entered by"
#: Where each kind of record keeps the credit, and what joins it to the text before it.
CREDIT_FIELDS = {"task": ("notes", "\n"), "ledger_entry": ("memo", " · ")}
#: When the source's author made the record: kept, and its day named in the credit.
AUTHORED_AT = {"task": "created_at", "ledger_entry": "entered_at", "approval": "approved_at"}
#: Fields that name another record: (entity, field) -> the entity named.
REFERENCES = {
    ("task", "assignee"): "member",
    ("task", "campaign"): "campaign",
    ("ledger_entry", "campaign"): "campaign",
    ("budget", "campaign"): "campaign",
    ("result", "campaign"): "campaign",
}
#: The same, per entity: (field, entity named).
_REFERENCES_OF = {owner: [(f, target) for (o, f), target in REFERENCES.items() if o == owner] for owner, _ in REFERENCES}
#: Member fields a member added by an import may bring; never a Unix user, access only as ``added_access`` lets it, and
#: a guest's campaigns only as they are here (``_Merger._guest_campaigns``).
MEMBER_EXTRAS = ("role", "hours", "days_off")
#: Record kinds in the order of their words in a summary.
NOUNS = {
    "task": "task",
    "member": "member",
    "campaign": "campaign",
    "budget": "budget",
    "rate": "rate",
    "ledger_entry": "ledger entry",
    "approval": "approval",
}


def stable_id(namespace: str, *parts: str) -> str:
    """A record id made from a source's own ids: the same source record gets the same id on every import."""
    return hashlib.sha256("\x1f".join((namespace, *parts)).encode()).hexdigest()[:32]


def counted(count: int, entity: str) -> str:
    """``count`` records of ``entity`` in words ("1 ledger entry", "3 tasks")."""
    return words.counted(count, NOUNS.get(entity, entity))


@dataclass(frozen=True)
class SourceMember:
    """A member a file names.

    ``key``: how the file's records name the member (its id there, or its
    handle).  ``defined``: the file holds the member's record, so one that
    cannot be matched or added refuses the import; otherwise the member is
    only named (an assignee) and references to them are dropped and listed.
    """

    key: str
    handle: str
    where: str
    name: str | None = None
    tz: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    defined: bool = True
    #: What the file calls the member's fields (``{"name": "fullName"}``): a problem names the one to fix there.
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Source:
    """What an importer read: ``records`` name members by ``SourceMember.key`` (or by their id here).

    ``plan_merge`` takes the records' values over: it maps them in place.
    """

    name: str
    members: list[SourceMember]
    records: Plan
    #: record id -> how messages name it (default: "FILE: ENTITY ID").
    where: dict[str, str] = field(default_factory=dict)
    #: record id -> how the summary names it where that is not its ``where``: a CSV's row is "FILE:3" in its problems, as
    #: an editor goes to it, and "FILE: row 3 (“Write brief”, task 1203)" among the records kept as changed here.
    named: dict[str, str] = field(default_factory=dict)
    #: record id -> (author's handle, day) when the author is not in an author field.
    credits: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    #: The importer's own remarks for the summary ("1 recurrence kept as a note: …").
    notes: list[str] = field(default_factory=list)
    #: What the file calls a record's id, for its problems (an Asana CSV: "Task ID").
    id_field: str = "id"
    #: entity -> the fields a record of the file leaves out when they are empty in the source, and their empty value
    #: here: a record here that has one the file's record leaves out was emptied in the source since (a Trello card's
    #: due date taken off, an Asana task unassigned), and takes it, as any other change, unless changed here since.
    #: (A crewdeck export writes every field: none.)
    emptied: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: ``(record id, fields the file changes) -> those changed here since the last import``: they
    #: keep their value here (a local edit wins).  ``None``: the file's values win (``lastimport.Guard``).
    edited_here: Callable[[str, list[str]], list[str]] | None = None
    #: The keys of the members the file only names whom the merge could neither match nor add: the records naming
    #: them go in without them.  Known once the members are merged, before the first batch of records is read.
    left_out: set[str] = field(default_factory=set)
    #: A task holding a part of another's notes (``tui.tasks.notesparts``: "TITLE (notes 2/N)") -> that task's id: not
    #: written when the merge leaves that task as it is here (``notes_left_alone``), nor changed when here (its first
    #: part is not the file's).
    continues: dict[str, str] = field(default_factory=dict)
    #: The tasks whose notes the merge leaves as they are here, kept as a local edit or the task removed here: none of
    #: the tasks their notes go on in (``continues``) is written.  Filled as the batches are merged, each task before its
    #: parts; the importer's remarks, made once the last batch is merged, name none of them among those whose notes go on.
    notes_left_alone: set[str] = field(default_factory=set)
    #: Tasks an earlier import wrote that the file takes away: the parts of notes shorter now (``continues`` names their
    #: first task).  Removed, unless changed here since (kept, listed) or their first task's notes are kept here; one
    #: wanted again (the notes grew) is brought back, as the import removed it and nobody here did.
    taken_away: set[str] = field(default_factory=set)
    #: ``post id -> whether its publish here was an import's of the source`` (``lastimport.Guard.wrote``), asked of a post
    #: published here that the file's is not: an import's publish the file takes back, a member's here stays.  ``None``: a
    #: source whose imports are remembered says so through ``edited_here``, which keeps a member's ``post_state``.
    publish_imported: Callable[[str], bool] | None = None
    #: Every record of the batch went through ``exchange.add_checked`` with the file's fields, which refuses a control
    #: character in it: a record created as the file gives it is not looked into for one again (a credit added here is).
    controls_judged: bool = False

    def where_of(self, entity: str, row_id: str) -> str:
        return self.where.get(row_id) or f"{self.name}: {entity} {row_id[:12]}"


#: Said of a post the file submits that stays unsubmitted here (``_keeps_unsubmitted``).
UNSUBMITTED = "not submitted from the file, whose round is of other content: submit it here"


def _keeps_unsubmitted(current: Mapping[str, Any], changes: dict[str, Any]) -> bool:
    """Whether a post the file submits stays as it is here (its round, state and status, taken out of ``changes``): its
    content here, kept as a local edit or never in the file (a link given here), is not what the file's round is of.  A
    round is of the content the post has (rule ``round_hash``), which would refuse the whole import."""
    submitted = changes.get("post_round")
    if not isinstance(submitted, dict):
        return False
    after = {**current, **changes}
    content = (after.get("copy") or "", after.get("link") or "", after.get("media") or [], after.get("first_comment") or "")
    if submitted["hash"] == content_hash(*content):
        return False
    for name in ("post_round", "post_state", "status"):
        changes.pop(name, None)
    return True


#: What a post's publish is, besides its content: left as it is here with the content (``_keeps_what_went_out``).  The
#: slot is what went out too: ``set ID publish=...`` refuses to move a published post.
PUBLISH_FIELDS = ("post_state", "post_round", "publish", "live_url", "published_at")
#: What only a publish writes on a post (``posts.writing.published_fields``): emptied when the file takes it back.
PUBLISH_ONLY = ("live_url", "published_at")
#: The task status a publish writes (``posts.writing``): left with the state it follows from.
PUBLISHED_STATUS = "done"
#: A post's fields as ``post show`` names them, in the summary's line of what went out.
FIELD_WORDS = {
    "first_comment": "first comment",
    "post_state": "state",
    "post_round": "round",
    "publish": "slot",
    "live_url": "live url",
    "published_at": "published at",
}


def _keeps_what_went_out(
    current: Mapping[str, Any], changes: dict[str, Any], publish_imported: Callable[[], bool], unset: Callable[[], Mapping[str, Any]]
) -> list[str]:
    """The fields of a post published here that the file would change and that stay as they are (taken out of
    ``changes``): what went out, its content and the round, slot, link and time it went out with, changes no more (rule
    ``published_content``), which refused the whole import; and the task's status, where the state it follows from
    stays.  A file whose post is not published takes the publish back when an import of its source wrote it here
    (``publish_imported``), as its source took it back, content and all (the rules judge one write's fields together),
    with the publish's fields the file leaves at their empty value (``unset``: a crewdeck export writes no field at its
    default); a publish made here, by a member, stays."""
    if current.get("post_state") != "published":
        return []
    if changes.get("post_state", "published") != "published" and publish_imported():
        for name, empty in unset().items():
            if current.get(name) != empty:
                changes.setdefault(name, empty)
        return []
    left = [name for name in (*CONTENT_FIELDS, *PUBLISH_FIELDS) if name in changes]
    if "post_state" in left and "status" in changes and current.get("status") == PUBLISHED_STATUS:
        left.append("status")
    for name in left:
        del changes[name]
    return left


#: How a publish the file takes back comes back: that of a post approved in a round here.
UNDO_BRINGS_IT_BACK = "crewdeck undo brings it back"
#: The same, of a post no round here approved (recorded published by an import).
APPROVAL_BRINGS_IT_BACK = "never approved here, it goes out again once its chain approves it"
#: Why a member the file names is not added, when a zone is all it lacks.
NO_ZONE = "not a member here, and the file gives no time zone to add them with: give --default-tz ZONE"
#: Why a person the file only names (an assignee) is not added by a member's import (``rules.member_add_refused``).
FOR_A_MANAGER = "not a member here, and only a manager's import adds members"
#: Why a person the file only names, by a handle the filters read as a word (``@me``), is not added (``filter_word_handle``).
FILTER_WORD = "a handle the filters read as a word, which no member may have"
#: Why a member the file names, whom a person removed from this workspace, is not added again.
REMOVED_FROM_HERE = "was removed from this workspace; add them back first (crewdeck member add), or take them out of the file"
#: The same, said of the people the file only names (assignees), in the line of those left unassigned.
REMOVED_HERE = "removed from this workspace: crewdeck member add brings them back"


@dataclass
class Merge:
    """What an import adds and changes here, and what it found already here."""

    #: ``(entity, id, values)`` to write, in order: members, then records.
    writes: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    created: dict[str, list[str]] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    #: Records (tasks, campaigns) an earlier import of the source removed, or an undo of it, which the file holds again:
    #: entity -> how many.
    brought_back: dict[str, int] = field(default_factory=dict)
    #: Members an undo of an import of the source removed, whom the file names again: ``@handle``.
    members_back: list[str] = field(default_factory=list)
    removed_here: int = 0
    #: The tasks the file's notes of the tasks removed here go on in (``Source.continues``): not written either.
    removed_parts: int = 0
    #: The tasks removed as the file takes them away (``Source.taken_away``).
    taken_away: int = 0
    unassigned: set[str] = field(default_factory=set)
    #: Handles left unassigned whom this import could add (a manager's), given the zone the file does not say.
    unzoned: set[str] = field(default_factory=set)
    #: Handles left unassigned whom only a manager's import adds (``rules.member_add_refused``): this one is a member's.
    for_a_manager: set[str] = field(default_factory=set)
    #: Handles left unassigned that the filters read as words (``@me``): no member is given one (``FILTER_WORD``).
    filter_words: set[str] = field(default_factory=set)
    #: Handles left unassigned whom a person removed from this workspace (``REMOVED_HERE``).
    removed_members: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    #: record id -> how messages name it.
    where: dict[str, str] = field(default_factory=dict)
    #: "where: field, field": fields changed here since the last import, kept over the file's values.
    kept: list[str] = field(default_factory=list)
    #: "where: field, field": fields of a post published here that the file would change, left as they went out.
    went_out: list[str] = field(default_factory=list)
    #: "where (live url, published at emptied)": posts published here by an import whose publish the file takes back, as
    #: its post is not published.  An export holds no time its records changed: one made before the publish reads the
    #: same as one whose source took the publish back, so each is said, and ``crewdeck undo`` brings it back.
    taken_back: list[str] = field(default_factory=list)
    #: The same, of posts no round here approved (an import recorded them published, gone out before crewdeck): undo
    #: would move them back into published, which only an approval lets (rule ``not_publishable``).
    taken_back_unapproved: list[str] = field(default_factory=list)
    #: Writes made (or planned, in a dry run) and no longer held in ``writes`` (``merge_stream``).
    written: int = 0
    #: The file gave no record at all (``merge_stream``: a CSV of its header alone, an empty list of tasks).
    no_records: bool = False
    #: A guest the merge adds -> the campaigns the file gives them that are not here after it, named (``_Merger._guest_campaigns``).
    guest_campaigns_left_out: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changes_nothing(self) -> bool:
        return not self.writes and not self.written

    def __str__(self) -> str:
        return self.said()

    def said(self, *, planned: bool = False) -> str:
        """What the import did; ``planned``: what it would do (``--dry-run``: "dry run, nothing written: would import 4
        tasks")."""
        imported, updated = ("would import", "would update") if planned else ("imported", "updated")
        parts = []
        if not self.changes_nothing:
            kinds = [*NOUNS, *(e for e in ENTITIES if e not in NOUNS)]
            made = [f"{counted(len(names), e)}{_named(e, names)}" for e in kinds if (names := self.created.get(e))]
            changed = [counted(n, e) for e in kinds if (n := self.updated.get(e))]
            said = [f"{imported} {', '.join(made)}"] if made else []
            if changed:
                said.append(f"{updated} {', '.join(changed)}")
            if self.brought_back:
                back = "would bring back" if planned else "brought back"
                back_again = " and ".join(counted(n, e) for e in kinds if (n := self.brought_back.get(e)))
                said.append(f"{back} {back_again} an earlier import of the file, or its undo, removed")
            if self.members_back:
                back = "would bring back" if planned else "brought back"
                said.append(
                    f"{back} {counted(len(self.members_back), 'member')} the undo of an import removed ({', '.join(sorted(self.members_back))})"
                )
            if self.taken_away:
                removed = "would remove" if planned else "removed"
                said.append(f"{removed} {counted(self.taken_away, 'task')} the notes no longer go on in (shorter in the file)")
            if self.unchanged:
                said.append(f"{self.unchanged:,} {'record' if self.unchanged == 1 else 'records'} already here")
            parts.append("; ".join(said))
        elif self.no_records:
            parts.append("the file holds no tasks; nothing would be imported" if planned else "nothing imported: the file holds no tasks")
        else:
            parts.append(f"nothing new: {self.unchanged:,} {'record' if self.unchanged == 1 else 'records'} already here")
        if self.removed_here:
            stay = "stays" if self.removed_here == 1 else "stay"
            also = f" (not imported either: {_more_tasks(self.removed_parts)})" if self.removed_parts else ""
            parts.append(f"{counted(self.removed_here, 'record')} removed here {stay} removed{also}")
        if self.unassigned:
            parts.append(not_members_here(self.unassigned))
        if self.unzoned:
            parts.append(not_members_here(self.unzoned, ZONE_ADDS_THEM))
        if self.for_a_manager:
            parts.append(not_members_here(self.for_a_manager, A_MANAGER_ADDS_THEM))
        if self.filter_words:
            parts.append(f"left unassigned ({FILTER_WORD}): {words.names(self.filter_words)}")
        if self.removed_members:
            parts.append(f"left unassigned ({REMOVED_HERE}): {words.names(self.removed_members)}")
        for handle, left_out in self.guest_campaigns_left_out.items():
            parts.append(f"@{handle} (guest) does not see {counted(len(left_out), 'campaign')} the file gives them: {', '.join(left_out)}")
        if self.kept:
            many = "record keeps" if len(self.kept) == 1 else "records keep"
            parts.append(f"{len(self.kept):,} {many} what was changed in crewdeck since the last import: {summary(self.kept)}")
        if self.went_out:
            posts = "published post keeps" if len(self.went_out) == 1 else "published posts keep"
            parts.append(f"{len(self.went_out):,} {posts} what went out here, the file's changes to it left out: {summary(self.went_out)}")
        taken_back = "would be taken back" if planned else "taken back"
        for taken, again in ((self.taken_back, UNDO_BRINGS_IT_BACK), (self.taken_back_unapproved, APPROVAL_BRINGS_IT_BACK)):
            parts.extend(
                f"{post}: its publish {taken_back}, as the file's post is not published (a file older than the publish reads the same: "
                f"{again})"
                for post in taken
            )
        parts.extend(self.notes)
        # A file of no tasks has nothing to write: "nothing written" would say so twice.
        dry_run = ("dry run: " if self.no_records else "dry run, nothing written: ") if planned else ""
        return dry_run + "; ".join(parts)


def _more_tasks(count: int) -> str:
    """The ``count`` tasks the file's notes of a task left as it is here go on in, not written, in words."""
    return f"the {words.counted(count, 'more task')} the file's notes go on in"


def _named(entity: str, names: list[str]) -> str:
    if entity not in ("member", "campaign"):
        return ""
    return f" ({', '.join(sorted(names))})"


def has_data(ws: Workspace) -> bool:
    """Whether the workspace holds any record besides its settings: an import into it merges."""
    for name in ENTITIES:
        if name == "workspace" or name in BOOKKEEPING:
            continue
        deleted = " WHERE deleted = 0" if "deleted" in ENTITIES[name].by_name else ""
        if ws.conn.execute(f"SELECT 1 FROM [{name}]{deleted} LIMIT 1").fetchone():
            return True
    return False


def plan_merge(ws: Workspace, me: Member | None, source: Source, *, default_tz: str | None = None) -> Merge:
    """What importing ``source`` as ``me`` adds and changes; ``ImportProblems`` names every record it cannot reconcile.

    ``me`` is ``None`` only in a workspace with no member yet (nobody to
    write as, nothing the rules authorise).  ``default_tz``: the zone of a
    member the file names without one.
    """
    return _Merger(ws, me, source, default_tz).plan()


def write_merge(
    ws: Workspace,
    me: Member | None,
    merge: Merge,
    on_progress: Callable[[int, int], None] | None = None,
    remember: Callable[[str, str, str], PendingWrites] | None = None,
) -> None:
    """Write a merge in one transaction as ``me``; a refusal by the rules names the record and writes nothing.

    ``remember(member, first stamp, last stamp)``: the write that remembers the run, in the same transaction
    (``lastimport.remember``), as ``merge_stream``'s."""
    author = me.id if me else ""
    pending = _pending(merge)
    try:
        with ws.store.held():
            rows = ws.store.commit_local(author, pending, on_progress)
            if remember and rows and me is not None:
                ws.store.commit_local(me.id, remember(me.id, rows[0][0], rows[-1][0]))
    except Refused:
        raise ImportProblems([_refused_record(ws, author, merge)]) from None


def merge_stream(
    ws: Workspace,
    me: Member | None,
    head: Source,
    batches: Iterable[Source],
    problems: list[str],
    *,
    default_tz: str | None = None,
    write: bool = True,
    on_progress: Callable[[int], None] | None = None,
    remember: Callable[[str, str, str], PendingWrites] | None = None,
) -> Merge:
    """``plan_merge`` and ``write_merge`` a batch at a time, in one transaction: memory holds one batch, not the file.

    ``head``: the members the file names (and the importer's remarks, read
    when the batches are done); ``batches``: its records, a few thousand at a
    time.  ``problems``: the reader's, added to as the batches are read;
    once there is one, nothing more is written and the transaction is
    rolled back with every problem named (``ImportProblems``).  ``write``
    off: a dry run, written and rolled back.  ``on_progress(records so far)``.
    ``remember(member, first stamp, last stamp)``: the write that remembers the run, committed after it
    (``lastimport.remember``).
    """
    stamps: list[str] = []
    done = 0
    # A dry run writes too, and rolls back: the rules judge it as they judge the import.
    with ws.store.bulk(rehearse=not write):
        # What is here is read once the write lock is held: an import that finished meanwhile is here.
        merger = _Merger(ws, me, head, default_tz)
        merger.problems = problems
        merger._members()
        for batch in batches:
            merger.records(batch)
            done += len(batch.records)
            if not problems and merger.merge.writes:
                rows = _commit(ws, me, merger.merge)
                # The run's first and last stamps, for ``remember``.
                stamps = [stamps[0] if stamps else rows[0][0], rows[-1][0]]
            # Written, or never to be: the batch's writes are only counted from here on.
            merger.merge.written += len(merger.merge.writes)
            merger.merge.writes.clear()
            merger.merge.where.clear()
            if on_progress:
                on_progress(done)
        if problems:
            raise ImportProblems(problems)
        if remember and stamps and me is not None:
            # An import into a workspace with nobody in it (``init`` with no member) names no importer, as its run
            # must: it is not remembered, and a later import keeps and lists the fields it wrote, nothing lost.
            ws.store.commit_local(me.id, remember(me.id, *stamps))
    merger.merge.notes = list(head.notes)
    merger.merge.no_records = done == 0 and not merger.merge.unchanged
    return merger.merge


def _commit(ws: Workspace, me: Member | None, merge: Merge) -> list[tuple[Any, ...]]:
    author = me.id if me else ""
    try:
        return ws.store.commit_local(author, _pending(merge))
    except Refused:
        raise ImportProblems([_refused_record(ws, author, merge)]) from None


def _pending(merge: Merge) -> PendingWrites:
    pending = PendingWrites()
    for entity, row_id, values in merge.writes:
        if ENTITIES[entity].append_only:
            pending.append(entity, row_id, values)
        else:
            pending.set(entity, row_id, values)
    return pending


def _refused_record(ws: Workspace, author: str, merge: Merge) -> str:
    """The first record the rules refuse, named, with their reason (the write was rolled back)."""
    pending = _pending(merge)
    proposals = [(author, *op) for op in pending.ops]
    stored = ws.store.stored_entities(list({row_id: None for _, row_id in pending.records()}))
    verdicts = Judge(FileRuleState(ws.conn, stored), local=True).judge(
        proposals, rows={key: fields for key, (fields, _) in pending.rows.items()}
    )
    for proposal, verdict in zip(proposals, verdicts):
        if verdict is not None:
            return f"{merge.where.get(proposal[3], proposal[2] + ' ' + proposal[3][:12])}: {verdict}"
    return "the rules refused the import"


def _author(name: str) -> str:
    """A credit's author: a name shaped as a handle @-named (the importers give a member's handle); any other, such as
    the name a file gives one who is no member here ("Jane Doe"), as it is."""
    try:
        return f"@{valid_handle(name)}"
    except ValueError:
        return name


def strip_credit(text: str, joiner: str) -> tuple[str, str]:
    """A text and the credit at its end (``""`` when it has none)."""
    before, found, credit = text.rpartition(joiner + CREDIT)
    if found:
        return before, joiner + CREDIT + credit
    if text.startswith(CREDIT):
        return "", text
    return text, ""


def _credited(text: str, credit: str, joiner: str) -> str:
    """``text`` with a credit (as ``_strip_credit`` finds one) at its end, one joiner between."""
    credit = credit.removeprefix(joiner)
    if not credit:
        return text
    return f"{text}{joiner}{credit}" if text else credit


class _Merger:
    def __init__(self, ws: Workspace, me: Member | None, source: Source, default_tz: str | None) -> None:
        self.ws = ws
        self.me = me
        self.source = source
        self.default_tz = default_tz
        self.merge = Merge(notes=list(source.notes))
        self.problems: list[str] = []
        #: entity -> source id -> id here.
        self.remap: dict[str, dict[str, str]] = {"member": {}, "campaign": {}}
        #: source member key -> handle, for credits.
        self.handles: dict[str, str] = {}
        self.live_members = {row[0] for row in ws.conn.execute("SELECT id FROM member WHERE deleted = 0")}
        self.handles_here = ws.handles()
        #: Every record but a task the file has given so far (``_record_key``): a second one would flip the record from
        #: import to import.  A task given again is refused where its source reads it, naming the first (taskwarrior,
        #: foreign, exchange), with what a file of 100,000 holds of each: held here too, they took a tenth of the memory goal.
        self.seen: set[int | tuple[str, str]] = set()
        #: Tasks whose notes were kept as a local edit -> (their line in ``merge.kept``, as first said; how many tasks
        #: the file's notes go on in were left out).  Each is in ``source.notes_left_alone`` too, as is a task removed here.
        self.notes_kept: dict[str, tuple[int, str, int]] = {}
        #: The batch being merged was looked into for control characters (``Source.controls_judged``).
        self.controls_judged = False
        #: Guests the merge adds who the file says see campaigns: given them once the campaigns are merged.
        self.guests: list[_AddedGuest] = []
        #: Posts kept as they went out here whose round the file changes -> their round here: the file's verdicts on
        #: another round are left out with it (``_keeps_what_went_out``).
        self.rounds_kept: dict[str, str | None] = {}
        #: The same posts -> (their line in ``merge.went_out``, as first said; how many of the file's verdicts on its
        #: round were left out).
        self.verdicts_left_out: dict[str, tuple[int, str, int]] = {}
        #: The file's campaigns: id there -> name (for a campaign left out of a guest's, named).
        self.campaign_names: dict[str, str] = {}

    def plan(self) -> Merge:
        self._members()
        self.records(self.source)
        self._guest_campaigns()
        if self.problems:
            raise ImportProblems(self.problems)
        return self.merge

    def records(self, batch: Source) -> None:
        """Sort one batch's records into the merge (``batch`` names them; the members are the first source's)."""
        records = [r for r in batch.records if r[0] != "workspace"]  # the workspace keeps its own settings
        ids = [row_id for _, row_id, _ in records]
        self.stored = self.ws.store.stored_entities(ids)
        held: dict[str, list[str]] = {}
        for entity, row_id, _ in records:
            if self.stored.get(row_id) == entity:
                held.setdefault(entity, []).append(row_id)
        #: The records here that the batch names, read at once (a second import reads every one).
        self.current = {
            row_id: record for entity, row_ids in held.items() for row_id, record in self.ws.store.records_of(entity, row_ids).items()
        }
        self.controls_judged = batch.controls_judged
        self._campaigns(records, batch)
        credits, self.source.credits = self.source.credits, batch.credits
        try:
            for entity, row_id, values in records:
                where = batch.where_of(entity, row_id)
                if entity != "task":
                    key = _record_key(entity, row_id)
                    if key in self.seen:
                        self.problems.append(f"{where}: {self.source.id_field}: in the file more than once")
                        continue
                    self.seen.add(key)
                # Empty on a first import (nothing here to keep or removed): no call per record.
                if self.source.notes_left_alone and self._part_left_out(batch, row_id):
                    continue
                named = batch.named.get(row_id, where)
                if batch.taken_away and row_id in batch.taken_away:
                    self._take_away(entity, row_id, where, named)
                    continue
                try:
                    self._record(entity, row_id, values, where, named)
                except ValidationError as exc:
                    # Named as crewdeck calls the field, as only crewdeck's own export files do: a checked record
                    # fails here only on the credit added to its notes or memo (or an export's meeting, without the
                    # members left out), and the other importers leave their notes room for a credit
                    # (``tui.tasks.notesparts.NOTES_ROOM``).
                    self.problems.append(f"{where}: {exc.field}: {exc.problem}")
        finally:
            self.source.credits = credits

    # ------------------------------------------------------------ members

    def _members(self) -> None:
        by_handle = {m.handle: m.id for m in self.ws.members()}
        removed = {row[0] for row in self.ws.conn.execute("SELECT handle FROM member WHERE deleted = 1 AND handle IS NOT NULL")}
        for sm in self.source.members:
            handle = sm.handle.lstrip("@").lower()
            self.handles[sm.key] = handle
            here = by_handle.get(handle) or (sm.key if sm.key in self.live_members else None)
            if here is not None:
                self.remap["member"][sm.key] = here
                if sm.defined:
                    self.merge.unchanged += 1
                continue
            if handle in removed and self._bring_back_member(handle, sm.key, by_handle):
                continue
            problem = self._cannot_add(handle, sm, removed)
            if problem is not None:
                if sm.defined:
                    self.problems.append(f"{sm.where}: @{handle}: {problem}")
                else:
                    self._left_unassigned(handle, problem)
                    self.source.left_out.add(sm.key)
                continue
            values = {"handle": handle, "name": sm.name, "tz": sm.tz or self.default_tz, "access": added_access(sm)}
            values.update({k: v for k, v in sm.extra.items() if k in MEMBER_EXTRAS})
            try:
                checked = MEMBER.check_record(values)
            except ValidationError as exc:
                if sm.defined or exc.field != "handle":
                    self.problems.append(f"{sm.where}: {sm.fields.get(exc.field, exc.field)}: {exc.problem}")
                else:  # only named, by a name no handle here can be (a username longer than a handle): as one that cannot be added
                    self.merge.unassigned.add(handle)
                    self.source.left_out.add(sm.key)
                continue
            taken = self.ws.conn.execute("SELECT 1 FROM ops WHERE row_id = ? LIMIT 1", (sm.key,)).fetchone()
            member_id = sm.key if _hex(sm.key) and not taken else stable_id("member", handle)
            self.remap["member"][sm.key] = member_id
            by_handle[handle] = member_id
            self.live_members.add(member_id)
            self._write("member", member_id, checked, sm.where, sm.fields)
            self.merge.created.setdefault("member", []).append(f"@{handle}")
            if checked["access"] == GUEST and sm.extra.get("campaigns"):
                self.guests.append(_AddedGuest(handle, checked, list(sm.extra["campaigns"])))

    def _bring_back_member(self, handle: str, key: str, by_handle: dict[str, str]) -> bool:
        """Bring back the member ``handle`` when an import of the source added them and its undo removed them (nobody
        removed them by hand since), where the importer may add members; whether it did."""
        if self.source.edited_here is None or (self.me is not None and member_add_refused(self.me.facts()) is not None):
            return False
        row = self.ws.conn.execute("SELECT id FROM member WHERE deleted = 1 AND handle = ?", (handle,)).fetchone()
        if row is None:
            return False
        self.ws.store.need_log_index()  # it reads the record's operations
        if self.source.edited_here(row[0], ["deleted"]):
            return False
        self.remap["member"][key] = by_handle[handle] = row[0]
        self.live_members.add(row[0])
        self._write("member", row[0], {"deleted": False}, f"@{handle}")
        self.merge.members_back.append(f"@{handle}")
        return True

    def _left_unassigned(self, handle: str, problem: str) -> None:
        """A person the file only names (an assignee), who cannot be added here: listed by why (``_cannot_add``)."""
        if problem == NO_ZONE:
            self.merge.unzoned.add(handle)
        elif problem == FOR_A_MANAGER:
            self.merge.for_a_manager.add(handle)
        elif problem == FILTER_WORD:
            self.merge.filter_words.add(handle)
        elif problem == REMOVED_FROM_HERE:
            self.merge.removed_members.add(handle)
        else:
            self.merge.unassigned.add(handle)

    def _cannot_add(self, handle: str, sm: SourceMember, removed: set[str]) -> str | None:
        """Why the member the file names cannot be added here, or ``None``."""
        if handle in FILTER_WORDS:
            # Refused by the rules, which would refuse the whole import: a file's own member is its problem, a person it
            # only names (an assignee) is left out as one who cannot be added.
            return filter_word_refusal(handle).message if sm.defined else FILTER_WORD
        if handle in removed:
            return REMOVED_FROM_HERE
        refused = member_add_refused(self.me.facts()) if self.me is not None else None
        if refused is not None:
            return f"not a member here, and {refused.message}" if sm.defined else FOR_A_MANAGER
        if not sm.name:
            return "not a member here, and the file gives no name to add them with"
        if not (sm.tz or self.default_tz):
            return NO_ZONE
        return None

    # ------------------------------------------------------------ campaigns: by id, else by name

    def _campaigns(self, records: Plan, batch: Source) -> None:
        here = campaign_keys(self.ws.campaigns())
        for entity, row_id, values in records:
            if entity != "campaign":
                continue
            self.campaign_names[row_id] = values.get("name") or ""
            if self.stored.get(row_id) == "campaign":
                continue
            key = campaign_key(values.get("name") or "") if values.get("name") else ""
            if key in here.shared:  # which of the campaigns here the file's is would be a guess
                self.problems.append(f"{batch.where_of('campaign', row_id)}: name: {here.shared[key]}")
                continue
            same = here.get(key) if key else None
            if same is not None and same != row_id:
                self.remap["campaign"][row_id] = same
                self.stored[same] = "campaign"

    def _guest_campaigns(self) -> None:
        """Give each guest the merge adds the campaigns the file says they see, as they are here once the file's are
        merged (one matched by name: the one here); one not here after the merge (removed here, or not in the file) is
        left out, and the summary names it.  Their member record is written first in the batch, which creates the
        campaigns: the rules judge its campaigns against the whole batch."""
        if not self.guests:
            return
        live = {row[0] for row in self.ws.conn.execute("SELECT id FROM campaign WHERE deleted = 0")}
        live.update(row_id for entity, row_id, values in self.merge.writes if entity == "campaign" and not values.get("deleted"))
        for guest in self.guests:
            seen: list[str] = []
            removed: list[str] = []
            missing: list[str] = []
            for campaign in guest.campaigns:
                here = self.remap["campaign"].get(campaign, campaign)
                if here in live:
                    if here not in seen:
                        seen.append(here)
                elif campaign in self.campaign_names:
                    removed.append(f"+{campaign_slug(campaign, self.campaign_names[campaign])} (removed here)")
                else:
                    missing.append(f"campaign {short(campaign)} (not in the file)")
            if seen:
                guest.values["campaigns"] = MEMBER.check("campaigns", seen)
            if removed or missing:
                # In an order of their own: the file's list is of random ids.
                self.merge.guest_campaigns_left_out[guest.handle] = sorted(removed) + sorted(missing)

    # ------------------------------------------------------------ records

    def _record(self, entity: str, source_id: str, values: dict[str, Any], where: str, named: str) -> None:
        """Merge one record; ``where``: how its problems name it, ``named``: how the summary's kept records do."""
        spec = ENTITIES[entity]
        row_id = self.remap.get(entity, {}).get(source_id, source_id)
        mapped = self._references(entity, values)
        if entity == "budget" and {"campaign", "category", "period"} <= mapped.keys():
            row_id = budget_id(mapped["campaign"], mapped["category"], mapped["period"])
        if entity == "result" and (key := result_key(source_id)) is not None:
            # Keyed by what it counts (its id gives its key: no field of the file holds it): a campaign matched by
            # name here is in its id too.
            campaign = self.remap["campaign"].get(key["campaign"], key["campaign"]) if key["campaign"] else None
            row_id = result_id(key["kind"], key["day"], post=key["post"], campaign=campaign, platform=key["platform"])
        self.merge.where[row_id] = where
        if entity == "post_approval" and (post := mapped.get("post")) in self.rounds_kept and mapped.get("round") != self.rounds_kept[post]:
            # A verdict on the file's round of a post kept as it went out here: of a round it does not have, unless
            # stored here already (a round before the one here, restored from a later export).  Which round came first
            # is not said: their times are the clocks of whichever machines submitted them, and the file may be older.
            if self.stored.get(row_id) == entity:
                self.merge.unchanged += 1
                return
            at, said, left_out = self.verdicts_left_out[post]
            self.verdicts_left_out[post] = (at, said, left_out + 1)
            self.merge.went_out[at] = f"{said} ({words.counted(left_out + 1, 'approval')} of the file's other round left out)"
            return
        held = self.stored.get(row_id)
        if held is None and row_id != source_id:
            held = self.ws.store.stored_entities([row_id]).get(row_id)
        if held is not None and held != entity:
            self.problems.append(f"{where}: its id {short(row_id)} is a {held} here, not a {entity}")
            return
        author_field = AUTHOR_FIELDS.get(entity)
        if held is None:
            self._create(entity, row_id, mapped, where, author_field)
            return
        current = self.current.get(row_id) if row_id in self.current else self.ws.store.record(entity, row_id)
        if current is None:  # in the log under this entity, so in its table too; read as new all the same
            self._create(entity, row_id, mapped, where, author_field)
            return
        changes: dict[str, Any] = {}
        if current.get("deleted"):
            if not self._taken_away_before(entity, row_id):
                self.merge.removed_here += 1
                if entity == "task":  # a local delete wins: the file's notes go on in no task here either
                    self.source.notes_left_alone.add(row_id)
                return
            changes["deleted"] = False  # the file holds it again: brought back
        kept = {author_field, AUTHORED_AT.get(entity)}
        credit_field, joiner = CREDIT_FIELDS.get(entity, ("", ""))
        from_file: Iterable[tuple[str, Any]] = mapped.items()
        emptied = self.source.emptied.get(entity)
        if emptied:
            from_file = [*from_file, *((name, empty) for name, empty in emptied.items() if name not in mapped)]
        for name, value in from_file:
            if name in kept:
                continue
            now = current.get(name)
            if name == credit_field and isinstance(now, str) and isinstance(value, str):
                # Compared without the credits: a file exported from here (or from another import) carries one too.
                text, credit = strip_credit(now, joiner)
                given, given_credit = strip_credit(value, joiner)
                if text != given:
                    changes[name] = spec.check(name, _credited(given, credit or given_credit, joiner))
            elif now != value:
                changes[name] = value
        if spec.append_only:
            if changes:
                shown = ", ".join(changes)
                self.problems.append(f"{where}: already here with another {shown}; entries never change: reverse it here instead")
            else:
                self.merge.unchanged += 1
            return
        edited: list[str] = []
        if changes and self.source.edited_here is not None:
            self.ws.store.need_log_index()  # it reads the record's operations
            edited = self.source.edited_here(row_id, list(changes))
            for name in edited:
                del changes[name]
        if entity == "task" and (
            went_out := _keeps_what_went_out(current, changes, lambda: self._publish_imported(row_id), lambda: self._unset(mapped))
        ):
            said = f"{named}: {', '.join(FIELD_WORDS.get(name, name) for name in went_out)}"
            if "post_round" in went_out:
                round_here = current.get("post_round")
                self.rounds_kept[row_id] = round_here.get("id") if isinstance(round_here, dict) else None
                self.verdicts_left_out[row_id] = (len(self.merge.went_out), said, 0)
            self.merge.went_out.append(said)
        elif entity == "task" and current.get("post_state") == "published" and changes.get("post_state", "published") != "published":
            gone = [FIELD_WORDS[name] for name in PUBLISH_FIELDS if name in changes and current.get(name) and not changes[name]]
            back = self.merge.taken_back if current.get("post_round") else self.merge.taken_back_unapproved
            back.append(f"{named} ({', '.join(gone)} emptied)" if gone else named)
        unsubmitted = entity == "task" and _keeps_unsubmitted(current, changes)
        if edited or unsubmitted:
            said = f"{named}: {', '.join(edited) or 'its content'}" + (f" ({UNSUBMITTED})" if unsubmitted else "")
            if entity == "task" and "notes" in edited:
                self.notes_kept[row_id] = (len(self.merge.kept), said, 0)
                self.source.notes_left_alone.add(row_id)
            self.merge.kept.append(said)
        if changes:
            self._write(entity, row_id, changes, where)
            if changes.get("deleted") is False:
                self.merge.brought_back[entity] = self.merge.brought_back.get(entity, 0) + 1
            else:
                self.merge.updated[entity] = self.merge.updated.get(entity, 0) + 1
        else:
            self.merge.unchanged += 1

    def _unset(self, task: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of a publish the file's task leaves out, at their empty value: a crewdeck export writes no field at
        its default (its publish taken back there, the link and time emptied).  A source whose imports are remembered
        gives the others it empties (``Source.emptied``), but has no word for what only a publish writes (``PUBLISH_ONLY``:
        a Trello card gives its time published only while in a list of what went out)."""
        names = PUBLISH_ONLY if self.source.edited_here is not None else (*PUBLISH_FIELDS, "status")
        spec = ENTITIES["task"]
        return {name: spec.by_name[name].default for name in names if name not in task}

    def _publish_imported(self, row_id: str) -> bool:
        """Whether an import of the source wrote the publish of the post published here (``Source.publish_imported``)."""
        if self.source.edited_here is not None:
            return True  # a member's post_state here was kept as their edit, out of the changes already
        if self.source.publish_imported is None:
            return False
        self.ws.store.need_log_index()  # it reads the record's operations
        return self.source.publish_imported(row_id)

    def _take_away(self, entity: str, row_id: str, where: str, named: str) -> None:
        """Remove a record the file takes away (``Source.taken_away``): not one removed here already, nor one changed here
        since the source's last import (kept, and listed as a local edit is)."""
        current = self.current.get(row_id)
        if current is None or current.get("deleted"):
            return
        if self.source.edited_here is not None:
            self.ws.store.need_log_index()  # it reads the record's operations
            edited = self.source.edited_here(row_id, [name for name in current if name != "deleted"])
            if edited:
                self.merge.kept.append(f"{named}: {', '.join(edited)}")
                return
        self._write(entity, row_id, {"deleted": True}, where)
        self.merge.taken_away += 1

    def _taken_away_before(self, entity: str, row_id: str) -> bool:
        """Whether a task or campaign removed here was removed by an earlier import of the source (``Source.taken_away``)
        or an undo of one, nobody here: a campaign an undone import had added comes back with its tasks, where they came
        back into a campaign that stayed removed (reviewer rh)."""
        if entity not in ("task", "campaign") or self.source.edited_here is None:
            return False
        self.ws.store.need_log_index()
        return not self.source.edited_here(row_id, ["deleted"])

    def _part_left_out(self, batch: Source, row_id: str) -> bool:
        """Whether the record holds a part of the file's notes of a task the merge leaves as it is here (its notes kept
        as a local edit, or the task removed here): then it is not written, not even over a part an earlier import
        wrote (nor restored, when removed here), and the kept task's line, or the line of those removed here, says so."""
        first = batch.continues.get(row_id)
        if first is None or first not in self.source.notes_left_alone:
            return False
        kept = self.notes_kept.get(first)
        if kept is None:  # the task is removed here
            self.merge.removed_parts += 1
            return True
        at, said, parts = kept
        self.notes_kept[first] = (at, said, parts + 1)
        self.merge.kept[at] = f"{said} (not imported either: {_more_tasks(parts + 1)})"
        return True

    def _create(self, entity: str, row_id: str, values: dict[str, Any], where: str, author_field: str | None) -> None:
        spec = ENTITIES[entity]
        if entity == "approval":
            self.problems.append(
                f"{where}: an approval is a manager's own act and is not imported into a workspace that has data (approve the entry "
                "here, or restore the export as it was into a new workspace: crewdeck init NEW.db, with no --member, then crewdeck "
                "-w NEW.db import FILE)"
            )
            return
        credit = self._credit(entity, row_id, values, author_field)
        if author_field and self.me is not None:
            values[author_field] = self.me.id
        elif author_field and values.get(author_field) in self.remap["member"]:
            # Nobody to write as (no member here yet): the author stays, as the member they are here.
            values[author_field] = self.remap["member"][values[author_field]]
        if credit:
            credit_field, joiner = CREDIT_FIELDS[entity]
            before = values.get(credit_field) or ""
            values[credit_field] = spec.check(credit_field, f"{before}{joiner}{credit}" if before else credit)
        self._write(entity, row_id, values, where, judged=self.controls_judged and not credit)
        name = f"+{campaign_slug(row_id, values['name'])}" if entity == "campaign" and values.get("name") else short(row_id)
        self.merge.created.setdefault(entity, []).append(name)

    def _credit(self, entity: str, row_id: str, values: dict[str, Any], author_field: str | None) -> str | None:
        """ "imported: entered by @raj 2026-03-02" for a record with a known author in the source."""
        if entity not in CREDIT_FIELDS:
            return None
        given = self.source.credits.get(row_id)
        if given is not None:
            handle, day = given
        else:
            author = values.get(author_field) if author_field else None
            if not isinstance(author, str):
                return None
            if self.me is not None and self.remap["member"].get(author, author) == self.me.id:
                return None  # the importing member's own record
            handle = self.handles.get(author) or self.handles_here.get(author) or ""
            if not handle:
                return None
            at = values.get(AUTHORED_AT.get(entity, ""))
            day = at[:10] if isinstance(at, str) else None
        return f"{CREDIT} {_author(handle.lstrip('@'))}" + (f" {day}" if day else "")

    def _references(self, entity: str, values: dict[str, Any]) -> dict[str, Any]:
        """The record's values with the members and campaigns it names as they are here (changed in place: the merge owns them)."""
        mapped = values
        for name, target in _REFERENCES_OF.get(entity, ()):
            value = mapped.get(name)
            if value is None:
                continue
            if target == "member":
                member = self._member_here(value)
                if member is None:
                    del mapped[name]
                else:
                    mapped[name] = member
            else:
                mapped[name] = self.remap[target].get(value, value)
        if entity == "task":
            meeting = mapped.get("meeting")
            if meeting:
                mapped["meeting"] = {
                    **meeting,
                    "required": [m for m in map(self._member_here, meeting["required"]) if m is not None],
                    "optional": [m for m in map(self._member_here, meeting["optional"]) if m is not None],
                }
                ENTITIES["task"].check("meeting", mapped["meeting"])
            recurrence = mapped.get("recurrence")
            if recurrence:  # the series' next instances copy its template
                template = dict(recurrence["template"])
                if template.get("assignee"):
                    member = self._member_here(template.pop("assignee"))
                    if member is not None:
                        template["assignee"] = member
                if template.get("campaign"):
                    template["campaign"] = self.remap["campaign"].get(template["campaign"], template["campaign"])
                mapped["recurrence"] = {**recurrence, "template": template}
            if mapped.get("campaign") is None:
                mapped.pop("campaign", None)
        return mapped

    def _member_here(self, key: str) -> str | None:
        """The id here of a member a record names, or ``None`` (listed as left unassigned)."""
        here = self.remap["member"].get(key)
        if here is not None:
            return here
        if key in self.live_members:
            return key
        if key not in self.handles:
            self.merge.unassigned.add(f"member {short(key)}")
        return None

    def _write(
        self, entity: str, row_id: str, values: dict[str, Any], where: str, fields: Mapping[str, str] | None = None, *, judged: bool = False
    ) -> None:
        """Plan a write, or name its control character (in the field as the file calls it: ``fields``); ``judged``: the
        values were looked into for one already (``Source.controls_judged``)."""
        # The rules refuse control characters when the merge is written; found here, a dry run names
        # them too, and every record that holds one is named, not only the first the rules meet.
        if not judged and not all_printable(values):  # nearly every record: nothing to look into
            for name, value in values.items():
                if every_text(value, str.isprintable):
                    continue
                control = control_character(entity, name, canonical_json(value))
                if control is not None:
                    self.problems.append(f"{where}: {(fields or {}).get(name, name)}: text may not hold control characters ({control})")
                    return
        self.merge.writes.append((entity, row_id, values))
        self.merge.where[row_id] = where


@dataclass(frozen=True)
class _AddedGuest:
    """A guest the merge adds: their handle, the values of their member record (given their campaigns in place), and the
    campaigns the file says they see, by its ids."""

    handle: str
    values: dict[str, Any]
    campaigns: list[str]


def added_access(sm: SourceMember) -> str:
    """The access of a member an import adds: a file raises no one (its managers come as members), but its guests stay
    guests, who would otherwise read everything a member reads (a client approver in a team's backup)."""
    return GUEST if sm.extra.get("access") == GUEST else MEMBER_ACCESS


def export_source(plan: Plan, source: str, where: dict[str, str]) -> Source:
    """A checked export as what ``merging`` merges into a workspace that has data: its members matched by handle."""
    members = [
        SourceMember(
            key=row_id,
            handle=values.get("handle") or "",
            where=where.get(row_id, f"{source}: member {row_id[:12]}"),
            name=values.get("name"),
            tz=values.get("tz"),
            extra={k: values[k] for k in (*MEMBER_EXTRAS, "access", "campaigns") if k in values},
        )
        for name, row_id, values in plan
        if name == "member"
    ]
    return Source(source, members, [r for r in plan if r[0] != "member"], where=where)


#: Above a hex id's 128 bits, which entity it is a record of.
_ENTITY_BITS = {name: index << 128 for index, name in enumerate(ENTITIES)}


def _record_key(entity: str, row_id: str) -> int | tuple[str, str]:
    """A record as ``_Merger.seen`` keeps it: one number for a hex id and its entity (a third of the
    memory of the pair of texts, at 100,000 records), the pair for any other id."""
    return _ENTITY_BITS[entity] | int(row_id, 16) if len(row_id) == 32 and _hex(row_id) else (entity, row_id)


_HEX_ID = re.compile("[0-9a-f]{32}")


def _hex(text: str) -> bool:
    return _HEX_ID.fullmatch(text) is not None
