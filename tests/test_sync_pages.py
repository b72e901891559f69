"""Pull pages bounded by bytes on both servers, a client that trusts no server with its memory or its cursor, private replicas.

Real server processes (a workspace file, a real PostgreSQL), and, where a
misbehaving server is the point, a tiny Starlette app under uvicorn on
127.0.0.1 in this process.
"""

from __future__ import annotations

import io
import os
import stat
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from crewdeck.sync.client.remote import MAX_PAGE_BYTES, PULL_PAGE, _within_bytes
from crewdeck.sync.server.app import PAGE_BYTES
from crewdeck.sync.server.pgstore import PgStore
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main

from .syncsupport import PATIENCE, Postgres, Server, create_token, crewdeck, free_port, make_team, new_token, token_file, wait_until

#: The longest notes a task may have, in one-byte and two-byte characters.
NOTES = ["x" * 100_000, "ü" * 100_000]


def with_large_notes(team: Path, count: int) -> None:
    with Store(team) as store:
        member = store.conn.execute("SELECT id FROM member LIMIT 1").fetchone()[0]
        with store.write(member) as w:
            for i in range(count):
                w.create("task", {"title": f"Brief {i}", "notes": NOTES[i % 2]})


def run_cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


def assert_pages_bounded(server: Server, token: str, total: int) -> None:
    """Pages asked for as many operations as allowed stay within the byte budget, and together hold everything."""
    after, seen = 0, 0
    while True:
        answer = httpx.get(
            f"{server.url}/v1/w/team/ops", params={"after": after, "limit": 10_000}, headers={"Authorization": f"Bearer {token}"}
        )
        body = answer.json()
        assert len(answer.content) <= PAGE_BYTES + 100  # the operations, and the page's own few keys
        assert body["ops"] and [op["seq"] for op in body["ops"]] == list(range(after + 1, body["next"] + 1))
        seen += len(body["ops"])
        after = body["next"]
        if not body["more"]:
            break
    assert seen == total and answer.json()["head"] == total


def test_pages_of_large_notes_are_bounded_by_bytes_and_a_join_gets_every_byte(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    with_large_notes(team, 60)  # 9 MB of notes
    with Store(team) as store:
        total = store.max_seq()
    server = Server([str(team)]).start()
    try:
        token = new_token("ana", "--workspace", str(team))
        assert_pages_bounded(server, token, total)
        crewdeck("join", server.url, "--token", token, str(tmp_path / "ana.db"))
        assert crewdeck("-w", str(tmp_path / "ana.db"), "export", "--json") == crewdeck("-w", str(team), "export", "--json")
    finally:
        assert server.stop() == ""


def test_pages_from_postgresql_are_bounded_by_bytes_and_a_join_gets_every_byte(postgres: Postgres, tmp_path: Path) -> None:
    team = make_team(tmp_path)
    with_large_notes(team, 60)
    with Store(team) as store:
        total = store.max_seq()
    url = postgres.database()
    crewdeck("publish", str(team), "--database", url)
    server = Server(["--database", url]).start()
    try:
        _, token = create_token("ana", "--database", url, "--name", "team")
        assert_pages_bounded(server, token, total)
        crewdeck("join", server.url, "--token", token, str(tmp_path / "ana.db"))
        assert crewdeck("-w", str(tmp_path / "ana.db"), "export", "--json") == crewdeck("-w", str(team), "export", "--json")
    finally:
        assert server.stop() == ""


def test_a_page_holds_at_least_one_operation_whatever_its_size(postgres: Postgres, tmp_path: Path) -> None:
    team = make_team(tmp_path)
    with_large_notes(team, 2)
    url = postgres.database()
    crewdeck("publish", str(team), "--database", url)
    pg = PgStore.open(url)
    with Store(team) as store:
        large = [seq for seq, op in store.ops_after(0) if op.field == "notes"]
        for seq in large:
            assert [s for s, _ in store.ops_after(seq - 1, 100, max_bytes=1)] == [seq]
            assert [s for s, _ in pg.ops_after("team", seq - 1, 100, max_bytes=1)[0]] == [seq]
        # Two large notes never share a page under a budget smaller than both.
        budget = len(NOTES[1].encode()) + 1_000
        first = large[0] - 1
        assert next(op.field for _, op in store.ops_after(first, 100, budget)) == "notes"
        assert [seq for seq, _ in store.ops_after(first, 100, budget)] == [seq for seq, _ in pg.ops_after("team", first, 100, budget)[0]]
        assert large[1] not in [seq for seq, _ in store.ops_after(first, 100, budget)]
    pg.close()


# ---------------------------------------------------------------- servers that misbehave


class FakeServer:
    """A Starlette app answering ``/v1/me`` and ``/v1/w/team/ops`` as ``ops`` says, under uvicorn in a thread."""

    def __init__(self, ops: Callable[[Request], Response]) -> None:
        async def me(request: Request) -> Response:
            return JSONResponse({"workspace": "team", "member": "a" * 32, "token": "t", "head": 10})

        async def pull(request: Request) -> Response:
            self.limits.append(int(request.query_params["limit"]))
            if len(self.limits) > 100:  # a client going round in circles: end it, for the test to end
                return JSONResponse({"error": "loop", "message": "the client asked 100 times"}, 400)
            return ops(request)

        self.limits: list[int] = []
        self.port = free_port()
        app = Starlette(routes=[Route("/v1/me", me), Route("/v1/w/team/ops", pull)])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="critical", log_config=None))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        wait_until(lambda: self.server.started, "the fake server listening")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(PATIENCE)


