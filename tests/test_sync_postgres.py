"""Several stateless server processes on one real PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import httpx
import pytest

from crewdeck.sync.client.remote import Client, Pushed, push_all, unsent
from crewdeck.sync.server.pgstore import RULES_VERSION
from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main

from .conftest import ROOT
from .syncsupport import (
    PATIENCE,
    Postgres,
    Server,
    create_token,
    crewdeck,
    crewdeck_fails,
    make_team,
    new_token,
    wait_until,
)

PUSHERS = 8
BATCHES = 15
BATCH = 40


@pytest.fixture
def published(postgres: Postgres, tmp_path: Path) -> tuple[str, Path]:
    team = make_team(tmp_path)
    url = postgres.database()
    out = crewdeck("publish", str(team), "--database", url)
    assert "as workspace team" in out
    return url, team


def test_publish_serve_join_and_tokens_through_postgres(published: tuple[str, Path], tmp_path: Path) -> None:
    url, team = published
    (tmp_path / "another").mkdir()
    another = make_team(tmp_path / "another")
    assert "already has a workspace named 'team'" in crewdeck_fails("publish", str(another), "--database", url)
    for name in ("My Team", ""):
        said = crewdeck_fails("publish", str(team), "--database", url, "--name", name)
        assert said.startswith(f"crewdeck: error: --name {name!r}: a workspace's name in URLs is lowercase letters"), said
    token_id, token = create_token("ana", "--database", url, "--name", "team")
    assert "unknown member @zoe" in crewdeck_fails("token", "create", "zoe", "--database", url, "--name", "team")
    assert "no workspace named 'nope'" in crewdeck_fails("token", "create", "ana", "--database", url, "--name", "nope")
    server = Server(["--database", url]).start()
    try:
        ana = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", token, str(ana))
        assert crewdeck("-w", str(ana), "export", "--json") == crewdeck("-w", str(team), "export", "--json")
        task = crewdeck("-w", str(ana), "add", "Written through PostgreSQL").strip()
        assert crewdeck("-w", str(ana), "sync").startswith("pushed 4, pulled 0 operations; server at #16, 0 unsent")
        # A forged operation naming that task's id as a member's is refused, not stored for every replica to pull.
        with Store(ana) as replica:
            last = replica.own_ops_after(0)[-1][1]
        forged = dict(
            last.to_wire(),
            op_id=str(Stamp(Stamp.parse(last.op_id).ms, 99, last.node)),
            node_seq=last.node_seq + 1,
            entity="member",
            row_id=task,
            field="name",
            value="Forged",
        )
        answer = httpx.post(f"{server.url}/v1/w/team/push", json={"ops": [forged]}, headers={"Authorization": f"Bearer {token}"})
        assert (answer.status_code, answer.json()["error"], answer.json()["row_id"]) == (422, "row_entity", task)
        assert crewdeck("-w", str(ana), "sync").startswith("pushed 0, pulled 0 operations; server at #16")
        # Another workspace in the same database: its token is refused here.
        (tmp_path / "other").mkdir()
        other = make_team(tmp_path / "other")
        crewdeck("publish", str(other), "--database", url, "--name", "other")
        _, foreign = create_token("ana", "--database", url, "--name", "other")
        answer = httpx.get(f"{server.url}/v1/w/team/ops", headers={"Authorization": f"Bearer {foreign}"})
        assert (answer.status_code, answer.json()["error"]) == (403, "wrong_workspace")
        listing = crewdeck("token", "list", "--database", url, "--name", "team")
        assert token_id in listing and "@ana" in listing and token not in listing
        crewdeck("token", "revoke", token_id, "--database", url, "--name", "team")
        assert "revoked" in crewdeck_fails("-w", str(ana), "sync")
    finally:
        assert server.stop() == ""


def test_token_list_names_a_removed_members_tokens_apart_from_the_new_member_who_has_their_handle(
    published: tuple[str, Path], tmp_path: Path
) -> None:
    """`token list --database` named a removed member's tokens by their id's start, "@0191f2c3": the PostgreSQL store's
    members left them out.  They read "ex-@raj", as a file workspace's `token list` names them."""
    url, _team = published
    create_token("raj", "--database", url, "--name", "team", "--label", "old laptop")
    server = Server(["--database", url]).start()
    try:
        ana = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", create_token("ana", "--database", url, "--name", "team", "--label", "ana")[1], str(ana))
        crewdeck("-w", str(ana), "member", "rm", "raj")
        crewdeck("-w", str(ana), "member", "add", "raj", "--name", "Raj Two", "--tz", "UTC")
        crewdeck("-w", str(ana), "sync")
    finally:
        assert server.stop() == ""
    create_token("raj", "--database", url, "--name", "team", "--label", "new laptop")
    header, *rows = crewdeck("token", "list", "--database", url, "--name", "team").splitlines()
    assert sorted((row[header.index("MEMBER") :].split()[0], row[header.index("LABEL") :].split()[0]) for row in rows) == [
        ("@ana", "ana"),
        ("@raj", "new"),
        ("ex-@raj", "old"),
    ]


def test_token_list_shows_times_on_the_clock_of_the_member_running_it_as_on_a_file(postgres: Postgres, tmp_path: Path) -> None:
    """`token list --database` showed its times in the host's zone (UTC) where on the file they are on the clock of the
    member running it (@ana, mapped to this Unix user, in Berlin; @raj, a manager too, named by --as, in Kolkata)."""
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "manager")
    # Made on the file before publishing (a published file takes no token), and published with it: one token each side.
    create_token("raj", "-w", str(team), "--label", "laptop")
    url = postgres.database()
    crewdeck("publish", str(team), "--database", url)

    def created(*args: str) -> str:
        header, row = crewdeck("token", "list", *args).splitlines()
        return " ".join(row[header.index("CREATED") : header.index("STATUS")].split()[2:])  # whose time, after the day and clock

    database = ("--database", url, "--name", "team")
    assert created(*database) == created("-w", str(team))
    assert created(*database) in ("CET", "CEST")  # whose time: @ana's
    assert created("--as", "raj", *database) == created("--as", "raj", "-w", str(team)) == "IST Kolkata"
    said = crewdeck_fails("--as", "zoe", "token", "list", *database)
    assert said == "crewdeck: error: --as @zoe: no member with that handle in workspace team\n", said


