"""Recurring tasks: rules, wall-clock time across DST, completion, edits, replicas."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from crewdeck.sync.state.clock import wall_ms
from crewdeck.sync.state.records import recurrence_rule
from crewdeck.sync.state.rules import Refused
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.zones import zone
from crewdeck.tui.session.session import Session
from crewdeck.tui.tasks import quickadd, recurrence
from crewdeck.tui.tasks.recurrence import Rule, parse_rule
from crewdeck.tui.time.hours import parse_hours
from crewdeck.tui.time.when import DateError
from crewdeck.tui.workspace import exchange
from crewdeck.tui.workspace.workspace import Workspace

from .apphelp import demo_workspace, store_of
from .conftest import NOW, Cli, fresh_store
from .test_cli import one_line_error
from .wallclock import is_gap

THU = dt.date(2026, 11, 26)
UTC = dt.UTC


# ------------------------------------------------------------ rules


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("weekday 09:00", Rule("weekly", (0, 1, 2, 3, 4), None, dt.time(9, 0), "Europe/Berlin")),
        ("Tue and Thu 17:00 America/New_York", Rule("weekly", (1, 3), None, dt.time(17, 0), "America/New_York")),
        ("tue,thu 5pm", Rule("weekly", (1, 3), None, dt.time(17, 0), "Europe/Berlin")),
        ("monthly on the 1st", Rule("monthly", (), 1, None, "Europe/Berlin")),
        ("month on the 31st 10:00", Rule("monthly", (), 31, dt.time(10, 0), "Europe/Berlin")),
        ("month on the last", Rule("monthly", (), -1, None, "Europe/Berlin")),
        ("month", Rule("monthly", (), 26, None, "Europe/Berlin")),
        ("day 08:15 Asia/Kathmandu", Rule("daily", (), None, dt.time(8, 15), "Asia/Kathmandu")),
        ("week 11:00", Rule("weekly", (3,), None, dt.time(11, 0), "Europe/Berlin")),  # today is Thursday
        ("weekend eod", Rule("weekly", (5, 6), None, None, "Europe/Berlin")),
    ],
)
def test_rules_read_as_people_write_them(text: str, rule: Rule) -> None:
    parsed = parse_rule(text.split(), "Europe/Berlin", THU)
    assert parsed == rule
    # A rule's text reads back as the same rule.
    assert parse_rule(parsed.text().split(), "UTC", THU) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hourly", "not part of a repeat rule"),  # fortnightly was, before rules had intervals: now every 2 weeks
        ("month on the 32nd", "not a day of the month"),
        ("tue on the 1st", "not both"),
        ("09:00", "needs days"),
        ("day Mars/Base", "unknown time zone"),
    ],
)
def test_bad_rules_say_why(text: str, message: str) -> None:
    with pytest.raises((DateError, ValueError), match=message):
        parse_rule(text.split(), "UTC", THU)


@pytest.mark.parametrize(
    ("text", "unit"),
    [("biweekly on the 1st", "weeks"), ("2 weeks on the 1st", "weeks"), ("week on the 1st", "weeks"), ("day on the 1st", "days")],
)
def test_a_day_of_the_month_every_few_weeks_is_refused_as_that_not_as_a_weekday_typed(text: str, unit: str) -> None:
    """Review rd: `every:biweekly on the 1st` was refused with "a rule repeats on weekdays or on a day of the month, not
    both", though no weekday was typed."""
    with pytest.raises(DateError) as refused:
        parse_rule(text.split(), "UTC", THU)
    assert str(refused.value) == f"a day of the month repeats by months, not {unit} (every month on the 1st, every 2 months on the 1st)"


def test_quick_add_takes_the_rule_words_and_leaves_the_title() -> None:
    d = quickadd.parse("Standup every:weekday 09:00 with the team")
    assert (d.every_words, d.title) == (["weekday", "09:00"], "Standup with the team")
    d = quickadd.parse("Pay invoices every:month on the 1st #finance")
    assert (d.every_words, d.title, d.tags) == (["month", "on", "the", "1st"], "Pay invoices", ["finance"])
    d = quickadd.parse("Call every:Tue and Thu 17:00 America/New_York on the roof")
    assert (d.every_words, d.title) == (["Tue", "and", "Thu", "17:00", "America/New_York"], "Call on the roof")
    assert "every: needs a rule" in quickadd.parse("x every:").problems[0]


