"""How a one-line notice names a post: by its title, control characters shown.

Apart from the activity log's words (``workspace.describe``), which the
panes' keys name posts with too: the app's first screen imports the panes,
and the log's words only once a change is told.
"""

from __future__ import annotations

from typing import Any

from crewdeck.sync.state.naming import post_name
from crewdeck.sync.state.visible import visible


def named_post(title: Any, post_id: str) -> str:
    """A post as a one-line notice names it (``naming.post_name``: “Launch reel”, cut short; untitled, ``post 58613842``),
    control characters shown."""
    return visible(post_name(title, post_id))
