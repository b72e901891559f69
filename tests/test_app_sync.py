"""The app on a replica of a real sync server: live changes and the header's sync state."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from pytest import MonkeyPatch

from crewdeck.sync.client.engine import Backoff, SyncEngine
from crewdeck.sync.state import store as store_module
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.widgets.workspace_header import WorkspaceHeader

from .apphelp import help_text, make_app, settle, until
from .syncsupport import Server, create_token, crewdeck, crewdeck_fails, make_team, new_token


def header(app: CrewdeckApp) -> WorkspaceHeader:
    return app.query_one(WorkspaceHeader)


@contextmanager
def served_replica(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """A team's file a real server serves, and ana's replica of it: the file, ana's token's id, the replica."""
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        token_id, token = create_token("ana", "--workspace", str(team))
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", token, str(replica))
        yield team, token_id, replica
    finally:
        server.stop()


async def test_a_replica_shows_its_sync_state_and_others_edits(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        token = new_token("ana", "--workspace", str(team))
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", token, str(replica))
        app = make_app(replica, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: header(app).sync_text.startswith("live · synced"), "the live state")
            assert header(app).sync_state == "live"
            # Raj, on the server's own file over SSH, adds a task for ana.
            crewdeck("-w", str(team), "--as", "raj", "add", "Cut the teaser @ana due:fri 17:00")
            await until(
                pilot,
                lambda: any("Cut the teaser" in row.cells for _, row in app.tasks_pane.table.loaded_rows()),
                "raj's task in ana's inbox",
            )
            # The server goes away: ana's edit waits, and the header says so.
            server.kill()
            await pilot.press("p", "h")
            await until(pilot, lambda: header(app).sync_state == "offline", "the offline state")
            await until(pilot, lambda: "1 unsent" in header(app).sync_text, "the unsent count")
            server.start()
            await until(pilot, lambda: header(app).sync_text.startswith("live") and "unsent" not in header(app).sync_text, "live again")
        with Store(team) as store:
            teaser = next(v for _, v in store.records("task") if v["title"] == "Cut the teaser")
        assert teaser["priority"] == "high"  # ana's offline edit reached the server
    finally:
        server.stop()


async def test_a_shared_file_says_so(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    app = make_app(team, "ana")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert (header(app).sync_state, header(app).sync_text) == ("live", "live · shared file")
        # Nothing to sync: neither the key nor the palette offers it.
        assert app.check_action("sync_now", ()) is False
        assert "Sync now" not in [c.title for c in app.get_system_commands(app.screen)]
        assert "Sync now" not in await help_text(pilot)


async def test_f5_syncs_now_instead_of_waiting_out_the_backoff(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    # Every wait offline an hour long: only the key brings the next round within the test.
    monkeypatch.setattr(Backoff, "delay", lambda self, failures, rng: 3600.0)
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(replica))
        app = make_app(replica, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: header(app).sync_state == "live", "the live state")
            assert "Sync now" in [c.title for c in app.get_system_commands(app.screen)]
            assert "Sync now" in await help_text(pilot)
            await pilot.press("escape")
            server.kill()
            await pilot.press("a")
            await pilot.press(*"Back online soon", "enter")
            await until(
                pilot, lambda: header(app).sync_state == "offline" and "unsent" in header(app).sync_text, "the new task unsent, offline"
            )
            server.start()
            await pilot.press("f5")
            await until(pilot, lambda: header(app).sync_state == "live" and "unsent" not in header(app).sync_text, "live at once")
        with Store(team) as store:
            assert any(v["title"] == "Back online soon" for _, v in store.records("task"))
    finally:
        server.stop()


async def test_an_operation_the_server_refuses_leaves_the_screen_and_its_author_is_told(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        token = new_token("raj", "--workspace", str(team))
        replica = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", token, str(replica))
        app = make_app(replica, "raj")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: header(app).sync_text.startswith("live · synced"), "the live state")
            # raj's replica, written while it still believed him a manager: a task he claims ana created.
            with Store(replica) as store:
                raj, ana = (store.conn.execute("SELECT id FROM member WHERE handle = ?", (h,)).fetchone()[0] for h in ("raj", "ana"))
                with store.write(raj, judged=False) as w:
                    w.create("task", {"title": "Claimed to be ana's", "created_by": ana})
            await until(
                pilot,
                lambda: any(n.title == "the server refused a change of yours" for n in app._notifications),
                "the refusal notice",
            )
            notice = next(n for n in app._notifications if n.title and "refused" in n.title)
            assert "rule author_field" in str(notice.message)
            await until(
                pilot,
                lambda: not any("Claimed to be ana's" in row.cells for _, row in app.tasks_pane.table.loaded_rows()),
                "the refused task gone from the list",
            )
        assert "REFUSED: @raj added “Claimed to be ana's”: task.created_by must be" in crewdeck("-w", str(replica), "log")
    finally:
        assert server.stop() == ""


async def test_a_revoked_token_shows_in_the_header_as_soon_as_the_servers_event_arrives(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    # The safety-net poll is out of the way: only the server's "revoked" event can tell the app.
    monkeypatch.setattr(SyncEngine, "POLL_INTERVAL", 3600.0)
    with served_replica(tmp_path) as (team, token_id, replica):
        app = make_app(replica, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: header(app).sync_text.startswith("live · synced"), "the live state")
            engine = app._sync_engine
            assert engine is not None
            await until(pilot, lambda: engine.listening, "the event stream open")
            crewdeck("token", "revoke", token_id, "--workspace", str(team))
            await until(pilot, lambda: header(app).sync_state == "offline", "the header's refusal")
            assert "revoked" in header(app).sync_text
            assert header(app).sync_text.startswith("sync refused:")
            # What to do, as crewdeck sync says it: the replica takes a new token and keeps its unsent edits.
            advice = f"and give it to this replica: crewdeck --workspace {replica} sync --token-file FILE (a file holding it)"
            assert app.sync_status is not None and app.sync_status.message.endswith(advice)
            await until(
                pilot, lambda: any(advice in str(n.message) for n in app._notifications), "the advice in a notice (the header cuts it)"
            )
        assert crewdeck_fails("-w", str(replica), "sync").endswith(f"{advice}\n")


async def test_an_app_running_on_a_replica_syncs_with_the_token_sync_token_gives_it(tmp_path: Path) -> None:
    # The advice the app gives, followed in a shell while it runs: it went on with the revoked token until restarted.
    with served_replica(tmp_path) as (team, token_id, replica):
        app = make_app(replica, "ana")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            engine = app._sync_engine
            assert engine is not None
            await until(pilot, lambda: engine.listening, "the event stream open")
            crewdeck("token", "revoke", token_id, "--workspace", str(team))
            await until(pilot, lambda: header(app).sync_text.startswith("sync refused:"), "the refusal")
            crewdeck("-w", str(replica), "sync", "--token", new_token("ana", "--workspace", str(team)))
            crewdeck("-w", str(team), "--as", "raj", "add", "Cut the teaser @ana")
            await until(pilot, lambda: header(app).sync_text.startswith("live · synced"), "the app live again with the new token")
            await until(
                pilot, lambda: any("Cut the teaser" in row.cells for _, row in app.tasks_pane.table.loaded_rows()), "raj's task pulled"
            )
            await until(pilot, lambda: engine.listening, "the event stream open again, with the new token")


async def test_the_sync_refused_notice_goes_when_the_app_syncs_again(tmp_path: Path) -> None:
    # It stayed up its whole 30 seconds, telling to give a new token, after the app had synced with the new one.
    with served_replica(tmp_path) as (team, token_id, replica):
        app = make_app(replica, "ana")
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            engine = app._sync_engine
            assert engine is not None
            await until(pilot, lambda: engine.listening, "the event stream open")
            crewdeck("token", "revoke", token_id, "--workspace", str(team))
            refused = lambda: [n for n in app._notifications if n.title == "sync refused"]  # noqa: E731
            await until(pilot, lambda: len(refused()) == 1, "the refusal's notice")
            await settle(pilot)
            assert any("revoked" in str(toast.render()) for toast in app.screen.query("Toast"))
            app.notify("Another notice", timeout=3600)
            crewdeck("-w", str(replica), "sync", "--token", new_token("ana", "--workspace", str(team)))
            await until(pilot, lambda: header(app).sync_text.startswith("live · synced"), "the app live again with the new token")
            await settle(pilot)
            assert not refused() and [n.message for n in app._notifications] == ["Another notice"]  # only the refusal's went
            assert [str(toast.render()) for toast in app.screen.query("Toast")] == ["Another notice"]  # off the screen too


async def test_a_replica_whose_disk_fills_says_its_sync_stopped_not_that_the_server_refused(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    # The header read "sync refused: disk full while writing …/ana.db", and the notice was titled so: the server refused
    # nothing, and whoever read it looked there rather than at their own disk.
    with served_replica(tmp_path) as (team, _, replica):
        connect = store_module.connect

        def no_room(path: Path, **kwargs: Any) -> sqlite3.Connection:
            conn = connect(path, **kwargs)
            if Path(path).resolve() == replica.resolve():
                # SQLite's own limit on the file's pages: the SQLITE_FULL a full disk gives.
                conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
            return conn

        monkeypatch.setattr(store_module, "connect", no_room)
        for i in range(40):
            crewdeck("-w", str(team), "--as", "raj", "add", f"Post {i} @ana " + "x" * 400)
        app = make_app(replica, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            full = f"disk full while writing {replica}"
            await until(pilot, lambda: full in header(app).sync_text, "the full disk on the header")
            assert header(app).sync_text.startswith(f"sync stopped: {full}")
            assert [n.title for n in app._notifications if full in str(n.message)] == ["sync stopped"]


async def test_an_offline_replica_keeps_its_unsent_count_on_the_header_at_80_columns(tmp_path: Path) -> None:
    # For @raj (Asia/Kolkata, whose times carry the city) the header read "… @raj (Asia/Kolkata) · 15:00 IST Kolkata
    # ● offline · synced Sat 12-05": the line ended before "· 4 unsent", the one thing an offline member needs to see.
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    replica = tmp_path / "raj.db"
    try:
        crewdeck("join", server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
    finally:
        server.stop()
    crewdeck("-w", str(replica), "add", "Written on the train")
    app = make_app(replica, "raj")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: header(app).sync_state == "offline", "the offline state")
        line = "".join(segment.text for segment in header(app).render_line(0)).strip()
        # One task typed is one unsent: it read "4 unsent", the task's operations (title, status, who made it, when).
        assert "● offline · 1 unsent · synced " in line and "@raj · 15:00 IST Kolkata" in line, line


async def test_a_replica_whose_token_was_revoked_offline_shows_its_unsent_count_on_the_header_at_80_columns(tmp_path: Path) -> None:
    # The count came after the refusal's reason ("sync refused: the token … was revoked; ask a manager … · 1 unsent"),
    # which no header is wide enough for: the edits written on the train waiting to go were nowhere on the screen.
    with served_replica(tmp_path) as (team, token_id, replica):
        crewdeck("token", "revoke", token_id, "--workspace", str(team))
        crewdeck("-w", str(replica), "add", "Written on the train")
        app = make_app(replica, "ana")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: header(app).sync_text.startswith("sync refused"), "the refusal")
            line = "".join(segment.text for segment in header(app).render_line(0)).strip()
            assert "● sync refused · 1 unsent: " in line, line


@contextmanager
def ana_and_raj_on_a_server(tmp_path: Path) -> Iterator[tuple[Path, Path, str]]:
    """A served team, ana's and raj's replicas joined to it, and a task ana added for raj, which both have pulled."""
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        ana = tmp_path / "ana.db"
        raj = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(ana))
        crewdeck("join", server.url, "--token", new_token("raj", "--workspace", str(team)), str(raj))
        task = crewdeck("-w", str(ana), "add", "Teaser @raj").strip()
        crewdeck("-w", str(ana), "sync")
        crewdeck("-w", str(raj), "sync")
        yield ana, raj, task
    finally:
        server.stop()


async def test_an_offline_edit_that_arrives_after_a_later_one_made_here_says_it_was_overwritten(tmp_path: Path) -> None:
    # Ana renamed the task on the train; raj renamed it after her, here.  Her rename reached raj's app last, and its
    # notice read "@ana renamed “Teaser” to “Teaser (ana)”" over a screen that kept raj's title, the later one.
    with ana_and_raj_on_a_server(tmp_path) as (ana, raj, task):
        crewdeck("-w", str(ana), "set", task[:8], "title=Teaser (ana)", "status=todo")
        crewdeck("-w", str(raj), "set", task[:8], "title=Teaser (raj)")
        app = make_app(raj, "raj")
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            await until(pilot, lambda: header(app).sync_text.startswith("live · synced"), "raj's rename pushed")
            crewdeck("-w", str(ana), "sync")
            said = lambda: [str(n.message) for n in app._notifications if "@ana" in str(n.message)]  # noqa: E731
            await until(pilot, lambda: bool(said()), "the notice of ana's edit")
            assert said() == ["@ana renamed “Teaser” to “Teaser (ana)”, set it to todo (its title overwritten already by a later change)"]
        with Store(raj) as store:
            assert (store.record("task", task) or {})["title"] == "Teaser (raj)"


async def test_a_deletion_made_without_seeing_an_edit_here_says_where_the_edit_is_kept(tmp_path: Path) -> None:
    # Ana deleted the task on the train; raj wrote its notes after that, here.  Her deletion reached raj's app last, and
    # its notice said only "@ana deleted “Teaser”": his notes were in a task listed nowhere, and nothing said where.
    with ana_and_raj_on_a_server(tmp_path) as (ana, raj, task):
        crewdeck("-w", str(ana), "rm", task[:8])
        crewdeck("-w", str(raj), "set", task[:8], "notes=Shot list from the train")
        app = make_app(raj, "raj")
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            await until(pilot, lambda: header(app).sync_text.startswith("live · synced"), "raj's notes pushed")
            crewdeck("-w", str(ana), "sync")
            said = lambda: [str(n.message) for n in app._notifications if "@ana" in str(n.message)]  # noqa: E731
            await until(pilot, lambda: bool(said()), "the notice of ana's deletion")
            assert said() == [f"@ana deleted “Teaser” (your later change is kept in it: crewdeck show {task[:8]})"]


async def test_an_app_on_a_copied_replica_says_its_edits_were_carried_over_and_goes_on_sending_what_is_typed(tmp_path: Path) -> None:
    with served_replica(tmp_path) as (team, _, laptop):
        desktop = tmp_path / "desktop.db"
        crewdeck("-w", str(laptop), "add", "Typed before the copy")
        shutil.copyfile(laptop, desktop)  # closed: its -wal went into it
        crewdeck("-w", str(laptop), "add", "Typed on the laptop")
        crewdeck("-w", str(laptop), "sync")
        crewdeck("-w", str(desktop), "add", "Typed on the desktop")
        app = make_app(desktop, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: any(n.title == "this replica was a copy" for n in app._notifications), "the notice")
            notice = next(n for n in app._notifications if n.title == "this replica was a copy")
            assert "the 1 edit made here that the server did not have was carried over to it and sent" in str(notice.message)
            await until(pilot, lambda: header(app).sync_text.startswith("live") and "unsent" not in header(app).sync_text, "all sent")
            # Typed in the app afterwards: stamped under the replica's new node (the app's own store was open all along).
            await pilot.press("a")
            await pilot.press(*"Typed in the app", "enter")
            await until(
                pilot, lambda: "unsent" not in header(app).sync_text and _titles(team) >= {"Typed in the app"}, "the app's task sent"
            )
        assert _titles(team) == {"Typed before the copy", "Typed on the laptop", "Typed on the desktop", "Typed in the app"}


def _titles(path: Path) -> set[str]:
    with Store(path) as store:
        return {row[0] for row in store.conn.execute("SELECT title FROM task")}


async def test_what_the_app_typed_on_a_copy_is_not_told_back_as_someone_elses_change_once_carried_over(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    monkeypatch.setattr(Backoff, "delay", lambda self, failures, rng: 3600.0)  # only F5 brings the next round
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
        crewdeck("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(laptop))
        shutil.copyfile(laptop, desktop)
        crewdeck("-w", str(laptop), "add", "Typed on the laptop")
        crewdeck("-w", str(laptop), "sync")
        server.kill()
        app = make_app(desktop, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: header(app).sync_state == "offline", "offline")
            await pilot.press("a")
            await pilot.press(*"Typed in the app", "enter")
            await until(pilot, lambda: "1 unsent" in header(app).sync_text, "the task unsent")
            told_before = len(app._notifications)
            server.start()
            await pilot.press("f5")
            await until(pilot, lambda: any(n.title == "this replica was a copy" for n in app._notifications), "the notice")
            await until(pilot, lambda: header(app).sync_state == "live" and "unsent" not in header(app).sync_text, "all sent")
            await settle(pilot)
            told = [str(n.message) for n in list(app._notifications)[told_before:]]
            assert not any("Typed in the app" in message for message in told), told
        assert _titles(team) == {"Typed on the laptop", "Typed in the app"}
    finally:
        server.stop()


async def test_an_app_whose_server_was_put_back_from_an_older_backup_says_so_once_and_sends_again_what_it_lost(
    tmp_path: Path,
) -> None:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(replica))
        backup = tmp_path / "backup.db"
        with closing(sqlite3.connect(team)) as source, closing(sqlite3.connect(backup)) as target:
            source.backup(target)
        crewdeck("-w", str(replica), "add", "Sent after the backup")
        crewdeck("-w", str(replica), "sync")
        server.stop()
        for suffix in ("-wal", "-shm"):
            Path(f"{team}{suffix}").unlink(missing_ok=True)
        with closing(sqlite3.connect(backup)) as source, closing(sqlite3.connect(team)) as target:
            source.backup(target)  # put back: the server no longer has the task
        server.start()
        assert _titles(team) == set()
        app = make_app(replica, "ana")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            title = "the server was put back"
            await until(pilot, lambda: any(n.title == title for n in app._notifications), "the notice")
            notices = [str(n.message) for n in app._notifications if n.title == title]
            assert len(notices) == 1 and "sent again the " in notices[0] and "made here that it no longer had" in notices[0], notices
            await until(pilot, lambda: _titles(team) == {"Sent after the backup"}, "the task sent again")
            # The next round finds nothing to heal, and says nothing of it again.
            await pilot.press("f5")
            status = lambda: app.sync_status  # noqa: E731
            await until(pilot, lambda: status() is not None and status().state == "live" and not status().restored, "the next round")
            assert len([n for n in app._notifications if n.title == title]) == 1
    finally:
        server.stop()