@pytest.mark.parametrize(
    ("typed", "rule", "title"),
    [
        ("Review every:month on the 1st quarterly numbers", "month on the 1st", "Review quarterly numbers"),
        ("Update every:mon annual plan", "mon", "Update annual plan"),
        ("Check every:weekday 09:00 year goals", "weekday 09:00", "Check year goals"),
        ("Email every:tue 2 years of data", "tue", "Email 2 years of data"),
        ("Plan every: quarterly budget", "quarterly", "Plan budget"),
        ("Audit every:2 years on the 1st", "2 years on the 1st", "Audit"),
    ],
)
def test_taskwarrior_s_recur_words_later_in_the_title_stay_in_it(cli: Cli, typed: str, rule: str, title: str) -> None:
    """Review rc: once quarterly, annual, year and years were rule words, every: took them from anywhere in the title
    ("Review numbers", every 3 months, said nowhere) or refused the task ("every 12 ...: say weeks")."""
    d = quickadd.parse(typed)
    assert (d.every_words, d.title, d.problems) == (rule.split(), title, [])
    task = cli.ok("add", typed).strip()
    assert json.loads(cli.ok("show", task, "--json"))["title"] == title


# ------------------------------------------------------------ wall-clock time across DST


def occurrences(rule: Rule, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.datetime]]:
    out = []
    day = rule.next_day(first - dt.timedelta(days=1))
    while day <= last:
        out.append((day, recurrence.occurrence(rule, day, None)))
        day = rule.next_day(day)
    return out


@pytest.mark.parametrize(
    ("tz", "wall", "first", "last"),
    [
        ("America/New_York", dt.time(9, 0), dt.date(2026, 10, 28), dt.date(2026, 11, 6)),  # fall back 11-01
        ("America/New_York", dt.time(9, 0), dt.date(2026, 3, 5), dt.date(2026, 3, 12)),  # spring forward 03-08
        ("Europe/Berlin", dt.time(9, 0), dt.date(2026, 10, 22), dt.date(2026, 10, 28)),  # fall back 10-25
        ("Europe/Berlin", dt.time(2, 30), dt.date(2026, 3, 27), dt.date(2026, 4, 1)),  # 02:30 is in 03-29's gap
        ("Australia/Sydney", dt.time(2, 30), dt.date(2026, 4, 2), dt.date(2026, 4, 8)),  # 02:30 twice on 04-05
        ("Australia/Sydney", dt.time(2, 30), dt.date(2026, 10, 1), dt.date(2026, 10, 7)),  # in 10-04's gap
        ("America/New_York", dt.time(1, 30), dt.date(2026, 10, 30), dt.date(2026, 11, 3)),  # 01:30 twice on 11-01
        ("America/Santiago", dt.time(0, 0), dt.date(2026, 9, 3), dt.date(2026, 9, 9)),  # midnight is in the gap
    ],
)
def test_the_local_time_never_drifts(tz: str, wall: dt.time, first: dt.date, last: dt.date) -> None:
    rule = Rule("daily", (), None, wall, tz)
    found = occurrences(rule, first, last)
    # Every day once: nothing skipped, nothing doubled.
    assert [d for d, _ in found] == [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    instants = [i for _, i in found]
    assert instants == sorted(set(instants))
    for day, instant in found:
        local = instant.astimezone(zone(tz))
        naive = dt.datetime.combine(day, wall)
        if is_gap(naive, zone(tz)):
            assert local.replace(tzinfo=None) > naive  # moved forward by the gap, same day
            assert local.date() == day
        else:
            assert local.replace(tzinfo=None) == naive and local.fold == 0  # the first of a repeated time


def test_the_standup_stays_at_nine_while_utc_moves() -> None:
    rule = parse_rule(["weekday", "09:00", "America/New_York"], "UTC", THU)
    found = occurrences(rule, dt.date(2026, 10, 29), dt.date(2026, 11, 3))
    assert [(d.isoformat(), i.strftime("%H:%M")) for d, i in found] == [
        ("2026-10-29", "13:00"),
        ("2026-10-30", "13:00"),
        ("2026-11-02", "14:00"),
        ("2026-11-03", "14:00"),
    ]


def test_a_skipped_day_has_no_instance_and_months_end_on_their_last_day() -> None:
    apia = occurrences(Rule("daily", (), None, dt.time(9, 0), "Pacific/Apia"), dt.date(2011, 12, 28), dt.date(2012, 1, 1))
    assert [d.day for d, _ in apia] == [28, 29, 31, 1]
    assert [i for _, i in apia] == sorted({i for _, i in apia})
    monthly = occurrences(Rule("monthly", (), 31, dt.time(9, 0), "UTC"), dt.date(2027, 1, 1), dt.date(2027, 5, 31))
    assert [d.isoformat() for d, _ in monthly] == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("2 weeks", ["2026-11-26", "2026-12-10", "2026-12-24"]),  # from today, a Thursday
        ("2 weeks on tue 10:00", ["2026-12-01", "2026-12-15", "2026-12-29"]),  # from the first Tuesday
        ("every 3 days", ["2026-11-26", "2026-11-29", "2026-12-02"]),
        ("2 months on the 15th", ["2026-12-15", "2027-02-15", "2027-04-15"]),
    ],
)
def test_every_n_weeks_counts_from_the_first_date(text: str, dates: list[str]) -> None:
    rule = parse_rule(text.split(), "UTC", THU)
    # Kept in the record, and read back from its text, as the same rule.
    assert Rule.from_json(rule.to_json()) == rule and parse_rule(rule.text().split(), "UTC", THU) == rule
    found, day = [], THU - dt.timedelta(days=1)
    for _ in dates:
        day = rule.next_day(day)
        found.append(day.isoformat())
    assert found == dates


