"""The posts' moves from the app: each runs in a worker through the session, then the app refreshes what it wrote.

A refused move (``PostRefused``, a rule's ``Refused``) is shown as its one
line, as every worker error is (``workers.report_error``); nothing is
written then.  Rows of posts for the tables are made here too, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.dom import DOMNode

from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.services import Services
from crewdeck.tui.app.workers import in_background
from crewdeck.tui.posts.reading import PostView
from crewdeck.tui.posts.states import label
from crewdeck.tui.time.when import format_local, parse_utc, same_clock
from crewdeck.widgets.line_table import Column
from crewdeck.widgets.post_table import PostLine

#: A move: ``work(store, me, now)``, which writes (or refuses) and answers anything.
Move = Callable[[Store, str, dt.datetime], object]

#: WHY says what each post waits for: at 80 columns it keeps the room the ID and the state
#: (which WHY explains) give up, and the view under the list says it whole.
POST_COLUMNS = (
    Column("ID", 8, drop=4),
    Column("SLOT (YOUR TIME)", 20, whole=True),
    Column("STATE", 12, drop=3),
    Column("PLATFORM", 9, drop=2),
    Column("POST", 16, grow=1),
    Column("WHY", 24, grow=3, drop=1),
)


def run_move(
    node: DOMNode,
    services: Services,
    said: str,
    work: Move,
    then: Callable[[], None] | None = None,
    *,
    settled: Callable[[], object] | None = None,
    note: Callable[[], str] | None = None,
) -> None:
    """``work`` in a worker; once written, the app says ``said`` (and ``note()``, what the write found to add) and
    refreshes, then ``then`` (on the UI thread); ``settled`` (on the UI thread too) once it is written or refused."""

    def job() -> None:
        try:
            write_move(node, services, said, work, then, note=note)
        finally:
            if settled is not None:
                node.app.call_from_thread(settled)

    in_background(node, job, name="post_move", group="write")


def write_move(
    node: DOMNode,
    services: Services,
    said: str,
    work: Move,
    then: Callable[[], None] | None = None,
    *,
    note: Callable[[], str] | None = None,
) -> None:
    """In a worker already (a dialog's ``submit``, whose refusal keeps it open with the text): ``run_move``'s write."""
    app = node.app
    # Through the session's edits: the move is the last action, which ``u`` takes back (or says why it cannot).
    now = services.now()
    result, written = services.session.edits.store_write(said, lambda store: work(store, services.session.me.id, now))
    app.call_from_thread(services.written, said + (note() if note else "") + held_note(result, now), written)
    if then is not None:
        app.call_from_thread(then)


def held_note(result: object, now: dt.datetime) -> str:
    """What a move's notice adds when the post it leaves is held by a crisis: approved (or moved) during one, it does
    not go out, and "approved “Launch reel”" alone read as if it would; or, an approval withdrawn inside the approval
    lead time, that the post is expired: approved again it is not; a new slot past the lead time brings it back to review
    (its round stands: review ra), where it may be approved again."""
    if isinstance(result, PostView) and result.state == "expired":
        from crewdeck.tui.posts.writing import expired_words

        return expired_words(result, now)
    if not isinstance(result, PostView) or result.state not in ("paused", "missed") or not result.held_by:
        return ""
    return visible(f": {result.state} by a crisis ({', '.join(c.reason for c in result.held_by)}) until it is resumed")


def watching_peak(services: Services, post_id: str, work: Move) -> tuple[Move, Callable[[], str]]:
    """``work`` (a move that puts the post on its slot: scheduled, or a slot typed), and what its notice adds when the
    slot is off the audience's peak hours, as `post schedule` and `post slot` say it (``writing.off_peak_note``):
    "; 09:00 EST (15:00 CET for you) is outside the audience's peak hours for linkedin, …"."""
    said: list[str] = []

    def watched(store: Store, me: str, now: dt.datetime) -> object:
        from crewdeck.tui.posts.reading import read_post
        from crewdeck.tui.posts.writing import off_peak_note

        result = work(store, me, now)
        # A move that returns the post as it left it (a schedule) is not read again.
        post = result if isinstance(result, PostView) and result.id == post_id else read_post(store.conn, post_id, now)
        said.append(off_peak_note(store, post, services.viewer_tz, services.config.clock24) if post is not None else "")
        return result

    def note() -> str:
        return visible(f"; {said[-1]}") if said and said[-1] else ""

    return watched, note


def watching_reviewers(post_id: str, work: Move) -> tuple[Move, Callable[[], str]]:
    """``work`` (a submission, an approval), and what its notice adds when a step of the round only its authors, or who
    took a step before it, may take, as `post submit` and `post approve` warn of it (``writing.untakable_words``):
    "; step 1 of 2 (copy), @mia, can be taken by nobody but …"."""
    said: list[str] = []

    def watched(store: Store, me: str, now: dt.datetime) -> object:
        from crewdeck.tui.posts.reading import read_post
        from crewdeck.tui.posts.writing import untakable_words

        result = work(store, me, now)
        post = result if isinstance(result, PostView) and result.id == post_id else read_post(store.conn, post_id, now)
        said.append(untakable_words(store, post) if post is not None else "")
        return result

    def note() -> str:
        return visible(f"; {said[-1]}") if said and said[-1] else ""

    return watched, note


def watching_due(services: Services, post_id: str, work: Move, *, slot_said: bool = False) -> tuple[Move, Callable[[], str]]:
    """``work`` (a move of the post's slot), and what its notice adds when the move took the draft's due date along
    (``writing.draft_due_for_slot``): ", its draft now due Wed 12-09 17:00 -03", as `post slot` says it; the task
    list's due date changed unsaid otherwise.  ``slot_said``: the slot set first, on your clock and the audience's, as
    `post slot` says it (": Fri 12-11 20:00 -03 (Fri 12-11 18:00 EST for the audience)"), for a slot typed in a dialog,
    which shows no preview of what the words stood for.  Last, whoever moved it, when the slot is off the audience's
    peak hours (``watching_peak``): the calendar's own moves (``+`` ``-`` ``>`` ``<``) left it to the flag drawn where
    the post lands, where every other way of setting a slot says it."""
    work, peak = watching_peak(services, post_id, work)
    moved: list[str] = []
    slots: list[str] = []

    def due(store: Store) -> str | None:
        row = store.conn.execute("SELECT due_utc FROM task WHERE id = ?", (post_id,)).fetchone()
        return row[0] if row else None

    def slot(store: Store, now: dt.datetime) -> str:
        row = store.conn.execute(
            "SELECT t.publish_utc, c.audience_tz FROM task AS t LEFT JOIN campaign AS c ON c.id = t.campaign WHERE t.id = ?", (post_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return ""
        at, viewer, clock24 = parse_utc(row[0]), services.viewer_tz, services.config.clock24
        audience = row[1]
        said = format_local(at, viewer, now, clock24=clock24)
        if audience and not same_clock(at, audience, viewer):
            said += f" ({format_local(at, audience, now, clock24=clock24, reader_tz=viewer)} for the audience)"
        return f": {said}"

    def watched(store: Store, me: str, now: dt.datetime) -> object:
        before = due(store)
        result = work(store, me, now)
        after = due(store)
        if slot_said:
            slots.append(slot(store, now))
        if after is not None and after != before:
            from crewdeck.tui.posts.writing import moved_due_words

            moved.append(moved_due_words(after, services.viewer_tz, now, services.config.clock24))
        return result

    def note() -> str:
        return visible((slots[-1] if slots else "") + (f", its draft now due {moved[-1]}" if moved else "")) + peak()

    return watched, note


def slot_zone(services: Services, post: PostView) -> str:
    """The zone a new slot for ``post`` is typed in, for the dialog to name: its campaign's audience's, yours when it
    has none (as ``writing.typed_slot`` reads it)."""
    campaign = next((c for c in services.campaigns if c.id == post.facts.campaign), None)
    return (campaign.audience_tz if campaign else None) or services.viewer_tz


def post_line(post: PostView, services: Services, now: dt.datetime, why: str) -> PostLine:
    """A post as a row of ``POST_COLUMNS``."""
    facts = post.facts
    # The column's title says whose time it is: a city after a shared abbreviation would be cut.
    slot = format_local(facts.slot, services.viewer_tz, now, clock24=services.config.clock24, city=False) if facts.slot else "no slot"
    return PostLine(
        post.id,
        (post.id[:8], slot, label(post.state), facts.platform or "", visible(facts.title), visible(why)),
        post.state,
    )
