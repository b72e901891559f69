"""crewdeck web in a real browser: headless Chromium (Debian's package) driven by Playwright.

``crewdeck web`` runs as a process of its own on 127.0.0.1; every app it
starts is a child process of it, found in /proc.  The signed-in app's
screenshot is saved in the test's tmp dir (``signed-in-app.png``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from crewdeck.sync.state.store import Store
from crewdeck.tui.web import signin
from crewdeck.tui.workspace.workspace import Workspace

from .syncsupport import create_token, crewdeck, standing, wait_until
from .websupport import (
    CHROMIUM,
    Tab,
    WebProcess,
    chromium,
    make_guest_team,
    make_link,
    make_posts_team,
    web_with_header_deadline,
)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_guest_team(tmp_path)


@pytest.fixture
def web(team: Path) -> Iterator[WebProcess]:
    process = WebProcess(team).start()
    try:
        yield process
    finally:
        assert "Traceback" not in process.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _open(browser: Browser) -> Tab:
    return Tab(browser.new_context(viewport={"width": 1280, "height": 800}).new_page())


def _sign_in_with_link(tab: Tab, url: str, pin: str | None = None) -> None:
    tab.page.goto(url)
    if pin is not None:
        tab.page.fill("#pin", pin)
    tab.page.click("#use-link")
    tab.page.wait_for_selector("#terminal")


def _tasks(team: Path) -> list[str]:
    return [t["title"] for t in json.loads(crewdeck("-w", str(team), "--as", "ana", "tasks", "all", "--json"))]


def test_sign_in_with_a_link_see_the_app_press_keys_and_find_the_result_in_the_store(
    team: Path, web: WebProcess, browser: Browser, tmp_path: Path
) -> None:
    _, url, pin = make_link(team, "raj", "--pin", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url, pin)
    tab.wait_for_text(r"@raj.*Tasks.*Deadlines", "the app's first screen, as @raj")
    assert len(web.apps) == 1
    tab.page.screenshot(path=str(tmp_path / "signed-in-app.png"))
    assert (tmp_path / "signed-in-app.png").stat().st_size > 10_000
    tab.press("a")
    tab.wait_for_text(r"Add a task|quick-add|Quick", "the quick-add prompt")
    tab.page.keyboard.type("Brief from the browser")
    tab.page.keyboard.press("Enter")
    tab.wait_for(lambda: "Brief from the browser" in _tasks(team), "the task in the store")
    log = crewdeck("-w", str(team), "log")
    assert "@raj" in log and "Brief from the browser" in log
    # Nothing was asked of anyone but this machine: the font and the terminal come from crewdeck web.
    assert tab.requests and all(urlsplit(u).hostname == "127.0.0.1" or u.startswith("data:") for u in tab.requests), tab.requests
    assert any(u.endswith(".ttf") for u in tab.requests)
    # Closing the tab ends its app.
    tab.page.close()
    wait_until(lambda: web.apps == [], "the app of the closed tab ended")


def test_after_the_window_is_resized_the_terminal_still_fits_it(team: Path, web: WebProcess, browser: Browser) -> None:
    """The terminal measured its rows with the fallback font shown while Roboto Mono loaded: after the window grew,
    it asked the app for more rows than fit, drawn in the font's taller cells, and the app's last lines (its footer)
    ran past the window's bottom."""
    _, url, _ = make_link(team, "raj", url=web.url)
    tab = _open(browser)
    sizes: list[str] = []
    tab.page.on(
        "websocket", lambda socket: socket.on("framesent", lambda sent: sizes.append(str(sent)) if '"resize"' in str(sent) else None)
    )
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"@raj.*Tasks", "the app")
    tab.wait_for(lambda: len(sizes) >= 1, "the terminal's size sent")
    tab.page.set_viewport_size({"width": 1280, "height": 1000})
    tab.wait_for(lambda: len(sizes) >= 2, "the new size sent")
    bottom, height = tab.page.evaluate("[document.querySelector('.xterm-screen').getBoundingClientRect().bottom, window.innerHeight]")
    assert bottom <= height, (bottom, height, sizes)


