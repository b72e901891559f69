"""What the filter box and the view picker would show, fetched before it is asked for.

The filter box asks once its text rests; the view picker, for every view
once it is drawn.  Each answer is a count, said in the box or beside the
view, and the list's first page, kept: ``enter`` or the view's key shows
it at once.  An answer is dropped when the list changed since it was asked
(the pane's ``generation``): a reload means someone changed a task, or the
minute's rescoring moved them.

A filter's first rows come before its count (``read_task_page``'s
``early``): the box says "counting…", and ``enter`` shows the rows at once;
the count follows as the pane's ``Counted``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import Notification, Notify, SeverityLevel

from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.keys_ahead import HoldsKeys
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.workers import in_background, refusal
from crewdeck.tui.session.task_page import TaskListPage, read_task_page
from crewdeck.tui.tasks.index import Filter
from crewdeck.tui.tasks.query import parse, taskwarrior_habits
from crewdeck.tui.tasks.views import View, find, views
from crewdeck.tui.workspace.errors import UserError

if TYPE_CHECKING:
    from crewdeck.tui.app.tasks_pane import TasksPane


@dataclass
class FilterPreviewed(Message):
    """What the filter box's ``text`` would show (``page``), or why it is refused (``error``)."""

    text: str
    page: TaskListPage | None
    error: str | None
    #: The pane's ``generation`` when asked.
    generation: int


@dataclass
class ViewPreviewed(Message):
    """What view ``view_id`` would show, for the view picker (asked at ``generation``)."""

    view_id: str
    page: TaskListPage
    generation: int


def count_failure(error: Exception) -> str:
    """Why a list shown before it was counted has no count: the refusal's line, or a bug's (reported as any worker's)."""
    return refusal(error) or "the tasks could not be counted (the notice says why)"


