"""What the filter box and the view picker would show, fetched before it is asked for.

The filter box asks once its text rests; the view picker, for every view
once it is drawn.  Each answer is a count, said in the box or beside the
view, and the list's first page, kept: ``enter`` or the view's key shows
it at once.  An answer is dropped when the list changed since it was asked
(the pane's ``generation``): a reload means someone changed a task, or the
minute's rescoring moved them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from crewdeck.sync.state.visible import visible
from crewdeck.tui.app.screens.picker import Choice, PickerScreen
from crewdeck.tui.app.workers import background
from crewdeck.tui.tasks.views import View, find, views
from crewdeck.tui.workspace.errors import UserError
from crewdeck.widgets.filter_box import FilterBox

if TYPE_CHECKING:
    from textual.app import App

    from crewdeck.tui.app.app import CrewdeckApp
    from crewdeck.tui.app.tasks_pane import Listing
    from crewdeck.widgets.task_table import TaskTable


@dataclass
class FilterPreviewed(Message):
    """What the filter box's ``text`` would show (``listing``), or why it is refused (``error``)."""

    text: str
    listing: Listing | None
    error: str | None
    #: The pane's ``generation`` when asked.
    generation: int


@dataclass
class ViewPreviewed(Message):
    """What view ``view_id`` would show, for the view picker (asked at ``generation``)."""

    view_id: str
    listing: Listing
    generation: int


class Previews:
    """Mixin for the tasks pane, which queries (``_listing``) and shows (``_show_prepared``) a list."""

    if TYPE_CHECKING:
        app: App[object]
        crew: CrewdeckApp
        generation: int
        view: View | None
        table: TaskTable
        filter_box: FilterBox

        def _listing(self, text: str, cursor_key: str | None, cursor: int, height: int) -> Listing: ...
        def _show_prepared(self, view: View | None, text: str, listing: Listing) -> None: ...
        def _show_filter_box(self, shown: bool) -> None: ...
        def show_view(self, view: View) -> None: ...
        def post_message(self, message: Message) -> bool: ...

    def __init__(self) -> None:
        super().__init__()
        #: The filter box's last preview, kept to apply at once on ``enter``.
        self._preview: FilterPreviewed | None = None
        #: The filter box's text whose preview is being fetched.
        self._previewing: str | None = None
        #: The filter box's text to apply as soon as its preview comes.
        self._apply_when_previewed: str | None = None
        #: The view picker while it is up, and what its views would show (by view id, with the generation asked at).
        self._view_picker: PickerScreen | None = None
        self._view_previews: dict[str, tuple[int, Listing]] = {}

    # ------------------------------------------------------------ the filter box

    def on_filter_box_settled(self, message: FilterBox.Settled) -> None:
        self._preview = None
        self.request_preview(message.text)

    def request_preview(self, text: str) -> None:
        """Fetch what the filter ``text`` would show (and say it in the box)."""
        self._previewing = text
        self._run_preview(text, self.generation, self.table.size.height)

    @background(exclusive=True, group="tasks-preview")
    def _run_preview(self, text: str, generation: int, height: int) -> None:
        listing: Listing | None = None
        error: str | None = "the tasks could not be read"
        try:
            listing, error = self._listing(text, None, 0, height), None
        except UserError as exc:
            error = str(exc)
        finally:  # answered even when the read fails (which is reported too)
            self.post_message(FilterPreviewed(text, listing, error, generation))

    def on_filter_previewed(self, message: FilterPreviewed) -> None:
        if message.text == self._previewing:
            self._previewing = None
        if message.text != self.filter_box.text:
            return  # typed on since: that text's preview is on its way
        if message.generation != self.generation:
            self.request_preview(message.text)  # the list changed since it was asked
            return
        self._preview = message
        if message.listing is not None:
            self.filter_box.show_count(message.text, message.listing.count)
        else:
            self.filter_box.show_error(message.text, visible(message.error or ""))  # it may quote records
        if self._apply_when_previewed == message.text:
            self._apply_when_previewed = None
            self._apply_preview(message)

    def on_filter_box_applied(self, message: FilterBox.Applied) -> None:
        preview = self._preview
        if preview is not None and preview.text == message.text and preview.generation == self.generation:
            self._apply_preview(preview)
            return
        # Not previewed yet (``enter`` came at once): apply the answer when it comes.
        self._apply_when_previewed = message.text
        if self._previewing != message.text:
            self._preview = None
            self.request_preview(message.text)

    def cancel_apply(self) -> None:
        """The box was closed: an answer still on its way is not applied."""
        self._apply_when_previewed = None

    def _apply_preview(self, preview: FilterPreviewed) -> None:
        if preview.listing is None:  # refused: the box stays open, with the reason, to fix it
            self.app.bell()
            return
        # The box closes, the table takes the keys and the title changes with
        # the rows it names: one change of layout, drawn once.
        self._show_prepared(None, preview.text, preview.listing)
        self._show_filter_box(False)
        self.table.focus()

    # ------------------------------------------------------------ the view picker

    def action_pick_view(self) -> None:
        all_views = views(self.crew.campaigns)
        choices = [Choice(v.id, v.name, v.key) for v in all_views]
        self._view_picker = PickerScreen("View", choices, self.view.id if self.view else None)
        self._view_previews = {}
        self.app.push_screen(self._view_picker, self._picked_view)
        # Once the picker is drawn: the queries would share the GIL with its first paint.
        generation, height = self.generation, self.table.size.height
        self.app.call_after_refresh(self._preview_views, all_views, generation, height)

    @background(exclusive=True, group="tasks-preview-views")
    def _preview_views(self, all_views: list[View], generation: int, height: int) -> None:
        # In the picker's order: the first views are the ones picked most.
        for view in all_views:
            if self._view_picker is None or generation != self.generation:
                return  # picked already, or the list changed
            try:
                listing = self._listing(view.query, None, 0, height)
            except UserError:
                continue  # said when the view is picked
            self.post_message(ViewPreviewed(view.id, listing, generation))

    def on_view_previewed(self, message: ViewPreviewed) -> None:
        if message.generation != self.generation or self._view_picker is None:
            return
        self._view_previews[message.view_id] = (message.generation, message.listing)
        self._view_picker.set_note(message.view_id, f"{message.listing.count:,}")

    def _picked_view(self, view_id: str | None) -> None:
        previews, self._view_previews, self._view_picker = self._view_previews, {}, None
        view = find(view_id, self.crew.campaigns) if view_id else None
        if view is None:
            return
        generation, listing = previews.get(view.id, (None, None))
        if listing is not None and generation == self.generation:
            self._show_prepared(view, view.query, listing)
        else:
            self.show_view(view)