def test_token_create_for_a_removed_member_says_they_were_removed_as_a_file_workspace_does(postgres: Postgres, tmp_path: Path) -> None:
    """`token create --database` for a removed member said "unknown member @raj", as if they never were: the PostgreSQL
    store's members left removed members out.  It says they were removed, as `token create` on the file says."""
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "member", "rm", "raj")
    from_file = crewdeck_fails("-w", str(team), "token", "create", "raj")  # before publishing: then it refuses any
    url = postgres.database()
    crewdeck("publish", str(team), "--database", url)
    from_database = crewdeck_fails("token", "create", "raj", "--database", url, "--name", "team")
    assert "@raj was removed from this workspace" in from_file
    assert from_database == from_file


def test_publishing_a_replica_is_refused_in_one_line_and_the_database_gets_nothing(postgres: Postgres, tmp_path: Path) -> None:
    """A replica is a copy of its server's workspace: published, it would part from that server, holding none of its tokens."""
    team = make_team(tmp_path)
    server = Server([str(team)]).start()
    try:
        replica = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", create_token("ana", "--workspace", str(team))[1], str(replica))
        url = postgres.database()
        assert crewdeck_fails("publish", str(replica), "--database", url) == (
            f"crewdeck: error: publish: {replica} is a replica of {server.url}, not a workspace of its own: published, it would "
            f"part from that server for good and hold none of its tokens; publish the file that server serves instead\n"
        )
        assert "no workspace named 'ana'" in crewdeck_fails("token", "list", "--database", url, "--name", "ana")
    finally:
        assert server.stop() == ""


def test_a_push_to_one_process_wakes_a_long_poll_on_another(published: tuple[str, Path], tmp_path: Path) -> None:
    url, _team = published
    servers = [Server(["--database", url]).start() for _ in range(2)]
    try:
        _, token = create_token("ana", "--database", url, "--name", "team")
        crewdeck("join", servers[0].url, "--token", token, str(tmp_path / "ana.db"))
        store = Store(tmp_path / "ana.db")
        with store.write(store.get_meta("remote.member") or "") as w:
            w.create("task", {"title": "Across processes"})
        waiting = Client(servers[1].url, token, "team")
        head = waiting.pull(0, limit=1)[1]
        got: list = []
        waiter = threading.Thread(target=lambda: got.append(waiting.pull(head, wait=60)))
        waiter.start()
        pusher = Client(servers[0].url, token, "team")
        assert push_all(store, pusher) == Pushed(stored=1)
        waiter.join(90)
        # Woken by the other process's NOTIFY, with the new operations.
        assert got and [op.field for _, op in got[0][0]] == ["title"]
        waiting.close()
        pusher.close()
        store.close()
    finally:
        for s in servers:
            assert s.stop() == ""


