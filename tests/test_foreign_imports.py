"""Trello, Asana and Linear imports (issue 18, item 1): fixtures with each format's quirks, merged like every import."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crewdeck.tui.cli.main import main
from crewdeck.tui.tasks.foreign import StatusMap
from crewdeck.tui.tasks.linear import unquoted
from crewdeck.tui.workspace.merging import stable_id

from .conftest import Cli
from .importfixtures import (
    ASANA_HEADER,
    ASANA_ROWS,
    LINEAR_ROWS,
    asana_csv,
    card_id,
    linear_csv,
    trello_board,
    trello_card,
    trello_json,
)


def op_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM ops").fetchone()[0])


def tasks(cli: Cli) -> dict[str, dict[str, Any]]:
    return {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}


def members(cli: Cli) -> dict[str, str]:
    return {m["handle"]: m["id"] for m in json.loads(cli.ok("export"))["member"]}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_trello_board_becomes_tasks_with_every_quirk(cli: Cli, tmp_path: Path) -> None:
    board = write(tmp_path, "board.json", trello_json(trello_board(cards=8, actions=1_200)))
    before = op_count(cli.workspace)

    dry = cli.ok("import", "--from", "trello", str(board), "--dry-run")
    assert op_count(cli.workspace) == before  # --dry-run writes nothing
    assert "  Doing -> doing" in dry and "  Done -> done" in dry
    assert '  Later -> todo (guessed: --map-status "Later=STATUS" to change)' in dry
    assert "dry run, nothing written: imported 13 tasks" in dry

    out = cli.ok("import", "--from", "trello", str(board))
    assert out.startswith("imported 13 tasks")
    assert "left unassigned (no such member): gone" in out  # a member who left the board, known from a comment
    assert "1 card with no list went to the inbox" in out
    found = tasks(cli)
    ids = members(cli)
    launch = found["Launch post 🚀 für Zoë"]
    assert launch["id"] == stable_id("trello-card", card_id(1))
    assert launch["status"] == "doing"
    assert launch["assignee"] == ids["raj"]
    assert launch["due"] == {"utc": "2026-03-02T16:00:00Z", "tz": "Asia/Kolkata"}  # the assignee's zone
    assert launch["tags"] == ["urgent", "trello-green"]  # an unnamed label is its colour
    assert launch["platform"] == "tiktok"  # a label naming a platform of a campaign here
    assert launch["campaign"] == json.loads(cli.ok("export"))["campaign"][0]["id"]  # a label naming a campaign
    assert launch["created_at"] == "2026-01-01T05:03:56Z"  # from the card id's timestamp
    notes = launch["notes"]
    assert notes.startswith('Line one\nLine two, "quoted"\nstart: 2026-02-27\nBefore it goes out:\n[x] Alt text\n[ ] Legal sign-off\n')
    assert "attachment: brief.pdf https://trello.com/1/cards/x/attachments/brief.pdf" in notes
    assert "comment by @gone on 2026-02-28: comment 55: « ça va »\nsecond line" in notes
    assert notes.count("comment by @") == 240  # every 5th of the 1,200 comments
    assert notes.index("comment 0:") < notes.index("comment 55:")  # oldest first (Trello lists newest first)
    assert "also on it: @ana" in notes
    assert notes.endswith("imported: entered by @zoe 2026-01-05")  # createCard's author, as text
    assert found["Archived idea"]["status"] == "cancelled" and found["Archived idea"]["notes"].startswith("archived in Trello")
    assert found["Shipped"]["status"] == "done"  # dueComplete
    assert found["Card with no list"]["status"] == "inbox"
    assert found["Left member's card"]["assignee"] is None and found["Left member's card"]["status"] == "todo"

    count = op_count(cli.workspace)
    again = cli.ok("import", "--from", "trello", str(board))
    assert again.startswith("nothing new: 13 records already here")
    assert op_count(cli.workspace) == count


def test_a_newer_export_changes_only_untouched_fields_and_a_local_edit_wins(cli: Cli, tmp_path: Path) -> None:
    first = trello_board(cards=2, actions=0)
    cli.ok("import", "--from", "trello", str(write(tmp_path, "old.json", trello_json(first))))
    shipped_id = stable_id("trello-card", card_id(3))
    cli.ok("set", shipped_id[:8], "title=Shipped (renamed here)")

    newer = trello_board(cards=2, actions=0)
    cards = {c["id"]: c for c in newer["cards"]}
    cards[card_id(1)]["due"] = "2026-03-09T16:00:00.000Z"  # nobody touched it here: updated
    cards[card_id(3)]["name"] = "Shipped v2"  # renamed here too: the local edit wins
    cards[card_id(3)]["desc"] = "now with notes"  # untouched here: updated
    newer["cards"] = [c for c in newer["cards"] if c["id"] != card_id(5)]  # gone from the board
    path = write(tmp_path, "new.json", trello_json(newer))
    out = cli.ok("import", "--from", "trello", str(path))

    found = tasks(cli)
    assert found["Launch post 🚀 für Zoë"]["due"]["utc"] == "2026-03-09T16:00:00Z"
    assert "Shipped v2" not in found
    assert found["Shipped (renamed here)"]["notes"] == "now with notes"
    assert "updated 2 tasks" in out
    assert f"1 record keeps what was changed here since the last import: {path}: card {card_id(3)} (Shipped v2): title" in out
    gone = stable_id("trello-card", card_id(5))
    assert f"left alone, not in this file any more: {gone[:8]} Left member's card" in out
    assert "Left member's card" in found  # left alone

    # The same newer export again: nothing new, the local edit still listed.
    count = op_count(cli.workspace)
    again = cli.ok("import", "--from", "trello", str(write(tmp_path, "new.json", trello_json(newer))))
    assert again.startswith("nothing new")
    assert "(Shipped v2): title" in again
    assert op_count(cli.workspace) == count


def test_map_status_decides_lists_and_names_a_list_the_file_lacks(cli: Cli, tmp_path: Path) -> None:
    board = write(tmp_path, "board.json", trello_json(trello_board(cards=4, actions=0)))
    bad = cli("import", "--from", "trello", str(board), "--map-status", "Someday=todo")
    assert bad.code == 2 and "--map-status: " in bad.err and "names no status 'someday'" in bad.err
    bad = cli("import", "--from", "trello", str(board), "--map-status", "Later=soon")
    assert bad.code == 2 and "'soon' is not a status" in bad.err
    assert "Later" not in cli.ok("tasks", "all")
    out = cli.ok("import", "--from", "trello", str(board), "--map-status", "later=review", "--dry-run")
    assert "  Later -> review (--map-status)" in out
    cli.ok("import", "--from", "trello", str(board), "--map-status", "Later=review")
    assert tasks(cli)["Card 12"]["status"] == "review"  # the third plain card sits in Later


def test_every_bad_record_is_named_and_nothing_is_written(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=2, actions=0)
    board["cards"] += [trello_card(90, name="  "), trello_card(91, due="next tuesday"), trello_card(92, name="x" * 600)]
    path = write(tmp_path, "board.json", trello_json(board))
    before = op_count(cli.workspace)
    result = cli("import", "--from", "trello", str(path))
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[0] == f"{path}: card {card_id(90)}: name: missing"
    assert lines[1] == f"{path}: card {card_id(91)} (Card 91): due: 'next tuesday' is not a date and time (like 2026-03-02T17:00:00.000Z)"
    assert lines[2].startswith(f"{path}: card {card_id(92)} ({'x' * 40}): title: ")
    assert lines[3] == "crewdeck: error: nothing imported: 3 bad records (listed above)"
    assert op_count(cli.workspace) == before
    assert cli("import", "--from", "trello", str(write(tmp_path, "x.json", "[1, 2"))).err.startswith("crewdeck: error: nothing imported: ")


def test_a_manager_with_a_default_zone_brings_the_board_members(cli: Cli, tmp_path: Path) -> None:
    board = write(tmp_path, "board.json", trello_json(trello_board(cards=0, actions=10)))
    out = cli.ok("import", "--from", "trello", str(board), "--default-tz", "Europe/Stockholm")
    assert "2 members (@gone, @zoe)" in out
    zoe = next(m for m in json.loads(cli.ok("export"))["member"] if m["handle"] == "zoe")
    assert zoe["name"] == "Zoë Lind" and zoe["tz"] == "Europe/Stockholm"
    # A member (not a manager) imports the same board again: the same tasks, whoever imports them.
    out = cli.ok("import", "--from", "trello", str(board), as_member="raj")
    assert out.startswith("nothing new")


def test_asana_columns_by_header_name_in_any_order(cli: Cli, tmp_path: Path) -> None:
    out = cli.ok("import", "--from", "asana", str(write(tmp_path, "asana.csv", asana_csv(ASANA_ROWS))))
    assert "imported 3 tasks" in out and "left unassigned (no such member): Someone Else" in out
    found = tasks(cli)
    ids = members(cli)
    brief = found["Write the brief"]
    assert brief["id"] == stable_id("asana-task", "1201")
    assert brief["assignee"] == ids["raj"]  # by full name
    assert brief["status"] == "doing" and brief["priority"] == "high"
    assert brief["due"] == {"utc": "2026-03-05T11:30:00Z", "tz": "Asia/Kolkata"}  # a day: 17:00 where the assignee is
    assert brief["tags"] == ["copy"] and brief["notes"] == "First line\nSecond, with a comma"
    studio = found["Book the studio"]
    assert studio["assignee"] == ids["ana"] and studio["status"] == "done"  # by the e-mail's local part; completed
    assert found["Ask Zoë"]["notes"] == "subtask of: Write the brief" and found["Ask Zoë"]["status"] == "todo"

    shuffled = list(reversed(ASANA_HEADER))
    other = Cli(tmp_path / "other.db")
    assert main(["init", str(other.workspace), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    other.ok("member", "add", "raj", "--name", "Raj Mehta", "--tz", "Asia/Kolkata")
    other.ok("campaign", "add", "Spring Launch")
    other.ok("import", "--from", "asana", str(write(tmp_path, "shuffled.csv", asana_csv(ASANA_ROWS, shuffled))))
    theirs = tasks(other)
    assert {t: (v["status"], v["due"], v["tags"], v["notes"], v["priority"]) for t, v in theirs.items()} == {
        t: (v["status"], v["due"], v["tags"], v["notes"], v["priority"]) for t, v in found.items()
    }
    missing = cli("import", "--from", "asana", str(write(tmp_path, "bad.csv", "Name,Notes\nx,y\n")))
    assert missing.code == 2 and "bad.csv: header: no column 'Task ID' (columns: Name, Notes)" in missing.err


def test_linear_priorities_labels_and_its_quote_before_formulas(cli: Cli, tmp_path: Path) -> None:
    assert unquoted("'=SUM(A1)") == "=SUM(A1)" and unquoted("'plain") == "'plain" and unquoted("'") == "'"
    out = cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv())))
    assert out.startswith("imported 3 tasks")
    found = tasks(cli)
    first = found["=SUM is not a formula"]
    assert first["notes"].startswith("- a list item\nmore")
    assert first["priority"] == "high" and first["status"] == "doing"
    assert first["platform"] == "tiktok" and first["tags"] == ["bug", "needs-copy"]
    assert first["assignee"] == members(cli)["ana"]
    assert first["notes"].endswith("imported: entered by @raj 2026-01-15")
    review = found["@raj review"]
    assert review["status"] == "done" and review["priority"] == "none"
    assert review["created_at"] == "2026-01-15T09:22:33Z"  # JavaScript's date text, GMT+0100
    low = found["Low one"]
    assert low["status"] == "cancelled" and low["priority"] == "low"
    assert low["due"]["utc"] == "2026-04-01T15:00:00Z"  # 17:00 in Berlin (the importer's zone)
    assert cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv()))).startswith("nothing new")
    assert {row["ID"] for row in LINEAR_ROWS} == {"MKT-1", "MKT-2", "MKT-3"}


def test_status_words_map_as_teams_write_them() -> None:
    statuses = StatusMap(["Waiting on client=review"])
    assert [statuses.status(n) for n in ("To Do", "IN PROGRESS", "Backlog", "Waiting on client", "Whatever")] == [
        "todo",
        "doing",
        "inbox",
        "review",
        "todo",
    ]
    assert statuses.unused() == []


def test_a_board_and_a_csv_from_standard_input(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A board is read twice (everything but the cards, then the cards): standard input is kept to be read again."""
    board = trello_json(trello_board(cards=3, actions=5)).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(board), encoding="utf-8"))
    assert cli.ok("import", "--from", "trello", "-").startswith("imported 8 tasks")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(linear_csv().encode()), encoding="utf-8", newline=""))
    assert cli.ok("import", "--from", "linear", "-").startswith("imported 3 tasks")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"id": "x", "cards": [\xff]}'), encoding="utf-8"))
    assert cli("import", "--from", "trello", "-").err == "crewdeck: error: nothing imported: standard input: not UTF-8 text\n"
