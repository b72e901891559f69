"""Posts read from a workspace file (or a replica) with plain ``sqlite3``: facts, states, crises, settings.

These are the read functions the CLI and the app call; each takes the
store's connection and, where a state depends on it, the time now.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crewdeck.sync.state import postround
from crewdeck.sync.state.acting import actor_of
from crewdeck.sync.state.postchanges import stored_changes
from crewdeck.sync.state.postround import Reviewer, RoundStatus, Step, Verdict, content_hash, evaluate, may_take, steps_of
from crewdeck.sync.state.records import DEFAULT_CRISIS_CHECKLIST
from crewdeck.tui.posts.expiring import approval_lead
from crewdeck.tui.posts.states import Crisis, PostFacts, effective_state, holding, label, parse_instant
from crewdeck.tui.workspace.config import DEFAULT_PEAK_HOURS, PublishConfig


@dataclass(frozen=True)
class PostSettings:
    """The workspace's shared post settings (managers change them; ``crewdeck workspace set``)."""

    approval_lead: dt.timedelta
    min_gap: dt.timedelta
    quiet_days: int
    publish_lead_hours: int
    #: Peak hours per platform the workspace names (the others keep the defaults of ``config.DEFAULT_PEAK_HOURS``).
    peak_hours: Mapping[str, list[str]]
    crisis_checklist: Sequence[Mapping[str, Any]]
    #: The workspace's zone, when it has one.
    zone: str | None = None


def settings(conn: sqlite3.Connection) -> PostSettings:
    row = conn.execute(
        "SELECT approval_lead_minutes, min_gap_minutes, quiet_days, publish_lead_hours, peak_hours, crisis_checklist, tz "
        "FROM workspace WHERE id = 'workspace'"
    ).fetchone()
    if row is None:
        row = (None, 180, 3, 24, None, None, None)
    lead, gap, quiet, publish_lead, peaks, checklist, zone = row
    return PostSettings(
        approval_lead(lead),
        dt.timedelta(minutes=180 if gap is None else gap),
        3 if quiet is None else quiet,
        24 if publish_lead is None else publish_lead,
        json.loads(peaks) if peaks else {},
        json.loads(checklist) if checklist else DEFAULT_CRISIS_CHECKLIST,
        zone,
    )


def crises(conn: sqlite3.Connection) -> list[Crisis]:
    """Every crisis, oldest first, with its end when it has one."""
    ends = {
        row[0]: row[1:]
        for row in conn.execute("SELECT crisis, ended_by, ended_at, resume FROM crisis_end ORDER BY op_id DESC")  # the first end wins
    }
    out = []
    for crisis_id, reason, campaigns, platforms, by, at in conn.execute(
        "SELECT id, reason, campaigns, platforms, started_by, started_at FROM crisis ORDER BY started_at, id"
    ):
        end = ends.get(crisis_id)
        out.append(
            Crisis(
                crisis_id,
                reason,
                frozenset(json.loads(campaigns or "[]")),
                frozenset(json.loads(platforms or "[]")),
                by,
                parse_instant(at),
                end[0] if end else None,
                parse_instant(end[1]) if end else None,
                end[2] if end else None,
            )
        )
    return out


def open_crises(conn: sqlite3.Connection) -> list[Crisis]:
    return [c for c in crises(conn) if c.open]


def reviewers(conn: sqlite3.Connection) -> dict[str, Reviewer]:
    return {
        row[0]: Reviewer(
            row[0], row[1] or "member", frozenset(json.loads(row[2] or "[]")), frozenset(json.loads(row[3] or "[]")), bool(row[4])
        )
        for row in conn.execute("SELECT id, access, groups, campaigns, deleted FROM member")
    }


def chains(conn: sqlite3.Connection) -> dict[str, tuple[Step, ...]]:
    """Each campaign's approval chain, by its id, and under ``""`` the workspace's: the chain of the posts in no campaign."""
    found = {row[0]: steps_of(json.loads(row[1] or "[]")) for row in conn.execute("SELECT id, approvals FROM campaign")}
    workspace = conn.execute("SELECT approvals FROM workspace").fetchone()
    found[""] = steps_of(json.loads(workspace[0] or "[]")) if workspace else ()
    return found


