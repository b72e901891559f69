"""Quick-add syntax and the filter language."""

from __future__ import annotations

import json

import pytest

from crewdeck.tui.tasks import query, quickadd
from crewdeck.tui.time.when import DateError, parse_day
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Workspace

from .conftest import NOW, Cli


def test_every_piece_of_the_syntax() -> None:
    d = quickadd.parse("Draft carousel @Raj #instagram #launch +spring-launch/Instagram !high due:fri 17:00 Europe/Berlin")
    assert d.title == "Draft carousel"
    assert d.assignee == "raj"
    assert d.tags == ["instagram", "launch"]
    assert (d.campaign, d.platform) == ("spring-launch", "instagram")
    assert d.priority == "high"
    assert d.due_words == ["fri", "17:00", "Europe/Berlin"]
    assert d.problems == []


def test_a_taskwarrior_attribute_in_the_title_is_said_with_crewdecks_word(cli: Cli) -> None:
    """``crewdeck add Write post project:spring-launch priority:H`` printed the id alone: the campaign and the priority
    went into the title, and only a later list showed the task in no campaign."""
    d = quickadd.parse("Write post project:spring-launch priority:H re:brief \\pro:bono")
    assert d.title == "Write post project:spring-launch priority:H re:brief pro:bono"
    # The project's note is resolve's, which knows whether the campaign is there (below).
    assert (d.projects, d.notes) == (
        ["project:spring-launch"],
        ["priority:H is in the title: Taskwarrior's priority:H is !high here (\\priority:H keeps it without this note)"],
    )
    said = cli("add", "Write post", "project:spring-launch")
    assert (
        said.code == 0
        and "note: project:spring-launch is in the title: Taskwarrior's project:spring-launch is +spring-launch here" in said.err
    )


def test_a_taskwarrior_note_is_said_only_of_taskwarrior_s_attributes_and_of_campaigns_there(cli: Cli) -> None:
    """Review rc: desc:#hash was told as "is #hash" (a word in Taskwarrior too, no tag), Pro:tip as "+tip" (Taskwarrior
    reads its attributes in lower case only: Pro:tip is a word there), and project:alpha as +alpha where no campaign alpha
    is, which `add ... +alpha` then refused."""
    assert quickadd.parse("Read desc:#hash Pro:tip Priority:H notes").notes == []
    said = cli("add", "Plan project:alpha")
    assert said.code == 0 and said.err == (
        "note: project:alpha is in the title: Taskwarrior's project is a campaign here: unknown campaign +alpha "
        "(campaigns: +spring-launch); crewdeck campaign add alpha makes one (\\project:alpha keeps it without this note)\n"
    )
    cli.ok("campaign", "add", "alpha")
    assert "Taskwarrior's project:alpha is +alpha here" in cli("add", "Plan project:alpha").err
    assert "project:beta: Taskwarrior's project is a campaign here: unknown campaign +beta" in cli("tasks", "project:beta").err


def test_taskwarrior_s_wait_and_recur_in_a_quick_add_are_said_with_crewdeck_s_ways(cli: Cli) -> None:
    """`crewdeck add Call the printer due:tmrw wait:fri recur:weekly`, as `task add` takes it, printed the id alone:
    the snooze and the repeat went into the title, said nowhere."""
    d = quickadd.parse("Call the printer wait:fri recur:weekly recur:someday Wait:for \\wait:x")
    assert d.title == "Call the printer wait:fri recur:weekly recur:someday Wait:for wait:x"
    assert d.notes == [
        "wait:fri is in the title: Taskwarrior's wait is a snooze here: h on the task in the app, or crewdeck set ID"
        " snoozed_until=fri (\\wait:fri keeps it without this note)",
        "recur:weekly is in the title: Taskwarrior's recur:weekly is every:weekly here (\\recur:weekly keeps it without this note)",
    ]  # recur:someday: no rule every: takes, so nothing it would then refuse is named
    said = cli("add", "Weekly report", "recur:weekly")
    assert said.code == 0 and "note: recur:weekly is in the title: Taskwarrior's recur:weekly is every:weekly here" in said.err
    assert cli("add", "Weekly report every:weekly").code == 0  # as the note says


