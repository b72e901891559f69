"""crewdeck web's sign-in and gates: links, PINs, tokens, rate limits, cookies, the websocket, and the rules behind them.

The server is the real Starlette application (``WebServer.asgi``) on a
real workspace file, called through Starlette's test client; the browser
runs are in test_web_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from textual.geometry import Region

from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.pane import Pane
from crewdeck.tui.app.screens.approvals import ApprovalsScreen
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.help import HelpScreen
from crewdeck.tui.cli.main import main
from crewdeck.tui.session.session import Session
from crewdeck.tui.web import signin
from crewdeck.tui.web.attempts import Attempts
from crewdeck.tui.web.server import COOKIE, MINUTE, WebServer, address_limit
from crewdeck.tui.workspace import config
from crewdeck.tui.workspace.config import Config
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.key_footer import KeyFooter

from .apphelp import settle, shown_help
from .conftest import ROOT
from .syncsupport import PATIENCE, Server, create_token, crewdeck, crewdeck_fails, free_port, listing, new_token
from .websupport import WebProcess, make_guest_team, make_link, make_posts_team, web_with_header_deadline

JSON = {"accept": "application/json"}


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_guest_team(tmp_path)


@pytest.fixture
def server(team: Path) -> Iterator[WebServer]:
    # The app processes are the browser tests' (test_web_browser.py): here no sign-in starts one.
    yield WebServer(team, attempts=Attempts(limit=1000, window=MINUTE), ready_at_sign_in=False)


def client(server: WebServer, base_url: str = "http://testserver") -> TestClient:
    return TestClient(server.asgi, base_url=base_url, follow_redirects=False)


def _secret(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _ops(path: Path) -> int:
    ws = Workspace.open(path)
    try:
        return ws.store.max_seq()
    finally:
        ws.close()


def test_a_link_signs_in_once_and_a_second_use_is_refused(team: Path, server: WebServer) -> None:
    _, url, pin = make_link(team, "gus")
    assert pin is None
    with client(server) as c:
        shown = c.get(f"/link/{_secret(url)}")
        assert shown.status_code == 200 and "@gus" in shown.text
        used = c.post(f"/link/{_secret(url)}", headers=JSON)
        assert used.status_code == 303 and used.headers["location"] == "/"
        assert "crewdeck · " in c.get("/").text and 'id="terminal"' in c.get("/").text
    with client(server) as other:
        again = other.post(f"/link/{_secret(url)}", headers=JSON)
        assert again.status_code == 410 and again.json()["error"] == "link_used"
        assert COOKIE not in again.cookies
        assert 'id="terminal"' not in other.get("/").text


def test_a_head_request_for_a_link_uses_nothing_and_the_button_still_signs_in(team: Path, server: WebServer) -> None:
    """A link checker or a chat app's preview that asks for a link's headers alone (HEAD) used it: the guest who opened
    it next was told it was used already, and the HEAD's cookie had started an app for nobody."""
    _, url, _ = make_link(team, "gus")
    with client(server) as checker:
        headers = checker.head(f"/link/{_secret(url)}", headers={"accept": "text/html"})
        assert headers.status_code == 200 and COOKIE not in headers.cookies
    with Store(team) as store:
        assert [link.used_at for link in signin.links(store.conn)] == [None]
        assert store.conn.execute("SELECT count(*) FROM web_session").fetchone()[0] == 0
    with client(server) as guest:
        assert guest.post(f"/link/{_secret(url)}", headers=JSON).status_code == 303
        assert 'id="terminal"' in guest.get("/").text


def test_a_sign_in_another_sites_page_sends_is_refused_and_a_page_of_it_opens_no_app_by_itself(team: Path, server: WebServer) -> None:
    """A form on another site (or another port or subdomain of this one) that posts a token or a link here put the
    browser in that account's session, whose app "Open crewdeck" then opened; and a page of the same site opened a
    signed-in tab's live app with no click, the keys on it (reviewer rs)."""
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    _, url, _ = make_link(team, "gus")
    with client(server) as browser:
        for site in ("cross-site", "same-site"):
            sent = {**JSON, "sec-fetch-site": site}
            refused = browser.post("/signin", data={"token": token}, headers=sent)
            assert (refused.status_code, refused.json()["error"]) == (403, "cross_site") and COOKIE not in refused.cookies
            refused = browser.post(f"/link/{_secret(url)}", headers=sent)
            assert (refused.status_code, refused.json()["error"]) == (403, "cross_site") and COOKIE not in refused.cookies
        with Store(team) as store:
            assert store.conn.execute("SELECT count(*) FROM web_session").fetchone()[0] == 0
            assert [link.used_at for link in signin.links(store.conn)] == [None]
        assert browser.post(f"/link/{_secret(url)}", headers={**JSON, "sec-fetch-site": "same-origin"}).status_code == 303
        for site in ("cross-site", "same-site"):
            page = browser.get("/", headers={"sec-fetch-site": site}).text
            assert 'id="open"' in page and 'id="terminal"' not in page
        assert 'id="terminal"' in browser.get("/", headers={"sec-fetch-site": "same-origin"}).text


def test_an_expired_link_is_refused(team: Path, server: WebServer) -> None:
    ws = Workspace.open(team)
    gus, ana = ws.member_by_handle("gus").id, ws.member_by_handle("ana").id
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    _, secret, _ = signin.create_link(ws.conn, gus, ana, dt.timedelta(days=1), long_ago, pin=False)
    ws.close()
    with client(server) as c:
        refused = c.post(f"/link/{secret}", headers=JSON)
    assert refused.status_code == 410 and refused.json()["error"] == "link_expired"


def test_opening_a_link_that_no_longer_signs_in_says_so_and_offers_no_button(team: Path, server: WebServer) -> None:
    """A used or expired link's page said "This link signs you in once as @gus" over a Sign in button that then
    refused: the page says why at once, as the button would have."""
    _, url, _ = make_link(team, "gus")
    ws = Workspace.open(team)
    gus, ana = ws.member_by_handle("gus").id, ws.member_by_handle("ana").id
    _, expired, _ = signin.create_link(ws.conn, gus, ana, dt.timedelta(days=1), dt.datetime.now(dt.UTC) - dt.timedelta(days=2), pin=False)
    ws.close()
    html = {"accept": "text/html"}
    with client(server) as c:
        assert c.post(f"/link/{_secret(url)}", headers=JSON).status_code == 303
    with client(server) as c:
        for secret, code, said in (
            (_secret(url), "link_used", "This sign-in link was used already: each link signs in once. Ask for a new one."),
            (expired, "link_expired", "This sign-in link has expired. Ask for a new one."),
        ):
            page = c.get(f"/link/{secret}", headers=html)
            assert page.status_code == 410 and said in page.text and 'action="/link/' not in page.text, page.text
            assert c.get(f"/link/{secret}", headers=JSON).json() == {"error": code, "message": said}


def test_a_revoked_link_says_it_was_revoked_in_the_list_and_on_its_page(team: Path, server: WebServer) -> None:
    """A manager who ran `web unlink` read "expired" for a link not yet used, "used" for one used, with no word of the
    revocation, and its page told the client it had expired: `web links` says revoked, when, and its page says so."""
    w = ("-w", str(team), "--as", "ana")
    unused_id, unused, _ = make_link(team, "gus")
    used_id, used, _ = make_link(team, "gus")
    with client(server) as c:
        assert c.post(f"/link/{_secret(used)}", headers=JSON).status_code == 303
    for link_id in (unused_id, used_id):
        crewdeck(*w, "web", "unlink", link_id)
    status = {line.split()[0]: line for line in crewdeck(*w, "web", "links").splitlines()[1:]}
    when = r"(today|tmrw|\w{3} \d\d-\d\d) \d\d:\d\d CES?T"
    assert re.search(rf"  revoked {when}$", status[unused_id]), status
    assert re.search(rf"  used {when}, revoked {when}$", status[used_id]), status
    said = "A manager revoked this sign-in link. Ask for a new one."
    with client(server) as c:
        page = c.get(f"/link/{_secret(unused)}", headers={"accept": "text/html"})
        assert page.status_code == 410 and said in page.text and 'action="/link/' not in page.text, page.text
        assert c.post(f"/link/{_secret(unused)}", headers=JSON).json() == {"error": "link_revoked", "message": said}


def _expires(listing: str) -> dict[str, str]:
    """Each link's EXPIRES cell in `web links`, by link id."""
    header, *lines = listing.splitlines()
    start, end = header.index("EXPIRES"), header.index("PIN")
    return {line.split()[0]: line[start:end].strip() for line in lines}


def test_a_revoked_link_keeps_the_expiry_it_was_made_with_in_the_list_and_refuses_as_expired_to_an_older_crewdeck(
    team: Path,
) -> None:
    """`web links` showed a revoked link's EXPIRES at its revocation (to which its expiry is moved) and the expiry it
    was made with was lost: it shows that one, on the reader's clock, while the stored expiry still moves (an older
    crewdeck serving the file reads it expired); revoked twice, both stay as the first revocation left them."""
    w = ("-w", str(team), "--as", "ana")
    link_id, _, _ = make_link(team, "gus", "--expires", "3d")
    made = _expires(crewdeck(*w, "web", "links"))[link_id]
    for _ in range(2):
        crewdeck(*w, "web", "unlink", link_id)
    listing = crewdeck(*w, "web", "links")
    assert _expires(listing)[link_id] == made and re.search(r" CES?T$", made), listing
    assert "  revoked " in listing, listing
    with sqlite3.connect(team) as conn:
        expires_at, revoked_at = conn.execute("SELECT expires_at, revoked_at FROM web_link WHERE id = ?", (link_id,)).fetchone()
    assert expires_at == revoked_at, (expires_at, revoked_at)


