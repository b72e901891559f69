"""Results summed per record key and month, kept by triggers: what reports over whole months read.

A report over a year of daily results would otherwise sum every daily
record.  ``result_month`` holds, per post (or campaign on a platform) and
month, the sums of every count, the number of records with a reach, the
largest daily reach and the last day with a record; triggers on the
``result`` table keep it up to date in the transaction that changes a
result, however the change came (a local write, a pull, a rebuild).  It is
local, derived state, never replicated, and the same on every replica
that holds the same results.

Beside each count's sum, ``COUNT_rows`` holds how many records gave that
count (``reach_rows``: a reach): a sum of 0 from no record that gave it is
"not reported", not 0 (``reported_sums``).

Counts are kept exactly by adding and subtracting.  The largest reach and
the last day cannot be subtracted: a change that lowers a record's reach,
or a record's removal, marks its month ``stale``, and a reader takes
those two from the daily records again (``report`` does, by an index).
"""

from __future__ import annotations

from crewdeck.sync.state.records import RESULT_COUNTS

TABLE = "result_month"
KEY = ("kind", "post", "campaign", "platform", "month")
_COUNTS = RESULT_COUNTS
#: Per count, the column of how many records gave it (``reach_rows``: how many gave a reach).
GIVEN = {name: f"{name}_rows" for name in RESULT_COUNTS}


def holds_any(prefix: str) -> str:
    """SQL: whether the record ``prefix`` holds anything reported, a count or a conversion value (1 or 0).  One whose
    every count was cleared counts as no day: no row of "—", no day more under one reach (which would read "≥")."""
    return "(" + " OR ".join(f"{prefix}.{name} IS NOT NULL" for name in (*RESULT_COUNTS, "value_amount")) + ")"


def given_values(prefix: str) -> str:
    """SQL: for each count, whether the record ``prefix`` gives it (1 or 0), in ``GIVEN``'s order."""
    return ", ".join(f"{prefix}.{name} IS NOT NULL" for name in GIVEN)


def given_added() -> str:
    """SQL for an upsert's SET: each count's records that gave it, plus the new record's."""
    return ", ".join(f"{column} = {column} + excluded.{column}" for column in GIVEN.values())


def given_columns() -> str:
    """SQL for a CREATE TABLE: the ``GIVEN`` columns."""
    return ", ".join(f"{column} INTEGER NOT NULL DEFAULT 0" for column in GIVEN.values())


def reported_sums(alias: str) -> str:
    """SQL: each count summed over a roll-up's rows, ``NULL`` where no record gave it (as ``sum`` over the records reads)."""
    return ", ".join(f"CASE WHEN sum({alias}.{GIVEN[name]}) > 0 THEN sum({alias}.{name}) END" for name in RESULT_COUNTS)


def _key(prefix: str) -> tuple[str, ...]:
    """The month a record counts in, as ``KEY``: ``NEW.`` or ``OLD.`` columns."""
    return (
        f"{prefix}.kind",
        f"coalesce({prefix}.post, '')",
        f"coalesce({prefix}.campaign, '')",
        f"coalesce({prefix}.platform, '')",
        f"substr({prefix}.day, 1, 7)",
    )


def _row(prefix: str) -> str:
    """The values a record adds to its month."""
    counts = ", ".join(f"coalesce({prefix}.{n}, 0)" for n in _COUNTS)
    held = holds_any(prefix)
    return f"{', '.join(_key(prefix))}, {counts}, {prefix}.reach, {given_values(prefix)}, CASE WHEN {held} THEN {prefix}.day ELSE '' END, {held}"


def _counted(prefix: str) -> str:
    return f"{prefix}.kind IN ('post', 'campaign') AND {prefix}.day IS NOT NULL"


_COLUMNS = f"{', '.join(KEY)}, {', '.join(_COUNTS)}, reach_max, {', '.join(GIVEN.values())}, last_day, rows"
#: ``{values}`` and ``{when}``: a SELECT with a WHERE, so that SQLite reads the ON CONFLICT as the upsert's.
_ADD = (
    f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT {{values}} WHERE {{when}} ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
    + ", ".join(f"{n} = {n} + excluded.{n}" for n in _COUNTS)
    + ", reach_max = CASE WHEN excluded.reach_max IS NULL THEN reach_max WHEN reach_max IS NULL THEN excluded.reach_max "
    "ELSE max(reach_max, excluded.reach_max) END, "
    f"{given_added()}, last_day = max(last_day, excluded.last_day), rows = rows + excluded.rows"
)


def _subtract(prefix: str, stale: str) -> str:
    where = " AND ".join(f"{k} = {v}" for k, v in zip(KEY, _key(prefix)))
    sets = ", ".join(f"{n} = {n} - coalesce({prefix}.{n}, 0), {GIVEN[n]} = {GIVEN[n]} - ({prefix}.{n} IS NOT NULL)" for n in _COUNTS)
    return f"UPDATE {TABLE} SET {sets}, rows = rows - {holds_any(prefix)}, stale = stale OR ({stale}) WHERE {where}"


#: When an update leaves the month's largest reach or last day unknown: a lower reach, a record that moved, or one
#: whose every count was cleared.
_MOVED = (
    "(OLD.reach IS NOT NULL AND (NEW.reach IS NULL OR NEW.reach < OLD.reach)) OR "
    + " OR ".join(f"{old} IS NOT {new}" for old, new in zip(_key("OLD"), _key("NEW")))
    + f" OR ({holds_any('OLD')} AND NOT {holds_any('NEW')})"
)

STATEMENTS = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        kind TEXT NOT NULL, post TEXT NOT NULL, campaign TEXT NOT NULL, platform TEXT NOT NULL, month TEXT NOT NULL,
        {", ".join(f"{n} INTEGER NOT NULL DEFAULT 0" for n in _COUNTS)},
        reach_max INTEGER, {given_columns()}, last_day TEXT NOT NULL DEFAULT '',
        rows INTEGER NOT NULL DEFAULT 0, stale INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY ({", ".join(KEY)})
    ) WITHOUT ROWID""",
    # Campaign rows' months are recomputed by campaign and platform (posts' by result_by_post).
    "CREATE INDEX IF NOT EXISTS result_by_campaign ON result(campaign, platform, day) WHERE campaign IS NOT NULL",
    f"""CREATE TRIGGER IF NOT EXISTS result_month_insert AFTER INSERT ON result WHEN {_counted("NEW")} BEGIN
        {_ADD.format(values=_row("NEW"), when="1")};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS result_month_update AFTER UPDATE ON result BEGIN
        {_subtract("OLD", _MOVED)}
            AND {_counted("OLD")};
        {_ADD.format(values=_row("NEW"), when=_counted("NEW"))};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS result_month_delete AFTER DELETE ON result WHEN {_counted("OLD")} BEGIN
        {_subtract("OLD", "1")};
    END""",
)

#: Fills the table from the daily records a workspace already holds.
FILL = (
    f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT kind, coalesce(post, ''), coalesce(campaign, ''), coalesce(platform, ''), "
    f"substr(day, 1, 7), {', '.join(f'coalesce(sum({n}), 0)' for n in _COUNTS)}, max(reach), "
    f"{', '.join(f'count({n})' for n in _COUNTS)}, max(day), count(*) "
    f"FROM result WHERE kind IN ('post', 'campaign') AND day IS NOT NULL AND {holds_any('result')} GROUP BY 1, 2, 3, 4, 5"
)
