"""The lines the app shows unasked: another member's change (who, and what, in the words of the activity log), and a post that expired."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace

from crewdeck.sync.state.acting import actors
from crewdeck.sync.state.ids import short
from crewdeck.sync.state.oplog import OP_COLUMNS, SEQ_MAX, SET, WRITE_STAMP_CHARS, Op
from crewdeck.sync.state.records import BOOKKEEPING
from crewdeck.sync.state.visible import visible
from crewdeck.tui.posts import expiry, voiding
from crewdeck.tui.posts.reading import PostView, read_post, settings
from crewdeck.tui.posts.voiding import GIVEN_LATE, TURNING_FIELDS, WAITS, RoundTurn, void_among, voided_now, words
from crewdeck.tui.session.access import WorkspaceAccess
from crewdeck.tui.time.when import current_time
from crewdeck.tui.workspace import describe
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Workspace

#: How many changes that voided an approval of mine a notice of many records says.
VOIDS_LISTED = 3
#: How many crises' starts and ends a notice says, in a pull that brought more.
CRISES_LISTED = 3
#: Records whose batch is told by them alone: what else the batch wrote follows from them.
CRISIS_ENTITIES = ("crisis", "crisis_end")


class ChangeNotices:
    """Others' operations told from ours, and described."""

    def __init__(self, access: WorkspaceAccess, clock24: bool = True) -> None:
        self._access = access
        self._clock24 = clock24

    def theirs(self, ops: list[Op]) -> list[Op]:
        """The operations this session did not write (another member's, another process's)."""
        return self._access.foreign(ops)

    def describe(self, theirs: list[Op], now: dt.datetime | None = None) -> str | None:
        """One line about operations others made; ``None`` for none."""
        told = self.told(theirs, now)
        return None if told is None else told.line

    def told(self, theirs: list[Op], now: dt.datetime | None = None) -> ChangeNotice | None:
        """The notice of operations others made, which a notice of their next ones may count in; ``None`` for none."""
        # An ``acting`` record says who wrote the others as their member (a manager's ``--as``), an ``import_run`` which of
        # them an import wrote: neither is a change of its own, and a batch of them alone (a sync's last page) tells none.
        if all(op.entity in BOOKKEEPING for op in theirs):
            return None
        at = now or current_time()
        me = self._access.me
        return self._access.read(lambda ws: _described(ws, theirs, describe.Naming.of(ws, me.tz, at, self._clock24), me.id))

    def voided_untold(self, since: int, until: int, now: dt.datetime) -> list[str]:
        """``approvals_voided`` of what was stored past ``since`` up to ``until`` (what this session's watcher of the file
        did not see): another process's round pulled it and failed before it told it."""
        me = self._access.me
        return self._access.read(lambda ws: approvals_voided(ws, since, describe.Naming.of(ws, me.tz, now, self._clock24), me.id, until))

    def crises_untold(self, since: int, until: int, now: dt.datetime) -> list[str]:
        """``crises_pulled`` of what was stored past ``since`` up to ``until``, as ``voided_untold``: the banner shows an
        open one, but not who started it, nor one that ended since."""
        me = self._access.me
        return self._access.read(lambda ws: crises_pulled(ws, since, describe.Naming.of(ws, me.tz, now, self._clock24), until))

    def expired(self, now: dt.datetime) -> str | None:
        """One line about posts that expired and this member was not told of yet (remembered as told); ``None`` for none."""

        def untold(ws: Workspace) -> str | None:
            me = self._access.me
            told = expiry.take_untold(ws.store, me.id, now)
            return expiry.sentence(told, settings(ws.conn).approval_lead, me.tz, now, self._clock24) if told else None

        return self._access.read(untold)