def test_an_unauthenticated_load_gets_the_sign_in_page_and_starts_no_app(web: WebProcess, browser: Browser) -> None:
    tab = _open(browser)
    tab.page.goto(web.url + "/")
    assert tab.page.is_visible("form[action='/signin']") and not tab.page.is_visible("#terminal")
    # The websocket itself, opened by hand without a session (and with a forged one), is refused.
    for cookie in (None, "forged"):
        if cookie:
            tab.page.context.add_cookies([{"name": "crewdeck_session", "value": cookie, "url": web.url}])
        opened = tab.page.evaluate(
            """url => new Promise(done => { const s = new WebSocket(url);
                 s.onopen = () => done(true); s.onerror = () => done(false); })""",
            web.url.replace("http", "ws") + "/ws",
        )
        assert opened is False
    assert web.apps == []


def test_a_revoked_token_or_link_ends_open_sessions(team: Path, web: WebProcess, browser: Browser) -> None:
    token_id, token = create_token("raj", "-w", str(team), "--as", "ana")
    by_token = _open(browser)
    by_token.page.goto(web.url + "/")
    by_token.page.fill("#token", token)
    by_token.page.click("button[type=submit]")
    by_token.page.wait_for_selector("#terminal")
    by_token.wait_for_text(r"@raj", "the app as @raj")
    link_id, url, _ = make_link(team, "gus", url=web.url)
    by_link = _open(browser)
    _sign_in_with_link(by_link, url)
    by_link.wait_for_text(r"Approvals", "the guest's app (the Approvals view) as @gus")
    wait_until(lambda: len(web.apps) == 2, "two apps")

    crewdeck("token", "revoke", token_id, "-w", str(team), "--as", "ana")
    wait_until(by_token.closed, "the revoked token's session ended in the browser")
    assert (
        by_token.page.inner_text("#closed-why")
        == "Your session as @raj has ended: the token it was signed in with was revoked: ask for a new one."
    )
    wait_until(lambda: len(web.apps) == 1, "its app ended")
    assert not by_link.closed()

    crewdeck("-w", str(team), "--as", "ana", "web", "unlink", link_id)
    wait_until(by_link.closed, "the revoked link's session ended in the browser")
    assert by_link.page.inner_text("#closed-why") == (
        "Your session as @gus has ended: a manager revoked the sign-in link it was opened with: ask for a new one."
    )
    wait_until(lambda: web.apps == [], "its app ended")
    by_link.page.goto(web.url + "/")
    # A guest's: the way a guest signs in (a link), no token field.
    assert by_link.page.is_visible("#guest-sign-in") and not by_link.page.is_visible("#token")


def test_a_tab_whose_session_later_sign_ins_ended_says_why_and_so_does_the_page_it_opens(team: Path, browser: Browser) -> None:
    """A member keeps 20 sessions: the 21st sign-in ends the oldest.  A tab left open on another computer went blank with
    "The app ended." and its "Open again" showed the sign-in page with no word of why."""
    web = WebProcess(team, options=("--apps-per-member", "1")).start()
    try:
        _, token = create_token("raj", "-w", str(team), "--as", "ana")
        tab = _open(browser)
        tab.page.goto(web.url + "/")
        tab.page.fill("#token", token)
        tab.page.click("button[type=submit]")
        tab.page.wait_for_selector("#terminal")
        tab.wait_for_text(r"@raj.*Tasks", "the app as @raj")
        # Signed in on the file, as the server signs in: through it, raj would be refused past ten a minute.
        ws = Workspace.open(team)
        try:
            for _ in range(signin.SESSIONS_PER_MEMBER):
                signin.sign_in_with_token(ws.conn, token, signin.wall_clock())
        finally:
            ws.close()
        said = "you signed in 20 more times elsewhere since (20 at once at most): sign in again to go on."
        tab.wait_for(tab.closed, "the tab's app ended")
        assert tab.page.inner_text("#closed-why") == f"Your session as @raj has ended: {said}"
        wait_until(lambda: web.apps == [], "its app ended")
        tab.page.click("#closed a")
        tab.page.wait_for_selector("form[action='/signin']")
        assert tab.page.inner_text("#error") == f"Your session as @raj has ended: {said}"
    finally:
        assert "Traceback" not in web.stop()


