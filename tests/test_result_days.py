"""Results summed per campaign, platform and day (``rollup_days``): kept right through every change, read like the records."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from crewdeck.sync.state import rollup, rollup_days, schema
from crewdeck.sync.state import store as store_module
from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.records import RESULT_COUNTS
from crewdeck.sync.state.store import Store
from crewdeck.tui.results import pane_data, report
from crewdeck.tui.workspace.workspace import Workspace
from crewdeck.widgets.results_table import sparkline

from .syncsupport import crewdeck
from .test_results import _post, _report, _spend, random_results, ws  # noqa: F401 (ws: the fixture)

_ROW = f"day, campaign, platform, {', '.join(RESULT_COUNTS)}, {', '.join(rollup.GIVEN.values())}, rows"


def _kept_and_fresh(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The rows the triggers kept and the rows summed again from the records (counts, records giving each, records)."""
    kept = store.conn.execute(f"SELECT {_ROW} FROM {rollup_days.TABLE} WHERE rows > 0 ORDER BY 1, 2, 3").fetchall()
    store.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS fresh AS SELECT * FROM {rollup_days.TABLE} WHERE 0")
    store.conn.execute("DELETE FROM fresh")
    store.conn.execute(rollup_days.FILL.replace(f"INSERT INTO {rollup_days.TABLE}", "INSERT INTO fresh"))
    fresh = store.conn.execute(f"SELECT {_ROW} FROM fresh ORDER BY 1, 2, 3").fetchall()
    return kept, fresh


def test_the_campaign_days_follow_results_and_posts_moving_between_campaigns_and_platforms(ws: Path) -> None:  # noqa: F811
    posts = [_post(ws, f"Post {n}", platform) for n, platform in enumerate(("instagram", "Instagram", "tiktok"))]
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "add", "Winter", "--platforms", "tiktok")
    with Store(ws) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        launch = store.conn.execute("SELECT id FROM campaign WHERE name = 'Launch'").fetchone()[0]
        random_results(store, raj, posts, launch, seed=16, batches=4)
        kept, fresh = _kept_and_fresh(store)
        assert kept == fresh and len(kept) >= 20
        # Posts on "instagram" and "Instagram" count on one platform, as the report places them.
        assert {row[2] for row in kept} == {"instagram", "tiktok", "meta"}
    # A post moves to another campaign, another to another platform: their days move with them.
    crewdeck("-w", str(ws), "--as", "raj", "set", posts[0], "campaign=winter")
    crewdeck("-w", str(ws), "--as", "raj", "set", posts[1], "platform=linkedin")
    with Store(ws) as store:
        kept, fresh = _kept_and_fresh(store)
        assert kept == fresh
        winter = store.conn.execute("SELECT id FROM campaign WHERE name = 'Winter'").fetchone()[0]
        assert any(row[1] == winter and row[2] == "instagram" for row in kept)
        assert any(row[2] == "linkedin" for row in kept)
        # A post's results that arrive before its task (a pull may bring them so) count once the task does.
        late = "f" * 32
        store.conn.execute(
            "INSERT INTO result (id, kind, post, day, impressions, reach, source) VALUES (?, 'post', ?, '2026-11-03', 70, 40, 'test')",
            (f"result:post:{late}:2026-11-03", late),
        )
        assert _kept_and_fresh(store)[0] == kept
        with store.write(raj) as w:
            w.create("task", {"title": "Late post", "campaign": winter, "platform": "TikTok", "created_by": raj}, row_id=late)
        kept, fresh = _kept_and_fresh(store)
        assert kept == fresh
        assert (
            store.conn.execute(
                f"SELECT impressions FROM {rollup_days.TABLE} WHERE day = '2026-11-03' AND campaign = ? AND platform = 'tiktok'", (winter,)
            ).fetchone()[0]
            >= 70
        )
        # Removed records and tasks (rebuilding from the log removes rows) take their counts away.
        store.conn.execute("DELETE FROM result WHERE id LIKE 'result:campaign:%' AND day < '2026-10-15'")
        store.conn.execute("DELETE FROM task WHERE id = ?", (posts[2],))
        kept, fresh = _kept_and_fresh(store)
        assert kept == fresh