@dataclass(frozen=True)
class ChangeNotice:
    """A notice of others' changes: its line, and what it counts, so that the notice of their next batch (a sync's next
    page) can be one with it, where each page's notice stacked on the last."""

    #: Who made the changes, as the notice names them ("@mia", "@ana as @raj"): only the same people's are told together.
    who: str
    #: The records changed, (entity, id) each.
    rows: frozenset[tuple[str, str]]
    #: Of them, those the changes made.
    added: frozenset[tuple[str, str]]
    #: An approval of mine a change among them voided, a line each.
    voided: tuple[str, ...]
    #: The line of changes told one by one (a record, a crisis); ``None`` where they are counted.
    alone: str | None = None
    #: A crisis's start or end, told by it alone: never counted with other changes.
    crisis: bool = False
    #: Of the records, those the changes deleted, and those they brought back (undid a deletion of), by the last such
    #: change of each.
    deleted: frozenset[tuple[str, str]] = frozenset()
    restored: frozenset[tuple[str, str]] = frozenset()
    #: The ids of the tasks among them that are posts: counted as posts.
    posts: frozenset[str] = frozenset()
    #: The line told in words says more than the change: what it voided, that a later change overwrote it, that an edit of
    #: mine is kept in the record it deleted.  Counted with other changes, that would be lost.
    noted: bool = False

    @property
    def line(self) -> str:
        if self.alone is not None:
            return self.alone
        # Counted, as many records are; but an approval of mine a change among them took is said, as alone it is, the
        # first few of them: one toast (3,000 voided posts made one of 458 KB).
        more = len(self.voided) - VOIDS_LISTED
        return (
            f"{self.who} {_counted_changes(self)}"
            + "".join(f"; {line}" for line in self.voided[:VOIDS_LISTED])
            + (f"; and {counted(more, 'more change')} that voided your approval" if more > 0 else "")
        )

    def after(self, earlier: ChangeNotice) -> ChangeNotice | None:
        """These changes counted with ``earlier`` ones of the same people in one notice (a running total); ``None`` where
        they are told apart (another's, a crisis, a record's said with more than the change).  Two records each said in
        words are counted too: a teammate changing a task every 0.2 s stacked a notice each, ~20 at once; one record
        changed again is said in the words of its newest change."""
        if earlier.who != self.who or self.crisis or earlier.crisis or self.noted or earlier.noted:
            return None
        # A record added in one batch and changed in the next was added; deleted in one and restored in the next, it
        # was not deleted.
        together = ChangeNotice(
            self.who,
            earlier.rows | self.rows,
            earlier.added | self.added,
            earlier.voided + tuple(line for line in self.voided if line not in earlier.voided),
            deleted=(earlier.deleted - self.restored) | self.deleted,
            restored=(earlier.restored - self.deleted) | self.restored,
            posts=earlier.posts | self.posts,
        )
        return replace(together, alone=self.alone) if self.alone is not None and together.rows == self.rows else together


def _counted_changes(notice: ChangeNotice) -> str:
    """ "added 5,000 tasks", "changed 400 tasks", "added 1 post and 2 tasks, deleted 1 task and changed 2 records":
    records made and deleted are said so, by their kind where they are all of one (a post's, or a task's), and a record
    made and deleted within them is said deleted alone."""
    added = notice.added - notice.deleted
    parts = [f"{verb} {_kinds(records, notice.posts)}" for verb, records in (("added", added), ("deleted", notice.deleted)) if records]
    changed = notice.rows - notice.added - notice.deleted
    if changed:  # by their kind too: "changed 2 tasks" says what "changed 2 records" left to guess
        parts.append(f"changed {_kinds(changed, notice.posts)}")
    # "added 1 post and 2 tasks and changed 2 records" reads as one list: where a part has an "and", commas alone.
    if len(parts) == 1 or any(" and " in part for part in parts):
        return ", ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _kinds(records: frozenset[tuple[str, str]], posts: frozenset[str]) -> str:
    """ "3 tasks", "2 posts", "1 post and 2 tasks", "2 campaigns"; "5 records" of other kinds together."""
    kinds: dict[str, int] = {}
    for entity, row_id in records:
        kind = "post" if entity == "task" and row_id in posts else entity
        kinds[kind] = kinds.get(kind, 0) + 1
    if len(kinds) == 1:
        [(kind, count)] = kinds.items()
        return counted(count, kind.replace("_", " "))
    if kinds.keys() == {"post", "task"}:
        return f"{counted(kinds['post'], 'post')} and {counted(kinds['task'], 'task')}"
    return counted(len(records), "record")


