"""Text that cannot take over a terminal: every text field of every record,
holding escape sequences, C1 controls, bidi overrides, newlines and markup,
through every listing of the command line and every part of the app.

The records are applied as a pull applies them (never judged), since new
operations with control characters are refused where they are made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.app import App

from crewdeck.sync.state.ids import new_id
from crewdeck.tui.workspace.workspace import Workspace

from .apphelp import make_app, settle, until
from .conftest import Cli
from .forged import HOSTILE, HOSTILE_SHOWN, Forger, raw_characters

#: In the suite's "now" (2026-11-26 09:30 UTC): today, in everyone's working hours.
DUE = {"utc": "2026-11-26T11:00:00Z", "tz": "Asia/Kolkata"}
PUBLISH = {"utc": "2026-11-26T14:00:00Z", "tz": "America/New_York"}


@dataclass(frozen=True)
class Hostile:
    """The ids of the records whose every text field is ``HOSTILE``."""

    raj: str
    evil: str
    campaign: str
    task: str
    entry: str


def make_hostile(path: Path) -> Hostile:
    """The ``cli`` fixture's workspace with ``HOSTILE`` in every text field of every kind of record."""
    ws = Workspace.open(path)
    _ana, raj, campaign = ws.member_by_handle("ana").id, ws.member_by_handle("raj").id, ws.campaigns()[0].id
    ws.close()
    forger = Forger(path, member=raj)
    evil, task, entry = new_id(), new_id(), new_id()
    forger.set("workspace", "workspace", {"name": HOSTILE})
    forger.set("member", raj, {"name": HOSTILE, "role": HOSTILE, "unix_user": HOSTILE})
    # A member whose handle itself is hostile (raj keeps his, to act as him).
    forger.set(
        "member",
        evil,
        {
            "handle": HOSTILE,
            "name": HOSTILE,
            "role": HOSTILE,
            "tz": "Asia/Tokyo",
            "hours": {"thu": [["09:00", "21:00"]]},
            "unix_user": HOSTILE,
        },
    )
    forger.set("campaign", campaign, {"name": HOSTILE, "status": "paused", "pause_reason": HOSTILE, "platforms": [HOSTILE]})
    forger.set(
        "task",
        task,
        {
            "title": HOSTILE,
            "notes": f"{HOSTILE}\nsecond line {HOSTILE}",
            "status": "inbox",
            "assignee": raj,
            "campaign": campaign,
            "platform": HOSTILE,
            "tags": [HOSTILE],
            "decline_reason": HOSTILE,
            "due": DUE,
            "publish": PUBLISH,
            "created_by": raj,
            "created_at": "2026-11-20T08:00:00Z",
        },
    )
    forger.append(
        "ledger_entry",
        entry,
        {
            "date": "2026-11-25",
            "campaign": campaign,
            "category": HOSTILE,
            "payee": HOSTILE,
            "amount": 12050,
            "currency": "EUR",
            "memo": HOSTILE,
            "reverses": None,
            "task": task,
            "entered_by": raj,
            "entered_at": "2026-11-25T10:00:00Z",
            "needs_approval": True,
        },
    )
    forger.set(
        "budget",
        f"budget:{campaign}:ads:run",
        {"campaign": campaign, "category": HOSTILE, "period": "run", "amount": 100_000, "currency": "EUR"},
    )
    forger.set("rate", "rate:2026-11-01:USDEUR", {"date": "2026-11-01", "base": "USD", "quote": "EUR", "rate": "0.92"})
    return Hostile(raj, evil, campaign, task, entry)


def assert_safe(text: str, where: str, *, joiners: bool = True) -> None:
    """No character a terminal acts on (a joiner only if ``joiners``: a file keeps them), and no line a newline in a
    field forged."""
    raw = raw_characters(text, joiners=joiners)
    assert raw == [], f"{where}: raw {raw!r}"
    assert not any(line.startswith("FORGED ROW") for line in text.splitlines()), f"{where}: a field's newline made a row"


