"""Results summed per campaign, platform and day, kept by triggers: what the Results screen's periods read.

A week of daily results is thousands of records (a record per post and
day); the screen shows them per campaign, for the period, the period
before and the last 30 days.  ``result_day`` holds, per campaign, platform
and day, the sums of every count, the number of records with a reach and
the largest daily reach: a campaign-day is a few rows however many posts
it has.  As in ``rollup``, ``COUNT_rows`` counts the records that gave each
count (a sum of 0 from none is "not reported").  A post's record counts where its task is (the task's campaign and
lowercased platform, as ``report`` places it); a campaign record where it
says.  Records of posts with no campaign (or no task yet) count nowhere.

Triggers on ``result`` keep it up to date in the transaction that changes
a record, and triggers on ``task`` move a post's days when its campaign or
platform changes, or when the task arrives after its results (a pull may
bring them in that order), however the change came.  It is local, derived
state, never replicated.

Counts are kept exactly by adding and subtracting.  The largest reach
cannot be subtracted: a change that lowers or removes the record holding
it marks the row ``stale``, and a reader takes that row from the daily
records again (``report`` does).
"""

from __future__ import annotations

from crewdeck.sync.state.records import RESULT_COUNTS
from crewdeck.sync.state.rollup import GIVEN, given_added, given_columns, given_values, holds_any

TABLE = "result_day"
KEY = ("day", "campaign", "platform")
_COUNTS = RESULT_COUNTS
_COLUMNS = f"{', '.join(KEY)}, {', '.join(_COUNTS)}, reach_max, {', '.join(GIVEN.values())}, rows"
_ADDED = (
    f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
    + ", ".join(f"{n} = {n} + excluded.{n}" for n in _COUNTS)
    + ", reach_max = CASE WHEN excluded.reach_max IS NULL THEN reach_max WHEN reach_max IS NULL THEN excluded.reach_max "
    f"ELSE max(reach_max, excluded.reach_max) END, {given_added()}, rows = rows + excluded.rows"
)


def _campaign(prefix: str) -> str:
    """The campaign a record counts for (``NULL``: none), as ``report._placed`` places it."""
    return (
        f"CASE WHEN {prefix}.kind = 'post' THEN (SELECT campaign FROM task WHERE id = {prefix}.post) ELSE nullif({prefix}.campaign, '') END"
    )


def _platform(prefix: str) -> str:
    return (
        f"coalesce(CASE WHEN {prefix}.kind = 'post' THEN (SELECT lower(platform) FROM task WHERE id = {prefix}.post) "
        f"ELSE nullif({prefix}.platform, '') END, '')"
    )


def _counted(prefix: str) -> str:
    return f"{prefix}.kind IN ('post', 'campaign') AND {prefix}.day IS NOT NULL"


def _add_record(prefix: str) -> str:
    counts = ", ".join(f"coalesce({prefix}.{n}, 0)" for n in _COUNTS)
    return (
        f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT {prefix}.day, placed.campaign, placed.platform, {counts}, "
        f"{prefix}.reach, {given_values(prefix)}, {holds_any(prefix)} "
        f"FROM (SELECT {_campaign(prefix)} AS campaign, {_platform(prefix)} AS platform) AS placed "
        f"WHERE placed.campaign IS NOT NULL AND {_counted(prefix)} {_ADDED}"
    )


def _subtract_record(prefix: str, stale: str) -> str:
    sets = ", ".join(f"{n} = {n} - coalesce({prefix}.{n}, 0), {GIVEN[n]} = {GIVEN[n]} - ({prefix}.{n} IS NOT NULL)" for n in _COUNTS)
    return (
        f"UPDATE {TABLE} SET {sets}, rows = rows - {holds_any(prefix)}, "
        f"stale = stale OR ({prefix}.reach IS NOT NULL AND {prefix}.reach >= reach_max AND ({stale})) "
        f"WHERE day = {prefix}.day AND campaign = {_campaign(prefix)} AND platform = {_platform(prefix)} AND {_counted(prefix)}"
    )


#: Indexes these triggers read: a big write keeps them (``store._indexes_built_after``), or every
#: task it writes with a campaign would read the whole results table.
TRIGGER_INDEXES = frozenset({"result_by_post"})