def _described(ws: Workspace, theirs: list[Op], names: describe.Naming, me: str) -> ChangeNotice:
    changed = [op for op in theirs if op.entity not in BOOKKEEPING]  # some: ``told`` tells none of bookkeeping alone
    actor_of = actors(ws.conn)

    def actor(op: Op) -> str | None:
        return actor_of(op.member, op.op_id)

    rows = frozenset((op.entity, op.row_id) for op in changed)
    who = _who(changed, names, actor_of)
    # A record whose first operation is among these was made by them.
    created = describe.first_ops(ws.conn, [row_id for _, row_id in rows])
    added = frozenset((op.entity, op.row_id) for op in changed if op.op_id in created)
    # Each record's last deletion or restoring among them, by stamp (a pull's may come in another order), says whether
    # they deleted it.
    deletions = sorted((op for op in changed if op.field == "deleted"), key=lambda op: op.op_id)
    gone = {(op.entity, op.row_id): op.value == "true" for op in deletions}
    deleted = frozenset(row for row, is_gone in gone.items() if is_gone)
    restored = frozenset(row for row, is_gone in gone.items() if not is_gone)
    posts = _posts(ws, {row_id for entity, row_id in rows if entity == "task"})
    voided = tuple(_my_approvals_voided(ws, changed, names, me))
    # A crisis's start writes its checklist's tasks, and its end the posts it resumes: the crisis is the news.
    crises = _crisis_writes(changed)
    if len(rows) > 1 and not crises:
        return ChangeNotice(who, rows, added, voided, deleted=deleted, restored=restored, posts=posts)
    if not crises:
        alone, noted = _told_alone(ws, theirs, changed, False, names, me, created, actor)
        return ChangeNotice(who, rows, added, voided, alone, False, deleted, restored, posts, noted)
    # Each crisis's own write (its checklist, the posts its end resumed) is told with it, the first few (a replica's pull
    # may bring a week of them); what else the batch brought (a night's work) is counted after them, as a notice of those
    # alone counts it, not as a crisis's.
    told = [_told_alone(ws, theirs, own, True, names, me, created, actor) for own in crises[:CRISES_LISTED]]
    alone = "; ".join(line for line, _ in told)
    more = len(crises) - CRISES_LISTED
    if more > 0:
        alone += f"; and {more:,} more crisis {'start or end' if more == 1 else 'starts and ends'}"
    rest = frozenset(rows - {(op.entity, op.row_id) for own in crises for op in own})
    if rest:
        by = _who([op for op in changed if (op.entity, op.row_id) in rest], names, actor_of)
        counted_rest = ChangeNotice(by, rest, added & rest, voided, deleted=deleted & rest, restored=restored & rest, posts=posts)
        alone += f"; {counted_rest.line}"
    return ChangeNotice(who, rows, added, voided, alone, True, deleted, restored, posts, any(noted for _, noted in told))


def _crisis_writes(ops: list[Op]) -> list[list[Op]]:
    """Of ``ops``, each write that started or ended a crisis, in the order they were made: one write stamps its
    operations in one millisecond, on one node."""
    writes: dict[tuple[str, str, str], list[Op]] = {}
    for op in sorted((op for op in ops if op.entity in CRISIS_ENTITIES), key=lambda op: op.op_id):
        writes.setdefault(_write_of(op), [])
    for op in ops:
        own = writes.get(_write_of(op))
        if own is not None:
            own.append(op)
    return list(writes.values())


def _who(ops: list[Op], names: describe.Naming, actor_of: Callable[[str, str], str | None]) -> str:
    """Who wrote ``ops``, as a notice names them: "@mia", "@ana as @raj"."""
    # Named once a pair of who wrote and who acted as them: named an operation at a time, a page of 5,000 new tasks
    # (35,000 operations) took 105 ms to tell.
    pairs = {(op.member, actor_of(op.member, op.op_id)) for op in ops}
    return ", ".join(sorted({f"{names.member(by)} as {names.member(member)}" if by else names.member(member) for member, by in pairs}))


def _write_of(op: Op) -> tuple[str, str, str]:
    return (op.node, op.member, op.op_id[:WRITE_STAMP_CHARS])


def _posts(ws: Workspace, task_ids: set[str]) -> frozenset[str]:
    """Of ``task_ids``, the posts'."""
    if not task_ids:
        return frozenset()
    query = "SELECT id FROM task WHERE post_state IS NOT NULL AND id IN (SELECT value FROM json_each(?))"
    return frozenset(row[0] for row in ws.conn.execute(query, (json.dumps(sorted(task_ids)),)))


def _told_alone(
    ws: Workspace,
    theirs: list[Op],
    changed: list[Op],
    crisis: bool,
    names: describe.Naming,
    me: str,
    created: set[str],
    actor: Callable[[Op], str | None],
) -> tuple[str, bool]:
    """Changes told in words: one record's, or a crisis's and how many other records it wrote; and whether the words
    say more than the changes (``ChangeNotice.noted``)."""
    rows = {(op.entity, op.row_id) for op in changed}
    lead = [op for op in changed if op.entity in CRISIS_ENTITIES] if crisis else changed
    said = describe.changes(lead, names, created, actor)
    others = len(rows - {(op.entity, op.row_id) for op in lead})
    others_words = f", with {counted(others, 'other record')}" if others else ""
    told = {op.op_id for op in theirs}
    rounds = _Rounds(ws, names.now)
    notes = [
        _voided(rounds, change, names, me)
        + _approval_voided(rounds, change)
        + _overwritten(ws, change.ops, told)
        + _kept_in_deleted(ws, change.ops, me)
        for change in said
    ]
    return "; ".join(change.sentence + note for change, note in zip(said, notes, strict=True)) + others_words, any(notes)


