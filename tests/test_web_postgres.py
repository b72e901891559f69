"""crewdeck web on a workspace in PostgreSQL: a copy kept by the web process, whose sessions' writes the database judges.

Real PostgreSQL (the suite's cluster), ``crewdeck serve --database`` and ``crewdeck web COPY --database`` each a process
of its own on 127.0.0.1, headless Chromium for the guest's browser, and a member's replica joined to the server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser

from crewdeck.sync.server.pgstore import PgStore
from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.push import PushRejected
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.posts.writing import approve
from crewdeck.tui.web.mirror import MirrorError, open_copy, sync_round

from .apphelp import make_app, settle, until
from .syncsupport import Postgres, Server, create_token, crewdeck, crewdeck_fails, token_file, wait_until
from .websupport import Tab, WebProcess, chromium, make_link, publish_posts_team


@pytest.fixture
def published(postgres: Postgres, tmp_path: Path) -> tuple[str, Path]:
    """The posts team (@acme, a guest given Spring Launch, whose chain is @acme's one step) published as workspace posts;
    @ana, a manager, is mapped to the Unix user that runs the tests, the web's account: she writes in the copy, links too."""
    url = postgres.database()
    return url, publish_posts_team(tmp_path, url)


@pytest.fixture
def browser() -> Iterator[Browser]:
    # Not kept for the module: Playwright's sync API holds an event loop running in this thread while it is open, and
    # the module's app test (pytest-asyncio) run after it in the same worker could not start its own.
    with chromium() as launched:
        yield launched


def _approvals_in_database(url: str) -> list[tuple[str, str]]:
    """``(verdict, member)`` of each approval stored in PostgreSQL."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT value::jsonb ->> 'verdict', member FROM crewdeck_op WHERE entity = 'post_approval'").fetchall()
    return [(str(verdict), str(member)) for verdict, member in rows]


def _verdicts(path: Path) -> list[tuple[str, str, str]]:
    with Store(path) as store:
        rows = store.conn.execute(
            "SELECT a.verdict, t.title, m.handle FROM post_approval a JOIN task t ON t.id = a.post JOIN member m ON m.id = a.approved_by"
        ).fetchall()
    return [(str(v), str(t), str(h)) for v, t, h in rows]


def test_a_guest_signs_in_by_a_link_approves_in_the_browser_and_the_approval_reaches_postgresql_and_a_members_replica(
    published: tuple[str, Path], tmp_path: Path, browser: Browser
) -> None:
    url, _ = published
    server = Server(["--database", url]).start()
    copy = tmp_path / "web-copy.db"
    web = WebProcess(copy, options=("--database", url, "--name", "posts"))
    try:
        _, raj_token = create_token("raj", "--database", url, "--name", "posts")
        raj = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token-file", token_file(tmp_path, raj_token), str(raj))
        web.start()
        _, link, _ = make_link(copy, "acme", url=web.url)
        tab = Tab(browser.new_context(viewport={"width": 1280, "height": 800}).new_page())
        tab.page.goto(link)
        tab.page.click("#use-link")
        tab.page.wait_for_selector("#terminal")
        tab.wait_for_text(r"Approvals", "the guest's Approvals view")
        tab.wait_for_text(r"Spring post 2", "the posts of the guest's campaign")
        seen = tab.text()
        assert "Elsewhere post" not in seen and "Deadlines" not in seen
        tab.wait_for_text(r"a Approve +c Request changes", "the verdicts' keys in the footer")
        tab.page.keyboard.press("a")
        wait_until(lambda: [verdict for verdict, _ in _approvals_in_database(url)] == ["approve"], "the approval in PostgreSQL")
        crewdeck("-w", str(raj), "sync")
        assert _verdicts(raj) == [("approve", "Spring post 0", "acme")]
    finally:
        assert "Traceback" not in web.stop()
        assert "Traceback" not in server.stop()


def _post_id(path: Path, title: str) -> str:
    with Store(path) as store:
        return str(store.conn.execute("SELECT id FROM task WHERE title = ?", (title,)).fetchone()[0])


def test_an_approval_the_database_refuses_leaves_the_copy_and_stays_listed_as_refused(published: tuple[str, Path], tmp_path: Path) -> None:
    """The copy judged the guest's approval against what it held; the database, which the manager had meanwhile told
    that @acme sees no campaign, refuses it: it leaves the copy, and its rule is kept, as a replica's refusal is."""
    url, _ = published
    copy, other = tmp_path / "copy.db", tmp_path / "other-copy.db"
    with closing(PgStore.open(url)) as pg, open_copy(copy, "posts") as store, open_copy(other, "posts") as second:
        assert sync_round(store, pg, "posts").pulled > 0 and sync_round(second, pg, "posts").pulled > 0
        post, members = _post_id(copy, "Spring post 0"), {m.handle: m.id for m in pg.members("posts")}
        crewdeck("-w", str(other), "--as", "ana", "member", "set", "acme", "--campaigns", "none")
        assert sync_round(second, pg, "posts").pushed > 0
        approve(store, members["acme"], post, dt.datetime.now(dt.UTC))  # as @acme's session in the browser writes it
        assert _verdicts(copy) == [("approve", "Spring post 0", "acme")]
        done = sync_round(store, pg, "posts")
        assert [r.rule for r in done.refused] == ["not_a_reviewer"]
        assert _verdicts(copy) == [] and _approvals_in_database(url) == []
        assert [rule for _, rule, _, _ in store.refused(reader=None)] == ["not_a_reviewer"]


def test_a_replicas_token_pushes_nothing_under_the_copys_node(published: tuple[str, Path], tmp_path: Path) -> None:
    """The copy's node holds every signed-in member's operations, each judged as its own: a member's replica, which
    sees that node in what it pulls, may not go on writing under it as if it were theirs."""
    url, team = published
    copy = tmp_path / "copy.db"
    with closing(PgStore.open(url)) as pg, open_copy(copy, "posts") as store:
        sync_round(store, pg, "posts")
        crewdeck("-w", str(copy), "--as", "ana", "add", "Written in the copy")
        assert sync_round(store, pg, "posts").pushed > 0
        last = store.own_ops_after(0)[-1][1]
        members = {m.handle: m.id for m in pg.members("posts")}
        forged = last._replace(
            node_seq=last.node_seq + 1, op_id=str(Stamp(Stamp.parse(last.op_id).ms, 99, last.node)), member=members["raj"]
        )
        with pytest.raises(PushRejected, match="crewdeck web's copy"):
            pg.push("posts", members["raj"], [forged])
    assert "is a workspace file, not crewdeck web's copy" in crewdeck_fails(
        "web", str(team), "--database", url, "--name", "posts", "--port", "1"
    )


def test_a_guest_reads_their_own_refused_approval_on_a_post_and_not_another_guests(published: tuple[str, Path], tmp_path: Path) -> None:
    """Every session writes under the copy's one node: a post's detail listed every refusal of that node, so a second
    client given the campaign read @acme's refused approval, with its rule and message, in the post's history."""
    url, _ = published
    copy, other = tmp_path / "copy.db", tmp_path / "other-copy.db"
    with closing(PgStore.open(url)) as pg, open_copy(copy, "posts") as store, open_copy(other, "posts") as second:
        sync_round(store, pg, "posts")
        sync_round(second, pg, "posts")
        crewdeck("-w", str(copy), "--as", "ana", "member", "add", "bolt", "--name", "Bolt", "--tz", "UTC", "--access", "guest",
                 "--campaigns", "Spring Launch")  # fmt: skip
        assert sync_round(store, pg, "posts").pushed > 0
        post, members = _post_id(copy, "Spring post 0"), {m.handle: m.id for m in pg.members("posts")}
        crewdeck("-w", str(other), "--as", "ana", "member", "set", "acme", "--campaigns", "none")
        assert sync_round(second, pg, "posts").pushed > 0
        approve(store, members["acme"], post, dt.datetime.now(dt.UTC))  # as @acme's session in the browser writes it
        assert [r.rule for r in sync_round(store, pg, "posts").refused] == ["not_a_reviewer"]
        # Given the campaign again, @acme reads the post, and what was refused of theirs on it.
        crewdeck("-w", str(other), "--as", "ana", "member", "set", "acme", "--campaigns", "Spring Launch")
        sync_round(second, pg, "posts")
        assert sync_round(store, pg, "posts").pulled > 0
        told = {who: [rule for _, rule, _, _ in store.refused(reader=members[who])] for who in ("acme", "bolt")}
    # The copy's account, mapped to @ana, is the one the command line runs as here.
    shown, logged = crewdeck("-w", str(copy), "show", post), crewdeck("-w", str(copy), "log")
    assert told == {"acme": ["not_a_reviewer"], "bolt": []}
    assert "not_a_reviewer" not in shown and "not_a_reviewer" not in logged, (shown, logged)


def test_a_copy_of_a_database_put_back_from_an_older_backup_is_not_served(
    postgres: Postgres, published: tuple[str, Path], tmp_path: Path
) -> None:
    """The copy pulled past what the backup holds; the database put back numbers other operations there since.  The copy
    went on pulling after its cursor, never pulling what now sits below it, and its sessions' writes went on to a
    database that had lost what they built on."""
    url, _ = published
    name, admin = url.rsplit("/", 1)[1], postgres.url("postgres")
    copy, other, fresh = tmp_path / "copy.db", tmp_path / "other-copy.db", tmp_path / "fresh-copy.db"

    def round_of(path: Path) -> None:
        with closing(PgStore.open(url)) as pg, open_copy(path, "posts") as store:
            sync_round(store, pg, "posts")

    round_of(copy)
    round_of(other)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}_backup TEMPLATE {name}")
    crewdeck("-w", str(other), "--as", "ana", "add", "Lost with the restore")
    round_of(other)
    round_of(copy)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name}")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {name}_backup")
    # Written after the restore, past the copy's cursor again: the database's head says nothing of it.
    round_of(fresh)
    for n in range(3):
        crewdeck("-w", str(fresh), "--as", "ana", "add", f"After the restore {n}")
    round_of(fresh)

    said = "no longer holds the operation this copy pulled as #"
    with closing(PgStore.open(url)) as pg, open_copy(copy, "posts") as store:
        assert pg.ops_after("posts", 0, 1)[1] > int(store.get_meta("mirror.pull_seq") or 0)
        with pytest.raises(MirrorError, match=said):
            sync_round(store, pg, "posts")
    refused = crewdeck_fails("web", str(copy), "--database", url, "--name", "posts", "--port", "1")
    assert said in refused and f"move {copy} aside" in refused and "Traceback" not in refused, refused