def test_a_quick_add_notes_wait_only_for_a_date_and_no_tag_line_beside_a_close_campaign(cli: Cli) -> None:
    """`add "Ask client wait:what they want"` noted snoozed_until=what, which set refuses; `add "Song +spring-lanch"` said
    "(did you mean +spring-launch?); a tag is written #spring-lanch", two ways out of one typo (rc 7)."""
    said = cli("add", "Ask client wait:what they want")
    assert (said.code, said.err) == (0, "")
    said = cli("add", "Song +spring-lanch")
    assert (said.code, said.err) == (2, "crewdeck: error: unknown campaign +spring-lanch (did you mean +spring-launch?)\n")


def test_an_estimate_is_read_as_set_reads_it_with_its_bound(cli: Cli) -> None:
    """Taskwarrior's UDA estimate:2h went into the title with nothing said, where `set ID estimate=2h` took it."""
    assert quickadd.parse("Cut the reel estimate:2h \\estimate:3h").estimate == "2h"
    assert quickadd.parse("Cut the reel estimate:2h \\estimate:3h").title == "Cut the reel estimate:3h"
    assert quickadd.parse("Brief estimate:2h estimate:3h").problems == ["estimate: is given twice (estimate:2h, estimate:3h): give one"]
    assert quickadd.parse("Brief estimate:").problems == [
        "estimate: needs a duration like 90m, 2h or 1h30m (\\estimate: keeps the word in the title)"
    ]
    task = cli.ok("add", "Cut the reel estimate:1h30m").strip()
    assert [json.loads(cli.ok("show", task, "--json"))[k] for k in ("title", "estimate")] == ["Cut the reel", 90]
    series = cli.ok("add", "Weekly report every:mon 09:00 Estimate:45").strip()
    shown = json.loads(cli.ok("show", series, "--json"))
    assert (shown["estimate"], shown["recurrence"]["template"]["estimate"]) == (45, 45)  # each instance has it
    assert json.loads(cli.ok("show", cli.ok("add", "Brief estimate:0").strip(), "--json"))["estimate"] is None
    before = cli.ok("log", "--json")
    for typed, said in (
        ("10001h", "estimate: 10001h is more than 10000h"),
        ("600001", "estimate: 600001 minutes is more than 10000h"),
        ("2x", "estimate: '2x' is not a duration like 90m, 2h or 1h30m"),
    ):
        refused = cli("add", f"Brief estimate:{typed}")
        assert (refused.code, refused.err) == (2, f"crewdeck: error: {said}\n"), typed
    assert cli.ok("log", "--json") == before  # nothing written


def test_words_after_the_due_date_are_title_again() -> None:
    d = quickadd.parse("due:tomorrow Send report to client")
    assert d.due_words == ["tomorrow"]
    assert d.title == "Send report to client"


