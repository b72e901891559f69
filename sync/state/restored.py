"""Where a log's order stops telling what a writer had seen: a server put back from an older backup is sent again what
it lost, in the order its replicas sync, not the order the edits first came in.

Kept in the file's ``meta`` (local, never replicated) by whoever finds it: a replica whose history is pulled again
(``remote._pull_or_start_over``), and a served workspace file asked to skip numbers it had acknowledged (a ``gap``).
"""

from __future__ import annotations

import sqlite3

from crewdeck.sync.state.clock import MAX_DRIFT_MS, Stamp
from crewdeck.sync.state.store import Store

#: ``"SEQ STAMP"``: operations stored from past ``SEQ`` on and stamped before ``STAMP`` may be ones stored again.
META_RESTORED = "sync.restored"


def mark_restored(store: Store) -> None:
    """From this log's head on, an operation stamped before now (and the drift a server takes of a clock running fast)
    may have been made before the restore and be stored again: two such restores are one, the wider.  "Now" is the
    later of this machine's clock and the log's: a clock set back since would leave out what was stamped before."""
    (last,) = store.conn.execute("SELECT last FROM clock WHERE id = 1").fetchone()
    head, stamp = store.max_seq(), f"{max(store.wall(), Stamp.parse(last).ms) + MAX_DRIFT_MS:013d}"

    def wider(was: str | None) -> str:
        if not was:
            return f"{head} {stamp}"
        seq, before = was.split()
        return f"{min(head, int(seq))} {max(stamp, before)}"

    store.update_meta(META_RESTORED, wider)


def restored_bounds(conn: sqlite3.Connection) -> tuple[int, str]:
    """``(seq, stamp)`` of ``mark_restored``: an operation stored past ``seq`` and stamped before ``stamp`` may be one a
    restored server was sent again; ``(0, "")`` (nothing is stamped before it) when this log never found one."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_RESTORED,)).fetchone()
    if not row or not row[0]:
        return 0, ""
    seq, stamp = str(row[0]).split()
    return int(seq), stamp