def test_a_link_table_made_before_revocations_were_kept_gains_the_column_and_its_revoked_links_read_expired(team: Path) -> None:
    """A file last served by a crewdeck whose ``web_link`` has no ``revoked_at``: it is added when the file is next
    opened for links, a link that crewdeck revoked reads expired as it did then, and one revoked now reads revoked."""
    w = ("-w", str(team), "--as", "ana")
    old_id, _, _ = make_link(team, "gus")
    new_id, _, _ = make_link(team, "gus")
    crewdeck(*w, "web", "unlink", old_id)
    with sqlite3.connect(team) as conn:
        conn.execute("ALTER TABLE web_link DROP COLUMN revoked_at")
        conn.execute("ALTER TABLE web_link DROP COLUMN made_expires_at")
    crewdeck(*w, "web", "unlink", new_id)
    status = {line.split()[0]: line for line in crewdeck(*w, "web", "links").splitlines()[1:]}
    assert status[old_id].endswith("  expired") and "  revoked " in status[new_id], status


def test_a_link_revoked_before_its_expiry_was_kept_shows_the_expiry_it_has(team: Path) -> None:
    """A file whose ``web_link`` has ``revoked_at`` but not ``made_expires_at``: the column is added, a link revoked
    then shows in EXPIRES the time its expiry was moved to (all there is), and one revoked now the one it was made with."""
    w = ("-w", str(team), "--as", "ana")
    old_id, _, _ = make_link(team, "gus", "--expires", "3d")
    new_id, _, _ = make_link(team, "gus", "--expires", "3d")
    made = _expires(crewdeck(*w, "web", "links"))
    crewdeck(*w, "web", "unlink", old_id)
    with sqlite3.connect(team) as conn:
        conn.execute("ALTER TABLE web_link DROP COLUMN made_expires_at")
    crewdeck(*w, "web", "unlink", new_id)
    listing = crewdeck(*w, "web", "links")
    shown = _expires(listing)
    status = {line.split()[0]: line for line in listing.splitlines()[1:]}
    assert shown[new_id] == made[new_id] and "  revoked " in status[new_id], listing
    # Its revocation time, as its STATUS says it ("revoked today 14:43 CET"), not the expiry three days on.
    assert shown[old_id] != made[old_id] and status[old_id].endswith(f"  revoked {shown[old_id]}"), listing


def test_a_pinned_link_needs_its_pin_and_wrong_pins_burn_it(team: Path, server: WebServer) -> None:
    _, url, pin = make_link(team, "gus", "--pin")
    assert pin is not None and len(pin) == 6 and pin.isdigit()
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    with client(server) as c:
        assert "PIN" in c.get(f"/link/{_secret(url)}").text
        refused = c.post(f"/link/{_secret(url)}", data={"pin": wrong}, headers=JSON)
        assert refused.status_code == 401 and refused.json()["error"] == "wrong_pin"
        assert c.post(f"/link/{_secret(url)}", headers=JSON).json()["error"] == "no_pin"
        assert c.post(f"/link/{_secret(url)}", data={"pin": pin}, headers=JSON).status_code == 303
    _, burned, burned_pin = make_link(team, "gus", "--pin")
    with client(server) as c:
        for _ in range(signin.PIN_TRIES):
            assert c.post(f"/link/{_secret(burned)}", data={"pin": wrong if wrong != burned_pin else pin}, headers=JSON).status_code == 401
        last = c.post(f"/link/{_secret(burned)}", data={"pin": burned_pin}, headers=JSON)
    assert last.status_code == 410 and last.json()["error"] == "link_burned"


def test_a_pin_left_empty_takes_no_try_and_a_wrong_one_says_the_tries_left_and_the_last_shows_no_button(
    team: Path, server: WebServer
) -> None:
    """A client who pressed enter before typing the PIN lost one of the link's five tries; every wrong PIN said only
    "That PIN is not this link's.", the fifth too, over the form again, whose button then said the link was burned."""
    _, url, pin = make_link(team, "gus", "--pin")
    assert pin is not None
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    html = {"accept": "text/html"}
    form = f'action="/link/{_secret(url)}"'
    with client(server) as c:
        # The manager was told "PIN (send it another way)": the page asked for it as "given with the link".
        assert "PIN (sent to you apart from the link)" in c.get(f"/link/{_secret(url)}", headers=html).text
        for _ in range(signin.PIN_TRIES + 1):
            empty = c.post(f"/link/{_secret(url)}", data={"pin": "  "}, headers=html)
            assert empty.status_code == 401 and "Type the PIN you were sent apart from this link" in empty.text and form in empty.text
        said = []
        for _ in range(signin.PIN_TRIES):
            page = c.post(f"/link/{_secret(url)}", data={"pin": wrong}, headers=html)
            assert page.status_code == 401
            message = re.search(r"That PIN is not this link&#x27;s[^<]*", page.text)
            said.append((message.group() if message else page.text, form in page.text))
        refused = c.post(f"/link/{_secret(url)}", data={"pin": pin}, headers=JSON)
    assert said == [
        ("That PIN is not this link&#x27;s: 4 tries left.", True),
        ("That PIN is not this link&#x27;s: 3 tries left.", True),
        ("That PIN is not this link&#x27;s: 2 tries left.", True),
        ("That PIN is not this link&#x27;s: 1 try left.", True),
        ("That PIN is not this link&#x27;s, and that was the last try: this link no longer works. Ask for a new one.", False),
    ]
    assert refused.status_code == 410 and refused.json()["error"] == "link_burned"


def test_a_link_used_in_another_tab_meanwhile_answers_its_button_with_no_button_again(team: Path, server: WebServer) -> None:
    """The link's page opened in two tabs, used in one: the other's button said the link was used, over the same form."""
    _, url, _ = make_link(team, "gus")
    with client(server) as c:
        assert 'id="use-link"' in c.get(f"/link/{_secret(url)}").text  # the second tab's page
        assert c.post(f"/link/{_secret(url)}", headers=JSON).status_code == 303  # the first tab's button
        late = c.post(f"/link/{_secret(url)}", headers={"accept": "text/html"})  # the second tab's button
    assert late.status_code == 410 and "was used already" in late.text and 'id="use-link"' not in late.text


def test_web_links_says_open_only_of_a_link_that_still_signs_someone_in(team: Path, server: WebServer) -> None:
    """A link burned by five wrong PINs, and one whose member was removed, read "open" in `web links`: the manager
    told the client to try it again, and its page said it no longer works."""
    w = ("-w", str(team), "--as", "ana")
    burned_id, burned, pin = make_link(team, "gus", "--pin")
    assert pin is not None
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    with client(server) as c:
        for _ in range(signin.PIN_TRIES):
            assert c.post(f"/link/{_secret(burned)}", data={"pin": wrong}, headers=JSON).status_code == 401
    crewdeck(*w, "member", "add", "vic", "--name", "Vic", "--tz", "UTC", "--access", "guest")
    gone_id, _, _ = make_link(team, "vic")
    crewdeck(*w, "member", "rm", "vic")
    open_id, _, _ = make_link(team, "gus")
    status = {line.split()[0]: line for line in crewdeck(*w, "web", "links").splitlines()[1:]}
    assert status[burned_id].endswith("burned (5 wrong PINs)"), status
    assert status[gone_id].endswith("member removed"), status
    assert status[open_id].endswith("open"), status


def test_sign_in_attempts_are_rate_limited_per_address(team: Path) -> None:
    server = WebServer(team, attempts=Attempts(limit=3, window=600), ready_at_sign_in=False)
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    with client(server) as c:
        for _ in range(3):
            assert c.post("/signin", data={"token": "crewdeck_" + "x" * 43}, headers=JSON).status_code == 401
        limited = c.post("/signin", data={"token": token}, headers=JSON)
        assert limited.status_code == 429 and limited.json()["error"] == "too_many_attempts"
        assert int(limited.headers["retry-after"]) > 0
        assert c.get("/link/cdl_guess", headers=JSON).status_code == 429
        assert COOKIE not in c.cookies


