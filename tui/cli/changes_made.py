"""What a command changed, said when it could not write its output after: ``crewdeck add X > /dev/full`` added the task,
then exited 2 as if nothing was done, and a script that ran it again added it twice.

The command's commits are known by their first and last operation (``Context.changes_made``); those still in the log
are the change made (a dry run's, rolled back, is none)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from crewdeck.sync.state.ids import short
from crewdeck.tui.workspace.words import counted

if TYPE_CHECKING:
    from crewdeck.sync.state.oplog import Op
    from crewdeck.tui.workspace.describe import Naming
    from crewdeck.tui.workspace.workspace import Workspace

#: The exit status of a command whose change was made and whose output was not all written (a full disk): a script
#: is not to run it again, as it may one that exited 2.
EXIT_CHANGE_MADE = 3
#: The ids said of one kind of record: an import's thousand tasks are counted, with the first few.
SHOWN_IDS = 5
#: Records whose kind reads otherwise than their table's name.
_NOUNS = {"ledger_entry": "ledger entry", "post_approval": "verdict", "crisis_end": "crisis end"}
#: Records keyed by what they hold, whose id cut short names nothing ("budget budget:1"): said in words, or counted.
_KEYED = ("budget", "rate", "result")


def said(ws: Workspace, commits: list[tuple[Op, Op]], now: dt.datetime) -> str | None:
    """The records ``commits`` changed that the log holds, by kind and short id ("task 1a2b3c4d", "3 ledger entries
    (...)"), in the order they were written; ``None`` when no commit stayed.  A record keyed by what it holds (a budget,
    a rate, a result) is said in words, or counted with the others of its kind (``describe.keyed_record``)."""
    # Here: every command imports this module, and only one whose output was lost reads what it changed.
    from crewdeck.sync.state.records import BOOKKEEPING
    from crewdeck.tui.cli.history import logged
    from crewdeck.tui.posts.reading import posts_among
    from crewdeck.tui.workspace.describe import Naming

    records: dict[str, list[str]] = {}
    seen: set[str] = set()
    for _, (_, _, entity, row_id) in logged(ws, [[first.op_id, last.op_id] for first, last in commits], "op_id, node, entity, row_id"):
        if entity not in BOOKKEEPING and row_id not in seen:
            seen.add(row_id)
            records.setdefault(entity, []).append(row_id)
    if not records:
        return None
    posts = set(posts_among(ws.conn, records.get("task", [])))
    kinds: dict[str, list[str]] = {}
    for entity, row_ids in records.items():
        for row_id in row_ids:
            kinds.setdefault("post" if row_id in posts else _NOUNS.get(entity, entity), []).append(row_id)
    names = Naming.of(ws, "UTC", now)  # no time is said: the zone is none of the words
    return ", ".join(_kind_said(noun, row_ids, names) for noun, row_ids in kinds.items())


def _kind_said(noun: str, row_ids: list[str], names: Naming) -> str:
    from crewdeck.tui.workspace.describe import keyed_record

    if noun == "workspace":
        return "the workspace's settings"
    if noun in _KEYED:
        words = keyed_record(noun, row_ids[0], names) if len(row_ids) == 1 else None
        return words or counted(len(row_ids), noun)
    if len(row_ids) == 1:
        return f"{noun} {short(row_ids[0])}"
    more = f" and {len(row_ids) - SHOWN_IDS:,} more" if len(row_ids) > SHOWN_IDS else ""
    return f"{counted(len(row_ids), noun)} ({', '.join(short(row_id) for row_id in row_ids[:SHOWN_IDS])}{more})"


def output_lost(problem: str, made: str) -> str:
    """The error line of a command whose output could not be written (``problem``) after its change was ``made``."""
    return f"{problem}; the change was made all the same: {made}; do not run the command again"