def test_a_tab_whose_server_stopped_says_so_and_how_to_go_on(team: Path, web: WebProcess, browser: Browser) -> None:
    """Stopped (a restart, a shutdown), crewdeck web closed every app's websocket, and the tabs said "The app ended." as
    if the app had been quit."""
    _, url, _ = make_link(team, "raj", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"@raj.*Tasks", "the app as @raj")
    assert "Traceback" not in web.stop()
    tab.wait_for(tab.closed, "the page says the app ended")
    assert tab.page.inner_text("#closed-why") == "crewdeck web stopped on the server (restarted or shut down): open again once it is back."


def test_a_tab_whose_server_went_without_a_word_says_the_connection_was_lost_and_its_app_ends(
    team: Path, web: WebProcess, browser: Browser
) -> None:
    """Killed (or crashed), crewdeck web never told its apps to quit: each, in a process group of its own, ran on for
    good with its input at an end, holding the workspace file and its memory, and a restart started new ones beside."""
    import os
    import signal

    _, url, _ = make_link(team, "raj", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"@raj.*Tasks", "the app as @raj")
    apps = web.apps
    assert web.proc is not None and len(apps) == 1
    web.proc.kill()
    try:
        tab.wait_for(tab.closed, "the page says the app ended")
        assert tab.page.inner_text("#closed-why") == (
            "The connection to crewdeck web was lost (the server stopped, or the network): open again once it is back."
        )
        wait_until(lambda: all(_gone(pid) for pid in apps), "the app, its input at an end, exited")
    finally:
        web.proc.wait()
        for pid in apps:  # in their own process group: the server's kill is not theirs
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_tab_whose_apps_connection_is_refused_on_its_way_says_the_app_could_not_be_opened(
    team: Path, web: WebProcess, browser: Browser
) -> None:
    """Behind a proxy that does not let websockets through (here: one that sends the page's to a route that is none), the
    tab said "The app ended." at once, of an app that never started."""
    from playwright.sync_api import Route

    def through_a_proxy(route: Route) -> None:
        page = route.fetch()
        route.fulfill(response=page, body=page.text().replace("/ws", "/no-websockets-here"))

    _, url, _ = make_link(team, "raj", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"@raj.*Tasks", "the app as @raj")
    tab.page.route(web.url + "/", through_a_proxy)  # not the sign-in's redirect: a route sees the first request alone
    tab.page.reload()
    tab.wait_for(tab.closed, "the page says the app did not open")
    assert tab.page.inner_text("#closed-why") == (
        "The app could not be opened: its connection was refused (by crewdeck web, or a proxy in front of it). "
        "Open again; if this stays, tell whoever runs crewdeck web."
    )


def test_on_a_phone_the_line_saying_why_the_app_ended_and_its_ways_on_stay_clear_of_the_screens_edges(
    team: Path, web: WebProcess, browser: Browser
) -> None:
    """A guest approving posts on a phone: the line ran from the screen's very left edge, squeezed beside the links,
    the last of them against the right edge."""
    link_id, url, _ = make_link(team, "gus", url=web.url)
    tab = Tab(browser.new_context(viewport={"width": 375, "height": 667}).new_page())
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"Approvals", "the guest's app (the Approvals view) as @gus")
    crewdeck("-w", str(team), "--as", "ana", "web", "unlink", link_id)
    tab.wait_for(tab.closed, "the page says the session ended")
    width = tab.page.evaluate("window.innerWidth")
    for shown in ("#closed-why", "#closed a", "#closed #sign-out"):
        box = tab.page.locator(shown).bounding_box()
        assert box is not None and box["x"] >= 8 and box["x"] + box["width"] <= width - 8, (shown, box, width)


def test_on_a_phone_the_pages_and_the_app_are_laid_out_at_the_phones_width(team: Path, web: WebProcess, browser: Browser) -> None:
    """A phone laid the pages out at a desktop's width (980 pixels) and shrank them to fit: the app in its 100-odd
    columns, in letters a few pixels high, for a client approving posts on the phone."""
    _, url, _ = make_link(team, "gus", url=web.url)
    tab = Tab(browser.new_context(viewport={"width": 390, "height": 700}, is_mobile=True, has_touch=True).new_page())
    sizes: list[dict[str, int]] = []
    tab.page.on("websocket", lambda socket: socket.on("framesent", lambda sent: _resized(sent, sizes)))
    tab.page.goto(url)
    assert tab.page.evaluate("window.innerWidth") == 390
    tab.page.click("#use-link")
    tab.page.wait_for_selector("#terminal")
    tab.wait_for_text(r"Approvals", "the guest's app")
    assert tab.page.evaluate("window.innerWidth") == 390
    tab.wait_for(lambda: sizes != [], "the terminal's size sent")
    assert 30 <= sizes[-1]["width"] <= 50, sizes


