"""The drafts kept when the app last closed, said as it starts: one who lost the connection mid-sentence does not think
of opening that very dialog again (``crewdeck.tui.app.drafts`` keeps and offers them).

Once the first screen is drawn, the member's drafts are read in a worker and said in one notice (``say_kept_drafts``):
nothing blocks the first screen.  ``K`` (``app.drafts``), or "Drafts kept" in the palette, opens the one kept, or lists
them (``open_kept_drafts``); a task's notes, due date, snooze, decline or ``:`` change, a post's copy, a new ledger
entry and the quick add open the dialog they were typed in, on their record, which offers them as it always does.  A
draft whose record is gone, whose change is refused now (its post pulled), or of a question no key opens on its own (a
post's slot, a reversal's reason) is shown (``KeptTextScreen``): its text to copy, where it is offered, and discarded
only when asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.notifications import Notification, Notify
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.rules import MemberFacts, task_change_refused
from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.drafts import drafts_of, offer_line
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.post_keys import CONTENT_CHOICES, MOVE_CHOICES
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.workspace.drafts import DialogDraft, DraftStore
from crewdeck.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.workspace.workspace import Workspace

#: The prompt a key opens again on its own, by its question: the quick add's (``a`` in the Tasks pane).
QUICK_ADD = "prompt:Quick add"
#: The drafts of a question on tasks, whose dialog ``K`` opens on them ("due:ID,ID" for the marked tasks).
TASK_KINDS = ("notes", "due", "snooze", "decline", "set")
#: The drafts of a post's dialog, by the choice of the ``s`` picker that asks it: ``K`` opens the copy's editor; the
#: others are shown, with that choice (their dialog asks what the post's state offers, read when it is opened).
POST_CHOICES = {
    "copy": MOVE_CHOICES["copy"][0],
    "slot": MOVE_CHOICES["slot"][0],
    "changes": MOVE_CHOICES["reject"][0],
    **{field: choice[1] for field, choice in CONTENT_CHOICES.items()},
}


@dataclass(frozen=True)
class KeptDraft:
    """A draft and, read from the workspace, why its dialog cannot open on its record ("" when it can)."""

    draft: DialogDraft
    #: Why it is shown rather than opened in its dialog ("" when its dialog opens).
    why: str = ""
    #: Its record (a task, a post) was deleted.
    deleted: bool = False


def _member_app(app: App[Any]) -> CrewdeckApp | None:
    """The app of a member with panes to open dialogs over: a guest's has none, nor any key that opens them."""
    from crewdeck.tui.app.app import CrewdeckApp

    return app if isinstance(app, CrewdeckApp) and not app.guest else None


def _store(app: App[Any]) -> DraftStore | None:
    kept = drafts_of(app) if _member_app(app) is not None else None
    return None if kept is None else kept[0]


def drafts_key(app: App[Any]) -> str:
    """The key that opens the drafts kept, as the keymap has it."""
    return said_key(app, type(app).BINDINGS, "app.drafts")


def has_kept_drafts(app: App[Any]) -> bool:
    """Whether the member has a draft kept (the palette offers "Drafts kept" then): a small file of their own."""
    store = _store(app)
    return store is not None and bool(store.all())


def say_kept_drafts(app: App[Any]) -> None:
    """The first screen is drawn: the drafts kept, read in a worker, said in one notice."""
    store = _store(app)
    if store is None:
        return

    member_app = _member_app(app)
    assert member_app is not None  # ``_store`` has one only for a member's app

    def read() -> None:
        kept = store.all()
        if kept:
            app.call_from_thread(_say, member_app, kept)

    in_background(app, read, name="drafts_kept", group="drafts")


def _say(app: CrewdeckApp, kept: list[DialogDraft]) -> None:
    key = drafts_key(app)
    if len(kept) == 1:
        draft = kept[0]
        line = f"a draft of {draft.what} from {draft.kept_time()} was kept when the app stopped: {key} opens it"
    else:
        line = f"{len(kept)} drafts were kept when the app stopped: {key} lists them"
    # Made here, not by notify (which keeps it to itself): withdrawn by name once no draft is kept (``drafts_removed``).
    app.kept_drafts_notice = Notification(visible(line), "drafts", "information", 30, markup=False)
    app.post_message(Notify(app.kept_drafts_notice))


