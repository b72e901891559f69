"""A post's content besides its copy (link, media, first comment), as a post's detail and the Approvals view show it:
an approval covers it with the copy, so a reviewer sees all they approve."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from crewdeck.tui.app.lines import Lines

#: The widest label: every value starts in one column.
WIDEST = "first comment"


def content_besides_copy(doc: Lines, content: Mapping[str, Any], leave: Collection[str] = ()) -> Lines:
    """The link, the media (a line each, under one another) and the first comment of ``content`` (a post's record, or
    ``reading.post_content``'s), those it has; ``leave``: the fields said elsewhere (what changed, shown as a diff)."""
    if content["link"] and "link" not in leave:
        doc.add((f"  {'link':<{len(WIDEST)}} ", "dim"), content["link"])
    for n, reference in enumerate((content["media"] or []) if "media" not in leave else []):
        doc.add((f"  {'media' if n == 0 else '':<{len(WIDEST)}} ", "dim"), reference)
    if content["first_comment"] and "first_comment" not in leave:
        doc.block((f"  {WIDEST} ", "dim"), content["first_comment"])  # a comment of several lines keeps them
    return doc