def _resized(sent: str | bytes, sizes: list[dict[str, int]]) -> None:
    """The size in a resize the page sent its app."""
    envelope = json.loads(sent) if isinstance(sent, str) and '"resize"' in sent else None
    if envelope is not None and envelope[0] == "resize":
        sizes.append(envelope[1])


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has exited (reaped, or a zombie its new parent has not reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_after_quitting_the_app_the_browser_signs_out_and_the_session_ends(team: Path, web: WebProcess, browser: Browser) -> None:
    """On a shared laptop: the page offered only "Open again", which opened the app again with the same cookie
    (a link's lasts until the link expires, up to 90 days), and nothing on any page signed out."""
    _, url, _ = make_link(team, "raj", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"@raj.*Tasks", "the app as @raj")
    tab.press("q")
    wait_until(tab.closed, "the page says the app ended")
    assert tab.page.inner_text("#closed-why") == "The app ended."  # quit, not stopped on an error
    tab.page.click("#sign-out")
    tab.page.wait_for_selector("form[action='/signin']")
    tab.page.goto(web.url + "/")
    assert tab.page.is_visible("form[action='/signin']") and not tab.page.is_visible("#terminal")
    with Store(team) as store:
        assert store.conn.execute("SELECT count(*) FROM web_session WHERE ended_at IS NULL").fetchone()[0] == 0
    wait_until(lambda: web.apps == [], "no app left")


def test_a_member_made_a_guest_has_their_open_app_ended_and_opens_the_approvals_view_again(
    team: Path, web: WebProcess, browser: Browser
) -> None:
    """A guest reads their campaigns' posts alone (DESIGN.md "Roles and rules"): the app opened as a member went on
    showing every task, deadline and the ledger after the member was made a guest."""
    _, url, _ = make_link(team, "raj", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"@raj.*Tasks.*Deadlines", "the app as @raj")
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "raj", "--access", "guest")
    wait_until(tab.closed, "the member's app ended in the browser")
    assert (
        tab.page.inner_text("#closed-why")
        == "The app has ended: you were made a guest, who sees the Approvals view alone: open again for it."
    )
    wait_until(lambda: web.apps == [], "its app ended")
    tab.output.clear()
    tab.page.click("#closed a")
    tab.wait_for_text(r"Approvals", "the guest's app (the Approvals view)")
    assert "Deadlines" not in tab.text()


def test_a_guest_made_a_member_has_the_open_app_ended_and_opens_the_members_app_again(
    team: Path, web: WebProcess, browser: Browser
) -> None:
    """A guest made a member kept the Approvals view alone, until they thought to open the app again."""
    _, url, _ = make_link(team, "gus", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"Approvals", "the guest's app (the Approvals view) as @gus")
    crewdeck("-w", str(team), "--as", "ana", "member", "set", "gus", "--access", "member")
    wait_until(tab.closed, "the guest's app ended in the browser")
    assert (
        tab.page.inner_text("#closed-why")
        == "The app has ended: you were made a member, no longer a guest: open again for tasks, deadlines and the ledger."
    )
    wait_until(lambda: web.apps == [], "its app ended")
    tab.output.clear()
    tab.page.click("#closed a")
    tab.wait_for_text(r"@gus.*Tasks.*Deadlines", "the member's app as @gus")