def drafts_removed(app: App[Any], store: DraftStore) -> None:
    """A draft left ``store``: the start-up notice that offers them goes with the last one (``K`` would say none is
    kept), and stays while one is."""
    member_app = _member_app(app)
    if member_app is None or member_app.kept_drafts_notice is None or store.all():
        return
    member_app._unnotify(member_app.kept_drafts_notice)
    member_app.kept_drafts_notice = None


def open_kept_drafts(app: App[Any]) -> None:
    """``K``: the drafts kept and whether their records are there, read in a worker; one opens, several are listed."""
    member_app, store = _member_app(app), _store(app)
    if member_app is None or store is None:
        return
    from crewdeck.tui.app.ledger_pane import LedgerPane
    from crewdeck.tui.app.triage import TRIAGE_BINDINGS

    services = member_app.services
    # The keys as the keymap has them, read here: the worker reads the workspace alone.
    keys = {"cycle_status": said_key(app, TRIAGE_BINDINGS, "triage.cycle_status")}
    keys["reverse"] = said_key(app, LedgerPane.BINDINGS, "ledger.reverse")

    def read() -> None:
        me, now, drafts = services.session.me.facts(), services.now(), list(reversed(store.all()))  # the newest first
        kept = services.session.access.read(lambda ws: [looked_at(ws, draft, me, now, keys) for draft in drafts])
        app.call_from_thread(_chosen_from, member_app, store, kept)

    in_background(app, read, name="drafts_kept", group="drafts")


def looked_at(ws: Workspace, draft: DialogDraft, me: MemberFacts, now: dt.datetime, keys: dict[str, str]) -> KeptDraft:
    """``draft`` and why its dialog does not open on its record: the record is gone, the change it holds is refused
    now (as the key would refuse it), or no key opens its dialog on its own (said with where it is offered then)."""
    kind, _, record = draft.key.partition(":")
    if draft.key in (QUICK_ADD, "entry:new"):
        return KeptDraft(draft)
    if kind == "prompt":
        return KeptDraft(draft, f"its question opens on what it asks about: ask “{record}” again and it is offered")
    if kind == "reverse":
        entry = ws.store.record("ledger_entry", record)
        if entry is None:
            return KeptDraft(draft, "its ledger entry is gone: it can only be copied or discarded", True)
        return KeptDraft(draft, f"press {keys['reverse']} on entry {short(record)} in the Ledger and it is offered")
    if kind in TASK_KINDS or kind in POST_CHOICES:
        ids = record.split(",")
        tasks = [ws.store.record("task", one) for one in ids]
        if any(task is None or task.get("deleted") for task in tasks):
            what = "task" if kind in TASK_KINDS else "post"
            return KeptDraft(draft, f"its {what} was deleted: it can only be copied or discarded", True)
        named = f"{short(ids[0])} “{tasks[0]['title']}”" if len(ids) == 1 and tasks[0] is not None else f"{len(ids)} marked tasks"
        return KeptDraft(draft, _refused(ws, kind, ids, me, now, named, keys))
    return KeptDraft(draft, "no key opens its question on its own: it can only be copied or discarded")


def _refused(ws: Workspace, kind: str, ids: list[str], me: MemberFacts, now: dt.datetime, named: str, keys: dict[str, str]) -> str:
    """Why the dialog of a ``kind`` draft, on ``ids`` that are there, does not open ("" when it does)."""
    refusal = task_change_refused(me)
    if refusal is not None:
        return f"{refusal.message}: it can only be copied or discarded"
    if kind in TASK_KINDS:
        return ""
    # The posts' rules and reads: imported when a post's draft is first looked at, not for the app's first paint.
    from crewdeck.tui.posts.offers import move_refusal
    from crewdeck.tui.posts.reading import read_post

    post = read_post(ws.conn, ids[0], now)
    if post is None:
        return f"{named} is not a post now: it can only be copied or discarded"
    if kind == "copy":
        said = move_refusal(ws.store, me, post, now, "copy")
        return "" if said is None else f"{said}: it can only be copied or discarded"
    return f"press {keys['cycle_status']} on {named} and choose “{POST_CHOICES[kind]}”: it is offered there"


def _chosen_from(app: CrewdeckApp, store: DraftStore, kept: list[KeptDraft]) -> None:
    from crewdeck.tui.app.screens.picker import Choice, PickerScreen

    if not kept:
        app.notify("no draft is kept", timeout=4)
        return
    if len(kept) == 1:
        open_draft(app, store, kept[0])
        return
    by_key = {one.draft.key: one for one in kept}
    choices = [
        Choice(one.draft.key, f"{one.draft.what}, from {one.draft.kept_time()}", str(n), "deleted" if one.deleted else "")
        for n, one in enumerate(kept, 1)
    ]

    def chosen(key: str | None) -> None:
        if key is not None:
            open_draft(app, store, by_key[key])

    app.push_screen(PickerScreen(f"{len(kept)} drafts were kept when the app stopped: open which?", choices), chosen)


