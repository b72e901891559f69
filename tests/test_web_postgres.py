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
from crewdeck.tui.posts.writing import approve
from crewdeck.tui.web.mirror import open_copy, sync_round
from crewdeck.tui.workspace.workspace import os_user

from .syncsupport import Postgres, Server, create_token, crewdeck, crewdeck_fails, token_file, wait_until
from .websupport import Tab, WebProcess, chromium, make_link, make_posts_team


@pytest.fixture
def published(postgres: Postgres, tmp_path: Path) -> tuple[str, Path]:
    """The posts team (@acme, a guest given Spring Launch, whose chain is @acme's one step) published as workspace posts;
    @ana, a manager, is mapped to the Unix user that runs the tests, the web's account: she writes in the copy, links too."""
    team = make_posts_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "ana", "--unix-user", os_user())
    url = postgres.database()
    assert "as workspace posts" in crewdeck("publish", str(team), "--database", url)
    return url, team


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
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
        assert [rule for _, rule, _, _ in store.refused()] == ["not_a_reviewer"]


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