def test_a_signed_in_guest_following_a_link_from_another_site_gets_their_app(team: Path, web: WebProcess, browser: Browser) -> None:
    """The session's cookie is SameSite=Strict: a link to crewdeck web followed from a chat or a webmail (another site)
    came without it, and a guest signed in with a link was shown the sign-in page, asking for a token they never had
    (a reload asked again)."""
    _, url, _ = make_link(team, "gus", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"Approvals", "the guest's app")
    with standing((200, "text/html", f'<a id="crewdeck" href="{web.url}/">the posts to approve</a>'.encode())) as chat:
        followed = Tab(tab.page.context.new_page())
        followed.page.goto(chat.replace("127.0.0.1", "localhost"))  # another site: another host than crewdeck web's
        followed.page.click("#crewdeck")
        # A click opens it from crewdeck web's own page, never the page by itself: one that opened itself again let any
        # site send a signed-in tab into its app, the keys on it (one `a` approved a post).
        followed.page.wait_for_selector("#open")
        assert followed.page.query_selector("meta[http-equiv=refresh]") is None
        assert followed.page.query_selector("#terminal") is None
        followed.page.click("#open")
        followed.page.wait_for_selector("#terminal")
        followed.wait_for_text(r"Approvals", "the guest's app, in the tab the link opened")


def test_an_expiring_link_ends_its_session_when_it_expires(team: Path, web: WebProcess, browser: Browser) -> None:
    _, url, _ = make_link(team, "gus", "--expires", "8s", url=web.url)
    tab = _open(browser)
    _sign_in_with_link(tab, url)
    tab.wait_for_text(r"Approvals", "the guest's app (the Approvals view) as @gus")
    wait_until(tab.closed, "the session ended when its link expired")
    assert tab.page.inner_text("#closed-why") == "Your session as @gus has ended: its sign-in link expired: ask for a new one."
    wait_until(lambda: web.apps == [], "its app ended")


def test_a_tab_left_unused_past_the_idle_timeout_ends_its_session_and_says_how_to_go_on(team: Path, browser: Browser) -> None:
    """A browser left signed in kept the app open for whoever came to it, for as long as the link lasted."""
    # The page's websocket opens well within the idle time (its page's load is the session's last use); the app it opens
    # need not have drawn: it ends as the session does.
    web = WebProcess(team, options=("--idle-timeout", "5s")).start()
    try:
        _, url, _ = make_link(team, "gus", url=web.url)
        tab = _open(browser)
        _sign_in_with_link(tab, url)
        wait_until(tab.closed, "the session ended, left unused")
        said = "Your session as @gus has ended: it was left unused for 5 seconds: ask for a new sign-in link to go on."
        assert tab.page.inner_text("#closed-why") == said
        wait_until(lambda: web.apps == [], "its app ended")
        tab.page.click("#closed a")
        tab.page.wait_for_selector("#guest-sign-in")
        assert tab.page.inner_text("#error") == said
    finally:
        assert "Traceback" not in web.stop()


def test_copying_a_task_copies_it_on_a_page_served_over_plain_http_to_another_machine(
    team: Path, web: WebProcess, browser: Browser
) -> None:
    """Served over http to another machine (no TLS in front yet), the page has no clipboard API: ``y`` said "copied the
    task" while the page threw (textual.js hands the copy to navigator.clipboard) and nothing was copied.  A name other
    than 127.0.0.1 or localhost, mapped onto it, makes the page no secure context, as another machine's address does."""
    _, token = create_token("raj", "-w", str(team), "--as", "ana")
    crewdeck("-w", str(team), "--as", "ana", "add", "Storyboard the reel @raj")
    remote = browser.browser_type.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--host-resolver-rules=MAP crewdeck.test 127.0.0.1"]
    )
    try:
        tab = _open(remote)
        errors: list[str] = []
        tab.page.on("pageerror", lambda error: errors.append(str(error)))
        tab.page.goto(f"http://crewdeck.test:{web.port}/")
        tab.page.fill("#token", token)
        tab.page.click("button[type=submit]")
        tab.page.wait_for_selector("#terminal")
        assert tab.page.evaluate("window.isSecureContext") is False
        tab.wait_for_text(r"Storyboard the reel", "raj's task in the app")
        # What the browser copies: the text selected when the copy is made.
        tab.page.evaluate("document.addEventListener('copy', (event) => { window.copied = event.target.value; })")
        tab.press("y")
        tab.wait_for(lambda: tab.page.evaluate("window.copied") is not None, "the task copied")
        assert tab.page.evaluate("window.copied").startswith("Storyboard the reel")
        assert not [error for error in errors if "clipboard" in error or "writeText" in error], errors
        tab.press("q")  # the terminal has the keyboard again
        wait_until(tab.closed, "the app quit")
    finally:
        remote.close()


