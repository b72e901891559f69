"""The task list made ready while Textual starts: the first page, then every score.

Scoring every task takes longer than Textual takes to start; the first
screen needs only its first page, which a top-N sort finds sooner.
``first_page`` hands that page over.  Scoring waits for ``start_scoring``
(the first screen is drawn) or for the first read of the ranked list: at
100,000 tasks it keeps a core busy for ~200 ms, which the first paint would
share.  No read sees the list half built (``RankedList``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from dataclasses import dataclass

from crewdeck.tui.session.ranked import RankedList
from crewdeck.tui.session.reading import Reads, TaskRowNames
from crewdeck.tui.tasks.index import Filter
from crewdeck.tui.tasks.listing import TaskRow


@dataclass(frozen=True)
class FirstPage:
    """The start of a list, ready before the ranked index is."""

    text: str
    filter: Filter
    count: int
    rows: list[TaskRow]
    names: TaskRowNames


class WarmUp:
    """One thread at start-up: the first page of a query, then the ranked list built."""

    def __init__(self, reads: Reads, ranked: RankedList) -> None:
        self._reads = reads
        self._ranked = ranked
        self._page: FirstPage | None = None
        #: Clear while the first page is on its way.
        self._page_ready = threading.Event()
        self._page_ready.set()
        self._page_taken = threading.Lock()
        self._cancelled = False
        self._thread: threading.Thread | None = None

    def start(self, text: str | None, now: dt.datetime, rows: int) -> threading.Thread:
        """In a thread: the first ``rows`` of query ``text`` (none for ``None``), then every score."""
        self._page_ready.clear()
        self._ranked.building()
        self._cancelled = False

        def work() -> None:
            prepared: tuple[str, Filter, TaskRowNames] | None = None
            try:
                if text is not None:
                    prepared = (text, self._reads.compile(text, now), self._reads.names())
            except Exception:  # the pane's own load of the same query reports it
                prepared = None
            try:
                if prepared is not None:
                    query, f, names = prepared
                    count, first = self._ranked.first_page(f, now, rows)
                    first = self._reads.with_post_states(first, now)
                    self._page = FirstPage(query, f, count, first, names)
            except sqlite3.Error:  # as above: the pane's own load reports it
                self._page = None
            finally:
                self._page_ready.set()
            self._ranked.wait_until_wanted()
            try:
                if not self._cancelled:
                    self._ranked.score_all(now)
            except sqlite3.Error:  # every read of the list fails the same way, and reports it
                pass
            finally:
                self._ranked.built()

        thread = self._thread = threading.Thread(target=work, name="warm-up", daemon=True)
        thread.start()
        return thread

    def start_scoring(self) -> None:
        """The first screen is drawn: the warm-up may score every task now."""
        self._ranked.want()

    def cancel(self) -> None:
        """Closing: a warm-up still waiting to score does not."""
        self._cancelled = True
        self._ranked.want()

    def first_page(self, text: str, rows: int, wait: bool = True) -> FirstPage | None:
        """The page ``start`` prepared, once: if it is of query ``text`` and has ``rows`` rows (or all).

        Waits for it (it comes sooner than any other query could), unless
        ``wait`` is false: then ``None`` while it is not ready yet.
        """
        if not wait and not self._page_ready.is_set():
            return None
        self._page_ready.wait()
        with self._page_taken:
            page, self._page = self._page, None
        if page is None or page.text != text or len(page.rows) < min(rows, page.count):
            return None
        return page

    def close(self) -> None:
        """Cancel, and wait for the thread to end."""
        self.cancel()
        if self._thread is not None:
            self._thread.join()
