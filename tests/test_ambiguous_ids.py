"""An id typed that starts more than one record's says which is which: each one's id, long enough to type, and a few
words of what it is, a line each under the error line (reviewer rf: "ambiguous: 174d2a3c6, 174d2a3cb" named neither)."""

from __future__ import annotations

from typing import Any

from crewdeck.tui.workspace.workspace import Workspace

from .conftest import Cli, Result
from .forged import Forger


def _entry(me: str, campaign: str, **values: Any) -> dict[str, Any]:
    return {"category": "ads", "payee": "Meta", "entered_by": me, "entered_at": "2026-11-20T10:00:00Z", "campaign": campaign, **values}


def _made(cli: Cli, tasks: dict[str, dict[str, Any]], entries: dict[str, dict[str, Any]] | None = None) -> None:
    """Tasks and ledger entries (by id, their fields) made by ana, their ids as given."""
    ws = Workspace.open(cli.workspace)
    me = ws.member_by_handle("ana").id
    spring = ws.campaign_by_name("spring-launch").id
    with ws.store.write(me) as w:
        for row_id, fields in tasks.items():
            w.create("task", fields, row_id=row_id)
        for row_id, fields in (entries or {}).items():
            w.append("ledger_entry", _entry(me, spring, **fields), row_id=row_id)
    ws.close()


def _refused(result: Result) -> list[str]:
    assert result.code == 2 and result.out == "" and "Traceback" not in result.err, result
    return result.err.splitlines()


def test_an_ambiguous_task_id_names_each_task_by_its_title_and_status(cli: Cli) -> None:
    _made(cli, {"abcd1234" + "0" * 24: {"title": "Draft carousel"}, "abcd5678" + "0" * 24: {"title": "Film reel", "status": "done"}})
    assert _refused(cli("show", "abcd")) == [
        "crewdeck: error: id abcd is ambiguous: abcd1234, abcd5678; type more of it",
        "  abcd1234  task “Draft carousel”, inbox",
        "  abcd5678  task “Film reel”, done",
    ]


def test_an_ambiguous_ledger_entry_id_names_each_entry_by_its_date_campaign_and_amount(cli: Cli) -> None:
    entries = {
        "174d2a3c6" + "0" * 23: {"date": "2026-11-04", "amount": 22201, "currency": "GBP"},
        "174d2a3cb" + "0" * 23: {"date": "2026-11-02", "amount": -45, "currency": "JPY"},
    }
    _made(cli, {}, entries)
    assert _refused(cli("ledger", "reverse", "174d2a3c")) == [
        "crewdeck: error: id 174d2a3c is ambiguous: 174d2a3c6, 174d2a3cb; type more of it",
        "  174d2a3c6  ledger entry 2026-11-04 +spring-launch 222.01 GBP",
        "  174d2a3cb  ledger entry 2026-11-02 +spring-launch -45 JPY",
    ]


def test_many_candidates_are_capped_and_the_rest_counted(cli: Cli) -> None:
    _made(cli, {f"abcd{n}" + "0" * 27: {"title": f"task {n}"} for n in range(8)})
    said = _refused(cli("show", "abcd"))
    assert said[0] == "crewdeck: error: id abcd is ambiguous: abcd0000, abcd1000, abcd2000, abcd3000, abcd4000 and 3 more; type more of it"
    assert said[1:] == [*(f"  abcd{n}000  task “task {n}”, inbox" for n in range(5)), "  and 3 more"]


def test_log_of_a_prefix_two_records_start_says_it_is_ambiguous(cli: Cli) -> None:
    """``log 00000000`` said "no record with id 00000000": each kind's ambiguity was taken for no match."""
    _made(cli, {"00000000a" + "0" * 23: {"title": "one"}, "00000000b" + "0" * 23: {"title": "two"}})
    assert _refused(cli("log", "00000000")) == [
        "crewdeck: error: id 00000000 is ambiguous: 00000000a, 00000000b; type more of it",
        "  00000000a  task “one”, inbox",
        "  00000000b  task “two”, inbox",
    ]
    assert "one" in cli.ok("log", "00000000a")


def test_log_of_a_prefix_that_starts_records_of_two_kinds_names_both(cli: Cli) -> None:
    """A task's and a ledger entry's: the log was the task's, the first kind looked in, with nothing said."""
    _made(cli, {"0000000a" + "0" * 24: {"title": "one"}}, {"0000000b" + "0" * 24: {"date": "2026-11-04", "amount": 500, "currency": "EUR"}})
    assert _refused(cli("log", "0000000")) == [
        "crewdeck: error: id 0000000 is ambiguous: 0000000a, 0000000b; type more of it",
        "  0000000a  task “one”, inbox",
        "  0000000b  ledger entry 2026-11-04 +spring-launch 5.00 EUR",
    ]


def test_candidates_pulled_without_a_handle_or_in_a_currency_unknown_here_are_still_told_apart(cli: Cli) -> None:
    """A member pulled without its handle was named "@None", and an entry in a currency this build does not know made
    the answer "unknown currency" where it was the ambiguity (reviewer rg)."""
    forger = Forger(cli.workspace)
    for n in (1, 2):
        forger.set("member", f"dcba000{n}" + "0" * 24, {"name": f"Pulled {n}"})
        forger.append(
            "ledger_entry",
            f"fedc000{n}" + "0" * 24,
            {"currency": "QQQ", "amount": 5 * n, "date": "2026-11-04", "campaign": "c" * 32, "category": "ads", "payee": "x",
             "memo": "", "reverses": None, "task": None, "entered_by": "e" * 32, "entered_at": "2026-11-25T10:00:00Z",
             "needs_approval": False},
        )  # fmt: skip
    members = cli("log", "dcba")
    assert members.code == 2 and "member @member-dcba0001 (Pulled 1)" in members.err and "@None" not in members.err, members.err
    entries = cli("ledger", "reverse", "fedc")
    assert entries.code == 2 and "is ambiguous" in entries.err, entries.err
    assert "ledger entry 2026-11-04" in entries.err and "10 QQQ" in entries.err, entries.err


def test_a_candidate_whose_title_is_blank_is_named_as_listings_name_it(cli: Cli) -> None:
    # "  " read as a title: task “  ”, where crewdeck tasks all says (untitled task abcd0001) (reviewer rh).
    forger = Forger(cli.workspace)
    for n in (1, 2):
        forger.set("task", f"abcd000{n}" + "0" * 24, {"title": "  ", "status": "inbox"})
    err = cli("show", "abcd").err
    assert "task (untitled task abcd0001), inbox" in err and "“  ”" not in err, err