def test_three_servers_eight_pushers_and_a_puller_that_sees_everything_once_in_order(published: tuple[str, Path], tmp_path: Path) -> None:
    url, team = published
    servers = [Server(["--database", url]).start() for _ in range(3)]
    start_head = Store(team).max_seq()
    try:
        replicas = []
        for i in range(PUSHERS):
            _, token = create_token(random.choice(["ana", "raj"]), "--database", url, "--name", "team")
            path = tmp_path / f"p{i}.db"
            crewdeck("join", servers[i % 3].url, "--token", token, str(path))
            replicas.append((path, token))
        _, puller_token = create_token("raj", "--database", url, "--name", "team")
        total = start_head + PUSHERS * BATCHES * BATCH
        seen: list[tuple[int, str]] = []
        errors: list[BaseException] = []

        def pull() -> None:
            client = Client(servers[0].url, puller_token, "team")
            after = 0
            try:
                while after < total:
                    ops, _, after, _, _ = client.pull(after, limit=300, wait=5)
                    seen.extend((seq, op.op_id) for seq, op in ops)
            except BaseException as exc:  # reported by the test thread
                errors.append(exc)
            finally:
                client.close()

        def push(index: int) -> None:
            path, token = replicas[index]
            store = Store(path)
            member = store.get_meta("remote.member") or ""
            rng = random.Random(index)
            clients = [Client(s.url, token, "team") for s in servers]
            try:
                for _ in range(BATCHES):
                    with store.write(member) as w:
                        for _ in range(BATCH // 2):
                            w.create("task", {"title": f"p{index} {rng.randrange(10**9)}", "status": "todo"})
                    push_all(store, rng.choice(clients))  # any process: a load balancer's choice
            except BaseException as exc:
                errors.append(exc)
            finally:
                for c in clients:
                    c.close()
                store.close()

        puller = threading.Thread(target=pull)
        puller.start()
        pushers = [threading.Thread(target=push, args=(i,)) for i in range(PUSHERS)]
        for t in pushers:
            t.start()
        for t in pushers:
            t.join(300)
        puller.join(300)
        assert errors == []
        seqs = [seq for seq, _ in seen]
        assert seqs == list(range(1, total + 1))  # every number once, in order, none skipped
        assert len({op_id for _, op_id in seen}) == total
        pushed = set()
        for path, _ in replicas:
            store = Store(path)
            pushed.update(op.op_id for _, op in store.own_ops_after(0, 10**6))
            store.close()
        assert len(pushed) == PUSHERS * BATCHES * BATCH and pushed <= {op_id for _, op_id in seen}
    finally:
        for s in servers:
            assert s.stop() == ""


def test_a_sync_right_after_the_database_restarted_goes_through(postgres: Postgres, tmp_path: Path) -> None:
    """After a restart of PostgreSQL (maintenance, a failover), the server's first requests each failed on a pooled
    connection the restart had ended: "the server is unavailable for now (503: the database is unavailable)", the
    database being back."""
    cluster = Postgres(postgres.bin).start()  # its own: restarted here
    try:
        team = make_team(tmp_path)
        url = cluster.database()
        crewdeck("publish", str(team), "--database", url)
        server = Server(["--database", url]).start()
        try:
            ana = tmp_path / "ana.db"
            crewdeck("join", server.url, "--token", create_token("ana", "--database", url, "--name", "team")[1], str(ana))
            crewdeck("-w", str(ana), "add", "Written before the restart")
            assert ", 0 unsent" in crewdeck("-w", str(ana), "sync")
            cluster.restart()
            crewdeck("-w", str(ana), "add", "Written after the restart")
            for _ in range(3):  # each a request of its own, on whichever pooled connection comes next
                assert ", 0 unsent" in crewdeck("-w", str(ana), "sync")
        finally:
            assert server.stop() == ""  # no request failed on the server's side
    finally:
        cluster.stop()


def test_publish_says_the_file_is_an_old_copy_now_that_refuses_writes(postgres: Postgres, tmp_path: Path) -> None:
    """After `publish`, members on the host went on writing the file (SSH, a browser, the file's server), and none of it
    reached PostgreSQL's members, said nowhere: publish says the file refuses writes from now on, and what to do."""
    team = make_team(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["publish", str(team), "--database", postgres.database()]) == 0
    assert out.getvalue().startswith(f"published {team} as workspace team")
    assert err.getvalue() == (
        f"note: {team} is an old copy now: it reads, but every write to it is refused (members over SSH or in a browser, a "
        "crewdeck serve still on it), saying where the team works; give replicas the new server's address "
        "(crewdeck --workspace FILE sync --url URL)\n"
    )


def test_a_token_command_or_a_server_starting_while_a_push_is_under_way_waits_for_nothing_and_stops_no_one(
    published: tuple[str, Path], tmp_path: Path
) -> None:
    """Every `crewdeck token ... --database` and every `crewdeck serve --database` starting set up the tables with
    `CREATE INDEX IF NOT EXISTS` and `ALTER TABLE ... ADD COLUMN IF NOT EXISTS`, which wait for their table's lock even
    when what they make is there: behind a push under way (or a long `publish`), the command hung, and every push (and,
    behind the ALTER, every request) of every server process queued behind it until that transaction ended.  Tables
    already set up are left alone."""
    import psycopg

    url, _team = published
    server = Server(["--database", url]).start()
    _, token = create_token("ana", "--database", url, "--name", "team")
    holder = psycopg.connect(url)  # a push under way: it holds its workspace's row until it commits
    try:
        holder.execute("SELECT head FROM crewdeck_workspace WHERE name = 'team' FOR UPDATE").fetchone()
        holder.execute(
            "INSERT INTO crewdeck_op SELECT workspace, seq + 1000000, op_id, node, node_seq + 1000000, member, kind, entity, row_id, "
            "field, value FROM crewdeck_op WHERE workspace = 'team' ORDER BY seq LIMIT 1"
        )
        listing = subprocess.Popen(
            [sys.executable, "-m", "crewdeck.tui.cli.main", "token", "list", "--database", url, "--name", "team"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        with psycopg.connect(url, autocommit=True) as watcher:

            def waiting_on_a_lock() -> bool:
                found = watcher.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> %s",
                    (holder.info.backend_pid,),
                ).fetchone()
                return found is not None

            wait_until(lambda: listing.poll() is not None or waiting_on_a_lock(), "token list to end or wait on a lock")
            assert not waiting_on_a_lock()
        out, err = listing.communicate(PATIENCE)
        assert (listing.returncode, err) == (0, b"") and b"@ana" in out
        # The server that is up goes on answering, and another one comes up beside it.
        answer = httpx.get(f"{server.url}/v1/w/team/ops", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        other = Server(["--database", url]).start()
        assert other.stop() == ""
    finally:
        holder.close()
        if "listing" in locals() and listing.poll() is None:
            listing.communicate(PATIENCE)
        assert server.stop() == ""


def test_revoking_a_token_in_a_workspace_the_database_does_not_have_says_so(published: tuple[str, Path]) -> None:
    """`token revoke ID --database URL --name tema` (a typo) said "no live token with id ID (see: crewdeck token list)",
    and `token list --name team` then listed that token live: a lost laptop's token left working, and the manager told
    to look for it.  The workspace's name is checked first, as `token create` and `token list` check it."""
    url, _team = published
    token_id, _ = create_token("ana", "--database", url, "--name", "team")
    said = crewdeck_fails("token", "revoke", token_id, "--database", url, "--name", "tema")
    assert said == (
        "crewdeck: error: no workspace named 'tema' in the database (have: team); copy one in with: crewdeck publish FILE --database URL\n"
    )
    assert crewdeck("token", "revoke", token_id, "--database", url, "--name", "team").startswith(f"revoked token {token_id}")


def test_a_token_made_in_the_database_whose_output_is_lost_is_revoked(published: tuple[str, Path], tmp_path: Path) -> None:
    """``token create raj --database URL > /dev/full`` left a live token in the database that nobody saw."""
    url, _team = published
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "crewdeck.tui.cli.main", "token", "create", "raj", "--database", url, "--name", "team"],
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
    listed = [line.split() for line in crewdeck("token", "list", "--database", url, "--name", "team").splitlines()[1:]]
    (token,) = [row for row in listed if row[1] == "@raj"]
    assert (done.returncode, done.stderr.decode()) == (
        2,
        f"crewdeck: error: standard output: No space left on device; token {token[0]} was revoked, as nobody saw it: run the command again\n",
    )
    assert token[-4] == "revoked", token


def test_a_publish_whose_output_is_lost_says_the_file_published_with_status_3(postgres: Postgres, tmp_path: Path) -> None:
    """``publish team.db --database URL > /dev/full`` copied the file and exited 2: publishing again was refused."""
    team = make_team(tmp_path)
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "crewdeck.tui.cli.main", "publish", str(team), "--database", postgres.database()],
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
    assert done.returncode == 3, done.stderr.decode()
    assert done.stderr.decode().endswith(
        f"crewdeck: error: standard output: No space left on device; the change was made all the same: {team} published as "
        "workspace team; do not run the command again\n"
    )


def test_a_database_that_refuses_a_token_command_or_a_publish_is_one_line(published: tuple[str, Path], tmp_path: Path) -> None:
    """`token create`, `token revoke` and `publish` against a database that takes no writes (a standby after a failover,
    or one made read-only) or that cancels a statement (`lock_timeout`, `statement_timeout`) ended in a traceback of the
    driver's."""
    import psycopg

    url, _team = published
    read_only = url + "?options=-c%20default_transaction_read_only%3Don"
    token_id, _ = create_token("ana", "--database", url, "--name", "team")
    refused = "crewdeck: error: PostgreSQL refused it: cannot execute {} in a read-only transaction (nothing was changed)\n"
    assert crewdeck_fails("token", "create", "ana", "--database", read_only, "--name", "team") == refused.format("INSERT")
    assert crewdeck_fails("token", "revoke", token_id, "--database", read_only, "--name", "team") == refused.format("UPDATE")
    (tmp_path / "other").mkdir()
    other = make_team(tmp_path / "other")
    # Said as publish's other refusals are, naming the file.
    assert crewdeck_fails("publish", str(other), "--database", read_only, "--name", "other") == refused.format("INSERT").replace(
        "error: ", f"error: publish: {other}: "
    )
    # Another publish under that name under way, and a database that waits for no lock: a lock timeout.
    with psycopg.connect(url) as racing:
        racing.execute("INSERT INTO crewdeck_workspace(name) VALUES ('other')")
        hasty = url + "?options=-c%20lock_timeout%3D1"
        assert crewdeck_fails("publish", str(other), "--database", hasty, "--name", "other") == (
            f"crewdeck: error: publish: {other}: PostgreSQL refused it: canceling statement due to lock timeout (nothing was changed)\n"
        )
        racing.rollback()
    # Nothing of them is there: the token is live, and the workspace can be published.
    assert "live" in crewdeck("token", "list", "--database", url, "--name", "team")
    assert crewdeck("publish", str(other), "--database", url, "--name", "other").startswith(f"published {other} as workspace other")


def test_a_server_on_a_database_that_takes_no_writes_answers_pushes_503_and_logs_one_line(
    published: tuple[str, Path], tmp_path: Path
) -> None:
    """A server whose database took no writes (a standby after a failover, one made read-only) answered every push a 500,
    "the server failed on this request", and logged the driver's traceback for each.  It is the store being unavailable:
    a 503 replicas retry, and one line in the log."""
    url, _team = published
    _, token = create_token("ana", "--database", url, "--name", "team")
    server = Server(["--database", url + "?options=-c%20default_transaction_read_only%3Don"]).start()
    ana = tmp_path / "ana.db"
    try:
        crewdeck("join", server.url, "--token", token, str(ana))  # reads are served
        crewdeck("-w", str(ana), "add", "Typed while the database takes no writes")
        for _ in range(2):
            said = crewdeck_fails("-w", str(ana), "sync", status=75)  # try again later
            assert "the server is unavailable for now (503: the database is unavailable)" in said, said
            assert "1 edit made here was not sent yet and stays in" in said
    finally:
        logged = server.stop()
    assert "Traceback" not in logged and len(logged.splitlines()) == 1, logged
    assert "read-only transaction" in logged
    writable = Server(["--database", url]).start()
    try:
        assert ", 0 unsent" in crewdeck("-w", str(ana), "sync", "--url", writable.url)
    finally:
        assert writable.stop() == ""


@pytest.mark.parametrize(
    ("errcode", "told"),
    [
        ("disk_full", "the server's disk is full, nothing was stored: whoever runs the server must free some space on it"),
        ("io_error", "the server cannot write its workspace file, nothing was stored: whoever runs the server must read its log"),
    ],
)
def test_a_push_the_databases_disk_refuses_says_whoever_runs_the_server_must_see_to_it(
    published: tuple[str, Path], tmp_path: Path, errcode: str, told: str
) -> None:
    """PostgreSQL's disk full (53100) or failing (58030) are OperationalErrors in psycopg: members were told "the database
    is unavailable" and to try again in a moment, for as long as nobody looked at the server, as a served file's were."""
    import psycopg

    url, _team = published
    _, token = create_token("ana", "--database", url, "--name", "team")
    server = Server(["--database", url]).start()
    ana = tmp_path / "ana.db"
    try:
        crewdeck("join", server.url, "--token", token, str(ana))
        crewdeck("-w", str(ana), "add", "Typed as the database's disk gave out")
        with psycopg.connect(url) as conn:  # the disk's refusal, as PostgreSQL raises it
            conn.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '{errcode}'; END$$"
            )
            conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON crewdeck_op FOR EACH ROW EXECUTE FUNCTION refuse()")
        said = crewdeck_fails("-w", str(ana), "sync", status=75)  # try again later, once it is seen to
        with psycopg.connect(url) as conn:
            conn.execute("DROP TRIGGER refuse ON crewdeck_op")
        assert said == (
            f"crewdeck: error: sync with {server.url}: the server is unavailable for now (503: {told}); try again in a moment; "
            f"1 edit made here was not sent yet and stays in {ana}\n"
        )
        assert ", 0 unsent" in crewdeck("-w", str(ana), "sync")
    finally:
        logged = server.stop()
    assert "Traceback" not in logged and "could not extend file" in logged, logged


