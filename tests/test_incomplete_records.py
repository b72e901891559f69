"""Records that are always readable: whatever a pull applied, every listing
and the app show it (placeholders for what is missing), never a traceback.

Operations are applied as a pull applies them (never judged): each value
passes its field's check, or is one an older version or an importer stored
(an empty name, a 5,000-character one), but records miss required fields,
name records that do not exist, depend on themselves, reverse nothing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.oplog import Op, check_value, from_wire
from crewdeck.sync.state.records import ENTITIES
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main

from .apphelp import make_app, settle
from .conftest import Cli, Result
from .forged import HOSTILE, Forger, raw_characters

# ---------------------------------------------------------------- the issue's three records


def test_the_issues_records_no_longer_break_any_reader(cli: Cli) -> None:
    forger = Forger(cli.workspace)
    campaign, task, member = new_id(), new_id(), new_id()
    forger.set("campaign", campaign, {"kpis": {"a": 1}})  # no name
    forger.set("task", task, {"priority": "high"})  # no title
    forger.set("member", member, {"name": "Only Name"})  # no handle, no zone
    assert f"(untitled task {task[:8]})" in cli.ok("tasks")
    assert len(cli.ok("add", "x", "+spring-launch").strip()) == 32
    assert f"+unnamed-campaign-{campaign[:8]}  (unnamed campaign {campaign[:8]})" in cli.ok("campaign", "list")
    listed = cli("member", "list")
    assert f"@member-{member[:8]}  Only Name" in listed.out and "UTC" in listed.out
    assert "note: 1 member is incomplete or invalid" in listed.err and "crewdeck doctor" in listed.err
    assert f"@member-{member[:8]}" in cli.ok("zones")
    for args in (("ledger", "list"), ("export", "--ics"), ("ledger", "report"), ("tasks", f"+unnamed-campaign-{campaign[:8]}")):
        assert read(cli(*args)), args


def test_a_due_date_in_a_zone_this_host_does_not_know_is_shown_in_utc(cli: Cli) -> None:
    """A due date and a publish slot meant in a zone this host's zone database lacks (a newer one's, or a forged
    push) failed `show` and the whole of `export --ics` with "unknown time zone" (naming neither task nor field);
    they are read on the UTC clock, as a member's unknown zone is, and doctor names them."""
    task = new_id()
    forger = Forger(cli.workspace)
    forger.set("task", task, {"title": "Moon shot", "status": "todo", "priority": "none", "deleted": False})
    forger.set("task", task, {"due": {"utc": "2026-11-27T16:00:00Z", "tz": "Mars/Olympus"}})
    forger.set("task", task, {"publish": {"utc": "2026-11-28T09:30:00Z", "tz": "Mars/Olympus"}})
    shown = cli.ok("show", task[:8])
    assert "set in: tmrw 16:00 UTC" in shown and "set in: Sat 11-28 09:30 UTC" in shown, shown
    calendar = cli.ok("export", "--ics")
    assert "DTSTART:20261127T160000Z" in calendar and "DTSTART:20261128T093000Z" in calendar
    assert "unknown time zone 'Mars/Olympus'" in cli("doctor").out


def test_spend_on_a_campaign_that_never_arrived_is_reported_and_found_by_its_short_id(cli: Cli) -> None:
    missing, entry = new_id(), new_id()
    Forger(cli.workspace).append(
        "ledger_entry",
        entry,
        {
            "date": "2026-11-25",
            "campaign": missing,
            "category": "ads",
            "payee": "Canva",
            "amount": 1_200,
            "currency": "EUR",
            "memo": "",
            "reverses": None,
            "task": None,
            "entered_by": new_id(),
            "entered_at": "2026-11-25T10:00:00Z",
            "needs_approval": False,
        },
    )
    assert f"+{missing[:8]}" in cli.ok("ledger", "report")
    assert [row["id"] for row in json.loads(cli.ok("ledger", "list", f"+{missing[:8]}", "--json"))] == [entry]
    assert "unknown campaign +0000" in cli("ledger", "list", "+0000").err


