"""The app's notice of a cell crewdeck never writes (``crewdeck.sync.state.damaged``): said once, where it is.

A read that failed, or a row that could not be drawn (drawn marked instead),
asks for it: a worker searches the record tables, which only a failure pays
for, and a notice names the table, record and column.  A failure with no
such cell behind it is a bug, said by its own notice alone.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from textual.dom import DOMNode

from crewdeck.sync.state.damaged import DamagedCell, first_damaged_cell

#: What a row drawn from a damaged record shows in place of its title.
DAMAGED_TITLE = "(a damaged record: crewdeck doctor says where)"


class DamagedNotice:
    """Said once per app, however many reads and rows fail on damaged records."""

    def __init__(self, node: DOMNode, path: Path) -> None:
        """``node``: the app, whose workers search and which says what they find."""
        self._node = node
        self._path = path
        self._said = False
        self._searching = False

    def say(self) -> None:
        """Search in a worker unless one searches already or the notice was said; say what it finds."""
        if self._said or self._searching:
            return
        self._searching = True
        self._node.run_worker(self._find, name="find the damaged cell", thread=True, exit_on_error=False)

    def _find(self) -> None:
        try:
            with closing(sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
                cell = first_damaged_cell(conn)
        except sqlite3.Error:  # a file too damaged to search: the failure's own notice is all there is to say
            cell = None
        self._node.app.call_from_thread(self._found, cell)

    def _found(self, cell: DamagedCell | None) -> None:
        self._searching = False
        if cell is not None:
            self._said = True
            self._node.app.notify(f"{cell}; crewdeck doctor lists every such cell", severity="error", timeout=15)