def steps_nobody_takes(conn: sqlite3.Connection, campaign: str, handles: Mapping[str, str]) -> list[tuple[Step, str]]:
    """The steps of a campaign's chain no member may take, each with why: its posts would wait on them for ever."""
    people = reviewers(conn)
    out = []
    for step in chains(conn).get(campaign, ()):
        if any(may_take(step, someone, campaign) for someone in people.values()):
            continue
        if step.member is None:
            why = f"nobody is in group {step.group}"
        else:
            named = people.get(step.member)
            handle = step.who({member: f"@{handle}" for member, handle in handles.items()})  # "was removed" says it
            guest = (
                f"{handle} is a guest not given this campaign"
                if campaign
                else f"{handle} is a guest, who approves only their campaigns' posts"
            )
            why = f"{handle} was removed" if named is None or named.deleted else guest
        out.append((step, why))
    return out


def verdict_words(verdict: Verdict) -> str:
    """A verdict as a post's history says it: "approved copy", "requested changes (copy)", "withdrew their approval
    (copy)" (``post show``'s WHAT, and ``show``'s and the app's detail's history, each in its own words after who gave
    it)."""
    if verdict.verdict == "withdraw":
        return f"withdrew their approval ({verdict.step})"
    return f"approved {verdict.step}" if verdict.verdict == "approve" else f"requested changes ({verdict.step})"


def verdicts(conn: sqlite3.Connection, post_ids: Sequence[str] | None = None) -> dict[str, list[Verdict]]:
    # Who acted as its giver (``--as``): a request for changes says both, as its notice does.
    sql = (
        "SELECT p.id, p.op_id, p.post, p.round, p.step, p.hash, p.verdict, p.note, p.approved_by, p.approved_at, "
        f"{actor_of('p.approved_by', 'p.op_id')} FROM post_approval AS p"
    )
    rows = (
        conn.execute(sql + " WHERE p.post IN (SELECT value FROM json_each(?))", (json.dumps(list(post_ids)),))
        if post_ids is not None
        else conn.execute(sql)
    )
    out: dict[str, list[Verdict]] = defaultdict(list)
    for row_id, op_id, post, round_id, step, digest, verdict, note, by, at, actor in rows:
        out[post].append(Verdict(row_id, op_id, round_id, step, digest, verdict, note or "", by, at, actor))
    return out


def round_authors(conn: sqlite3.Connection, digests: Mapping[str, str | None]) -> dict[str, frozenset[str]]:
    """The authors of each of these posts' current rounds, by post id, ``digests`` its round's content hash (``None``: no
    round; ``round_hashes``), as the judge rules them: ``postround.round_authors`` of the changes the rules read
    (``postchanges.stored_changes``, in the order they were stored).  Who changed the content since the previous round
    with other content (every change, for a post never submitted with other content); a round submitted again unchanged
    keeps its authors, and a round put back or withdrawn submits nothing.

    Read from the log, so an edit overwritten by a later one still makes its
    member an author (and the manager who made it acting as them).
    """
    if not digests:
        return {}
    return {post: postround.round_authors(changes, digests[post]) for post, changes in stored_changes(conn, list(digests)).items()}


def round_hashes(conn: sqlite3.Connection, post_ids: Sequence[str]) -> dict[str, str | None]:
    """The content hash of each of these posts' current rounds (``None``: none): what ``round_authors`` takes."""
    return dict(
        conn.execute(
            "SELECT id, json_extract(post_round, '$.hash') FROM task WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(post_ids)),),
        ).fetchall()
    )


def post_content(conn: sqlite3.Connection, post_id: str) -> dict[str, Any]:
    """The post's content as it is stored now: its copy, link and first comment (text, "" when none) and media (a list)."""
    row = conn.execute("SELECT copy, link, media, first_comment FROM task WHERE id = ?", (post_id,)).fetchone()
    copy, link, media, first_comment = row if row is not None else (None, None, None, None)
    return {"copy": copy or "", "link": link or "", "media": json.loads(media or "[]"), "first_comment": first_comment or ""}