#: A hostile field as shown on one line (columns may cut it short).
SHOWN = HOSTILE_SHOWN[:40]
#: The log shows values as JSON, which spells C0 controls as \\u escapes itself.
SHOWN_IN_JSON = "M-^[31m<U+202E>EVIL<U+2066>"

#: ``(arguments, what the output shows of a hostile field, if anything)``
LISTINGS: list[tuple[tuple[str, ...], str]] = [
    (("tasks",), SHOWN),
    (("tasks", "all", "--sort", "title"), SHOWN),
    (("member", "list"), SHOWN),
    (("campaign", "list"), SHOWN),
    (("ledger", "list"), SHOWN),
    (("ledger", "report"), SHOWN),
    (("ledger", "report", "--by", "payee"), SHOWN),
    (("zones",), SHOWN),
    (("log",), SHOWN_IN_JSON),
    (("log", "--limit", "500"), SHOWN_IN_JSON),
    (("overlap", "ana", "raj"), ""),
    (("ledger", "export", "--format", "hledger"), SHOWN.replace(";", ",")),
    (("ledger", "export", "--format", "csv"), SHOWN),
]


@pytest.mark.parametrize(("args", "shown"), LISTINGS, ids=[" ".join(args) for args, _ in LISTINGS])
def test_every_listing_shows_control_characters_and_never_sends_them(cli: Cli, args: tuple[str, ...], shown: str) -> None:
    make_hostile(cli.workspace)
    result = cli(*args)
    assert result.code == 0, result.err
    assert_safe(result.out + result.err, " ".join(args), joiners="export" not in args)
    assert shown in result.out


def test_a_listing_row_stays_one_line(cli: Cli) -> None:
    hostile = make_hostile(cli.workspace)
    lines = cli.ok("tasks").splitlines()
    assert len(lines) == 2  # the header and the one open task
    assert lines[1].startswith(hostile.task[:8]) and lines[1].endswith(HOSTILE_SHOWN)
    members = cli.ok("member", "list").splitlines()
    assert len(members) == 4  # header, ana, raj and the member with the hostile handle
    assert any(line.startswith(f"@{HOSTILE_SHOWN}") for line in members)


@pytest.mark.parametrize(
    "args",
    [
        ("tasks", "--json"),
        ("member", "list", "--json"),
        ("campaign", "list", "--json"),
        ("ledger", "list", "--json"),
        ("zones", "--json"),
        ("log", "--json"),
        ("export",),
    ],
)
def test_json_keeps_the_text_exactly_and_sends_nothing_raw(cli: Cli, args: tuple[str, ...]) -> None:
    make_hostile(cli.workspace)
    out = cli.ok(*args)
    assert_safe(out, " ".join(args), joiners=False)
    assert HOSTILE in strings(json.loads(out))