async def test_the_app_shows_the_issues_records(cli: Cli) -> None:
    forger = Forger(cli.workspace)
    campaign, task, member = new_id(), new_id(), new_id()
    forger.set("campaign", campaign, {"kpis": {"a": 1}})
    forger.set("task", task, {"priority": "high"})
    forger.set("member", member, {"name": "Only Name"})
    app = make_app(cli.workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert [row.cells[2] for _, row in app.tasks_pane.table.loaded_rows()] == [f"(untitled task {task[:8]})"]
        await pilot.press("enter")
        await settle(pilot)
        assert f"(untitled task {task[:8]})" in str(app.screen.query_one("#detail-body").render())
        await pilot.press("escape", "2", "3", "v")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
        assert not [n for n in app._notifications if n.title == "unexpected error"]


# ---------------------------------------------------------------- random records

MEMBERS = [new_id() for _ in range(3)]
CAMPAIGNS = [new_id() for _ in range(3)]
TASKS = [new_id() for _ in range(4)]
ENTRIES = [new_id() for _ in range(3)]
#: Named by records, never created.
NOBODY = new_id()

TEXT = ["x", "Draft the reel", "Café ☕ ثبت", "[b]bold[/b] [$accent]"]
#: Text the checks refuse that importers and older versions stored: empty,
#: too long, with control characters.
STORED_TEXT = ["", "   ", "y" * 300, "z" * 5000, HOSTILE]
INSTANTS = [
    {"utc": "2026-11-26T12:00:00Z", "tz": "Asia/Kolkata"},
    {"utc": "2026-11-20T08:00:00Z", "tz": "UTC"},
    {"utc": "2027-03-28T01:30:00Z", "tz": "Europe/London"},
    {"utc": "2026-11-26T23:45:00Z", "tz": "Pacific/Chatham"},
]
RULE = {"freq": "weekly", "days": ["mon", "thu"], "monthday": None, "time": "09:00", "tz": "Europe/Berlin"}

FIELD_VALUES: dict[str, dict[str, list[Any]]] = {
    "workspace": {"name": TEXT + STORED_TEXT, "base_currency": ["EUR", "USD", "JPY"]},
    "member": {
        "handle": ["raj", "ana", "m.1", "member-x"],
        "name": TEXT + STORED_TEXT,
        "role": [*TEXT, HOSTILE, "project manager"],
        "tz": ["UTC", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu"],
        "hours": [{}, {"mon": [["09:00", "17:00"]]}, {"fri": [["22:00", "02:00"]]}, {"thu": [["00:00", "24:00"]]}],
        "days_off": [[], ["2026-11-26"], ["2026-11-26", "2026-12-24"]],
        # Never the account running the tests: acting as ana from it is what the listings do.
        "unix_user": [None, "raj-unix", "kemi-unix"],
        "deleted": [True, False],
    },
    "campaign": {
        "name": TEXT + STORED_TEXT,
        "platforms": [[], ["instagram"], ["tiktok", "linkedin"]],
        "audience_tz": [None, "America/New_York", "Asia/Tokyo"],
        "start": [None, "2026-11-01", "2026-12-31"],
        "end": [None, "2026-10-01", "2026-12-31"],
        "status": ["active", "paused", "done"],
        "pause_reason": [*TEXT, HOSTILE],
        "kpis": [{}, {"a": 1}, {"reach": {"target": 10_000}}],
        "deleted": [True, False],
    },
    "task": {
        "title": TEXT + STORED_TEXT,
        "notes": [*TEXT, HOSTILE, "line one\nline two"],
        "status": ["inbox", "todo", "doing", "review", "done", "cancelled"],
        "assignee": [None, *MEMBERS, NOBODY],
        "priority": ["high", "med", "low", "none"],
        "campaign": [None, *CAMPAIGNS, NOBODY],
        "platform": [None, "instagram"],
        "due": [None, *INSTANTS],
        "publish": [None, *INSTANTS],
        "tags": [[], ["meeting"], ["urgent", "x"]],
        "depends_on": [[], [TASKS[0]], [TASKS[1], NOBODY]],
        "estimate": [None, 0, 90, 10**12],
        "snoozed_until": [None, "2026-11-27T00:00:00Z", "2026-11-01T00:00:00Z"],
        "recurrence": [
            None,
            {"rule": RULE, "on": "2026-11-23", "template": {"title": "Weekly sync", "assignee": MEMBERS[0]}},
            {"rule": None, "on": "2026-11-19", "template": {"title": "Ended"}},
        ],
        "meeting": [
            None,
            {"minutes": 30, "required": [MEMBERS[0], MEMBERS[1]], "optional": []},
            {"minutes": 1440, "required": [NOBODY], "optional": [MEMBERS[2]]},
        ],
        "series": [None, TASKS[0], NOBODY],
        "decline_reason": [*TEXT, HOSTILE],
        "duplicate_of": [None, TASKS[1]],
        "created_by": [None, MEMBERS[0], NOBODY],
        "created_at": [None, "2026-11-20T08:00:00Z"],
        "deleted": [True, False],
    },
    "budget": {
        "campaign": [*CAMPAIGNS, NOBODY],
        "category": ["ads", "tools"],
        "period": ["run", "2026-11", "2026-12"],
        "amount": [0, 100_000],
        "currency": ["EUR", "USD"],
        "deleted": [True, False],
    },
    "rate": {
        "date": ["2026-11-01", "2026-11-20"],
        "base": ["USD", "JPY"],
        "quote": ["EUR", "USD"],
        "rate": ["0.92", "150"],
        "deleted": [True, False],
    },
}
ROWS = {
    "workspace": ["workspace"],
    "member": MEMBERS,
    "campaign": CAMPAIGNS,
    "task": TASKS,
    "budget": [f"budget:{c}:{k}:{p}" for c in CAMPAIGNS[:2] for k in ("ads", "tools") for p in ("run", "2026-11")],
    "rate": ["rate:2026-11-01:USDEUR", "rate:2026-11-20:JPYEUR"],
}


def _set(entity: str) -> st.SearchStrategy[tuple[str, str, str, dict[str, Any]]]:
    fields = FIELD_VALUES[entity]
    values = st.dictionaries(st.sampled_from(sorted(fields)), st.none(), min_size=1, max_size=4).flatmap(
        lambda chosen: st.fixed_dictionaries({name: st.sampled_from(fields[name]) for name in chosen})
    )
    return st.tuples(st.just("set"), st.just(entity), st.sampled_from(ROWS[entity]), values)


entry = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["2026-11-25", "2026-10-01", "2026-12-31"]),
        "campaign": st.sampled_from([*CAMPAIGNS, NOBODY]),
        "category": st.sampled_from(["ads", "tools"]),
        "payee": st.sampled_from([*TEXT, HOSTILE]),
        "amount": st.sampled_from([12_050, -500, 0, 10**12]),
        "currency": st.sampled_from(["EUR", "USD", "JPY", "KWD"]),
        "memo": st.sampled_from([*TEXT, HOSTILE]),
        "reverses": st.sampled_from([None, *ENTRIES, NOBODY]),
        "task": st.sampled_from([None, TASKS[0], NOBODY]),
        "entered_by": st.sampled_from([*MEMBERS, NOBODY]),
        "entered_at": st.just("2026-11-25T10:00:00Z"),
        "needs_approval": st.booleans(),
    }
)
approval = st.fixed_dictionaries(
    {
        "entry": st.sampled_from([*ENTRIES, NOBODY]),
        "approved_by": st.sampled_from([*MEMBERS, NOBODY]),
        "approved_at": st.just("2026-11-25T11:00:00Z"),
    }
)
change = st.one_of(
    *(_set(entity) for entity in FIELD_VALUES),
    _set("task"),
    _set("task"),
    st.tuples(st.just("append"), st.just("ledger_entry"), st.sampled_from(ENTRIES), entry),
    st.tuples(st.just("append"), st.just("approval"), st.builds(new_id), approval),
)
changes = st.lists(change, min_size=1, max_size=25)


