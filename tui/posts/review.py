"""What a reviewer sees of a post: its content (what an approval covers), and how it changed since the version they
last saw.

The version a reviewer last saw is the content their latest verdict on the
post (an approval or a request for changes) was given on: the copy, link,
media and first comment as of that verdict's operation, read from the log,
so every replica agrees.  A reviewer who never gave one sees the content whole.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crewdeck.sync.state.postround import content_hash_of
from crewdeck.tui.posts.reading import post_content


@dataclass(frozen=True)
class CopyReview:
    """The content now and, when the reviewer saw an earlier version, what changed since."""

    copy: str
    #: The copy the reviewer last gave a verdict on (``None``: never).
    seen: str | None
    #: ``(mark, line)``: ``"+"`` added, ``"-"`` removed, ``" "`` the same; empty when nothing was seen before.
    diff: tuple[tuple[str, str], ...]
    #: The hash of the whole content as read (``postround.content_hash``): an approval given on this review is of it.
    digest: str
    #: The content as read (``reading.post_content``): the link, media and first comment an approval covers with the copy.
    content: Mapping[str, Any]
    #: The rest of the content that changed since the version seen (link, media, first comment), in that order.
    besides: tuple[ContentChange, ...] = ()

    @property
    def changed(self) -> bool:
        return self.seen is not None and self.seen != self.copy


@dataclass(frozen=True)
class ContentChange:
    """A part of a post's content besides its copy, as the reviewer last saw it and now: its lines (a media
    reference each; none when it is empty)."""

    #: The record's field ("first_comment"), and as a reviewer reads it ("first comment").
    field: str
    name: str
    seen: tuple[str, ...]
    now: tuple[str, ...]


#: The content a verdict covers besides the copy: ``(field, name)``.
BESIDES_COPY = (("link", "link"), ("media", "media"), ("first_comment", "first comment"))


def _lines(value: object) -> tuple[str, ...]:
    """A content field's value as lines: a media reference each, a text's own lines."""
    if isinstance(value, list):
        return tuple(str(reference) for reference in value)
    return tuple(value.splitlines()) if isinstance(value, str) else ()


def _before(conn: sqlite3.Connection, post_id: str, field: str, op_id: str) -> object:
    """The value ``field`` of the post had just before operation ``op_id`` (``None``: never set)."""
    row = conn.execute(
        "SELECT value FROM ops WHERE row_id = ? AND field = ? AND op_id < ? ORDER BY op_id DESC LIMIT 1", (post_id, field, op_id)
    ).fetchone()
    return None if row is None else json.loads(row[0])


def copy_review(conn: sqlite3.Connection, post_id: str, member: str) -> CopyReview:
    """The content of ``post_id`` as ``member`` reviews it now, and what of it changed (see the module)."""
    now = post_content(conn, post_id)
    copy = now["copy"]
    digest = content_hash_of(now)
    last = conn.execute(
        "SELECT op_id FROM post_approval WHERE post = ? AND approved_by = ? ORDER BY op_id DESC LIMIT 1", (post_id, member)
    ).fetchone()
    if last is None:
        return CopyReview(copy, None, (), digest, now)
    value = _before(conn, post_id, "copy", last[0])
    seen = value if isinstance(value, str) else ""
    diff = tuple((line[0], line[2:]) for line in difflib.ndiff(seen.splitlines(), copy.splitlines()) if line[0] in "+- ")
    besides = []
    for field, name in BESIDES_COPY:
        was, is_now = _lines(_before(conn, post_id, field, last[0])), _lines(now.get(field))
        if was != is_now:
            besides.append(ContentChange(field, name, was, is_now))
    return CopyReview(copy, seen, diff, digest, now, tuple(besides))


def waiting_ids(conn: sqlite3.Connection, offset: int = 0, limit: int = -1) -> list[str]:
    """The posts that may read in review (their rounds decide whether they do): those stored as in review, oldest
    slot first, then those stored as scheduled (a step added to the chain, or a reviewer removed, puts one back in
    review); ``limit`` of them from ``offset``."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT id FROM task WHERE post_state IN ('in-review', 'scheduled') AND deleted = 0 "
            "ORDER BY post_state != 'in-review', publish_utc IS NULL, publish_utc, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
    ]