def strings(value: object) -> set[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set(value).union(*(strings(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(strings(v) for v in value))
    return set()


def test_the_calendar_has_no_control_characters(cli: Cli) -> None:
    make_hostile(cli.workspace)
    text = cli.ok("export", "--ics")
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert all(raw_characters(line, newlines=False, joiners=False) == [] for line in lines)
    assert any(line.startswith("SUMMARY:Due: A^[]52\\;c\\;cHduZWQ=^GBM-^[31m<U+202E>EVIL") for line in lines)
    assert any(line.startswith("X-WR-CALNAME:A^[]52") for line in lines)
    # A joiner is text, kept as stored in a file (the joiner rule is for what is drawn).
    assert any(line.startswith("SUMMARY:Due: A^[]52") and line.endswith("Z\u200dJ") for line in lines)


def test_errors_quoting_records_show_them_too(cli: Cli) -> None:
    make_hostile(cli.workspace)
    result = cli("tasks", "@nobody")
    assert result.code == 2
    assert_safe(result.err, "error")
    assert result.err.count("\n") == 1 and f"@{HOSTILE_SHOWN}" in result.err


# ---------------------------------------------------------------- the app


def screen_lines(app: App[object]) -> list[str]:
    """The text of every cell the active screen sends to the terminal, line by line."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def assert_screen_safe(app: App[object], where: str, *shown: str, notes: bool = False) -> str:
    """The screen holds no raw control character, and shows each of ``shown``.

    Only a task's notes (``notes``: on the screen) keep their newlines.
    """
    text = "\n".join(screen_lines(app))
    assert raw_characters(text) == [], f"{where}: raw {raw_characters(text)!r}"
    forged = any(line.lstrip(" │┃|▌").startswith("FORGED ROW") for line in text.splitlines())
    assert forged == notes, f"{where}: a newline made a line"
    for part in shown:
        assert part in text, f"{where}: {part!r} not on screen:\n{text}"
    return text


#: Short enough to fit the narrowest column that shows a field.
PREFIX = "A^[]52;c;"


async def test_the_app_shows_every_field_and_sends_nothing_raw(cli: Cli) -> None:
    hostile = make_hostile(cli.workspace)
    app = make_app(cli.workspace, "raj")  # the inbox holds raj's tasks
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        assert_screen_safe(app, "the task list and the header", PREFIX)
        # The header gives a name too long for the line its first cells, in place of the app's name.
        assert screen_lines(app)[0].lstrip().startswith(PREFIX), screen_lines(app)[0]
        # Another member's change: the notice quotes the title.
        Forger(cli.workspace, member=hostile.evil).set("task", hostile.task, {"priority": "high"})
        await until(pilot, lambda: any(PREFIX in str(n.message) for n in app._notifications), "the notice")
        await until(pilot, lambda: "to high priority" in "".join(screen_lines(app)), "the notice on the screen")
        assert_screen_safe(app, "the notice", "x ^?M-^EZ<U+200D>J set")
        # Its toast off the screen: each screen below shows the record itself, not the notice still up over it.
        app.clear_notifications()
        await settle(pilot)
        assert not app.screen.query("Toast")
        await pilot.press("A")  # members by name
        await settle(pilot)
        assert_screen_safe(app, "the member picker", PREFIX)
        await pilot.press("escape", "v")  # the campaign's view
        await settle(pilot)
        assert_screen_safe(app, "the view picker", PREFIX)
        await pilot.press("escape", "enter")
        await settle(pilot)
        detail = assert_screen_safe(app, "the task's detail", HOSTILE_SHOWN, f"second line {HOSTILE_SHOWN[:40]}", notes=True)
        assert "[bold red]R[/] [$accent]x" in detail  # markup shown as typed
        await pilot.press("escape", "2")
        await settle(pilot)
        assert_screen_safe(app, "the deadline grid", f"@{PREFIX[:-1]}…")  # its column of names cuts the handle
        await pilot.press("Z")
        await settle(pilot)
        assert_screen_safe(app, "the zone picker", f"audience of {PREFIX}")
        await pilot.press("escape", "o")
        await settle(pilot)
        assert_screen_safe(app, "the meeting planner", f"@{PREFIX}")
        await pilot.press("escape", "3")
        await settle(pilot)
        assert_screen_safe(app, "the ledger", PREFIX)
        await pilot.press("enter")
        await settle(pilot)
        assert_screen_safe(app, "the entry's detail", f"120.50 EUR to {HOSTILE_SHOWN}")
        await pilot.press("escape", "r")
        await settle(pilot)
        assert_screen_safe(app, "the reversal prompt", f"to {PREFIX}")
        await pilot.press("escape", "n")  # a new entry: its category offers the ones in use as completions
        await settle(pilot)
        await pilot.press("tab", "A")
        await settle(pilot)
        assert_screen_safe(app, "the new entry's form")
        await pilot.press("escape")  # typed in: asks before dropping it
        await settle(pilot)
        assert_screen_safe(app, "the question before a typed entry is dropped")
        await pilot.press("y", "ctrl+p", *"View")
        await settle(pilot)
        assert_screen_safe(app, "the command palette", f"View: {HOSTILE_SHOWN}")
        assert app.is_running