#: The post's columns; the round's id, hash and time read by SQLite (faster than a JSON parse per post).
_POST_COLUMNS = (
    "id, title, post_state, campaign, platform, publish_utc, publish_tz, resumed_from, "
    "json_extract(post_round, '$.id'), json_extract(post_round, '$.hash'), json_extract(post_round, '$.at'), "
    "json_type(post_round, '$.campaign'), json_extract(post_round, '$.campaign'), "
    "json_type(post_round, '$.platform'), json_extract(post_round, '$.platform'), "
    "copy, link, media, first_comment, created_by"
)
#: Stored states whose round decides what the post reads.
_IN_A_ROUND = frozenset({"in-review", "scheduled"})


def post_facts(conn: sqlite3.Connection, post_ids: Sequence[str] | None = None) -> list[PostFacts]:
    """The facts of every post (or of these), by slot then id."""
    where = "post_state IS NOT NULL AND deleted = 0"
    params: tuple[Any, ...] = ()
    if post_ids is not None:
        where += " AND id IN (SELECT value FROM json_each(?))"
        params = (json.dumps(list(post_ids)),)
    rows = conn.execute(f"SELECT {_POST_COLUMNS} FROM task WHERE {where} ORDER BY publish_utc IS NULL, publish_utc, id", params).fetchall()
    campaign_chains = chains(conn)
    people = reviewers(conn)
    all_verdicts = verdicts(conn, None if post_ids is None else [r[0] for r in rows])
    # Authors matter only where a round can be open (one with a step to take): none of its verdicts counts, a step only
    # they may take waits for ever (``postround.untakable``), and it waits on no author (``needing``).  One read for all.
    authors = round_authors(
        conn, {r[0]: r[9] for r in rows if r[8] is not None and r[2] in _IN_A_ROUND and campaign_chains.get(r[3] or "")}
    )
    out = []
    no_verdicts: tuple[Verdict, ...] = ()
    for (
        post_id,
        title,
        stored,
        campaign,
        platform,
        slot,
        slot_tz,
        resumed,
        round_id,
        round_hash,
        round_at,
        round_campaign_type,
        round_campaign,
        round_platform_type,
        round_platform,
        copy,
        link,
        media,
        first_comment,
        created_by,
    ) in rows:
        post_round: dict[str, Any] | None = None
        if round_id is not None:
            post_round = {"id": round_id, "hash": round_hash, "at": round_at}
            if round_campaign_type is not None:  # rounds stored before the campaign was kept have none
                post_round["campaign"] = round_campaign
            if round_platform_type is not None:
                post_round["platform"] = round_platform
        # The content's hash only where a round can count (the others read as they are stored).
        current = (
            content_hash(copy or "", link or "", json.loads(media) if media and media != "[]" else (), first_comment or "")
            if post_round is not None and stored in _IN_A_ROUND
            else ""
        )
        status = evaluate(
            post_round=post_round,
            current_hash=current,
            chain=campaign_chains.get(campaign or "", ()),
            verdicts=all_verdicts.get(post_id, no_verdicts),
            authors=authors.get(post_id, ()),
            reviewers=people,
            campaign=campaign,
            platform=platform,
            members=people,
        )
        out.append(
            PostFacts(
                post_id,
                title or "",
                stored,
                campaign,
                platform,
                parse_instant(slot) if slot else None,
                slot_tz,
                frozenset(json.loads(resumed)) if resumed and resumed != "[]" else frozenset(),
                status,
                round_at,
                created_by,
            )
        )
    return out


@dataclass(frozen=True)
class PostView:
    """A post as read now: its facts, its state and the crises holding it."""

    facts: PostFacts
    state: str
    held_by: tuple[Crisis, ...]

    @property
    def id(self) -> str:
        return self.facts.id

    @property
    def round(self) -> RoundStatus:
        return self.facts.round


def state_words(post: PostView, names: Mapping[str, str]) -> str:
    """A post's state as a line says it, with where its round stands: "in review (step 1 of 2 (copy), @mia, still
    open)"; changes requested said once, by whom: "changes requested by @acme: shorter" ("changes requested (changes
    requested by …)" said it twice).  ``names``: as ``Step.who`` takes them."""
    if post.state == "changes-requested" and post.round.rejection is not None:
        return post.round.describe(names)
    in_round = post.state in ("in-review", "changes-requested")
    return label(post.state) + (f" ({post.round.describe(names)})" if in_round else "")


