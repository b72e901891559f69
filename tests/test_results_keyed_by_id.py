"""A result's key (its kind, post, campaign, platform and day) comes from its id (``Entity.from_id``), not from
operations: crewdeck writes a day's numbers alone, and a record reads the same whether its key came as operations (as
older replicas wrote it) or from the id, written here, imported by the rules' judge or pulled and rebuilt."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.state import rollups
from crewdeck.sync.state.store import Store
from crewdeck.tui.results.keys import Key, write

from .conftest import copy_of_workspace
from .syncsupport import crewdeck

DAYS = ("2026-11-19", "2026-11-20", "2026-12-01")


def _build(path: Path) -> None:
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    crewdeck("-w", str(path), "--as", "ana", "campaign", "add", "Launch", "--platforms", "instagram,meta")
    post = crewdeck("-w", str(path), "--as", "ana", "add", "Reel one +launch").strip()
    crewdeck("-w", str(path), "--as", "ana", "set", post, "platform=instagram")


def _workspace(tmp_path: Path, name: str) -> Path:
    return copy_of_workspace("results-keyed.db", _build, tmp_path / f"{name}.db", key="results-keyed")


def _numbers(store: Store) -> list[tuple[Key, str, dict[str, Any]]]:
    campaign = store.conn.execute("SELECT id FROM campaign").fetchone()[0]
    post = store.conn.execute("SELECT id FROM task").fetchone()[0]
    rows: list[tuple[Key, str, dict[str, Any]]] = []
    for n, day in enumerate(DAYS, start=1):
        rows.append((Key("post", post=post), day, {"impressions": 100 * n, "reach": 80 * n, "clicks": n}))
        value = {"amount": 250 * n, "currency": "EUR"}
        rows.append(
            (
                Key("campaign", campaign=campaign, platform="meta"),
                day,
                {"impressions": 900 * n, "conversions": n, "conversion_value": value},
            )
        )
        rows.append((Key("followers", platform="instagram"), day, {"followers": 4000 + n}))
    return rows


def _key_ops(key: Key, day: str) -> dict[str, Any]:
    """The key fields as operations, as crewdeck wrote them before its ids gave them."""
    fields = {"kind": key.kind, "post": key.post, "campaign": key.campaign, "platform": key.platform, "day": day}
    return {name: value for name, value in fields.items() if value is not None}


def _member(store: Store) -> str:
    return str(store.conn.execute("SELECT id FROM member").fetchone()[0])


def _held(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The results and their roll-ups as stored, but for the stamp of each record's last write."""
    conn = sqlite3.connect(path)
    try:
        held = {}
        for table in ("result", "result_month", "result_day"):
            names = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])") if row[1] != "updated_op"]
            held[table] = conn.execute(f"SELECT {', '.join(f'[{n}]' for n in names)} FROM [{table}] ORDER BY 1, 2, 3").fetchall()
        return held
    finally:
        conn.close()


@pytest.mark.parametrize("judged", [True, False])
def test_the_same_numbers_with_the_key_as_operations_or_from_the_id_are_the_same_rows(tmp_path: Path, judged: bool) -> None:
    old, new = _workspace(tmp_path, "old"), _workspace(tmp_path, "new")
    with Store(old) as store:
        member = _member(store)
        with store.write(member, judged=judged) as w:
            for key, day, values in _numbers(store):
                w.set("result", key.row_id(day), {**_key_ops(key, day), **values, "source": "kpi add"})
        old_ops = store.op_count()
    with Store(new) as store:
        write(store, _member(store), _numbers(store), "kpi add")
        new_ops = store.op_count()
        key_ops = store.conn.execute("SELECT count(*) FROM ops WHERE entity = 'result' AND field IN ('kind', 'day')").fetchone()[0]
    assert key_ops == 0  # crewdeck writes no key: the id is it
    assert old_ops - new_ops == len(DAYS) * (3 + 4 + 3)  # per day: a post's kind, post, day; a campaign's four; followers' three
    held = _held(new)
    assert held["result"] and held["result_month"] and held["result_day"]
    assert held == _held(old)


def test_results_pulled_without_their_key_are_rebuilt_with_it(tmp_path: Path) -> None:
    """Operations applied from another replica (a pull, a push the server takes) rebuild the record from the log: its
    key comes from its id there too."""
    written, pulled = _workspace(tmp_path, "written"), _workspace(tmp_path, "pulled")
    with Store(written) as store:
        with store.write(_member(store)) as w:
            for key, day, values in _numbers(store):
                w.set("result", key.row_id(day), values)  # its numbers alone
        ops = [op for _, op in store.ops_after(0, limit=100_000) if op.entity == "result"]
    with Store(pulled) as store:
        store.apply(ops)
    assert _held(pulled)["result"] == _held(written)["result"]
    with Store(pulled) as store:
        post = store.conn.execute("SELECT id FROM task").fetchone()[0]
        record = store.record("result", Key("post", post=post).row_id("2026-11-20"))
    assert record is not None
    assert {name: record[name] for name in ("kind", "post", "campaign", "platform", "day", "clicks")} == {
        "kind": "post",
        "post": post,
        "campaign": None,
        "platform": None,
        "day": "2026-11-20",
        "clicks": 2,
    }


def test_a_file_the_build_before_left_without_result_keys_opens_with_them(tmp_path: Path) -> None:
    """The build before ``from_id`` stored a pulled result's numbers alone: every key column NULL, missed by its
    roll-ups.  Opening the file with this build reads the key from each id, and the roll-ups count the records."""
    keyed, keyless = _workspace(tmp_path, "keyed"), _workspace(tmp_path, "keyless")
    for path in (keyed, keyless):
        with Store(path) as store:
            write(store, _member(store), _numbers(store), "kpi add")
    conn = sqlite3.connect(keyless)
    try:
        with conn:
            conn.execute("UPDATE result SET kind = NULL, post = NULL, campaign = NULL, platform = NULL, day = NULL")
            rollups.rebuild(conn)
            conn.execute("PRAGMA user_version = 19")  # the build before migration 20
    finally:
        conn.close()
    assert not _held(keyless)["result_month"]  # as the build before left it: its roll-ups miss the keyless rows
    with Store(keyless):
        pass
    assert _held(keyless) == _held(keyed)