@pytest.mark.parametrize(
    ("text", "message"),
    [("2", "a number of days, weeks, months or years"), ("2 tue", "a number of days"), ("60 weeks", "at most 52"), ("0 days", "1 or more")],
)
def test_bad_intervals_say_why(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_rule(text.split(), "UTC", THU)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 years", "every 3 years: at most 2 years"),
        ("3 year on the 1st", "every 3 years: at most 2 years"),
        ("25 months", "every 25 months: at most 24 months"),
        ("53 week on tue", "every 53 weeks: at most 52 weeks"),
        ("60 weekly", "every 60 weeks: at most 52 weeks"),
        ("2 years on tue", "every 2 years …: say weeks (every 2 weeks on tue)"),
        # Review rd: "every quarterly …", and a year was "every 1 years …".
        ("quarterly on tue", "quarterly …: say weeks (every 2 weeks on tue)"),
        ("yearly on tue", "yearly …: say weeks (every 2 weeks on tue)"),
        ("year on tue", "every year …: say weeks (every 2 weeks on tue)"),
        ("1 year on tue", "every year …: say weeks (every 2 weeks on tue)"),
        ("0 years", "every 0: repeat every 1 or more days, weeks, months or years"),
    ],
)
def test_a_bad_interval_is_refused_in_the_words_typed(text: str, message: str) -> None:
    """`every:3 years` was refused as "every 36 months: at most 24", and `every:2 years on tue` as "every 24 …", naming
    months the user never typed; years went unnamed among the units a number takes."""
    with pytest.raises(DateError) as refused:
        parse_rule(text.split(), "UTC", THU)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("words", "same_as"),
    [
        ("biweekly", "2 weeks"),
        ("fortnight on tue 10:00", "2 weeks on tue 10:00"),
        ("quarterly on the 15th", "3 months on the 15th"),
        ("yearly", "12 months"),
        ("2 years on the 1st", "24 months on the 1st"),
        ("biannual on the 1st", "24 months on the 1st"),  # Taskwarrior's biannual is every two years, as on import
        ("biyearly", "24 months"),
    ],
)
def test_taskwarrior_s_recur_words_are_rules_as_the_importer_reads_them(cli: Cli, words: str, same_as: str) -> None:
    """`every:biweekly` and `every:yearly` were refused ("'biweekly' is not part of a repeat rule"), where the import of
    Taskwarrior's recur:biweekly made the series every 2 weeks."""
    assert parse_rule(words.split(), "UTC", THU) == parse_rule(same_as.split(), "UTC", THU)
    task = cli.ok("add", f"Report every:{words} notes").strip()
    assert json.loads(cli.ok("show", task, "--json"))["title"] == "Report notes"


def test_a_stored_rule_carries_its_interval_and_anchor_both_or_neither() -> None:
    weekly = Rule("weekly", (3,), None, dt.time(9, 0), "UTC").to_json()
    assert set(weekly) == {"freq", "days", "monthday", "time", "tz"}  # every week: as before
    assert recurrence_rule({**weekly, "interval": 2, "anchor": "2026-11-26"})["interval"] == 2
    for bad in ({"interval": 2}, {"interval": 1, "anchor": "2026-11-26"}, {"interval": 2, "anchor": "someday"}):
        with pytest.raises(ValueError):
            recurrence_rule({**weekly, **bad})


def test_every_two_weeks_from_quick_add_to_the_next_instance(cli: Cli) -> None:
    first = cli.ok("add", "Retro @raj every:2 weeks 16:00 Asia/Kolkata").strip()
    [task] = _tasks(cli)
    assert (task["id"], task["title"], task["due"]) == (first, "Retro", {"utc": "2026-11-26T10:30:00Z", "tz": "Asia/Kolkata"})
    cli.ok("done", first[:8])
    [nxt] = _tasks(cli)
    assert nxt["due"]["utc"] == "2026-12-10T10:30:00Z"  # two weeks on, not one


# ------------------------------------------------------------ the command line


def _tasks(cli: Cli, *query: str) -> list[dict[str, object]]:
    return json.loads(cli.ok("tasks", *query, "--json"))


def test_done_makes_the_next_instance_once(cli: Cli) -> None:
    first = cli.ok("add", "Standup @raj every:weekday 09:00 Asia/Kolkata").strip()
    [task] = _tasks(cli)
    assert task["id"] == first and task["due"] == {"utc": "2026-11-27T03:30:00Z", "tz": "Asia/Kolkata"}  # Fri 09:00 IST
    cli.ok("done", first[:8])
    [nxt] = _tasks(cli)
    assert nxt["id"] == recurrence.instance_id(_series(cli, first), dt.date(2026, 11, 30))  # Monday
    assert nxt["due"]["utc"] == "2026-11-30T03:30:00Z" and nxt["assignee"] == "raj" and nxt["title"] == "Standup"
    cli.ok("set", first[:8], "status=done")  # closing it again makes nothing new
    assert len(_tasks(cli)) == 1 and len(_tasks(cli, "all")) == 2