@pytest.mark.parametrize(
    ("text", "due_words", "title"),
    [
        ("Post recap due:dec 9 for Lagos", ["dec", "9"], "Post recap for Lagos"),
        ("Post recap due:9 dec 10:00 Africa/Lagos now", ["9", "dec", "10:00", "Africa/Lagos"], "Post recap now"),
        ("Plan due:next week with raj", ["next", "week"], "Plan with raj"),
        ("Plan due:next fri 9am again", ["next", "fri", "9am"], "Plan again"),
        ("Wrap up due:eow", ["eow"], "Wrap up"),
        ("Invoice due:eom eod", ["eom", "eod"], "Invoice"),
        ("Call due:tmrw 3 times", ["tmrw"], "Call 3 times"),
        # The orders people type (tomorrow at 3pm, 2pm tomorrow), and title words that only look like them.
        ("Call due:tomorrow at 3pm about rates", ["tomorrow", "at", "3pm"], "Call about rates"),
        ("Call due:fri at 9 with raj", ["fri", "at", "9"], "Call with raj"),
        ("Call due:2pm tomorrow again", ["2pm", "tomorrow"], "Call again"),
        ("Call due:10 am next fri EST x", ["10", "am", "next", "fri", "EST"], "Call x"),
        ("Meet due:fri at the office", ["fri"], "Meet at the office"),
        ("Deliver prints due:fri at 42 Elm St", ["fri"], "Deliver prints at 42 Elm St"),  # no hour (review rc)
        ("Call due:fri at 3 pm about venues", ["fri", "at", "3", "pm"], "Call about venues"),  # its half of the day, in two words
        ("Meet due:fri at 9ish", ["fri"], "Meet at 9ish"),
        ("Plan due:3pm march launch", ["3pm"], "Plan march launch"),
        ("Plan due:3pm now", ["3pm"], "Plan now"),
    ],
)
def test_due_takes_the_words_of_a_day_people_type(text: str, due_words: list[str], title: str) -> None:
    d = quickadd.parse(text)
    assert (d.due_words, d.title, d.problems) == (due_words, title, [])


@pytest.mark.parametrize(
    ("text", "due_words", "every_words", "title"),
    [
        ("Recap due:fri 5 pm", ["fri", "5", "pm"], [], "Recap"),
        ("Recap due:tmrw 10:30 AM utc to Lagos", ["tmrw", "10:30", "AM", "utc"], [], "Recap to Lagos"),
        ("Recap due:5 pm now", ["5", "pm"], [], "Recap now"),
        ("Recap due:dec 9 am", ["dec", "9"], [], "Recap am"),  # the 9th, as before: am is the title's
        ("Meet at 5 pm due:fri", ["fri"], [], "Meet at 5 pm"),
        ("Standup every:mon 10 am utc notes", [], ["mon", "10", "am", "utc"], "Standup notes"),
        # A time after at, as due: reads it (review rc: "Standup at 10am", repeating with no time).
        ("Standup every:mon at 10 am notes", [], ["mon", "10", "am"], "Standup notes"),
        ("Standup every:weekday at 09:30 UTC", [], ["weekday", "09:30", "UTC"], "Standup"),
        ("Lunch every:fri at the cafe", [], ["fri"], "Lunch at the cafe"),
    ],
)
def test_a_time_typed_in_two_words_is_one_time(text: str, due_words: list[str], every_words: list[str], title: str) -> None:
    """A 12-hour clock is often written "5 pm": "due:fri 5 pm" was due at the end of Friday, "5 pm" in the title."""
    d = quickadd.parse(text)
    assert (d.due_words, d.every_words, d.title, d.problems) == (due_words, every_words, title, [])


