"""``crewdeck web`` over a workspace in PostgreSQL: a copy of it in a file, which the browser sessions use as a shared file.

The web process holds the database's credentials, as ``crewdeck serve --database`` does.  It keeps the copy up to date
from the log in PostgreSQL (``PgStore.ops_after``, by ``seq`` as a replica pulls) and sends what the sessions wrote in
it, the operations of the copy's own node, through the server's push (``PgStore.push`` with no member: each operation
is judged as its own member, against the database's state, as every pushed operation is).  What the rules refuse there
leaves the copy (``Store.drop_refused``) and stays listed in it, as on a replica.  Sign-in links and sessions live in
the copy (its local tables), made by a manager with ``crewdeck --workspace COPY web link @H``.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.push import RefusedOp
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import visible
from crewdeck.tui.web.copy_keys import META_PULL_OP, META_PULL_SEQ, META_PUSH_SEQ, META_WORKSPACE
from crewdeck.tui.web.signin import length_words

if TYPE_CHECKING:
    from crewdeck.sync.server.pgstore import PgStore

#: The copy's mode: it holds sign-in links and writes that reach the database as any member's, so its account's alone.
COPY_MODE = 0o600
#: Operations in one page, each way.
PAGE = 5_000
#: Bytes of operations in one pulled page (the sync server's page).
PAGE_BYTES = 4 * 1024 * 1024
#: Seconds between two looks at the database and at the copy's new writes.
POLL = 0.25
#: Longest wait between two attempts while the database is away.
MOST_BACKOFF = 10.0
#: Seconds the copy may go without being brought up to date before it is no longer served.
STALE_AFTER = 120.0


class MirrorError(Exception):
    """A file that is no copy of the workspace named, or a copy the database no longer matches: one line."""


@dataclass
class Round:
    pulled: int = 0
    pushed: int = 0
    refused: list[RefusedOp] = field(default_factory=list)


def open_copy(path: Path, workspace: str) -> Store:
    """The copy of ``workspace`` at ``path``, made empty when there is none (the first round fills it)."""
    if not path.exists():
        store = Store.create(path, mode=COPY_MODE)
        store.set_metas({META_WORKSPACE: workspace})
        return store
    # Read before the copy is opened: its ``-wal`` and ``-shm`` files, when opening makes them, take its mode.
    modes = {name: _mode(name) for name in (f"{path}{suffix}" for suffix in ("", "-wal", "-shm"))}
    store = Store(path)
    held = store.get_meta(META_WORKSPACE)
    if held != workspace:
        store.close()
        if held is None:
            raise MirrorError(
                f"{typed_name(path)} is a workspace file, not crewdeck web's copy of a workspace in PostgreSQL: "
                "give --database a file name of its own (it is made on first use)"
            )
        raise MirrorError(
            f"{typed_name(path)} is crewdeck web's copy of workspace {held!r}, not {workspace!r}: give --name {held} or another file"
        )
    open_to_others = [name for name, mode in modes.items() if stat.S_IMODE(mode) & ~COPY_MODE]
    if open_to_others:
        store.close()
        # Refused, not tightened: whoever could write it may have written in it as any member, for the database to take.
        shown = " ".join(shlex.quote(typed_name(name)) for name in open_to_others)
        raise MirrorError(
            f"{typed_name(path)} is crewdeck web's copy and other Unix users may read or write it (mode {stat.filemode(modes[open_to_others[0]])}): "
            f"it is the web's account's alone; check who wrote in it, then: chmod 600 {shown}"
        )
    return store


def _mode(name: str) -> int:
    """The type and permission bits of the file ``name``; 0 when there is none."""
    try:
        return os.stat(name).st_mode
    except FileNotFoundError:
        return 0


def sync_round(store: Store, pg: PgStore, workspace: str) -> Round:
    """Pull what the database holds past the copy's cursor, then push what the copy's sessions wrote since its own."""
    done = Round()
    after = int(store.get_meta(META_PULL_SEQ) or 0)
    if after:
        _check_cursor(store, pg, workspace, after)
    while True:
        page, _ = pg.ops_after(workspace, after, PAGE, PAGE_BYTES)
        if not page:
            break
        after = page[-1][0]
        meta = {META_PULL_SEQ: str(after), META_PULL_OP: page[-1][1].op_id}
        done.pulled += store.apply((op for _, op in page), meta=meta).ops
    while own := store.own_ops_after(int(store.get_meta(META_PUSH_SEQ) or 0), PAGE):
        result, _ = pg.push(workspace, None, [op for _, op in own])
        cursor = {META_PUSH_SEQ: str(own[-1][0])}
        if result.refused:
            store.drop_refused(result.refused, meta=cursor)
        else:
            store.set_metas(cursor)
        done.pushed += len(result.fresh)
        done.refused.extend(result.refused)
    return done


def _check_cursor(store: Store, pg: PgStore, workspace: str, after: int) -> None:
    """``MirrorError`` when the database no longer holds the operation the copy pulled as ``after`` (a copy made before
    the operation was kept is checked for one at that ``seq`` at all): put back from an older backup, it numbers other
    operations there, which the copy would never pull, and it lost what the copy had sent since, which it would never
    send again.  The copy is not healed: its sign-in links and sessions would sit beside a history pulled again."""
    held, there = store.get_meta(META_PULL_OP), pg.op_id_at(workspace, after)
    if there is None or (held and there != held):
        raise MirrorError(
            f"workspace {workspace} in PostgreSQL no longer holds the operation this copy pulled as #{after:,} (put back "
            f"from an older backup?): move {typed_name(store.path)} aside and start crewdeck web again to make a new copy (and its "
            "sign-in links again)"
        )


class Mirror:
    """The copy kept up to date on a thread of its own, while ``crewdeck web`` serves it.

    ``no_longer_served`` is set once the copy may no longer be served (``failed`` says why): ``cmd_web`` hands it to the
    server, which then ends every session and stops as Ctrl-C stops it, and says the line."""

    def __init__(self, path: Path, dsn: str, workspace: str) -> None:
        self.path = path
        self.dsn = dsn
        self.workspace = workspace
        #: Why the copy may no longer be served (one line), once the thread found it.
        self.failed = ""
        self.no_longer_served = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mirror", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        from crewdeck.sync.server.pgstore import PgStore

        store: Store | None = None
        pg: PgStore | None = None
        said, wait = "", POLL
        # ``cmd_web`` brought the copy up to date just before it started the thread.
        synced = time.monotonic()
        try:
            while not self._stop.is_set():
                try:
                    if store is None:
                        store = Store(self.path)
                    if pg is None:
                        pg = PgStore.open(self.dsn)
                    sync_round(store, pg, self.workspace)
                    said, wait, synced = "", POLL, time.monotonic()
                except MirrorError as exc:
                    # Sessions on a copy the database no longer matches would write what never reaches it.
                    self._fail(str(exc))
                    return
                except Exception as exc:
                    # Whatever stopped the round may pass: the database away, the copy locked by a session past its busy
                    # timeout, a full disk, this host's clock set back behind the stamps of the sessions' writes.  Any
                    # of them ended the thread for good, and the copy went on being served, never brought up to date.
                    line = _one_line(exc)
                    if line != said:
                        # Once a reason: an outage is one line, not four a second.
                        said = line
                        sys.stderr.write(f"crewdeck web: the copy cannot sync with PostgreSQL now: {line}; retrying\n")
                        sys.stderr.flush()
                    # Opened afresh for the next round: a connection the error left in a transaction serves no other.
                    _closed(store)
                    _closed(pg)
                    store, pg = None, None
                    if time.monotonic() - synced > STALE_AFTER:
                        self._fail(
                            f"the copy of workspace {self.workspace} was not brought up to date from PostgreSQL for "
                            f"over {length_words(int(STALE_AFTER))} ({line}): it is no longer served, as its sessions would act on "
                            "what the database no longer holds and their writes would not reach it; start crewdeck web "
                            "again once that is fixed"
                        )
                        return
                    wait = min(wait * 2, MOST_BACKOFF)
                self._stop.wait(wait)
        finally:
            _closed(store)
            _closed(pg)

    def _fail(self, line: str) -> None:
        self.failed = line
        self.no_longer_served.set()


def _one_line(exc: Exception) -> str:
    """What stopped a round, as one line with nothing a terminal would act on."""
    text = str(exc).strip()
    return visible(text.splitlines()[0]) if text else type(exc).__name__


def _closed(held: Store | PgStore | None) -> None:
    """``held`` closed, when open (an error closing it is no news: it is dropped either way)."""
    if held is not None:
        with contextlib.suppress(Exception):
            held.close()
