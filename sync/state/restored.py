"""Where a log's order stops telling what a writer had seen: a server put back from an older backup is sent again what
it lost, in the order its replicas sync, not the order the edits first came in.

Kept in the file's ``meta`` (local, never replicated) by whoever finds it: a replica whose history is pulled again
(``remote._pull_or_start_over``), and a served workspace file asked to skip numbers it had acknowledged (a ``gap``).
"""

from __future__ import annotations

import sqlite3

from crewdeck.sync.state.clock import MAX_DRIFT_MS, Stamp
from crewdeck.sync.state.store import Store

#: ``"SEQ STAMP"``, one window a line, oldest first: operations stored past ``SEQ`` and stamped before ``STAMP`` may be
#: ones stored again.  Each restore a window of its own: one widened to cover them all would hide, for good, what the
#: log can tell of every edit stored between them.
META_RESTORED = "sync.restored"
#: Windows kept at most: past it, the two oldest become one (the lower seq, the later stamp).
MAX_WINDOWS = 16


def mark_restored(store: Store) -> None:
    """From this log's head on, an operation stamped before now (and the drift a server takes of a clock running fast)
    may have been made before the restore and be stored again.  "Now" is the later of this machine's clock and the
    log's: a clock set back since would leave out what was stamped before."""
    (last,) = store.conn.execute("SELECT last FROM clock WHERE id = 1").fetchone()
    head, stamp = store.max_seq(), f"{max(store.wall(), Stamp.parse(last).ms) + MAX_DRIFT_MS:013d}"

    def added(was: str | None) -> str:
        windows = [*_windows(was), (head, stamp)]
        if len(windows) > MAX_WINDOWS:
            (seq, before), (_, later) = windows[:2]
            windows[:2] = [(seq, max(before, later))]
        return "\n".join(f"{seq} {before}" for seq, before in windows)

    store.update_meta(META_RESTORED, added)


def restored_bounds(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """``(seq, stamp)`` of each ``mark_restored``: an operation stored past ``seq`` and stamped before ``stamp`` may be
    one a restored server was sent again; none when this log never found one."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_RESTORED,)).fetchone()
    return _windows(row[0] if row else None)


def _windows(text: str | None) -> list[tuple[int, str]]:
    return [(int(seq), stamp) for seq, stamp in (line.split() for line in (text or "").splitlines() if line.strip())]