def test_a_server_that_says_more_without_moving_the_cursor_fails_the_join_instead_of_hanging_it(tmp_path: Path) -> None:
    def stuck(request: Request) -> Response:
        return JSONResponse({"ops": [], "head": 10, "next": int(request.query_params["after"]), "more": True})

    with FakeServer(stuck) as fake:
        code, err = run_cli("join", fake.url, "--token-file", token_file(tmp_path, "crewdeck_" + "a" * 43), str(tmp_path / "ana.db"))
    assert code == 2 and err.count("\n") == 1
    assert "the server says operations follow #0 (its head is #10) but sends none" in err
    assert len(fake.limits) == 1


def test_an_oversized_page_is_never_read_whole_and_is_asked_again_smaller(tmp_path: Path) -> None:
    chunk, chunks = b"x" * (1024 * 1024), 40
    sent: list[list[int]] = []

    def oversized(request: Request) -> Response:
        count = [0]
        sent.append(count)

        async def body() -> AsyncIterator[bytes]:
            yield b'{"ops":[{"seq":1,"value":"'
            for _ in range(chunks):
                if await request.is_disconnected():
                    return  # the client hung up: the rest is never sent
                count[0] += 1
                yield chunk

        return StreamingResponse(body(), media_type="application/json")

    with FakeServer(oversized) as fake:
        code, err = run_cli("join", fake.url, "--token-file", token_file(tmp_path, "crewdeck_" + "a" * 43), str(tmp_path / "ana.db"))
    assert code == 2 and f"sent an answer larger than {MAX_PAGE_BYTES // (1024 * 1024)} MiB" in err
    # Asked with fewer operations each time, down to one, and never read to the end.
    assert fake.limits[0] == PULL_PAGE and fake.limits[-1] == 1 and fake.limits == sorted(fake.limits, reverse=True)
    assert len(sent) == len(fake.limits) and all(count[0] < chunks for count in sent)


def test_a_page_that_does_not_follow_the_cursor_is_refused(tmp_path: Path) -> None:
    op = {
        "seq": 3,
        "op_id": "1796284007954-0000-cdaaeb00dc9a",
        "node": "cdaaeb00dc9a",
        "node_seq": 1,
        "member": "a" * 32,
        "kind": "set",
        "entity": "task",
        "row_id": "b" * 32,
        "field": "title",
        "value": "Twice",
    }

    def backwards(request: Request) -> Response:
        return JSONResponse({"ops": [op, op], "head": 10, "next": 3, "more": True})

    with FakeServer(backwards) as fake:
        code, err = run_cli("join", fake.url, "--token-file", token_file(tmp_path, "crewdeck_" + "a" * 43), str(tmp_path / "ana.db"))
    assert code == 2 and "the server sent a page that does not follow #0" in err
    assert len(fake.limits) == 1


# ---------------------------------------------------------------- private replicas


def modes(path: Path) -> dict[str, int]:
    return {suffix: stat.S_IMODE(os.stat(f"{path}{suffix}").st_mode) for suffix in ("", "-wal", "-shm") if Path(f"{path}{suffix}").exists()}


def test_a_replica_holding_a_token_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", new_token("ana", "--workspace", str(team)), str(replica))
        with Store(replica):  # open: its -wal and -shm exist
            crewdeck("-w", str(replica), "add", "Written while open")
            found = modes(replica)
            assert set(found) == {"", "-wal", "-shm"} and set(found.values()) == {0o600}
        # Made readable by others (a copy, a restore): the next sync makes it private again.
        for name in modes(replica):
            os.chmod(f"{replica}{name}", 0o644)
        crewdeck("-w", str(replica), "sync")
        assert set(modes(replica).values()) == {0o600}
    finally:
        assert server.stop() == ""


def test_a_push_ends_where_a_write_ends_and_a_write_larger_than_a_push_goes_alone_whole(tmp_path: Path) -> None:
    # Pushes bounded by bytes (the server refuses a body over 8 MiB) never cut a record's making in two: the server
    # judges a creation by what one push gives of it.
    team = make_team(tmp_path)
    with Store(team) as store:
        member = store.conn.execute("SELECT id FROM member LIMIT 1").fetchone()[0]
        start = store.max_seq()
        with store.write(member) as w:
            task = w.create("task", {"title": "Script", "notes": NOTES[1], "status": "inbox", "created_by": member})
        with store.write(member) as w:
            w.set("task", task, {"notes": NOTES[0]})
        pending = store.own_ops_after(start)
    made = [seq for seq, op in pending if op.field != "notes" or "ü" in op.value]
    assert len(made) == len(pending) - 1  # the task's making, then the second write of its notes
    assert [seq for seq, _ in _within_bytes(pending, 300_000)] == made
    assert [seq for seq, _ in _within_bytes(pending, 1_000)] == made  # the making alone passes it: whole, alone
    assert _within_bytes(pending, 10 * 1024 * 1024) == pending