def approvals_voided(ws: Workspace, since: int, names: describe.Naming, me: str, until: int | None = None) -> list[str]:
    """A line for each write of another member's, stored after ``since`` (a sync round's pull; up to ``until``), that voided a round my
    approval counted in, unless a later change in the pull put the version submitted back ("@raj changed the copy of
    “Launch reel”: …: that voids the round and your approval: it is a draft until it is submitted again"; submitted
    again in the same pull, the post is no draft and the line says only what the change took), where ``crewdeck sync``
    said only how many operations it pulled."""
    # Only a post has a round to void: none here, nothing to read.  Else the pull's operations by their numbers (the
    # log's key), the posts' alone turned into Ops in SQLite: a post's operations looked up by record instead paid for
    # every post there is (20,000 posts: 80 ms a round, against 20 ms for a pull of a thousand operations).
    if ws.conn.execute("SELECT 1 FROM task WHERE post_state IS NOT NULL LIMIT 1").fetchone() is None:
        return []
    fields = ", ".join(f"'{name}'" for name in TURNING_FIELDS)
    ops = [
        Op(*row)
        for row in ws.conn.execute(
            f"SELECT {OP_COLUMNS} FROM ops NOT INDEXED WHERE seq > ? AND seq <= ? AND field IN ({fields}) AND entity = 'task' "
            "AND member != ? AND row_id IN (SELECT id FROM task WHERE post_state IS NOT NULL) ORDER BY row_id, op_id",
            (since, SEQ_MAX if until is None else until, me),
        )
    ]
    return _my_approvals_voided(ws, ops, names, me)


def crises_pulled(ws: Workspace, since: int, names: describe.Naming, until: int | None = None) -> list[str]:
    """A line for each crisis started or ended elsewhere (not on this replica: another member's, or the member's own on
    another machine), stored after ``since`` (a sync round's pull; up to ``until``), as the log says it: the app's banner
    shows an open one, and ``crewdeck sync`` said only how many operations it pulled."""
    # By number alone (the log's key), sorted here: ordered by stamp, SQLite walked the whole log for the few crises.
    rows = ws.conn.execute(
        f"SELECT {OP_COLUMNS} FROM ops NOT INDEXED WHERE seq > ? AND seq <= ? "
        f"AND entity IN ({', '.join(repr(e) for e in CRISIS_ENTITIES)}) AND node != ?",
        (since, SEQ_MAX if until is None else until, ws.store.node),
    )
    ops = sorted((Op(*row) for row in rows), key=lambda op: op.op_id)
    actor_of = actors(ws.conn)
    ended = {row[0] for row in ws.conn.execute("SELECT crisis FROM crisis_end")}
    # Only an open crisis holds anything: one ended since (in the same pull) says so on a line of its own.
    return [
        change.sentence
        + (": crewdeck crisis status says what it holds" if change.entity == "crisis" and change.row_id not in ended else "")
        for change in describe.changes(ops, names, set(), lambda op: actor_of(op.member, op.op_id))
    ]


def _my_approvals_voided(ws: Workspace, ops: list[Op], names: describe.Naming, me: str) -> list[str]:
    """Of ``ops``, each post content write that voided a round my approval counted in, or one I approved after it before
    my replica held it (offline), while it is void, in words."""
    content = [op for op in ops if op.entity == "task" and op.field in TURNING_FIELDS]
    # Only a submitted post has a round to void: a batch of many tasks (an import) is not read write by write.
    submitted = {
        row[0]
        for row in ws.conn.execute(
            "SELECT DISTINCT row_id FROM ops WHERE field = 'post_round' AND row_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({op.row_id for op in content})),),
        )
    }
    content = sorted((op for op in content if op.row_id in submitted), key=lambda op: (op.row_id, op.op_id))
    actor_of = actors(ws.conn)
    rounds = _Rounds(ws, names.now)
    lines = []
    for change in describe.changes(content, names, set(), lambda op: actor_of(op.member, op.op_id)):
        turn = rounds.void(change)
        said = _voided(rounds, change, names, me) if turn is not None and (me in turn.approvers or me in turn.late) else ""
        if said:
            lines.append(change.sentence + said)
    return lines


