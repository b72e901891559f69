"""What a reviewer sees of a post: its copy, and how it changed since the version they last saw.

The version a reviewer last saw is the content their latest verdict on the
post (an approval or a request for changes) was given on: the copy as of
that verdict's operation, read from the log, so every replica agrees.  A
reviewer who never gave one sees the copy whole.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class CopyReview:
    """The copy now and, when the reviewer saw an earlier version, the lines changed since."""

    copy: str
    #: The copy the reviewer last gave a verdict on (``None``: never).
    seen: str | None
    #: ``(mark, line)``: ``"+"`` added, ``"-"`` removed, ``" "`` the same; empty when nothing was seen before.
    diff: tuple[tuple[str, str], ...]

    @property
    def changed(self) -> bool:
        return self.seen is not None and self.seen != self.copy


def _copy_before(conn: sqlite3.Connection, post_id: str, op_id: str) -> str:
    row = conn.execute(
        "SELECT value FROM ops WHERE row_id = ? AND field = 'copy' AND op_id < ? ORDER BY op_id DESC LIMIT 1", (post_id, op_id)
    ).fetchone()
    if row is None:
        return ""
    value = json.loads(row[0])
    return value if isinstance(value, str) else ""


def copy_review(conn: sqlite3.Connection, post_id: str, member: str) -> CopyReview:
    """The copy of ``post_id`` as ``member`` reviews it now (see the module)."""
    row = conn.execute("SELECT copy FROM task WHERE id = ?", (post_id,)).fetchone()
    copy = (row[0] if row else None) or ""
    last = conn.execute(
        "SELECT op_id FROM post_approval WHERE post = ? AND approved_by = ? ORDER BY op_id DESC LIMIT 1", (post_id, member)
    ).fetchone()
    if last is None:
        return CopyReview(copy, None, ())
    seen = _copy_before(conn, post_id, last[0])
    diff = tuple((line[0], line[2:]) for line in difflib.ndiff(seen.splitlines(), copy.splitlines()) if line[0] in "+- ")
    return CopyReview(copy, seen, diff)


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
