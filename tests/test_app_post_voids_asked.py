"""The app asks before a change voids a post's round and the approvals given on it, whichever way it is made: the
detail's ``:`` (``campaign=``, ``platform=``), ``u`` and ``ctrl+r``, as a change of the copy asks before its editor."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.reading import read_post

from .apphelp import cursor_on, keymapped_app, make_app, settle, until
from .conftest import NOW
from .postsupport import add_posts, ids, notices, team_workspace

SIZE = (120, 40)


@pytest.fixture
def approved_once(tmp_path: Path) -> Path:
    """Spring post 1, by raj, in review on instagram with mia's approval (copy's step) given."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    posts = add_posts(store, 2, NOW + dt.timedelta(days=2), state="draft")
    members = ids(store, "member", "handle")
    for post in posts:
        writing.submit(store, members["raj"], post, NOW)  # the round names where it goes out: its campaign and platform
    writing.approve(store, members["mia"], posts[1], NOW)
    store.close()
    return path


def post_id(path: Path) -> str:
    with Store(path) as store:
        return str(store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 1'").fetchone()[0])


def state(path: Path, post: str) -> str:
    with Store(path) as store:
        view = read_post(store.conn, post, NOW)
    assert view is not None
    return view.state


def approvals_of(path: Path, post: str) -> int:
    with Store(path) as store:
        return int(store.conn.execute("SELECT count(*) FROM post_approval WHERE post = ?", (post,)).fetchone()[0])


def platform_of(path: Path, title: str = "Spring post 1") -> str:
    with Store(path) as store:
        return str(store.conn.execute("SELECT platform FROM task WHERE title = ?", (title,)).fetchone()[0])


def asked(app: CrewdeckApp) -> str | None:
    """The question up, if one is."""
    return app.screen.title_text if isinstance(app.screen, PickerScreen) else None


QUESTION = (
    "“Spring post 1” is in review: a change of its platform voids the round and the approval of @mia: "
    "it is a draft until it is submitted again"
)


async def set_field(app: CrewdeckApp, pilot: Pilot[object], text: str) -> None:
    """``:``, ``text`` and ``enter`` in the detail."""
    await pilot.press("colon")
    await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the : editor")
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_the_colon_editor_asks_before_a_platform_change_voids_the_approvals_given(approved_once: Path) -> None:
    """raj's `platform=linkedin` in the post's detail voided mia's approval unasked, where a change of its link asked
    first: asked the same way; escape goes back to the change as typed, nothing written; `y` writes it."""
    post = post_id(approved_once)
    app = make_app(approved_once, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post, app.services))
        await settle(pilot)
        await set_field(app, pilot, "platform=linkedin")
        assert asked(app) == QUESTION
        assert platform_of(approved_once) == "instagram" and state(approved_once, post) == "in-review"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the : editor again")
        assert app.screen.query_one(Input).value == "platform=linkedin"
        await pilot.press("enter")
        await settle(pilot)
        assert asked(app) == QUESTION
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert platform_of(approved_once) == "linkedin" and state(approved_once, post) == "draft"
    assert approvals_of(approved_once, post) == 1


async def test_the_colon_editor_asks_nothing_of_a_change_that_voids_no_approval(approved_once: Path) -> None:
    """A post in review no one approved yet (Spring post 0), and the same platform typed again: written at once."""
    with Store(approved_once) as store:
        unapproved = str(store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0])
    app = make_app(approved_once, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post_id(approved_once), app.services))
        await settle(pilot)
        await set_field(app, pilot, "platform=instagram")
        assert isinstance(app.screen, DetailScreen)
        await app.push_screen(DetailScreen(unapproved, app.services))
        await settle(pilot)
        await set_field(app, pilot, "platform=linkedin")
        assert isinstance(app.screen, DetailScreen)
    assert state(approved_once, unapproved) == "draft"


