"""A post's changes its rounds' authors are read from (``postround.round_authors``), as a workspace file holds them.

One query for the rules (``filerules.FileRuleState.post_changes``) and the app's readers (``tui.posts.reading``,
``tui.posts.voiding``), so that the app shows a round's authors as the judge rules them: the post's content and round
operations in the order they were stored here (not by stamp: a stamp is its writer's to choose), a round's id and
hash, and the manager who made a content change acting as its member (``--as``, its ``acting`` record), an author too.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from crewdeck.sync.state.acting import covers
from crewdeck.sync.state.postround import CONTENT_FIELDS, PostChange, post_changes_of

#: The operations of the posts ``json_each(?)`` names, by post, each in the order it was stored: ``(post, seq, field,
#: member, round id, round hash, actor)`` (the last five as ``postround.post_changes_of`` reads them).
_CHANGES_SQL = (
    "SELECT o.row_id, o.seq, o.field, o.member, CASE WHEN o.field = 'post_round' THEN json_extract(o.value, '$.id') END, "
    "CASE WHEN o.field = 'post_round' THEN json_extract(o.value, '$.hash') END, a.actor FROM ops AS o "
    f"LEFT JOIN acting AS a ON o.field != 'post_round' AND {covers('a', 'o.member', 'o.op_id')} "
    "WHERE o.row_id IN (SELECT value FROM json_each(?)) "
    f"AND o.field IN ({', '.join(repr(f) for f in (*CONTENT_FIELDS, 'post_round'))}) ORDER BY o.row_id, o.seq"
)


def stored_rows(conn: sqlite3.Connection, post_ids: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Each of these posts' change rows in the order they were stored, ``(seq, field, member, round id, round hash,
    actor)``: ``post_changes_of`` of the rows after ``seq`` reads them (a post without any is left out)."""
    rows = conn.execute(_CHANGES_SQL, (json.dumps(list(post_ids)),))
    return {post: [row[1:] for row in held] for post, held in groupby(rows, key=_post)}


def stored_changes(conn: sqlite3.Connection, post_ids: Sequence[str]) -> dict[str, list[PostChange]]:
    """Each of these posts' changes in the order they were stored (a post without any is left out)."""
    rows = conn.execute(_CHANGES_SQL, (json.dumps(list(post_ids)),))
    return {post: post_changes_of(row[2:] for row in held) for post, held in groupby(rows, key=_post)}


def _post(row: tuple[Any, ...]) -> str:
    return str(row[0])
