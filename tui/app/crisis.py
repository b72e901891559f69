"""Crisis mode in the app: the key that starts or ends one, and the posts it held.

The banner every member sees is ``crisis_banner.py``.  Starting and ending
are for managers (the app hides the key from others; the rules refuse anyway).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.drafts import DraftFor
from crewdeck.tui.app.lines import plain
from crewdeck.tui.app.post_actions import Move, post_line, run_move, slot_zone, watching_due, write_move
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import Latest, in_background
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.crisis_scope import CrisisScope, crisis_scopes
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.reading import PostView, open_crises, read_posts
from crewdeck.tui.posts.states import Crisis, label
from crewdeck.tui.workspace.columns import cells, cut_cells
from crewdeck.tui.workspace.words import counted
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.line_table import Column
from crewdeck.widgets.post_table import PostLine, PostTable

if TYPE_CHECKING:
    import datetime as dt

    from crewdeck.sync.state.store import Store


class CrisisKey:
    """The crisis key's work for the app: start one (asking the reason), or end an open one."""

    def __init__(self, owner: DOMNode, services: Services) -> None:
        self._owner = owner
        self._services = services

    def run(self) -> None:
        app = self._owner.app
        pressed_on = app.screen

        def look() -> None:
            found = self._services.session.access.read(lambda ws: open_crises(ws.conn))
            app.call_from_thread(self._choose, found, pressed_on)

        in_background(self._owner, look, name="crisis_key", group="crisis-key")

    def _choose(self, found: list[Crisis], pressed_on: Screen[object]) -> None:
        app = self._owner.app
        if app.screen is not pressed_on:
            return  # a screen came up since the key was pressed: the dialog of a press before this one's read came back
        if not found:
            self._ask_reason()
            return
        room = PickerScreen.label_room(app.size.width)
        choices = [Choice(f"end:{c.id}", _end_label(c, room), str(n)) for n, c in enumerate(found, 1)]
        choices.append(Choice("start", "Start another crisis", "s"))

        def chosen(value: str | None) -> None:
            if value == "start":
                self._ask_reason()
            elif value is not None:
                self._end(value.removeprefix("end:"))

        app.push_screen(PickerScreen("A crisis is open: ending one lists the posts it held", choices), chosen)

    def _ask_reason(self, typed: str = "") -> None:
        """The reason's question, opening with ``typed`` (the reason given, back from escape on the scope's question)."""
        services = self._services
        scopes: list[CrisisScope] = []

        def submit(reason: str) -> None:
            # In the dialog's worker: a reason refused (none) keeps the dialog open, saying why; one taken, what the
            # crisis may stop is read for the question after it.
            writing.check_crisis_reason(reason)
            scopes[:] = services.session.access.read(lambda ws: crisis_scopes(ws.conn, services.now()))

        def answered(reason: str | None) -> None:
            if reason is not None:
                self._ask_scope(reason, scopes)

        app = self._owner.app
        cancel = said_key(app, PromptScreen.BINDINGS, "prompt.cancel")
        app.push_screen(
            PromptScreen(
                "Start a crisis? The posts it stops pause for everyone",
                f"the reason, shown on every screen — enter asks what it stops, {cancel} cancels",
                value=typed,
                submit=submit,
                editing=bool(typed),
                saved="",  # a reason typed is unsaved still: escape asks before dropping it, as it did before enter
                draft_for=DraftFor("prompt:crisis", "your reason for a crisis"),  # of no record: one of its own
            ),
            answered,
        )

    def _ask_scope(self, reason: str, scopes: list[CrisisScope]) -> None:
        """Every post, a platform's or a campaign's: ``crisis start``'s record with its ``--platform`` or ``--campaign``."""
        # Keys: a for every post, then 1-9 down the list (arrows and enter reach the rest).
        keys = ["a", *"123456789"]
        choices = [Choice(str(n), scope.words, keys[n] if n < len(keys) else "") for n, scope in enumerate(scopes)]

        def submit(value: str) -> None:
            scope = scopes[int(value)]
            write_move(
                self._owner,
                self._services,
                f"crisis started: {scope.posts} paused",
                lambda store, me, now: writing.start_crisis(store, me, now, reason, scope.campaigns, scope.platforms),
            )

        def closed(value: str | None) -> None:
            if value is None:
                # Escape: back to the reason, as typed (it dropped the crisis and the reason with it).
                self._ask_reason(reason)

        title = visible(f"What does the crisis stop? ({reason})")
        self._owner.app.push_screen(PickerScreen(title, choices, submit=submit), closed)

    def _end(self, crisis_id: str) -> None:
        services = self._services
        app = self._owner.app

        def ended(store_result: object) -> None:
            assert isinstance(store_result, writing.CrisisEnded)
            app.push_screen(HeldPostsScreen(services, store_result.held))

        def write() -> None:
            said = "crisis ended: nothing resumed by itself"
            result, written = services.session.edits.store_write(
                said, lambda store: writing.end_crisis(store, services.session.me.id, services.now(), crisis_id, resume="ask")
            )
            app.call_from_thread(services.written, said, written)
            app.call_from_thread(ended, result)

        in_background(self._owner, write, name="end_crisis", group="write")


