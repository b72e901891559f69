"""A replica left open and idle: its sync engine writes nothing to it, and what the header says of its last sync stays
true, after a restart too."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from crewdeck.sync.client.engine import SyncEngine, _keep_last_sync
from crewdeck.sync.client.metakeys import META_LAST_SYNC
from crewdeck.sync.state.store import Store, connect, data_version

from .syncsupport import crewdeck, served_replica, wait_until


class CountedPulls(httpx.HTTPTransport):
    """A real transport that counts the pulls sent through it: each is one round of the engine's."""

    def __init__(self) -> None:
        super().__init__()
        self.pulls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "GET" and request.url.path.endswith("/ops"):
            self.pulls += 1
        return response

    def close(self) -> None:
        """Nothing: the engine's loop and its event stream each have a client over this one transport, and the first
        client closed closed the pool, the stream's socket with it, under the other, whose own close then found no
        socket to shut: the stream's read waited out the server's next keep-alive (up to 15 s) before the engine
        could be joined, where an engine's own transports end at once.  ``close_pool`` once the engine has ended."""

    def close_pool(self) -> None:
        super().close()


def test_an_idle_replica_is_not_written_and_its_last_sync_is_kept_as_its_engine_ends(tmp_path: Path) -> None:
    # Every idle round wrote the time of the last sync once a minute was past: a replica left open wrote its file (and
    # woke whoever watched it) once a minute for nothing.
    with served_replica(tmp_path) as (_, replica):
        before = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).replace(microsecond=0)
        with Store(replica) as store:
            store.set_meta(META_LAST_SYNC, before.isoformat())
        looking = connect(replica)
        version = data_version(looking)
        counted = CountedPulls()
        engine = SyncEngine(replica, poll_interval=0.01, transport=counted)
        engine.start()
        try:
            wait_until(lambda: counted.pulls >= 5 and engine.listening, "five idle rounds, the event stream open")
            status = engine.status
            assert status is not None and status.state == "live" and status.last_sync is not None and status.last_sync > before
            assert data_version(looking) == version  # nothing committed to the replica
        finally:
            engine.stop()
            assert engine.join(30)
            counted.close_pool()
        # The app opened next says when the replica was last in step: as the engine ended, not ten minutes before.
        with Store(replica) as store:
            kept = dt.datetime.fromisoformat(store.get_meta(META_LAST_SYNC) or "")
        assert kept >= status.last_sync
        looking.close()


def test_an_idle_replicas_rounds_read_no_log_to_find_nothing_unsent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each round read this member's operations from the push cursor on three times (what waits, the push, what is
    # left): ~9 ms each, every 15 s, at 100,000 operations pulled since they last pushed.
    with served_replica(tmp_path) as (team, replica):
        counted = CountedPulls()
        reads: list[int] = []  # the pulls sent when the engine read the log for this member's operations
        real_connect = sqlite3.connect

        def traced_connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
            conn = real_connect(database, *args, **kwargs)
            if str(replica.resolve()) in str(database):
                conn.set_trace_callback(
                    lambda statement: (
                        reads.append(counted.pulls) if "FROM ops WHERE seq > " in statement and "node = " in statement else None
                    )
                )
            return conn

        monkeypatch.setattr(sqlite3, "connect", traced_connect)
        engine = SyncEngine(replica, poll_interval=0.01, transport=counted)
        engine.start()
        try:
            wait_until(lambda: counted.pulls >= 6, "six idle rounds")
            assert reads and [pulls for pulls in reads if pulls >= 2] == []  # the first round's alone
            # An edit made here (another process's: a command) is still found and sent.
            task = crewdeck("-w", str(replica), "add", "Made while the app was idle").strip()
            with Store(team) as served:
                wait_until(lambda: served.record("task", task) is not None, "the edit pushed")
            wait_until(lambda: engine.status is not None and engine.status.unsent == 0 and engine.status.state == "live", "nothing unsent")
        finally:
            engine.stop()
            assert engine.join(30)
            counted.close_pool()


def test_an_engine_ending_keeps_its_last_round_only_where_the_file_is_free_now(tmp_path: Path) -> None:
    # The last round's time was written as the engine ended with the store's busy timeout: another process writing the
    # replica then (a `crewdeck sync`, an import) held the app's close for as long as its wait.
    with served_replica(tmp_path) as (_, replica):
        store = Store(replica, busy_timeout=3600)
        kept = store.get_meta(META_LAST_SYNC)
        other = connect(replica)
        other.execute("BEGIN IMMEDIATE")
        ending = threading.Thread(target=_keep_last_sync, args=(store, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)))
        ending.start()
        ending.join(60)
        still_waiting = ending.is_alive()
        other.execute("ROLLBACK")
        ending.join()
        assert not still_waiting, "the engine's end waited for another writer's lock"
        assert store.get_meta(META_LAST_SYNC) == kept
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 3_600_000  # the store's own wait, as before
        store.close()
        other.close()


def test_an_engine_ending_writes_nothing_to_a_replica_moved_meanwhile(tmp_path: Path) -> None:
    # It wrote its last round through a bare statement: into the file, and the -wal, that the path no longer named.
    with served_replica(tmp_path) as (_, replica):
        store = Store(replica)
        kept = store.get_meta(META_LAST_SYNC)
        replica.rename(tmp_path / "moved.db")
        _keep_last_sync(store, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))  # later than the join's, to the second
        assert store.get_meta(META_LAST_SYNC) == kept
        store.close()