@pytest.mark.parametrize(
    ("text", "due_words", "title", "due"),
    [
        ("Recap due:dec 10 2027 notes", ["dec", "10", "2027"], "Recap notes", "2027-12-10T16:00:00Z"),
        ("Recap due:10 Dec 2027 5 pm EST x", ["10", "Dec", "2027", "5", "pm", "EST"], "Recap x", "2027-12-10T22:00:00Z"),
        ("Recap due:jan 5 2026", ["jan", "5", "2026"], "Recap", "2026-01-05T16:00:00Z"),  # gone by: as typed, not the next
        ("Recap due:next week 2027", ["next", "week"], "Recap 2027", "2026-11-30T16:00:00Z"),  # no year of a week
    ],
)
def test_a_year_after_a_day_of_the_month_is_its_year(cli: Cli, text: str, due_words: list[str], title: str, due: str) -> None:
    """Quick-add's "due:dec 10 2027" was the coming Dec 10, 2026, and "2027" a word of the title."""
    draft = quickadd.parse(text)
    assert (draft.due_words, draft.title, draft.problems) == (due_words, title, [])
    ws = Workspace.open(cli.workspace)
    assert quickadd.resolve(draft, ws, ws.member_by_handle("ana"), NOW)["due"]["utc"] == due
    # A year after any other day is no date: refused, not dropped.
    with pytest.raises(DateError, match="'next fri 2027' is not a date"):
        parse_day("next fri 2027", NOW.date())


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("2026-12-10T17:00", {"utc": "2026-12-10T16:00:00Z", "tz": "Europe/Berlin"}),
        ("2026-12-10T17:00:00Z", {"utc": "2026-12-10T17:00:00Z", "tz": "UTC"}),
        ("2026-12-10T17:00 Asia/Tokyo", {"utc": "2026-12-10T08:00:00Z", "tz": "Asia/Tokyo"}),
    ],
)
def test_an_iso_instant_is_a_due_date_as_the_filters_read_it(cli: Cli, typed: str, due: dict[str, str]) -> None:
    """`add Recap due:2026-12-10T17:00`, as Taskwarrior takes a date, was refused ("is not a date"), and so was
    `set due=...`, where `tasks due:<2026-12-10T17:00` read it; `due:<...T17:00:00Z` was refused by the filters."""
    task = cli.ok("add", f"Recap due:{typed} notes").strip()
    shown = json.loads(cli.ok("show", task, "--json"))
    assert (shown["title"], shown["due"]) == ("Recap notes", due)
    cli.ok("set", task, "due=none")
    cli.ok("set", task, f"due={typed}")
    assert json.loads(cli.ok("show", task, "--json"))["due"] == due
    assert [t["id"] for t in json.loads(cli.ok("tasks", f"due:<={due['utc']}", "--json"))] == [task]
    assert json.loads(cli.ok("tasks", f"due:<{due['utc']}", "--json")) == []
    assert "is not a date" in cli("add", "Recap due:2026-12-10T17:00:30").err  # seconds that are not :00: no such due


def test_noon_is_a_time(cli: Cli) -> None:
    """Quick-add's "due:fri noon" was due at the end of Friday, titled "Lunch noon"; "every:day noon" repeated at the end of the day."""
    ws = Workspace.open(cli.workspace)
    ana = ws.member_by_handle("ana")
    lunch = quickadd.parse("Lunch due:fri noon")
    assert (lunch.title, quickadd.resolve(lunch, ws, ana, NOW)["due"]) == ("Lunch", {"utc": "2026-11-27T11:00:00Z", "tz": "Europe/Berlin"})
    standup = quickadd.parse("Standup every:day noon")
    assert standup.title == "Standup"
    assert quickadd.resolve(standup, ws, ana, NOW)["recurrence"]["rule"]["time"] == "12:00"
    assert query.parse("due:<fri noon").terms[0].value == "<fri noon"


def test_midnight_is_refused_as_a_time_that_says_no_day(cli: Cli) -> None:
    """ "due:fri midnight" was due at the end of Friday's working day (17:00), titled "Ads midnight", with not a word; and
    "due:<fri midnight" looked for the word in titles.  Midnight ends one day and starts the next: which is asked."""
    said = "'midnight' is the start of one day and the end of the one before: write 00:00 or 23:59 on the day meant"
    ws = Workspace.open(cli.workspace)
    ana = ws.member_by_handle("ana")
    for text in ("Ads due:fri midnight", "Ads every:day midnight"):
        draft = quickadd.parse(text)
        assert draft.title == "Ads"
        with pytest.raises(UserError, match=said):
            quickadd.resolve(draft, ws, ana, NOW)
    refused = cli("add", "Ads due:fri midnight")
    assert refused.code == 2 and said in refused.err and cli.ok("tasks", "all", "--json") == "[]\n"
    assert said.replace("'midnight'", "'Midnight'") in cli("add", "Ads due:Midnight fri").err  # as typed
    task_id = cli.ok("add", "Ads").strip()[:8]
    assert said in cli("set", task_id, "due=fri midnight").err
    assert said in cli("tasks", "due:<fri midnight").err
    assert quickadd.parse("Ads due:fri 23:59 midnight sale").title == "Ads midnight sale"  # after a time, a word of the title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Sale every:day 10:00 midnight sale", "Sale midnight sale"),
        ("Sale every:mon 10:00 Midnight", "Sale Midnight"),
        ("Sale every:mon at 10am midnight", "Sale midnight"),
        ("Sale every:day 10:00 noon sale", "Sale noon sale"),
        ("Sale every:mon 10 am at 11pm", "Sale at 11pm"),
        ("Sale every:mon 10:00 at 3 sale", "Sale at 3 sale"),
    ],
)
def test_a_repeat_rule_takes_one_time_as_a_due_date_does(cli: Cli, text: str, title: str) -> None:
    """Review rb: "every:day 10:00 midnight sale" was refused, midnight read as the rule's second time, and "every:day
    10:00 noon sale" repeated at 12:00, titled "Sale sale", telling of a clock change from 10:00 that was none.  A time
    after the rule's is the title's, as after a due date's ("due:fri 10:00 noon sale")."""
    added = cli("add", text)
    assert (added.code, added.err) == (0, "")
    task = json.loads(cli.ok("show", added.out.strip()[:8], "--json"))
    assert (task["title"], task["recurrence"]["rule"]["time"]) == (title, "10:00")