def read_posts(conn: sqlite3.Connection, now: dt.datetime, post_ids: Sequence[str] | None = None) -> list[PostView]:
    """Every post (or these) with its state now, by slot then id."""
    lead = settings(conn).approval_lead
    known = crises(conn)
    out = []
    for facts in post_facts(conn, post_ids):
        held = holding(facts, known)
        out.append(PostView(facts, effective_state(facts, known, now, lead, held), tuple(held)))
    return out


def states_of(conn: sqlite3.Connection, task_ids: Sequence[str], now: dt.datetime) -> dict[str, str]:
    """The state each post among these tasks reads now (a task that is not a post is left out), for task lists."""
    found = posts_among(conn, task_ids)
    return {view.id: view.state for view in read_posts(conn, now, found)} if found else {}


def posts_among(conn: sqlite3.Connection, task_ids: Sequence[str]) -> list[str]:
    """Which of these tasks are posts (a post is a task with a post's state)."""
    rows = conn.execute(
        "SELECT id FROM task WHERE id IN (SELECT value FROM json_each(?)) AND post_state IS NOT NULL", (json.dumps(list(task_ids)),)
    )
    return [row[0] for row in rows]


def read_post(conn: sqlite3.Connection, post_id: str, now: dt.datetime) -> PostView | None:
    found = read_posts(conn, now, [post_id])
    return found[0] if found else None


def needs_me(conn: sqlite3.Connection, member: str, now: dt.datetime, actor: str | None = None) -> list[PostView]:
    """Posts in review whose next open step this member may take (and whose content they did not change), oldest slot
    first; ``actor``: a manager acting as them (``needing``)."""
    return needing(conn, member, read_posts(conn, now), actor)


def needing(conn: sqlite3.Connection, member: str, posts: Sequence[PostView], actor: str | None = None) -> list[PostView]:
    """Of these posts, those in review whose next open step ``member`` may take (and whose content they did not change).

    ``needs_me`` over a part of the posts: the Approvals view reads them a
    window at a time, so its first screen does not wait for them all.
    ``actor``: a manager acting as ``member`` (``--as``), who is still who they are to the rules
    (``rules.acting_verdict_refused``): no post of a round they changed or took a step of needs them.
    """
    me = reviewers(conn).get(member)
    people = {member} if actor is None else {member, actor}
    out = []
    for post in posts:
        index = post.round.next_step
        # The round's authors as ``post_facts`` read them for every round that can be open.
        if post.state != "in-review" or index is None or people & post.round.authors:
            continue
        if any(v is not None and v.by in people for v in post.round.satisfied):
            continue
        if may_take(post.round.steps[index], me, post.facts.campaign):
            out.append(post)
    return out


def post_ids(conn: sqlite3.Connection, kind: str, value: str, now: dt.datetime, actor: str | None = None) -> list[str]:
    """For the filter language: the posts in state ``value`` (``kind`` "state") or waiting for member ``value`` ("needs";
    ``actor`` a manager acting as them, ``needing``)."""
    if kind == "needs":
        return [v.id for v in needs_me(conn, value, now, actor)]
    return [v.id for v in read_posts(conn, now) if v.state == value]


def shared_publish(conn: sqlite3.Connection) -> PublishConfig:
    """The publish settings that decide posts' slots and drafts' due dates: the workspace's, over the built-in peak hours."""
    found = settings(conn)
    return PublishConfig(lead_hours=found.publish_lead_hours, peak_hours={**DEFAULT_PEAK_HOURS, **found.peak_hours})


def guest_campaigns(conn: sqlite3.Connection, member: str) -> frozenset[str]:
    """The campaigns a guest is given (``member set H --campaigns``): the only posts they see."""
    row = conn.execute("SELECT campaigns FROM member WHERE id = ?", (member,)).fetchone()
    try:
        campaigns = json.loads(row[0]) if row and row[0] else []
    except ValueError:
        campaigns = []
    return frozenset(c for c in campaigns if isinstance(c, str)) if isinstance(campaigns, list) else frozenset()
