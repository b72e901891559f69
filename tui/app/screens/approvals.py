"""The Approvals view: the posts in review, those that need my approval first (oldest slot first), then the others',
and those approved with my approval that are not out yet (whose approval I may withdraw).

One key approves the step that is mine, one requests changes with a note;
under the list, the post under the cursor: its copy, link, media and first
comment (what an approval covers), and what changed in them since the
version I last gave a verdict on.  The posts are read in a worker
a window at a time (the first screen does not wait for ten thousand) and
drawn line by line (``PostTable``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.crisis_banner import CrisisBanner
from crewdeck.tui.app.drafts import DraftFor
from crewdeck.tui.app.hidden_keys import VERDICTS_READ
from crewdeck.tui.app.keys_ahead import HeldRead
from crewdeck.tui.app.lines import Lines
from crewdeck.tui.app.post_actions import POST_COLUMNS, Move, post_line, run_move, watching_reviewers, write_move
from crewdeck.tui.app.post_content import content_besides_copy
from crewdeck.tui.app.screens.detail import DetailScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import Latest, background, in_background
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.banner import OpenCrisis
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.offers import verdict_refusal
from crewdeck.tui.posts.reading import PostView, needing, read_posts
from crewdeck.tui.posts.review import CopyReview, copy_review, waiting_ids
from crewdeck.tui.posts.states import VERDICTS, label
from crewdeck.tui.session.read_scope import read_scope
from crewdeck.tui.time.when import format_local
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.key_footer import KeyFooter
from crewdeck.widgets.pane_bar import PaneBar
from crewdeck.widgets.post_table import PostLine, PostTable

#: The verdict each verdict key's action gives.
VERDICT_OF = {"approve": "approve", "request_changes": "reject", "withdraw": "withdraw"}
CLOSE = Binding("escape,q", "close", "Back", id="approvals.close")
APPROVALS_BINDINGS: list[BindingType] = [
    Binding("a", "approve", "Approve", id="approvals.approve"),
    Binding("c", "request_changes", "Request changes", id="approvals.request_changes"),
    Binding("w", "withdraw", "Withdraw approval", id="approvals.withdraw"),
    CLOSE,
]
#: A guest's app is this view alone: the key that closes it leaves the app, and says so.
GUEST_CLOSE = replace(CLOSE, description="Quit")
GUEST_APPROVALS_BINDINGS: list[BindingType] = [GUEST_CLOSE if b is CLOSE else b for b in APPROVALS_BINDINGS]
#: The WHY of a post approved with my approval, not published yet (after its state: paused, say, where the view's
#: STATE column gives way at 80 columns and a guest's never shows), what `w` may still take back.
WITHDRAWABLE = "your approval among them: yours may be withdrawn until it is published"
#: SLOT's place among ``POST_COLUMNS``.
SLOT_COLUMN = 1
#: Posts read first: a screenful, whatever its height.
FIRST = 64
#: Posts read per window after the first screen is drawn.
WINDOW = 500


class ApprovalsScreen(Screen[None]):
    """Posts waiting for review.

    | key | action |
    |---|---|
    | `a` | approve the step that is yours |
    | `c` | request changes, with a note |
    | `w` | withdraw my approval (of a post still in review, or approved by me and not yet published) |
    | `enter` | the post in full, with its history |
    | `tab` | the copy under the list, to scroll it (`shift+tab`: back to the list) |
    | `escape` `q` | back (a guest's app: quit) |
    """

    BINDINGS: ClassVar[list[BindingType]] = APPROVALS_BINDINGS

    DEFAULT_CSS = """
    ApprovalsScreen PostTable { height: 1fr; }
    ApprovalsScreen #approvals-copy-box { height: auto; max-height: 40%; border-top: solid $panel-lighten-2; }
    ApprovalsScreen #approvals-copy { height: auto; padding: 0 1; }
    """

    class Read(Message):
        def __init__(
            self, mine: list[PostView], others: list[PostView], done: bool, generation: int, names: Mapping[str, str], of_none: bool = False
        ) -> None:
            super().__init__()
            self.mine = mine
            self.others = others
            self.done = done
            self.generation = generation
            #: Member id -> handle as shown ("ex-@raj" for a removed member), for whom each post waits (read with the posts:
            #: a guest's app reads no members else).
            self.names = names
            #: A guest of no campaign, for whom nothing will wait here.
            self.of_none = of_none

    def __init__(self, services: Services, first: Read | None = None, crises: list[OpenCrisis] | None = None) -> None:
        """``first``: the first window, read before the screen was made (``open_approvals``); ``crises``: the banner's."""
        super().__init__()
        self.services = services
        if services.session.me.access == "guest":
            bound = self._bindings.key_to_bindings
            for key, bindings in bound.items():
                bound[key] = [replace(b, description=GUEST_CLOSE.description) if b.id == CLOSE.id else b for b in bindings]
        self._first = first
        self._crises = crises
        self.mine: list[PostView] = []
        self.others: list[PostView] = []
        self.done = False
        self.generation = 0
        #: The post under the cursor, once read, and why the rules refuse me each verdict on it (None: the key is offered).
        self.offered: tuple[str, dict[str, str | None]] | None = None
        #: The reads of the post under the cursor: an answer from before a verdict, come back last, is not shown.
        self._reviews = Latest(self, group="approvals-review")
        #: A verdict's key pressed before the post under the cursor was read (``read_before``): that post, as a notice
        #: names it, and the keys held from it on, sent on once it is read.
        self._verdict_kept: tuple[str, str, HeldRead] | None = None
        #: The post whose copy is shown under the list.
        self._shown: str | None = None
        #: The post under the cursor and its copy as last read, shown under the list (again after a resize).
        self._review_read: tuple[str, CopyReview] | None = None

    def compose(self) -> ComposeResult:
        yield CrisisBanner(self.services, known=self._crises, id="approvals-crisis-banner")
        yield PaneBar(id="approvals-bar")
        yield PostTable(POST_COLUMNS, id="approvals-table")
        # Scrolled, with its scrollbar, when the copy is longer than the room under the list: cut off, a post read
        # whole (nothing said it went on) was approved by a client who had read part of it.
        with VerticalScroll(id="approvals-copy-box"):
            yield Static("", id="approvals-copy")
        yield KeyFooter()

    @property
    def table(self) -> PostTable:
        return self.query_one(PostTable)

    def on_mount(self) -> None:
        self.query_one(PaneBar).title = "Approvals"
        self.table.focus()
        if self._first is None:
            self.reload()
        else:
            self.generation = self._first.generation
            self.on_approvals_screen_read(self._first)

    def reload(self) -> None:
        self.generation += 1
        self._read(self.generation)

    def store_changed(self, ops: list[Op]) -> None:
        # The workspace's chain is the chain of every post in no campaign, and its lead time decides what expired.
        if any(op.entity in ("task", "post_approval", "campaign", "member", "crisis", "crisis_end", "workspace") for op in ops):
            self.reload()

    @background(exclusive=True, group="approvals-read")
    def _read(self, generation: int) -> None:
        """The first window of posts; the rest are read once it is on the screen (``_read_rest``)."""
        self.post_message(first_window(self.services, generation))

    # A group of its own: started once the first window is drawn, maybe after a change asked for the list again, it
    # would cancel that read before it ran, and its own answer is dropped as older.
    @background(exclusive=True, group="approvals-rest")
    def _read_rest(self, generation: int, mine: list[PostView], others: list[PostView], names: Mapping[str, str]) -> None:
        rest = self.services.session.access.read(lambda ws: waiting_ids(ws.conn, FIRST))
        for start in range(0, len(rest), WINDOW):
            found_mine, found_others = self._window_of(rest[start : start + WINDOW])
            mine = [*mine, *found_mine]
            others = [*others, *found_others]
        self.post_message(self.Read(mine, others, True, generation, names))

    def _window_of(self, ids: list[str]) -> tuple[list[PostView], list[PostView]]:
        return window_of(self.services, ids)

    def on_approvals_screen_read(self, message: Read) -> None:
        if message.generation != self.generation:
            return
        # Oldest slot first: scheduled posts back in review are read after the others (``waiting_ids``).
        self.mine, self.others, self.done = by_slot(message.mine), by_slot(message.others), message.done
        table = self.table
        key = table.cursor_row.id if table.cursor_row else None
        posts = [*self.mine, *self.others]
        cursor = next((i for i, p in enumerate(posts) if p.id == key), min(table.cursor, max(0, len(posts) - 1)))
        now = self.services.now()
        names = message.names
        rows = [post_line(p, self.services, now, "needs you: " + p.round.describe(names)) for p in self.mine]
        me = self.services.session.me.id
        rows += [
            post_line(p, self.services, now, f"{label(p.state)}, {WITHDRAWABLE}" if approved_by(p, me) else p.round.describe(names))
            for p in self.others
        ]
        table.reset(len(rows), cursor, (0, rows))
        counting = "" if self.done else " (counting…)"
        mine_approved = sum(approved_by(p, me) for p in self.others)
        # A round waiting on a step only its authors may take waits on nobody: counted apart, its WHY says so.
        stuck = sum(p.round.stuck for p in self.others)
        self.query_one(PaneBar).info = (
            f"{len(self.mine):,} need you",
            f"{len(self.others) - mine_approved - stuck:,} waiting on others{counting}",
            *((f"{stuck:,} nobody can take",) if stuck else ()),
            *((f"{mine_approved:,} approved by you, not out yet",) if mine_approved else ()),
        )
        if not rows:
            # A client given no campaign yet read it as if their posts were all reviewed.
            why = ": you are a guest of no campaign yet (a manager names yours)." if message.of_none else "."
            self.query_one("#approvals-copy", Static).update(f"Nothing waits for review{why}")
        if not message.done:  # once this screen is drawn, not competing with it for the GIL
            self.call_after_refresh(self.call_after_refresh, self._read_rest, message.generation, message.mine, message.others, names)

    @on(PostTable.WindowNeeded)
    def _window(self, message: PostTable.WindowNeeded) -> None:
        # Every row was made when the list came: nothing is fetched here.
        message.stop()

    @on(PostTable.PostSelected)
    def _selected(self, message: PostTable.PostSelected) -> None:
        kept = self._verdict_kept
        if kept is not None and kept[0] != message.post_id:
            # Clicked away, or the post left the list: a verdict on the post now under the cursor was never asked for.
            self._verdict_kept = None
            kept[2].drop(f"the cursor left {kept[1]} first", ())
        if message.post_id is not None:
            self._review(message.post_id)

    def _review(self, post_id: str) -> None:
        """Read the post's copy and the verdicts ("approve", "reject") the rules let me give on it now."""
        me = self.services.session.me
        now = self.services.now()

        def read(ws: Workspace) -> tuple[CopyReview, dict[str, str | None]]:
            refusals = {v: verdict_refusal(ws.store, me.facts(), post_id, now, v) for v in VERDICTS}
            return copy_review(ws.conn, post_id, me.id), refusals

        self._reviews.read(lambda: self.services.session.access.read(read), lambda found: self._reviewed(post_id, *found))

    def on_unmount(self) -> None:
        kept, self._verdict_kept = self._verdict_kept, None
        if kept is not None:
            # Closed by the mouse (a key typed would have waited behind it): it waited for a read no view would show,
            # until it was dropped as taking too long.
            kept[2].drop("the Approvals view closed first", ())

    def _reviewed(self, post_id: str, review: CopyReview, verdicts: dict[str, str | None]) -> None:
        if not self.is_attached:
            return  # closed while the post was read: its list is gone ("NoMatches: No nodes match 'PostTable'")
        row = self.table.cursor_row
        if row is None or row.id != post_id:
            return
        self.offered = (post_id, verdicts)
        self.refresh_bindings()
        self._review_read = (post_id, review)
        self._show_review()
        kept = self._verdict_kept
        if kept is not None and kept[0] == post_id:
            # Pressed before this read: it acts now, on the copy just shown, as if pressed now (or says why not).
            self._verdict_kept = None
            kept[2].send_on()

    def on_resize(self) -> None:
        # Once the list is laid out at the new width: the slot's line under it comes and goes with its SLOT column.
        self.call_after_refresh(self._show_review)

    def _show_review(self) -> None:
        """The post under the cursor, under the list, as last read."""
        row = self.table.cursor_row
        if self._review_read is None or row is None or row.id != self._review_read[0]:
            return
        post_id, review = self._review_read
        lines = Lines()
        # The title and WHY, whole: their columns are cut on a narrow screen, and two titles may differ at their end.
        lines.add((row.cells[-2], "bold"))
        lines.add((row.cells[-1], "italic"))
        if not self._slot_listed():
            # Below 37 columns (a phone's) SLOT is left out, and a guest approved a post not knowing when it goes out.
            lines.add(self._slot_line(post_id))
        if review.besides:
            # First: what a reviewer asked for may be a picture or a link, and the copy alone would read unchanged.
            lines.add(("Changed since you last saw it: " + ", ".join(f"the {c.name}" for c in review.besides), "bold"))
            for change in review.besides:
                for mark, parts in (("-", change.seen), ("+", change.now)):
                    for part in parts:
                        lines.add((f"{mark} {change.name}: {part}", {"+": "green", "-": "red strike"}[mark]))
        if review.seen is None:
            lines.add(("The copy (you have not reviewed it before):", "bold"))
            lines.block(review.copy)
        elif not review.changed:
            lines.add(("The copy, unchanged since you last saw it:", "bold"))
            lines.block(review.copy)
        else:
            lines.add(("What changed since you last saw it:", "bold"))
            for mark, text in review.diff:
                lines.add((f"{mark} {text}", {"+": "green", "-": "red strike"}.get(mark, "")))
        # What the approval covers with the copy, as the post's detail shows it: the part that changed is said above.
        content_besides_copy(lines, review.content, leave={change.field for change in review.besides})
        self.query_one("#approvals-copy", Static).update(lines.content())
        if self._shown != post_id:  # another post's copy is read from its start
            self._shown = post_id
            self.query_one("#approvals-copy-box", VerticalScroll).scroll_home(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A verdict's key is offered on the post under the cursor when the rules take it from me (``offers``).
        verdict = VERDICT_OF.get(action)
        if verdict is None:
            return True
        row = self.table.cursor_row
        return row is not None and self.offered is not None and self.offered[0] == row.id and self.offered[1][verdict] is None

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a verdict's key does nothing on the post under the cursor, in the rules' words, said when it is pressed
        (``hidden_keys``); nothing while the rules are still being asked."""
        verdict = VERDICT_OF.get(action)
        row = self.table.cursor_row
        if verdict is None or row is None or self.offered is None or self.offered[0] != row.id:
            return None
        return self.offered[1][verdict]

    def read_before(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """A verdict's key on the post under the cursor waits for the post to be read (``hidden_keys.KeepsEarlyKeys``):
        pressed as the view opened or the cursor landed, it did nothing and said nothing."""
        row = self.table.cursor_row
        if action not in VERDICT_OF or row is None or (self.offered is not None and self.offered[0] == row.id):
            return None
        return VERDICTS_READ

    def keep_until_read(self, action: str, parameters: tuple[object, ...], held: HeldRead) -> None:
        row = self.table.cursor_row
        if row is None:
            held.send_on()  # nothing under the cursor any more: the key goes on, to do nothing there
            return
        self._verdict_kept = (row.id, self._post_name(row.id), held)

    def _current(self) -> PostLine | None:
        row = self.table.cursor_row
        if row is None:
            self.app.bell()
        return row

    def _post(self, post_id: str) -> PostView | None:
        return next((p for p in (*self.mine, *self.others) if p.id == post_id), None)

    def _post_name(self, post_id: str) -> str:
        """The post as a notice names it."""
        post = self._post(post_id)
        return named_post(post.facts.title if post is not None else None, post_id)

    def _slot_listed(self) -> bool:
        """Whether the list has room for its SLOT column."""
        table = self.table
        return table.widths(table.scrollable_content_region.width, table.widest_on_screen())[SLOT_COLUMN] > 0

    def _slot_line(self, post_id: str) -> str:
        """The post's slot as the line under the list says it: in my time, the zone named (a city where its abbreviation
        is shared)."""
        post = self._post(post_id)
        slot = post.facts.slot if post is not None else None
        if slot is None:
            return "No slot yet."
        services = self.services
        when = format_local(slot, services.viewer_tz, services.now(), clock24=services.config.clock24)
        return f"Slot: {when}, your time"

    def _withdraw_verdicts(self, post_id: str) -> None:
        """A verdict on the post is given: its keys are not offered again until the post is read after it (a review
        read already under way, come back before the verdict is written, would offer them again)."""
        self._reviews.outdate()
        if self.offered is not None and self.offered[0] == post_id:
            self.offered = None
            self.refresh_bindings()

    def action_approve(self) -> None:
        # Of the content shown under the list (the key is offered once it is read), not of a copy written since.
        read = self._review_read

        def approve(s: Store, me: str, post_id: str, now: dt.datetime) -> PostView:
            return writing.approve(s, me, post_id, now, shown=read[1].digest if read is not None and read[0] == post_id else None)

        # A step the approval leaves to nobody: warned of, as `post approve` warns of it.
        self._verdict_now("approved {}", approve, warn=True)

    def _verdict_now(self, said: str, write: Callable[[Store, str, str, dt.datetime], object], *, warn: bool = False) -> None:
        """Write a verdict (an approval, a withdrawal) on the post under the cursor, its keys taken off at once: pressed
        again before the write, an approval would be written twice, a withdrawal refused as nothing to withdraw."""
        row = self._current()
        if row is not None:
            post_id = row.id
            self._withdraw_verdicts(post_id)

            def work(s: Store, me: str, now: dt.datetime) -> object:
                return write(s, me, post_id, now)

            done: Move = work
            note = None
            if warn:
                done, note = watching_reviewers(post_id, work)
            run_move(
                self,
                self.services,
                said.format(self._post_name(post_id)),
                done,
                self.reload,
                # Written or refused, the verdicts the post awaits from me now: a refused one is not left hidden.
                settled=lambda: self._review(post_id),
                note=note,
            )

    def action_request_changes(self) -> None:
        row = self._current()
        if row is None:
            return
        post_id = row.id

        def decided() -> None:
            self._withdraw_verdicts(post_id)
            self.reload()

        def submit(note: str) -> None:
            # In the dialog's worker: a refused note keeps the dialog open with the text and why.
            write_move(
                self,
                self.services,
                f"requested changes on {self._post_name(post_id)}",
                lambda s, me, now: writing.reject(s, me, post_id, now, note),
                decided,
            )

        # Named: the list under the dialog follows others' changes, and the post under its cursor may be another by then.
        name = self._post_name(post_id)
        draft_for = DraftFor(f"changes:{post_id}", f"your note on {name}")
        self.app.push_screen(
            PromptScreen(f"Request changes on {name} — the author sees your note", "what to change", submit=submit, draft_for=draft_for)
        )

    def action_withdraw(self) -> None:
        self._verdict_now("withdrew your approval of {}", writing.withdraw)

    @on(PostTable.PostActivated)
    def _open(self, message: PostTable.PostActivated) -> None:
        self.app.push_screen(DetailScreen(message.post_id, self.services))

    def action_close(self) -> None:
        # A guest's app is this view alone: closing it is leaving.
        if self.services.session.me.access == "guest":
            self.app.exit()
        else:
            self.dismiss(None)


def window_of(services: Services, ids: list[str]) -> tuple[list[PostView], list[PostView]]:
    """Of these posts: those that need me, and the others in review."""
    me = services.session.me.id
    now = services.now()

    def read(ws: Workspace) -> tuple[list[PostView], list[PostView]]:
        # A guest's: the posts of their campaigns (``read_scope``, as their commands read them).
        scope = read_scope(ws.conn, services.session.me)
        posts = [p for p in read_posts(ws.conn, now, ids) if scope.reads_post(p.facts.campaign, p.facts.stored)]
        needs = needing(ws.conn, me, posts, services.session.actor)
        chosen = {p.id for p in needs}
        # Approved by me and not out yet: listed with the others, where `w` withdraws my approval (a client who approved
        # the last step by mistake saw the post leave the view, their app, with no way back to it).
        return needs, [p for p in posts if p.id not in chosen and (p.state == "in-review" or approved_by(p, me))]

    return services.session.access.read(read)


def approved_by(post: PostView, member: str) -> bool:
    """Whether the post reads approved (scheduled, paused, missed: a resume lets it out) and an approval of ``member``'s
    counts in its round."""
    return post.state in ("approved", "scheduled", "paused", "missed") and post.round.step_approved_by(member) is not None


def by_slot(posts: list[PostView]) -> list[PostView]:
    """Oldest slot first, posts with no slot last (as ``waiting_ids`` orders each kind)."""
    return sorted(posts, key=lambda p: (p.facts.slot is None, p.facts.slot.timestamp() if p.facts.slot else 0.0, p.id))


def first_window(services: Services, generation: int = 1) -> ApprovalsScreen.Read:
    """The first screenful of the view (call from a worker)."""
    me = services.session.me

    def read(ws: Workspace) -> tuple[list[str], Mapping[str, str], bool]:
        return waiting_ids(ws.conn, 0, FIRST + 1), ws.shown_handles(), read_scope(ws.conn, me).campaigns == frozenset()

    ids, names, of_none = services.session.access.read(read)
    mine, others = window_of(services, ids[:FIRST])
    return ApprovalsScreen.Read(mine, others, len(ids) <= FIRST, generation, names, of_none)


def open_approvals(node: DOMNode, services: Services) -> None:
    """Read the first window in a worker, then show the view with it: its first paint has its rows."""
    app = node.app

    def read() -> None:
        first = first_window(services)
        app.call_from_thread(show, first)

    def show(first: ApprovalsScreen.Read) -> None:
        if not isinstance(app.screen, ApprovalsScreen):
            banners = app.query(CrisisBanner)
            app.push_screen(ApprovalsScreen(services, first, banners.first().crises if banners else None))

    in_background(node, read, name="open_approvals", group="approvals-open", exclusive=True)
