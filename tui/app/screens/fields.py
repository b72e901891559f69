"""Moving between the fields of a form in step with the keys typed after the move."""

from __future__ import annotations

from textual.binding import Binding, BindingType


def field_bindings(screen: str) -> list[BindingType]:
    """``tab`` and ``shift+tab`` of a form screen whose bindings' ids start with ``screen``.

    Textual hands each key to the widget focused when the app reads it, and
    a key bound below the app moves the focus only once that widget has
    passed it up.  Keys that arrive together (a paste, a burst over a slow
    SSH link) after a tab went into the field it left.  A priority binding
    runs as the key is read, so the keys after it reach the next field.
    """
    return [
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True, id=f"{screen}.next_field"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True, id=f"{screen}.previous_field"),
    ]
