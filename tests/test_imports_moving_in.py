"""What a team moving in from Trello, Asana, Linear or Taskwarrior meets on the way (issue 18, reviewed as a user)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import Cli, on_a_terminal
from .importfixtures import asana_csv, card_id, linear_csv, linear_rows, trello_board, trello_card, trello_json


def tasks(cli: Cli) -> dict[str, dict[str, Any]]:
    return {t["title"]: t for t in json.loads(cli.ok("export"))["task"]}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_asana_priority_of_the_team_s_own_is_kept_in_the_notes_and_named_not_refused(cli: Cli, tmp_path: Path) -> None:
    """Priority is a custom field in Asana, its options the team's (Urgent, P1): the whole import was refused for one,
    where a Taskwarrior priority of the user's own is kept in the notes and named in the summary."""
    rows = [
        {"Task ID": "1", "Name": "Fix the link", "Priority": "Urgent"},
        {"Task ID": "2", "Name": "Check the copy", "Priority": "Urgent"},
        {"Task ID": "3", "Name": "Order props", "Priority": "P3", "Notes": "from the shop"},
        {"Task ID": "4", "Name": "Book the studio", "Priority": "medium"},
    ]
    path = write(tmp_path, "asana.csv", asana_csv(rows))
    said = (
        "3 tasks with a Priority not High, Medium or Low have none here, kept on a “Priority: …” line of the notes: "
        "Urgent (2 tasks); P3 (1 task)"
    )
    dry = cli.ok("import", "--from", "asana", str(path), "--dry-run")
    assert said in dry and tasks(cli).keys().isdisjoint(row["Name"] for row in rows)
    out = cli.ok("import", "--from", "asana", str(path))
    assert out.startswith("imported 4 tasks;") and said in out
    found = tasks(cli)
    assert (found["Fix the link"]["priority"], found["Fix the link"]["notes"]) == ("none", "Priority: Urgent")
    assert (found["Order props"]["priority"], found["Order props"]["notes"]) == ("none", "from the shop\nPriority: P3")
    assert found["Book the studio"]["priority"] == "med"
    assert cli.ok("import", "--from", "asana", str(path)).startswith("nothing new")


def test_every_bad_taskwarrior_record_is_on_a_line_of_its_own_as_from_the_other_sources(cli: Cli, tmp_path: Path) -> None:
    """They were one line joined by "; ", and past ten "(and 2 more)": a file of many bad tasks named ten a run."""
    uuid = "11111111-2222-3333-4444-5555555555{:02d}"
    records = [{"uuid": uuid.format(n), "description": f"bell {n} \x07"} for n in range(1, 13)]
    path = write(tmp_path, "tw.json", json.dumps(records))
    before = cli.ok("export")
    result = cli("import", "--from", "taskwarrior", str(path))
    assert result.code == 2
    assert result.err.splitlines() == [
        *(
            f"{path}: task {n} (“bell {n} ^G”, uuid 11111111): description: text may not hold control characters (U+0007)"
            for n in range(1, 13)
        ),
        f"crewdeck: error: nothing imported: 12 bad records in {path} (listed above)",
    ]
    assert cli.ok("export") == before


def test_every_bad_record_of_a_crewdeck_export_is_on_a_line_of_its_own(cli: Cli, tmp_path: Path) -> None:
    doc = json.loads(cli.ok("export"))
    doc["task"] = [{"id": f"{n:032x}", "title": f"bell {n} \x07", "status": "todo"} for n in range(1, 13)]
    path = write(tmp_path, "export.json", json.dumps(doc))
    before = cli.ok("export")
    result = cli("import", str(path))
    lines = result.err.splitlines()
    assert result.code == 2 and len(lines) == 13, result.err
    assert all(line.startswith(f"{path}: task {n} (“bell {n} ^G”, id ") and "(U+0007)" in line for n, line in enumerate(lines[:12], 1))
    assert lines[12] == f"crewdeck: error: nothing imported: 12 bad records in {path} (listed above)"
    assert cli.ok("export") == before


