"""The sync worker: keeps a replica in step with its remote, for as long as it runs.

Plain threads, no UI: the app runs ``SyncEngine.run()`` in a worker thread
(or calls ``start()``) and shows what ``on_status`` reports.  One loop:

1. push pending operations, pull until caught up (``remote.sync_round``);
2. wait for a reason to go again: a "changed" poke from the server's event
   stream (read by a second thread), a new local operation in the replica
   (whichever process made it: the process's one watcher of the file,
   ``filewatch``, says when anything was committed), or the poll interval
   when the event stream is down;
3. when the server cannot be reached, wait with exponential backoff and
   jitter, so a team coming back online does not arrive all at once; when
   a round fails any other way (a refusal, or something no rule expected),
   report ``error`` with what went wrong and retry ten times slower.
   ``kick()`` (the member asks to sync now) ends any of these waits.

``on_status`` is called from the engine's threads, only when the status
changed; a Textual app forwards it with ``call_from_thread``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from crewdeck.sync.client.metakeys import META_LAST_SYNC, META_PULL_SEQ, META_PUSH_SEQ
from crewdeck.sync.client.remote import (
    REMOVED,
    WRONG_SCHEME,
    Client,
    ClockOff,
    Deleted,
    Offline,
    Overwritten,
    Pushed,
    Remote,
    SyncError,
    mark_removed,
    replica_refusal,
    replica_stopped,
    sync_round,
    unsent,
)
from crewdeck.sync.state.clock import ClockSkewError
from crewdeck.sync.state.filewatch import Subscription, subscribe
from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.store import WINDOW_CACHE_KIB, Store, WorkspaceError

if TYPE_CHECKING:
    import httpx

State = Literal["live", "syncing", "offline", "error"]
#: A server reached at an address it does not answer that way on: the replica's URL wants the other scheme, or its
#: certificate is not trusted here.  Retried as any unreachable server is, but said as a refusal, with what to do.
ADDRESS_WRONG = frozenset({WRONG_SCHEME, "untrusted_certificate"})
#: Seconds before an event stream the server ended, after it was live, is asked for again.
STREAM_ENDED_PAUSE = 0.5


@dataclass(frozen=True)
class SyncStatus:
    """What the header shows.

    ``state``: ``live`` (in step, listening for changes), ``syncing`` (a round
    with something to move is running), ``offline`` (the server cannot be
    reached; retrying with backoff) or ``error`` (the server refused us, this
    replica's file failed (``local``), or the round failed unexpectedly;
    retrying slower: ``message`` says why, e.g. a revoked token, a clock that
    is off or a full disk).
    """

    state: State
    unsent: int
    last_sync: dt.datetime | None
    progress: tuple[int, int] | None = None
    message: str = ""
    pushed: int = 0
    pulled: int = 0
    #: This replica's operations the server refused in the last round (dropped; ``Store.refused`` lists them).
    refused: int = 0
    #: Writes made here the last round carried over to a node of the replica's own: it was a copy (``carried_over`` says so).
    carried: int = 0
    #: The last round found the server put back from an older backup, and sent again this many operations made here
    #: (``server_restored`` says so).
    restored: bool = False
    resent: int = 0
    #: Of those, the ones refused when sent again (``server_restored`` says so).
    refused_again: int = 0
    #: Fields changed here that another member's edit made meanwhile replaced in the last round (``remote.overwritten``).
    overwritten: tuple[Overwritten, ...] = ()
    #: Tasks changed here that another member deleted, the deletion pulled in the last round (``remote.deleted_meanwhile``).
    deleted: tuple[Deleted, ...] = ()
    #: Other processes' rounds before the last one (``crewdeck sync``) stored others' operations in these stretches of
    #: the log, each ``(since, until)``, and failed before they told them (``RoundResult.untold_pulls``): what of them
    #: came before the app opened is news.
    untold_pulls: tuple[tuple[int, int], ...] = ()
    #: An ``error`` of this replica's own file (its disk full, say), where the server refused nothing.
    local: bool = False


@dataclass(frozen=True)
class Backoff:
    """Seconds to wait after the n-th failure in a row: doubling up to ``cap``, then jittered."""

    base: float = 0.5
    cap: float = 60.0

    def delay(self, failures: int, rng: random.Random) -> float:
        ceiling = min(self.cap, self.base * 2.0 ** min(max(0, failures - 1), 60))
        # Equal jitter: at least half the ceiling, so retries never bunch up at zero.
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class SyncEngine:
    """Runs sync rounds for the replica at ``path`` until ``stop()``.

    ``on_status(SyncStatus)`` hears every change of status.  ``poll_interval``
    is how often to pull without a poke (a safety net under the event
    stream, and the pace while it is down); ``backoff`` paces
    retries while offline (and, ten times slower, after a refusal).
    ``transport`` swaps httpx's transport (tests inject faults with it).
    A new token given to the replica meanwhile (``crewdeck sync --token``)
    is used from the next round on, which it starts at once.
    """

    #: How soon the engine hears of a local commit, at most, in seconds.
    LOCAL_CHECK = 0.01
    #: Seconds between pulls without a poke, unless the engine is told otherwise.
    POLL_INTERVAL = 15.0

    def __init__(
        self,
        path: str | Path,
        on_status: Callable[[SyncStatus], None] | None = None,
        *,
        poll_interval: float | None = None,
        backoff: Backoff = Backoff(),
        transport: httpx.BaseTransport | None = None,
        seed: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.on_status = on_status
        self.poll_interval = self.POLL_INTERVAL if poll_interval is None else poll_interval
        self.backoff = backoff
        self.transport = transport
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._remote_wake = threading.Event()
        self._kicked = threading.Event()
        self._committed = threading.Event()
        self._thread: threading.Thread | None = None
        #: The loop's thread and the event stream's reader: ``join`` waits for them.
        self._threads: list[threading.Thread] = []
        self._status_lock = threading.Lock()
        self._status: SyncStatus | None = None
        self._events_live = False
        #: The loop's client and the event stream's: ``stop`` closes them, which ends the request each has in flight.
        self._clients: set[Client] = set()
        self._clients_lock = threading.Lock()
        #: The replica's server and token, read again before each round: ``crewdeck sync --token`` may give it a new token.
        self._remote: Remote | None = None
        #: Ends the event stream's wait to reconnect: the engine stops, or the replica has a new token.
        self._relisten = threading.Event()
        #: Ends ``run``: the engine stops, or its loop ended on an error.
        self._released = threading.Event()
        #: The loop's hearing of the replica's commits: closed by ``stop`` itself, not only as the loop ends, since the loop
        #: may still be in a request (``run`` returns first) and the file's watcher thread should not outlive the engine.
        self._commits: Subscription | None = None
        #: The newest head announced by the server, the last one it announced, and the cursor we pulled to.
        self._announced = 0
        self._heard = 0
        self._pulled = 0
        #: This node, its count of operations and the push cursor when a round left none of them unsent: while all three
        #: stay, none is, and a round does not read the log from the cursor on to find that out (three reads a round,
        #: ~9 ms each at 100,000 operations pulled since this member last pushed, every 15 s while idle).
        self._all_sent: tuple[str, int, str | None] | None = None

    # ------------------------------------------------------------ control

    def start(self) -> None:
        """Run in a thread of the engine's own."""
        self._thread = self._started(self._loop, f"sync {self.path.name}")

    def stop(self, timeout: float = 10.0) -> None:
        """End the loop's request in flight and the event stream's, and the loop; wait for it if ``start()`` ran it."""
        self._stop.set()
        self._released.set()
        self._wake.set()
        self._relisten.set()
        with self._clients_lock:
            clients = list(self._clients)
        for client in clients:
            client.close()  # ends its request in flight: a server that never answers held the loop up to ``TIMEOUT``
        commits = self._commits
        if commits is not None:
            commits.close()  # again as the loop ends: closing is idempotent
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def join(self, timeout: float) -> bool:
        """After ``stop()``: wait up to ``timeout`` seconds in all for the loop to end, closing the replica, and for the
        event stream's reader; whether both ended.  ``run`` returns at once on ``stop``, and a session closed then left
        the replica open in the loop's thread (a web or SSH server runs many sessions in one process).  ``stop`` ends the
        requests in flight; a connection still being made (a server that never takes it) ends only with its timeout: the
        wait is bounded for it."""
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads if t is not threading.current_thread())

    def _client(self, remote: Remote) -> Client:
        """A client of ``remote`` that ``stop`` closes; closed at once when the engine stopped meanwhile (its requests
        then end as ``Offline`` without being sent)."""
        client = Client.for_remote(remote, self.transport)
        with self._clients_lock:
            if not self._stop.is_set():
                self._clients.add(client)
                return client
        client.close()
        return client

    def _dropped(self, client: Client) -> None:
        with self._clients_lock:
            self._clients.discard(client)
        client.close()

    def _started(self, target: Callable[..., None], name: str, *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def kick(self) -> None:
        """Sync now: the member asked (the network is back, say), so whatever wait the loop is in ends, a backoff's too."""
        self._kicked.set()
        self._wake.set()

    def _local_commit(self, head: int) -> None:
        """Something was committed to the replica (by us, too): the loop looks whether it was a new operation."""
        self._committed.set()
        self._wake.set()

    @property
    def status(self) -> SyncStatus | None:
        return self._status

    @property
    def listening(self) -> bool:
        """Whether the server's event stream is open (its pokes, and a revocation, arrive at once)."""
        return self._events_live

    def _emit(self, status: SyncStatus) -> None:
        with self._status_lock:
            if status == self._status:
                return
            self._status = status
        if self.on_status:
            self.on_status(status)

    # ------------------------------------------------------------ the loop

    def run(self) -> None:
        """The loop, until ``stop()``: call it from a worker thread.  The loop runs in a daemon thread of its own, and
        ``run`` returns as soon as ``stop()`` is called, a request in flight or not (``stop`` ends it, but a connection
        still being made ends only with its timeout), and an app's worker thread held the process until then after its
        member quit.  The loop's error is raised."""
        failed: list[BaseException] = []

        def loop() -> None:
            try:
                self._loop()
            except BaseException as exc:
                failed.append(exc)
            finally:
                self._released.set()

        self._started(loop, f"sync {self.path.name}")
        self._released.wait()
        if failed:
            raise failed[0]

    def _loop(self) -> None:
        store = Store(self.path, cache_kib=WINDOW_CACHE_KIB)
        remote = Remote.of(store)
        if remote is None:
            store.close()
            raise WorkspaceError(
                f"{typed_name(self.path)} has no remote (join a server with: crewdeck join URL --token-file TOKENFILE {typed_name(self.path)})"
            )
        try:
            commits = self._commits = subscribe(self.path, self._local_commit, interval=self.LOCAL_CHECK)
        except BaseException:
            store.close()
            raise
        self._remote = remote
        client = self._client(remote)
        self._started(self._listen, f"sync events {self.path.name}", remote)
        last = store.get_meta(META_LAST_SYNC)
        last_sync = dt.datetime.fromisoformat(last) if last else None
        self._pulled = int(store.get_meta(META_PULL_SEQ) or 0)
        failures = 0
        made = 0
        try:
            while not self._stop.is_set():
                pushed = Pushed()  # what the round's pushes did, for a round that fails to tell
                try:
                    renewed = self._renewed(store)
                    if renewed is not None:
                        # A new token given to the replica while the engine runs (the advice a refused token gives).
                        remote = self._remote = renewed
                        self._dropped(client)
                        client = self._client(remote)
                        self._relisten.set()
                    # Taken before the round reads anything: an operation
                    # made during the round still wakes the next one.
                    made = store.node_seq()
                    all_sent = _sent_mark(store) == self._all_sent
                    waiting = 0 if all_sent else unsent(store)
                    busy = waiting > 0 or self._announced > self._pulled
                    if busy:
                        self._emit(SyncStatus("syncing", waiting, last_sync))

                    def show(done: int, total: int, waiting: int = waiting, last_sync: dt.datetime | None = last_sync) -> None:
                        if total >= 5_000:  # only a long pull is worth a progress bar
                            self._emit(SyncStatus("syncing", waiting, last_sync, (done, total)))

                    # What a pull stores is told by whoever watches the file (the app), as it is stored.
                    result = sync_round(store, client, show, pull_told=True, idle_kept=False, all_sent=all_sent, pushed=pushed)
                    pulled_to = int(store.get_meta(META_PULL_SEQ) or 0)
                    mark = _sent_mark(store)
                    left = 0 if all_sent and mark == self._all_sent else unsent(store)
                    self._all_sent = mark if left == 0 else None
                except Offline as exc:
                    if self._stop.is_set():
                        break  # ``stop`` closed the client under the round: nothing to tell, nobody to tell it to
                    failures += 1
                    left = self._unsent(store)
                    if exc.code in ADDRESS_WRONG:
                        # No wait mends it (the header read "offline" for good, the server up): said as a refusal is.
                        self._emit(SyncStatus("error", left, last_sync, None, _failure_message(exc, self.path, left)))
                    else:
                        self._emit(SyncStatus("offline", left, last_sync, None, str(exc)))
                    self._pause(self.backoff.delay(failures, self._rng), store, made)
                    continue
                except Exception as exc:
                    # Whatever failed, the loop goes on: the member sees why,
                    # and the next round may well succeed.
                    if self._stop.is_set():
                        break  # a round ``stop`` cut off (a page being fetched as the last was stored, say)
                    if isinstance(exc, SyncError) and exc.code == REMOVED:
                        mark_removed(store)
                    failures += 1
                    left = self._unsent(store, pushed)
                    local = isinstance(exc, (WorkspaceError, sqlite3.DatabaseError))
                    said = _failure_message(exc, self.path, left, answered=pushed.unrecorded > 0)
                    self._emit(SyncStatus("error", left, last_sync, None, said, local=local))
                    self._pause(10 * self.backoff.delay(failures, self._rng), store, made, pushed=pushed)
                    continue
                failures = 0
                if result.restored or pulled_to < self._pulled:
                    # The server's numbers start over below the old cursor (put back from an older backup, found by this
                    # round or by another process syncing the replica, crewdeck sync say): its pokes count from them now.
                    self._announced = min(self._announced, result.head)
                    self._pulled = pulled_to
                    # A teammate's edit announced during the round was weighed against the old cursor, past it, and
                    # woke nothing: looked for now.  (``_pulled`` is set first: the stream weighs a later one against it.)
                    if self._heard > pulled_to:
                        self._poke()
                self._pulled = pulled_to
                last_sync = dt.datetime.now(dt.UTC).replace(microsecond=0)
                self._emit(
                    SyncStatus(
                        "live",
                        left,
                        last_sync,
                        None,
                        "",
                        result.pushed,
                        result.pulled,
                        result.refused,
                        result.carried,
                        result.restored,
                        result.resent,
                        result.refused_again,
                        result.overwritten,
                        result.deleted,
                        result.untold_pulls,
                    )
                )
                self._pause(self.poll_interval, store, made, until_change=True)
        finally:
            self._stop.set()
            commits.close()
            self._dropped(client)
            _keep_last_sync(store, last_sync)
            store.close()

    def _renewed(self, store: Store) -> Remote | None:
        """The replica's server and token when they are no longer the ones in use (``crewdeck sync --token``), else ``None``."""
        found = Remote.of(store)
        return found if found is not None and found != self._remote else None

    def _unsent(self, store: Store, pushed: Pushed | None = None) -> int:
        """Operations not pushed yet (``unsent``); the last count shown when the replica cannot be read either."""
        try:
            return unsent(store, pushed)
        except sqlite3.Error:
            return self._status.unsent if self._status else 0

    def _pause(self, seconds: float, store: Store, made: int, until_change: bool = False, pushed: Pushed | None = None) -> None:
        """Sleep up to ``seconds``; wake early on stop, a poke or ``kick()``, and on a new local operation when ``until_change``.

        ``made``: this node's operation count when the last round began.  A
        commit that did not add to it (the round's own pull, another
        process's bookkeeping) gives nothing to push.  ``pushed``: the failed round's, whose answered push the
        replica could not record: the count kept current leaves it out, as the round's line did.
        """
        deadline = time.monotonic() + seconds
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._wake.wait(remaining):
                return
            self._wake.clear()
            if self._remote_wake.is_set() or self._kicked.is_set() or self._stop.is_set():
                self._remote_wake.clear()
                self._kicked.clear()
                return
            if not self._committed.is_set():
                continue
            self._committed.clear()
            try:
                now = store.node_seq()
                if self._renewed(store) is not None:
                    return  # a new token, after a refusal say: tried at once, not after the backoff
            except sqlite3.Error:
                continue  # the next round says what is wrong with the replica
            if now != made:
                made = now
                if until_change:
                    return
                # Offline: keep the unsent count current, but keep backing off.
                status = self._status
                if status is not None:
                    self._emit(replace(status, unsent=unsent(store, pushed)))

    def _listen(self, remote: Remote) -> None:
        """Read the server's event stream; poke the loop when the head moves past our cursor."""
        client = self._client(remote)
        failures = 0
        try:
            while not self._stop.is_set():
                if self._remote is not None and self._remote != remote:
                    # The replica's new token: the stream is asked for with it, at once.
                    remote = self._remote
                    self._dropped(client)
                    client = self._client(remote)
                    failures = 0
                ended = False
                try:
                    for head in client.events():
                        failures = 0
                        if not self._events_live:
                            self._events_live = True
                            # (Re)connected: whatever happened meanwhile, look now.
                            self._poke()
                        self._announced = max(self._announced, head)
                        self._heard = head
                        if head > self._pulled:
                            self._poke()
                        if self._stop.is_set():
                            return
                    ended = True
                except Offline:
                    # A broken stream, or none to be had: reconnect after a pause.  Said "live" (the round a stopping
                    # server's end of the stream poked found it still answering), the loop asks again at once.
                    status = self._status
                    if status is not None and status.state == "live":
                        self._poke()
                except SyncError:
                    # The server refused the stream or ended it on purpose
                    # (a revoked token): the loop asks at once and shows its
                    # answer, instead of at the next poll.  Refused again
                    # on reconnecting, it does not poke: the loop is backing off.
                    if failures == 0:
                        self._poke()
                except Exception:
                    pass  # a broken stream, whatever broke it: reconnect after a pause
                if self._events_live and not self._stop.is_set():
                    # An open stream ended (a server stopping ends it cleanly, one killed breaks it): the loop asks at
                    # once whether the server is still there, instead of saying "live" until its next poll.
                    self._poke()
                # A stream the server ended (stopping: it ends its streams first) is asked for again soon, not after
                # the backoff: refused then, the server is going, and the loop is asked again (above).
                first_end = ended and self._events_live
                self._events_live = False
                failures += 1
                self._relisten.wait(STREAM_ENDED_PAUSE if first_end else self.backoff.delay(failures, self._rng))
                self._relisten.clear()
        finally:
            self._dropped(client)

    def _poke(self) -> None:
        self._remote_wake.set()
        self._wake.set()


def _sent_mark(store: Store) -> tuple[str, int, str | None]:
    """What says whether operations were made here or sent since (``SyncEngine._all_sent``): the node, its count of
    operations, the push cursor."""
    return store.node, store.node_seq(), store.get_meta(META_PUSH_SEQ)


def _keep_last_sync(store: Store, last_sync: dt.datetime | None) -> None:
    """The last round's time, for the header of the app opened next: the rounds that moved nothing wrote none (an idle
    replica wrote its file once a minute), so the engine writes the last one's as it ends.  A replica that cannot be
    written now (moved, its disk full, another process writing it) keeps the time it has, the last round that moved
    something, still true: the app's close waits for no lock."""
    if last_sync is None:
        return
    with contextlib.suppress(sqlite3.Error, WorkspaceError):
        saved = store.get_meta(META_LAST_SYNC)
        if not saved or dt.datetime.fromisoformat(saved) < last_sync:
            store.set_meta_unless_busy(META_LAST_SYNC, last_sync.isoformat(timespec="seconds"))


def _failure_message(exc: Exception, path: Path, left: int, answered: bool = False) -> str:
    """The one line an ``error`` status shows for a failed round of the replica at ``path`` (``left`` operations unsent;
    ``answered``: the server answered a push the replica failed to record, ``replica_stopped``)."""
    if isinstance(exc, (ClockOff, ClockSkewError)):
        return f"this machine's clock is off: {exc}"
    if isinstance(exc, SyncError):
        return replica_refusal(exc, path, left)
    if isinstance(exc, WorkspaceError):
        return replica_stopped(exc, path, left, answered)
    if isinstance(exc, sqlite3.DatabaseError):
        return str(exc)
    return f"sync failed unexpectedly ({type(exc).__name__}: {exc}); retrying"