def test_reports_read_from_the_campaign_days_say_what_the_records_say(ws: Path) -> None:  # noqa: F811
    posts = [_post(ws, f"Post {n}", platform) for n, platform in enumerate(("instagram", "tiktok", "tiktok"))]
    with Store(ws) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        launch = store.conn.execute("SELECT id FROM campaign WHERE name = 'Launch'").fetchone()[0]
        random_results(store, raj, posts, launch, seed=7, batches=4)
    periods = [None, (dt.date(2026, 10, 6), dt.date(2026, 10, 13)), (dt.date(2026, 11, 1), dt.date(2026, 12, 1))]
    ws_ = Workspace.open(ws)
    try:
        conn = ws_.conn

        def everything() -> list[object]:
            return [
                report.as_json(report.build(conn, "EUR", by=by, bounds=bounds, campaign=campaign))
                for by in ("campaign", "platform", "day")
                for bounds in periods
                for campaign in (None, launch)
            ]

        def page() -> list[object]:
            return [pane_data.load(ws_, kind, dt.date(2026, 11, 11), today=dt.date(2026, 11, 11)) for kind in pane_data.KINDS]

        from_days, page_from_days = everything(), page()
        # Every row marked stale: each campaign-day read again from its records.
        conn.execute(f"UPDATE {rollup_days.TABLE} SET stale = 1")
        assert everything() == from_days
        assert page() == page_from_days
        assert sum(len(r["rows"]) for r in from_days) > 30  # type: ignore[index]  # as_json's dicts
    finally:
        ws_.close()


def test_a_lower_reach_is_read_again_from_the_records(ws: Path) -> None:  # noqa: F811
    first, second = _post(ws, "Reel one"), _post(ws, "Reel two")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", first[:8], "2026-09-10", "reach=900", "engagements=90")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", second[:8], "2026-09-10", "reach=700", "engagements=10")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", first[:8], "2026-09-10", "reach=600")
    with Store(ws) as store:
        assert store.conn.execute(f"SELECT stale, reach_max FROM {rollup_days.TABLE}").fetchall() == [(1, 900)]
    row = _report(ws, "--period", "2026-09-10")["rows"][0]
    assert row["reach"] == {"value": 700, "at_least": True} and row["counts"]["engagements"] == 100


def test_a_record_whose_every_count_was_cleared_counts_as_no_day(ws: Path) -> None:  # noqa: F811
    """Its day stayed: a day row of "—", a post's days with one of "—", and one day's reach read "≥100" (a lower bound
    over two days) where one day gave a reach."""
    post = _post(ws)
    add = ("-w", str(ws), "--as", "raj", "kpi", "add", post[:8])
    crewdeck(*add, "2026-11-20", "reach=100", "clicks=5")
    crewdeck(*add, "2026-11-21", "reach=300", "clicks=2", "value=9.00 EUR")
    crewdeck(*add, "2026-11-21", "reach=none", "clicks=none")
    crewdeck(*add, "2026-11-22", "impressions=50")
    crewdeck(*add, "2026-11-22", "impressions=none")  # a record with no reach cleared: its day goes too

    def read() -> list[object]:
        # The month (from the monthly roll-up), a week (from the records), the campaign's days and the post's days.
        by_post = [_report(ws, "--by", "post", "--period", period)["rows"] for period in ("2026-11", "2026-W47")]
        days = [row["day"] for row in _report(ws, "--by", "day", "--period", "2026-11")["rows"]]
        ws_ = Workspace.open(ws)
        try:
            (launch,) = ws_.campaigns()
            page = pane_data.load(ws_, "month", dt.date(2026, 11, 20), launch.id, post, today=dt.date(2026, 11, 30))
        finally:
            ws_.close()
        return [by_post, days, [line.label for line in page.lines]]

    _, days, post_days = read()
    assert days == post_days == ["2026-11-20", "2026-11-21"]  # the 21st: its conversion value is still there
    crewdeck(*add, "2026-11-21", "value=none")
    by_post, days, post_days = read()
    assert days == post_days == ["2026-11-20"]
    for (row,) in by_post:
        assert row["reach"] == {"value": 100, "at_least": False} and row["counts"]["clicks"] == 5
    with Store(ws) as store:
        kept, fresh = _kept_and_fresh(store)
        assert kept == fresh and len(fresh) == 1  # the triggers keep what a fill from the records makes
        # A file the version before that migration wrote: its roll-ups counted those records; the migration makes them again.
        store.conn.execute(f"UPDATE {rollup_days.TABLE} SET rows = 1")
        made_again = max(n for n, (_, step) in enumerate(schema.MIGRATIONS, start=1) if step is schema._rollups_again)
        store.conn.execute(f"PRAGMA user_version = {made_again - 1}")
    with Store(ws) as store:
        assert _kept_and_fresh(store)[0] == fresh