def test_a_rule_given_two_times_is_refused(cli: Cli) -> None:
    """set ID every="day 10:00 noon" repeated at 12:00 and every="mon 10:00 eod" at the end of the day, the first time
    dropped unsaid, where due="fri 10:00 noon" and due:fri 10:00 eod are refused."""
    task_id = cli.ok("add", "Standup").strip()[:8]
    for rule, said in (
        ("day 10:00 noon", "every: 'noon': a rule has one time, and 10:00 is it already"),
        ("mon 10 am 11pm", "every: '11pm': a rule has one time, and 10am is it already"),
        ("mon 10:00 eod", "every: eod is a time of its own: give eod or a time, not both"),
        ("mon eod 10:00", "every: eod is a time of its own: give eod or a time, not both"),
    ):
        refused = cli("set", task_id, f"every={rule}")
        assert (refused.code, refused.err) == (2, f"crewdeck: error: {said}\n")
    assert "every: eod is a time of its own" in cli("add", "Standup every:mon 10:00 eod").err  # as due:fri 10:00 eod
    assert json.loads(cli.ok("show", task_id, "--json"))["series"] is None


def test_midnight_refused_says_how_it_stays_a_word(cli: Cli) -> None:
    """Review rb: the refusal gave no way out, and "Prep due:fri Midnight Madness" (the title "Prep Midnight Madness"
    before midnight was a time) could only be typed again some other way; a filter's \\midnight looks for a backslash."""
    refused = cli("add", "Prep due:fri Midnight Madness")
    assert refused.code == 2 and refused.err.endswith("on the day meant (\\Midnight keeps the word in the title)\n")
    assert "(\\midnight keeps the word in the title)" in cli("add", "Sale every:day midnight").err
    kept = cli.ok("add", "Prep due:fri \\Midnight Madness").strip()[:8]
    assert json.loads(cli.ok("show", kept, "--json"))["title"] == "Prep Midnight Madness"
    filtered = cli("tasks", "due:<fri midnight")
    assert filtered.code == 2 and filtered.err.endswith("on the day meant (to look for the word, put it before due:)\n")
    assert [t["id"][:8] for t in json.loads(cli.ok("tasks", "Midnight", "due:<fri", "--json"))] == [kept]  # as it says
    # Review rg: written onto due: or every:, the word has no backslash or place before due: that keeps it.
    for attached in (("add", "Prep due:midnight"), ("add", "Sale every:mon,midnight"), ("tasks", "due:<midnight")):
        said = cli(*attached)
        assert said.code == 2 and said.err.endswith("on the day meant\n"), said.err


def test_a_backslash_keeps_a_word_literal() -> None:
    assert quickadd.parse(r"Fix \#1 bug \@home").title == "Fix #1 bug @home"


