"""What a result counts, as people name it, and how a day's numbers are written.

``POST`` (a task's id or prefix, or its title when one post has it), ``+campaign/platform`` (a campaign on a
platform that reports no posts) or ``/platform`` (the workspace's
followers there).  Results are keyed by what they count and the day
(``records.result_id``): two members writing the same day's numbers write
the same record, and the later write wins, field by field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crewdeck.sync.state.copylimits import LIMITS
from crewdeck.sync.state.money import MoneyError, parse_amount
from crewdeck.sync.state.records import MAX_COUNT, RESULT, RESULT_COUNTS, ValidationError, composed, platform_name, result_id
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import quoted, visible
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Workspace

#: Every metric ``kpi add`` takes, with the field it fills.
METRICS: dict[str, str] = {
    **{name: name for name in RESULT_COUNTS},
    "followers": "followers",
    "value": "conversion_value",
    "conversion_value": "conversion_value",
}
#: The platform an ad export's campaigns count their results on, by the export's format.
PLATFORM = {"meta": "meta", "linkedin": "linkedin"}


@dataclass(frozen=True)
class Key:
    """What a result counts (the day apart)."""

    kind: str
    post: str | None = None
    campaign: str | None = None
    platform: str | None = None

    def row_id(self, day: str) -> str:
        """The record of the day's numbers: its id gives its key fields (``records.result_key``), which no write sets."""
        return result_id(self.kind, day, post=self.post, campaign=self.campaign, platform=self.platform)


def target_text(ws: Workspace, key: Key) -> str:
    """``key`` as ``kpi add`` takes it: ``+spring-launch/instagram``, ``/instagram``, a post's id."""
    if key.kind == "followers":
        return f"/{key.platform}"
    if key.kind == "campaign":
        campaign = ws.campaign(key.campaign or "")
        return f"+{campaign.slug if campaign else key.campaign}/{key.platform}"
    return (key.post or "")[:8]


def platform(text: str) -> str:
    """A platform as typed (``Instagram``) as results key it (``instagram``)."""
    try:
        return platform_name(text.strip().lower())
    except ValueError as exc:
        raise UserError(str(exc)) from None


def parse_target(ws: Workspace, text: str) -> Key:
    """``POST`` id, prefix or title, ``+campaign/platform`` or ``/platform`` (followers)."""
    raw = text.strip()
    if raw.startswith("/"):
        return Key("followers", platform=_known(ws, raw, platform(raw[1:])))
    if raw.startswith("+"):
        name, slash, where = raw[1:].rpartition("/")
        if not slash or not name:
            raise UserError(f"{raw!r}: name the platform, as in +{raw[1:] or 'campaign'}/instagram")
        return Key("campaign", campaign=ws.campaign_by_name(name).id, platform=_known(ws, raw, platform(where)))
    post = _post(ws, raw)
    problem = not_a_post(ws, post)
    if problem:
        raise UserError(problem)
    return Key("post", post=post)


def _post(ws: Workspace, raw: str) -> str:
    """A post by its id (or prefix) or, as ``kpi import`` reads one, by its title, when one post has it: of several, none is guessed."""
    refused: UserError | None = None
    if re.fullmatch(r"[0-9a-f]{4,32}", raw.lower()):
        try:
            return ws.resolve("task", raw, live=True)
        except UserError as exc:
            refused = exc
    key = title_key(raw)
    found = titled_post(ws, raw, tasks_by_title(ws, key).get(key, []))
    if found is not None:
        return found
    if refused is not None:
        raise refused
    raise UserError(f"no post with the id or title {quoted(raw)}")


#: A task as a typed title finds it: its id, whether it is a post (a live task of a campaign), whether it was deleted.
Titled = tuple[str, bool, bool]


def title_key(text: str) -> str:
    """How a title (or a campaign's name) typed or read from a file is matched with a stored one: composed, as text is
    stored (a file may spell an accent as its own mark, as a Mac may), stripped, in lower case by Python's rules."""
    return composed(text.strip()).lower()


def tasks_by_title(ws: Workspace, only: str | None = None) -> dict[str, list[Titled]]:
    """Every task by its title as a typed one is matched (stripped, in lower case by Python's rules: SQLite's lower()
    knows ASCII alone, and "Über reel" typed as it reads found no post), in no order (``titled_post`` needs none);
    ``only``: those of that title alone (one title typed: no dict of the whole workspace)."""
    out: dict[str, list[Titled]] = {}
    for task_id, title, campaign, deleted in ws.conn.execute("SELECT id, title, campaign, deleted FROM task"):
        key = title_key(title or "")
        if only is None or key == only:
            out.setdefault(key, []).append((task_id, bool(campaign) and not deleted, bool(deleted)))
    return out


def titled_post(ws: Workspace, raw: str, titled: Sequence[Titled]) -> str | None:
    """What ``raw``, a title, names among the tasks ``titled`` so (``kpi add``'s and ``kpi import``'s one rule): the one
    post of that title, a plain task or a deleted post beside it aside; several posts are refused, naming each; with no
    post, a task of that title, the live ones first, which ``not_a_post`` says is none (or was deleted); None: no task."""
    posts = [task_id for task_id, post, _ in titled if post]
    if len(posts) > 1:
        raise UserError(titled_several(ws, raw, posts))
    if posts:
        return posts[0]
    if titled:
        return min(titled, key=lambda row: (row[2], row[0]))[0]
    return None


def titled_several(ws: Workspace, raw: str, posts: Sequence[str]) -> str:
    """The refusal of a title several posts have, naming each (``1a2b3c4d (+launch, tiktok) or ...``), in the order of
    their ids: ``kpi add``'s and ``kpi import``'s words."""
    named = " or ".join(_candidate(ws, post) for post in sorted(posts))
    return f"{len(posts)} posts are titled {quoted(raw)}: give the id: {named}"