def _post_days(task: str) -> str:
    """A post's records summed per day: the rows a task's arrival, move or removal adds or takes away."""
    sums = ", ".join(f"coalesce(sum(r.{n}), 0) AS d_{n}" for n in _COUNTS)
    given = ", ".join(f"count(r.{n}) AS d_{GIVEN[n]}" for n in _COUNTS)
    return (
        f"SELECT r.day AS d_day, {sums}, max(r.reach) AS d_reach_max, {given}, sum({holds_any('r')}) AS d_rows "
        f"FROM result r WHERE r.post = {task}.id AND r.kind = 'post' AND r.day IS NOT NULL GROUP BY r.day"
    )


def _add_post(task: str) -> str:
    values = ", ".join(f"d_{n}" for n in _COUNTS)
    given = ", ".join(f"d_{column}" for column in GIVEN.values())
    return (
        f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT d_day, {task}.campaign, coalesce(lower({task}.platform), ''), {values}, "
        f"d_reach_max, {given}, d_rows FROM ({_post_days(task)}) WHERE {task}.campaign IS NOT NULL {_ADDED}"
    )


def _subtract_post(task: str) -> str:
    sets = ", ".join(f"{n} = {n} - d_{n}, {GIVEN[n]} = {GIVEN[n]} - d_{GIVEN[n]}" for n in _COUNTS)
    return (
        f"UPDATE {TABLE} SET {sets}, rows = rows - d_rows, "
        f"stale = stale OR (d_reach_max IS NOT NULL AND d_reach_max >= reach_max) FROM ({_post_days(task)}) "
        f"WHERE day = d_day AND campaign = {task}.campaign AND platform = coalesce(lower({task}.platform), '')"
    )


#: An update that may leave a row's largest reach unknown: a lower or no reach, or a record that moved.
_LOWERED = "NEW.reach IS NULL OR NEW.reach < OLD.reach OR " + " OR ".join(
    f"OLD.{c} IS NOT NEW.{c}" for c in ("kind", "post", "campaign", "platform", "day")
)
_TASK_MOVED = "OLD.campaign IS NOT NEW.campaign OR lower(OLD.platform) IS NOT lower(NEW.platform)"

STATEMENTS = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        day TEXT NOT NULL, campaign TEXT NOT NULL, platform TEXT NOT NULL,
        {", ".join(f"{n} INTEGER NOT NULL DEFAULT 0" for n in _COUNTS)},
        reach_max INTEGER, {given_columns()},
        rows INTEGER NOT NULL DEFAULT 0, stale INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY ({", ".join(KEY)})
    ) WITHOUT ROWID""",
    # A campaign's run (the screen's third period) is read by campaign.
    f"CREATE INDEX IF NOT EXISTS {TABLE}_by_campaign ON {TABLE}(campaign, day)",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_result_insert AFTER INSERT ON result BEGIN
        {_add_record("NEW")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_result_update AFTER UPDATE ON result BEGIN
        {_subtract_record("OLD", _LOWERED)};
        {_add_record("NEW")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_result_delete AFTER DELETE ON result BEGIN
        {_subtract_record("OLD", "1")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_task_insert AFTER INSERT ON task WHEN NEW.campaign IS NOT NULL BEGIN
        {_add_post("NEW")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_task_update AFTER UPDATE OF campaign, platform ON task WHEN {_TASK_MOVED} BEGIN
        {_subtract_post("OLD")};
        {_add_post("NEW")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_task_delete AFTER DELETE ON task WHEN OLD.campaign IS NOT NULL BEGIN
        {_subtract_post("OLD")};
    END""",
)

#: Fills the table from the daily records a workspace already holds.
FILL = (
    f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT r.day, "
    "CASE WHEN r.kind = 'post' THEN t.campaign ELSE nullif(r.campaign, '') END AS placed, "
    "coalesce(CASE WHEN r.kind = 'post' THEN lower(t.platform) ELSE nullif(r.platform, '') END, ''), "
    f"{', '.join(f'coalesce(sum(r.{n}), 0)' for n in _COUNTS)}, max(r.reach), {', '.join(f'count(r.{n})' for n in _COUNTS)}, count(*) "
    "FROM result r LEFT JOIN task t ON r.kind = 'post' AND t.id = r.post "
    f"WHERE r.kind IN ('post', 'campaign') AND r.day IS NOT NULL AND {holds_any('r')} AND placed IS NOT NULL GROUP BY 1, 2, 3"
)
