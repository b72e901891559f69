"""Who writes in crewdeck web's copy of a workspace in PostgreSQL: the signed-in sessions and the member mapped to the
web's Unix account, never one named by ``--as``, ``CREWDECK_MEMBER`` or the config; and the copy is that account's alone.

The database judges each of the copy's operations as its own member's and refuses the record of a manager acting as
another (``acting_local_only``), so a write ``--as @raj`` on the copy would reach it as @raj's own (reviewer rc).
Real PostgreSQL, as ``test_web_postgres``.
"""

from __future__ import annotations

import os
import stat
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from crewdeck.sync.server.pgstore import PgStore
from crewdeck.tui.session.session import Session
from crewdeck.tui.web.mirror import MirrorError, open_copy, sync_round
from crewdeck.tui.workspace.errors import UserError

from .conftest import in_person
from .syncsupport import crewdeck, crewdeck_fails, free_port
from .test_web_postgres import published  # noqa: F401  (fixture)


def _task_writers(url: str) -> dict[str, set[str]]:
    """Each task title in PostgreSQL -> the handles of the members whose operations wrote it; ``"acting"`` -> those of
    any record of acting as another."""
    with psycopg.connect(url) as conn:
        handles = dict(conn.execute("SELECT row_id, value::jsonb #>> '{}' FROM crewdeck_op WHERE entity = 'member' AND field = 'handle'"))
        titles = dict(conn.execute("SELECT row_id, value::jsonb #>> '{}' FROM crewdeck_op WHERE entity = 'task' AND field = 'title'"))
        rows = conn.execute("SELECT entity, row_id, member FROM crewdeck_op WHERE entity IN ('task', 'acting')").fetchall()
    found: dict[str, set[str]] = {}
    for entity, row_id, member in rows:
        found.setdefault("acting" if entity == "acting" else titles.get(row_id, row_id), set()).add(handles.get(member, member))
    return found


@pytest.fixture
def copy(published: tuple[str, Path], tmp_path: Path) -> tuple[str, Path]:  # noqa: F811
    """The database's url and crewdeck web's copy of its workspace, brought up to date."""
    url, _ = published
    path = tmp_path / "copy.db"
    with closing(PgStore.open(url)) as pg, open_copy(path, "posts") as store:
        sync_round(store, pg, "posts")
    return url, path


def _push(url: str, path: Path) -> None:
    with closing(PgStore.open(url)) as pg, open_copy(path, "posts") as store:
        assert not sync_round(store, pg, "posts").refused


def _own_ops(path: Path) -> int:
    with open_copy(path, "posts") as store:
        return len(store.own_ops_after(0))


def test_the_manager_mapped_to_the_copys_account_writes_in_it_as_herself_only(
    copy: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, path = copy
    refused = crewdeck_fails("-w", str(path), "--as", "raj", "add", "Ana as raj")
    assert "crewdeck web's copy of a workspace in PostgreSQL" in refused and "as @ana only, never --as another" in refused
    assert len(refused.strip().splitlines()) == 1 and "Traceback" not in refused
    monkeypatch.setenv("CREWDECK_MEMBER", "raj")
    assert "never CREWDECK_MEMBER another" in crewdeck_fails("-w", str(path), "add", "Ana as raj by the environment")
    with pytest.raises(UserError, match="never --as another"):
        Session.open(path, "raj")  # the app
    assert _own_ops(path) == 0
    monkeypatch.delenv("CREWDECK_MEMBER")
    crewdeck("-w", str(path), "add", "Ana herself")
    crewdeck("-w", str(path), "--as", "@ana", "add", "Ana named")
    _push(url, path)
    writers = _task_writers(url)
    assert writers["Ana herself"] == writers["Ana named"] == {"ana"}
    assert "acting" not in writers and not any(title.startswith("Ana as raj") for title in writers)


def test_an_account_mapped_to_no_member_writes_in_the_copy_as_nobody(
    copy: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url, path = copy
    config = tmp_path / "config.toml"
    config.write_text('member = "raj"\n')
    with in_person():
        refused = crewdeck_fails("-w", str(path), "--as", "raj", "add", "Nobody as raj")
        assert "no member is mapped to the Unix user 'crewdeck-tests-nobody', who may not act as one named by --as" in refused
        monkeypatch.setenv("CREWDECK_MEMBER", "raj")
        assert "named by CREWDECK_MEMBER" in crewdeck_fails("-w", str(path), "add", "Nobody as raj by the environment")
        with pytest.raises(UserError, match="named by --as"):
            Session.open(path, "raj")
        monkeypatch.delenv("CREWDECK_MEMBER")
        assert "named by the config" in crewdeck_fails("--config", str(config), "-w", str(path), "add", "Nobody as raj by the config")
        # A link is made by the mapped manager only: named, no other becomes one here.
        assert "named by --as" in crewdeck_fails("-w", str(path), "--as", "ana", "web", "link", "@acme")
    assert _own_ops(path) == 0
    assert not any(title.startswith("Nobody") for title in _task_writers(url))


def test_the_copy_is_made_for_its_account_alone_and_one_others_may_use_is_refused(copy: tuple[str, Path]) -> None:
    url, path = copy
    names = [name for name in (f"{path}{suffix}" for suffix in ("", "-wal", "-shm")) if os.path.exists(name)]
    assert [stat.S_IMODE(os.stat(name).st_mode) for name in names] == [0o600] * len(names)
    os.chmod(path, 0o660)
    with pytest.raises(MirrorError, match=r"other Unix users may read or write it \(mode -rw-rw----\).*: chmod 600 \S*copy.db$"):
        open_copy(path, "posts")
    refused = crewdeck_fails("web", str(path), "--database", url, "--name", "posts", "--port", "1")
    assert "chmod 600" in refused and len(refused.strip().splitlines()) == 1


def test_the_copy_is_neither_served_nor_published_as_a_workspace_of_its_own(copy: tuple[str, Path]) -> None:
    """`crewdeck serve COPY` served it as a workspace named after the file, whose members' pushes never reached the
    database (the web sends its own node's operations alone); `crewdeck publish COPY` made a second workspace of it in the
    database and marked the copy published, so that its crewdeck web took no more writes from any browser."""
    url, path = copy
    said = f"{path} is crewdeck web's copy of workspace posts in PostgreSQL, not a workspace of its own"
    assert crewdeck_fails("serve", str(path), "--port", str(free_port())) == (
        f"crewdeck: error: {said}: what members pushed to it would never reach the database; serve the database with: "
        "crewdeck serve --database URL\n"
    )
    assert crewdeck_fails("publish", str(path), "--database", url, "--name", "again") == (
        f"crewdeck: error: publish: {said}: the workspace is in the database already\n"
    )
    assert "no workspace named 'again'" in crewdeck_fails("token", "list", "--database", url, "--name", "again")
    crewdeck("-w", str(path), "add", "Written in the copy after")  # the copy still takes its writes
    _push(url, path)
    assert "Written in the copy after" in _task_writers(url)
