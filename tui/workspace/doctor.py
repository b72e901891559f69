"""Records that are incomplete or invalid, and how ``crewdeck doctor --repair`` fixes them.

A record lacks a required field when its creation never arrived whole (an
operation that set only a campaign's KPIs), and holds an invalid value
when it was stored before today's checks (an importer that stored an
empty name).  Readers show such a record with placeholders
(``placeholders``); the doctor lists every problem and, asked to, writes
the same placeholders through normal writes, so the record reads as it did
and syncs like any edit.

A repair never loses what someone typed: a missing or empty required field
gets a placeholder naming the record; text with control characters gets
them spelled out as ``crewdeck.sync.state.visible`` shows them (when that passes the
field's check).  Everything else (text too long, a ledger entry, which is
never edited) is listed with what to do, and left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from crewdeck.sync.state.damaged import damaged_cells
from crewdeck.sync.state.ids import short
from crewdeck.sync.state.oplog import required_fields
from crewdeck.sync.state.records import ENTITIES, FILTER_WORDS, RESULT, RESULT_COUNTS, Entity, ValidationError, result_key
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.writes import Writer
from crewdeck.tui.workspace.placeholders import (
    PLACEHOLDER_TZ,
    member_handle,
    unnamed_campaign,
    unnamed_member,
    untitled_task,
)
from crewdeck.tui.workspace.workspace import DEFAULT_BASE_CURRENCY, Workspace

_RECORD_ID = re.compile(r"[0-9a-f]{32}")
#: The entities the doctor looks at, in the order it lists them.
ENTITY_ORDER = ("workspace", "member", "campaign", "task", "budget", "rate", "ledger_entry", "approval", "result")
#: What to do about a cell crewdeck never writes (``crewdeck.sync.state.damaged``): nothing of crewdeck's can set it back.
_DAMAGED_ADVICE = "written outside crewdeck (raw SQL, a damaged disk): restore the file from a backup, or set the cell back with sqlite3"
#: What to do about a result the doctor cannot repair: its numbers are re-entered under the right key.
_RESULT_ADVICE = "the id says what a result counts: add the day's numbers again (crewdeck kpi add or kpi import)"


@dataclass(frozen=True)
class Problem:
    entity: str
    row_id: str
    field: str
    #: What is wrong: "missing", or the check's reason.
    what: str
    #: The value a repair writes (``None``: the doctor cannot repair it).
    repair: Any = None
    #: Why it cannot be repaired, and what to do instead.
    advice: str = ""

    @property
    def repairable(self) -> bool:
        return self.repair is not None

    @property
    def short_id(self) -> str:
        """The id as lists show it: a record id's first 8 digits, a keyed id (a budget, a rate) with its record ids so."""
        return _RECORD_ID.sub(lambda m: short(m.group()), self.row_id)


def scan(ws: Workspace, entities: Iterable[str] = ENTITY_ORDER, *, shown_as_is: bool = True) -> list[Problem]:
    """Every problem of every live record of ``entities``; without ``shown_as_is``, only those of records readers show
    with placeholders (a handle the filters read as a word is shown as it is)."""
    entities = tuple(entities)
    cells = list(damaged_cells(ws.conn, entities))
    found = [
        Problem(cell.table, cell.row_id, cell.field, f"holds {cell.holds}, which crewdeck never writes", advice=_DAMAGED_ADVICE)
        for cell in cells
    ]
    # A damaged record's other fields are not read: its cell would fail their reading as it fails every reader's.
    # By its id as stored, which a damaged id is too (NULL, a BLOB), as the records read give it.
    damaged = {(cell.table, cell.stored_id) for cell in cells}
    for name in entities:
        spec = ENTITIES[name]
        required = set(required_fields(name))
        but = {row_id for entity, row_id in damaged if entity == name}
        for row_id, values in ws.store.records(name, but=but):
            found.extend(_record_problems(ws, spec, required, row_id, values))
            if name == "result":
                found.extend(_result_problems(row_id, values, required))
        if name == "result":
            found.extend(_unknown_targets(ws))
        if name == "member" and shown_as_is:
            found.extend(_filter_word_handles(ws))
    return found


def _filter_word_handles(ws: Workspace) -> Iterator[Problem]:
    """Members given a handle the filters read as a word (``@me``, ``@none``) before the rules refused one: their tasks
    cannot be filtered by it.  Renaming them is a person's choice: the doctor says how, and writes nothing."""
    for member in ws.members():
        if member.handle in FILTER_WORDS:
            yield Problem(
                "member",
                member.id,
                "handle",
                f"@{member.handle} is what filters read as “{FILTER_WORDS[member.handle]}”: no filter finds this member by it",
                advice=f"rename them (a manager): crewdeck member set {member.handle} --handle NEW",
            )


def _result_problems(row_id: str, values: dict[str, Any], required: set[str]) -> Iterator[Problem]:
    """A result whose fields say another key than its id (the id wins: it is what replicas converge on), or counts of another kind."""
    key = result_key(row_id)
    if key is None:
        yield Problem("result", row_id, "id", "not a result id (result:post|campaign|followers:...:DAY)", advice=_RESULT_ADVICE)
        return
    for name, expected in key.items():
        value = values[name]
        if value == expected or (value is None and name in required):  # a missing required field is listed already
            continue
        what = "missing" if value is None else f"{visible(str(value))!r} is not what the id names"
        if expected is not None and _passes(RESULT, name, expected):
            yield Problem("result", row_id, name, what, expected)
        else:
            yield Problem("result", row_id, name, what, advice=_RESULT_ADVICE)
    followers = key["kind"] == "followers"
    for name in (*RESULT_COUNTS, "followers", "conversion_value"):
        if values[name] is not None and (name == "followers") != followers:
            holds = "followers only" if followers else "a post's or campaign's counts, not followers"
            yield Problem("result", row_id, name, f"a {key['kind']} result holds {holds}", advice=_RESULT_ADVICE)