def test_a_trello_card_s_checklists_are_in_the_order_trello_shows_them(cli: Cli, tmp_path: Path) -> None:
    """A card shows its checklists by their ``pos``, as it does their items; the export lists them in an order of its
    own, and the notes had them in that one."""
    board = trello_board(cards=0, actions=0)
    card = card_id(3)
    board["checklists"] = [
        {"id": "cl-b", "idCard": card, "name": "Then", "pos": 32768, "checkItems": [{"id": "b1", "name": "Post it", "pos": 1}]},
        {"id": "cl-a", "idCard": card, "name": "First", "pos": 16384, "checkItems": [{"id": "a1", "name": "Film it", "pos": 1}]},
    ]
    cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))))
    assert tasks(cli)["Shipped"]["notes"].startswith("First:\n[ ] Film it\nThen:\n[ ] Post it")


def test_a_csv_row_of_one_cell_says_one_cell(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "linear.csv", "ID,Title,Description\nMKT-1\n")
    assert cli("import", "--from", "linear", str(path)).err == (
        f"{path}:2: 1 cell, but the header has 3 columns (is the file cut short?)\n"
        f"crewdeck: error: nothing imported: 1 bad row in {path} (listed above)\n"
    )


@pytest.mark.parametrize("fmt", ["asana", "taskwarrior"])
def test_a_file_s_progress_meter_is_drawn_full_once(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """The meter follows the bytes read, and the reader reads ahead of the records it hands on: it reached the file's end
    with records still to go, and a second full meter was drawn on a line of its own when they were done."""
    if fmt == "asana":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([("Task ID", "Name"), *((str(n), f"Task {n}") for n in range(1, 1001))])
        text = out.getvalue()
    else:
        uuid = "{:08x}-2222-3333-4444-555555555555"
        text = json.dumps([{"uuid": uuid.format(n), "description": f"Task {n}", "status": "pending"} for n in range(1, 1201)])
    path = write(tmp_path, f"{fmt}.file", text)
    shown = on_a_terminal(cli, tmp_path, 80, "import", "--from", fmt, str(path), "--dry-run", with_stderr=True)
    full = f"importing [{'#' * 30}] {len(text.encode()):,}/{len(text.encode()):,}"
    assert [line for line in shown if line.startswith("importing [")][-1] == full, shown
    assert shown.count(full) == 1, shown


@pytest.mark.parametrize("fmt", ["asana", "taskwarrior"])
def test_a_bad_record_found_part_way_starts_a_line_of_its_own_under_the_progress_meter(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """The rules refuse a record (a member's import making a campaign) a few batches in: the meter's line was left open,
    and the problem was written onto it ("importing [######....] 36,864/48,818asana.csv:2501: project ...")."""
    if fmt == "asana":
        out = io.StringIO()
        rows = [(str(n), f"Task {n}", "Brand New" if n == 2500 else "") for n in range(1, 3001)]
        csv.writer(out, lineterminator="\r\n").writerows([("Task ID", "Name", "Projects"), *rows])
        text, where = out.getvalue(), ":2501: project 'Brand New'"
    else:
        uuid = "{:08x}-2222-3333-4444-555555555555"
        records = [{"uuid": uuid.format(n), "description": f"T {n}", "status": "pending"} for n in range(1, 3001)]
        records[2499]["project"] = "brandnew"
        text, where = json.dumps(records), ": task 2500 (“T 2500”, uuid 000009c4): project"
    path = tmp_path / f"{fmt}.file"
    path.write_text(text, encoding="utf-8")
    shown = on_a_terminal(cli, tmp_path, 80, "import", "--as", "raj", "--from", fmt, str(path), with_stderr=True, code=2)
    assert shown[-2:] == [
        f"{path}{where}: only a manager may change campaign records (@raj is a member) (rule managers_only)",
        f"crewdeck: error: nothing imported: 1 bad {'row' if fmt == 'asana' else 'record'} in {path} (listed above)",
    ], shown
    assert shown[-3].startswith("importing [") and not shown[-3].startswith(f"importing [{'#' * 30}]"), shown


def test_a_member_s_import_says_the_people_it_leaves_off_are_for_a_manager_to_add(cli: Cli, tmp_path: Path) -> None:
    """A member's import of a board left its people off cards as "no such member", as if the names matched no one:
    they are on the board, and only a manager's import adds them (``--default-tz`` or not)."""
    board = trello_board(cards=0, actions=0)
    board["cards"] = [trello_card(7, name="Film it", idMembers=["m-zoe"])]
    path = write(tmp_path, "board.json", trello_json(board))
    said = "left unassigned (not members here: only a manager's import adds them): zoe"
    for zone in ([], ["--default-tz", "Europe/Stockholm"]):
        out = cli.ok("import", "--from", "trello", str(path), *zone, "--dry-run", as_member="raj")
        assert said in out and "left unassigned (not members here):" not in out, out
    out = cli.ok("import", "--from", "trello", str(path), as_member="raj")
    assert said in out and "assigned in Trello to: Zoë Lind (@zoe)" in tasks(cli)["Film it"]["notes"]


@pytest.mark.parametrize("fmt", ["trello", "asana", "linear", "taskwarrior"])
def test_a_guest_s_import_of_tasks_is_refused_before_the_file_is_read(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A guest's import read the whole file, then was refused as if its first task were bad ("card 5f1a… (Launch post):
    @gus is a guest: …"); a file of no tasks "imported" nothing with exit 0.  Guests change no tasks (rule
    guest_read_only): said first, as for a guest's ``kpi import``."""
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest")
    text = {
        "trello": lambda: trello_json(trello_board(cards=0, actions=0)),
        "asana": lambda: asana_csv([]),
        "linear": lambda: "ID,Title\n",
        "taskwarrior": lambda: "[]",
    }[fmt]()
    refused = "crewdeck: error: @gus is a guest: guests do not change tasks (rule guest_read_only)\n"
    for path in (write(tmp_path, "in.file", text), tmp_path / "missing.file"):
        for dry in ([], ["--dry-run"]):
            result = cli("import", "--from", fmt, str(path), *dry, as_member="gus")
            assert (result.code, result.out, result.err) == (2, "", refused)


def test_a_title_s_line_breaks_and_tabs_from_another_tool_go_on_one_line_as_a_paste_s_do(cli: Cli, tmp_path: Path) -> None:
    """One Trello card named over two lines refused the whole board ("name: text may not hold control characters
    (U+000A)", exit 2): its line breaks and tabs are put on one line, as a paste of several lines into a title is, and
    the summary counts the titles so; any other control character is still refused, named and shown escaped."""
    board = trello_board(cards=0, actions=0)
    board["cards"] = [
        trello_card(7, name="New card after move\nwith newline? no"),
        trello_card(8, name="Film it\r\n  \r\n\tcut\ttwo "),
        trello_card(9, name="Plain\n"),
        # PowerPoint's soft return (a vertical tab), NEL and a form feed break a line as a paste's do (str.splitlines).
        trello_card(11, name="Slide title\x0bsecond line"),
        trello_card(12, name="one\x85two\x0cthree"),
    ]
    path = write(tmp_path, "board.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path))
    said = "4 titles with line breaks or tabs put on one line, as a paste into a title is: New card after move with newline? no"
    assert said in out, out
    folded = {"New card after move with newline? no", "Film it cut two", "Plain", "Slide title second line", "one two three"}
    assert folded <= tasks(cli).keys()
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")

    rows = linear_rows()[:1]
    rows[0]["Title"] = "Two\nlines"
    asana = [{"Task ID": "1", "Name": "Tabbed\tname"}]
    for fmt, text, title in (("linear", linear_csv(rows), "Two lines"), ("asana", asana_csv(asana), "Tabbed name")):
        out = cli.ok("import", "--from", fmt, str(write(tmp_path, f"{fmt}.csv", text)))
        assert f"1 title with line breaks or tabs put on one line, as a paste into a title is: {title}" in out, out
        assert title in tasks(cli)

    weekly = "6f1c0a1e-2b3c-4d5e-8f90-a1b2c3d4e5f7"
    tw = [
        {"uuid": "6f1c0a1e-2b3c-4d5e-8f90-a1b2c3d4e5f6", "description": "Draft the\nlaunch\tthread", "status": "pending"},
        {"uuid": weekly, "description": "Weekly\nreport", "status": "recurring", "recur": "weekly", "due": "20261207T090000Z"},
    ]
    out = cli.ok("import", "--from", "taskwarrior", str(write(tmp_path, "tw.json", json.dumps(tw))))
    assert "titles with line breaks or tabs put on one line, as a paste into a title is: Draft the launch thread" in out, out
    assert "1 recurring template as series: Weekly report;" in out, out  # named as its tasks are titled
    assert "Draft the launch thread" in tasks(cli)

    board["cards"] = [trello_card(10, name="Bell\n\x1b[2J")]
    bad = cli("import", "--from", "trello", str(write(tmp_path, "bad.json", trello_json(board))))
    assert bad.code == 2
    assert bad.err.splitlines()[0] == (
        f"{tmp_path / 'bad.json'}: card 1 (“Bell^J^[[2J”): name: text may not hold control characters (U+001B)"
    ), bad.err


def test_a_trello_member_who_left_the_board_is_listed_as_left_never_offered_to_be_added(cli: Cli, tmp_path: Path) -> None:
    """One known only from the board's actions (a comment) was taken for a member: "left unassigned (not members here:
    --default-tz ZONE adds them): gone", and a manager who ran that added someone who had left."""
    board = trello_board(cards=0, actions=8)  # @gone (Old Hand) comments, and is on card 5, not in the board's members
    path = write(tmp_path, "board.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path), "--dry-run")
    assert "gone" not in out.partition("left unassigned")[2].partition(";")[0], out
    assert "1 member no longer on the board (@gone) left off cards: Left member's card" in out, out
    out = cli.ok("import", "--from", "trello", str(path), "--default-tz", "Europe/Stockholm")
    assert "@gone" not in {m["handle"] for m in json.loads(cli.ok("export"))["member"]}, out
    notes = tasks(cli)["Left member's card"]["notes"]
    assert "on it in Trello, no longer on the board: Old Hand (@gone)" in notes and tasks(cli)["Left member's card"]["assignee"] is None


def test_an_import_error_shows_a_tab_in_the_card_it_names_as_it_shows_the_other_controls(cli: Cli, tmp_path: Path) -> None:
    """Helper oj: a refused card's name was echoed with its tabs raw (“Film it^M^J<TAB>cut”): a terminal acts on a tab
    as on the line breaks shown beside it, which the house rule says never to send."""
    board = trello_board(cards=0, actions=0)
    board["cards"] = [trello_card(8, name="Film it\r\n\tcut\ttwo\x1b")]
    bad = cli("import", "--from", "trello", str(write(tmp_path, "bad.json", trello_json(board))))
    assert bad.code == 2 and "\t" not in bad.err
    assert bad.err.splitlines()[0].startswith(f"{tmp_path / 'bad.json'}: card 1 (“Film it^M^J^Icut^Itwo^[”): name: "), bad.err


def test_a_member_here_who_left_the_trello_board_keeps_their_cards_on_a_re_import(cli: Cli, tmp_path: Path) -> None:
    """One who left the board but is a member here was left off their cards: a re-import of the board imported before
    they left cleared the assignee of theirs ("updated 1 task").  Only adding people (``--default-tz``) is limited to the
    board's members: one known from its actions still matches a member here by username."""
    gone = {"id": "m-gone", "username": "gone", "fullName": "Old Hand"}
    before = trello_board(cards=0, actions=8)
    before["members"] = [*before["members"], gone]
    cli.ok("import", "--from", "trello", str(write(tmp_path, "before.json", trello_json(before))), "--default-tz", "Europe/Berlin")
    handles = {m["id"]: m["handle"] for m in json.loads(cli.ok("export"))["member"]}
    assert handles[tasks(cli)["Left member's card"]["assignee"]] == "gone"

    after = write(tmp_path, "after.json", trello_json(trello_board(cards=0, actions=8)))  # @gone only comments now
    for zone in ([], ["--default-tz", "Europe/Stockholm"]):
        out = cli.ok("import", "--from", "trello", str(after), *zone)
        assert out.startswith("nothing new") and "no longer on the board" not in out, out
        card = tasks(cli)["Left member's card"]
        assert handles[card["assignee"]] == "gone" and "no longer on the board" not in card["notes"], card
    assert [m["tz"] for m in json.loads(cli.ok("export"))["member"] if m["handle"] == "gone"] == ["Europe/Berlin"]