def test_the_failed_sign_ins_an_address_may_make_are_the_config_of_the_account_running_crewdeck_web(
    team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10 failed sign-ins a minute per address was a constant beside limits a config sets: a team signing in from behind
    one address (an office's NAT) could not raise it.  Read as `crewdeck web` reads it (``address_limit``), on a clock
    the test holds still."""
    settings = tmp_path / "web.toml"
    settings.write_text("web_failed_sign_ins_per_minute = 2\n")
    monkeypatch.setenv("CREWDECK_CONFIG", str(settings))
    clock = [1000.0]
    server = WebServer(team, attempts=address_limit(config.load(), lambda: clock[0]), ready_at_sign_in=False)
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    with client(server) as c:
        for _ in range(2):
            assert c.post("/signin", data={"token": "crewdeck_" + "x" * 43}, headers=JSON).status_code == 401
        limited = c.post("/signin", data={"token": token}, headers=JSON)
        assert (limited.status_code, limited.json()["message"]) == (429, "Too many sign-in attempts: try again in 61 seconds.")
        clock[0] += 60
        assert c.post("/signin", data={"token": token}, headers=JSON).status_code == 303


def test_a_members_sign_ins_are_limited_per_member_links_too_and_the_refused_writes_nothing(team: Path) -> None:
    """Only failed sign-ins were limited: a member's token signing in (and out) in a loop opened a session and started an
    app process at each, without end.  Past ten a minute a member's good sign-in is refused (429, Retry-After) before
    anything is written; a link's is too, and stays usable; another member, from the same address, signs in."""
    clock = [1000.0]
    server = WebServer(
        team,
        attempts=Attempts(limit=1000, window=MINUTE),
        sign_ins=Attempts(limit=10, window=MINUTE, clock=lambda: clock[0]),
        ready_at_sign_in=False,
    )
    _, raj = create_token("raj", "-w", str(team), "--as", "ana")
    _, ana = create_token("ana", "-w", str(team), "--as", "ana")
    _, url, _ = make_link(team, "raj")

    def sessions() -> int:
        ws = Workspace.open(team)
        try:
            return int(ws.conn.execute("SELECT COUNT(*) FROM web_session").fetchone()[0])
        finally:
            ws.close()

    with client(server) as c:
        for _ in range(10):
            assert c.post("/signin", data={"token": raj}, headers=JSON).status_code == 303
            assert c.post("/signout").status_code == 303
        clock[0] += 45
        refused = c.post("/signin", data={"token": raj}, headers=JSON)
        assert (refused.status_code, refused.headers["retry-after"], refused.json()) == (
            429,
            "16",
            {"error": "too_many_sign_ins", "message": "@raj signed in 10 times within a minute, the most here: try again in 16 seconds."},
        )
        page = c.post("/signin", data={"token": raj}, headers={"accept": "text/html"})
        assert page.status_code == 429 and 'name="token"' in page.text and "try again in 16 seconds" in page.text
        linked = c.post(f"/link/{_secret(url)}", headers=JSON)
        assert (linked.status_code, linked.json()["error"]) == (429, "too_many_sign_ins")
        assert sessions() == 10 and COOKIE not in c.cookies
        assert c.post("/signin", data={"token": ana}, headers=JSON).status_code == 303
        c.cookies.clear()
        clock[0] += 16
        assert c.post(f"/link/{_secret(url)}", headers=JSON).status_code == 303  # the refused try did not use it up
        assert c.post("/signin", data={"token": "crewdeck_" + "x" * 43}, headers=JSON).status_code == 401  # a wrong token is a failure
    assert sessions() == 12


def test_sessions_of_a_revoked_token_do_not_count_against_a_members_live_sessions(team: Path) -> None:
    """Sign-ins with a token revoked since counted as live: the next sign-in ended a session really live, older than
    them, and told its tab "you signed in 20 more times elsewhere" (review rb)."""
    lost_id, lost_token = create_token("raj", "-w", str(team), "--as", "ana")
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    now = dt.datetime.now(dt.UTC)
    ws = Workspace.open(team)
    try:
        laptop, _ = signin.sign_in_with_token(ws.conn, token, now - dt.timedelta(hours=1))
        for _ in range(signin.SESSIONS_PER_MEMBER - 1):  # the laptop's and these: as many as a member keeps live
            signin.sign_in_with_token(ws.conn, lost_token, now - dt.timedelta(minutes=30))
    finally:
        ws.close()
    crewdeck("token", "revoke", lost_id, "--workspace", str(team))
    ws = Workspace.open(team)
    try:
        signin.sign_in_with_token(ws.conn, token, now)
        assert signin.live_session(ws.conn, laptop, now) is not None
    finally:
        ws.close()


def test_sign_ins_kept_are_bounded_per_member_and_what_ended_long_ago_is_dropped(team: Path) -> None:
    """Every sign-in left a row in the file for good, and only failed ones were limited: a member's token signing in
    again and again (a script, a browser that loses its cookie) grew the file without end, and so did every link and
    session that had ended years ago."""
    _, raj_token = create_token("raj", "-w", str(team), "--as", "ana")
    _, ana_token = create_token("ana", "-w", str(team), "--as", "ana")
    now = dt.datetime.now(dt.UTC)
    long_ago, lately = now - signin.KEPT_AFTER_END - dt.timedelta(days=2), now - dt.timedelta(days=2)
    ws = Workspace.open(team)
    gus, ana = ws.member_by_handle("gus").id, ws.member_by_handle("ana").id
    old_link, _, _ = signin.create_link(ws.conn, gus, ana, dt.timedelta(days=1), long_ago, pin=False)
    recent_link, _, _ = signin.create_link(ws.conn, gus, ana, dt.timedelta(days=1), lately, pin=False)
    old_cookie, _ = signin.sign_in_with_token(ws.conn, ana_token, long_ago)
    recent_cookie, _ = signin.sign_in_with_token(ws.conn, ana_token, lately)
    # Signed in here, as the server signs in: through it, raj would be refused past ten a minute.
    kept = signin.SESSIONS_PER_MEMBER
    cookies = [signin.sign_in_with_token(ws.conn, raj_token, now)[0] for _ in range(2 * kept + 5)]
    ws.close()

    def rows(handle: str) -> int:
        conn = sqlite3.connect(team)
        try:
            found = conn.execute("SELECT count(*) FROM web_session s JOIN member m ON m.id = s.member WHERE m.handle = ?", (handle,))
            return int(found.fetchone()[0])
        finally:
            conn.close()

    web = WebProcess(team, options=("--apps-per-member", "1")).start()
    try:
        # As many live sessions as a member keeps, and as many ended by the sign-ins after them.
        assert rows("raj") == 2 * kept
        html = {"accept": "text/html"}
        ended = f"Your session as @raj has ended: you signed in {kept} more times elsewhere since ({kept} at once at most): sign in again"
        # The newest are live; those ended by the sign-ins after them say so to a browser back with one (a tab left open on
        # another computer was signed out without a word); the oldest are gone (the sign-in page, nothing said).
        for cookie in cookies[-kept:]:
            assert 'action="/signin"' not in httpx.get(f"{web.url}/", cookies={COOKIE: cookie}, headers=html).text
        for cookie in cookies[5:-kept]:
            page = httpx.get(f"{web.url}/", cookies={COOKIE: cookie}, headers=html).text
            assert 'action="/signin"' in page and ended in page
        for cookie in cookies[:5]:
            page = httpx.get(f"{web.url}/", cookies={COOKIE: cookie}, headers=html).text
            assert 'action="/signin"' in page and "Your session" not in page
        # Ended long ago: gone; ended lately: kept, and a browser back with it is told why.
        assert rows("ana") == 1
        back = httpx.get(f"{web.url}/", cookies={COOKIE: recent_cookie}, headers=html).text
        assert "Your session as @ana has ended: it lasted its 12 hours: sign in again to go on." in back
        assert "Your session" not in httpx.get(f"{web.url}/", cookies={COOKIE: old_cookie}, headers=html).text
        listed = crewdeck("-w", str(team), "--as", "ana", "web", "links")
        assert recent_link.id in listed and old_link.id not in listed
    finally:
        err = web.stop()
    assert "Traceback" not in err, err


def test_cookies_are_httponly_samesite_strict_and_secure_over_tls(team: Path, server: WebServer) -> None:
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    with client(server) as c:
        plain = c.post("/signin", data={"token": token}, headers=JSON).headers["set-cookie"].lower()
    with client(server, "https://testserver") as c:
        tls = c.post("/signin", data={"token": token}, headers=JSON).headers["set-cookie"].lower()
        assert c.get("/").text.count("wss://testserver/ws") == 1
    for header in (plain, tls):
        assert header.startswith(f"{COOKIE}=") and "httponly" in header and "samesite=strict" in header and "path=/" in header
    assert "secure" not in plain and "; secure" in tls


def test_a_workspace_name_that_reorders_text_is_shown_not_obeyed_on_the_pages(team: Path) -> None:
    """A name holding a right-to-left override turned the pages' heading and the tab's title around it ("Acme" then
    "Mail-get" read backwards): shown as the terminal shows it, ``<U+202E>``, it reorders nothing."""
    crewdeck("-w", str(team), "--as", "ana", "workspace", "set", "name", "Acme \u202eteg-liaM")
    _, url, _ = make_link(team, "raj")
    server = WebServer(team, attempts=Attempts(limit=1000, window=MINUTE), ready_at_sign_in=False)
    with client(server) as c:
        for page in (c.get("/"), c.get(f"/link/{_secret(url)}")):
            assert "\u202e" not in page.text and "Acme &lt;U+202E&gt;teg-liaM" in page.text, page.text


def test_nothing_of_the_app_is_reachable_without_a_session(team: Path, server: WebServer) -> None:
    with client(server) as c:
        page = c.get("/")
        assert page.status_code == 200 and 'action="/signin"' in page.text and "textual.js" not in page.text
        for path in (
            "/static/js/textual.js",
            "/static/crewdeck/page.js",
            "/static/css/xterm.css",
            "/static/fonts/RobotoMono-VariableFont_wght.ttf",
            "/download/x",
        ):
            assert c.get(path, headers=JSON).status_code == 404, path
        c.cookies.set(COOKIE, "forged")
        assert c.get("/static/js/textual.js", headers=JSON).status_code == 404
        assert 'action="/signin"' in c.get("/").text
    assert server.started == 0


def test_the_websocket_refuses_a_missing_or_forged_session_and_starts_no_app(
    team: Path, server: WebServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    # Read at the root, whatever an earlier test in this process left uvicorn's loggers (its log config stops them
    # propagating; a log level of "critical" drops the line).
    for name in ("uvicorn", "uvicorn.error"):
        monkeypatch.setattr(logging.getLogger(name), "propagate", True)
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    with client(server) as c:
        with pytest.raises(WebSocketDisconnect), c.websocket_connect("/ws"):
            pass
        c.cookies.set(COOKIE, "a" * 43)
        with pytest.raises(WebSocketDisconnect), c.websocket_connect("/ws"):
            pass
        # A live cookie from a page of another site (a cross-site websocket) is refused too.
        c.cookies.clear()
        assert c.post("/signin", data={"token": token}, headers=JSON).status_code == 303
        with pytest.raises(WebSocketDisconnect), c.websocket_connect("/ws", headers={"origin": "http://evil.example"}):
            pass
        # Said in the log: a live session's cookie comes from this server's own page (SameSite=Strict), so an Origin that
        # is not the Host is a proxy that did not pass the Host on, and the page only said "The app ended".
        said = [r.getMessage() for r in caplog.records if r.name == "uvicorn.error"]
        assert said == [
            "refused the app's websocket of a page at http://evil.example: the request names this server testserver; a proxy "
            "in front must pass the Host header on (nginx: proxy_set_header Host $host)"
        ], said
        # Signed out, the same cookie opens nothing.
        cookie = c.cookies[COOKIE]
        c.post("/signout")
        c.cookies.set(COOKIE, cookie)
        with pytest.raises(WebSocketDisconnect), c.websocket_connect("/ws"):
            pass
    assert server.started == 0


def test_a_revoked_token_or_removed_member_is_no_session(team: Path, server: WebServer) -> None:
    token_id, token = create_token("raj", "-w", str(team), "--as", "ana")
    with client(server) as c:
        c.post("/signin", data={"token": token}, headers=JSON)
        assert 'id="terminal"' in c.get("/").text
        crewdeck("token", "revoke", token_id, "-w", str(team), "--as", "ana")
        assert 'action="/signin"' in c.get("/").text
    _, url, _ = make_link(team, "raj")
    with client(server) as c:
        c.post(f"/link/{_secret(url)}")
        assert 'id="terminal"' in c.get("/").text
        crewdeck("-w", str(team), "--as", "ana", "member", "rm", "raj")
        assert 'action="/signin"' in c.get("/").text


def test_a_member_removed_and_brought_back_finds_their_old_sessions_and_links_ended(team: Path) -> None:
    """Removing a member revokes their tokens, but a session a link opened has no token: once a manager (or a sync)
    brought the member back, their browser's old session opened the app again, and an unused link made before the
    removal signed in.  Both end with the removal, and the browser is told why."""
    _, url, _ = make_link(team, "raj")
    _, unused, _ = make_link(team, "raj")
    web = WebProcess(team).start()
    try:
        signed = httpx.post(f"{web.url}/link/{_secret(url)}", headers=JSON)
        cookie = signed.cookies[COOKIE]
        assert 'id="terminal"' in httpx.get(f"{web.url}/", cookies={COOKIE: cookie}).text
        crewdeck("-w", str(team), "--as", "ana", "member", "rm", "raj")
        removed = httpx.post(f"{web.url}/link/{_secret(unused)}", headers=JSON)
        assert "no longer in the workspace" in removed.text, removed.text  # the removal, not the expiry it brought
        ws = Workspace.open(team)
        try:
            ana, raj = ws.member_by_handle("ana"), ws.store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
            with ws.store.write(ana.id) as w:
                w.set("member", raj, {"deleted": False})
        finally:
            ws.close()
        page = httpx.get(f"{web.url}/", cookies={COOKIE: cookie}).text
        assert 'id="terminal"' not in page and 'action="/signin"' in page
        said = "Your session as @raj has ended: @raj was removed from this workspace since: ask for a new sign-in link to go on."
        assert said in page
        refused = httpx.post(f"{web.url}/link/{_secret(unused)}", headers=JSON)
        assert refused.status_code >= 400 and COOKIE not in refused.cookies, refused.text
    finally:
        err = web.stop()
    assert "Traceback" not in err, err


def test_a_removal_ends_the_sessions_of_a_table_made_before_sessions_said_why_they_ended(team: Path) -> None:
    """A file last served by a crewdeck whose ``web_session`` has no ``end_cause``: removing a member there ends their
    sessions all the same (the cause is not written where there is no column for it), and the removal is written."""
    _, url, _ = make_link(team, "raj")
    now = dt.datetime.now(dt.UTC)
    ws = Workspace.open(team)
    try:
        cookie, _ = signin.redeem_link(ws.conn, _secret(url), None, now)
        with ws.conn:
            for column in ("end_cause", "idle_until", "idle_seconds"):
                ws.conn.execute(f"ALTER TABLE web_session DROP COLUMN {column}")
    finally:
        ws.close()
    crewdeck("-w", str(team), "--as", "ana", "member", "rm", "raj")
    ws = Workspace.open(team)
    try:
        raj = ws.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        with ws.store.write(ws.member_by_handle("ana").id) as w:
            w.set("member", raj, {"deleted": False})
        assert signin.live_session(ws.conn, cookie, now) is None
    finally:
        ws.close()


def test_a_browser_back_after_its_session_ended_is_told_why(team: Path) -> None:
    """A revoked link, a revoked token, a removal or an expiry ended the app with "The app ended."; its "Open again"
    showed the sign-in page and no word of why, where an SSH session says it ("the key … is no longer @raj's")."""
    clock = [dt.datetime.now(dt.UTC)]
    # No idle timeout: a session two hours past its link's expiry would have been left unused past an hour's too, and
    # said so when it went unused first (the link is made after the clock is read); that line has a test of its own.
    server = WebServer(team, attempts=Attempts(limit=1000, window=MINUTE), ready_at_sign_in=False, now=lambda: clock[0], idle=None)
    w = ("-w", str(team), "--as", "ana")

    def back(c: TestClient) -> str:
        page = c.get("/").text
        # A guest's page offers no token field: a guest signs in with a link alone.
        assert ('action="/signin"' in page) != ("@gus" in page) and 'id="terminal"' not in page
        found = re.search(r'<p class="error" id="error">([^<]*)</p>', page)
        return found.group(1) if found else ""

    with client(server) as c:
        assert back(c) == ""  # no session ever: the page as it was
        link_id, url, _ = make_link(team, "gus")
        c.post(f"/link/{_secret(url)}")
        crewdeck(*w, "web", "unlink", link_id)
        assert back(c) == "Your session as @gus has ended: a manager revoked the sign-in link it was opened with: ask for a new one."
    with client(server) as c:
        token_id, token = create_token("raj", "-w", str(team), "--as", "ana")
        c.post("/signin", data={"token": token}, headers=JSON)
        crewdeck("token", "revoke", token_id, *w)
        assert back(c) == "Your session as @raj has ended: the token it was signed in with was revoked: ask for a new one."
    with client(server) as c:
        _, token = create_token("raj", "-w", str(team), "--as", "ana")
        c.post("/signin", data={"token": token}, headers=JSON)
        cookie = c.cookies[COOKIE]
        c.post("/signout")
        c.cookies.set(COOKIE, cookie)  # as another tab of the browser has it
        assert back(c) == "Your session as @raj has ended: it was signed out in this browser: sign in again to go on."
    with client(server) as c:
        _, url, _ = make_link(team, "gus", "--expires", "1h")
        c.post(f"/link/{_secret(url)}")
        clock[0] += dt.timedelta(hours=2)
        assert back(c) == "Your session as @gus has ended: its sign-in link expired: ask for a new one."
        clock[0] -= dt.timedelta(hours=2)
    with client(server) as c:
        _, url, _ = make_link(team, "gus")
        c.post(f"/link/{_secret(url)}")
        crewdeck(*w, "member", "rm", "gus")
        assert back(c) == "Your session as @gus has ended: @gus is no longer a member of this workspace."


def test_a_guest_signed_out_or_whose_session_ended_is_shown_the_way_a_guest_signs_in_not_a_token_field(
    team: Path, server: WebServer
) -> None:
    """A guest signs in with a link a manager makes, never a token: signed out, or back after the session ended, they
    were shown the sign-in page's token field ("Your token (crewdeck token create)"), and "sign in again to go on"."""
    said = "Your session as @gus has ended: it was signed out in this browser: ask for a new sign-in link to go on."
    with client(server) as c:
        _, url, _ = make_link(team, "gus")
        c.post(f"/link/{_secret(url)}")
        cookie = c.cookies[COOKIE]
        signed_out = c.post("/signout", headers={"accept": "text/html"})
        assert COOKIE not in c.cookies
        c.cookies.set(COOKIE, cookie)  # as another tab of the browser has it
        for page in (signed_out.text, c.get("/").text):
            assert 'name="token"' not in page and 'action="/signin"' not in page
            assert f'<p class="error" id="error">{said}</p>' in page
            assert "As a guest you sign in with a sign-in link: a manager of this workspace makes you one" in page
    with client(server) as c:  # a member's page keeps the token field, and says a link's way on
        _, url, _ = make_link(team, "raj")
        c.post(f"/link/{_secret(url)}")
        cookie = c.cookies[COOKIE]
        assert c.post("/signout").status_code == 303
        c.cookies.set(COOKIE, cookie)
        page = c.get("/").text
        assert 'name="token"' in page and "guest" not in page
        assert "Your session as @raj has ended: it was signed out in this browser: ask for a new sign-in link to go on." in page


#: An app process that draws once, then sends back each key it is sent, and quits when told to.
ECHO_APP = """
import json, sys
out, keys = sys.stdout.buffer, sys.stdin.buffer
def packet(kind, payload):
    out.write(kind + len(payload).to_bytes(4, "big") + payload)
    out.flush()
out.write(b"__GANGLION__\\n")
keys.readline()  # the start line: the session and the terminal's size
packet(b"D", b"drawn")
while kind := keys.read(1):
    payload = keys.read(int.from_bytes(keys.read(4), "big"))
    if kind == b"D":
        packet(b"D", payload)
    elif json.loads(payload)["type"] == "quit":
        break
"""


def test_a_session_left_unused_past_the_idle_timeout_ends_and_its_tab_and_page_say_why(team: Path, tmp_path: Path) -> None:
    """A browser left signed in on a desk opened the app for whoever sat down at it, for the 12 hours of a token's session
    or the days of a link's: a session now ends an idle time after its last use (a page opened, a key sent to its app;
    not the page's pings), and the open tab says why, as the sign-in page does when it is opened again."""
    app = tmp_path / "echo_app.py"
    app.write_text(ECHO_APP)
    clock = [dt.datetime.now(dt.UTC)]
    server = WebServer(
        team,
        attempts=Attempts(limit=1000, window=MINUTE),
        ready_at_sign_in=False,
        now=lambda: clock[0],
        command=lambda _: [sys.executable, str(app)],
        watch_every=0.05,
        idle=dt.timedelta(hours=1),
    )
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    said = "Your session as @raj has ended: it was left unused for 1 hour: sign in again to go on."
    with client(server) as c:
        assert c.post("/signin", data={"token": token}, headers=JSON).status_code == 303
        cookie = c.cookies[COOKIE]
        clock[0] += dt.timedelta(minutes=50)
        assert 'id="terminal"' in c.get("/").text  # used: a page of the app opened
        clock[0] += dt.timedelta(minutes=50)
        with c.websocket_connect("/ws?width=80&height=24") as page:
            assert page.receive_bytes() == b"drawn"
            page.send_text(json.dumps(["stdin", "j"]))  # used: a key, 1 h 40 min after the sign-in
            assert page.receive_bytes() == b"j"
            clock[0] += dt.timedelta(minutes=55)
            page.send_text(json.dumps(["ping", "1"]))  # the page's, with nobody at it: no use
            assert json.loads(page.receive_text()) == ["pong", "1"]
            assert signin.live_session(server.conn, cookie, clock[0]) is not None
            # An hour and two minutes after the key: past the hour and the step of a minute a use is written in at most
            # (a use within it goes unwritten, so the end waits that long too, never coming sooner than an hour after one).
            clock[0] += dt.timedelta(minutes=7)
            assert signin.live_session(server.conn, cookie, clock[0]) is None  # so the watch ends the app
            closed = page.receive()
        assert closed["type"] == "websocket.close" and (closed["code"], closed["reason"]) == (4403, said)
        page_said = re.search(r'<p class="error" id="error">([^<]*)</p>', c.get("/").text)
        assert page_said is not None and page_said.group(1) == said
    assert server.started == 1


def _echo_server(team: Path, tmp_path: Path) -> WebServer:
    """A server whose apps echo the keys they are sent (``ECHO_APP``), none started at a sign-in."""
    app = tmp_path / "echo_app.py"
    app.write_text(ECHO_APP)
    return WebServer(
        team, attempts=Attempts(limit=1000, window=MINUTE), ready_at_sign_in=False, command=lambda _: [sys.executable, str(app)]
    )


def test_a_binary_frame_from_the_page_is_passed_over_and_the_app_stays_up(team: Path, tmp_path: Path) -> None:
    """textual.js sends text frames alone: a binary one (a page's script, any client of the websocket) ended its sender's
    own app, where a text frame that is no message of the page's is passed over."""
    server = _echo_server(team, tmp_path)
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    with client(server) as c:
        assert c.post("/signin", data={"token": token}, headers=JSON).status_code == 303
        with c.websocket_connect("/ws?width=80&height=24") as page:
            assert page.receive_bytes() == b"drawn"
            page.send_bytes(b'["stdin", "q"]')
            page.send_text("not json")
            page.send_text(json.dumps(["stdin", "j"]))
            assert page.receive_bytes() == b"j"
            assert len(server.open) == 1
    assert server.started == 1


def test_a_page_opened_again_and_again_on_one_sign_in_starts_apps_up_to_a_limit_a_minute(team: Path, tmp_path: Path) -> None:
    """With sign-ins limited, one sign-in's websocket opened and closed in a loop still started an app process at each
    (each closed one's place free again once its process was gone), without end.  Past the member's limit a minute the
    websocket is refused with why (4429, as past the apps at once); another member's opens, and raj's does a minute on."""
    app = tmp_path / "echo_app.py"
    app.write_text(ECHO_APP)
    clock = [1000.0]
    server = WebServer(
        team,
        attempts=Attempts(limit=1000, window=MINUTE),
        app_starts=Attempts(limit=3, window=MINUTE, clock=lambda: clock[0]),
        ready_at_sign_in=False,
        command=lambda _: [sys.executable, str(app)],
    )
    _, raj = create_token("raj", "-w", str(team), "--as", "ana")
    _, ana = create_token("ana", "-w", str(team), "--as", "ana")
    with client(server) as c:
        assert c.post("/signin", data={"token": ana}, headers=JSON).status_code == 303
        anas = c.cookies[COOKIE]
        assert c.post("/signin", data={"token": raj}, headers=JSON).status_code == 303
        rajs = c.cookies[COOKIE]
        for _ in range(3):
            with c.websocket_connect("/ws?width=80&height=24") as page:
                assert page.receive_bytes() == b"drawn"
        clock[0] += 30
        with c.websocket_connect("/ws?width=80&height=24") as page:
            closed = page.receive()
        assert (closed["type"], closed["code"], closed["reason"]) == (
            "websocket.close",
            4429,
            "You opened the app 3 times within a minute, the most here: try again in 31 seconds.",
        )
        c.cookies.clear()
        c.cookies.set(COOKIE, anas)
        with c.websocket_connect("/ws?width=80&height=24") as page:
            assert page.receive_bytes() == b"drawn"
        c.cookies.clear()
        c.cookies.set(COOKIE, rajs)
        clock[0] += 31
        with c.websocket_connect("/ws?width=80&height=24") as page:
            assert page.receive_bytes() == b"drawn"
    assert server.started == 5


def test_a_sessions_use_is_never_waited_for_and_a_use_left_unwritten_puts_its_end_off(team: Path) -> None:
    """The server writes a session's use on its event loop, on a key: it waited up to the file's busy timeout (30 s) for
    another process's write (an app saving, an import), holding every browser's keys and pages meanwhile.  A busy file is
    now left for the next use.  And the uses a step after a written one go unwritten, so the end is put off by the step:
    a session ended 59 minutes after its last key read "left unused for 1 hour"."""
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    now = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
    hour, step = dt.timedelta(hours=1), dt.timedelta(minutes=1)
    with Store(team) as store:
        cookie, _ = signin.sign_in_with_token(store.conn, token, now)
        session = signin.live_session(store.conn, cookie, now)
        assert session is not None
        with Store(team) as other:
            other.conn.execute("BEGIN IMMEDIATE")  # another process writing
            assert signin.used(store.conn, session.id, now, hour, slack=step) is False
            other.conn.execute("ROLLBACK")
        assert signin.used(store.conn, session.id, now, hour, slack=step) is True
        # Used again 59 s later, unwritten (within the step): an hour after that use it is still live.
        assert signin.live_session(store.conn, cookie, now + dt.timedelta(seconds=59) + hour) is not None
        assert signin.live_session(store.conn, cookie, now + hour + step) is None


def test_an_idle_link_session_says_to_ask_for_a_new_link_and_with_no_idle_timeout_a_session_lasts_its_time(team: Path) -> None:
    clock = [dt.datetime.now(dt.UTC)]
    for idle in (dt.timedelta(minutes=30), None):
        server = WebServer(team, attempts=Attempts(limit=1000, window=MINUTE), ready_at_sign_in=False, now=lambda: clock[0], idle=idle)
        _, url, _ = make_link(team, "gus")
        _, token = create_token("raj", "-w", str(team), "--as", "ana")
        with client(server) as c:
            c.post(f"/link/{_secret(url)}")
            by_link = c.cookies[COOKIE]
            c.post("/signin", data={"token": token}, headers=JSON)
            by_token = c.cookies[COOKIE]
            clock[0] += dt.timedelta(hours=11, minutes=59)

            def page(cookie: str) -> str:
                c.cookies.clear()
                c.cookies.set(COOKIE, cookie)
                return c.get("/").text

            if idle is None:
                assert 'id="terminal"' in page(by_link) and 'id="terminal"' in page(by_token)
            else:
                assert "Your session as @gus has ended: it was left unused for 30 minutes: ask for a new sign-in link to go on." in page(
                    by_link
                )
                assert "Your session as @raj has ended: it was left unused for 30 minutes: sign in again to go on." in page(by_token)
        clock[0] += dt.timedelta(minutes=2)


def test_the_idle_timeout_is_an_option_of_serving_alone_and_a_duration_or_off(team: Path) -> None:
    for given, said in (
        (
            "soon",
            "crewdeck: error: --idle-timeout: 'soon' is not a duration: give a number and s, m, h or d (30m, 2h, 1d), or off for no "
            "idle timeout",
        ),
        ("0m", "crewdeck: error: --idle-timeout: a session must be left a moment at least: give a time, or off for no idle timeout"),
        ("91d", "crewdeck: error: --idle-timeout: 90 days at most (or off for no idle timeout)"),
    ):
        assert crewdeck_fails("web", str(team), "--idle-timeout", given).strip() == said
    assert crewdeck_fails("-w", str(team), "--as", "ana", "web", "links", "--idle-timeout", "1h").strip() == (
        "crewdeck: error: --idle-timeout is not an option of crewdeck web links"
    )
    assert signin.parse_idle("OFF") is None and signin.parse_idle("90m") == dt.timedelta(minutes=90)


def test_sessions_signed_in_before_sessions_said_why_they_ended_stay_live_and_end_with_why(team: Path) -> None:
    """A file served by a crewdeck whose ``web_session`` has no ``end_cause`` (nor an idle time): its sessions go on, and
    the columns are added."""
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    now = dt.datetime.now(dt.UTC)
    ws = Workspace.open(team)
    try:
        first, _ = signin.sign_in_with_token(ws.conn, token, now)
        with ws.conn:
            for column in ("end_cause", "idle_until", "idle_seconds"):
                ws.conn.execute(f"ALTER TABLE web_session DROP COLUMN {column}")
        assert signin.live_session(ws.conn, first, now) is not None
        for _ in range(signin.SESSIONS_PER_MEMBER):
            signin.sign_in_with_token(ws.conn, token, now)
        assert signin.live_session(ws.conn, first, now) is None
        assert signin.ended_why(ws.conn, first, now) == (
            "Your session as @raj has ended: you signed in 20 more times elsewhere since (20 at once at most): sign in again to go on."
        )
    finally:
        ws.close()


def test_why_a_session_ended_fits_the_close_reason_of_its_tab_with_the_longest_handle(team: Path, server: WebServer) -> None:
    """A websocket's close reason holds 123 bytes: said with a 32-letter handle, the line would not be sent at all."""
    handle = "m" * 32
    crewdeck("-w", str(team), "--as", "ana", "member", "add", handle, "--name", "Long Handle", "--tz", "UTC")
    link_id, url, _ = make_link(team, handle)
    with client(server) as c:
        c.post(f"/link/{_secret(url)}")
        cookie = c.cookies[COOKIE]
        crewdeck("-w", str(team), "--as", "ana", "web", "unlink", link_id)
        said = "has ended: a manager revoked the sign-in link it was opened with: ask for a new one."
        assert signin.ended_why(server.conn, cookie, server.now()) == f"Your session as @{handle} {said}"
        assert server._ended_why(cookie, server.now()) == f"Your session {said}"


def test_only_managers_make_list_and_revoke_links(team: Path) -> None:
    w = ("-w", str(team))
    for handle in ("raj", "gus"):
        assert "(rule managers_only)" in crewdeck_fails(*w, "--as", handle, "web", "link", "@gus")
        assert "(rule managers_only)" in crewdeck_fails(*w, "--as", handle, "web", "links")
    link_id, _, _ = make_link(team, "gus", "--expires", "12h")
    assert "(rule managers_only)" in crewdeck_fails(*w, "--as", "raj", "web", "unlink", link_id)
    listing = crewdeck(*w, "--as", "ana", "web", "links")
    assert link_id in listing and "@gus" in listing and "open" in listing
    # Its expiry is on ana's clock, saying whose, as every time crewdeck shows: it read "2026-12-05T21:12:05Z".
    made = crewdeck(*w, "--as", "ana", "web", "link", "@gus", "--expires", "12h").splitlines()[0]
    assert re.search(r"until (today|tmrw|\w{3} \d\d-\d\d) \d\d:\d\d CES?T;", made) and "Z;" not in made, made
    listing = crewdeck(*w, "--as", "ana", "web", "links")
    assert re.search(r"  (today|tmrw|\w{3} \d\d-\d\d) \d\d:\d\d CES?T  ", listing) and "Z  " not in listing, listing
    assert "not a duration" in crewdeck_fails(*w, "--as", "ana", "web", "link", "@gus", "--expires", "soon")
    assert "at most 90 days" in crewdeck_fails(*w, "--as", "ana", "web", "link", "@gus", "--expires", "91d")
    assert "--pin is not an option" in crewdeck_fails(*w, "--as", "ana", "web", "links", "--pin")
    crewdeck(*w, "--as", "ana", "web", "unlink", link_id)
    assert "revoked" in crewdeck(*w, "--as", "ana", "web", "links")


def test_a_link_for_a_guest_given_no_campaigns_says_their_app_shows_no_posts(team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A guest's app is the posts of their campaigns: a link for one given none opened an empty view, said nowhere."""
    w = ("-w", str(team), "--as", "ana")
    lines = crewdeck(*w, "web", "link", "@gus").splitlines()
    assert len(lines) == 2 and lines[0].startswith("link ")  # the link, as before: the note goes to standard error
    assert main([*w, "web", "link", "@gus"]) == 0
    said = capsys.readouterr().err
    assert said == (
        "note: @gus is a guest given no campaigns: their app shows no posts until they are given some "
        "(crewdeck member set gus --campaigns NAMES)\n"
    ), said
    crewdeck(*w, "campaign", "add", "Spring Launch")
    crewdeck(*w, "member", "set", "gus", "--campaigns", "spring-launch")
    for handle in ("gus", "raj"):
        assert main([*w, "web", "link", f"@{handle}"]) == 0
        assert capsys.readouterr().err == "", handle


def test_a_link_for_an_address_that_is_not_a_web_address_is_refused_and_none_is_made(team: Path) -> None:
    """--url javascript:x made a link and printed "javascript:x/link/…" for the client: no browser opens it."""
    w = ("-w", str(team), "--as", "ana")
    for url in ("javascript:x", "crewdeck.example.com", "ftp://crewdeck.example.com"):
        said = crewdeck_fails(*w, "web", "link", "@gus", "--url", url)
        assert f"--url: {url!r} is not a web address (https://...)" in said, said
    assert "@gus" not in crewdeck(*w, "web", "links")
    link_id, _, _ = make_link(team, "gus", url="https://crewdeck.example.com/")
    assert link_id in crewdeck(*w, "web", "links")


def test_a_link_for_an_address_a_browser_cannot_open_as_given_is_refused_and_none_is_made(team: Path) -> None:
    """A control character was printed raw in the link, a space or a query made a link that opens nothing, and a path
    one that misses the server: crewdeck web answers at the root of its address (its pages ask for /signin, /static, /ws)."""
    w = ("-w", str(team), "--as", "ana")
    root_only = "is more than an address: crewdeck web answers at the root of one (give https://HOST[:PORT] alone)"
    for url, why in (
        ("https://crewdeck.example.com/\x1b[31m", "is not a web address (https://...)"),
        ("https://crew deck.example.com", "is not a web address (https://...)"),
        ("https://crewdeck.example.com/?from=chat", root_only),
        ("https://crewdeck.example.com/#top", root_only),
        ("https://example.com/crewdeck", root_only),
    ):
        said = crewdeck_fails(*w, "web", "link", "@gus", "--url", url)
        assert said == f"crewdeck: error: --url: {url!r} {why}\n", said
    assert "@gus" not in crewdeck(*w, "web", "links")
    for url in ("https://crewdeck.example.com:8443", "http://127.0.0.1:8471/"):
        assert crewdeck(*w, "web", "link", "@gus", "--url", url).splitlines()[1].startswith(url.rstrip("/") + "/link/cdl_")


def test_serving_a_directory_says_it_is_one(tmp_path: Path) -> None:
    """It said "no such workspace file (create one with: crewdeck init DIR)", and that init fails on a directory."""
    assert crewdeck_fails("web", str(tmp_path), "--port", "1") == f"crewdeck: error: {tmp_path} is a directory, not a crewdeck workspace\n"


def test_serving_on_a_port_in_use_is_one_line_before_anything_is_said(team: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        web = [sys.executable, "-m", "crewdeck.tui.cli.main", "web", str(team), "--port", str(port)]
        done = subprocess.run(web, cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"crewdeck: error: port {port} on 127.0.0.1 is in use; pick another with --port\n",
    )


def test_serving_on_an_address_this_machine_has_not_names_the_host_not_the_port(team: Path) -> None:
    """It said "port 8765 on 192.0.2.1 cannot be used (…); pick another with --port": another port would fail alike."""
    assert crewdeck_fails("web", str(team), "--host", "192.0.2.1", "--port", "8765") == (
        "crewdeck: error: --host 192.0.2.1: not an address of this machine (Cannot assign requested address)\n"
    )


def test_serving_plain_http_beyond_this_machine_is_warned_and_its_links_name_no_wildcard(team: Path) -> None:
    """`crewdeck web --host 0.0.0.0` said nothing of sign-ins and cookies crossing the network readable (`crewdeck serve`
    warns), and told to make links with `--url http://0.0.0.0:PORT`, which opens nothing in a client's browser."""
    port = free_port()
    web = [sys.executable, "-m", "crewdeck.tui.cli.main", "web", str(team), "--host", "0.0.0.0", "--port", str(port)]
    proc = subprocess.Popen(web, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()  # said once it is about to serve, after any warning
        # The links' command names the file served: without it, it made a link in the account's own workspace, or none.
        links = f"crewdeck --workspace {team} web link @H --url http://HOST:{port}"
        assert first == f"crewdeck web: {team} on http://0.0.0.0:{port}/ (links: {links})\n"
        assert proc.stderr.readline() == (
            "crewdeck: warning: serving plain HTTP on '0.0.0.0': sign-ins and session cookies cross the network readable; "
            "use --tls-cert/--tls-key or a TLS reverse proxy\n"
        )
    finally:
        proc.terminate()
        proc.communicate(timeout=PATIENCE)


def test_the_links_command_crewdeck_web_prints_runs_as_pasted_and_shows_no_raw_control_character(team: Path, tmp_path: Path) -> None:
    """A file's name with a space broke the printed command in two ("unknown command 'team.db'"), and an escape in it
    reached the terminal raw."""
    odd = tmp_path / "my team\x1b[31m.db"
    odd.write_bytes(team.read_bytes())
    port = free_port()
    web = [sys.executable, "-m", "crewdeck.tui.cli.main", "web", str(odd), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(web, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
    finally:
        proc.terminate()
        proc.communicate(timeout=PATIENCE)
    assert "\x1b" not in first and "my team^[[31m.db" in first, first
    printed = first[first.index("(links: ") + len("(links: ") : -len(")\n")].replace("^[", "\x1b")
    assert shlex.split(printed)[:3] == ["crewdeck", "--workspace", str(odd)], printed


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_crewdeck_web_stopped_by_a_signal_ends_as_a_clean_stop(stop: signal.Signals, team: Path) -> None:
    """uvicorn raised the signal again once shut down: SIGTERM killed the process (exit -15) and Ctrl-C ended in
    KeyboardInterrupt (exit 130), before what follows the serving (a --database copy's stop) could run."""
    web = WebProcess(team).start()
    assert web.proc is not None
    web.proc.send_signal(stop)
    _, err = web.proc.communicate(timeout=PATIENCE)
    assert (web.proc.returncode, err.decode()) == (0, "")


def test_crewdeck_web_stop_forced_with_a_request_open_says_what_it_cut_in_one_line(team: Path) -> None:
    """A second signal while a sign-in's form was still coming: the cancelled request, and the lifespan, were logged as
    "Exception in ASGI application" and three chained tracebacks each, and nothing said what the stop cut.  (The form
    may pause long on a loaded machine: the guard's deadline, which ended the request and the stop with it, is long.)"""
    web = WebProcess(team, entry=web_with_header_deadline(600)).start()
    assert web.proc is not None
    with socket.create_connection(("127.0.0.1", web.port)) as conn:
        conn.sendall(
            b"POST /signin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100\r\nExpect: 100-continue\r\n\r\n"
        )
        assert conn.recv(100).startswith(b"HTTP/1.1 100 ")  # the app reads the form, which never comes
        web.proc.send_signal(signal.SIGTERM)
        while True:  # until the stop has begun: its listening socket is closed, the form still awaited
            try:
                socket.create_connection(("127.0.0.1", web.port)).close()
            except (ConnectionRefusedError, ConnectionResetError):  # reset: queued as the listening socket closed
                break
        web.proc.send_signal(signal.SIGINT)
        _, err = web.proc.communicate(timeout=PATIENCE)
        assert conn.recv(100).startswith(b"HTTP/1.1 500 ")
    assert web.proc.returncode == 130
    assert "Traceback" not in err.decode()
    assert (
        err.decode() == "\ncrewdeck: error: web: stop forced, cutting 1 request still open: its browser got a 500 or lost the connection\n"
    )


def test_on_a_replica_only_its_member_is_signed_in(team: Path, tmp_path: Path) -> None:
    """A replica's app acts as its token's member only (the server takes no one else's operations):
    a browser signed in as anyone else would get an app that refuses to start."""
    served = Server([str(team)]).start()
    try:
        replica = tmp_path / "ana.db"
        crewdeck("join", served.url, "--token", new_token("ana", "--workspace", str(team)), str(replica))
    finally:
        assert served.stop() == ""
    said = "this is @ana's replica of a served workspace: only @ana signs in to crewdeck web here"
    assert said in crewdeck_fails("-w", str(replica), "web", "link", "@gus")
    _, raj_token = create_token("raj", "--workspace", str(replica))  # a token in the replica's file, as on any file
    _, ana_link, _ = make_link(replica, "ana")
    with client(WebServer(replica, attempts=Attempts(limit=1000, window=MINUTE), ready_at_sign_in=False)) as c:
        refused = c.post("/signin", data={"token": raj_token}, headers=JSON)
        assert (refused.status_code, refused.json()) == (403, {"error": "not_replica_member", "message": said[0].upper() + said[1:] + "."})
        assert 'action="/signin"' in c.get("/").text
        assert c.post(f"/link/{_secret(ana_link)}").status_code == 303
        assert 'id="terminal"' in c.get("/").text


def test_the_app_process_starts_only_for_a_live_session(team: Path) -> None:
    """``crewdeck web session`` is no way in: without the cookie of a live session it refuses before the app."""
    for start in ("", "not json\n", '{"session": "forged", "width": 80, "height": 24}\n'):
        done = subprocess.run(
            [sys.executable, "-m", "crewdeck.tui.cli.main", "-w", str(team), "web", "session"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            input=start,
            timeout=60,
        )
        assert done.returncode == 2 and done.stderr.startswith("crewdeck: error: crewdeck web session is started by crewdeck web")
        assert "__GANGLION__" not in done.stdout


def test_a_guest_signed_in_through_the_browser_cannot_write_a_ledger_entry_through_any_call(team: Path, server: WebServer) -> None:
    """Every route, every method, with a ledger entry as body: nothing is written; and the app a guest's
    session runs (authenticated as the guest) is refused by the rules when it writes one."""
    _, url, _ = make_link(team, "gus")
    before = _ops(team)
    entry = {"date": "2026-11-26", "campaign": "c" * 32, "category": "ads", "payee": "Meta", "amount": 1000, "currency": "EUR"}
    with client(server) as c:
        assert c.post(f"/link/{_secret(url)}").status_code == 303
        session = signin.live_session(server.conn, c.cookies[COOKIE], dt.datetime.now(dt.UTC))
        assert session is not None and session.handle == "gus"
        paths = ["/", "/signin", "/signout", f"/link/{_secret(url)}", "/static/js/textual.js", "/ws", "/v1/push", "/api/ledger", "/ledger"]
        for path in paths:
            for method in ("POST", "PUT", "PATCH", "DELETE"):
                response = c.request(method, path, content=json.dumps(entry), headers={**JSON, "content-type": "application/json"})
                assert response.status_code in (303, 401, 404, 405, 410), (method, path, response.status_code)
    assert _ops(team) == before
    guest = Session.open(team, "gus", authenticated=True)
    try:
        assert guest.me.access == "guest"
        with pytest.raises(Refused) as refused:
            guest.access.write(
                lambda ws, w: w.append("ledger_entry", {**entry, "entered_by": guest.me.id, "entered_at": "2026-11-26T09:30:00Z"})
            )
        assert refused.value.refusal.rule == "guest_read_only"
    finally:
        guest.close()
    assert _ops(team) == before


def test_an_open_apps_writes_are_judged_by_its_members_access_now_not_the_access_it_opened_with(team: Path) -> None:
    """The app of a browser session (authenticated as its member) keeps the access it opened with for its shape; a member
    made a guest, or a manager made a member, while it is open has their writes refused by the rules as they are now."""
    w = ("-w", str(team), "--as", "ana")
    crewdeck(*w, "member", "set", "raj", "--access", "manager")
    raj = Session.open(team, "raj", authenticated=True)
    try:
        assert raj.me.access == "manager"
        raj.access.write(lambda ws, writer: writer.create("campaign", {"name": "Raj's first"}))  # a manager's, while one
        crewdeck(*w, "member", "set", "raj", "--access", "member")
        with pytest.raises(Refused) as refused:
            raj.access.write(lambda ws, writer: writer.create("campaign", {"name": "Raj's own"}))
        assert refused.value.refusal.rule == "managers_only"
        crewdeck(*w, "member", "set", "raj", "--access", "guest")
        with pytest.raises(Refused) as refused:
            raj.access.write(lambda ws, writer: writer.create("task", {"title": "Still here", "status": "todo", "created_by": raj.me.id}))
        assert refused.value.refusal.rule == "guest_read_only"
    finally:
        raj.close()
    campaigns = crewdeck(*w, "campaign", "list")
    assert "Raj's first" in campaigns and "Raj's own" not in campaigns and "Still here" not in listing(*w, "tasks", "all")


async def test_a_guest_sees_the_approvals_of_their_campaigns_and_nothing_else(tmp_path: Path) -> None:
    """The app a guest's session runs: the Approvals view alone, their campaigns' posts only; no key,
    palette or command reaches the panes (tasks, deadlines, ledger), and leaving the view quits."""
    team = make_posts_team(tmp_path)
    session = Session.open(team, "acme", authenticated=True)
    app = CrewdeckApp(session, Config(), watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        titles = [row.cells[4] for _, row in app.screen.table.loaded_rows()]
        assert titles == ["Spring post 0", "Spring post 1", "Spring post 2"]
        for key in ("1", "2", "3", "C", "R", "z", "exclamation_mark", "ctrl+p"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ApprovalsScreen) and len(app.screen_stack) == 1, key
        # `?` lists their keys over the view, and closes back to it.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen) and len(app.screen_stack) == 1
        assert not app.query(Pane) and not app.screen.query(Pane)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0
    session.close()


async def test_the_keys_of_a_session_over_ssh_or_a_browser_say_nothing_of_rebinding_them(tmp_path: Path) -> None:
    """A client's `?` said "rebind any of them in the config's [keymap] by its id", beside a column of ids: the config
    of such a session is the team account's, which no one in it can change."""
    team = make_posts_team(tmp_path)
    for handle, said in (("acme", ""), ("raj", "(ctrl+p lists every command)")):
        session = Session.open(team, handle, authenticated=True)
        session.restricted = True  # as launch() makes every authenticated session
        app = CrewdeckApp(session, Config(), watch=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            shown = shown_help(app.screen)
            assert shown.splitlines()[0] == f"Keys {said}".strip(), shown
            assert "keymap" not in shown and "app.help" not in shown and "app.quit" not in shown, shown
            assert "? Keys" in shown and "q Quit" in shown, shown
        session.close()


async def test_a_guests_view_of_a_post_in_full_offers_no_key_that_edits(tmp_path: Path) -> None:
    """`enter` on a post showed a guest the task keys (set a field, done, assign, due...): each a dialog, then a refusal."""
    team = make_posts_team(tmp_path)
    session = Session.open(team, "acme", authenticated=True)
    app = CrewdeckApp(session, Config(), watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        footer = "".join(line.text for line in detail.query_one(KeyFooter).render_lines(Region(0, 0, 80, 1)))
        assert "Back" in footer and "Set field" not in footer and "Done" not in footer, footer
        for key in ("colon", "d", "s", "A", "D", "e"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is detail, key
        assert not app._notifications, [n.message for n in app._notifications]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
    session.close()


async def test_a_guests_post_in_full_shows_the_post_not_the_work_on_it(tmp_path: Path) -> None:
    """A client's view of a post showed who on the team does it (their name and zone, and the publish slot on their
    clock), its priority, tags, estimate, internal due date and urgency, and the history of each: the roles table lets a
    guest read their campaigns' posts (content, slot, state, approvals), not the team's work on them."""
    team = make_posts_team(tmp_path)
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).strftime("%Y-%m-%d")
    edits = ("assignee=@raj", "priority=high", "tags=budget-cut", "estimate=3h", f"due={due}")
    crewdeck("-w", str(team), "--as", "raj", "set", post_id, *edits)

    async def shown(handle: str) -> str:
        session = Session.open(team, handle, authenticated=True)
        app = CrewdeckApp(session, Config(), watch=False)
        try:
            async with app.run_test(size=(120, 60)) as pilot:
                await settle(pilot)
                app.push_screen(DetailScreen(post_id, app.services))
                await settle(pilot)
                detail = app.screen
                assert isinstance(detail, DetailScreen) and detail.shown is not None
                return str(detail.render_detail(detail.shown))
        finally:
            session.close()

    team_view, client_view = await shown("raj"), await shown("acme")
    for said in ("assignee", "@raj (Raj", "high", "#budget-cut", "3h", "Urgency", "Due"):
        assert said in team_view, (said, team_view)
        assert said not in client_view, (said, client_view)
    for said in ("Spring post 0", "in review", "Publish slot", "Post 0: spring is here", "History"):
        assert said in client_view, (said, client_view)


async def test_a_guest_copying_a_post_gets_its_state_and_copy_not_its_task_status_nor_the_teams_notes(tmp_path: Path) -> None:
    """`y` on a post copied "status: todo" (its task status, not "in review") and none of the copy the client approves,
    and said "copied the task", a thing a client never sees."""
    team = make_posts_team(tmp_path)
    with Store(team) as store:
        post_id = store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0]
    crewdeck("-w", str(team), "--as", "raj", "set", post_id, "notes=internal: keep it cheap")
    session = Session.open(team, "acme", authenticated=True)
    session.restricted = True
    app = CrewdeckApp(session, Config(), watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("y")
        await settle(pilot)
        copied = app.clipboard.splitlines()
        assert [n.message for n in app._notifications] == ["copied the post (OSC 52: works over SSH)"]
    session.close()
    assert copied[0].startswith("Spring post 0  [")
    assert copied[1].startswith("state: in review (step 1 of 1 (client), @acme, still open)"), copied
    assert copied[-3:] == ["", "copy:", "Post 0: spring is here #launch"], copied
    assert not any("status:" in line or "internal" in line for line in copied), copied


def test_a_sign_in_cut_off_mid_form_leaves_no_traceback(team: Path) -> None:
    """A browser gone while its sign-in form was on the way (a dropped network, a closed laptop, the server's own
    deadline for a pausing body) printed a traceback in the server's log for each: the form is taken as not sent."""
    _, url, _ = make_link(team, "raj")
    web = WebProcess(team).start()
    try:
        for path in ("/signin", "/link/" + _secret(url)):
            with socket.create_connection(("127.0.0.1", web.port)) as cut:
                cut.sendall(
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    "Content-Length: 100\r\n\r\ntoken=crew".encode()
                )
        assert httpx.get(web.url + "/").status_code == 200
        assert httpx.get(web.url + "/link/" + _secret(url)).status_code == 200  # the link is still unused
    finally:
        err = web.stop()
    assert "Traceback" not in err and "ClientDisconnect" not in err, err


def test_a_malformed_sign_in_or_an_unknown_route_is_a_4xx_in_json(team: Path, server: WebServer) -> None:
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    with client(server) as c:
        crowded = "&".join(f"field{i}=x" for i in range(20)) + f"&token={token}"
        answer = c.post("/signin", content=crowded, headers={**JSON, "content-type": "application/x-www-form-urlencoded"})
        assert (answer.status_code, answer.json()["error"]) == (401, "bad_token")
        assert COOKIE not in c.cookies
        for method, path, status, code in (("GET", "/nothing", 404, "not_found"), ("PUT", "/signin", 405, "method_not_allowed")):
            answer = c.request(method, path, headers=JSON)
            assert (answer.status_code, answer.json()["error"]) == (status, code), path
            assert answer.json()["message"] and answer.headers["x-content-type-options"] == "nosniff"
        assert c.put("/signin", headers=JSON).headers["allow"] == "POST"
        page = c.get("/nothing", headers={"accept": "text/html"})
        assert page.status_code == 404 and "<html" in page.text.lower()


def test_crewdeck_web_log_level_says_what_the_http_server_does(team: Path) -> None:
    """``crewdeck web`` had no ``--log-level``: its HTTP server said nothing of itself, where ``serve``'s can be asked."""
    web = WebProcess(team, options=("--log-level", "info")).start()
    assert web.proc is not None
    web.proc.send_signal(signal.SIGTERM)
    _, err = web.proc.communicate(timeout=PATIENCE)
    assert web.proc.returncode == 0
    said = err.decode()
    assert "Application startup complete." in said and "Shutting down" in said
    assert "Traceback" not in said


def test_a_paste_is_sent_on_as_text_whatever_its_characters_and_keys_as_they_are() -> None:
    # Its control characters (C0 but tab, line feed and carriage return; DEL; C1) go, as a terminal leaves them out;
    # text of any script stays; keys that are no paste (an arrow, escape) go on as typed.
    from crewdeck.tui.web.bridge import keys_as_sent

    pasted = "\x1b[200~Shorter, please\x1b[201~\x1b\x1b[Aya\t\r\nZoë 漢字 😀 \x85\x9b\x7f\x00end\x1b[201~"
    assert keys_as_sent(pasted) == "\x1b[200~Shorter, please[201~[Aya\t\r\nZoë 漢字 😀 end\x1b[201~".encode()
    assert keys_as_sent("\x1b[A") == b"\x1b[A"
    assert keys_as_sent("\x1b") == b"\x1b"
    assert keys_as_sent("\x1b[200~\x1b[201~") == b"\x1b[200~\x1b[201~"


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        # Text as a phone's keyboard or an IME inserts it: its control characters left out, as a paste's are.
        ("Shorter\x1b[201~\x1bya", b"Shorter[201~ya"),
        ("caf\u00e9 \u009b1;2H\u0085ok\r\n\t", "caf\u00e9 1;2Hok\r\n\t".encode()),
        ("\u009b", b""),
        ("\x1b[200~", b"[200~"),
        ("\x1b[1;5D" * 5, b"[1;5D" * 5),
        # A key of the kitty protocol with its alternates (':'), which xterm.js never sends: Textual read ctrl+s, ctrl+y, ctrl+a.
        ("\x1b[1;5;115:121:97u", b"[1;5;115:121:97u"),
        # One key as the terminal makes it from a key press, or a click: as it came.
        ("\x1b", b"\x1b"),
        ("\x03", b"\x03"),
        ("\x7f", b"\x7f"),
        ("\x1b[A", b"\x1b[A"),
        ("\x1b[1;5D", b"\x1b[1;5D"),
        ("\x1bOP", b"\x1bOP"),
        ("\x1b[15~", b"\x1b[15~"),
        ("\x1bb", b"\x1bb"),
        ("\x1b[<0;12;5M", b"\x1b[<0;12;5M"),
        ("\x1b[?2026;2$y", b"\x1b[?2026;2$y"),
        ("\u00e9", "\u00e9".encode()),
    ],
)
def test_text_typed_in_the_page_is_sent_on_without_control_characters_and_a_key_as_it_came(typed: str, sent: bytes) -> None:
    """Text the page's terminal takes as typed (a phone keyboard's paste, an IME's, an ``input`` event) went to the app
    as it came, escapes and all, where a bracketed paste has its control characters left out: what followed an escape in
    it acted as keys.  A key pressed (an arrow, ctrl+c, alt+b, escape) and a click's report still go on whole."""
    from crewdeck.tui.web.bridge import keys_as_sent

    assert keys_as_sent(typed) == sent
