"""What a reviewer sees of a post: its copy, and how its content changed since the version they last saw.

The version a reviewer last saw is the content their latest verdict on the
post (an approval or a request for changes) was given on: the copy, link,
media and first comment as of that verdict's operation, read from the log,
so every replica agrees.  A reviewer who never gave one sees the copy whole.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass

from crewdeck.sync.state.postround import content_hash_of


@dataclass(frozen=True)
class CopyReview:
    """The copy now and, when the reviewer saw an earlier version, the lines changed since."""

    copy: str
    #: The copy the reviewer last gave a verdict on (``None``: never).
    seen: str | None
    #: ``(mark, line)``: ``"+"`` added, ``"-"`` removed, ``" "`` the same; empty when nothing was seen before.
    diff: tuple[tuple[str, str], ...]
    #: The hash of the whole content as read (``postround.content_hash``): an approval given on this review is of it.
    digest: str
    #: The rest of the content that changed since the version seen (link, media, first comment), in that order.
    besides: tuple[ContentChange, ...] = ()

    @property
    def changed(self) -> bool:
        return self.seen is not None and self.seen != self.copy


@dataclass(frozen=True)
class ContentChange:
    """A part of a post's content besides its copy, as the reviewer last saw it and now: its lines (a media
    reference each; none when it is empty)."""

    #: As a reviewer reads it: "link", "media", "first comment".
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
    """The copy of ``post_id`` as ``member`` reviews it now, and the rest of its content that changed (see the module)."""
    row = conn.execute("SELECT copy, link, media, first_comment FROM task WHERE id = ?", (post_id,)).fetchone()
    copy = (row[0] if row else None) or ""
    now = {"copy": copy, "link": row[1], "media": json.loads(row[2] or "[]"), "first_comment": row[3]} if row else {}
    digest = content_hash_of(now)
    last = conn.execute(
        "SELECT op_id FROM post_approval WHERE post = ? AND approved_by = ? ORDER BY op_id DESC LIMIT 1", (post_id, member)
    ).fetchone()
    if last is None:
        return CopyReview(copy, None, (), digest)
    value = _before(conn, post_id, "copy", last[0])
    seen = value if isinstance(value, str) else ""
    diff = tuple((line[0], line[2:]) for line in difflib.ndiff(seen.splitlines(), copy.splitlines()) if line[0] in "+- ")
    besides = []
    for field, name in BESIDES_COPY:
        was, is_now = _lines(_before(conn, post_id, field, last[0])), _lines(now.get(field))
        if was != is_now:
            besides.append(ContentChange(name, was, is_now))
    return CopyReview(copy, seen, diff, digest, tuple(besides))


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