def _end_label(crisis: Crisis, room: int) -> str:
    """The choice that ends ``crisis``, named by its reason as the banner names it (its id, as ``crisis end`` takes it,
    after), the reason cut so that the choice keeps to one line of ``room`` cells."""
    before, after = "End “", f"” ({crisis.id[:8]})"
    return before + cut_cells(visible(crisis.reason), max(room - cells(before) - cells(after), 12)) + after


#: Kept out of the footer (``show=False``): the dialog says its keys in its own line.
HELD_BINDINGS: list[BindingType] = [
    Binding("r", "resume", "Resume", show=False, id="held.resume"),
    Binding("n", "reschedule", "New slot", show=False, id="held.reschedule"),
    Binding("P", "pull", "Pull", show=False, id="held.pull"),
    Binding("escape,q", "close", "Close", show=False, id="held.close"),
]


#: What a missed post among the held ones needs (its slot passed during the crisis).
NEEDS_SLOT = "needs a new slot"
#: The held posts' columns.  STATE is the post's state and what became of it here ("paused, slot kept", ``NEEDS_SLOT``
#: after "missed", "resumed, now scheduled"), in one column that keeps the width of its widest: a column of its own
#: for the state went first at 80 columns, where a resumed post read "resumed" whether it was scheduled or approved
#: only.  The titles are given the room the platform and the id give up (28 cells at the least): two posts whose titles
#: differ at their end read apart at 80 columns, where the dialog takes the whole width.
HELD_COLUMNS = (
    Column("ID", 8, drop=4),
    Column("SLOT (YOUR TIME)", 20, whole=True),
    Column("PLATFORM", 9, drop=2),
    Column("POST", 28, grow=1),
    Column("STATE", 5, whole=True),
)


def _held_line(line: PostLine) -> PostLine:
    """A row of ``post_line`` in ``HELD_COLUMNS``: its state is said in STATE, with what became of the post."""
    post_id, slot, _state, platform, title, state = line.cells
    return replace(line, cells=(post_id, slot, platform, title, state))


def held_state(post: PostView, done: str | None) -> str:
    """A held post's STATE: its state now and what became of it here (``done``: "resumed", "new slot", "pulled"), or
    what it waits for."""
    state = label(post.state)
    if done is None:
        return f"{state}, {NEEDS_SLOT if post.state == 'missed' else 'slot kept'}"
    return state if done == state else f"{done}, now {state}"