async def test_undo_and_redo_ask_before_they_void_the_approvals_given_on_a_post(tmp_path: Path) -> None:
    """raj moved a draft to linkedin in the app, then submitted it and mia approved it there; his `u` put it back on
    instagram and voided her approval unasked (and so did `ctrl+r` of a move undone before the round).  Asked as the
    `:` editor asks; escape writes nothing and leaves the action to undo."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    (post,) = add_posts(store, 1, NOW + dt.timedelta(days=2), state="draft")
    members = ids(store, "member", "handle")
    store.close()
    app = make_app(path, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post, app.services))
        await settle(pilot)
        await set_field(app, pilot, "platform=linkedin")  # a draft: nothing to void, nothing asked
        assert isinstance(app.screen, DetailScreen)
        with Store(path) as store:
            writing.submit(store, members["raj"], post, NOW)
            writing.approve(store, members["mia"], post, NOW)
        question = QUESTION.replace("Spring post 1", "Spring post 0")
        await pilot.press("u")
        await settle(pilot)
        assert asked(app) == question
        await pilot.press("escape")
        await settle(pilot)
        assert platform_of(path, "Spring post 0") == "linkedin" and state(path, post) == "in-review"
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert platform_of(path, "Spring post 0") == "instagram" and state(path, post) == "draft"
        # Submitted and approved again on instagram: the redo's move to linkedin asks the same.
        with Store(path) as store:
            writing.submit(store, members["raj"], post, NOW)
            writing.approve(store, members["mia"], post, NOW)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert asked(app) == question
        await pilot.press("y")
        await settle(pilot)
    assert platform_of(path, "Spring post 0") == "linkedin" and state(path, post) == "draft"


async def test_keys_typed_while_a_post_is_read_wait_for_its_dialog(approved_once: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`s` reads the post's moves in a worker before its picker is up: a `c` typed meanwhile went to the list under it
    (its bindings), not to the picker raj meant it for.  It waits for the picker now and chooses the copy there."""
    from crewdeck.tui.app.screens.copy_editor import CopyEditorScreen
    from crewdeck.tui.posts import offers

    gate = threading.Event()
    moves = offers.post_moves

    def slow(*args: object, **kwargs: object) -> object:
        gate.wait(10)  # the test holds the read until the keys are typed: no timing involved
        return moves(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(offers, "post_moves", slow)
    with Store(approved_once) as store:
        draft = str(store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0])
        writing.set_content(store, ids(store, "member", "handle")["raj"], draft, NOW, link="https://example.com/d")
    app = make_app(approved_once, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 0")
        await pilot.press("s", "c")
        gate.set()
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor, chosen by the c typed ahead")


@pytest.fixture
def held_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """A post's read held up (as behind a teammate's write on a shared file) until the event is set: no timing."""
    from crewdeck.tui.posts import offers

    gate = threading.Event()
    moves = offers.post_moves

    def slow(*args: object, **kwargs: object) -> object:
        gate.wait(30)  # a hang guard only: every test sets it
        return moves(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(offers, "post_moves", slow)
    yield gate
    gate.set()


async def while_held(pilot: Pilot[object], condition: Callable[[], bool], what: str) -> None:
    """Let the app run, a read held up in a worker (which ``settle`` would wait for), until ``condition`` holds."""
    for _ in range(1000):  # a hang guard, far above the few rounds it takes
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never saw {what}")


@pytest.mark.parametrize("keymap", [{}, {"app.quit": "ctrl+x"}])
async def test_a_quit_key_typed_while_a_post_is_read_quits_at_once(
    approved_once: Path, held_read: threading.Event, keymap: dict[str, str]
) -> None:
    """Every key typed while `s` read the post waited for its picker, ctrl+q too: held up 30 s behind a teammate's
    write on a shared file, the app would not quit for that time.  A quit key no field takes as text (ctrl+q, a
    keymap's) is never held; the list's `q` may be a note's first letter, and waits as any other key."""
    app = keymapped_app(approved_once, keymap, "raj") if keymap else make_app(approved_once, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 1")
        await pilot.press("s", keymap.get("app.quit", "ctrl+q"))
        await while_held(pilot, lambda: not app.is_running, "the app quit")
        assert not held_read.is_set()  # quit while the read was still held up
        held_read.set()  # the worker's read ends now, not at the hang guard's 30 s (the app waits for it to close)


async def test_keys_typed_while_a_post_is_read_are_dropped_and_said_once_it_takes_too_long(
    approved_once: Path, held_read: threading.Event
) -> None:
    """Once they had waited READ_HOLD_AT_MOST (the app's timer), the read still held up, the keys typed for the read's
    dialog went to the list under it: the `j` moved its cursor and the `q` of a note typed ahead quit the app.  They
    are dropped now, and said once; the dialog opens when the read is done, on the list as it was."""
    app = make_app(approved_once, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        first = await cursor_on(app, pilot, "Spring post")
        table = app.tasks_pane.table
        await pilot.press("s", "j", "q")
        said = "2 keys (j q) typed while the post was read were dropped: it took longer than usual; type again"
        await while_held(pilot, lambda: said in notices(app) or not app.is_running, "the keys dropped or the app quit")
        assert app.is_running and table.cursor_key == first and app.focused is table
        assert not held_read.is_set()  # dropped while the read was still held up
        held_read.set()
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the s's picker, once the read is done")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen) and table.cursor_key == first
        assert notices(app).count(said) == 1


async def test_keys_typed_while_a_post_is_read_go_to_its_dialog_pushed_before_the_read_is_told_over(
    approved_once: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timer finds the read's picker up, the worker not yet back to say the read is over: the `c` typed ahead is
    the picker's (it chooses the copy), not dropped."""
    from crewdeck.tui.app.screens.copy_editor import CopyEditorScreen

    with Store(approved_once) as store:
        draft = str(store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0])
        writing.set_content(store, ids(store, "member", "handle")["raj"], draft, NOW, link="https://example.com/d")
    app = make_app(approved_once, "raj")
    gate, told_over = threading.Event(), threading.Event()
    on_ui_thread = app.call_from_thread

    def slow_to_say_over(callback: Callable[..., object], *args: object, **kwargs: object) -> object:
        if getattr(callback, "func", None) == app._read_released:  # the read's release, behind its picker's push
            told_over.set()
            gate.wait(30)  # a hang guard only: the test sets it
        return on_ui_thread(callback, *args, **kwargs)

    monkeypatch.setattr(app, "call_from_thread", slow_to_say_over)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 0")
        await pilot.press("s", "c")
        await while_held(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor, chosen by the c")
        assert told_over.is_set() and not gate.is_set()  # by the timer, the read not yet told over
        gate.set()
        await settle(pilot)
        assert not any("dropped" in said for said in notices(app))


async def test_a_paste_made_while_a_post_is_read_reaches_its_dialog_after_the_keys(approved_once: Path, held_read: threading.Event) -> None:
    """`s`, `c` and a paste before the picker was up: the `c` waited for the picker and chose the copy, but the paste
    went to the list under it and was lost.  It waits with the keys now, and reaches the copy's editor."""
    from textual import events
    from textual.widgets import TextArea

    from crewdeck.tui.app.screens.copy_editor import CopyEditorScreen

    with Store(approved_once) as store:
        draft = str(store.conn.execute("SELECT id FROM task WHERE title = 'Spring post 0'").fetchone()[0])
        writing.set_content(store, ids(store, "member", "handle")["raj"], draft, NOW, link="https://example.com/d")
    app = make_app(approved_once, "raj")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await cursor_on(app, pilot, "Spring post 0")
        await pilot.press("s", "c")
        app.post_message(events.Paste("Pasted in"))
        await pilot.pause()
        held_read.set()
        await until(pilot, lambda: isinstance(app.screen, CopyEditorScreen), "the copy's editor")
        assert "Pasted in" in app.screen.query_one(TextArea).text


def _voids_read_held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Undo's read of whether its step voids a post's round (``voiding.change_voids``) held until the event is set."""
    from crewdeck.tui.posts import voiding

    gate = threading.Event()
    voids = voiding.change_voids

    def slow(*args: object, **kwargs: object) -> str:
        gate.wait(30)  # a hang guard only: the test sets it once the keys are typed
        return voids(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(voiding, "change_voids", slow)
    return gate


async def test_keys_typed_while_an_undo_reads_whether_it_voids_a_round_wait_for_its_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`u` reads whether the undo voids a post's round before its question is up: a `j` typed meanwhile went to the
    list under it and moved the cursor.  It waits for the question now, which sets it aside with the `y` after it: a
    `y` typed ahead answers no question not yet seen."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    post, _ = add_posts(store, 2, NOW + dt.timedelta(days=2), state="draft")
    members = ids(store, "member", "handle")
    store.close()
    app = make_app(path, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.services.session.edits.set_assignments(post, ["platform=linkedin"], NOW)  # a draft: nothing voided, asked
        with Store(path) as store:
            writing.submit(store, members["raj"], post, NOW)
            writing.approve(store, members["mia"], post, NOW)
        first = await cursor_on(app, pilot, "Spring post")
        gate = _voids_read_held(monkeypatch)
        await pilot.press("u", "j", "y")
        assert app.tasks_pane.table.cursor_key == first  # the j waits, where it moved the cursor at once
        gate.set()
        await until(pilot, lambda: asked(app) == QUESTION.replace("Spring post 1", "Spring post 0"), "the undo's question")
        await settle(pilot)
        assert asked(app) is not None and app.tasks_pane.table.cursor_key == first  # set aside: neither answered nor moved
        await pilot.press("escape")
        await settle(pilot)
        assert app.tasks_pane.table.cursor_key == first
        assert "keys typed before the undo's question (j y) were set aside: type them again" in notices(app)
    assert platform_of(path, "Spring post 0") == "linkedin" and state(path, post) == "in-review"


async def test_keys_typed_before_the_colon_editors_question_are_said_set_aside(approved_once: Path) -> None:
    """`:`'s `platform=linkedin`, its `enter` and a `j` and a `y` in one burst: the question up once the change was read
    set the `j` and the `y` aside (a `y` typed ahead answers no question not yet seen) without a word, where the undo's
    question says so once answered or closed; it says so the same way now."""
    from textual import events

    post = post_id(approved_once)
    app = make_app(approved_once, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post, app.services))
        await settle(pilot)
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the : editor")
        await pilot.press(*"platform=linkedin")
        for key in ("enter", "j", "y"):  # queued before the app takes the first, as a terminal's one read brings them
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await until(pilot, lambda: asked(app) == QUESTION, "the change's question")
        await settle(pilot)
        assert asked(app) == QUESTION  # set aside: not its answer
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the : editor again")
        assert "keys typed before the platform change's question (j y) were set aside: type them again" in notices(app)
    assert platform_of(approved_once) == "instagram" and state(approved_once, post) == "in-review"


async def test_keys_typed_while_an_undo_reads_go_on_once_it_asks_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Held while `u` reads whether to ask, the keys go on to the list once the undo goes ahead unasked."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    post, _ = add_posts(store, 2, NOW + dt.timedelta(days=2), state="draft")
    store.close()
    app = make_app(path, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.services.session.edits.set_assignments(post, ["platform=linkedin"], NOW)
        first = await cursor_on(app, pilot, "Spring post")
        gate = _voids_read_held(monkeypatch)
        await pilot.press("u", "j")
        gate.set()
        await until(pilot, lambda: app.tasks_pane.table.cursor_key != first, "the j move the cursor once the undo went ahead")
        assert not isinstance(app.screen, PickerScreen)
    assert platform_of(path, "Spring post 0") == "instagram"


def remove_member(path: Path, handle: str) -> None:
    """A manager (ana) removes ``handle`` from the workspace: the rules refuse every write of theirs from then on."""
    with Store(path) as store:
        members = ids(store, "member", "handle")
        with store.write(members["ana"]) as w:
            w.set("member", members[handle], {"deleted": True})


async def test_a_voiding_change_the_rules_refuse_is_said_in_the_editor_before_any_question(approved_once: Path) -> None:
    """raj's `platform=linkedin`, once ana has removed him: asked whether to void mia's approval first, and refused
    only after his `y`, in a notice, the text gone.  Judged before the question now: refused in the editor, with the
    text, and nothing asked."""
    post = post_id(approved_once)
    app = make_app(approved_once, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post, app.services))
        await settle(pilot)
        remove_member(approved_once, "raj")
        await set_field(app, pilot, "platform=linkedin")
        assert asked(app) is None and isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == "platform=linkedin"
        assert "@raj was removed from this workspace" in str(app.screen.query_one("#prompt-refused", Static).render())
    assert platform_of(approved_once) == "instagram" and state(approved_once, post) == "in-review"


async def test_a_voiding_change_refused_after_its_question_goes_back_to_the_editor_as_typed(approved_once: Path) -> None:
    """Refused after raj's `y` (ana removed him while the question was up): a notice said why and the text typed was
    gone.  The editor opens again with it, the reason in a notice."""
    post = post_id(approved_once)
    app = make_app(approved_once, "raj")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await app.push_screen(DetailScreen(post, app.services))
        await settle(pilot)
        await set_field(app, pilot, "platform=linkedin")
        assert asked(app) == QUESTION
        remove_member(approved_once, "raj")
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the : editor again")
        assert app.screen.query_one(Input).value == "platform=linkedin"
        assert any("@raj was removed from this workspace" in str(n.message) for n in app._notifications)
    assert platform_of(approved_once) == "instagram" and state(approved_once, post) == "in-review"