def test_a_guest_signs_in_with_a_link_sees_the_approvals_view_and_approves_a_post_with_the_keyboard(
    tmp_path: Path, browser: Browser
) -> None:
    """The keys work, and the footer names them, as soon as the page shows the app: the terminal took no key until
    clicked (a keyboard-driven client pressed `a` and nothing happened), and the app, told nothing of the page's
    focus, kept a footer of `esc Quit  ? Keys` without the verdicts' keys until then."""
    team = make_posts_team(tmp_path)
    web = WebProcess(team).start()
    try:
        _, url, pin = make_link(team, "acme", "--pin", url=web.url)
        tab = _open(browser)
        _sign_in_with_link(tab, url, pin)
        tab.wait_for_text(r"Approvals", "the Approvals view")
        tab.wait_for_text(r"Spring post 2", "the guest's campaign's posts")
        tab.page.screenshot(path=str(tmp_path / "guest-approvals.png"))
        seen = tab.text()
        assert "Elsewhere post" not in seen and "CATEGORY" not in seen and "Deadlines" not in seen
        tab.wait_for_text(r"a Approve +c Request changes", "the verdicts' keys in the footer")
        # No click first, and no focus given by the test: as the page is, the key goes to the app.
        tab.page.keyboard.press("a")
        tab.wait_for(lambda: _verdicts(team) != [], "the approval in the store")
        assert _verdicts(team) == [("approve", "Spring post 0", "acme")]
        assert all(urlsplit(u).hostname == "127.0.0.1" or u.startswith("data:") for u in tab.requests), tab.requests
    finally:
        assert "Traceback" not in web.stop()


@contextlib.contextmanager
def _guests_note(tmp_path: Path, browser: Browser) -> Iterator[tuple[Path, Tab]]:
    """@acme, a guest, in the browser, with the dialog of their request for changes on the first post open."""
    team = make_posts_team(tmp_path)
    web = WebProcess(team).start()
    try:
        _, url, _ = make_link(team, "acme", url=web.url)
        tab = _open(browser)
        _sign_in_with_link(tab, url)
        tab.wait_for_text(r"a Approve +c Request changes", "the verdicts' keys in the footer")
        tab.page.keyboard.press("c")
        tab.wait_for_text(r"what to change", "the note's dialog")
        yield team, tab
    finally:
        assert "Traceback" not in web.stop()


def _note_given(team: Path, tab: Tab) -> str:
    """The note of @acme's request for changes on the first post, once the store has it (and no other verdict)."""
    tab.wait_for(lambda: _verdicts(team) != [], "the verdict in the store")
    assert _verdicts(team) == [("reject", "Spring post 0", "acme")]
    with Store(team) as store:
        return str(store.conn.execute("SELECT note FROM post_approval").fetchone()[0])


def test_a_paste_into_a_note_is_text_even_where_it_holds_the_end_of_a_paste_and_keys(tmp_path: Path, browser: Browser) -> None:
    """The page's terminal sends a paste as it came, escapes and all: text copied from a page that held the sequence
    that ends a paste ended it, and what came after acted as keys (escape, y to discard the note, a to approve).  A
    client pasting feedback into their request for changes approved the post."""
    with _guests_note(tmp_path, browser) as (team, tab):
        tab.page.evaluate(
            """text => { const data = new DataTransfer(); data.setData('text/plain', text);
                 document.querySelector('.xterm-helper-textarea').dispatchEvent(
                   new ClipboardEvent('paste', {clipboardData: data, bubbles: true})); }""",
            "Shorter, please\x1b[201~\x1b\x1b[Aya",
        )
        tab.page.keyboard.press("Enter")
        assert _note_given(team, tab) == "Shorter, please[201~[Aya"


def test_text_a_phone_keyboard_inserts_into_a_note_is_text_and_keys_pressed_still_act(tmp_path: Path, browser: Browser) -> None:
    """Text the page's terminal takes as typed (a phone keyboard's clipboard suggestion, an IME: an ``input`` event, no
    paste) went to the app as it came: an escape in it closed the note's dialog, and what followed acted as keys (y to
    discard the note, a to approve).  A client inserting feedback into their request for changes approved the post."""
    with _guests_note(tmp_path, browser) as (team, tab):
        tab.page.keyboard.insert_text("Shorter, please\x1b\x1b[Aya\u009b")
        # Keys pressed, each its own message, still act: a word typed, one letter taken back with backspace, and enter.
        tab.page.keyboard.type(" now!")
        tab.page.keyboard.press("Backspace")
        tab.page.keyboard.press("Enter")
        assert _note_given(team, tab) == "Shorter, please[Aya now"