def test_done_undone_and_done_again_makes_the_instance_the_first_done_made(cli: Cli) -> None:
    """Done, undone and done again, the series made the instance after the one the undo removed: Tuesday's, where the
    first done made Monday's, an occurrence skipped (the second done said no next one)."""
    first = cli.ok("add", "Standup @raj every:weekday 09:00 Asia/Kolkata").strip()
    said = cli.ok("done", first[:8])
    [made] = _tasks(cli)
    assert made["id"] == recurrence.instance_id(_series(cli, first), dt.date(2026, 11, 30))  # Monday
    for _ in range(2):  # and once more: the same instance each time
        cli.ok("undo")
        # The undo leaves the one instance open: the next list made nothing for the one it removed (reviewer rc).
        assert [task["id"] for task in _tasks(cli)] == [first]
        assert cli.ok("done", first[:8]) == said
        [again] = _tasks(cli)
        assert {k: again[k] for k in ("id", "status", "assignee", "due")} == {k: made[k] for k in ("id", "status", "assignee", "due")}


def test_the_instance_done_again_brings_back_takes_what_a_teammate_changed_for_all_future_ones_meanwhile(cli: Cli) -> None:
    """On one shared file: raj renames the series for all future ones between ana's undo and her done again; the
    instance the undo removed comes back under the new title, with its date and id."""
    first = cli.ok("add", "Standup @raj every:weekday 09:00 Asia/Kolkata").strip()
    cli.ok("done", first[:8])
    [made] = _tasks(cli)
    cli.ok("undo")
    cli.in_person("set", first[:8], "title=Daily standup", "assignee=@ana", "--future", as_member="raj")
    cli.ok("done", first[:8])
    [again] = _tasks(cli)
    assert (again["id"], again["title"], again["assignee"], again["status"]) == (made["id"], "Daily standup", "ana", "todo")
    assert again["due"] == made["due"] == {"utc": "2026-11-30T03:30:00Z", "tz": "Asia/Kolkata"}  # Monday 09:00 IST


def test_an_instance_done_undone_whose_time_then_passes_makes_the_one_the_undo_removed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Undone, the instance done went past its time before anyone did it again: the next list took the removed Monday
    instance for a skipped occurrence and made Tuesday's, where an instance past its time brings the one after it."""
    first = cli.ok("add", "Standup @raj every:weekday 09:00 Asia/Kolkata").strip()  # Fri 09:00 IST
    cli.ok("done", first[:8])
    cli.ok("undo")
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-27T12:00:00Z")  # Friday afternoon in Kolkata
    monday = recurrence.instance_id(_series(cli, first), dt.date(2026, 11, 30))
    assert [task["id"] for task in _tasks(cli)] == [first, monday]
    # A next instance deleted by hand is an occurrence skipped still: done again, the series goes on after it.
    cli.ok("rm", monday[:8])
    cli.ok("done", first[:8])
    [nxt] = _tasks(cli)
    assert nxt["id"] == recurrence.instance_id(_series(cli, first), dt.date(2026, 12, 1))


def test_a_recurring_task_added_then_undone_is_gone_with_its_series(cli: Cli) -> None:
    """The undo deleted the task quick-add made; the next list took it for its series' instance left undone and made
    the next one: the repeating task the undo took back came back on its own."""
    cli.ok("add", "Standup every:day 09:00")
    cli.ok("undo")
    assert _tasks(cli, "all") == []


def test_a_rule_given_to_a_closed_task_then_undone_makes_no_instance_at_the_next_list(cli: Cli) -> None:
    """`every=RULE` on a done task, undone: the task was no longer recurring, but the next list made the series an
    instance, a week on, from the one the undo deleted."""
    done = cli.ok("add", "Weekly report due:2026-11-26 09:00").strip()
    cli.ok("done", done)
    cli.ok("set", done, "every=mon 09:00")
    cli.ok("undo")
    assert [(task["id"], task["status"]) for task in _tasks(cli, "all")] == [(done, "done")]


def test_a_member_closes_a_colleagues_recurring_task_and_makes_the_next_instance(cli: Cli) -> None:
    """raj's `done` on ana's daily task was refused (author_field): the next instance named ana as its maker."""
    first = cli.ok("add", "Daily check every:day 09:00").strip()  # ana's, in her zone (Berlin)
    cli.ok("done", first[:8], as_member="raj")
    [nxt] = _tasks(cli)
    assert nxt["id"] == recurrence.instance_id(_series(cli, first), dt.date(2026, 11, 28))
    assert nxt["due"] == {"utc": "2026-11-28T08:00:00Z", "tz": "Europe/Berlin"}  # the series' maker's clock, not raj's
    shown = json.loads(cli.ok("show", str(nxt["id"]), "--json"))
    assert shown["created_by"] == "raj"  # whoever wrote the instance made it: the rules hold author fields to that