def test_a_push_the_database_gives_up_waiting_for_is_a_503_and_goes_through_once_it_can(
    published: tuple[str, Path], tmp_path: Path
) -> None:
    """Behind a push under way, a database with a lock_timeout (or a statement_timeout) cancels the next push's wait: that
    was a 500, "the server failed on this request", with the driver's traceback in the log for each.  The database is
    busy, as a served file locked past its busy timeout is: a 503 replicas retry, and one line in the log."""
    import psycopg

    url, _team = published
    _, token = create_token("ana", "--database", url, "--name", "team")
    server = Server(["--database", url + "?options=-c%20lock_timeout%3D1"]).start()
    ana = tmp_path / "ana.db"
    try:
        crewdeck("join", server.url, "--token", token, str(ana))
        crewdeck("-w", str(ana), "add", "Typed behind a long push")
        with psycopg.connect(url) as holder:  # a push under way: it holds its workspace's row until it commits
            holder.execute("SELECT head FROM crewdeck_workspace WHERE name = 'team' FOR UPDATE").fetchone()
            said = crewdeck_fails("-w", str(ana), "sync", status=75)  # try again later
            assert "the server is unavailable for now (503: the database is unavailable)" in said, said
            assert "1 edit made here was not sent yet and stays in" in said
        assert ", 0 unsent" in crewdeck("-w", str(ana), "sync")
    finally:
        logged = server.stop()
    assert "Traceback" not in logged and len(logged.splitlines()) == 1, logged
    assert "lock timeout" in logged