def _verdicts(team: Path) -> list[tuple[str, str, str]]:
    with Store(team) as store:
        rows = store.conn.execute(
            "SELECT a.verdict, t.title, m.handle FROM post_approval a JOIN task t ON t.id = a.post JOIN member m ON m.id = a.approved_by"
        ).fetchall()
    return [(str(v), str(t), str(h)) for v, t, h in rows]


def test_an_open_app_outlives_the_servers_request_deadline(team: Path) -> None:
    # crewdeck web runs behind the sync server's guard: its deadline is for a request's head, never for a websocket.
    import time

    import httpx
    from websockets.sync.client import connect

    from crewdeck.tui.web.server import COOKIE

    deadline = 1.0
    web = WebProcess(team, entry=web_with_header_deadline(deadline)).start()
    try:
        _, token = create_token("raj", "-w", str(team), "--as", "ana")
        signed = httpx.post(f"{web.url}/signin", data={"token": token}, headers={"accept": "application/json"})
        cookie = signed.cookies[COOKIE]
        with connect(f"ws://127.0.0.1:{web.port}/ws?width=80&height=24", additional_headers={"Cookie": f"{COOKIE}={cookie}"}) as ws:
            assert ws.recv(timeout=60)  # the app draws itself
            # Ping for longer than the deadline: every ping is answered, the websocket is never closed under it.
            until = time.monotonic() + deadline + 2
            count = 0
            while time.monotonic() < until:
                count += 1
                ws.send(json.dumps(["ping", str(count)]))
                while True:
                    message = ws.recv(timeout=30)
                    if isinstance(message, str) and json.loads(message) == ["pong", str(count)]:
                        break
        assert count > 1
    finally:
        assert "Traceback" not in web.stop()


def test_at_a_members_limit_a_reloaded_tab_opens_its_app_again_and_another_tab_is_told_why(team: Path, browser: Browser) -> None:
    """With as many apps open as a member may have, reloading one of their tabs was refused half the time: the new page
    came before the server had heard the old page's websocket close."""
    web = WebProcess(team, options=("--apps-per-member", "1")).start()
    try:
        _, url, _ = make_link(team, "raj", url=web.url)
        tab = _open(browser)
        _sign_in_with_link(tab, url)
        tab.wait_for_text(r"@raj.*Tasks", "the app as @raj")
        for _ in range(4):
            opened = len(tab.sockets)
            tab.page.reload()
            assert tab.page.is_visible("#terminal")
            tab.wait_for_text_after(opened, r"@raj.*Tasks", "the app again after the reload, on the new page's websocket")
            assert len(web.apps) == 1
        # A second tab of the same browser: the app's page, whose websocket is refused, saying why.
        second = Tab(tab.page.context.new_page())
        second.page.goto(web.url + "/")
        second.wait_for(second.closed, "the second tab's app refused")
        assert second.page.inner_text("#closed-why") == (
            "You have 1 crewdeck app open already (in other tabs or browsers): close one (q in it, or its tab), then open again."
        )
        # Another browser signed in as @raj: the page itself says why, and how to go on.
        _, other_url, _ = make_link(team, "raj", url=web.url)
        other = _open(browser)
        other.page.goto(other_url)
        other.page.click("#use-link")
        other.page.wait_for_selector("#open-again")
        assert "@raj has 1 crewdeck app open already" in other.page.inner_text("#error")
        assert len(web.apps) == 1
        # The tabs left open on the other computer, closed from here: they say why, and the app opens here.
        other.page.click("#close-apps")
        other.page.wait_for_selector("#terminal")
        other.wait_for_text(r"@raj.*Tasks", "the app in the other browser")
        tab.wait_for(tab.closed, "the first browser's app closed")
        assert tab.page.inner_text("#closed-why") == "Closed from another browser of yours, which had too many apps open to open one."
        assert len(web.apps) == 1
    finally:
        assert "Traceback" not in web.stop()
