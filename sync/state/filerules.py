"""The rules' view of a workspace file: its materialized member and ledger tables."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from crewdeck.sync.client.metakeys import META_MEMBER, META_REMOVED
from crewdeck.sync.state.acting import actor_of
from crewdeck.sync.state.naming import campaign_slug
from crewdeck.sync.state.postchanges import stored_changes
from crewdeck.sync.state.postround import (
    CONTENT_FIELDS,
    PostChange,
    PostReview,
    Reviewer,
    content_hash,
    round_authors,
    steps_of,
    verdict_of,
)
from crewdeck.sync.state.records import OPEN_STATUSES
from crewdeck.sync.state.rules import MANAGER, MIRRORED, EntryFacts, MemberFacts, TaskState
from crewdeck.sync.state.schema import stored_entities
from crewdeck.sync.state.sshkeys import identities


class FileRuleState:
    """``rules.RuleState`` over a workspace file's connection (inside the caller's transaction)."""

    def __init__(self, conn: sqlite3.Connection, stored: dict[str, str] | None = None) -> None:
        self.conn = conn
        #: The entities of every row id the batch names, when the caller looked them up already.
        self._stored = stored
        #: Every member's facts as a reviewer, read once for the batch (``_all_reviewers``).
        self._reviewers: dict[str, Reviewer] | None = None

    def has_members(self) -> bool:
        return self.conn.execute("SELECT 1 FROM member WHERE deleted = 0 LIMIT 1").fetchone() is not None

    def member(self, member_id: str) -> MemberFacts | None:
        row = self.conn.execute("SELECT handle, access, unix_user, deleted, ssh_keys, tz FROM member WHERE id = ?", (member_id,)).fetchone()
        if row is None:
            return None
        keys = identities(json.loads(row[4])) if row[4] and row[4] != "[]" else ()
        return MemberFacts(member_id, row[0], row[1] or "member", row[2], bool(row[3]) or self._removed_here(member_id), keys, row[5])

    def _removed_here(self, member_id: str) -> bool:
        """Whether this file is a replica whose server said its member, ``member_id``, was removed: the removal never
        reaches the replica (the server sends a removed member nothing), so its member table still has them; the rules
        refuse their writes here as the server would (``member_removed``), rather than keep edits that can never be sent."""
        return self._removed_member() == member_id

    def _removed_member(self) -> str | None:
        """This replica's member, where its server said they were removed (``_removed_here``); else ``None``."""
        row = self.conn.execute(
            "SELECT value FROM meta WHERE key = ? AND EXISTS (SELECT 1 FROM meta WHERE key = ?)", (META_MEMBER, META_REMOVED)
        ).fetchone()
        return None if row is None else str(row[0])

    def members_with(self, field: str, value: str) -> list[str]:
        if field == "ssh_key":
            rows = self.conn.execute("SELECT id, ssh_keys FROM member WHERE deleted = 0 AND ssh_keys IS NOT NULL AND ssh_keys != '[]'")
            return [member_id for member_id, keys in rows if value in identities(json.loads(keys))]
        column = {"handle": "handle", "unix_user": "unix_user"}[field]
        return [r[0] for r in self.conn.execute(f"SELECT id FROM member WHERE deleted = 0 AND {column} = ?", (value,))]

    def managers(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM member WHERE deleted = 0 AND access = ?", (MANAGER,))}

    def stored_rows(self, row_ids: list[str]) -> dict[str, str]:
        if self._stored is not None:
            return {row_id: self._stored[row_id] for row_id in row_ids if row_id in self._stored}
        return stored_entities(self.conn, row_ids)

    def entities_of(self, row_ids: list[str]) -> dict[str, str]:
        return stored_entities(self.conn, row_ids)

    def ledger_entry(self, entry_id: str) -> EntryFacts | None:
        # The acting record of the write that appended it (``Store.commit_local``): who entered it as ``entered_by``.
        row = self.conn.execute(
            f"SELECT e.entered_by, e.reverses, e.amount, {actor_of('e.entered_by', 'e.op_id')}, "
            f"{', '.join(f'e.[{name}]' for name in MIRRORED)} FROM ledger_entry AS e WHERE e.id = ?",
            (entry_id,),
        ).fetchone()
        if row is None:
            return None
        needs_approval = bool(row[4 + MIRRORED.index("needs_approval")])
        mirror = {**dict(zip(MIRRORED, row[4:])), "needs_approval": needs_approval, "amount": row[2]}
        return EntryFacts(row[0], needs_approval, row[1], mirror, row[3])

    def reversed_by(self, entry_id: str) -> str | None:
        row = self.conn.execute("SELECT id FROM ledger_entry WHERE reverses = ? ORDER BY op_id LIMIT 1", (entry_id,)).fetchone()
        return None if row is None else row[0]

    def approvers(self, entry_id: str) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT approved_by FROM approval WHERE entry = ?", (entry_id,))}

    def result_currency(self, row_id: str) -> str | None:
        row = self.conn.execute("SELECT value_currency FROM result WHERE id = ?", (row_id,)).fetchone()
        return None if row is None else row[0]

    def post_review(self, post_id: str) -> PostReview | None:
        row = self.conn.execute(
            "SELECT campaign, post_round, copy, link, media, first_comment, platform, resumed_from, post_state, publish_utc, title FROM task "
            "WHERE id = ? AND post_state IS NOT NULL",
            (post_id,),
        ).fetchone()
        if row is None:
            return None
        campaign, round_json, copy, link, media, first_comment, platform, resumed, state, slot, title = row
        chain = (
            self.conn.execute("SELECT approvals, name FROM campaign WHERE id = ?", (campaign,)).fetchone()
            if campaign
            else self.conn.execute("SELECT approvals FROM workspace").fetchone()  # a post in no campaign: the workspace's chain
        )
        verdicts = tuple(
            verdict_of(r[0], r[1], json.loads(r[2]))
            for r in self.conn.execute(
                "SELECT a.id, a.op_id, o.value FROM post_approval AS a JOIN ops AS o ON o.row_id = a.id AND o.op_id = a.op_id WHERE a.post = ?",
                (post_id,),
            )
        )
        return PostReview(
            campaign,
            json.loads(round_json) if round_json else None,
            content_hash(copy or "", link or "", json.loads(media or "[]"), first_comment or ""),
            steps_of(json.loads(chain[0] or "[]")) if chain else (),
            verdicts,
            round_authors(self.post_changes(post_id), json.loads(round_json)["hash"] if round_json else None),
            # Every member (whoever gave a verdict among them): whether anyone but the round's authors may take a step
            # (``postround.untakable``).
            self._all_reviewers(),
            platform,
            frozenset(json.loads(resumed or "[]")),
            state,
            slot,
            title,
            campaign_slug(campaign, chain[1] if chain else None) if campaign else None,
        )

    def post_changes(self, post_id: str) -> list[PostChange]:
        return stored_changes(self.conn, [post_id]).get(post_id, [])

    def reviewer(self, member_id: str) -> Reviewer | None:
        return self._all_reviewers().get(member_id)

    def _all_reviewers(self) -> dict[str, Reviewer]:
        """Every member's facts as a reviewer (removed ones too), in one query the first time asked: each post judged
        reads all of them (``post_review``), and a batch judges up to hundreds.  A rule state judges one batch, inside its
        transaction, before anything of it is written."""
        if self._reviewers is None:
            removed = self._removed_member()
            self._reviewers = {
                member_id: Reviewer(
                    member_id,
                    access or "member",
                    frozenset(json.loads(groups or "[]")),
                    frozenset(json.loads(campaigns or "[]")),
                    bool(deleted) or member_id == removed,
                )
                for member_id, access, groups, campaigns, deleted in self.conn.execute(
                    "SELECT id, access, groups, campaigns, deleted FROM member"
                )
            }
        return self._reviewers

    def record_exists(self, entity: str, row_id: str) -> bool:
        return self.conn.execute(f"SELECT 1 FROM [{entity}] WHERE id = ?", (row_id,)).fetchone() is not None

    def crises(self) -> list[tuple[str, dict[str, Any], str | None]]:
        return [
            (c[0], {"reason": c[1], "campaigns": json.loads(c[2] or "[]"), "platforms": json.loads(c[3] or "[]"), "started_at": c[4]}, c[5])
            for c in self.conn.execute(
                "SELECT c.id, c.reason, c.campaigns, c.platforms, c.started_at, "
                "(SELECT min(e.ended_at) FROM crisis_end e WHERE e.crisis = c.id) FROM crisis c"
            )
        ]

    def platforms_in_use(self) -> set[str]:
        query = (
            "SELECT p.value FROM campaign AS c, json_each(c.platforms) AS p WHERE c.deleted = 0 "
            "UNION SELECT platform FROM task WHERE platform IS NOT NULL AND deleted = 0"
        )
        return {row[0] for row in self.conn.execute(query) if isinstance(row[0], str)}

    def removed_campaigns(self, campaign_ids: Sequence[str]) -> set[str]:
        query = "SELECT id FROM campaign WHERE deleted = 1 AND id IN (SELECT value FROM json_each(?))"
        return {row[0] for row in self.conn.execute(query, (json.dumps(list(campaign_ids)),))}

    def task_campaign(self, task_id: str) -> str | None:
        row = self.conn.execute("SELECT campaign FROM task WHERE id = ?", (task_id,)).fetchone()
        return None if row is None else row[0]

    def campaign_name(self, campaign_id: str) -> str | None:
        row = self.conn.execute("SELECT name FROM campaign WHERE id = ?", (campaign_id,)).fetchone()
        return None if row is None else row[0]

    def campaign_run(self, campaign_id: str) -> tuple[str | None, str | None]:
        row = self.conn.execute("SELECT start, [end] FROM campaign WHERE id = ?", (campaign_id,)).fetchone()
        return (None, None) if row is None else (row[0], row[1])

    def task_content(self, task_id: str) -> dict[str, Any]:
        fields = (*CONTENT_FIELDS, "platform")
        row = self.conn.execute(f"SELECT {', '.join(fields)} FROM task WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            return {}
        return {name: json.loads(value or "[]") if name == "media" else value for name, value in zip(fields, row)}

    def had_round(self, post_id: str, round_id: str, digest: str) -> bool:
        query = (
            "SELECT 1 FROM ops WHERE row_id = ? AND field = 'post_round' AND json_extract(value, '$.id') = ? "
            "AND json_extract(value, '$.hash') = ? LIMIT 1"
        )
        return self.conn.execute(query, (post_id, round_id, digest)).fetchone() is not None

    def field_winners(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        found = {}
        for row_id, field_name in keys:
            # The log's unique (row_id, field, op_id) index: one step to each field's newest stamp.
            row = self.conn.execute("SELECT max(op_id) FROM ops WHERE row_id = ? AND field = ?", (row_id, field_name)).fetchone()
            if row[0] is not None:
                found[(row_id, field_name)] = row[0]
        return found

    def task_assignees(self, task_ids: Sequence[str]) -> dict[str, str]:
        if not task_ids:
            return {}
        query = "SELECT id, assignee FROM task WHERE id IN (SELECT value FROM json_each(?)) AND assignee IS NOT NULL"
        return dict(self.conn.execute(query, (json.dumps(list(task_ids)),)).fetchall())

    def task_states(self, task_ids: Sequence[str]) -> dict[str, TaskState]:
        if not task_ids:
            return {}
        query = "SELECT id, status, deleted FROM task WHERE id IN (SELECT value FROM json_each(?))"
        rows = self.conn.execute(query, (json.dumps(list(task_ids)),)).fetchall()
        return {task_id: TaskState(status, bool(deleted)) for task_id, status, deleted in rows}

    def post_states(self, task_ids: Sequence[str]) -> dict[str, str]:
        query = "SELECT id, post_state FROM task WHERE id IN (SELECT value FROM json_each(?)) AND post_state IS NOT NULL"
        return dict(self.conn.execute(query, (json.dumps(list(task_ids)),)).fetchall())

    def open_tasks_of(self, member_id: str) -> list[str]:
        marks = ", ".join("?" * len(OPEN_STATUSES))
        query = f"SELECT id FROM task WHERE deleted = 0 AND assignee = ? AND status IN ({marks}) ORDER BY id"
        return [row[0] for row in self.conn.execute(query, (member_id, *OPEN_STATUSES))]