def test_a_bulk_write_keeps_the_index_the_task_triggers_read(ws: Path) -> None:  # noqa: F811
    # Without it, each task a big import writes with a campaign read the whole results table
    # (3,000 Taskwarrior tasks into a workspace of 1,000,000 results: 5 minutes, 2 s with it).
    plan = f"EXPLAIN QUERY PLAN {rollup_days._post_days('t')}".replace("t.id", "?")
    with Store(ws) as store:
        with store.bulk():
            indexes = {name for (name,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
            steps = " ".join(row[-1] for row in store.conn.execute(plan, ("some-post",)))
        assert {"result_by_post"} <= indexes and indexes >= rollup_days.TRIGGER_INDEXES
        assert "USING INDEX result_by_post" in steps, steps
        # The other lookup indexes are still dropped for the write and built again after it.
        assert "result_by_day" not in indexes
        assert "result_by_day" in {name for (name,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_periods_spend_per_platform_is_read_from_the_ledgers_report_index_alone(ws: Path) -> None:  # noqa: F811
    # Each entry of the period read again from its table, for its post's platform, took 8 ms of the Results screen's
    # month (6,000 entries) where the key -> drawn goal is 50 ms: the report's index holds the post.
    post = _post(ws)
    _spend(ws, "ana", "120.00", "--task", post)
    _spend(ws, "ana", "30.00")
    built, planned = _report_planned(ws)
    # The few entries that need approval are worked out one by one; those that do not are most of a ledger.
    plans = [plan for sql, plan in planned.items() if "FROM ledger_entry e" in sql and "e.needs_approval = 0 AND e.date" in sql]
    # The post's entry on its platform; the campaign's paid to Meta, a platform it is not on, on none.
    assert [g.spent_on for g in built.groups] == [{"instagram", None}]
    assert len(plans) >= 2 and all("COVERING INDEX ledger_report" in plan for plan in plans), plans


def test_a_periods_spend_reads_no_whole_ledger(ws: Path) -> None:  # noqa: F811
    # The ledger's currencies asked of every entry (DISTINCT, a read of the whole index) took 10 ms of each Results
    # period switch over 100,000 entries, twice: each currency is found by a seek from the one before.
    post = _post(ws)
    _spend(ws, "ana", "120.00", "--task", post)
    _spend(ws, "ana", "30.00 USD")
    _, planned = _report_planned(ws)
    plans = {sql: plan for sql, plan in planned.items() if "ledger_entry" in sql}
    assert plans and not [sql for sql, plan in plans.items() if "SCAN ledger_entry" in plan or "SCAN e " in f"{plan} "], plans


def _report_planned(path: Path) -> tuple[report.ResultsReport, dict[str, str]]:
    """The Results report of all time on ``path``, and each statement it ran with its query plan."""
    read: list[str] = []
    workspace = Workspace.open(path, readonly=True)
    try:
        workspace.conn.set_trace_callback(read.append)
        built = report.build(workspace.conn, "EUR", bounds=(dt.date(2000, 1, 1), dt.date(3000, 1, 1)))
        workspace.conn.set_trace_callback(None)
        return built, {sql: " ".join(row[-1] for row in workspace.conn.execute(f"EXPLAIN QUERY PLAN {sql}")) for sql in read}
    finally:
        workspace.close()


def _report_index(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [name for (_, _, name) in conn.execute("PRAGMA index_info(ledger_report)")]
    finally:
        conn.close()


def test_a_file_of_the_build_before_opens_with_each_entrys_post_in_the_report_index_and_reports_alike(ws: Path) -> None:  # noqa: F811
    # Migration 22 makes the ledger's report index again with each entry's post in it (a period's spend per platform is
    # read from the index alone): a file of the build before holds it once opened, and the reports say what they said.
    reel, clip = _post(ws), _post(ws, "Clip two", "tiktok")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", reel[:8], "2026-11-20", "impressions=1000", "clicks=9", "conversions=3")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", clip[:8], "2026-11-21", "impressions=400", "clicks=4")
    _spend(ws, "ana", "120.00", "--task", reel, "--date", "2026-11-20")
    _spend(ws, "ana", "45.50", "--task", clip, "--date", "2026-11-21")
    _spend(ws, "ana", "30.00", "--date", "2026-11-22")
    commands = [("kpi", "report", "--json"), ("kpi", "report", "--json", "--by", "platform"), ("ledger", "report")]
    before = [crewdeck("-w", str(ws), "--as", "ana", *command) for command in commands]
    assert "spend from instagram and tiktok" in before[0]  # each entry's post places its spend: the index is read for it
    conn = sqlite3.connect(ws)
    try:
        with conn:
            # As the build before made it (migration 5): without the entry's post.
            conn.execute("DROP INDEX ledger_report")
            conn.execute("CREATE INDEX ledger_report ON ledger_entry (currency, needs_approval, date, campaign, category, amount, payee)")
            adding = next(n for n, (_, step) in enumerate(schema.MIGRATIONS, start=1) if step is schema._ledger_report_with_task)
            conn.execute(f"PRAGMA user_version = {adding - 1}")
    finally:
        conn.close()
    assert "task" not in _report_index(ws)
    with Store(ws) as store:
        assert schema.user_version(store.conn) == schema.SCHEMA_VERSION
    assert _report_index(ws) == ["currency", "needs_approval", "date", "campaign", "category", "amount", "payee", "task"]
    assert [crewdeck("-w", str(ws), "--as", "ana", *command) for command in commands] == before


def _rollup_rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: store.conn.execute(f"SELECT * FROM {table} WHERE rows > 0 ORDER BY 1, 2, 3, 4").fetchall()
        for table in (rollup.TABLE, rollup_days.TABLE)
    }


def _filled(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Both roll-ups as filling them from the records makes them (in a savepoint, rolled back)."""
    store.conn.execute("SAVEPOINT fresh")
    try:
        for module in (rollup, rollup_days):
            store.conn.execute(f"DELETE FROM {module.TABLE}")
            store.conn.execute(module.FILL)
        return _rollup_rows(store)
    finally:
        store.conn.execute("ROLLBACK TO fresh")
        store.conn.execute("RELEASE fresh")


def _triggers(store: Store) -> list[tuple[str, str]]:
    return store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def _rollup_indexes(store: Store) -> list[tuple[str, str]]:
    return store.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?) AND sql IS NOT NULL ORDER BY name",
        (rollup.TABLE, rollup_days.TABLE),
    ).fetchall()


def test_a_big_write_suspends_the_roll_ups_triggers_and_fills_them_again_from_the_records(
    ws: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An import of 100,000 tasks or result rows ran the triggers' queries for every row: more than writing
    # the rows.  A write that big (here: made small) takes the triggers away and sums the records once at its end.
    monkeypatch.setattr(store_module, "BULK_ROWS", 20)
    posts = [_post(ws, f"Post {n}", platform) for n, platform in enumerate(("instagram", "tiktok"))]
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "add", "Winter", "--platforms", "tiktok")
    with Store(ws) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        launch, winter = (
            store.conn.execute("SELECT id FROM campaign WHERE name = ?", (name,)).fetchone()[0] for name in ("Launch", "Winter")
        )
        random_results(store, raj, posts, launch, seed=3, batches=3)
        held = store.conn.execute("SELECT count(*) FROM result").fetchone()[0]
        assert 60 <= held <= 120
        triggers = _triggers(store)
        assert len(triggers) == 9
        indexes = _rollup_indexes(store)
        assert f"{rollup_days.TABLE}_by_campaign" in dict(indexes)
        with store.bulk():
            # A few rows: the triggers keep the sums.
            random_results(store, raj, posts, launch, seed=4, batches=1)
            assert _triggers(store) == triggers
            # As many rows as the results table holds: suspended, while more posts, results and a move come in.
            more = [new_id() for _ in range(held)]
            with store.write(raj) as w:
                for n, task in enumerate(more):
                    w.create("task", {"title": f"Imported {n}", "campaign": winter, "platform": "TikTok", "created_by": raj}, row_id=task)
                w.set("task", posts[0], {"campaign": winter})
            assert _triggers(store) == []
            random_results(store, raj, [*posts, *more], winter, seed=5, batches=3)
        assert _triggers(store) == triggers
        # The roll-ups' lookup indexes, built again after the fill (not kept up row by row through it).
        assert _rollup_indexes(store) == indexes
        # Every row as a fill from the records makes it, exact largest reaches and none stale.
        filled = _rollup_rows(store)
        assert filled == _filled(store) and all(len(rows) > 20 for rows in filled.values())
        assert any(row[1] == winter and row[2] == "tiktok" for row in _rollup_rows(store)[rollup_days.TABLE])
        # The triggers that came back keep the sums again, and a dry run's suspension is rolled back with it.
        random_results(store, raj, posts, launch, seed=6, batches=1)
        assert _kept_and_fresh(store)[0] == _kept_and_fresh(store)[1]
        before = _rollup_rows(store)
        held = store.conn.execute("SELECT count(*) FROM result").fetchone()[0]
        with store.bulk(rehearse=True), store.write(raj) as w:
            for n in range(held):
                w.create("task", {"title": f"Rehearsed {n}", "campaign": winter, "platform": "TikTok", "created_by": raj})
        assert store.conn.execute("SELECT count(*) FROM task WHERE title LIKE 'Rehearsed %'").fetchone()[0] == 0
        assert _triggers(store) == triggers and _rollup_rows(store) == before


def test_the_migration_to_counts_per_metric_makes_both_roll_ups_again_from_the_records(ws: Path) -> None:  # noqa: F811
    posts = [_post(ws, f"Post {n}", platform) for n, platform in enumerate(("instagram", "tiktok"))]
    with Store(ws) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        launch = store.conn.execute("SELECT id FROM campaign WHERE name = 'Launch'").fetchone()[0]
        random_results(store, raj, posts, launch, seed=9, batches=2)
        made = _filled(store)
        triggers = _triggers(store)
        # The file as schema 14 left it: roll-ups without the counts per metric (and sums gone astray).
        for name, _ in triggers:
            store.conn.execute(f'DROP TRIGGER "{name}"')
        for table in (rollup.TABLE, rollup_days.TABLE):
            store.conn.execute(f"DROP TABLE {table}")
            store.conn.execute(f"CREATE TABLE {table} (day TEXT, campaign TEXT, platform TEXT, reach_rows INTEGER, rows INTEGER)")
            store.conn.execute(f"INSERT INTO {table} VALUES ('2026-10-01', 'x', 'y', 1, 1)")
        store.conn.execute("PRAGMA user_version = 14")
    with Store(ws) as store:
        assert _rollup_rows(store) == made and len(made[rollup_days.TABLE]) > 10
        assert _triggers(store) == triggers


def test_a_sparkline_draws_no_bar_on_a_day_its_result_was_not_reported(ws: Path) -> None:  # noqa: F811
    """A campaign (and a post) reporting impressions and no conversions drew a bar of 0 ("▁") on each of its 30 days,
    as if none had converted day after day; a count reported as 0 still draws one, on its day.  One day reported as 0
    drew "▁" on the 29 days not reported too, and once another day had a bar that day of 0 was blank, as if not
    reported (a LinkedIn export's Conversions of 0 every day: a flat row over the month before the campaign)."""
    quiet, zero = _post(ws, "Quiet reel"), _post(ws, "Zero reel")
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", quiet[:8], "2026-11-20", "impressions=1000")
    ws_ = Workspace.open(ws)
    try:
        (launch,) = ws_.campaigns()
        week = dt.date(2026, 11, 20)

        def series() -> tuple[tuple[int | None, ...], dict[str, tuple[int | None, ...]]]:
            (campaign,) = pane_data.load(ws_, "week", week, today=week).lines
            posts = pane_data.load(ws_, "week", week, launch.id, today=week).lines
            return campaign.series, {line.label: line.series for line in posts}

        assert series() == ((), {"Quiet reel": ()})  # nothing to draw: no "▁" of results never given
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", zero[:8], "2026-11-19", "impressions=10", "conversions=0")
        campaign, posts = series()
        # Reported as 0 on 2026-11-19, the 29th of the 30 days: drawn there, and there alone.
        assert campaign == posts["Zero reel"] == (None,) * 28 + (0, None) and posts["Quiet reel"] == ()
        assert sparkline(campaign) == " " * 28 + "▁ "
        crewdeck("-w", str(ws), "--as", "raj", "kpi", "add", zero[:8], "2026-11-20", "conversions=4")
        campaign, posts = series()
        assert sparkline(campaign) == sparkline(posts["Zero reel"]) == " " * 28 + "▁█" and posts["Quiet reel"] == ()
    finally:
        ws_.close()