class HeldPostsScreen(ModalScreen[None]):
    """The posts a crisis held when it ended: each to resume, give a new slot, or pull — nothing goes out by itself.

    | key | action |
    |---|---|
    | `r` | resume (a paused post keeps its slot; on a missed one it says to press `n`) |
    | `n` | resume with a new slot (a missed post needs one) |
    | `P` | pull it |
    | `escape` `q` | close |
    """

    BINDINGS: ClassVar[list[BindingType]] = HELD_BINDINGS

    DEFAULT_CSS = """
    HeldPostsScreen { align: center middle; }
    HeldPostsScreen > Vertical { width: 90%; min-width: 80; height: 80%; background: $panel; border: round $error; padding: 0 1; }
    HeldPostsScreen .held--title { text-style: bold; }
    """

    def __init__(self, services: Services, held: list[PostView]) -> None:
        super().__init__()
        self.services = services
        self.held = held
        #: What became of each post here (its id → a word), shown in its row.
        self.done: dict[str, str] = {}
        #: The posts whose move is on its way: a key on one again would make it twice.
        self._moving: set[str] = set()
        #: The reads of the posts.
        self._reads = Latest(self, group="held-read")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title(), classes="held--title", id="held-title")
            resume, new_slot, pull, close = (
                said_key(self.app, HELD_BINDINGS, f"held.{key}") for key in ("resume", "reschedule", "pull", "close")
            )
            # Static, not Label: it wraps at 80 columns instead of losing its end.
            yield Static(
                plain(f"{resume} resume · {new_slot} new slot · {pull} pull · {close} close — a missed post needs a new slot"),
                id="held-help",
            )
            # The dialog's keys act on the post under the cursor; it opens none.
            yield PostTable(HELD_COLUMNS, id="held-table", opens=False)
        yield KeyFooter()

    def _title(self) -> str:
        left = len(self.held) - len(self.done)
        return f"The crisis held {counted(len(self.held), 'post')}; {left} to decide" if self.held else "The crisis held no posts"

    def on_mount(self) -> None:
        self._fill()
        self.query_one(PostTable).focus()

    def _fill(self, cursor: int = 0) -> None:
        now = self.services.now()
        rows = [_held_line(post_line(p, self.services, now, held_state(p, self.done.get(p.id)))) for p in self.held]
        self.query_one(PostTable).reset(len(rows), cursor, (0, rows))
        self.query_one("#held-title", Label).update(self._title())

    def _undecided(self) -> PostView | None:
        """The post under the cursor, if nothing has become of it and no move of it is on its way; else a bell."""
        row = self.query_one(PostTable).cursor_row
        post = next((p for p in self.held if row is not None and p.id == row.id), None)
        if post is None or post.id in self.done or post.id in self._moving:
            self.app.bell()
            return None
        return post

    def _move(self, post: PostView, said: str, work: Move, word: str) -> None:
        """``work`` on the post in a worker; once written its row says ``word``."""
        self._moving.add(post.id)
        run_move(self, self.services, said, work, lambda: self._did(post, word), settled=lambda: self._moving.discard(post.id))

    def _did(self, post: PostView, word: str) -> None:
        self.done[post.id] = word
        self._fill(self.query_one(PostTable).cursor)
        self._reads.read(self._read_again, self._read)

    def _read_again(self) -> dict[str, PostView]:
        """The posts as they read now: a resumed one is no longer paused, one given a new slot shows it."""
        now = self.services.now()
        post_ids = [p.id for p in self.held]
        return self.services.session.access.read(lambda ws: {p.id: p for p in read_posts(ws.conn, now, post_ids)})

    def _read(self, fresh: dict[str, PostView]) -> None:
        self.held = [fresh.get(p.id, p) for p in self.held]
        self._fill(self.query_one(PostTable).cursor)

    def action_resume(self) -> None:
        post = self._undecided()
        if post is None:
            return
        # A missed post needs a new slot, which this screen's `n` gives (the command line's hint is a flag).
        hint = f"press {said_key(self.app, HELD_BINDINGS, 'held.reschedule')} to give it a new slot"
        self._move(
            post,
            f"resumed {named_post(post.facts.title, post.id)}",
            lambda s, me, now: writing.resume(s, me, post.id, now, new_slot_hint=hint, ended_only=True),
            "resumed",
        )

    def action_reschedule(self) -> None:
        post = self._undecided()
        if post is None:
            return
        zone, viewer, clock24 = slot_zone(self.services, post), self.services.viewer_tz, self.services.config.clock24

        def resumed(s: Store, me: str, now: dt.datetime, text: str) -> PostView:
            # A slot gone by is refused saying what the words stood for ("sat is today 11:00 CET"), as `post resume` says it.
            slot, typed = writing.said_slot(s, post.id, text.split(), now, viewer, clock24)
            return writing.resume(s, me, post.id, now, slot, ended_only=True, typed=typed)

        def submit(text: str) -> None:
            # In the dialog's worker: a slot that is not a date keeps the dialog open with the text and why.
            work, note = watching_due(self.services, post.id, lambda s, me, now: resumed(s, me, now, text), slot_said=True)
            write_move(
                self,
                self.services,
                f"resumed {named_post(post.facts.title, post.id)} with a new slot",
                work,
                lambda: self._did(post, "new slot"),
                note=note,
            )

        self.app.push_screen(
            PromptScreen(
                f"New slot for “{post.facts.title}” — in {zone} unless you name a zone",
                "fri 18:00 · tomorrow 09:00 · +2d",
                submit=submit,
                draft_for=DraftFor(f"slot:{post.id}", f"your new slot for {named_post(post.facts.title, post.id)}"),
            )
        )

    def action_pull(self) -> None:
        post = self._undecided()
        if post is None:
            return
        self._move(
            post, f"pulled {named_post(post.facts.title, post.id)}", lambda s, me, now: writing.pull(s, me, post.id, now), label("pulled")
        )

    def action_close(self) -> None:
        self.dismiss(None)
