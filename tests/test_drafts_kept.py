"""The drafts kept when the app last closed are said as it starts, and ``K`` (or the palette's "Drafts kept") opens them
in the dialogs they were typed in, each on its record, which offers them as ever."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static, TextArea

from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.app.kept_drafts import KeptTextScreen
from crewdeck.tui.app.screens.entry_form import EntryFormScreen
from crewdeck.tui.app.screens.notes_editor import NotesEditorScreen
from crewdeck.tui.app.screens.picker import PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace.drafts import DialogDraft, DraftStore

from .apphelp import NOW, demo_workspace, make_app, settle, until
from .postsupport import add_posts

SIZE = (160, 48)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return demo_workspace(tmp_path / "demo.db")


def ana_drafts(workspace: Path) -> DraftStore:
    with Store(workspace) as store:
        ana = next(k for k, v in store.records("member") if v["handle"] == "ana")
    return DraftStore.for_member(workspace, ana)


def a_task(workspace: Path) -> tuple[str, str, str]:
    """A task open in the demo: its id, title and notes."""
    with Store(workspace) as store:
        task, record = next((k, v) for k, v in store.records("task") if not v["deleted"] and v["status"] == "todo")
    return task, str(record["title"]), str(record["notes"])


def keep_notes(workspace: Path, text: str) -> tuple[str, DialogDraft]:
    task, title, notes = a_task(workspace)
    draft = ana_drafts(workspace).keep(
        f"notes:{task}", f"the notes of {task[:8]} “{title}”", {"text": text}, {"text": notes}, "Europe/Berlin"
    )
    return task, draft


def notices(app: CrewdeckApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def commands(app: CrewdeckApp) -> list[str]:
    return [str(c.title) for c in app.get_system_commands(app.screen)]


async def test_a_kept_draft_is_said_at_start_and_k_opens_its_dialog_which_offers_it(workspace: Path) -> None:
    _, draft = keep_notes(workspace, "Half a brief, typed over SSH")
    app = make_app(workspace)  # not over SSH: `e` would open $EDITOR, but the draft opens in the app's own editor
    async with app.run_test(size=SIZE) as pilot:
        said = f"a draft of {draft.what} from {draft.kept_time()} was kept when the app stopped: K opens it"
        await until(pilot, lambda: said in notices(app), "the notice of the draft")
        app.first_screen_ready()  # as a list that failed to load says it again
        await settle(pilot)
        assert notices(app).count(said) == 1
        assert "Drafts kept" in commands(app)
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, NotesEditorScreen) and app.screen.draft_offered is not None, "the offer")
        editor = app.screen
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen is editor and editor.query_one(TextArea).text == "Half a brief, typed over SSH"
        await pilot.press("ctrl+s")  # saved, the draft goes
        await until(pilot, lambda: app.screen is not editor, "the notes saved")
        assert ana_drafts(workspace).all() == []
        assert "Drafts kept" not in commands(app)


async def test_several_kept_drafts_are_counted_and_k_lists_them_each_opening_its_own_dialog(workspace: Path) -> None:
    _, notes = keep_notes(workspace, "Notes half done")
    store = ana_drafts(workspace)
    store.keep("prompt:Quick add", "your answer to “Quick add”", {"text": "Book the venue"}, {"text": ""}, "Europe/Berlin")
    entry = {"payee": "@cafe_mila", "amount": "120.50 EUR"}
    store.keep("entry:new", "a new ledger entry", entry, {}, "Europe/Berlin")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "3 drafts were kept when the app stopped: K lists them" in notices(app), "the notice")
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the list of drafts")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        assert [c.value for c in picker.choices] == ["entry:new", "prompt:Quick add", store.all()[0].key]  # the newest first
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, EntryFormScreen) and app.screen.draft_offered is not None, "the offer")
        await pilot.press("ctrl+r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EntryFormScreen)
        assert form.values()["payee"] == "@cafe_mila" and form.values()["amount"] == "120.50 EUR"
        # Kept until the entry is saved; the other two untouched.
        assert {d.key for d in store.all()} == {"entry:new", "prompt:Quick add", notes.key}


async def test_a_draft_whose_task_was_deleted_says_so_shows_its_text_and_can_only_be_discarded(workspace: Path) -> None:
    task, draft = keep_notes(workspace, "Call the printer\x1b[2J at 10")
    assert main(["-w", str(workspace), "--as", "raj", "rm", task]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(n.startswith("a draft of the notes of") for n in notices(app)), "the notice")
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, KeptTextScreen), "the draft shown")
        shown = app.screen
        why = str(shown.query_one("#kept-why", Static).render())
        assert why == "its task was deleted: it can only be copied or discarded"
        assert "\x1b" not in str(shown.query_one("#kept-text", Static).render())
        assert "Call the printer" in str(shown.query_one("#kept-text", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert ana_drafts(workspace).get(draft.key) is not None  # escape keeps it
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, KeptTextScreen), "the draft shown again")
        await pilot.press("d")
        await settle(pilot)
        assert ana_drafts(workspace).all() == []
        assert not isinstance(app.screen, KeptTextScreen)


def two_tasks(workspace: Path) -> list[str]:
    with Store(workspace) as store:
        return [k for k, v in store.records("task") if not v["deleted"] and v["status"] == "todo"][:2]


def a_post(workspace: Path, state: str) -> str:
    with Store(workspace) as store:
        return add_posts(store, 1, NOW + dt.timedelta(days=3), state=state, author="ana")[0]


async def opened_by_k(workspace: Path, key: str, text: str) -> tuple[CrewdeckApp, object, str]:
    """The screen ``K`` opens on the one draft kept, of ``key``, holding ``text``, and the name of the one under it."""
    ana_drafts(workspace).keep(key, f"your draft of {key}", {"text": text}, {"text": ""}, "Europe/Berlin")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, (PromptScreen, KeptTextScreen)), "K opened the draft's dialog or showed it")
        await settle(pilot)
        return app, app.screen, type(app.screen_stack[-2]).__name__


@pytest.mark.parametrize(("kind", "title"), [("due", "Due"), ("snooze", "Snooze"), ("decline", "Decline")])
async def test_k_opens_a_triage_draft_on_the_marked_tasks_it_was_typed_for_which_offers_it(workspace: Path, kind: str, title: str) -> None:
    tasks = two_tasks(workspace)
    _, screen, _ = await opened_by_k(workspace, f"{kind}:{','.join(tasks)}", "fri 17:00")
    # The triage's own question on those tasks, which offers the draft; before, Quick add opened (offering its own).
    assert isinstance(screen, PromptScreen)
    assert screen.title_text.startswith(title)
    assert screen.draft_offered is not None and screen.draft_offered.key == f"{kind}:{','.join(tasks)}"


async def test_k_opens_a_set_draft_in_the_tasks_detail_under_its_colon_question(workspace: Path) -> None:
    task = two_tasks(workspace)[0]
    _, screen, under = await opened_by_k(workspace, f"set:{task}", "priority=H")
    assert isinstance(screen, PromptScreen) and screen.title_text == "Set a field"
    assert screen.draft_offered is not None and screen.draft_offered.key == f"set:{task}"
    assert under == "DetailScreen"


async def test_k_shows_a_post_draft_no_key_opens_alone_with_where_it_is_offered(workspace: Path) -> None:
    post = a_post(workspace, "draft")
    _, screen, _ = await opened_by_k(workspace, f"slot:{post}", "fri 18:00")
    assert isinstance(screen, KeptTextScreen)
    assert f"press s on {post[:8]} “Spring post 0” and choose “move the slot”: it is offered there" == screen.why
    assert screen.text == "fri 18:00"


async def test_k_shows_a_reverse_draft_with_the_ledger_key_that_offers_it(workspace: Path) -> None:
    with Store(workspace) as store:
        entry = next(k for k, v in store.records("ledger_entry"))
    _, screen, _ = await opened_by_k(workspace, f"reverse:{entry}", "paid twice")
    assert isinstance(screen, KeptTextScreen)
    assert screen.why == f"press r on entry {entry[:8]} in the Ledger and it is offered"


async def test_k_shows_a_due_draft_whose_task_is_gone(workspace: Path) -> None:
    _, screen, _ = await opened_by_k(workspace, "due:0123456789abcdef0123456789abcdef", "tomorrow")
    assert isinstance(screen, KeptTextScreen) and screen.why == "its task was deleted: it can only be copied or discarded"


async def test_k_on_a_copy_draft_of_a_post_whose_copy_is_now_refused_shows_it_with_why(workspace: Path) -> None:
    post = a_post(workspace, "pulled")
    app, screen, _ = await opened_by_k(workspace, f"copy:{post}", "My long caption")
    # Before, only the refusal was said: the text could be neither copied nor discarded, and each start said "K opens it".
    assert isinstance(screen, KeptTextScreen), notices(app)
    assert screen.why.endswith("“Spring post 0” is pulled: no moves left: it can only be copied or discarded")


def drafts_notices(app: CrewdeckApp) -> list[str]:
    return [n for n in notices(app) if "kept when the app stopped" in n]


@pytest.mark.parametrize("answer", [("ctrl+n",), ("ctrl+r", "ctrl+s")], ids=["discarded", "restored-and-saved"])
async def test_the_notice_of_a_kept_draft_is_withdrawn_once_no_draft_is_kept(workspace: Path, answer: tuple[str, ...]) -> None:
    """It stayed up for its 30 seconds saying "K opens it" while ``K`` said "no draft is kept"."""
    keep_notes(workspace, "Half a brief, typed over SSH")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(drafts_notices(app)), "the notice of the draft")
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, NotesEditorScreen) and app.screen.draft_offered is not None, "the offer")
        editor = app.screen
        await pilot.press(*answer)
        await settle(pilot)
        if app.screen is editor:
            await pilot.press("escape")
            await settle(pilot)
        assert not isinstance(app.screen, NotesEditorScreen)
        assert ana_drafts(workspace).all() == []
        assert drafts_notices(app) == []
        await pilot.press("K")
        await until(pilot, lambda: "no draft is kept" in notices(app), "K saying none is kept")


async def test_the_notice_of_kept_drafts_stays_while_one_is_kept_and_goes_with_the_last(workspace: Path) -> None:
    task, _ = keep_notes(workspace, "Call the printer at 10")
    ana_drafts(workspace).keep("prompt:Quick add", "your answer to “Quick add”", {"text": "Book the venue"}, {"text": ""}, "Europe/Berlin")
    assert main(["-w", str(workspace), "--as", "raj", "rm", task]) == 0
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(drafts_notices(app)), "the notice of the drafts")
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen), "the list of drafts")
        await pilot.press("2")  # the notes of the deleted task, shown
        await until(pilot, lambda: isinstance(app.screen, KeptTextScreen), "the draft shown")
        await pilot.press("d")
        await settle(pilot)
        assert [d.key for d in ana_drafts(workspace).all()] == ["prompt:Quick add"]
        assert drafts_notices(app) == ["2 drafts were kept when the app stopped: K lists them"]
        await pilot.press("a")  # the quick add, which offers the other
        await until(pilot, lambda: isinstance(app.screen, PromptScreen) and app.screen.draft_offered is not None, "the offer")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert ana_drafts(workspace).all() == []
        assert drafts_notices(app) == []


def said_in(app: CrewdeckApp, widget: Widget) -> str:
    """The lines the terminal shows inside ``widget``'s box, joined into one run of words."""
    region = widget.content_region
    lines = ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]
    return " ".join(" ".join(line[region.x : region.right] for line in lines[region.y : region.bottom]).split())


async def test_a_kept_draft_shown_at_80_columns_says_its_question_and_why_whole(workspace: Path) -> None:
    """At 80x24 the box's lines were cut at its edge: “A draft of your new slot for … “Spring post 0” fro…” and “press s
    on … and choose “move the slot”: it is offe…”, where it is offered never said."""
    post = a_post(workspace, "draft")
    what = f"your new slot for {post[:8]} “Spring post 0”"
    draft = ana_drafts(workspace).keep(f"slot:{post}", what, {"text": "fri 18:00"}, {"text": ""}, "Europe/Berlin")
    app = make_app(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, KeptTextScreen), "the draft shown")
        await settle(pilot)
        shown = said_in(app, app.screen.query_one("KeptTextScreen > Vertical", Vertical))
        assert f"A draft of {what} was kept at {draft.kept_time()}" in shown
        assert f"press s on {post[:8]} “Spring post 0” and choose “move the slot”: it is offered there" in shown
        assert "y copies it · d discards it · esc keeps it" in shown
