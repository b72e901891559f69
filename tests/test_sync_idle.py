"""A replica left open and idle: its sync engine writes nothing to it, and what the header says of its last sync stays
true, after a restart too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx

from crewdeck.sync.client.engine import SyncEngine
from crewdeck.sync.client.metakeys import META_LAST_SYNC
from crewdeck.sync.state.store import Store, connect, data_version

from .syncsupport import served_replica, wait_until


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
            wait_until(lambda: counted.pulls >= 5, "five idle rounds")
            status = engine.status
            assert status is not None and status.state == "live" and status.last_sync is not None and status.last_sync > before
            assert data_version(looking) == version  # nothing committed to the replica
        finally:
            engine.stop()
            assert engine.join(30)
        # The app opened next says when the replica was last in step: as the engine ended, not ten minutes before.
        with Store(replica) as store:
            kept = dt.datetime.fromisoformat(store.get_meta(META_LAST_SYNC) or "")
        assert kept >= status.last_sync
        looking.close()