def _series(cli: Cli, task_id: str) -> str:
    ws = Workspace.open(cli.workspace)
    try:
        return str(ws.task(task_id)["series"])
    finally:
        ws.close()


def test_the_next_instance_appears_when_the_time_passes(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli.ok("add", "Report every:tue and thu 17:00").strip()  # ana's zone: Thu 17:00 CET today
    assert _tasks(cli)[0]["due"]["utc"] == "2026-11-26T16:00:00Z"
    # A week later, nobody having done it: the missed Tuesday is not made up, the next Thursday appears.
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-03T10:00:00Z")
    ids = {t["id"]: t["due"]["utc"] for t in _tasks(cli)}
    series = _series(cli, first)
    assert ids == {first: "2026-11-26T16:00:00Z", recurrence.instance_id(series, dt.date(2026, 12, 3)): "2026-12-03T16:00:00Z"}
    # Doing the overdue one now does not add a third: the series already moved on.
    cli.ok("done", first)
    assert len(_tasks(cli)) == 1
    # Deleting an instance skips that occurrence; the series goes on.
    cli.ok("rm", recurrence.instance_id(series, dt.date(2026, 12, 3)))
    assert [t["due"]["utc"] for t in _tasks(cli)] == ["2026-12-08T16:00:00Z"]


def test_this_one_or_all_future_ones(cli: Cli) -> None:
    first = cli.ok("add", "Standup @ana every:weekday 09:30").strip()
    cli.ok("set", first, "title=Standup (short)")  # this one
    cli.ok("done", first)
    [second] = _tasks(cli)
    assert second["title"] == "Standup"
    cli.ok("set", second["id"], "title=Team standup", "priority=high", "--future")
    cli.ok("set", second["id"], "due=mon 10:00", "--future")  # the rule's time moves to 10:00
    [moved] = _tasks(cli)
    assert (moved["title"], moved["due"]) == ("Team standup", {"utc": "2026-11-30T09:00:00Z", "tz": "Europe/Berlin"})
    cli.ok("done", second["id"])
    [third] = _tasks(cli)
    assert (third["title"], third["priority"], third["due"]["utc"]) == ("Team standup", "high", "2026-12-01T09:00:00Z")
    # A new rule from here on, then the end of the series.
    cli.ok("set", third["id"], "every=tue,thu 08:00")
    assert _tasks(cli)[0]["due"]["utc"] == "2026-12-01T07:00:00Z"
    cli.ok("set", third["id"], "every=none")
    cli.ok("done", third["id"])
    assert _tasks(cli) == []
    # A plain task can start repeating.
    plain = cli.ok("add", "Invoice run").strip()
    cli.ok("set", plain, "every=month on the 1st 10:00")
    assert _tasks(cli)[0]["due"] == {"utc": "2026-12-01T09:00:00Z", "tz": "Europe/Berlin"}


def test_a_change_for_the_future_ones_says_so_not_that_the_task_was_made_to_repeat(cli: Cli) -> None:
    """``set ID assignee=@raj --future`` said "assigned “Standup” to @raj, made it repeat every weekday …": the series'
    template took the change, and the log read as if the task began repeating then (and so did a change of the rule)."""
    first = cli.ok("add", "Standup @ana every:weekday 09:30").strip()
    said = cli.ok("set", first, "assignee=@raj", "--future")
    assert said == "Modified 1 task: assigned “Standup” to @raj, the same for its next instances\n"
    assert "the same for its next instances" in cli.ok("log", first, "--limit", "1")
    # A new rule is said as a change of the rule; a plain task made to repeat as that.
    assert "changed “Standup” to repeat every tue 08:00 Europe/Berlin" in cli.ok("set", first, "every=tue 08:00")
    plain = cli.ok("add", "Invoice run").strip()
    assert "made it repeat every month on the 1st 10:00" in cli.ok("set", plain, "every=month on the 1st 10:00")


def test_a_task_with_notes_of_several_lines_repeats_and_its_next_instance_keeps_them(cli: Cli) -> None:
    # `every=` was refused ('task.recurrence: text may not hold control characters (U+000A)'): the series' template
    # holds the task's notes, and its line breaks were judged as if the notes were one line.
    task = cli.ok("add", "Weekly report").strip()
    cli.ok("set", task, "notes=Numbers from the ads manager\nthen the summary for the client")
    cli.ok("set", task, "every=fri 17:00")
    cli.ok("done", task)
    [following] = _tasks(cli)
    assert following["id"] != task and following["notes"] == "Numbers from the ads manager\nthen the summary for the client"


def test_a_template_holding_a_title_with_a_line_break_is_refused_as_the_title_would_be(tmp_path: Path) -> None:
    # Only the template's multi-line fields (notes, copy) may break lines: its title may not, nor the rule's text.
    store = fresh_store(tmp_path, "a.db")
    member_id = "a" * 32
    with store.write(member_id) as w:
        w.create(
            "member", {"handle": "ana", "name": "Ana", "tz": "Europe/Berlin", "hours": parse_hours("mon-fri 09:00-17:30")}, row_id=member_id
        )
    rule = parse_rule(["fri", "17:00"], "Europe/Berlin", THU).to_json()

    def write(title: str) -> None:
        template = {"title": title, "notes": "Numbers\nthen the summary"}
        with store.write(member_id) as w:
            w.create(
                "task",
                {"title": "Weekly report", "series": "5" * 32, "recurrence": {"rule": rule, "on": "2026-11-27", "template": template}},
            )

    with pytest.raises(Refused, match=re.escape("task.recurrence: text may not hold control characters (U+000A)")):
        write("Weekly\nreport")
    write("Weekly report")  # the notes' line break is the notes' own
    assert [v["recurrence"]["template"]["notes"] for _, v in store.records("task")] == ["Numbers\nthen the summary"]


def test_recurrence_bad_inputs(cli: Cli) -> None:
    plain = cli.ok("add", "Plain").strip()
    before = cli.ok("export")
    assert "every: '32nd' is not a day of the month" in one_line_error(cli("add", "x every:month on the 32nd"))
    assert "drop due:" in one_line_error(cli("add", "x every:weekday 09:00 due:fri"))
    # It said "(add a rule with every: when creating it)", where `set ID every=RULE` makes a plain task repeat.
    assert one_line_error(cli("set", plain, "every=none")) == (
        f"crewdeck: error: task {plain[:8]} is not recurring: every=none ends a series, and it is in none (every=RULE starts one)\n"
    )
    assert "every: " in one_line_error(cli("set", plain, "every=someday"))
    assert cli.ok("export") == before


# ------------------------------------------------------------ replicas


def _exchange(a: Store, b: Store) -> None:
    b.apply([op for _, op in a.ops_after(0)])
    a.apply([op for _, op in b.ops_after(0)])


def test_two_replicas_completing_one_instance_make_one_next(tmp_path: Path) -> None:
    a, b = fresh_store(tmp_path, "a.db"), fresh_store(tmp_path, "b.db")
    ws_a, ws_b = Workspace(a), Workspace(b)
    member_id = "a" * 32
    with a.write(member_id) as w:
        w.create(
            "member", {"handle": "ana", "name": "Ana", "tz": "Europe/Berlin", "hours": parse_hours("mon-fri 09:00-17:30")}, row_id=member_id
        )
    ana = ws_a.member(member_id)
    assert ana is not None
    values = quickadd.resolve(quickadd.parse("Standup @ana every:weekday 09:30"), ws_a, ana, NOW)
    with a.write(member_id) as w:
        first = w.create("task", values, row_id=recurrence.id_for(values))
    _exchange(a, b)
    # Both complete the same instance offline, at different moments.
    made = []
    for ws, at in ((ws_a, NOW), (ws_b, NOW + dt.timedelta(minutes=7))):
        with ws.store.write(member_id) as w:
            made.append(recurrence.mark_done(ws, w, first, at))
    assert made[0] == made[1] is not None
    _exchange(a, b)
    for ws in (ws_a, ws_b):
        open_ids = [r[0] for r in ws.conn.execute("SELECT id FROM task WHERE deleted = 0 AND status != 'done'")]
        assert open_ids == [made[0]]
    assert exchange.dumps(exchange.export_state(a)) == exchange.dumps(exchange.export_state(b))
    # And noticing that a time passed, on both replicas, also makes one.
    later = dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    for ws in (ws_a, ws_b):
        with ws.store.write(member_id) as w:
            recurrence.catch_up(ws, w, later)
    _exchange(a, b)
    assert a.conn.execute("SELECT count(*) FROM task").fetchone()[0] == 3
    assert exchange.dumps(exchange.export_state(a)) == exchange.dumps(exchange.export_state(b))
    a.close()
    b.close()


def _standup_on_two_replicas(tmp_path: Path) -> tuple[Session, Store, str]:
    """ana's session on the demo team and raj's replica (nothing exchanged yet), and the first instance of the weekday
    stand-up ana added for raj, in Kolkata."""
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    first = ours.edits.quick_add("Standup @raj every:weekday 09:00 Asia/Kolkata", NOW).ops[0].row_id
    return ours, fresh_store(tmp_path, "raj.db"), first


def test_done_undone_then_done_again_on_two_replicas_brings_back_one_instance_with_a_teammates_edit(tmp_path: Path) -> None:
    """ana's done, undone, left the instance it made deleted; done again by ana and, offline, by raj, each replica made
    nothing (its id was taken), and the series had no open instance until a list made the one after it."""
    ours, theirs, first = _standup_on_two_replicas(tmp_path)
    ana, raj = Workspace(store_of(ours)), Workspace(theirs)
    ours.edits.set_fields([first], {"status": "done"}, "done")
    _exchange(ana.store, theirs)
    [made] = _open_instances(raj, first)
    made_due = raj.task(made)["due"]
    ours.edits.undo()
    raj_id = str(raj.task(first)["assignee"])
    with theirs.write(raj_id) as w:  # raj notes the instance made, not having the undo yet
        w.set("task", made, {"notes": "Room 2"})
    _exchange(ana.store, theirs)
    assert _open_instances(ana, first) == [first] == _open_instances(raj, first)

    ours.edits.set_fields([first], {"status": "done"}, "done")  # and raj, offline, does it too
    with theirs.write(raj_id) as w:
        assert recurrence.mark_done(raj, w, first, NOW + dt.timedelta(minutes=7)) == made
    _exchange(ana.store, theirs)
    for ws in (ana, raj):
        assert _open_instances(ws, first) == [made]
        assert (ws.task(made)["due"], ws.task(made)["notes"], ws.task(made)["series"]) == (made_due, "Room 2", ws.task(first)["series"])
    assert exchange.dumps(exchange.export_state(ana.store)) == exchange.dumps(exchange.export_state(theirs))
    ours.close()
    theirs.close()


def test_a_teammates_done_made_offline_never_brings_back_an_instance_deleted_by_hand(tmp_path: Path) -> None:
    """ana's done, then her rm of the instance it made (that occurrence skipped); raj, offline since the task was added,
    does the same done later: his making of that instance brought it back over her rm, on every replica, unsaid."""
    ours, theirs, first = _standup_on_two_replicas(tmp_path)
    ana, raj = Workspace(store_of(ours)), Workspace(theirs)
    _exchange(ana.store, theirs)
    ours.edits.set_fields([first], {"status": "done"}, "done")
    [made] = _open_instances(ana, first)
    ana_id, raj_id = str(ana.task(first)["created_by"]), str(raj.task(first)["assignee"])
    with ana.store.write(ana_id) as w:
        w.delete("task", made)
    theirs.wall = lambda: wall_ms() + 60_000  # raj's done is stamped after ana's rm, whatever the machine's pace
    with theirs.write(raj_id) as w:
        assert recurrence.mark_done(raj, w, first, NOW) == made
    _exchange(ana.store, theirs)
    for ws in (ana, raj):
        assert ws.task(made)["deleted"], "the occurrence ana deleted by hand stays deleted"
    ours.close()
    theirs.close()


def test_a_teammates_rm_after_an_undo_skips_the_occurrence_when_it_is_done_again(tmp_path: Path) -> None:
    """ana's done, synced, then undone; raj, not holding the undo, deletes the instance by hand (stamped after it): ana's
    second done read the instance as the undo's and made it again over raj's rm."""
    ours, theirs, first = _standup_on_two_replicas(tmp_path)
    ana, raj = Workspace(store_of(ours)), Workspace(theirs)
    ours.edits.set_fields([first], {"status": "done"}, "done")
    _exchange(ana.store, theirs)
    [made] = _open_instances(raj, first)
    ours.edits.undo()
    raj_id = str(raj.task(first)["assignee"])
    theirs.wall = lambda: wall_ms() + 60_000  # raj's rm is stamped after ana's undo, whatever the machine's pace
    with theirs.write(raj_id) as w:
        w.delete("task", made)
    _exchange(ana.store, theirs)
    ours.edits.set_fields([first], {"status": "done"}, "done")
    _exchange(ana.store, theirs)
    for ws in (ana, raj):
        assert ws.task(made)["deleted"], "the occurrence raj deleted by hand stays deleted"
    ours.close()
    theirs.close()


def _open_instances(ws: Workspace, first: str) -> list[str]:
    """The ids of the live open tasks of the series ``first`` is in."""
    series = ws.task(first)["series"]
    return [
        r[0]
        for r in ws.conn.execute("SELECT id FROM task WHERE series = ? AND deleted = 0 AND status NOT IN ('done', 'cancelled')", (series,))
    ]


def test_an_end_of_day_series_stays_in_the_zone_it_was_set_in_when_its_owner_moves(cli: Cli) -> None:
    """raj's "every weekday eod", set in Kolkata (18:30 IST), became 17:00 IST once he moved to Berlin:
    the end of day of a zone he no longer was in fell back to the default time, an hour and a half early."""
    first = cli.ok("add", "Day report @raj every:weekday eod").strip()
    [task] = _tasks(cli)
    assert task["id"] == first and task["due"] == {"utc": "2026-11-26T13:00:00Z", "tz": "Asia/Kolkata"}  # Thu 18:30 IST
    cli.ok("member", "set", "raj", "--tz", "Europe/Berlin")
    cli.ok("done", first[:8])
    [nxt] = _tasks(cli)
    # Friday, the end of raj's working day (10:00-18:30) on the clock it was meant on.
    assert nxt["due"] == {"utc": "2026-11-27T13:00:00Z", "tz": "Asia/Kolkata"}


def test_a_rule_with_no_time_set_on_a_task_ends_its_owners_day_in_their_zone(cli: Cli) -> None:
    """ana in Berlin gave raj's task `every=weekday`: each instance was due at 18:30 on Berlin's clock (23:00 in
    Kolkata, hours after raj's day ends), where quick-add's `every:weekday` for @raj is due at 18:30 IST: `set` read the
    end of the owner's day on the setter's clock."""
    plain = cli.ok("add", "Day report @raj").strip()
    cli.ok("set", plain, "every=weekday")
    [task] = _tasks(cli)
    assert task["due"] == {"utc": "2026-11-26T13:00:00Z", "tz": "Asia/Kolkata"}  # Thu 18:30 IST, as quick-add makes it
    cli.ok("set", plain, "every=tue eod")  # a new rule for the series: raj's end of day still
    assert _tasks(cli)[0]["due"] == {"utc": "2026-12-01T13:00:00Z", "tz": "Asia/Kolkata"}
    # A rule that says its time, or names a zone, is read as said: in the setter's zone unless it names one.
    cli.ok("set", plain, "every=wed 17:00")
    assert _tasks(cli)[0]["due"] == {"utc": "2026-12-02T16:00:00Z", "tz": "Europe/Berlin"}
    unowned = cli.ok("add", "Inbox sweep").strip()  # nobody's: the end of its maker's day (ana's 17:00 default)
    cli.ok("set", unowned, "every=fri eod America/New_York")
    assert [t["due"] for t in _tasks(cli, "Inbox")] == [{"utc": "2026-11-27T22:00:00Z", "tz": "America/New_York"}]


def _rows(cli: Cli, title: str) -> list[tuple[str, str | None, str]]:
    """The task table itself, read with no command in between: (status, due, maker) of each live task so titled, by due."""
    with closing(sqlite3.connect(cli.workspace)) as db:
        return db.execute(
            "SELECT status, due_utc, member.handle FROM task JOIN member ON member.id = task.created_by WHERE title = ? AND NOT task.deleted ORDER BY 2",
            (title,),
        ).fetchall()


def test_a_rule_given_to_a_closed_task_makes_its_next_instance_the_rules_next_occurrence(cli: Cli) -> None:
    """A done task given `every=mon 09:00` was moved to Monday (done, and due in four days) and the series' first open
    instance made for the Monday after: a week skipped.  `status=done every=…` in one command skipped it alike.  The
    next instance is made by `set` itself, by who ran it: it appeared only when someone listed the tasks, made by them."""
    done = cli.ok("add", "Weekly report due:2026-11-26 09:00").strip()
    cli.ok("done", done)
    cli.in_person("set", done, "every=mon 09:00 Europe/Berlin", as_member="raj")
    assert _rows(cli, "Weekly report") == [
        ("done", "2026-11-26T08:00:00Z", "ana"),  # as it was closed
        ("inbox", "2026-11-30T08:00:00Z", "raj"),  # this coming Monday, made by raj's `set`
    ]
    shown = json.loads(cli.ok("show", done, "--json"))
    assert (shown["status"], shown["due"]) == ("done", {"utc": "2026-11-26T08:00:00Z", "tz": "Europe/Berlin"})
    [open_one] = _tasks(cli)
    assert open_one["due"] == {"utc": "2026-11-30T08:00:00Z", "tz": "Europe/Berlin"}
    closing_one = cli.ok("add", "Invoice run").strip()
    cli.ok("set", closing_one, "status=done", "every=tue 10:00")
    assert [row[:2] for row in _rows(cli, "Invoice run")] == [
        ("done", None),  # closed with no due, and kept so
        ("inbox", "2026-12-01T09:00:00Z"),  # this coming Tuesday
    ]


def test_the_apps_colon_gives_a_closed_task_a_rule_and_its_next_instance_as_one_action(cli: Cli) -> None:
    """The app's `:` (`every=…` on a done task) made the next instance only at the next listing's catch-up, by the
    member listing; it is made by the action, and undone with it."""
    done = cli.ok("add", "Weekly report due:2026-11-26 09:00").strip()
    cli.ok("done", done)
    session = Session.open(cli.workspace, "raj")
    try:
        session.edits.set_assignments(done, ["every=mon 09:00 Europe/Berlin"], NOW)
        assert _rows(cli, "Weekly report") == [("done", "2026-11-26T08:00:00Z", "ana"), ("inbox", "2026-11-30T08:00:00Z", "raj")]
        session.edits.undo()
    finally:
        session.close()
    assert _rows(cli, "Weekly report") == [("done", "2026-11-26T08:00:00Z", "ana")]