class _Rounds:
    """Each post's round turns and state, read once for all of a notice's changes: read per change, a pull of 2,001
    changes took 22 s to tell."""

    def __init__(self, ws: Workspace, now: dt.datetime) -> None:
        self._ws = ws
        self._now = now
        self._turns: dict[str, dict[str, RoundTurn]] = {}
        self._posts: dict[str, PostView | None] = {}
        #: Each post's rounds' last turns, by round.
        self._last: dict[str, dict[str, str]] = {}

    def void(self, change: describe.ToldChange) -> RoundTurn | None:
        """The void among the change's operations, if one voided the post's round."""
        return void_among(self.turns(change.row_id), (op.op_id for op in change.ops))

    def stands(self, post_id: str, turn: RoundTurn) -> bool:
        """Whether ``turn`` is its round's last: no later change turned it again (put its version back)."""
        if post_id not in self._last:
            last = self._last[post_id] = {}
            for other in self.turns(post_id).values():
                last[other.round_id] = max(last.get(other.round_id, ""), other.op_id)
        return self._last[post_id][turn.round_id] == turn.op_id

    def turns(self, post_id: str) -> dict[str, RoundTurn]:
        if post_id not in self._turns:
            self._turns[post_id] = voiding.round_turns(self._ws.conn, post_id)
        return self._turns[post_id]

    def post(self, post_id: str) -> PostView | None:
        if post_id not in self._posts:
            self._posts[post_id] = read_post(self._ws.conn, post_id, self._now)
        return self._posts[post_id]


def _voided(rounds: _Rounds, change: describe.ToldChange, names: describe.Naming, me: str) -> str:
    """What a post's content change adds when it voided the post's round: its reviewers' approvals count no more, mine
    among them said as mine, and while it is so, the post waits for its writer to submit it again ("changed the copy"
    alone left an approver believing their approval stood).  Nothing when a later change, told with it or before it,
    put the version submitted back: the round goes on, and the approvals stand; and so when another change voided it
    again after that, which is the one said (the approvals counted again in between)."""
    if change.entity != "task" or not any(op.field in TURNING_FIELDS for op in change.ops):
        return ""
    turn = rounds.void(change)
    post = rounds.post(change.row_id) if turn is not None else None
    if turn is None or post is None or (post.round.open and post.round.round_id == turn.round_id) or not rounds.stands(change.row_id, turn):
        return ""
    return visible(f": that {words(turn, {by: names.member(by) for by in turn.approvers}, me, waits=post.state == 'draft')}")


def _approval_voided(rounds: _Rounds, change: describe.ToldChange) -> str:
    """What an approval a change voided adds, given where the change had not arrived yet (offline), while the round
    stays void, whether it was stamped before the change or after: "@mia approved “Launch reel” (copy)" alone had its
    writer, told before that the change made it a draft, take it for approved again, and it waited for a submission
    nobody made."""
    late = voided_now(change.ops, rounds.turns) if change.entity == "post_approval" else None
    post = rounds.post(late[0]) if late is not None else None
    if late is None or post is None or (post.round.open and post.round.round_id == late[1]):
        return ""  # none, or the version submitted is back: it counts
    return f": {GIVEN_LATE}, it counts for nothing" + (f": {WAITS}" if post.state == "draft" else "")


def _kept_in_deleted(ws: Workspace, ops: tuple[Op, ...], me: str) -> str:
    """Where an edit of mine went that a deletion made without seeing it hides (stamped after it, made offline on either
    side): the task leaves every list, and the notice said only that it was deleted (``crewdeck sync`` says where)."""
    deletion = next((op for op in ops if op.entity == "task" and op.field == "deleted" and op.value == "true"), None)
    if deletion is None:
        return ""
    mine = ws.conn.execute(
        "SELECT 1 FROM ops WHERE row_id = ? AND node = ? AND member = ? AND op_id > ? LIMIT 1",
        (deletion.row_id, ws.store.node, me, deletion.op_id),
    ).fetchone()
    return f" (your later change is kept in it: crewdeck show {short(deletion.row_id)})" if mine else ""


def _overwritten(ws: Workspace, ops: tuple[Op, ...], told: set[str]) -> str:
    """What of a write made elsewhere, arriving only now, a later change stored here before it holds (one not among
    ``told``, the stamps the notice tells of): it took no effect, and the notice would otherwise say the record changed
    to what the screen does not show (an edit made offline earlier than one made here)."""
    sets = [op for op in ops if op.kind == SET]
    query = "SELECT op_id FROM ops WHERE row_id = ? AND field = ? AND op_id > ?"
    lost = [
        op.field.replace("_", " ")
        for op in sets
        if any(row[0] not in told for row in ws.conn.execute(query, (op.row_id, op.field, op.op_id)))
    ]
    if not lost:
        return ""
    if len(lost) == len(sets):
        return " (overwritten already by a later change)"
    return f" (its {' and '.join(lost)} overwritten already by a later change)"
