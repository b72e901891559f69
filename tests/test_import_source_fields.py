"""An import's bad record names the field to fix in the file it came from (issue 18: `FILE: record: field: problem`).

A Trello card's desc, an Asana task's Notes, a Linear issue's Description and a Taskwarrior task's annotations all
become a task's notes: a problem named "notes" left the user to guess which of the source's fields to fix.  And the
hint a dry run prints for a status name it guessed is one a shell takes as it is printed, whatever the name holds.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from crewdeck.tui.tasks.foreign import _shell_word

from .conftest import Cli
from .importfixtures import ASANA_HEADER, LINEAR_HEADER, asana_csv, card_id, comment, linear_csv, trello_board, trello_card, trello_json

BAD = "text may not hold control characters (U+0007)"


def op_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM ops").fetchone()[0])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(cli: Cli, *args: str) -> list[str]:
    """The lines naming the bad records of an import that imports nothing (the workspace unchanged)."""
    before = op_count(cli.workspace)
    result = cli("import", *args)
    assert result.code == 2, result.out
    assert op_count(cli.workspace) == before
    lines = result.err.splitlines()
    assert lines[-1].startswith("crewdeck: error: nothing imported: ")
    return lines[:-1] or lines


def test_an_asana_problem_names_the_column_that_holds_it(cli: Cli, tmp_path: Path) -> None:
    rows = [
        {"Task ID": "1", "Name": "bell \x07"},
        {"Task ID": "2", "Name": "a", "Notes": "first line\nbell \x07"},
        {"Task ID": "3", "Name": "b", "Parent task": "Parent \x07"},
        {"Task ID": "4", "Name": "c", "Effort": "5 \x07"},  # a custom field: a line of the notes
        {"Task ID": "5", "Name": "d", "Assignee": "Jane \x07 Doe"},  # no one here: kept in the notes
        {"Task ID": "6", "Name": "e", "Projects": "Launch \x07"},  # the campaign's name
        {"Task ID": "7", "Name": "f", "Projects": "Launch, Other \x07"},  # the second: a line of the notes
        {"Task ID": "8", "Name": "g", "Tags": "x" * 70 + " \x07"},  # too long for a tag: kept whole in the notes
        {"Task ID": "9", "Name": "x" * 600 + " \x07"},  # cut: kept whole in the notes
        {"Task ID": "10", "Name": "h", "Notes": "bell \x07", "Effort": "bell \x07"},  # the column the notes take first
    ]
    path = write(tmp_path, "a.csv", asana_csv(rows, [*ASANA_HEADER, "Effort"]))
    assert refused(cli, "--from", "asana", str(path)) == [
        f"{path}:2: Name: {BAD}",
        f"{path}:3: Notes: {BAD}",
        f"{path}:5: Parent task: {BAD}",
        f"{path}:6: Effort: {BAD}",
        f"{path}:7: Assignee: {BAD}",
        f"{path}:8: Projects: {BAD}",
        f"{path}:9: Projects: {BAD}",
        f"{path}:10: Tags: {BAD}",
        f"{path}:11: Name: {BAD}",
        f"{path}:12: Notes: {BAD}",
    ]


def test_a_linear_problem_names_the_column_that_holds_it(cli: Cli, tmp_path: Path) -> None:
    rows = [
        {"ID": "M-1", "Title": "bell \x07"},
        {"ID": "M-2", "Title": "a", "Description": "'- a list\nbell \x07"},
        {"ID": "M-3", "Title": "b", "Parent issue": "M-9 \x07"},
        {"ID": "M-4", "Title": "c", "Estimate": "3 \x07"},
        {"ID": "M-5", "Title": "d", "Assignee": "Jane \x07 Doe"},
        {"ID": "M-6", "Title": "e", "Project": "Launch \x07"},
        {"ID": "M-7", "Title": "f", "Creator": "Jane \x07 Doe"},  # the credit at the end of the notes names them
        {"ID": "M-8", "Title": "g", "Labels": "ok, " + "x" * 70 + " \x07"},
    ]
    path = write(tmp_path, "l.csv", linear_csv(rows, [*LINEAR_HEADER, "Parent issue"]))
    assert refused(cli, "--from", "linear", str(path)) == [
        f"{path}:2: Title: {BAD}",
        f"{path}:3: Description: {BAD}",
        f"{path}:5: Parent issue: {BAD}",
        f"{path}:6: Estimate: {BAD}",
        f"{path}:7: Assignee: {BAD}",
        f"{path}:8: Project: {BAD}",
        f"{path}:9: Creator: {BAD}",
        f"{path}:10: Labels: {BAD}",
    ]


def test_a_trello_problem_names_the_part_of_the_card_that_holds_it(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=0, actions=0)
    people = board["members"]
    board["cards"] = [
        trello_card(1, name="bell \x07"),
        trello_card(2, desc="first line\nbell \x07"),
        trello_card(3),
        trello_card(4, attachments=[{"id": "at", "name": "brief \x07", "url": "https://example.com/brief"}]),
        trello_card(5),
        trello_card(6, labels=[{"name": "x" * 70 + " \x07", "color": "red"}]),
        trello_card(7, idList="l-odd"),  # its list's name is in its notes ("its list ... was archived in Trello")
    ]
    board["checklists"] = [{"id": "c3", "idCard": card_id(3), "name": "Steps", "checkItems": [{"name": "check \x07", "state": "complete"}]}]
    board["actions"] = [comment(1, card_id(5), people[1], "bell \x07", "2026-02-01T10:00:00.000Z")]
    board["lists"].append({"id": "l-odd", "name": "Odd \x07", "closed": True})
    path = write(tmp_path, "board.json", trello_json(board))
    assert refused(cli, "--from", "trello", str(path)) == [
        f"{path}: card 1 (“bell ^G”): name: {BAD}",
        f"{path}: card 2 (“Card 2”): desc: {BAD}",
        f"{path}: card 3 (“Card 3”): checklists: {BAD}",
        f"{path}: card 4 (“Card 4”): attachments: {BAD}",
        f"{path}: card 5 (“Card 5”): comment by @raj on 2026-02-01: {BAD}",
        f"{path}: card 6 (“Card 6”): labels: {BAD}",
        f"{path}: card 7 (“Card 7”): list: {BAD}",
    ]


def test_a_trello_members_problem_names_the_members_key(cli: Cli, tmp_path: Path) -> None:
    """A manager's import adds the board's members: a full name the rules refuse was named "name", Trello's fullName."""
    board = trello_board(cards=0, actions=0)
    board["members"].append({"id": "m-yu", "username": "yu", "fullName": "Yu \x07"})
    board["cards"] = [trello_card(1, idMembers=["m-yu"])]
    path = write(tmp_path, "board.json", trello_json(board))
    assert refused(cli, "--from", "trello", str(path), "--default-tz", "UTC") == [
        f"crewdeck: error: nothing imported: {path}: member yu: fullName: {BAD}"
    ]


