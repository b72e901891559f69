"""A browser session or an SSH key revoked while its app is open: the app writes nothing from that moment on.

The app is ended by a watch that asks every second or so (``crewdeck web``'s, ``launch``'s for SSH); a key pressed
in between wrote as the revoked session (seen in a browser: ``web unlink`` returned, then the client's `a` approved
the post).  Each write now reads, inside its own transaction, whether the session still holds.
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.sshkeys import parse_key
from crewdeck.tui.app import launch as launch_module
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.cli import cmd_ssh, cmd_web
from crewdeck.tui.cli.main import main
from crewdeck.tui.posts import writing
from crewdeck.tui.session.session import Session
from crewdeck.tui.ssh.session import running_account, session_ended
from crewdeck.tui.web import signin
from crewdeck.tui.workspace.workspace import Workspace

from .syncsupport import crewdeck
from .websupport import make_guest_team, make_link, make_posts_team

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo raj@laptop"


def _approvals(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM post_approval").fetchone()[0])


def _signed_in_guest(team: Path) -> tuple[str, str, list[str]]:
    """@acme signed in through a link made for them: the link's id, the session's cookie, and the posts by title."""
    link_id, url, _ = make_link(team, "acme")
    ws = Workspace.open(team)
    try:
        cookie, _ = signin.redeem_link(ws.conn, url.rsplit("/", 1)[1], None, dt.datetime.now(dt.UTC))
        posts = [row[0] for row in ws.conn.execute("SELECT id FROM task WHERE title LIKE 'Spring post %' ORDER BY title")]
    finally:
        ws.close()
    return link_id, cookie, posts


def test_a_guest_whose_link_was_revoked_approves_nothing_more_though_the_app_is_still_open(tmp_path: Path) -> None:
    team = make_posts_team(tmp_path)
    link_id, cookie, posts = _signed_in_guest(team)
    session = Session.open(team, "acme", authenticated=True)
    try:
        session.access.end_writes_when(signin.session_ended(cookie))
        now = dt.datetime.now(dt.UTC)
        me = session.me.id
        session.edits.store_write("approve", lambda store: writing.approve(store, me, posts[0], now))
        assert _approvals(team) == 1
        crewdeck("-w", str(team), "--as", "ana", "web", "unlink", link_id)
        with pytest.raises(Refused) as refused:
            session.edits.store_write("approve", lambda store: writing.approve(store, me, posts[1], now))
        assert refused.value.refusal.rule == "session_ended"
        assert refused.value.refusal.message == (
            "Your session as @acme has ended: a manager revoked the sign-in link it was opened with: ask for a new one."
        )
        assert _approvals(team) == 1
    finally:
        session.close()


def test_a_member_whose_ssh_key_was_removed_adds_nothing_more_though_the_app_is_still_open(tmp_path: Path) -> None:
    team = make_guest_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--ssh-key", KEY)
    fingerprint = parse_key(KEY).fingerprint
    session = Session.open(team, "raj", authenticated=True)
    try:
        member = session.me
        session.access.end_writes_when(lambda conn: session_ended(conn, member, fingerprint))
        now = dt.datetime.now(dt.UTC)
        session.edits.quick_add("Storyboard the reel", now)
        crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--ssh-key-rm", fingerprint)
        with pytest.raises(Refused) as refused:
            session.edits.quick_add("Cut the teaser", now)
        assert refused.value.refusal.rule == "session_ended"
        assert refused.value.refusal.message == f"the key {fingerprint} is no longer @raj's: this session has ended"
    finally:
        session.close()
    titles = crewdeck("-w", str(team), "--as", "ana", "tasks", "all")
    assert "Storyboard the reel" in titles and "Cut the teaser" not in titles


@pytest.fixture
def writes_in_the_app(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[Session], None]]:
    """The app ``launch`` starts runs these, in order, on its session, then closes, rather than drawing itself: what a
    key pressed in it would write, through the session the command gave it."""
    steps: list[Callable[[Session], None]] = []

    def run(app: CrewdeckApp) -> None:
        for step in steps:
            step(app.session)

    monkeypatch.setattr(CrewdeckApp, "run", run)
    # The watch that ends the app asks only once in an hour: the session's own writes are what is looked at.
    monkeypatch.setattr(launch_module, "WATCH_EVERY", 3600.0)
    return steps


def _refusal(write: Callable[[], object]) -> str:
    """The rule that refused ``write``, or "written"."""
    try:
        write()
    except Refused as refused:
        return refused.refusal.rule
    return "written"


def test_crewdeck_web_sessions_app_writes_nothing_once_its_link_is_revoked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes_in_the_app: list[Callable[[Session], None]]
) -> None:
    """`crewdeck web session`, as the web server starts it for a signed-in browser: its app's writes are refused from
    the moment the link is revoked, by the hook the command gives ``launch`` (the test above sets it by hand)."""
    team = make_posts_team(tmp_path)
    link_id, cookie, posts = _signed_in_guest(team)
    # What the server writes to the process's standard input first, read byte by byte from the pipe there.
    monkeypatch.setattr(cmd_web, "_start_line", lambda: {"session": cookie, "width": 80, "height": 24})
    monkeypatch.setenv("COLUMNS", "80")  # the command sets both: put back after the test
    monkeypatch.setenv("ROWS", "24")
    now = dt.datetime.now(dt.UTC)
    rules: list[str] = []

    def approve(session: Session, post: str) -> None:
        me = session.me.id
        rules.append(_refusal(lambda: session.edits.store_write("approve", lambda store: writing.approve(store, me, post, now))))

    writes_in_the_app.extend(
        [
            lambda session: approve(session, posts[0]),
            lambda session: crewdeck("-w", str(team), "--as", "ana", "web", "unlink", link_id),
            lambda session: approve(session, posts[1]),
        ]
    )
    crewdeck("-w", str(team), "web", "session")
    assert rules == ["written", "session_ended"]
    assert _approvals(team) == 1


def test_crewdeck_ssh_sessions_app_writes_nothing_once_its_key_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes_in_the_app: list[Callable[[Session], None]]
) -> None:
    """`crewdeck ssh-session`, as sshd runs it for a member's key: its app's writes are refused from the moment the key
    is removed, by the hook the command gives ``launch``, not only once its watch ends the app."""
    team = make_guest_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "ssh", "account", running_account())
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--ssh-key", KEY)
    fingerprint = parse_key(KEY).fingerprint
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the team account's count of app starts
    # The place it takes among the member's open apps is held by a descriptor for the process's life: the test's.
    monkeypatch.setattr(cmd_ssh, "hold_app_place", lambda member_id, most: None)
    controller, terminal = pty.openpty()  # sshd's pty, which the app needs
    with open(terminal, encoding="utf-8") as stdin, open(os.dup(terminal), "w", encoding="utf-8") as stdout:
        monkeypatch.setattr(sys, "stdin", stdin)
        monkeypatch.setattr(sys, "stdout", stdout)
        now = dt.datetime.now(dt.UTC)
        rules: list[str] = []

        def add(session: Session, title: str) -> None:
            rules.append(_refusal(lambda: session.edits.quick_add(title, now)))

        writes_in_the_app.extend(
            [
                lambda session: add(session, "Storyboard the reel"),
                lambda session: crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--ssh-key-rm", fingerprint),
                lambda session: add(session, "Cut the teaser"),
            ]
        )
        assert main(["-w", str(team), "ssh-session", "raj", "--key", fingerprint]) == 0
    os.close(controller)
    assert rules == ["written", "session_ended"]
    titles = crewdeck("-w", str(team), "--as", "ana", "tasks", "all")
    assert "Storyboard the reel" in titles and "Cut the teaser" not in titles