def test_a_database_set_up_by_an_older_crewdeck_gets_what_it_lacks(published: tuple[str, Path], tmp_path: Path) -> None:
    """Each table, index and column is made only where it is missing (above): one an older crewdeck did not make still is."""
    import psycopg

    url, team = published
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP INDEX crewdeck_op_assignee")
        conn.execute("ALTER TABLE crewdeck_workspace DROP COLUMN rules_version")
    _, token = create_token("ana", "--database", url, "--name", "team")
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('crewdeck_op_assignee') IS NOT NULL").fetchone() == (True,)
        # Filled in again from the log: the rules read it.
        assert conn.execute("SELECT rules_version FROM crewdeck_workspace WHERE name = 'team'").fetchone() == (RULES_VERSION,)
    server = Server(["--database", url]).start()
    try:
        ana = tmp_path / "ana.db"
        crewdeck("join", server.url, "--token", token, str(ana))
        assert crewdeck("-w", str(ana), "export", "--json") == crewdeck("-w", str(team), "export", "--json")
    finally:
        assert server.stop() == ""


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


PASSWORD_SEEN = (
    "crewdeck: warning: the --database URL holds a password, which every user of this machine can read in the process list: "
    "give the password in PGPASSWORD or a ~/.pgpass line instead\n"
)