def test_a_taskwarrior_problem_names_the_field_that_holds_it(cli: Cli, tmp_path: Path) -> None:
    uuid = "11111111-2222-3333-4444-5555555555{:02d}"
    records = [
        {"uuid": uuid.format(1), "description": "bell \x07"},
        {"uuid": uuid.format(2), "description": "a", "annotations": [{"entry": "20260101T090000Z", "description": "bell \x07"}]},
        {"uuid": uuid.format(3), "description": "b", "project": "Launch \x07"},
        {"uuid": uuid.format(4), "description": "c", "tags": ["ok", "bell\x07"]},
        {"uuid": uuid.format(5), "description": "d", "client": "Acme \x07"},  # a UDA: a line of the notes
        {"uuid": uuid.format(6), "description": "e", "assignee": "gus\x07"},  # no one here: kept in the notes
    ]
    path = write(tmp_path, "tw.json", json.dumps(records))
    assert refused(cli, "--from", "taskwarrior", str(path)) == [
        f"{path}: task {n} (“{title}”, uuid 11111111): {name}: {BAD}"
        for n, (title, name) in enumerate(
            [("bell ^G", "description"), ("a", "annotations"), ("b", "project"), ("c", "tags"), ("d", "client"), ("e", "assignee")], 1
        )
    ]


def test_a_dry_runs_hint_for_a_name_with_control_characters_is_shown_and_can_be_pasted(cli: Cli, tmp_path: Path) -> None:
    """The hint put the name in double quotes as it was: its ESC went to the terminal shown as ^[, which a shell passes as
    the two characters '^' and '['; a tab pasted into a shell completes, and a line break ends the command."""
    board = trello_board(cards=0, actions=0)
    odd = "Odd \x1b[2J 'q'\tcol\nnext \\ \u0085 é \u202e"
    board["cards"] = [trello_card(1, idList="l-odd")]
    board["lists"].append({"id": "l-odd", "name": odd, "closed": False})
    path = write(tmp_path, "board.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path), "--dry-run")
    assert all(c.isprintable() or c in "\n\t" for c in out)
    (hint,) = [line for line in out.splitlines() if "(guessed: " in line]
    word = hint.split("(guessed: --map-status ")[1].removesuffix(" to change)")
    assert word == r"$'Odd \x1b[2J \'q\'\tcol\nnext \\ \u0085 é \u202e=STATUS'"
    # What a shell makes of the hint, with a status for STATUS, maps the list.
    given = subprocess.run(["bash", "-c", f"printf %s {word.replace('STATUS', 'review')}"], capture_output=True, check=True).stdout
    assert given.decode() == f"{odd}=review"
    cli.ok("import", "--from", "trello", str(path), f"--map-status={given.decode()}")
    assert [t["status"] for t in json.loads(cli.ok("export"))["task"] if t["title"] == "Card 1"] == ["review"]


def test_a_quoted_name_spells_a_character_past_u_ffff_in_eight_hex_digits_as_bash_reads_it() -> None:
    """An invisible character past U+FFFF (a tag character, which a terminal draws as nothing) was passed as it was, so the
    hint hid it; spelt "\\u" + five hex digits, bash would have read four of them and the fifth as a digit of the name."""
    name = "Odd\x1b 🚧 tag\U000e0041\U000f0000=STATUS"
    word = _shell_word(name)
    assert word == r"$'Odd\x1b 🚧 tag\U000e0041\U000f0000=STATUS'"
    assert subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True, check=True).stdout.decode() == name


@pytest.mark.parametrize("name", ["Waiting", 'Waiting on "client"', "$HOME stuff"])
def test_a_hint_for_a_name_without_control_characters_reads_as_before(cli: Cli, tmp_path: Path, name: str) -> None:
    path = write(tmp_path, "a.csv", asana_csv([{"Task ID": "1", "Name": "a", "Section/Column": name}]))
    out = cli.ok("import", "--from", "asana", str(path), "--dry-run")
    shown = {"Waiting": '"Waiting=STATUS"', "$HOME stuff": "'$HOME stuff=STATUS'"}.get(name, f"'{name}=STATUS'")
    assert f"  {name} -> todo (guessed: --map-status {shown} to change)" in out