def test_the_values_drawn_are_those_a_pull_can_bring() -> None:
    """Each value passes its field's check, but for the text older versions stored (and ``HOSTILE``, which
    today's checks refuse in new operations)."""
    for entity, fields in FIELD_VALUES.items():
        spec = ENTITIES[entity]
        for name, values in fields.items():
            for value in values:
                if value in STORED_TEXT:
                    continue
                spec.check(name, value)  # raises if a value drawn could not come from a checked write
    example = Op("0000001790000-0000-f0f0f0f0f0f0", "f0f0f0f0f0f0", 1, "", "append", "ledger_entry", ENTRIES[0], "*", "")
    record = {
        "date": "2026-11-25",
        "campaign": NOBODY,
        "category": "ads",
        "payee": TEXT[2],
        "amount": 1,
        "currency": "EUR",
        "memo": "",
        "reverses": NOBODY,
        "task": None,
        "entered_by": NOBODY,
        "entered_at": "2026-11-25T10:00:00Z",
        "needs_approval": True,
    }
    assert check_value(example, record)["payee"] == TEXT[2]
    assert from_wire({**example._asdict(), "value": record}).entity == "ledger_entry"


_TEMPLATE: dict[str, Path] = {}


def _workspace(directory: Path) -> Path:
    """A workspace with ana (the suite's OS user) and one campaign, copied from one made once."""
    template = _TEMPLATE.get("path")
    if template is None:
        base = Path(tempfile.mkdtemp(prefix="crewdeck-incomplete-"))
        template = base / "template.db"
        assert main(["init", str(template), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
        Cli(template).ok("campaign", "add", "Spring Launch", "--audience-tz", "America/New_York")
        _TEMPLATE["path"] = template
    target = directory / "team.db"
    shutil.copyfile(template, target)
    return target


def _apply(path: Path, drawn: list[tuple[str, str, str, dict[str, Any]]]) -> None:
    forger = Forger(path, member=MEMBERS[0])
    ops = []
    for kind, entity, row_id, values in drawn:
        if kind == "set":
            ops.extend(forger.set_ops(entity, row_id, values))
        else:
            ops.append(forger.op("append", entity, row_id, "*", values))
    forger.apply(ops)


#: Every listing; each must exit 0 whatever the records are.
LISTINGS: list[tuple[str, ...]] = [
    ("tasks",),
    ("tasks", "all", "--sort", "due"),
    ("tasks", "--json"),
    ("tasks", "+spring-launch"),
    ("member", "list"),
    ("member", "list", "--json"),
    ("campaign", "list"),
    ("campaign", "list", "--json"),
    ("ledger", "list"),
    ("ledger", "list", "--json"),
    ("ledger", "report"),
    ("ledger", "report", "--by", "month"),
    ("ledger", "report", "--by", "payee", "--json"),
    ("zones",),
    ("zones", "--json"),
    ("log",),
    ("log", "--json"),
    ("overlap", "ana", "--days", "2"),
    ("export",),
    ("export", "--ics"),
    ("ledger", "export", "--format", "hledger"),
    ("ledger", "export", "--format", "csv"),
    ("add", "Draft @ana +spring-launch due:fri"),
]


def read(result: Result) -> bool:
    """Whether a command read the workspace: exit 0, or a list that listed nothing (exit 1, its one line on stderr)."""
    return result.code == 0 or (result.code == 1 and not result.out and result.err.startswith("no "))


# Fifteen workspaces, each listed 23 ways and checked by the doctor: thirty made it the suite's longest test.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=changes)
def test_every_listing_reads_whatever_was_applied(drawn: list[tuple[str, str, str, dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _workspace(Path(tmp))
        _apply(path, drawn)
        cli = Cli(path)
        for args in LISTINGS:
            result = cli(*args)
            assert read(result), (args, result.err)
            # (iCalendar's lines end in CRLF.)  JSON and the exports keep a joiner as stored.
            joiners = "--json" not in args and "export" not in args
            assert raw_characters(result.out.replace("\r\n", "\n") + result.err, joiners=joiners) == [], args
        doctor = cli("doctor")
        assert doctor.code in (0, 1) and "Traceback" not in doctor.err


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=changes)
async def test_the_app_reads_whatever_was_applied(drawn: list[tuple[str, str, str, dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _workspace(Path(tmp))
        _apply(path, drawn)
        app = make_app(path)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            for keys in (
                ("enter",),
                ("escape", "v"),
                ("escape", "A"),
                ("escape", "2"),
                ("Z",),
                ("escape", "o"),
                ("escape", "3"),
                ("enter",),
                ("escape",),
            ):
                await pilot.press(*keys)
                await settle(pilot)
            assert app.is_running
            assert [n.message for n in app._notifications if n.title == "unexpected error"] == []


def test_a_series_naming_no_member_nor_campaign_here_goes_on_for_nobody_and_the_list_reads(tmp_path: Path) -> None:
    """A pulled series whose template named a member or a campaign this replica does not hold: `tasks` made its next
    instance first, the rules refused it (``unknown_member``), and the listing failed with that refusal."""
    path = _workspace(tmp_path)
    series = TASKS[0]
    template = {"title": "Weekly sync", "assignee": MEMBERS[0], "campaign": CAMPAIGNS[0]}
    recurrence = {"rule": RULE, "on": "2026-11-23", "template": template}
    _apply(path, [("set", "task", series, {"title": "Weekly sync", "status": "done", "series": series, "recurrence": recurrence})])
    cli = Cli(path)
    assert "Weekly sync" in cli.ok("tasks")
    with Store(path) as store:
        made = store.conn.execute("SELECT assignee, campaign, status FROM task WHERE series = ? AND id != ?", (series, series)).fetchall()
    assert made == [(None, None, "inbox")]  # nobody holds it: in the inbox