def test_a_database_password_comes_from_pgpassword_or_pgpass_and_one_in_the_url_is_said_to_be_seen(
    postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`crewdeck serve --database postgresql://crew:PASSWORD@db/crewdeck` put the password in the process list, where
    every user of the machine reads it, said nowhere; without it in the URL, nothing said where else it goes.  libpq's
    PGPASSWORD and ~/.pgpass give it (for the server too); one in the URL is said once to be seen; one missing says where."""
    import psycopg

    cluster = Postgres(postgres.bin).start(passwords=True)  # its own: a role that signs in with a password
    try:
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE ROLE crew LOGIN PASSWORD 'pw-of-crew'")
            conn.execute("CREATE DATABASE crewdb OWNER crew")
        bare = f"postgresql://crew@127.0.0.1:{cluster.port}/crewdb"
        with_password = f"postgresql://crew:pw-of-crew@127.0.0.1:{cluster.port}/crewdb"
        home = tmp_path / "home"
        home.mkdir()
        monkeypatch.setenv("HOME", str(home))
        for name in ("PGPASSWORD", "PGPASSFILE"):
            monkeypatch.delenv(name, raising=False)
        team = make_team(tmp_path)
        code, _, err = _run("publish", str(team), "--database", bare)
        assert code == 2
        assert err.startswith(f"crewdeck: error: publish: {team}: cannot connect to PostgreSQL: connection failed: ")
        assert err.endswith(
            "fe_sendauth: no password supplied: give the password in PGPASSWORD or a ~/.pgpass line "
            "(not in the URL, where every user of this machine sees it)\n"
        )
        monkeypatch.setenv("PGPASSWORD", "not-it")
        code, _, err = _run("token", "list", "--database", bare, "--name", "team")
        assert code == 2 and 'password authentication failed for user "crew": give the password in PGPASSWORD' in err, err
        monkeypatch.setenv("PGPASSWORD", "pw-of-crew")
        code, out, err = _run("publish", str(team), "--database", bare)
        assert code == 0 and "as workspace team" in out and "warning" not in err, err
        monkeypatch.delenv("PGPASSWORD")
        pgpass = home / ".pgpass"
        pgpass.write_text(f"127.0.0.1:{cluster.port}:crewdb:crew:pw-of-crew\n")
        pgpass.chmod(0o600)
        code, out, err = _run("token", "create", "ana", "--database", bare, "--name", "team")
        assert (code, err) == (0, ""), err
        token = out.strip().splitlines()[-1]
        # A server started so runs on: its connections take the password from the same places.
        server = Server(["--database", bare]).start()
        try:
            ana = tmp_path / "ana.db"
            crewdeck("join", server.url, "--token", token, str(ana))
            crewdeck("-w", str(ana), "add", "Through a password nobody saw")
            assert ", 0 unsent" in crewdeck("-w", str(ana), "sync")
        finally:
            assert server.stop() == ""
        pgpass.unlink()
        # In the URL it works, and is said once to be seen, by every command that takes one.
        for command in (["token", "list"], ["token", "revoke", "nope"], ["token", "create", "raj"]):
            code, _, err = _run(*command, "--database", with_password, "--name", "team")
            assert err.startswith(PASSWORD_SEEN) and err.count("warning") == 1, err
        (tmp_path / "another").mkdir()
        code, _, err = _run("publish", str(make_team(tmp_path / "another")), "--database", with_password, "--name", "again")
        assert (code, err.count("warning")) == (0, 1) and err.startswith(PASSWORD_SEEN), err
        server = Server(["--database", with_password]).start()
        assert server.stop() == PASSWORD_SEEN
    finally:
        cluster.stop()


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (
            "postgresql://crew:s3cret@[::1/db",
            'end of string reached when looking for matching "]" in IPv6 host address in URI: "postgresql://crew:…@[::1/db"',
        ),
        ("postgresql://crew:my s3cret@db.example/db", 'unexpected spaces found in "…", use percent-encoded spaces (%20) instead'),
        ("postgresql://db.example/db?password=my s3cret", 'unexpected spaces found in "…", use percent-encoded spaces (%20) instead'),
        ("postgresql://crew:my%zzs3cret@db.example/db", 'invalid percent-encoded token: "…"'),
        ("host=db.example user=crew password=my s3cret", 'missing "=" after "…" in connection info string'),
        ("host=db.example password=s3cret bogus=1", 'invalid connection option "bogus"'),
    ],
)
def test_a_database_url_libpq_cannot_read_has_its_password_said_seen_and_never_printed(
    url: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libpq's error for a URL it cannot read quotes the URL, or the part it stopped at, and the error line repeated
    it: `crewdeck token list --database 'postgresql://crew:s3cret@[::1/db'` printed s3cret, to a terminal, a log, the
    journal; and the warning that the password is in the process list was skipped exactly there."""
    monkeypatch.setenv("CREWDECK_WORKSPACE", str(make_team(tmp_path)))
    team = tmp_path / "team.db"
    for command, refuses in ((["token", "list", "--name", "team"], ""), (["publish", str(team)], f"publish: {team}: ")):
        code, out, err = _run(*command, "--database", url)
        assert (code, out, err) == (2, "", f"{PASSWORD_SEEN}crewdeck: error: {refuses}cannot connect to PostgreSQL: {said}\n")
    served = subprocess.run(
        [sys.executable, "-m", "crewdeck.tui.cli.main", "serve", "--database", url, "--port", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert (served.returncode, served.stdout) == (2, "") and "s3cret" not in served.stderr, served.stderr
    assert served.stderr.startswith(PASSWORD_SEEN) and f": {said}" in served.stderr, served.stderr


def test_a_url_libpq_cannot_read_with_no_password_says_nothing_of_one_and_a_passwords_short_part_is_never_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ``@`` in a malformed URL's query (``?user=ana@corp&sslmode``) was read as the end of a password, and the
    command said the URL held one; and of a password with an unencoded ``@`` (``p@ss``), libpq takes the part after
    it for the host's start, which the error line quoted whole when under three characters (``'ss@localhost'``)."""
    monkeypatch.setenv("CREWDECK_WORKSPACE", str(make_team(tmp_path)))
    for url, said in (
        ("postgresql://localhost:5432/db?user=ana@corp&sslmode", 'missing key/value separator "=" in URI query parameter: "sslmode"'),
        ("postgresql://[::1]:5432/db?application_name=x:y@z&bogus", 'missing key/value separator "=" in URI query parameter: "bogus"'),
    ):
        assert _run("token", "list", "--name", "team", "--database", url) == (
            2,
            "",
            f"crewdeck: error: cannot connect to PostgreSQL: {said}\n",
        )
    for url in ("postgresql://crew:p@ss@localhost:1/db", "postgresql://crew:a@b7@localhost:1/db"):
        code, out, err = _run("token", "list", "--name", "team", "--database", url)
        assert (code, out) == (2, "") and err.startswith(PASSWORD_SEEN), err
        said = err.removeprefix(PASSWORD_SEEN)
        assert said.startswith("crewdeck: error: cannot connect to PostgreSQL: ") and "'…@localhost'" in said, said
        assert "ss@" not in said and "b7" not in said, said


def test_a_password_with_a_question_mark_or_hash_in_a_url_with_no_path_is_said_seen_and_never_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no ``/`` after the host, the query was looked for from the URL's start: a ``?`` or ``#`` in the password
    was taken for the query's, the password's ``@`` ignored, and the password printed (whole, or quoted in the URL), with
    no word of it being in the process list (review rc 2).  libpq reads credentials up to an ``@`` before the first ``/``."""
    monkeypatch.setenv("CREWDECK_WORKSPACE", str(make_team(tmp_path)))
    for url, secrets in (
        ("postgresql://crew:Xk9?Lm2%zz@db", ("Xk9", "Lm2")),
        ("postgresql://crew:Xk9?Lm2#Qp@[::1", ("Xk9", "Lm2", "Qp")),
        ("postgresql://crew:Xk9#Lm2 Qp@db", ("Xk9", "Lm2", "Qp")),
        ("postgresql://crew:Zq7?w@rT9@127.0.0.1:1", ("Zq7", "rT9")),
    ):
        code, out, err = _run("token", "list", "--name", "team", "--database", url)
        assert (code, out) == (2, "") and err.startswith(PASSWORD_SEEN), (url, err)
        said = err.removeprefix(PASSWORD_SEEN)
        assert said.startswith("crewdeck: error: cannot connect to PostgreSQL: ") and said.count("\n") == 1, said
        assert not [secret for secret in secrets if secret in said], said


def test_a_password_libpq_read_is_not_cut_out_of_the_names_its_errors_quote(
    postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A password libpq read where it was meant is never in its errors, which quote names: cut out of them, user and
    password both "postgres" said `database "…_missing" does not exist`."""
    monkeypatch.setenv("CREWDECK_WORKSPACE", str(make_team(tmp_path)))
    url = postgres.url("postgres_missing").replace("postgres@", "postgres:postgres@", 1)
    code, out, err = _run("token", "list", "--name", "team", "--database", url)
    assert (code, out) == (2, "") and err.startswith(PASSWORD_SEEN), err
    assert err.endswith('failed: FATAL:  database "postgres_missing" does not exist\n'), err


def test_an_empty_database_url_is_refused_not_taken_for_the_workspace_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`crewdeck serve --database "$DATABASE_URL"` with the variable unset served the configured workspace file, and
    `token create ana --database "$DATABASE_URL"` made a token in it: an empty URL read as no --database at all."""
    team = make_team(tmp_path)
    monkeypatch.setenv("CREWDECK_WORKSPACE", str(team))
    said = "crewdeck: error: argument --database: the URL is empty (an unset variable?): give postgresql://USER@HOST/DATABASE"
    for command in (["token", "create", "ana"], ["token", "list"], ["publish", str(team)]):
        code, out, err = _run(*command, "--database", "")
        assert (code, out, err) == (2, "", f"{said} (see: crewdeck {' '.join(command[: 2 if command[0] == 'token' else 1])} --help)\n")
    assert "@ana" not in crewdeck("token", "list")
    served = subprocess.run(
        [sys.executable, "-m", "crewdeck.tui.cli.main", "serve", "--database", " ", "--port", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert (served.returncode, served.stdout, served.stderr) == (2, "", f"{said} (see: crewdeck serve --help)\n")


def test_a_published_file_refuses_every_write_saying_where_the_team_works_and_still_reads(postgres: Postgres, tmp_path: Path) -> None:
    """After `publish` the file took writes silently: a task added there reached no one.  Marked as publish runs, it
    refuses each write (the CLI's here; the app, SSH sessions and the web write through the same store) in one line that
    says when, where the team works now and how to join, and a server still on it refuses a replica's push as a whole
    (the replica keeps its edits for the new server); reads go on."""
    team = make_team(tmp_path)
    served = Server([str(team)]).start()
    try:
        raj = tmp_path / "raj.db"
        crewdeck("join", served.url, "--token", new_token("raj", "-w", str(team)), str(raj))
        crewdeck("-w", str(raj), "add", "Made on a replica of the file")
        crewdeck("-w", str(team), "--as", "ana", "add", "Written before publishing")
        url = postgres.database()
        crewdeck("publish", str(team), "--database", url, "--url", "https://crewdeck.example.com")
        said = crewdeck_fails("-w", str(team), "--as", "ana", "add", "Lost after publishing")
        assert said.startswith(f"crewdeck: error: {team} was published on "), said
        assert said.count("\n") == 1
        assert "the team works at https://crewdeck.example.com now" in said
        assert "crewdeck join https://crewdeck.example.com --token-file TOKEN-FILE NEW-FILE" in said
        assert said.endswith("(rule published)\n")
        assert "Written before publishing" in crewdeck("-w", str(team), "tasks")
        assert "Lost after publishing" not in crewdeck("-w", str(team), "export", "--json")
        pushed = crewdeck_fails("-w", str(raj), "sync")
        assert "this server's workspace was published on" in pushed and pushed.count("\n") == 1, pushed
        assert pushed.endswith("this replica keeps whatever it has not sent: crewdeck sync --url https://crewdeck.example.com\n"), pushed
        with Store(raj) as replica:
            assert unsent(replica) > 0  # kept, for the new server
    finally:
        assert served.stop() == ""
    # Published without --url: the database is named, without its user.
    other = tmp_path / "other"
    other.mkdir()
    crewdeck("publish", str(make_team(other)), "--database", url, "--name", "other")
    said = crewdeck_fails("-w", str(other / "team.db"), "--as", "ana", "add", "Lost too")
    assert "the team works at PostgreSQL (workspace other in database " in said
    assert "crewdeck join SERVER-URL" in said and "postgresql://" not in said


def test_a_file_published_before_is_not_published_again_into_another_database_or_under_another_name(
    postgres: Postgres, tmp_path: Path
) -> None:
    """A published file published again (a second database, or the same one under another --name) made a second
    workspace of the old copy, parted from the one the team works in, and its mark then sent members there."""
    team = make_team(tmp_path)
    first = postgres.database()
    crewdeck("publish", str(team), "--database", first, "--url", "https://crewdeck.example.com")
    with Store(team) as store:
        mark = store.get_meta("published")
    assert mark is not None
    second = postgres.database()
    for again in (["--database", second], ["--database", first, "--name", "again"]):
        said = crewdeck_fails("publish", str(team), *again)
        assert said == (
            f"crewdeck: error: publish: {team} was published already, on {json.loads(mark)['at'][:10]} "
            f"{json.loads(mark)['at'][11:16]} UTC, and the team works at https://crewdeck.example.com now: this old copy "
            "takes no writes, and published again it would be a second workspace beside that one; serve that one with: "
            "crewdeck serve --database URL (or, if that publish went wrong, publish again with --again)\n"
        )
        with Store(team) as store:
            assert store.get_meta("published") == mark
    assert "no workspace named 'again'" in crewdeck_fails("token", "list", "--database", first, "--name", "again")
    assert "no workspace named 'team'" in crewdeck_fails("token", "list", "--database", second, "--name", "team")


def test_publish_says_which_sign_in_links_and_browser_sessions_stay_with_the_old_copy(postgres: Postgres, tmp_path: Path) -> None:
    """Publish said members keep their tokens and replicas, and nothing of crewdeck web's links and sessions, which live
    in the file alone: a client's link went on signing in to the old copy, where nothing they did was taken."""
    from crewdeck.tui.web.signin import sign_in_with_token, wall_clock

    team = make_team(tmp_path)
    crewdeck("-w", str(team), "web", "link", "@raj")
    crewdeck("-w", str(team), "web", "unlink", crewdeck("-w", str(team), "web", "link", "@raj").split()[1])
    with Store(team) as store:
        sign_in_with_token(store.conn, new_token("ana", "-w", str(team)), wall_clock())
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["publish", str(team), "--database", postgres.database()]) == 0
    assert err.getvalue().splitlines()[1:] == [
        f"note: 1 sign-in link not used yet and 1 browser session signed in stay with {team}, an old copy now: a browser "
        "signed in there reads it and changes nothing; make the links again where crewdeck web serves the database "
        "(crewdeck web COPY --database URL --name team, then crewdeck --workspace COPY web link @H)"
    ]
    # None left, nothing said.
    (tmp_path / "none").mkdir()
    with redirect_stdout(io.StringIO()), redirect_stderr(err := io.StringIO()):
        assert main(["publish", str(make_team(tmp_path / "none")), "--database", postgres.database()]) == 0
    assert len(err.getvalue().splitlines()) == 1


def test_a_replica_with_nothing_to_push_is_told_the_file_its_server_serves_was_published(postgres: Postgres, tmp_path: Path) -> None:
    """A `crewdeck serve` left on a published file refused pushes alone: a replica with nothing to send (a member who
    only read, or came back after the move) synced with the old copy, 0 unsent, and never heard the team had moved."""
    team = make_team(tmp_path)
    served = Server([str(team)]).start()
    try:
        raj = tmp_path / "raj.db"
        crewdeck("join", served.url, "--token", new_token("raj", "-w", str(team)), str(raj))
        assert crewdeck("-w", str(raj), "sync").endswith(", 0 unsent\n")
        ana = new_token("ana", "-w", str(team))
        crewdeck("publish", str(team), "--database", postgres.database(), "--url", "https://crewdeck.example.com")
        said = crewdeck_fails("-w", str(raj), "sync")
        assert said.startswith(f"crewdeck: error: sync with {served.url}: this server's workspace was published on "), said
        assert said.endswith("this replica keeps whatever it has not sent: crewdeck sync --url https://crewdeck.example.com\n")
        assert said.count("\n") == 1
        answer = httpx.get(f"{served.url}/v1/w/team/ops", headers={"Authorization": f"Bearer {ana}"})
        assert (answer.status_code, answer.json()["error"]) == (410, "published")
        # Joined there since (an old address), a replica of the old copy is made no more.
        late = tmp_path / "late.db"
        assert crewdeck_fails("join", served.url, "--token", ana, str(late)).endswith(
            f"cannot join {served.url}: this server's workspace was published (crewdeck publish), and the team works at "
            "https://crewdeck.example.com now: join the team there with the same token "
            "(crewdeck join https://crewdeck.example.com --token-file TOKEN-FILE NEW-FILE)\n"
        )
        assert not late.exists()
    finally:
        assert served.stop() == ""


def _mark(team: Path) -> dict[str, str | None]:
    with Store(team) as store:
        mark = store.get_meta("published")
    assert mark is not None
    return dict(json.loads(mark))


def test_a_publish_that_went_wrong_is_put_right_with_again_and_not_by_accident(postgres: Postgres, tmp_path: Path) -> None:
    """A typo'd --url, a dropped database or the wrong one left a published file refusing every write for good, members
    sent to the wrong place: publishing again was refused, and no command let an admin out."""
    import psycopg

    team = make_team(tmp_path)
    first = postgres.database()
    crewdeck("publish", str(team), "--database", first, "--url", "https://crewdek.example.com")
    assert "publish again with --again" in crewdeck_fails(
        "publish", str(team), "--database", first, "--url", "https://crewdeck.example.com"
    )
    # The same database and name: the workspace is there already, only where members are sent changes.
    out = crewdeck("publish", str(team), "--database", first, "--url", "https://crewdeck.example.com", "--again")
    assert out == f"{team} is workspace team in that database already; a write to the file now names https://crewdeck.example.com\n"
    assert _mark(team)["url"] == "https://crewdeck.example.com"
    assert "the team works at https://crewdeck.example.com now" in crewdeck_fails("-w", str(team), "--as", "ana", "add", "Lost")
    # The database dropped: published again into another, saying the earlier one's members move.
    with psycopg.connect(postgres.url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {first.rsplit('/', 1)[1]} WITH (FORCE)")
    second = postgres.database()
    assert "publish again with --again" in crewdeck_fails("publish", str(team), "--database", second)
    before = _mark(team)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["publish", str(team), "--database", second, "--again"]) == 0
    assert out.getvalue().startswith(f"published {team} as workspace team: ")
    assert err.getvalue().splitlines()[0] == (
        f"note: {team} was published before, on {before['at'][:10]} {before['at'][11:16]} UTC, to https://crewdeck.example.com, "
        "which stays as it is: what members wrote there since and the tokens made there are not in this workspace; members "
        "who moved there move again, with a token of this one (their replicas: crewdeck --workspace FILE sync --url URL "
        "--token-file TOKEN-FILE)"
    )
    assert "members keep the tokens the file holds" in out.getvalue()
    assert _mark(team)["url"] is None
    crewdeck("token", "list", "--database", second, "--name", "team")
    # Where the team works, one wording in the write's refusal and in publish's.
    where = f"the team works at PostgreSQL (workspace team in database {second.rsplit('/', 1)[1]} on 127.0.0.1) now"
    assert where in crewdeck_fails("-w", str(team), "--as", "ana", "add", "Lost")
    assert where in crewdeck_fails("publish", str(team), "--database", second)


def test_a_file_published_again_back_where_it_went_first_says_the_team_moved_from_where_it_went_since(
    postgres: Postgres, tmp_path: Path
) -> None:
    """Published to A, then to B with --again, then back to A with --again: it said only "only the address changed", where
    the team had moved to B and wrote there, none of it in A; the same address again keeps when it was published."""
    team = make_team(tmp_path)
    first, second = postgres.database(), postgres.database()
    crewdeck("publish", str(team), "--database", first, "--url", "https://a.example.com")
    published_first = _mark(team)["at"]
    out = crewdeck("publish", str(team), "--database", first, "--url", "https://a.example.org", "--again")
    assert out == f"{team} is workspace team in that database already; a write to the file now names https://a.example.org\n"
    assert _mark(team)["at"] == published_first, "only the address changed: it was published then"
    crewdeck("publish", str(team), "--database", second, "--url", "https://b.example.com", "--again")
    code, out_text, err = _run("publish", str(team), "--database", first, "--url", "https://a.example.com", "--again")
    assert code == 0
    assert out_text == f"{team} is workspace team in that database already; a write to the file now names https://a.example.com\n"
    assert err.splitlines()[0].startswith(f"note: {team} was published before, on ")
    assert "to https://b.example.com, which stays as it is: what members wrote there since" in err.splitlines()[0], err


def test_the_sign_in_note_of_a_file_with_a_hostile_name_is_one_visible_line(postgres: Postgres, tmp_path: Path) -> None:
    """The only publish line not made visible: a file name's escapes reached the terminal raw, and its newline broke the
    note onto two lines."""
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "web", "link", "@raj")
    hostile = tmp_path / "evil\x1b[2J\x1b]0;pwned\x07\nteam.db"
    team.rename(hostile)
    code, _, err = _run("publish", str(hostile), "--database", postgres.database(), "--name", "evil")
    assert code == 0 and "\x1b" not in err and "\x07" not in err, err
    assert next(line for line in err.splitlines() if "sign-in link" in line).endswith("web link @H)"), err


def test_publish_makes_no_web_tables_in_a_file_that_never_used_the_web(postgres: Postgres, tmp_path: Path) -> None:
    """Counting what stays with the old copy created crewdeck web's tables in it, a write after its mark, outside its lock."""
    team = make_team(tmp_path)
    crewdeck("publish", str(team), "--database", postgres.database())
    with Store(team) as store:
        made = store.conn.execute("SELECT name FROM sqlite_master WHERE name IN ('web_link', 'web_session')").fetchall()
    assert made == []


def test_join_names_no_address_a_server_on_a_published_file_answers_that_is_no_servers(postgres: Postgres, tmp_path: Path) -> None:
    """Join printed the `url` of a server's 410 as it came: any text, any length, escapes included."""
    team = make_team(tmp_path)
    token = new_token("ana", "-w", str(team))
    crewdeck("publish", str(team), "--database", postgres.database())
    served = Server([str(team)]).start()
    try:
        for url in ("javascript:alert(1)", "https://\x1b[2Jexample.com", "https://example.com/" + "a" * 300):
            with Store(team) as store:
                store.conn.execute("UPDATE meta SET value = json_set(value, '$.url', ?) WHERE key = 'published'", (url,))
                store.conn.commit()
            said = crewdeck_fails("join", served.url, "--token", token, str(tmp_path / "late.db"))
            assert said.endswith("the team works in PostgreSQL now: join the server a manager names, with the same token\n"), said
    finally:
        said = served.stop()  # the note it started with alone
        assert said.startswith(f"note: {team} was published on ") and said.count("\n") == 1, said