def open_draft(app: CrewdeckApp, store: DraftStore, kept: KeptDraft) -> None:
    """The dialog ``kept`` was typed in, on its record (it offers the draft); shown instead when it cannot open."""
    from crewdeck.tui.app.ledger_pane import LedgerPane
    from crewdeck.tui.app.screens.detail import DetailScreen
    from crewdeck.tui.app.triage import Triage

    draft = kept.draft
    if kept.why:
        app.push_screen(KeptTextScreen(draft, kept.why), lambda discard: _discard(app, store, draft) if discard else None)
        return
    kind, _, record = draft.key.partition(":")
    pane = app.tasks_pane
    triage = Triage(pane, app.services, lambda: record.split(","), app.written)
    if kind == "notes":
        # The app's own editor, whatever $EDITOR is: the draft was typed there, and is offered there alone.
        triage.edit_notes(in_app=True)
    elif kind == "copy":
        triage.posts.run("copy")
    elif kind in ("due", "snooze", "decline"):
        triage.run(kind)
    elif kind == "set":
        detail = DetailScreen(record, app.services)
        app.push_screen(detail)
        # Its `:`, once the detail is up: the question goes over it, as when the key is pressed there.
        app.call_later(detail.action_set_field)
    elif kind == "entry":
        app.focus_pane("ledger")
        app.main_screen.query_one(LedgerPane).action_new_entry()
    else:
        app.focus_pane("tasks")
        pane.action_quick_add()


def _discard(app: App[Any], store: DraftStore, draft: DialogDraft) -> None:
    try:
        store.remove(draft.key)
    except OSError as exc:
        app.notify(f"the draft stays in {store.named}: {exc.strerror}", severity="warning", markup=False)
        return
    drafts_removed(app, store)
    app.notify(f"discarded the draft of {draft.what}", timeout=4, markup=False)


class KeptTextScreen(ModalScreen[bool]):
    """A kept draft no dialog opens on (its record deleted, or a question asked of one record): its text, to copy;
    ``d`` discards it, ``escape`` keeps it.

    | key | action |
    |---|---|
    | `y` | copy the text |
    | `d` | discard the draft |
    | `escape` | close, the draft kept |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy", "Copy", id="kept_draft.copy"),
        Binding("d", "discard", "Discard", id="kept_draft.discard"),
        Binding("escape", "close", "Keep", id="kept_draft.close"),
    ]

    DEFAULT_CSS = """
    KeptTextScreen { align: center middle; }
    KeptTextScreen > Vertical {
        width: 80%;
        height: auto;
        max-height: 80%;
        padding: 1 2;
        background: $panel;
        border: round $warning;
    }
    /* A Label is as wide as its text and cut at the dialog's edge: a long title or reason wraps instead. */
    KeptTextScreen Label { width: 100%; }
    KeptTextScreen .kept--question { text-style: bold; }
    KeptTextScreen .kept--why { color: $warning; }
    KeptTextScreen VerticalScroll { height: auto; max-height: 20; margin: 1 0; }
    KeptTextScreen .kept--help { color: $foreground-muted; }
    """

    def __init__(self, draft: DialogDraft, why: str) -> None:
        super().__init__()
        self.draft = draft
        self.why = why

    @property
    def text(self) -> str:
        """What the dialog held, its fields one a line when it had several (a ledger entry's)."""
        values = self.draft.values
        if list(values) == ["text"]:
            return values["text"]
        return "\n".join(f"{name}: {value}" for name, value in values.items() if value)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain(offer_line(self.draft)), classes="kept--question", id="kept-question")
            yield Label(plain(self.why), classes="kept--why", id="kept-why")
            with VerticalScroll():
                # Each line shown as typed, no control character let through to the terminal.
                yield Static("\n".join(visible(part) for part in self.text.split("\n")), markup=False, id="kept-text")
            copy, discard, keep = (said_key(self.app, self.BINDINGS, f"kept_draft.{name}") for name in ("copy", "discard", "close"))
            yield Label(f"{copy} copies it · {discard} discards it · {keep} keeps it", classes="kept--help")
        yield KeyFooter()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.app.notify("copied the draft (OSC 52: works over SSH)", timeout=4)

    def action_discard(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