def test_a_web_process_whose_database_was_put_back_from_an_older_backup_stops_and_says_why(
    postgres: Postgres, published: tuple[str, Path], tmp_path: Path
) -> None:
    """The copy's thread found the database put back while the process served it, and stopped the serving by the signal
    Ctrl-C sends: uvicorn raises it again once shut down, and the process ended by it before it said why, exit -15."""
    url, _ = published
    name, admin = url.rsplit("/", 1)[1], postgres.url("postgres")
    other, copy = tmp_path / "other-copy.db", tmp_path / "copy.db"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}_backup TEMPLATE {name}")
    with closing(PgStore.open(url)) as pg, open_copy(other, "posts") as store:
        sync_round(store, pg, "posts")
        crewdeck("-w", str(other), "--as", "ana", "add", "Lost with the restore")
        sync_round(store, pg, "posts")
    web = WebProcess(copy, options=("--database", url, "--name", "posts")).start()
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")  # the copy's connection too, as a restore ends it
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {name}_backup")
        assert web.proc is not None
        code = web.proc.wait(timeout=60)
    finally:
        said = web.stop()
    assert web.proc.stderr is not None
    said += web.proc.stderr.read().decode()
    assert code == 2, (code, said)
    assert "crewdeck: error: web: " in said and "no longer holds the operation this copy pulled as #" in said, said
    assert "Traceback" not in said


