"""One task in full: its fields, its due date in everyone's zone, why it ranks
where it does, what it waits for, and its history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.postround import content_hash_of
from crewdeck.sync.state.rules import task_change_refused
from crewdeck.tui.app.drafts import DraftFor
from crewdeck.tui.app.keys_ahead import HoldsKeys
from crewdeck.tui.app.lines import Lines
from crewdeck.tui.app.post_content import content_besides_copy
from crewdeck.tui.app.post_keys import POST_BINDINGS, state_refusal, where_move
from crewdeck.tui.app.screens.gone import gone_line, show_gone
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.screens.scrolling import scroll_bindings, scroll_column
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.triage import TRIAGE_BINDINGS, Triage
from crewdeck.tui.app.workers import Latest, in_background, refusal
from crewdeck.tui.posts.reading import read_post
from crewdeck.tui.posts.states import VERDICTS
from crewdeck.tui.session.detail import TaskDetail
from crewdeck.tui.session.reading import NOT_THEIRS
from crewdeck.tui.session.writing import Written
from crewdeck.tui.tasks.edits import EDITABLE, task_values
from crewdeck.tui.tasks.urgency import score
from crewdeck.tui.tasks.view import detail_fields, due_lines
from crewdeck.tui.time.when import format_local
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from crewdeck.tui.posts.offers import PostMoves


class DetailScreen(Screen[None]):
    """A task's detail; the triage keys act on it.

    | key | action |
    |---|---|
    | `escape` `q` | back to the list |
    | `:` | set any field (`title=...`, `tags+=x`, `estimate=2h`) |
    | triage keys | as in the list: `s d A p D h c t r m u e y` |
    | `S` `Y` `N` `W` `L` `P` | a post: submit, approve, request changes, withdraw my approval, schedule, pull |
    | `j` `k` `g` `G` (and the arrow and page keys) | scroll |

    Each key is offered where the rules let me use it (``may``): a guest
    (a client approver) has the verdicts their steps take, and copying.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="detail.close"),
        # Shown: on a post they are what its reviewers came for (a guest's only keys).
        *(replace(binding, show=True) for binding in POST_BINDINGS if isinstance(binding, Binding)),
        Binding("colon", "set_field", "Set field", id="detail.set_field"),
        *TRIAGE_BINDINGS,
        # The history runs past the screen at 80x24: ? said no key that reached it, and j and k, which move every
        # list of the app, did nothing here (the arrows scrolled, unsaid).
        *scroll_bindings("detail"),
    ]

    DEFAULT_CSS = """
    DetailScreen VerticalScroll { padding: 1 2; }
    DetailScreen .detail--title { text-style: bold; color: $accent; }
    DetailScreen .detail--section { margin-top: 1; text-style: bold; color: $foreground-muted; }
    DetailScreen Static { height: auto; }
    """

    def __init__(self, task_id: str, services: Services) -> None:
        super().__init__()
        self.task_id = task_id
        self.services = services
        #: The triage keys act on this task.
        self.triage = Triage(self, services, lambda: [self.task_id], services.written, self._title_of)
        #: Set once loaded, for a post: its moves and why each is refused to me.
        self.moves: PostMoves | None = None
        #: Whether the rules let me change tasks and posts (guests do not).
        self.may_edit = task_change_refused(services.session.me.facts()) is None
        #: The reads of the task.
        self._reads = Latest(self, group="detail")
        #: The task as last read (``None`` until the first read comes back).
        self.shown: TaskDetail | None = None
        #: Why the task is read no more (the operations that made it were refused or removed; a guest's post moved out of
        #: their campaigns), or ``None``: what was last read stays, marked so.
        self.gone: str | None = None

    def _title_of(self, task_id: str) -> str | None:
        return self.shown.title if self.shown is not None and task_id == self.task_id else None

    def _named(self) -> str:
        """The task as a draft of a change to it names it: 05d2188d “Brief”."""
        title = self._title_of(self.task_id)
        return short(self.task_id) + ("" if title is None else f" “{title}”")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="detail-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    def action_scroll(self, how: str) -> None:
        scroll_column(self.query_one(VerticalScroll), how)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("close", "scroll"):
            return True
        if not self._changeable() and action in ("post", "set_field"):
            return False
        if action == "post":
            return self.moves is not None and self.moves.refusals[str(parameters[0])] is None
        if action == "triage":
            return self._may_triage(str(parameters[0]))
        if action == "set_field":
            return self.may_edit
        return True

    def hidden_because(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a post key hidden here is, said when it is pressed (``hidden_keys``): the move's refusal on a post (one its
        state has not, in the task list's words), and on a task that is none where the keys act.  A task gone or deleted
        says why under its title already."""
        if action != "post" or not self._changeable():
            return None
        move = str(parameters[0])
        if not self.may_edit and move not in VERDICTS:
            # A guest: a move that changes the post is never theirs (their footer and `?` list none), and they are told
            # nothing of keys they never have, as the app's own keys tell them nothing.
            return None
        if self.moves is not None:
            return state_refusal(move, self.moves.post.state) or self.moves.refusals[move]
        if self.shown is not None and self.shown.post_state is None:
            return where_move(move)
        return None

    def _may_triage(self, key: str) -> bool:
        """A triage key is a task edit the rules refuse guests (their verdicts are the post keys); copying reads;
        on a post, ``s`` and ``d`` are its moves."""
        if key == "copy":
            return self.gone is None
        if not self.may_edit:
            return False
        if key in ("undo", "redo"):
            return True  # my last action anywhere in the app, not this task's
        if not self._changeable():
            return False
        if self.moves is not None and key == "cycle_status":
            return bool(self.moves.offered)
        if self.moves is not None and key == "done":
            return self.moves.refusals["publish"] is None
        return self.may_edit

    def _changeable(self) -> bool:
        """A deleted or gone task is read, not changed: its keys would only be refused."""
        return self.gone is None and (self.shown is None or not self.shown.record["deleted"])

    def action_triage(self, key: str) -> None:
        self.triage.run(key)

    def action_post(self, move: str) -> None:
        if move in ("approve", "withdraw"):
            self._withdraw_verdicts()  # at once: `Y` again before the detail is read after the approval would write it again
        # Written or refused, the post as it is now: a refused move does not leave its keys as they were read before.
        # A request for changes is written from its dialog: its keys go once it is, and the post is read after it.
        # An approval is of the content shown here, not of a copy written since that the screen has not caught up with.
        shown = content_hash_of(self.shown.record) if move == "approve" and self.shown is not None else None
        self.triage.posts.run(move, settled=self.load, written=self._verdict_written, shown_hash=shown)

    def _withdraw_verdicts(self) -> None:
        """A verdict on the post is given: its keys are not offered again until the post is read after it (a read
        already under way would bring the post's moves back as they were, `Y` and `N` among them)."""
        self._reads.outdate()
        if self.moves is not None:
            self.moves = replace(self.moves, refusals={**self.moves.refusals, **dict.fromkeys(VERDICTS, "your verdict is on its way")})
            self.refresh_bindings()

    def _verdict_written(self) -> None:
        self._withdraw_verdicts()
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_set_field(self, typed: str = "") -> None:
        """``:``, the prompt opening with ``typed`` (what was typed before the question of which instances, left)."""
        # Whether the answer was written already is settled when it is written, in the dialog's worker: the detail
        # reloads after that write, and asking again at the close would find the series just made and ask which
        # instances a rule that has now been set should change.
        written = False
        #: What the change would void, asked once the dialog is closed ("" for nothing).
        voids = ""
        #: Sends on the keys typed with the answer's ``enter``, held for the question of what it voids (``HoldsKeys``).
        held: Callable[[], None] | None = None

        def set_now(text: str) -> None:
            """The dialog's answer, in its worker: written there, so that a refused one keeps the dialog open with
            the text. One that must first ask which instances, or whether to void the post's round, is written once
            that is answered (after the close), read here all the same: a bad value is said in the dialog, not after
            the question."""
            nonlocal written, voids, held
            voids = self._voids(text) if text else ""
            if text and not voids and not self._asks_which(text):
                self.triage.write("set", [self.task_id], self._assignment(text, False))
                written = True
            elif voids:
                # Judged by the rules too, nothing written: refused, it is said here with the text, as a change that
                # voids nothing is; it was asked about first, and only a notice said the refusal after the `y`.
                self.services.session.edits.judge_assignments(self.task_id, [text], self.services.now())
                # The keys typed with its `enter` wait for the question, which sets them aside and says so: sent on
                # as the dialog closed, the first went to the detail under it before it was up (a `j` scrolled it).
                app = self.app
                if isinstance(app, HoldsKeys):
                    held = app.call_from_thread(app.keys_wait_for_dialog, "the change was checked")
            elif text:
                self.services.session.edits.check_assignments(self.task_id, [text], self.services.now())

        def closed(text: str | None) -> None:
            if text and voids:
                self._ask_void_then_set(voids, text)
            elif text and not written:
                self._ask_which_then_set(text)
            if held is not None:
                # Behind the question's push, and behind the keys the dialog's close sent on (this runs in the detail's
                # queue, they in the app's): at once, those still queued went to the question after the ones it sent.
                self.app.call_later(held)

        self.app.push_screen(
            PromptScreen(
                "Set a field",
                f"FIELD=VALUE — {', '.join(EDITABLE)}; tags+=x, tags-=x; every=weekday 09:00, every=none",
                value=typed,
                submit=set_now,
                editing=bool(typed),
                saved="",  # what was typed before the question is unsaved still: escape asks before dropping it
                draft_for=DraftFor(f"set:{self.task_id}", f"your change to {self._named()}"),
            ),
            closed,
        )

    def _asks_which(self, text: str) -> bool:
        """A recurring task's change asks: this one, or it and the later ones; ending the series does not.

        In the dialog's worker, of the task as stored: the detail's own read may not have come back yet (an answer
        typed ahead), and a change answered then was written to this instance alone, without asking."""
        if text.strip().replace(" ", "").lower() in ("every=none", "every=-", "every="):
            return False
        record = self.services.session.reads.task(self.task_id)
        return bool(record["series"] and record["recurrence"])

    def _voids(self, text: str) -> str:
        """In the dialog's worker: what ``text`` would void, asked before it is written (``voiding.change_voids``), as a
        change of the post's copy asks before its editor opens: ``campaign=`` and ``platform=`` took the approvals
        given on a post unasked.  A series' rule changes no post's round."""
        if text.strip().lower().startswith("every="):
            return ""
        from crewdeck.tui.posts.voiding import change_voids  # the posts' rules: read for a change, not for the first paint

        services, me, now = self.services, self.services.session.me, self.services.now()

        def read(ws: Workspace) -> str:
            values = task_values(ws, self.task_id, [text], me, now, services.config.clock24)
            return change_voids(ws.store, me.id, [("task", self.task_id, values)], now)

        return services.session.access.read(read)

    def _ask_void_then_set(self, voids: str, text: str) -> None:
        """The question ``voids`` asks; ``y`` writes ``text``, escape goes back to the change as typed."""
        name = text.split("=", 1)[0].strip()

        def chosen(answer: str | None) -> None:
            question.say_set_aside(f"the {name} change's question")
            if answer == "yes":
                in_background(self, partial(self._set_asked, text), name="set_asked", group="write")
            elif self.is_current:
                self.action_set_field(text)

        question = PickerScreen(voids, [Choice("yes", f"set the {name} all the same", "y")], asked_ahead=True)
        self.app.push_screen(question, chosen)

    def _set_asked(self, text: str) -> None:
        """In a worker: ``text``, asked about, written; refused (a teammate's change since it was judged), the reason
        said and the change back in its editor as typed, where the text was gone."""
        try:
            self.triage.write("set", [self.task_id], self._assignment(text, False))
        except Exception as exc:
            why = refusal(exc)
            if why is None:
                raise  # a bug: reported as any worker's error is
            self.app.call_from_thread(self._refused_after_asked, text, why)

    def _refused_after_asked(self, text: str, why: str) -> None:
        self.app.notify(why, severity="error", timeout=6)
        if self.is_current:
            self.action_set_field(text)

    def _ask_which_then_set(self, text: str) -> None:
        choices = [Choice("this", "this one", "t"), Choice("future", "this and all future ones", "a")]

        def chosen(which: str | None) -> None:
            if which:
                self.triage.run_write("set", [self.task_id], self._assignment(text, which == "future"))
            elif self.is_current:
                # Escape on the question: back to the change as typed, to fix or leave (it was dropped, unsaid).
                self.action_set_field(text)

        self.app.push_screen(PickerScreen("A recurring task: change", choices), chosen)

    def _assignment(self, text: str, future: bool) -> Callable[[list[str]], Written]:
        now = self.services.now()
        edits = self.services.session.edits
        return lambda ids: edits.set_assignments(ids[0], [text], now, future=future)

    def load(self) -> None:
        """Read the task again (after a change to it, here or elsewhere)."""
        self._reads.read(self._read, self._show)

    def _read(self) -> tuple[TaskDetail, PostMoves | None] | str:
        services = self.services
        now = services.now()
        detail = services.session.reads.detail_if_kept(self.task_id, now, services.config.clock24)
        if isinstance(detail, str):
            return detail
        moves = None
        if detail.post_state is not None:
            from crewdeck.tui.posts.offers import post_moves  # the posts' rules: read for a post, not for the app's first paint

            me = services.session.me.facts()

            def read(ws: Workspace) -> PostMoves | None:
                post = read_post(ws.conn, self.task_id, now)
                return None if post is None else post_moves(ws.store, me, post, now)

            moves = services.session.access.read(read)
        return detail, moves

    def _show(self, read: tuple[TaskDetail, PostMoves | None] | str) -> None:
        if isinstance(read, str):
            self._show_gone(read)
            return
        detail, moves = read
        self.moves, self.shown, self.gone = moves, detail, None
        self.query_one("#detail-body", Static).update(self.render_detail(detail))
        self.refresh_bindings()

    def _show_gone(self, why: str) -> None:
        """The task is read no more (``why``): said once, and what was last read stays, marked gone; a guest's post that
        left their campaigns keeps nothing of it, as their Approvals view keeps it no more."""
        if self.gone is not None:
            return
        self.gone, self.moves = why, None
        named = f"task {short(self.task_id)}" + ("" if self.shown is None else f" “{self.shown.title}”")
        if why == NOT_THEIRS:
            self.shown = None
        show_gone(self.query_one("#detail-body", Static), named, why, None if self.shown is None else self.render_detail(self.shown))

    def _banner(self, doc: Lines, d: TaskDetail | None = None) -> Lines:
        """The line under the title of a task that was deleted, or is gone: why no key here changes it."""
        if self.gone is not None:
            return gone_line(doc, self.gone, kept=True)
        if d is None or not d.record["deleted"]:
            return doc
        services = self.services
        deletion = next((change for change in reversed(d.history) if change.values.get("deleted") is True), None)
        if deletion is None:
            return doc.add(("deleted", "bold $warning"), "  nothing here changes it")
        when = format_local(deletion.at, services.viewer_tz, services.now(), clock24=services.config.clock24)
        return doc.add(("deleted", "bold $warning"), f"  {deletion.sentence}, {when}; nothing here changes it")

    def render_detail(self, d: TaskDetail) -> Content:
        services = self.services
        now = services.now()
        clock24 = services.config.clock24
        tz = services.viewer_tz
        r = d.record
        doc = self._banner(Lines().add((d.title, "bold"), "  ", (short(d.id), "dim")), d).add()
        for name, value in detail_fields(d, tz, now, clock24):
            if name == "repeats":
                value += f" — `{said_key(self.app, self.BINDINGS, 'detail.set_field')}` every=... changes it, every=none ends it"
            doc.add((f"{name:>13}", "dim"), "  ", value)
        for name in ("due", "publish"):
            lines = due_lines(d, services.session.me, now, clock24, name)
            if lines:
                doc.add().add(("Due" if name == "due" else "Publish slot", "bold"))
                for line in lines:
                    doc.add(f"  {line}")
        if d.depends_on or d.blocking:
            doc.add().add(("Dependencies", "bold"))
            for i, t, s in d.depends_on:
                doc.add(f"  waits for {short(i)} {t}" + (f" ({s})" if s else ""))
            for i, t, s in d.blocking:
                doc.add(f"  blocks    {short(i)} {t} ({s})")
        if not d.guest:
            doc.add().add((f"Urgency {score(d.urgency):.1f}", "bold"))
            for term in d.urgency:
                doc.add(f"  {term.points:+5.1f}  {term.name:<10} {term.why}")
        if d.post_state is not None:
            doc.add().add(("Copy", "bold")).block(r["copy"] or "(none yet)")
            content_besides_copy(doc, r)
        if r["notes"]:
            doc.add().add(("Notes", "bold")).block(r["notes"])
        doc.add().add(("History", "bold"), " ", (f"(times in {tz})", "dim"))
        for at, sentence in d.told()[:200]:
            doc.add("  ", (format_local(at, tz, now, clock24=clock24), "dim"), f"  {sentence}")
        return doc.content()