def test_problems_are_listed_for_the_preview() -> None:
    d = quickadd.parse("!urgent due:")
    assert any("priority" in p for p in d.problems)
    assert any("title" in p for p in d.problems)
    assert any("due:" in p for p in d.problems)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Brief @raj @ana", "@ana: a task has one assignee, and @raj is it already (\\@ana keeps the word in the title)"),
        ("Brief !high !low", "!low: a task has one priority, and !high is it already"),
        ("Brief +spring +winter", "+winter: a task is in one campaign, and +spring is it already"),
        ("Brief due:mon due:tue", "due: is given twice (due:mon, due:tue): give one date"),
        ("Brief every:mon every:tue", "every: is given twice (every:mon, every:tue): give one rule"),
        ("Standup every:mon at 9", "every: 'at 9' says no half of the day: write at 9am, at 9pm or at 21:00"),
    ],
)
def test_a_second_assignee_priority_campaign_or_date_is_a_problem_not_dropped(text: str, problem: str) -> None:
    """quick-add kept the last of two, silently: "Brief @raj @ana" was @ana's alone, and raj never heard of it."""
    assert problem in quickadd.parse(text).problems


def test_the_same_assignee_priority_or_campaign_twice_is_no_problem() -> None:
    draft = quickadd.parse("Brief @raj @RAJ !high !h +spring +spring")
    assert (draft.problems, draft.assignee, draft.priority, draft.campaign) == ([], "raj", "high", "spring")


def test_resolve_looks_names_up(cli: Cli) -> None:
    ws = Workspace.open(cli.workspace)
    ana = ws.member_by_handle("ana")
    values = quickadd.resolve(quickadd.parse("Shoot reel @raj +spring-launch due:fri"), ws, ana, NOW)
    raj = ws.member_by_handle("raj")
    assert values["assignee"] == raj.id
    assert values["status"] == "inbox"  # someone else's new task waits in their inbox
    # A date alone is the end of the owner's (the assignee's) working day, in their zone: 18:30 IST.
    assert values["due"] == {"utc": "2026-11-27T13:00:00Z", "tz": "Asia/Kolkata"}
    mine = quickadd.resolve(quickadd.parse("Plan week @ana"), ws, ana, NOW)
    assert mine["status"] == "todo"
    with pytest.raises(UserError, match=r"unknown member @rja.*@raj"):
        quickadd.resolve(quickadd.parse("x @rja"), ws, ana, NOW)
    with pytest.raises(UserError, match="unknown campaign"):
        quickadd.resolve(quickadd.parse("x +winter"), ws, ana, NOW)
    ws.close()


def test_a_zone_written_in_small_letters_is_refused_with_its_name_not_read_into_the_title(cli: Cli) -> None:
    d = quickadd.parse("Call the studio and/or the agency due:fri 17:00 europe/berlin")
    assert d.title == "Call the studio and/or the agency"  # "and/or" is no zone's name
    assert d.due_words == ["fri", "17:00", "europe/berlin"]
    ws = Workspace.open(cli.workspace)
    try:
        with pytest.raises(UserError, match=r"due: unknown time zone 'europe/berlin' \(did you mean Europe/Berlin\?\)"):
            quickadd.resolve(d, ws, ws.member_by_handle("ana"), NOW)
    finally:
        ws.close()


def test_filter_terms_parse() -> None:
    q = query.parse("status:todo,doing @ana -#legal +launch !high due:<fri overdue carousel")
    kinds = [(t.kind, t.value, t.negate) for t in q.terms]
    assert kinds == [
        ("status", "todo,doing", False),
        ("assignee", "ana", False),
        ("tag", "legal", True),
        ("campaign", "launch", False),
        ("priority", "high", False),
        ("due", "<fri", False),
        ("overdue", "", False),
        ("text", "carousel", False),
    ]
    assert q.shows_closed


