"""The drafts kept when the app last closed, said as it starts: one who lost the connection mid-sentence does not think
of opening that very dialog again (``crewdeck.tui.app.drafts`` keeps and offers them).

Once the first screen is drawn, the member's drafts are read in a worker and said in one notice (``say_kept_drafts``):
nothing blocks the first screen.  ``K`` (``app.drafts``), or "Drafts kept" in the palette, opens the one kept, or lists
them (``open_kept_drafts``); each opens the dialog it was typed in, on its record, which offers it as it always does.
A draft whose record is gone (its task deleted), or of a question no key opens again on its own (a rename's), is shown
(``KeptTextScreen``): its text to copy, and discarded only when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.drafts import drafts_of
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.workspace.drafts import Draft, DraftStore
from crewdeck.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from crewdeck.tui.app.app import CrewdeckApp

#: The prompt a key opens again on its own, by its question: the quick add's (``a`` in the Tasks pane).
QUICK_ADD = "prompt:Quick add"


@dataclass(frozen=True)
class KeptDraft:
    """A draft and, read from the workspace, why its dialog cannot open on its record ("" when it can)."""

    draft: Draft
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

    def read() -> None:
        kept = store.all()
        if kept:
            app.call_from_thread(_say, app, kept)

    in_background(app, read, name="drafts_kept", group="drafts")


def _say(app: App[Any], kept: list[Draft]) -> None:
    key = drafts_key(app)
    if len(kept) == 1:
        draft = kept[0]
        line = f"a draft of {draft.what} from {draft.kept_time()} was kept when the app closed: {key} opens it"
    else:
        line = f"{len(kept)} drafts were kept when the app closed: {key} lists them"
    app.notify(line, title="drafts", timeout=30, markup=False)


def open_kept_drafts(app: App[Any]) -> None:
    """``K``: the drafts kept and whether their records are there, read in a worker; one opens, several are listed."""
    member_app, store = _member_app(app), _store(app)
    if member_app is None or store is None:
        return
    session = member_app.session

    def looked_at(draft: Draft) -> KeptDraft:
        kind, _, record = draft.key.partition(":")
        if kind == "prompt" and draft.key != QUICK_ADD:
            return KeptDraft(draft, f"its question opens on what it asks about: ask “{record}” again and it is offered")
        if kind not in ("notes", "copy"):
            return KeptDraft(draft)
        task = session.access.read(lambda ws: ws.store.record("task", record))
        if task is None or task.get("deleted"):
            return KeptDraft(draft, f"its {'task' if kind == 'notes' else 'post'} was deleted: it can only be copied or discarded", True)
        return KeptDraft(draft)

    def read() -> None:
        kept = [looked_at(draft) for draft in reversed(store.all())]  # the newest first
        app.call_from_thread(_chosen_from, member_app, store, kept)

    in_background(app, read, name="drafts_kept", group="drafts")


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

    app.push_screen(PickerScreen(f"{len(kept)} drafts were kept when the app closed: open which?", choices), chosen)


def open_draft(app: CrewdeckApp, store: DraftStore, kept: KeptDraft) -> None:
    """The dialog ``kept`` was typed in, on its record (it offers the draft); shown instead when it cannot open."""
    from crewdeck.tui.app.ledger_pane import LedgerPane
    from crewdeck.tui.app.triage import Triage

    draft = kept.draft
    if kept.why:
        app.push_screen(KeptTextScreen(draft, kept.why), lambda discard: _discard(app, store, draft) if discard else None)
        return
    kind, _, record = draft.key.partition(":")
    pane = app.tasks_pane
    if kind == "notes":
        # The app's own editor, whatever $EDITOR is: the draft was typed there, and is offered there alone.
        Triage(pane, app.services, lambda: [record], app.written).edit_notes(in_app=True)
    elif kind == "copy":
        Triage(pane, app.services, lambda: [record], app.written).posts.run("copy")
    elif kind == "entry":
        app.focus_pane("ledger")
        app.main_screen.query_one(LedgerPane).action_new_entry()
    else:
        app.focus_pane("tasks")
        pane.action_quick_add()


def _discard(app: App[Any], store: DraftStore, draft: Draft) -> None:
    try:
        store.remove(draft.key)
    except OSError as exc:
        app.notify(f"the draft stays in {store.path}: {exc.strerror}", severity="warning", markup=False)
        return
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
    KeptTextScreen .kept--question { text-style: bold; }
    KeptTextScreen .kept--why { color: $warning; }
    KeptTextScreen VerticalScroll { height: auto; max-height: 20; margin: 1 0; }
    KeptTextScreen .kept--help { color: $foreground-muted; }
    """

    def __init__(self, draft: Draft, why: str) -> None:
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
            line = f"A draft of {self.draft.what} from {self.draft.kept_time()} was kept when the app closed"
            yield Label(plain(line), classes="kept--question", id="kept-question")
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