def _candidate(ws: Workspace, post_id: str) -> str:
    """A post among others of its title, as a refusal names it: its id, then what tells it apart, its campaign and
    platform (``1a2b3c4d (+launch, tiktok)``): one creative on two platforms has one title, and an id alone says neither."""
    campaign_id, platform = ws.conn.execute("SELECT campaign, lower(platform) FROM task WHERE id = ?", (post_id,)).fetchone()
    campaign = ws.campaign(campaign_id) if campaign_id else None
    said = [*([f"+{campaign.slug if campaign else campaign_id[:8]}"] if campaign_id else []), *([visible(platform)] if platform else [])]
    return f"{post_id[:8]} ({', '.join(said)})" if said else post_id[:8]


def _known(ws: Workspace, raw: str, name: str) -> str:
    """A platform typed by hand, when the workspace knows it: one posts have limits for, an ad export's, one a campaign
    runs on, or one results were imported for.  A typo (``instagarm``) would otherwise count a day no report shows on the platform meant."""
    known = set(LIMITS) | set(PLATFORM.values()) | {where for campaign in ws.campaigns() for where in campaign.platforms}
    if name in known or ws.conn.execute("SELECT 1 FROM result WHERE platform = ? LIMIT 1", (name,)).fetchone():
        return name
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise UserError(
        f"{visible(raw)}: {name} is no platform of this workspace{hint}; a new one is added to a campaign's platforms first "
        "(crewdeck campaign set CAMPAIGN --platforms …)"
    )


def not_a_post(ws: Workspace, task_id: str) -> str:
    """Why a task takes no results (a report counts a post's results in its campaign; a deleted one takes no more), or ``""``."""
    row = ws.conn.execute("SELECT campaign, deleted, title FROM task WHERE id = ?", (task_id,)).fetchone()
    if row is not None and row[1]:
        named = f" “{visible(row[2])}”" if row[2] else ""
        return f"task {task_id[:8]}{named} was deleted (crewdeck log {task_id[:8]} says when and by whom)"
    if row is not None and row[0]:
        return ""
    return f"{task_id[:8]} is not a post of a campaign: no report would count its results (crewdeck set {task_id[:8]} campaign=+CAMPAIGN)"


def parse_values(pairs: Iterable[str], key: Key, base_currency: str) -> dict[str, Any]:
    """``impressions=1200 clicks=14 value="42.00 EUR"`` -> checked field values (``clicks=none``: None, to clear it)."""
    values: dict[str, Any] = {}
    #: The pair that gave each field: a field given twice is refused, naming both (which was meant is a guess).
    given: dict[str, str] = {}
    for pair in pairs:
        name, eq, raw = pair.partition("=")
        metric = name.strip().lower()
        if not eq or metric not in METRICS:
            raise UserError(f"{pair!r}: write METRIC=N, with METRIC one of {', '.join(METRICS)}")
        field = METRICS[metric]
        if field in given:
            raise UserError(f"{pair!r}: {field.replace('_', ' ')} is given twice ({visible(given[field])}): give it once")
        given[field] = pair
        if (field == "followers") != (key.kind == "followers"):
            raise UserError(
                f"{metric}: followers are counted per platform (/instagram)"
                if field == "followers"
                else f"{metric}: /platform counts followers only"
            )
        values[field] = _value(field, raw.strip(), base_currency, metric)
    if not values:
        raise UserError("give at least one METRIC=N")
    return values


def _value(field: str, raw: str, base_currency: str, typed: str) -> Any:
    """``raw`` checked as ``field``; a problem is said of the metric as ``typed`` (``value``, not ``conversion_value``)."""
    if raw.lower() == "none":  # cleared: a count given by mistake, a value in the wrong currency (kept once given)
        return None
    if field == "conversion_value":
        try:
            amount, currency = parse_amount(raw, base_currency)
        except MoneyError as exc:
            raise UserError(f"{typed}: {exc}") from None
        value: Any = {"amount": amount, "currency": currency}
    elif raw.isascii() and raw.isdigit():
        if above_counts(raw):
            raise UserError(f"{typed}: {too_large(raw)}")
        value = int(raw)
    else:
        raise UserError(f"{typed}: {raw!r} is not a count (a whole number, no separators)")
    try:
        return RESULT.check(field, value)
    except ValidationError as exc:
        raise UserError(f"{typed}: {exc.problem}") from None


#: How many digits the largest count has.
_COUNT_DIGITS = len(str(MAX_COUNT))


def above_counts(digits: str) -> bool:
    """Whether ASCII digits give more than any count, read without ``int`` of them all (it refuses 4,301 digits)."""
    if len(digits) < _COUNT_DIGITS:  # fewer digits than the largest count, leading zeros and all: below it (most counts)
        return False
    significant = digits.lstrip("0")
    return len(significant) > _COUNT_DIGITS or int(significant or "0") > MAX_COUNT


def too_large(raw: str) -> str:
    """What is said of a whole number above any count (the store's bound), as it was given."""
    return f"{quoted(raw)} is more than a count can be (at most {MAX_COUNT:,})"


def write(store: Store, member: str, rows: Iterable[tuple[Key, str, dict[str, Any]]], source: str) -> int:
    """Write a day's numbers per key in one transaction; how many records were written."""
    written = 0
    with store.write(member) as w:
        for key, day, values in rows:
            w.set("result", key.row_id(day), {**values, "source": source})
            written += 1
    return written