def test_a_filter_value_in_quotes_keeps_its_spaces(cli: Cli) -> None:
    """`"landing page"` was two words, each with a quote in it, that matched no title; `+"Spring Launch"` was the campaign
    `"Spring` (unknown) and the word `Launch"`: quotes keep a value's spaces, as the ledger's filter reads them."""
    q = query.parse('-"landing page" +"Spring Launch" \'reel cut\' due:"fri 18:00" McDonald\'s')
    assert [(t.kind, t.value, t.negate) for t in q.terms] == [
        ("text", "landing page", True),
        ("campaign", "Spring Launch", False),
        ("text", "reel cut", False),
        ("due", "fri 18:00", False),
        ("text", "McDonald's", False),
    ]
    cli.ok("add", "Draft the landing page copy +spring-launch")
    cli.ok("add", "Landing copy for the page +spring-launch")
    listed = json.loads(cli.ok("tasks", '"landing page"', '+"Spring Launch"', "--json"))
    assert [task["title"] for task in listed] == ["Draft the landing page copy"]


@pytest.mark.parametrize("text", ["status:finished", "!urgent"])
def test_bad_filter_terms_say_why(text: str) -> None:
    with pytest.raises(UserError):
        query.parse(text)


@pytest.mark.parametrize("text", ["due:", "due: fri", "-due:"])
def test_a_due_term_with_no_date_says_so(text: str) -> None:
    """A due: term alone searched the titles for the word "due:" and matched nothing, silently; due:< is refused."""
    with pytest.raises(UserError, match=r"^due: a date is missing \(try due:<fri, due:today, due:none\)$"):
        query.parse(text)


def test_a_day_and_time_in_any_order_people_type_is_read_by_every_way_in(cli: Cli) -> None:
    """Quick-add's "due:tomorrow at 3pm" was due at the end of tomorrow, titled "Call at 3pm"; `set due=2pm tomorrow`
    and the snooze were refused ("'tomorrow' after the date is not a time or a zone")."""
    task_id = cli.ok("add", "Call due:tomorrow at 3pm about rates").strip()
    row = json.loads(cli.ok("tasks", "--json"))[0]
    assert (row["title"], row["due"]) == ("Call about rates", {"utc": "2026-11-27T14:00:00Z", "tz": "Europe/Berlin"})
    cli.ok("set", task_id[:8], "due=2pm tomorrow")
    assert json.loads(cli.ok("tasks", "--json"))[0]["due"] == {"utc": "2026-11-27T13:00:00Z", "tz": "Europe/Berlin"}
    cli.ok("set", task_id[:8], "due=fri at 9am")
    assert json.loads(cli.ok("tasks", "--json"))[0]["due"] == {"utc": "2026-11-27T08:00:00Z", "tz": "Europe/Berlin"}
    # The filters read them alike: "due:<fri at 9am" took "at 9am" for words of a title.
    assert [(t.kind, t.value) for t in query.parse("due:<fri at 9am brief").terms] == [("due", "<fri at 9am"), ("text", "brief")]
    assert len(json.loads(cli.ok("tasks", "due:<fri at 10am", "--json"))) == 1
    # An hour alone that says no half of the day is refused by every way in, never read as 03:00 (review rc).
    said = "'at 3' says no half of the day: write at 3am, at 3pm or at 15:00"
    assert said in cli("add", "Shoot photos due:fri at 3 venues").err
    assert said in cli("set", task_id[:8], "due=fri at 3").err
    assert said in cli("tasks", "due:<fri at 3").err
    # Its half of the day in a word of its own is one (final read fa: refused as "at 3" alone).
    later = cli.ok("add", "Call due:fri at 3 pm about venues").strip()
    assert next(t for t in json.loads(cli.ok("tasks", "--json")) if t["id"].startswith(later))["due"]["utc"] == "2026-11-27T14:00:00Z"
    assert cli("tasks", "due:<fri at 3 pm").code == 0
    cli.ok("set", task_id[:8], "snoozed_until=10am next fri")
    assert json.loads(cli.ok("tasks", "all", "--json"))[0]["snoozed_until"] == {"utc": "2026-11-27T09:00:00Z", "tz": "Europe/Berlin"}
