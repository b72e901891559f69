"""A browser session or an SSH key revoked while its app is open: the app writes nothing from that moment on.

The app is ended by a watch that asks every second or so (``crewdeck web``'s, ``launch``'s for SSH); a key pressed
in between wrote as the revoked session (seen in a browser: ``web unlink`` returned, then the client's `a` approved
the post).  Each write now reads, inside its own transaction, whether the session still holds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.sshkeys import parse_key
from crewdeck.tui.posts import writing
from crewdeck.tui.session.session import Session
from crewdeck.tui.ssh.session import session_ended
from crewdeck.tui.web import signin
from crewdeck.tui.workspace.workspace import Workspace

from .syncsupport import crewdeck
from .websupport import make_guest_team, make_link, make_posts_team

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo raj@laptop"


def _approvals(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM post_approval").fetchone()[0])


def test_a_guest_whose_link_was_revoked_approves_nothing_more_though_the_app_is_still_open(tmp_path: Path) -> None:
    team = make_posts_team(tmp_path)
    link_id, url, _ = make_link(team, "acme")
    ws = Workspace.open(team)
    try:
        cookie, _ = signin.redeem_link(ws.conn, url.rsplit("/", 1)[1], None, dt.datetime.now(dt.UTC))
        posts = [row[0] for row in ws.conn.execute("SELECT id FROM task WHERE title LIKE 'Spring post %' ORDER BY title")]
    finally:
        ws.close()
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
