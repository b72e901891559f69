"""The app's notice of a cell crewdeck never writes (``crewdeck.sync.state.damaged``): said once, where it is.

A row that could not be drawn asks for its own record's cells, a search by
its id: a row whose record has one is drawn marked, and the notice names
the cell; any other row's failure is a bug, and goes on as one.  A read that
failed asks for a search of the record tables, in a worker, once per state
of the file (a failure that recurs on a file no one changed pays nothing
more); a notice names what it finds.  A failure with no such cell behind
it is a bug, said by its own notice alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from functools import partial
from pathlib import Path

from textual.dom import DOMNode

from crewdeck.sync.state.damaged import DamagedCell, damaged_cells, first_damaged_cell

#: What a row drawn from a damaged record shows in place of its title.
DAMAGED_TITLE = "(a damaged record: crewdeck doctor says where)"

#: The file's and its write-ahead log's (size, time of change): a search found nothing in the file while it stays so.
FileState = tuple[tuple[int, int] | None, ...]


class DamagedNotice:
    """Said once per app, however many reads and rows fail on damaged records."""

    def __init__(self, node: DOMNode, path: Path) -> None:
        """``node``: the app, whose workers search and which says what they find."""
        self._node = node
        self._path = path
        self._said = False
        self._searching = False
        #: The file as it was when a search found no damaged cell in it.
        self._clean: FileState | None = None
        #: Each record's first damaged cell (or ``None``), by table and id: a row is drawn again and again.
        self._records: dict[tuple[str, str], DamagedCell | None] = {}

    def of_record(self, table: str, record: str) -> DamagedCell | None:
        """The first damaged cell of ``table``'s record ``record`` (its id as stored), searched once per app."""
        key = (table, record)
        if key not in self._records:
            try:
                with self._connection() as conn:
                    self._records[key] = next(damaged_cells(conn, (table,), records=(record,)), None)
            except sqlite3.Error:  # a file too damaged to search: the row's failure is said as it is
                self._records[key] = None
        return self._records[key]

    def say(self, cell: DamagedCell | None = None, *, reads: Sequence[str] = ()) -> None:
        """Say ``cell``; without one, search in a worker for the first, of the tables of ``reads`` first (those a
        failed read read), unless one searches already, the notice was said, or the file is as it was when a
        search found none."""
        if cell is not None:
            self._found(cell)
            return
        if self._said or self._searching or self._clean == self._state():
            return
        self._searching = True
        self._node.run_worker(partial(self._find, reads), name="find the damaged cell", thread=True, exit_on_error=False)

    def _state(self) -> FileState:
        def of(path: Path) -> tuple[int, int] | None:
            try:
                status = path.stat()
            except OSError:
                return None
            return status.st_size, status.st_mtime_ns

        return of(self._path), of(self._path.with_name(self._path.name + "-wal"))

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            yield conn

    def _find(self, reads: Sequence[str]) -> None:
        state = self._state()
        try:
            with self._connection() as conn:
                cell = first_damaged_cell(conn, reads)
        except sqlite3.Error:  # a file too damaged to search: the failure's own notice is all there is to say
            cell = None
        self._node.app.call_from_thread(self._searched, cell, state)

    def _searched(self, cell: DamagedCell | None, state: FileState) -> None:
        self._searching = False
        if cell is None:
            self._clean = state
        else:
            self._found(cell)

    def _found(self, cell: DamagedCell) -> None:
        if not self._said:
            self._said = True
            self._node.app.notify(f"{cell}; crewdeck doctor lists every such cell", severity="error", timeout=15)