async def test_a_guests_app_on_the_copy_tells_them_the_database_refused_their_approval(published: tuple[str, Path], tmp_path: Path) -> None:
    """The app of a session on the copy reads a shared file, with no sync round to say what the database refused: the
    approval left the copy without a word, and the client took their verdict as given."""
    url, _ = published
    copy, other = tmp_path / "copy.db", tmp_path / "other-copy.db"
    with closing(PgStore.open(url)) as pg, open_copy(copy, "posts") as store, open_copy(other, "posts") as second:
        sync_round(store, pg, "posts")
        sync_round(second, pg, "posts")
        crewdeck("-w", str(other), "--as", "ana", "member", "set", "acme", "--campaigns", "none")
        sync_round(second, pg, "posts")
        app = make_app(copy, "acme", authenticated=True)  # as a session signed in by a link opens it
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ApprovalsScreen)
            await pilot.press("a")
            await until(pilot, lambda: _verdicts(copy) == [("approve", "Spring post 0", "acme")], "the approval in the copy")
            assert [r.rule for r in sync_round(store, pg, "posts").refused] == ["not_a_reviewer"]

            def told() -> list[str]:
                return [f"{n.title}: {n.message}" for n in app._notifications]

            await until(pilot, lambda: any("not_a_reviewer" in line for line in told()), "the refusal told in the app")
    [line] = [line for line in told() if "not_a_reviewer" in line]
    # Said for where the guest is: the database refused it, in a browser, where no crewdeck log runs (a guest's never).
    assert line.startswith("the database refused a change of yours: @acme approved"), line
    assert line.endswith("(rule not_a_reviewer); it is not in the workspace") and "crewdeck log" not in line, line
