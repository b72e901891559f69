"""A line table over any number of rows that arrive in windows.

The table knows only how many rows there are.  When a line on screen has
no row yet it posts ``WindowNeeded`` (once per block of ``BLOCK`` rows) and
draws a placeholder; the owner fetches that window in a worker and hands it
over with ``set_window``.  So scrolling 100,000 rows never builds a widget
per row, never holds more than the windows near the screen, and never
blocks on the store.  The task list and the ledger's entries are both this.

A new list may come before it is counted (``reset`` without a total): its
first rows are shown, with no scrollbar, until ``set_total``.  Meanwhile a
key that moves the cursor off the rows on screen (``G``, a page down past
them) waits for the count, and every key typed after it waits behind it
(``hold_keys``: held where they are typed, so that ``d`` acts on the row
``G`` lands on, not the row under the cursor when it was typed), to go on
once the cursor's row is there.  A count that fails (``count_failed``),
or another list (``reset``), drops them, each named, the one that waited
too; the same list read again (``reset``'s ``again``: another's change)
keeps them, to act on it as it is now.  Keys held behind them for as long as
they may wait are dropped by their owner, said; the keys that wait for the
count still act once it comes, and the notice says so (``StillWaiting``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from textual import events
from textual.message import Message

from crewdeck.widgets.line_table import LineTable

#: Rows per window request.
BLOCK = 100
#: Windows kept around the screen; farther ones are dropped.
KEEP_BLOCKS = 12

R = TypeVar("R")


@dataclass(frozen=True)
class StillWaiting:
    """The keys that still wait for the count when those typed after them were dropped for waiting too long: each as
    typed, and what they do once it comes ("goes to the last row once counted")."""

    keys: tuple[str, ...]
    does: str


class HeldKeys(Protocol):
    """The keys typed after one that waits for the count, held where they are typed (a table sees only its own)."""

    def send_on(self) -> None:
        """Send them on, as if typed now: the keys before them have moved the cursor."""

    def drop(self, why: str, waited: Sequence[str]) -> None:
        """Drop them, saying so and ``why``, naming first the keys that ``waited`` in the table before them (``G``)."""


class WindowedTable(LineTable, Generic[R]):
    """Rows by index, fetched in windows; subclasses draw a row (``row_cells``)."""

    @dataclass
    class WindowNeeded(Message):
        """Rows ``offset .. offset + limit`` are on screen but not loaded: call ``set_window``."""

        table: WindowedTable[Any]
        offset: int
        limit: int
        #: Hand this back to ``set_window``: answers for an older ``reset`` are dropped.
        generation: int

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.total = 0
        self._rows: dict[int, R] = {}
        self._requested: set[int] = set()
        #: Bumped by ``reset`` so a window fetched for an old query is ignored.
        self.generation = 0
        #: Whether the list is being counted: ``total`` is only the rows known, from the top (``set_total`` ends it).
        self.counting = False
        #: The keys pressed while counting that wait for the count, in order (``key_move``), and the keys after them:
        #: each as typed (named if dropped), what it does once counted, in words, and what it does.
        self._waiting: list[tuple[str, str, Callable[[], None]]] = []
        #: The last key typed here, whose binding is running (a binding runs once its key has come by the focus).
        self._typed = ""
        #: Holds the keys typed from now until what it returns sends them on (the owner's: the app's keys typed ahead);
        #: given what to call if it dropped them for waiting too long, when the keys typed since wait again: it answers
        #: which keys still wait for the count, for the notice of those dropped to say.
        self.hold_keys: Callable[[Callable[[], StillWaiting | None]], HeldKeys | None] | None = None
        #: Counted, but not yet drawn with its scrollbar: the keys that waited for the count wait for it too.
        self._unscrollable = False
        #: The keys held behind ``_waiting``, sent on once the cursor's row is there.
        self._held: HeldKeys | None = None

    # ------------------------------------------------------------ data in

    def reset(self, total: int | None, cursor: int = 0, window: tuple[int, Sequence[R]] | None = None, *, again: bool = False) -> None:
        """A new list: ``total`` rows; the cursor at ``cursor``; ``window``, if given, the rows already fetched
        with the count (``(offset, rows)``), so only what is still missing is asked for.

        ``total`` ``None``: not counted yet; ``window`` holds the list's first rows and ``set_total`` follows.
        ``again``: the same list read again (another's change): the keys waiting for it run on it as it is now, once
        counted, where those for another list are dropped, said."""
        self.generation += 1
        self.counting = total is None
        self._unscrollable = False
        if not again:
            self._drop_keys("the list changed before they could act")
        if total is None:
            total = window[0] + len(window[1]) if window is not None else 0
        self.total = total
        self._rows.clear()
        self._requested.clear()
        if window is not None:
            offset, rows = window
            self._rows.update((offset + i, row) for i, row in enumerate(rows) if offset + i < total)
        self.cursor = max(0, min(cursor, total - 1))
        self.rows_changed()
        # Scroll to the cursor; it is announced when its row is there.
        self.move_cursor(self.cursor)
        if self._waiting and not self.counting:  # kept for the list read again, counted with its rows: run as counted
            self._run_once_scrollable()
        if self.cursor in self._rows:
            self.cursor_moved(self.cursor)
            self._send_on_if_landed()
        self._request_visible()

    def set_total(self, total: int) -> None:
        """The count of a list ``reset`` without one: the scrollbar takes it, and the keys that waited for it move the
        cursor, in order."""
        if not self.counting:
            return
        self.counting = False
        self.total = total
        for index in [i for i in self._rows if i >= total]:  # a task closed between the rows' read and the count
            del self._rows[index]
        self.rows_changed()
        self._request_visible()
        self._run_once_scrollable()

    def _run_once_scrollable(self) -> None:
        # After a refresh, with the scrollbar as a rule: a G typed meanwhile (the count came first) put the cursor on the
        # last row with the top of the list on the screen, its row never read.  A refresh may still come before the
        # table is laid out again: the cursor's scroll is forced (``scroll_to_cursor``), not left to the scrollbar.
        self._unscrollable = True
        self.call_after_refresh(self._keys_counted, self.generation)

    def _keys_counted(self, generation: int) -> None:
        if generation != self.generation:
            return  # another list since: the keys were for this one
        self._unscrollable = False
        waiting, self._waiting = self._waiting, []
        for _, _, key in waiting:
            key()
        self._send_on_if_landed()

    def count_failed(self, why: str) -> None:
        """The list ``reset`` without a count will not have one (``why``): the keys that waited for it are dropped,
        said, as are those typed after them (moved to a row that is not the one meant, ``d`` would mark another task).
        Its rows read are all it shows from now, the cursor's keys moving among them."""
        if not self.counting:
            return
        self.counting = False
        self._drop_keys(why)
        self.rows_changed()

    def _send_on_if_landed(self) -> None:
        """Send on the keys held behind the keys that waited, once these have run and the cursor's row is there."""
        if self._held is None or self._waiting or self.counting or self._unscrollable or (self.total and self.cursor_row is None):
            return
        held, self._held = self._held, None
        held.send_on()

    def _drop_keys(self, why: str) -> None:
        """Drop the keys that wait for the count and those held behind them, each named (``G`` too: said, not lost)."""
        waited = [typed for typed, _, _ in self._waiting if typed]
        self._waiting.clear()
        held, self._held = self._held, None
        if held is not None:
            held.drop(why, waited)

    def _hold(self) -> None:
        """Hold the keys typed from now behind those waiting (again once a hold dropped them for waiting too long)."""
        if self._held is None and self.hold_keys is not None:
            self._held = self.hold_keys(self._held_too_long)

    def _held_too_long(self) -> StillWaiting | None:
        """The keys held behind those waiting were dropped for waiting too long: those waiting stay, to act once counted
        (``G`` still goes to the last row), the keys typed from now held behind them again; which they are, to be said."""
        self._held = None
        if not self._waiting:
            return None
        self._hold()
        keys = tuple(typed for typed, _, _ in self._waiting if typed)
        if not keys:
            return None
        return StillWaiting(keys, self._waiting[0][1] if len(self._waiting) == 1 else "act in order once counted")

    def set_window(self, offset: int, rows: Sequence[R], generation: int | None = None) -> None:
        """Rows fetched for ``WindowNeeded`` (pass its ``generation`` to drop stale answers)."""
        if generation is not None and generation != self.generation:
            return
        for i, row in enumerate(rows):
            if offset + i < self.total:
                self._rows[offset + i] = row
        self._requested.discard(offset - offset % BLOCK)
        self._forget_far_blocks()
        self.refresh()
        if offset <= self.cursor < offset + len(rows):
            self.cursor_moved(self.cursor)
            self._send_on_if_landed()

    def row_at(self, index: int) -> R | None:
        return self._rows.get(index)

    @property
    def cursor_row(self) -> R | None:
        return self.row_at(self.cursor)

    def loaded_rows(self) -> list[tuple[int, R]]:
        return [(index, row) for index in sorted(self._rows) if (row := self.row_at(index)) is not None]

    def _forget_far_blocks(self) -> None:
        if len(self._rows) <= KEEP_BLOCKS * BLOCK:
            return
        top = round(self.scroll_y)
        keep = range(top - KEEP_BLOCKS // 2 * BLOCK, top + self.page + KEEP_BLOCKS // 2 * BLOCK)
        for index in [i for i in self._rows if i not in keep and i != self.cursor]:
            del self._rows[index]

    # ------------------------------------------------------------ LineTable

    def row_count(self) -> int:
        return self.total

    def virtual_height(self) -> int:
        # Not counted yet: no taller than the table, so no scrollbar says a length the list may not have.
        return min(super().virtual_height(), self.size.height) if self.counting else super().virtual_height()

    def key_move(self, to: Callable[[], int], *, to_end: bool = False) -> None:
        # While counting, only the rows on screen are known to be there (the list is not scrolled meanwhile).
        if self._waiting or ((self.counting or self._unscrollable) and (to_end or to() >= min(self.total, self.page))):
            does = "goes to the last row once counted" if to_end else "moves the cursor once counted"
            self._waiting.append((self._typed, does, lambda: self.key_move(to, to_end=to_end)))
            self._hold()
            return
        super().key_move(to, to_end=to_end)
        # The last row is read in a worker: the keys after G are for it.  An empty list has none to wait for.
        if to_end and self.total and self.cursor_row is None:
            self._hold()

    def action_activate(self) -> None:
        if self._waiting:  # the row it opens is the one the keys before it move to
            self._waiting.append((self._typed, "opens its row once counted", self.action_activate))
            return
        super().action_activate()

    def on_key(self, event: events.Key) -> None:
        self._typed = event.key

    def _request_visible(self) -> None:
        """Ask for the windows of the rows on screen that are not loaded (each once)."""
        top = round(self.scroll_y)
        end = min(top + self.page, self.total)
        for block in range(top - top % BLOCK, end, BLOCK):
            if block in self._requested:
                continue
            if any(i not in self._rows for i in range(max(block, top), min(block + BLOCK, end))):
                self._requested.add(block)
                self.post_message(self.WindowNeeded(self, block, BLOCK, self.generation))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    def on_resize(self) -> None:
        super().on_resize()
        self._request_visible()
