"""``crewdeck import --from trello|asana|linear``: a file read into a ``merging.Source``, and what the import says.

The records are merged like every import (``crewdeck.tui.workspace.merging``);
on top of that, a newer export of the same source changes only the fields
nobody changed here since its last import (``lastimport``), and the tasks an
earlier import of the source wrote that the file no longer holds are left
alone and listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.records import load_json
from crewdeck.tui.tasks import asana, linear, trello
from crewdeck.tui.tasks.foreign import Built, Item, People, StatusMap, build
from crewdeck.tui.workspace.exchange import ImportProblems
from crewdeck.tui.workspace.lastimport import Guard
from crewdeck.tui.workspace.merging import Merge, plan_merge
from crewdeck.tui.workspace.workspace import Member, Workspace

FORMATS = ("trello", "asana", "linear")
#: What each format calls a record, for the summary.
NOUN = {"trello": "card", "asana": "task", "linear": "issue"}


@dataclass
class Planned:
    """An import worked out and not yet written."""

    built: Built
    merge: Merge
    #: ``lastimport`` key: which earlier imports count as this source's.
    key: str
    #: Tasks earlier imports of the source wrote that the file no longer holds ("id title").
    missing: list[str] = field(default_factory=list)

    def summary(self, dry_run: bool) -> list[str]:
        lines = []
        if dry_run:
            lines.append('statuses (--map-status "SOURCE=STATUS" to change):')
            lines.extend(self.built.statuses.lines() or ["  (none named)"])
        said = str(self.merge)
        lines.append(f"dry run, nothing written: {said}" if dry_run else said)
        if self.missing:
            shown = ", ".join(self.missing[:10]) + (f" (and {len(self.missing) - 10:,} more)" if len(self.missing) > 10 else "")
            lines.append(f"left alone, not in this file any more: {shown}")
        return lines


def plan(
    fmt: str,
    text: str,
    source: str,
    ws: Workspace,
    me: Member | None,
    *,
    map_status: Iterable[str] = (),
    default_tz: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Planned:
    """Read ``text`` (a ``fmt`` export) and work out what importing it as ``me`` does; ``ImportProblems`` names every bad record."""
    statuses = StatusMap(map_status)
    people = People()
    unmatched: set[str] = set()
    notes: list[str] = []
    problems: list[str] = []
    ws_people = {m.name.casefold(): m.handle for m in ws.members()}
    ws_people.update({m.handle: m.handle for m in ws.members()})
    items: Iterable[Item]
    if fmt == "trello":
        doc = _json(text, source)
        board = trello.board(doc, source)
        key = f"trello:{board.id}"
        items = _counted(trello.cards(doc, board, source, problems), len(doc.get("cards") or []), on_progress)
        people = board.people
        built = build(
            items, people, ws, me, name=source, kind="trello-card", statuses=statuses, default_tz=default_tz, notes=notes, problems=problems
        )
        notes.extend(board.notes())
    else:
        reader = asana.items if fmt == "asana" else linear.items
        key = fmt
        items = reader(text, source, ws_people, people, unmatched, problems)
        built = build(
            items,
            people,
            ws,
            me,
            name=source,
            kind=f"{fmt}-{NOUN[fmt]}",
            statuses=statuses,
            default_tz=default_tz,
            notes=notes,
            problems=problems,
        )
    if unmatched:
        notes.append(f"left unassigned (no such member): {', '.join(sorted(unmatched))}")
    unused = statuses.unused()
    if unused:
        raise ImportProblems([f"--map-status: {source} names no status {name!r}" for name in unused])
    guard = Guard(ws.conn, key)
    built.source.edited_here = guard.edited_here
    built.source.notes = notes
    merge = plan_merge(ws, me, built.source, default_tz=default_tz)
    return Planned(built, merge, key, _missing(ws, guard, built.ids))


def _json(text: str, source: str) -> dict[str, Any]:
    try:
        doc = load_json(text)
    except ValueError as exc:
        raise ImportProblems([f"{source}: not JSON: {exc}"]) from None
    if not isinstance(doc, dict):
        raise ImportProblems([f"{source}: not a Trello board export (not a JSON object)"])
    return doc


def _counted(items: Iterator[Item], total: int, on_progress: Callable[[int, int], None] | None) -> Iterator[Item]:
    for done, item in enumerate(items, start=1):
        if on_progress and (done % 1000 == 0 or done == total):
            on_progress(done, total)
        yield item


def _missing(ws: Workspace, guard: Guard, ids: list[str]) -> list[str]:
    earlier = guard.written("task") - set(ids)
    if not earlier:
        return []
    found = []
    for row_id in sorted(earlier):
        row = ws.conn.execute("SELECT title FROM task WHERE id = ? AND deleted = 0", (row_id,)).fetchone()
        if row is not None:
            found.append(f"{short(row_id)} {row[0]}")
    return found
