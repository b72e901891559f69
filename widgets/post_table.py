"""A windowed table of posts, each row coloured by the post's state (the Approvals view, a crisis's held posts).

Rows are ``PostLine``: the cells as text, made by the owner, and the state
that picks the row's colour.  The cursor posts ``PostSelected``, ``enter``
posts ``PostActivated`` (offered only over rows, and only when the owner opens
the post: ``opens``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.message import Message

from crewdeck.widgets.line_table import Column
from crewdeck.widgets.windowed_table import WindowedTable

#: The states that have a colour of their own (the others are drawn plain).
TONED_STATES = ("in-review", "changes-requested", "approved", "scheduled", "published", "pulled", "expired", "paused", "missed")


@dataclass(frozen=True)
class PostLine:
    id: str
    #: One text per column, shown as given (the owner makes it visible).
    cells: tuple[str, ...]
    state: str


class PostTable(WindowedTable[PostLine]):
    DEFAULT_CSS = """
    PostTable { height: 1fr; }
    PostTable > .post-table--in-review { color: $warning; }
    PostTable > .post-table--changes-requested { color: $error; }
    PostTable > .post-table--approved { color: $success; }
    PostTable > .post-table--scheduled { color: $accent; }
    PostTable > .post-table--published { color: $foreground-muted; }
    PostTable > .post-table--pulled { color: $foreground-muted; text-style: strike; }
    PostTable > .post-table--expired { color: $error; text-style: italic; }
    PostTable > .post-table--paused { color: $warning; text-style: bold; }
    PostTable > .post-table--missed { color: $error; text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"post-table--{state}" for state in TONED_STATES}

    @dataclass
    class PostSelected(Message):
        table: PostTable
        post_id: str | None

    @dataclass
    class PostActivated(Message):
        table: PostTable
        post_id: str

    def __init__(self, columns: tuple[Column, ...], *, id: str | None = None, opens: bool = True) -> None:
        """``opens``: whether the owner opens a post on ``PostActivated``; when not, ``enter`` is not offered."""
        super().__init__(id=id)
        self.columns = columns
        self.opens = opens

    def row_cells(self, index: int) -> list[Text] | None:
        row = self._rows.get(index)
        return None if row is None else [Text(cell) for cell in row.cells]

    def row_style(self, index: int) -> Style:
        row = self._rows.get(index)
        if row is None or row.state not in TONED_STATES:
            return Style()
        return self.class_style(f"post-table--{row.state}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # No rows (nothing waits for review): nothing to open either.
        return action != "activate" or (self.opens and self.row_count() > 0)

    def rows_changed(self) -> None:
        super().rows_changed()
        self.refresh_bindings()  # from no rows to some, or back: the footer says whether enter opens one

    def cursor_moved(self, index: int) -> None:
        row = self._rows.get(index)
        self.post_message(self.PostSelected(self, row.id if row else None))

    def activated(self, index: int) -> None:
        row = self._rows.get(index)
        if row is not None:
            self.post_message(self.PostActivated(self, row.id))