def _unknown_targets(ws: Workspace) -> Iterator[Problem]:
    """Results of a post or campaign this workspace has never heard of (not arrived yet, or a wrong id)."""
    for row_id, post in ws.conn.execute(
        "SELECT r.id, r.post FROM result r WHERE r.post IS NOT NULL AND NOT EXISTS (SELECT 1 FROM task t WHERE t.id = r.post) ORDER BY r.id"
    ):
        yield Problem("result", row_id, "post", f"no post {short(post)} here", advice="sync, or add the numbers again under the right post")
    for row_id, campaign in ws.conn.execute(
        "SELECT r.id, r.campaign FROM result r WHERE r.campaign IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM campaign c WHERE c.id = r.campaign) ORDER BY r.id"
    ):
        yield Problem(
            "result",
            row_id,
            "campaign",
            f"no campaign {short(campaign)} here",
            advice="sync, or add the numbers again under the right campaign",
        )


def _record_problems(ws: Workspace, spec: Entity, required: set[str], row_id: str, values: dict[str, Any]) -> Iterator[Problem]:
    for field in spec.fields:
        value = values[field.name]
        if value is None and field.name not in required:
            continue
        try:
            spec.check(field.name, value)
            continue
        except ValidationError as exc:
            reason = exc.problem
        if value is None:
            yield _missing(ws, spec.name, row_id, field.name)
        else:
            yield _invalid(ws, spec, row_id, field.name, value, reason)


def _missing(ws: Workspace, entity: str, row_id: str, field: str) -> Problem:
    placeholder = _placeholder(ws, entity, row_id, field)
    if placeholder is not None:
        return Problem(entity, row_id, field, "missing", placeholder)
    return Problem(entity, row_id, field, "missing", advice=_ADVICE.get((entity, field), _advice(entity)))


def _invalid(ws: Workspace, spec: Entity, row_id: str, field: str, value: Any, reason: str) -> Problem:
    if spec.append_only:
        return Problem(spec.name, row_id, field, reason, advice=_advice(spec.name))
    if isinstance(value, str):
        if not value.strip():
            placeholder = _placeholder(ws, spec.name, row_id, field)
            if placeholder is not None:
                return Problem(spec.name, row_id, field, reason, placeholder)
        # Control characters spelled out keep every character someone typed, visibly.
        for shown in (visible(value, multiline=True), visible(value)):
            if shown != value and _passes(spec, field, shown):
                return Problem(spec.name, row_id, field, reason, shown)
    return Problem(spec.name, row_id, field, reason, advice=f"set {field} by hand")


def _passes(spec: Entity, field: str, value: Any) -> bool:
    try:
        spec.check(field, value)
    except ValidationError:
        return False
    return True


def _advice(entity: str) -> str:
    if entity == "ledger_entry":
        return "entries are never edited: reverse it (crewdeck ledger reverse) and add it anew"
    if entity == "approval":
        return "approvals are never edited: an invalid one does not count"
    return "set it by hand"


_ADVICE = {
    ("rate", "rate"): "set it with: crewdeck rate set DATE BASE/QUOTE RATE",
}


def _placeholder(ws: Workspace, entity: str, row_id: str, field: str) -> Any:
    """What a reader shows for a missing field, which is what a repair writes (``None``: nothing sensible)."""
    makers: dict[tuple[str, str], Callable[[], Any]] = {
        ("workspace", "name"): lambda: ws.store.path.stem,
        ("workspace", "base_currency"): lambda: DEFAULT_BASE_CURRENCY,
        ("member", "handle"): lambda: member_handle(row_id),
        ("member", "name"): lambda: unnamed_member(row_id),
        ("member", "tz"): lambda: PLACEHOLDER_TZ,
        ("campaign", "name"): lambda: unnamed_campaign(row_id),
        ("task", "title"): lambda: untitled_task(row_id),
        ("budget", "currency"): lambda: ws.base_currency,
    }
    maker = makers.get((entity, field))
    if maker is not None:
        return maker()
    # Budgets, rates and results are keyed by what they are: the id says the rest.
    if entity in ("budget", "rate", "result"):
        value = (result_key(row_id) or {}).get(field) if entity == "result" else _from_key(entity, row_id).get(field)
        if value is not None and _passes(ENTITIES[entity], field, value):
            return value
    return None


def _from_key(entity: str, row_id: str) -> dict[str, str]:
    parts = row_id.split(":")
    if entity == "budget" and len(parts) == 4:
        return {"campaign": parts[1], "category": parts[2], "period": parts[3]}
    if entity == "rate" and len(parts) == 3 and len(parts[2]) == 6:
        return {"date": parts[1], "base": parts[2][:3], "quote": parts[2][3:]}
    return {}


def repair(writer: Writer, problems: Iterable[Problem]) -> list[Problem]:
    """Write every repairable problem's repair (one ``set`` per record); the problems repaired."""
    by_record: dict[tuple[str, str], dict[str, Any]] = {}
    done = []
    for problem in problems:
        if problem.repairable:
            by_record.setdefault((problem.entity, problem.row_id), {})[problem.field] = problem.repair
            done.append(problem)
    for (entity, row_id), values in by_record.items():
        writer.set(entity, row_id, values)
    return done


def count(ws: Workspace, entity: str) -> int:
    """How many live records of ``entity`` are shown with placeholders (what a listing's note says)."""
    return len({p.row_id for p in scan(ws, [entity], shown_as_is=False)})