class TaskPreviews:
    """The tasks pane's previews: the pane owns one and hands it the filter box's and the answers' messages."""

    def __init__(self, pane: TasksPane) -> None:
        self._pane = pane
        #: The filter box's last preview, kept to apply at once on ``enter``.
        self._preview: FilterPreviewed | None = None
        #: The filter box's text whose preview is being fetched.
        self._previewing: str | None = None
        #: The filter box's text to apply as soon as its preview comes, and what sends on the keys typed after its
        #: ``enter``, which wait for it (``HoldsKeys.keys_wait_for_dialog``).
        self._apply_when_previewed: str | None = None
        self._keys_applied: Callable[[], None] | None = None
        #: The view picker while it is up, and what its views would show (by view id, with the generation asked at).
        self._view_picker: PickerScreen | None = None
        self._view_previews: dict[str, tuple[int, TaskListPage]] = {}
        #: The last notice this said: the same text again while it is up stacks no copy of it.
        self._told: Notification | None = None

    def _fetch(self, text: str, height: int, early: Callable[[TaskListPage], None] | None = None) -> TaskListPage:
        """Runs in a worker."""
        session = self._pane.services.session
        return read_task_page(session, text, self._pane.services.now(), None, 0, height, early)

    # ------------------------------------------------------------ the filter box

    def settled(self, text: str) -> None:
        """The box's text rested."""
        self._preview = None
        # Edited after an enter still waiting for its list (the keys after it dropped for waiting too long, typed again
        # into the box): that enter is over, where its list, when it came, applied the text typed back with no enter.
        self.cancel_apply()
        self.request(text)

    def request(self, text: str) -> None:
        """Fetch what the filter ``text`` would show (and say it in the box)."""
        self._previewing = text
        pane = self._pane
        generation, height = pane.generation, pane.table.size.height

        def preview() -> None:
            page: TaskListPage | None = None
            error: str | None = "the tasks could not be read"
            first_rows: list[TaskListPage] = []

            def early(page: TaskListPage) -> None:
                first_rows.append(page)
                pane.post_message(FilterPreviewed(text, page, None, generation))

            try:
                page, error = self._fetch(text, height, early), None
            except Exception as exc:
                if first_rows:  # shown as counting: the box, and the list if applied, say why there is no count
                    pane.post_message(pane.CountFailed(first_rows[0].filter, count_failure(exc)))
                if not isinstance(exc, UserError):
                    raise
                error = str(exc)
            finally:  # answered even when the read fails (which is reported too)
                if not first_rows:
                    pane.post_message(FilterPreviewed(text, page, error, generation))
            if first_rows and page is not None and page.count is not None:
                pane.post_message(pane.Counted(page.filter, page.count))

        in_background(pane, preview, name="preview", group="tasks-preview", exclusive=True)

    def previewed(self, message: FilterPreviewed) -> None:
        pane = self._pane
        box = pane.filter_box
        if message.text == self._previewing:
            self._previewing = None
        if message.text != box.text:
            return  # typed on since: that text's preview is on its way
        if message.generation != pane.generation:
            self.request(message.text)  # the list changed since it was asked
            return
        self._preview = message
        if message.page is not None:
            box.show_count(message.text, message.page.count)
        else:
            box.show_error(message.text, visible(message.error or ""))  # it may quote records
        if self._apply_when_previewed == message.text:
            self._apply_when_previewed = None
            self._apply(message)

    def applied(self, text: str) -> None:
        """``enter`` in the box."""
        preview = self._preview
        if preview is not None and preview.text == text and preview.generation == self._pane.generation:
            self._apply(preview)
            return
        # Not previewed yet (``enter`` came at once, or a teammate's write since asks it again): apply the answer when
        # it comes, the keys typed after ``enter`` waiting for that list, where they went into the box ("-#tiktokGk").
        self._apply_when_previewed = text
        app = self._pane.app
        if self._keys_applied is None and isinstance(app, HoldsKeys):
            self._keys_applied = app.keys_wait_for_dialog("the filter was applied")
        if self._previewing != text:
            self._preview = None
            self.request(text)

    def counted(self, f: Filter, count: int) -> None:
        """The count of a preview answered before it (the pane's ``Counted``): said in the box, kept for ``enter``."""
        preview = self._preview
        if preview is not None and preview.page is not None and preview.page.filter is f and preview.page.count is None:
            self._preview = replace(preview, page=replace(preview.page, count=count))
            self._pane.filter_box.show_count(preview.text, count)

    def count_failed(self, f: Filter, why: str) -> None:
        """The count of a preview answered before it failed (the pane's ``CountFailed``): said in the box, where it said
        counting; ``enter`` refuses it, as a filter whose read failed."""
        preview = self._preview
        if preview is not None and preview.page is not None and preview.page.filter is f and preview.page.count is None:
            self._preview = replace(preview, page=None, error=why)
            self._pane.filter_box.show_error(preview.text, visible(why))

    def cancel_apply(self) -> None:
        """The box was closed, or its text edited since ``enter``: an answer still on its way is not applied."""
        self._apply_when_previewed = None
        self._send_keys_on()

    def _send_keys_on(self) -> None:
        """The keys typed after ``enter`` go on to where the focus is now: the list applied, or the box if refused."""
        keys_applied, self._keys_applied = self._keys_applied, None
        if keys_applied is not None:
            keys_applied()

    def _apply(self, preview: FilterPreviewed) -> None:
        pane = self._pane
        if preview.page is None:  # refused: the box stays open, with the reason, to fix it
            pane.app.bell()
            # Whole in a notice too, as the ledger's filter says it: the box's line cuts a long reason at the pane's width,
            # and its end is often the hint ("Taskwarrior's status:pending is is:open here").
            self._tell(preview.error or "", "error")
            self._send_keys_on()
            return
        # The box closes, the table takes the keys and the title changes with
        # the rows it names: one change of layout, drawn once.
        pane.show_prepared(None, preview.text, preview.page)
        pane.close_filter_box()
        self._send_keys_on()
        if preview.page.count == 0 and (habits := taskwarrior_habits(parse(preview.text), pane.services.campaigns)):
            # An empty list said nothing more, where `crewdeck tasks` names crewdeck's term for what was typed by habit.
            self._tell(f"no tasks match: {habits}", "warning")

    def _tell(self, text: str, severity: SeverityLevel) -> None:
        """A notice, unless the same one is still up: each enter on the same filter stacked one more alike."""
        app, told, text = self._pane.app, self._told, visible(text)  # as the app's notify says any (it may quote records)
        if told is not None and told.message == text and not told.has_expired:
            return
        # Made here, not by notify (which keeps it to itself), to be known again.
        self._told = Notification(text, "", severity, 6, markup=False)
        app.post_message(Notify(self._told))

    # ------------------------------------------------------------ the view picker

    def pick_view(self) -> None:
        pane = self._pane
        all_views = views(pane.services.campaigns, pane.services.session.me)
        choices = [Choice(v.id, v.name, v.key) for v in all_views]
        picker = self._view_picker = PickerScreen("View", choices, pane.view.id if pane.view else None)
        self._view_previews = {}
        pane.app.push_screen(picker, self._picked_view)
        # Once the picker is drawn: the queries would share the GIL with its first paint.
        generation, height = pane.generation, pane.table.size.height
        pane.app.call_after_refresh(self._preview_views, all_views, generation, height)

    def _preview_views(self, all_views: list[View], generation: int, height: int) -> None:
        pane = self._pane

        def preview() -> None:
            # In the picker's order: the first views are the ones picked most.
            for view in all_views:
                if self._view_picker is None or generation != pane.generation:
                    return  # picked already, or the list changed
                try:
                    page = self._fetch(view.query, height)
                except UserError:
                    continue  # said when the view is picked
                pane.post_message(ViewPreviewed(view.id, page, generation))

        in_background(pane, preview, name="preview_views", group="tasks-preview-views", exclusive=True)

    def view_previewed(self, message: ViewPreviewed) -> None:
        if message.generation != self._pane.generation or self._view_picker is None:
            return
        self._view_previews[message.view_id] = (message.generation, message.page)
        self._view_picker.set_note(message.view_id, f"{message.page.count:,}")

    def _picked_view(self, view_id: str | None) -> None:
        pane = self._pane
        previews, self._view_previews, self._view_picker = self._view_previews, {}, None
        view = find(view_id, pane.services.campaigns, pane.services.session.me) if view_id else None
        if view is None:
            return
        generation, page = previews.get(view.id, (None, None))
        if page is not None and generation == pane.generation:
            pane.show_prepared(view, view.query, page)
        else:
            pane.show_view(view)
