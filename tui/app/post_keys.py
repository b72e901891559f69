"""The posts' keys on a task list or a task's detail: for a post, its state replaces the task's status.

``s`` offers the moves the post's state allows that the rules let me make
(``crewdeck.tui.posts.offers``; resuming a missed post asks for its new slot),
``d`` publishes (only from approved or scheduled), and one key each
submits, approves, requests changes, schedules and pulls.  A move the
state or the rules refuse is shown as its one line, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from crewdeck.tui.app.drafts import DraftFor
from crewdeck.tui.app.keys_ahead import HoldsKeys
from crewdeck.tui.app.screens.help import said_key
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.screens.prompt import PromptScreen
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.posts.named import named_post
from crewdeck.tui.posts.reading import PostView, post_content, read_post, state_words
from crewdeck.tui.posts.states import MOVES, being, label
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Workspace

if TYPE_CHECKING:
    import datetime as dt

    from crewdeck.sync.state.store import Store
    from crewdeck.tui.posts.offers import PostMoves

POST_BINDINGS: list[BindingType] = [
    Binding("S", "post('submit')", "Submit post", show=False, id="post.submit"),
    Binding("Y", "post('approve')", "Approve post", show=False, id="post.approve"),
    Binding("N", "post('reject')", "Request changes", show=False, id="post.reject"),
    Binding("W", "post('withdraw')", "Withdraw approval", show=False, id="post.withdraw"),
    Binding("L", "post('schedule')", "Schedule post", show=False, id="post.schedule"),
    Binding("P", "post('pull')", "Pull post", show=False, id="post.pull"),
]
#: Where a post key acts, said when it is pressed where it does not (``where_move``): those whose states say it less well.
_WHERE = {
    "withdraw": "only on a post you approved, until it is published or pulled",
    "pull": "only on a post not yet published or pulled",
}


def where_move(move: str) -> str:
    """Where the key of ``move`` acts, by the states that allow it (``MOVES``): "only on a post in review"."""
    if move in _WHERE:
        return _WHERE[move]
    states = [label(state) for state, moves in MOVES.items() if move in moves]
    if states == ["in review"]:
        return "only on a post in review"
    listed = states[0] if len(states) == 1 else f"{', '.join(states[:-1])} or {states[-1]}"
    return f"only on a post whose state is {listed}"


def state_refusal(move: str, state: str) -> str | None:
    """Why the key of ``move`` does not act on a post in ``state``, which has no such move, in the words the task list
    and a post's detail both say it ("… only on a post whose state is approved, and this one is in review"); None where
    the state has the move."""
    return None if move in MOVES[state] else f"{where_move(move)}, and this one is {being(state)}"


#: What a move did, as its notice says it ("submitted “Launch reel”").
DONE = {
    "submit": "submitted",
    "approve": "approved",
    "withdraw": "withdrew your approval of",
    "schedule": "scheduled",
    "publish": "published",
    "pull": "pulled",
    "resume": "resumed",
}
#: The post's content besides its copy, each set by a choice of its own after the copy's in the ``s`` picker (where
#: the copy may change, so may they): its name in a notice, the choice's words and key, and its prompt's title and help.
CONTENT_CHOICES = {
    "link": ("link", "set the link", "k", "The post's link", "a web address (https://...); empty removes it"),
    "media": (
        "media",
        "set the media",
        "i",
        "The post's media",
        "paths or URLs, separated by commas (nothing is uploaded); empty removes them",
    ),
    "first_comment": (
        "first comment",
        "write the first comment",
        "f",
        "The post's first comment",
        "posted under it first; empty removes it",
    ),
}

#: How each move reads in the ``s`` picker, and its key there.
MOVE_CHOICES = {
    "copy": ("write the copy", "c"),
    "submit": ("submit for review", "s"),
    "approve": ("approve your step", "a"),
    "reject": ("request changes", "r"),
    "withdraw": ("withdraw your approval", "w"),
    "schedule": ("schedule", "l"),
    "publish": ("mark published", "d"),
    "slot": ("move the slot", "m"),
    "resume": ("resume", "u"),
    "pull": ("pull", "p"),
}


class PostKeys:
    """The post keys' work for the widget or screen that owns it (see the module)."""

    def __init__(self, owner: DOMNode, services: Services, targets: Callable[[], list[str]]) -> None:
        self._owner = owner
        self._services = services
        self._targets = targets

    def either(self, if_task: Callable[[], None], if_post: Callable[[PostMoves], None]) -> None:
        """``if_post`` with the post under the cursor and the moves offered on it when the key's target is a post, else ``if_task``."""
        ids = self._targets()
        if not ids:
            if_task()
            return
        app = self._owner.app
        services = self._services

        def look() -> None:
            # The posts' rules and writes: imported when a post key is first used, not for the app's first paint.
            from crewdeck.tui.posts.offers import post_moves

            now = services.now()
            me = services.session.me.facts()

            def read(ws: Workspace) -> list[PostMoves]:
                return [post_moves(ws.store, me, post, now) for i in ids if (post := read_post(ws.conn, i, now)) is not None]

            posts = services.session.access.read(read)
            if not posts:
                app.call_from_thread(if_task)
            elif len(ids) > 1:
                app.call_from_thread(app.notify, "a post's keys act on one post at a time: clear the marks (X)", severity="warning")
            else:
                app.call_from_thread(if_post, posts[0])

        self._read_then_ask(look, "post_or_task")

    def _read_then_ask(self, look: Callable[[], None], name: str) -> None:
        """``look`` in a worker, which reads the post and then asks (on the UI thread): the keys typed meanwhile wait
        for what it opens, where they went to the list under it (``KeysAhead.reading``)."""
        app = self._owner.app
        over = app.keys_wait_for_dialog("the post was read") if isinstance(app, HoldsKeys) else None

        def job() -> None:
            try:
                look()
            finally:
                if over is not None:
                    app.call_from_thread(over)

        in_background(self._owner, job, name=name, group="post-keys")

    def run(
        self,
        move: str,
        settled: Callable[[], object] | None = None,
        *,
        written: Callable[[], None] | None = None,
        shown_hash: str | None = None,
    ) -> None:
        """The key of ``move`` on the post under the cursor: a move the post's state or the rules refuse says why, and asks nothing.

        ``settled`` (on the UI thread) once a move written without a dialog is written or refused (``run_move``'s);
        ``written`` (on the UI thread too) once a move written through its dialog (``N``'s note) is written; ``shown_hash``:
        the content hash of the post as the screen showed it: an approval is refused once the content is another."""

        def not_a_post() -> None:
            self._owner.app.notify("not a post: the post keys act on posts", severity="warning")
            if settled is not None:
                settled()

        self.either(not_a_post, lambda m: self._move(move, m, settled, written, shown_hash))

    def _move(
        self,
        move: str,
        moves: PostMoves,
        settled: Callable[[], object] | None = None,
        written: Callable[[], None] | None = None,
        shown_hash: str | None = None,
    ) -> None:
        refusal = moves.refusals[move]
        if refusal is not None:
            self._owner.app.notify(refusal, severity="error")
            if settled is not None:
                settled()
            return
        self.do(move, moves.post, settled, written, shown_hash)

    def status(self, moves: PostMoves) -> None:
        """``s``: the moves this post's state allows that the rules let me make."""
        post = moves.post
        if not moves.offered:
            left = "no moves left" if post.state in ("published", "pulled") else "none of its moves is yours to make"
            self._owner.app.notify(f"{named_post(post.facts.title, post.id)} is {being(post.state)}: {left}", severity="warning")
            return
        choices = []
        for move in moves.offered:
            choices.append(Choice(move, MOVE_CHOICES[move][0], MOVE_CHOICES[move][1]))
            if move == "copy":
                choices.extend(Choice(field, words, key) for field, (_, words, key, _, _) in CONTENT_CHOICES.items())

        def chosen(move: str | None) -> None:
            if move is not None:
                self.do(move, post)

        # Named as every notice names a post (cut short, on one line), its state said as a noun where it is one.
        said = f"{named_post(post.facts.title, post.id)} ({being(post.state)}): what next?"
        self._owner.app.push_screen(PickerScreen(said, choices), chosen)

    def publish(self, moves: PostMoves) -> None:
        """``d`` on a post: published, only from approved or scheduled."""
        self._move("publish", moves)

    def do(
        self,
        move: str,
        post: PostView,
        settled: Callable[[], object] | None = None,
        written: Callable[[], None] | None = None,
        shown_hash: str | None = None,
    ) -> None:
        # The posts' writes: imported when a post key is first used, not for the app's first paint.
        from crewdeck.sync.state.zones import zone as zone_info
        from crewdeck.tui.app.post_actions import Move, run_move, slot_zone, watching_peak, watching_reviewers
        from crewdeck.tui.posts import writing
        from crewdeck.tui.time.when import format_local

        post_id, name = post.id, named_post(post.facts.title, post.id)
        if move == "reject":
            self._ask(
                f"Request changes on {name} — the author sees your note",
                "what to change",
                lambda s, me, now, text: writing.reject(s, me, post_id, now, text),
                f"requested changes on {name}",
                written,
                draft_for=DraftFor(f"changes:{post_id}", f"your note on {name}"),
            )
        elif move == "copy" or move in CONTENT_CHOICES:
            self._ask_content(post, move)
        elif move == "slot" or (move == "resume" and post.state == "missed"):
            zone, viewer, clock24 = slot_zone(self._services, post), self._services.viewer_tz, self._services.config.clock24
            # A missed post's slot passed during the crisis: only its resume gives it a new one, and it needs one.
            title, said = ("New slot", f"moved {name}") if move == "slot" else ("Resume with a new slot", f"resumed {name} with a new slot")

            def moved(s: Store, me: str, now: dt.datetime, text: str) -> PostView:
                # A refused slot says what the words stood for ("sat is today 11:00 CET"), as `post slot` says it.
                slot, typed = writing.said_slot(s, post_id, text.split(), now, viewer, clock24)
                if move == "slot":
                    return writing.move_slot(s, me, post_id, now, slot, typed)
                return writing.resume(s, me, post_id, now, slot, typed=typed)

            # The slot it has, in the zone the dialog reads (a missed post's has passed: none to keep), to take or type
            # over: enter alone keeps it, and writes nothing; a time typed over keeps the audience's zone, where the
            # viewer's zone named in the box would have become the slot's.
            kept = None
            if move == "slot" and post.facts.slot is not None:
                current = post.facts.slot.astimezone(zone_info(zone))
                shown = format_local(post.facts.slot, viewer, self._services.now(), clock24=clock24)
                kept = (f"{current:%Y-%m-%d %H:%M} {zone}", f"{name} keeps its slot, {shown}")
            self._ask(
                f"{title} — in {zone} unless you name a zone",
                "fri 18:00 · tomorrow 09:00 · +2d",
                moved,
                said,
                slot_of=post_id,
                draft_for=DraftFor(f"slot:{post_id}", f"your new slot for {name}"),
                kept=kept,
            )
        else:
            actions = {
                "submit": writing.submit,
                # Of the content the screen showed, where it says (``shown_hash``).
                "approve": lambda s, me, i, now: writing.approve(s, me, i, now, shown=shown_hash),
                "withdraw": writing.withdraw,
                "schedule": writing.schedule,
                "publish": writing.publish,
                "pull": writing.pull,
                "resume": writing.resume,
            }
            act = actions[move]

            def work(s: Store, me: str, now: dt.datetime) -> object:
                return act(s, me, post_id, now)

            note = None
            done: Move = work
            if move == "schedule":
                # Scheduled on a slot off the audience's peak hours: said, as `post schedule` says it.
                done, note = watching_peak(self._services, post_id, work)
            elif move in ("submit", "approve"):
                # A step nobody but the round's authors (or who took a step before it) may take: warned of, as `post
                # submit` and `post approve` warn of it.
                done, note = watching_reviewers(post_id, work)
            run_move(self._owner, self._services, f"{DONE[move]} {name}", done, settled=settled, note=note)

    def _ask_content(self, post: PostView, field: str) -> None:
        """Ask for the post's copy (``field`` "copy"), link, media or first comment, the prompt opening with what it
        holds now (read in a worker), so that a word changed is not the whole of it typed again."""
        from crewdeck.tui.app.screens.copy_editor import CopyEditorScreen
        from crewdeck.tui.posts import writing

        app = self._owner.app
        post_id, name = post.id, named_post(post.facts.title, post.id)
        # The copy is edited in its own editor, the rest in a prompt: each has its own keys.
        if field == "copy":
            save, keep = said_key(app, CopyEditorScreen.BINDINGS, "copy.save"), said_key(app, CopyEditorScreen.BINDINGS, "copy.cancel")
            what, title, help_text = "copy", "The post's copy", f"the text as it will go out; enter starts a new line, {save} saves"
        else:
            keep = said_key(app, PromptScreen.BINDINGS, "prompt.cancel")
            what, _, _, title, help_text = CONTENT_CHOICES[field]

        #: What the dialog opened with, as stored then.
        opened: list[object] = []
        #: What the notice adds when the change voided the post's round (``writing.voided_words``).
        voided: list[str] = [""]

        def write(s: Store, me: str, now: dt.datetime, text: str) -> object:
            # Read before and after in the write's transaction: an approval committed between would be left unsaid.
            with s.held():
                since = writing.newest_op(s, post_id)
                after = change(s, me, now, text)
                voided[0] = writing.voided_words(s, post_id, since, now, me)
            return after

        def change(s: Store, me: str, now: dt.datetime, text: str) -> PostView:
            media = [ref.strip() for ref in text.split(",") if ref.strip()]
            # Saved meanwhile (another session of mine, a teammate): said before it is saved over; the next save goes over it.
            held = post_content(s.conn, post_id)[field]
            if opened and held not in (opened[0], media if field == "media" else text):
                opened[0] = held
                raise UserError(
                    f"the {what} of {name} was changed since you opened it (in another session, or by someone else): "
                    f"save again to put yours over it, or {keep} to keep it"
                )
            if field == "media":
                return writing.set_content(s, me, post_id, now, media=media)
            if field == "link":
                return writing.set_content(s, me, post_id, now, link=text)
            if field == "first_comment":
                return writing.set_content(s, me, post_id, now, first_comment=text)
            return writing.set_content(s, me, post_id, now, copy=text)

        def look() -> None:
            me, now = self._services.session.me.id, self._services.now()

            def read(ws: Workspace) -> tuple[Any, str, str]:
                # As stored now: the post may have been approved since `s` read it.
                found = read_post(ws.conn, post_id, now)
                voids = writing.content_change_voids(ws.store, found, me, what, now) if found is not None else ""
                # What the reviewer asked for: the box covers the detail, the one place that said it.
                asked = state_words(found, ws.shown_handles()) if found is not None and found.state == "changes-requested" else ""
                return post_content(ws.conn, post_id)[field], voids, asked

            held, voids, asked = self._services.session.access.read(read)
            opened.append(held)
            shown = ", ".join(held) if isinstance(held, list) else held
            said = f"set the {what} of {name}"
            # Media are separated by commas: a list pasted one a line is read as one.
            joiner = ", " if field == "media" else " "

            def ask() -> None:
                self._ask(
                    title,
                    f"{asked} — {help_text}" if asked else help_text,
                    write,
                    said,
                    None,
                    shown,
                    multiline=field == "copy",
                    draft_for=DraftFor(f"{field}:{post_id}", f"the {what} of {name}"),
                    joiner=joiner,
                    note=lambda: voided[0],
                    platform=post.facts.platform,
                )

            self._owner.app.call_from_thread(
                self._confirm, voids, CONTENT_CHOICES[field][1] if field in CONTENT_CHOICES else MOVE_CHOICES["copy"][0], ask
            )

        self._read_then_ask(look, "post_content")

    def _confirm(self, voids: str, doing: str, then: Callable[[], None]) -> None:
        """``then`` at once, or, when the change would void approvals given (``voids`` says so, ``y`` goes on), once
        asked: `post copy` makes the change on an approved post too, and a post that reads scheduled would go out no more."""
        if not voids:
            then()
            return

        question = PickerScreen(voids, [Choice("yes", f"{doing} all the same", "y")], asked_ahead=True)

        def chosen(answer: str | None) -> None:
            # The keys typed before the question was up were meant for the box it stood before: they go into it once
            # it is open (behind its push), and nowhere when the change is not made, nor when no box opens (the post
            # gone meanwhile): the bindings under it are no place for them, and the person is told so.
            if answer == "yes":
                under = self._owner.app.screen
                then()
                if self._owner.app.screen is not under:
                    for key in question.typed_ahead:
                        self._owner.app.post_message(events.Key(key.key, key.character))
                    return
            question.say_set_aside(f"the question to {doing}")

        self._owner.app.push_screen(question, chosen)

    def _ask(
        self,
        title: str,
        help_text: str,
        then: Callable[..., object],
        said: str,
        written: Callable[[], None] | None = None,
        value: str = "",
        *,
        multiline: bool = False,
        joiner: str = " ",
        slot_of: str | None = None,
        note: Callable[[], str] | None = None,
        platform: str | None = None,
        draft_for: DraftFor | None = None,
        kept: tuple[str, str] | None = None,
    ) -> None:
        """Ask, and write the answer in the dialog's worker: a refused answer (copy over the platform's limits, a slot
        that is not a date) leaves the dialog open with the text and why under it; once written, the app says ``said``,
        then ``written`` (on the UI thread).  ``multiline`` (the copy): in a text area, where enter starts a line.
        ``slot_of``: the post whose slot the answer moves, whose draft's due date the notice says when it moved too;
        ``note``: what else the notice says, asked once the answer is written; ``platform``: the post's, whose count the
        copy's editor says as it is typed; ``draft_for``: what the dialog holds, kept if the app closes under it;
        ``kept``: the value as it stands, which the dialog opens with to take or type over, and what is said when it is
        answered unchanged (nothing written)."""
        from crewdeck.tui.app.post_actions import watching_due, write_move

        if not self._targets():
            self._owner.app.bell()
            return

        def submit(text: str) -> None:
            if kept is not None and text.strip() == kept[0]:
                self._owner.app.call_from_thread(self._owner.app.notify, kept[1])
                return

            def answered(s: Store, me: str, now: dt.datetime) -> object:
                return then(s, me, now, text)

            work, said_too = watching_due(self._services, slot_of, answered, slot_said=True) if slot_of is not None else (answered, note)
            write_move(self._owner, self._services, said, work, written, note=said_too)

        if multiline:
            from crewdeck.tui.app.screens.copy_editor import CopyEditorScreen

            self._owner.app.push_screen(CopyEditorScreen(title, help_text, value, submit, platform, draft_for))
            return
        self._owner.app.push_screen(
            PromptScreen(
                title,
                help_text,
                kept[0] if kept else value,
                submit=submit,
                editing=bool(value),
                joiner=joiner,
                draft_for=draft_for,
            )
        )
