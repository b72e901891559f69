"""Trello, Asana and Linear imports (issue 18, item 1): fixtures with each format's quirks, merged like every import."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main
from crewdeck.tui.tasks.foreign import StatusMap, with_comments
from crewdeck.tui.tasks.linear import unquoted
from crewdeck.tui.tasks.recurrence import Rule
from crewdeck.tui.workspace import workspace
from crewdeck.tui.workspace.merging import stable_id

from .conftest import NOW_TEXT, Cli, on_a_terminal
from .importfixtures import (
    ASANA_HEADER,
    LINEAR_HEADER,
    NEWER_TITLE,
    asana_csv,
    asana_rows,
    board_and_newer_export,
    card_id,
    comment,
    linear_csv,
    linear_rows,
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


def test_each_fixture_board_is_its_own() -> None:
    """``trello_board`` handed every board the same label and member dicts: a test that renamed a label renamed it on
    every board made after it (and on the cards that carry it)."""
    changed = trello_board(actions=4)
    changed["labels"][0]["name"] = "Renamed"
    changed["cards"][0]["labels"][1]["color"] = "purple"
    changed["members"][0]["fullName"] = "Someone Else"
    changed["actions"][0]["memberCreator"]["username"] = "nobody"
    fresh = trello_board(actions=4)
    assert fresh["labels"][0]["name"] == fresh["cards"][0]["labels"][0]["name"] == "Urgent"
    assert fresh["labels"][1]["color"] == fresh["cards"][0]["labels"][1]["color"] == "green"
    assert fresh["members"][0]["fullName"] == "Ana Souza"
    assert {action["memberCreator"]["username"] for action in fresh["actions"]} == {"ana", "raj", "zoe", "gone"}
    assert changed["cards"][0]["labels"][0]["name"] == "Urgent"  # a card's label is its own, as in a parsed export


def test_each_fixture_csv_export_is_its_own() -> None:
    """``ASANA_ROWS`` and ``LINEAR_ROWS`` were lists every test was handed: a test that changed a row changed it for
    every test after it (two tests copied rows to get by, one checked it had changed none)."""
    changed = asana_rows()
    changed[0]["Name"] = "Renamed"
    changed.append({"Task ID": "9", "Name": "Added"})
    assert [row["Name"] for row in asana_rows()] == ["Write the brief", "Book the studio", "Ask Zoë"]
    issues = linear_rows()
    issues[2]["Title"] = "Renamed"
    issues.pop(0)
    assert [row["Title"] for row in linear_rows()] == ["'=SUM is not a formula", "'@raj review", "Low one"]
    assert "Renamed" not in linear_csv()


def test_a_trello_board_becomes_tasks_with_every_quirk(cli: Cli, tmp_path: Path) -> None:
    board = write(tmp_path, "board.json", trello_json(trello_board(cards=8, actions=1_200)))
    before = op_count(cli.workspace)

    dry = cli.ok("import", "--from", "trello", str(board), "--dry-run")
    assert op_count(cli.workspace) == before  # --dry-run writes nothing
    assert "  Doing -> doing" in dry and "  Done -> done" in dry
    assert '  Later -> todo (guessed: --map-status "Later=STATUS" to change)' in dry
    assert "dry run, nothing written: would import 13 tasks" in dry  # it read "nothing written: imported 13 tasks"

    out = cli.ok("import", "--from", "trello", str(board))
    assert out.startswith("imported 13 tasks")
    # A member who left the board, known from a comment: listed as left, never offered to be added.
    assert "1 member no longer on the board (@gone) left off cards: Left member's card" in out and "adds them): gone" not in out
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
    # A label naming a platform makes the card a post: its list (Doing) a draft, its description the copy, its due the
    # slot, but for a due date gone by (March, imported in November): no post takes a slot that has passed.
    assert launch["post_state"] == "draft" and launch["copy"] == 'Line one\nLine two, "quoted"'
    assert launch["publish"] is None
    assert "1 post takes no slot from its Trello due date, passed or too soon for a review here: Launch post 🚀 für Zoë" in out
    notes = launch["notes"]
    passed = "due Mon 2026-03-02 21:30 IST Kolkata in Trello is not its slot here: the slot it would take has passed already (crewdeck post slot gives it one)"
    assert notes.startswith(f"{passed}\nstart: 2026-02-27\nBefore it goes out:\n[x] Alt text\n[ ] Legal sign-off\n")
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
    assert f"1 record keeps what was changed in crewdeck since the last import: {path}: card 3 (“Shipped v2”): title" in out
    gone = stable_id("trello-card", card_id(5))
    assert f"left alone, not in this file any more: {gone[:8]} Left member's card" in out
    assert "Left member's card" in found  # left alone

    # The same newer export again: nothing new, the local edit still listed.
    count = op_count(cli.workspace)
    again = cli.ok("import", "--from", "trello", str(write(tmp_path, "new.json", trello_json(newer))))
    assert again.startswith("nothing new")
    assert "(“Shipped v2”): title" in again
    assert op_count(cli.workspace) == count


def test_a_priority_set_here_on_a_trello_card_is_no_local_edit_kept_as_trello_has_no_priority(cli: Cli, tmp_path: Path) -> None:
    """A board says nothing of priorities: setting one here is no edit the board would undo, so a re-import neither
    takes it away nor lists it as "kept" on every run."""
    path = write(tmp_path, "board.json", trello_json(trello_board(cards=2, actions=0)))
    cli.ok("import", "--from", "trello", str(path))
    cli.ok("set", stable_id("trello-card", card_id(3))[:8], "priority=high")
    again = cli.ok("import", "--from", "trello", str(path))
    assert again.startswith("nothing new") and "keeps what was changed" not in again, again
    assert tasks(cli)["Shipped"]["priority"] == "high"


def test_a_priority_set_here_is_no_local_edit_kept_for_an_asana_csv_with_no_priority_column(cli: Cli, tmp_path: Path) -> None:
    """Asana's Priority is a project's own field: a project without one exports no such column, which says nothing of
    priorities; one with the column that is empty there takes a priority away."""
    header = [column for column in ASANA_HEADER if column != "Priority"]
    path = write(tmp_path, "asana.csv", asana_csv(asana_rows(), header))
    cli.ok("import", "--from", "asana", str(path))
    cli.ok("set", stable_id("asana-task", "1203")[:8], "priority=high")
    again = cli.ok("import", "--from", "asana", str(path))
    assert again.startswith("nothing new") and "keeps what was changed" not in again, again
    assert tasks(cli)["Ask Zoë"]["priority"] == "high"
    out = cli.ok("import", "--from", "asana", str(write(tmp_path, "with.csv", asana_csv(asana_rows()))))
    assert "(“Ask Zoë”, task 1203): priority" in out


def test_a_project_taken_off_an_asana_task_takes_its_campaign_off_in_a_csv_with_no_tags_column(cli: Cli, tmp_path: Path) -> None:
    """A campaign comes from a project as from a tag: a file of no Tags column still says when a task has none."""
    header = [column for column in ASANA_HEADER if column != "Tags"]
    row = {"Task ID": "1", "Name": "Brief", "Section/Column": "Doing", "Projects": "Summer Drop"}
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv([row], header))))
    assert tasks(cli)["Brief"]["campaign"] is not None
    assert cli.ok("import", "--from", "asana", str(write(tmp_path, "b.csv", asana_csv([dict(row, Projects="")], header)))).startswith(
        "updated 1 task"
    )
    assert tasks(cli)["Brief"]["campaign"] is None


def test_a_field_a_csv_gives_from_another_column_is_still_taken_away_by_a_newer_file(cli: Cli, tmp_path: Path) -> None:
    """An Asana file of no Assignee column names who a task is for by Assignee Email, and a Linear file of no
    Description writes its Estimate into the notes: a newer file whose row holds neither took the assignee and the
    note away, until a missing column was read as the file saying nothing of them ("nothing new", raj's still)."""
    header = ("Task ID", "Name", "Section/Column", "Assignee Email")
    row = {"Task ID": "1", "Name": "Shoot", "Section/Column": "Doing", "Assignee Email": "raj@example.com"}
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a1.csv", asana_csv([row], header))))
    assert tasks(cli)["Shoot"]["assignee"] == members(cli)["raj"]
    again = cli.ok("import", "--from", "asana", str(write(tmp_path, "a2.csv", asana_csv([dict(row, **{"Assignee Email": ""})], header))))
    assert again.startswith("updated 1 task"), again
    assert tasks(cli)["Shoot"]["assignee"] is None
    header = ("ID", "Title", "Status", "Estimate")
    issue = {"ID": "MKT-1", "Title": "Teaser", "Status": "Todo", "Estimate": "3"}
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l1.csv", linear_csv([issue], header))))
    assert "Estimate: 3" in tasks(cli)["Teaser"]["notes"]
    again = cli.ok("import", "--from", "linear", str(write(tmp_path, "l2.csv", linear_csv([dict(issue, Estimate="")], header))))
    assert again.startswith("updated 1 task"), again
    assert not tasks(cli)["Teaser"]["notes"]


def test_what_a_newer_export_took_away_is_taken_away_here_unless_changed_here(cli: Cli, tmp_path: Path) -> None:
    """An Asana task unassigned, its due date, tags, notes, project and priority cleared there: a newer export changed
    nothing here ("nothing new"), and the task still read as raj's, due on the old day."""
    cli.ok("campaign", "add", "Summer Drop")
    full = {
        "Task ID": "1", "Name": "Brief", "Section/Column": "Doing", "Assignee": "Raj Mehta", "Due Date": "2027-03-05", "Tags": "copy",
        "Notes": "From the client", "Projects": "Summer Drop", "Priority": "High",
    }  # fmt: skip
    second = dict(full, **{"Task ID": "2", "Name": "Shoot"})
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv([full, second]))))
    shoot = stable_id("asana-task", "2")
    cli.ok("set", shoot[:8], "due=2027-03-09 10:00")  # changed here: kept, and listed
    emptied = [{"Task ID": n, "Name": name, "Section/Column": "Doing"} for n, name in (("1", "Brief"), ("2", "Shoot"))]
    path = write(tmp_path, "b.csv", asana_csv(emptied))
    out = cli.ok("import", "--from", "asana", str(path))
    assert (
        out.startswith("updated 2 tasks")
        and f"keeps what was changed in crewdeck since the last import: {path}: row 3 (“Shoot”, task 2): due" in out
    ), out
    found = tasks(cli)
    brief, shoot_here = found["Brief"], found["Shoot"]
    assert {k: brief[k] for k in ("assignee", "due", "tags", "notes", "campaign", "priority")} == {
        "assignee": None, "due": None, "tags": [], "notes": "", "campaign": None, "priority": "none",
    }  # fmt: skip
    assert shoot_here["due"]["utc"] == "2027-03-09T09:00:00Z" and shoot_here["assignee"] is None
    # The same file again changes nothing; the first file gives it all back.
    assert cli.ok("import", "--from", "asana", str(path)).startswith("nothing new")
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv([full, second]))))
    assert tasks(cli)["Brief"]["due"] == {"utc": "2027-03-05T11:30:00Z", "tz": "Asia/Kolkata"}


def test_a_platform_label_taken_off_a_linear_issue_takes_its_platform_off_here(cli: Cli, tmp_path: Path) -> None:
    """Its tags went with the labels, its platform stayed: the task still read as +spring-launch/tiktok."""
    row = {"ID": "MKT-1", "Title": "Teaser", "Status": "Todo", "Project": "Spring Launch", "Labels": "TikTok, copy"}
    cli.ok("import", "--from", "linear", str(write(tmp_path, "a.csv", linear_csv([row]))))
    assert (tasks(cli)["Teaser"]["platform"], tasks(cli)["Teaser"]["tags"]) == ("tiktok", ["copy"])
    path = write(tmp_path, "b.csv", linear_csv([dict(row, Labels="")]))
    assert cli.ok("import", "--from", "linear", str(path)).startswith("updated 1 task")
    assert (tasks(cli)["Teaser"]["platform"], tasks(cli)["Teaser"]["tags"]) == (None, [])
    assert cli.ok("import", "--from", "linear", str(path)).startswith("nothing new")


def test_a_trello_card_whose_due_date_labels_members_and_description_went_keeps_none_of_them(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=0, actions=0)
    cli.ok("import", "--from", "trello", str(write(tmp_path, "old.json", trello_json(board))))
    card = next(c for c in board["cards"] if c["id"] == card_id(1))
    card.update(due=None, start=None, desc="", idMembers=[], idLabels=[], labels=[], attachments=[], idChecklists=[])
    board["checklists"] = []
    assert cli.ok("import", "--from", "trello", str(write(tmp_path, "new.json", trello_json(board)))).startswith("updated 1 task")
    launch = tasks(cli)["Launch post 🚀 für Zoë"]
    assert (launch["due"], launch["assignee"], launch["tags"], launch["campaign"]) == (None, None, [], None)
    assert launch["notes"] == "imported: entered by @zoe 2026-01-05"  # the credit stays: who made the card


def test_comments_that_fell_out_of_a_newer_exports_window_stay_and_a_second_import_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    # Trello exports only the latest actions: a newer export of the board lacks the oldest comments.
    first = trello_board(cards=0, actions=40)
    cli.ok("import", "--from", "trello", str(write(tmp_path, "old.json", trello_json(first))))
    launch_id = stable_id("trello-card", card_id(1))
    before = next(t for t in json.loads(cli.ok("export"))["task"] if t["id"] == launch_id)["notes"]
    assert before.count("comment by @") == 8

    newer = trello_board(cards=0, actions=40)
    comments = [a for a in newer["actions"] if a["type"] == "commentCard"]
    window = sorted(comments, key=lambda a: str(a["date"]), reverse=True)[:20]  # the 20 oldest fell out
    gone = {a["data"]["text"].partition(":")[0] for a in comments} - {a["data"]["text"].partition(":")[0] for a in window}
    assert len(gone) == 20 and "comment 0" in gone and "comment 20" not in gone
    newest = dict(
        window[0],
        id="c" + "0" * 23,
        date="2026-03-01T09:00:00.000Z",
        data={**window[0]["data"], "text": "newest", "card": {"id": card_id(1)}},
    )
    newer["actions"] = [newest, *window, *(a for a in newer["actions"] if a["type"] != "commentCard")]
    cards = {c["id"]: c for c in newer["cards"]}
    cards[card_id(2)]["desc"] = "a description now"  # the notes before the comments change too
    path = write(tmp_path, "new.json", trello_json(newer))
    out = cli.ok("import", "--from", "trello", str(path))
    assert "updated 2 tasks" in out

    found = {t["id"]: t["notes"] for t in json.loads(cli.ok("export"))["task"]}
    for n in range(40):  # every comment an import brought in is still here, once
        card = stable_id("trello-card", card_id(1 + n % 5))
        assert found[card].count(f"comment {n}: « ça va »\nsecond line") == 1, (n, found[card])
    assert found[launch_id].count("comment by @") == 9 and found[launch_id].endswith("newest\nimported: entered by @zoe 2026-01-05")
    assert found[launch_id].index("comment 0:") < found[launch_id].index("comment 20:") < found[launch_id].index("newest")
    archived = found[stable_id("trello-card", card_id(2))]
    assert archived.startswith("a description now\narchived in Trello\ncomment by @raj on 2026-02-02: comment 1:")

    count = op_count(cli.workspace)
    again = cli.ok("import", "--from", "trello", str(path))
    assert again.startswith("nothing new"), again
    assert op_count(cli.workspace) == count
    # The first export again (the newest comment missing from it) loses nothing either.
    cli.ok("import", "--from", "trello", str(write(tmp_path, "old.json", trello_json(first))))
    notes = next(t for t in json.loads(cli.ok("export"))["task"] if t["id"] == launch_id)["notes"]
    assert notes.count("newest") == 1 and notes.count("comment by @") == 9


@pytest.mark.parametrize(
    ("notes", "comments", "here", "kept"),
    [
        # Before comments were kept, the people followed them: named once, before them.
        ("desc\nalso on it: @b", ["comment by @a on 2026-01-02: x"], "desc\ncomment by @a on 2026-01-02: x\nalso on it: @b", ""),
        # A comment quoting another is taken out whole; the one that fell out stays.
        (
            "desc",
            ["comment by @a on 2026-01-02: quoting\ncomment by @b on 2026-01-01: hi"],
            "desc\ncomment by @c on 2025-12-01: old\n\nwith a blank line\ncomment by @a on 2026-01-02: quoting\ncomment by @b on 2026-01-01: hi",
            "comment by @c on 2025-12-01: old\n\nwith a blank line",
        ),
        # The description changed: the comments start at the first line that begins one (a pasted one too: kept, not lost).
        (
            "new desc",
            ["comment by @a on 2026-01-02: x"],
            "old\ncomment by @z: pasted\ncomment by @a on 2026-01-02: x",
            "comment by @z: pasted",
        ),
        ("", [], "", ""),
    ],
)
def test_comments_an_earlier_import_wrote_stay_once_and_the_same_file_again_gives_the_same_notes(
    notes: str, comments: list[str], here: str, kept: str
) -> None:
    merged = with_comments(notes, comments, here)
    assert merged == "\n".join(part for part in (notes, kept, *comments) if part)
    assert with_comments(notes, comments, merged) == merged


def test_notes_longer_than_a_task_holds_go_on_in_more_tasks_and_nothing_is_cut(cli: Cli, tmp_path: Path) -> None:
    # Trello holds 16,384 characters a comment: a dozen long ones are more than a task's notes hold, 13 are three parts.
    board = trello_board(cards=0, actions=0)
    ana = board["members"][0]
    long = [comment(n, card_id(1), ana, f"long {n} " + "x" * 16_000, f"2026-02-{1 + n:02d}T10:00:00.000Z") for n in range(13)]
    others = board["actions"]
    board["actions"] = [*reversed(long), *others]
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))))
    title = "Launch post 🚀 für Zoë"
    assert f"notes longer than a task holds (100,000 characters) go on in more tasks, titled (notes 2/N), nothing cut: {title}" in out

    def whole() -> str:
        found = tasks(cli)
        first = found[title]["notes"]
        assert first.endswith(f"\n(the notes go on in 2 more tasks: “{title} (notes 2/3)” and after)\nimported: entered by @zoe 2026-01-05")
        parts = [found[f"{title} (notes {n}/3)"] for n in (2, 3)]
        assert found[title]["status"] == "doing" and all(p["status"] == "todo" for p in parts)  # a draft post; its notes no more drafts
        assert all(p["created_at"] == found[title]["created_at"] for p in parts)  # the card's, as the first part's
        assert max(len(first), *(len(p["notes"]) for p in parts)) <= 100_000
        return first.partition("\n(the notes go on in")[0] + "".join(p["notes"] for p in parts)

    text = whole()
    assert [text.count(f"long {n} " + "x" * 16_000) for n in range(13)] == [1] * 13
    assert text.startswith("due Mon 2026-03-02 21:30 IST Kolkata in Trello is not its slot here")  # a due date gone by: no slot (see above)
    assert "\nstart: 2026-02-27\nBefore it goes out:" in text and text.index("long 0 ") < text.index("long 12 ")
    count = op_count(cli.workspace)
    assert cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board)))).startswith("nothing new")
    assert op_count(cli.workspace) == count

    # A newer export whose window lost the six oldest: they stay, wherever they were kept.
    board["actions"] = [*reversed(long[6:]), *others]
    cli.ok("import", "--from", "trello", str(write(tmp_path, "newer.json", trello_json(board))))
    assert whole() == text


def test_a_linear_description_longer_than_a_task_holds_goes_on_in_another_task(cli: Cli, tmp_path: Path) -> None:
    description = "\n".join(f"line {n}: " + "y" * 990 for n in range(120))  # 120,000 characters and more
    rows = linear_rows()[2:]
    rows[0]["Description"] = description
    out = cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv(rows))))
    assert out.startswith("imported 2 tasks") and "nothing cut: Low one" in out
    found = tasks(cli)
    first, rest = found["Low one"], found["Low one (notes 2/2)"]
    assert first["notes"].endswith("\n(the notes go on in 1 more task: “Low one (notes 2/2)”)")
    assert first["notes"].partition("\n(the notes go on in")[0] + rest["notes"] == description
    assert rest["status"] == first["status"] == "cancelled"
    assert rest["created_at"] == first["created_at"] == "2026-11-26T09:30:00Z"  # no Created: the import's time; the part had none
    assert cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv(rows)))).startswith("nothing new")


def test_a_linear_description_kept_as_a_local_edit_leaves_out_the_tasks_the_file_s_goes_on_in(cli: Cli, tmp_path: Path) -> None:
    """The issue's notes were kept (a local edit wins), but the "(notes 2/2)" task of the file's new description was
    written: the tail of a description whose first part was nowhere; and the summary, once none was, still named the
    issue among those whose notes go on in more tasks."""
    rows = linear_rows()[2:]
    path = write(tmp_path, "linear.csv", linear_csv(rows))
    cli.ok("import", "--from", "linear", str(path))
    low = tasks(cli)["Low one"]["id"]
    cli.ok("set", low[:8], "notes=written here")
    rows[0]["Description"] = "\n".join(f"line {n}: " + "y" * 990 for n in range(120))  # 120,000 characters and more
    out = cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv(rows))))
    assert "notes (not imported either: the 1 more task the file's notes go on in)" in out
    assert "go on in more tasks" not in out
    found = tasks(cli)
    assert "Low one (notes 2/2)" not in found and found["Low one"]["notes"] == "written here"


def test_a_linear_issue_removed_here_takes_none_of_the_tasks_the_file_s_description_goes_on_in(cli: Cli, tmp_path: Path) -> None:
    """The issue stayed removed (a local delete wins), but the tasks of the file's longer description were written: a
    new "(notes 3/3)", and the earlier import's "(notes 2/2)" made over into "(notes 2/3)", a tail whose first part is gone."""
    rows = linear_rows()[2:]
    rows[0]["Description"] = "\n".join(f"line {n}: " + "y" * 990 for n in range(120))  # 120,000 characters and more
    cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv(rows))))
    before = tasks(cli)
    cli.ok("rm", before["Low one"]["id"][:8])
    rows[0]["Description"] = "\n".join(f"line {n}: " + "z" * 990 for n in range(240))  # 240,000 characters and more
    path = write(tmp_path, "linear.csv", linear_csv(rows))
    planned = cli.ok("import", "--from", "linear", "--dry-run", str(path))
    out = cli.ok("import", "--from", "linear", str(path))
    removed = "1 record removed here stays removed (not imported either: the 2 more tasks the file's notes go on in)"
    assert removed in planned and removed in out
    assert "go on in more tasks" not in planned and "go on in more tasks" not in out
    found = tasks(cli)
    assert "Low one" not in found and "Low one (notes 3/3)" not in found
    assert found["Low one (notes 2/2)"] == before["Low one (notes 2/2)"]  # never restored, updated nor deleted


@pytest.mark.parametrize("scanned_whole", [20_000, 0], ids=["small-workspace", "large-workspace"])
def test_notes_shorter_in_a_newer_export_take_away_the_tasks_they_no_longer_go_on_in(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scanned_whole: int
) -> None:
    """A description cut down in Linear left its "(notes 2/3)" and "(notes 3/3)" tasks behind, the old text's tail,
    listed as "left alone, not in this file any more": the notes no longer said they went on in them.  They are
    removed, but one changed here since (kept, listed); and brought back when the notes grow again.  A large
    workspace is asked by batch (``notesparts.PartsHere``), and answers the same."""
    monkeypatch.setattr("crewdeck.tui.tasks.notesparts._SCANNED_WHOLE", scanned_whole)
    rows = linear_rows()[2:]
    rows[0]["Description"] = "\n".join(f"line {n}: " + "y" * 990 for n in range(240))  # 240,000 characters and more
    cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv(rows))))
    before = tasks(cli)
    assert {"Low one (notes 2/3)", "Low one (notes 3/3)"} <= before.keys()
    rows[0]["Description"] = "cut down"
    path = write(tmp_path, "newer.csv", linear_csv(rows))
    assert "would remove 2 tasks the notes no longer go on in (shorter in the file)" in cli.ok(
        "import", "--from", "linear", "--dry-run", str(path)
    )
    out = cli.ok("import", "--from", "linear", str(path))
    assert out == "updated 1 task; removed 2 tasks the notes no longer go on in (shorter in the file)\n"  # none listed "left alone"
    found = tasks(cli)
    assert found["Low one"]["notes"] == "cut down" and not [title for title in found if "(notes " in title]
    assert cli.ok("import", "--from", "linear", str(path)).startswith("nothing new")
    # The notes grow again: the tasks come back (the import removed them, nobody here), with the new text.
    rows[0]["Description"] = "\n".join(f"line {n}: " + "z" * 990 for n in range(240))
    cli.ok("import", "--from", "linear", str(write(tmp_path, "again.csv", linear_csv(rows))))
    found = tasks(cli)
    assert found["Low one (notes 3/3)"]["id"] == before["Low one (notes 3/3)"]["id"] and "zzz" in found["Low one (notes 3/3)"]["notes"]
    # A part someone changed here since is theirs: it stays, and is said; the other goes.
    cli.ok("set", found["Low one (notes 3/3)"]["id"][:8], "status=done")
    rows[0]["Description"] = "cut down again"
    out = cli.ok("import", "--from", "linear", str(write(tmp_path, "shorter.csv", linear_csv(rows))))
    assert "removed 1 task the notes no longer go on in" in out
    assert "1 record keeps what was changed in crewdeck since the last import:" in out and "notes, part 3 of 3 (no longer): status" in out
    assert [title for title in tasks(cli) if "(notes " in title] == ["Low one (notes 3/3)"]


def test_a_linear_re_import_names_a_kept_local_edit_by_its_row_title_and_id_as_trello_names_a_card(cli: Cli, tmp_path: Path) -> None:
    """The summary listed an issue renamed here as "FILE:3: title", shaped as a problem of line 3 is, naming no issue;
    Trello's says "FILE: card 3 (“Shipped v2”): title".  A part of its notes, or the campaign its project made, changed
    here is named after it."""
    rows = linear_rows()[1:]
    rows[1]["Description"] = "\n".join(f"line {n}: " + "y" * 990 for n in range(240))  # goes on in two more tasks
    rows[1]["Project"] = "Winter Fair"
    cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv(rows))))
    found = tasks(cli)
    cli.ok("campaign", "set", "winter-fair", "--rename", "Winter Fair 2026")
    cli.ok("set", found["Low one"]["id"][:8], "title=Low one (ours)")
    cli.ok("set", found["Low one (notes 3/3)"]["id"][:8], "status=done")
    rows[1]["Title"], rows[1]["Description"] = "Low one, renamed", "cut down"
    path = write(tmp_path, "newer.csv", linear_csv(rows))
    out = cli.ok("import", "--from", "linear", str(path))
    named = f"{path}: row 3 (“Low one, renamed”, MKT-3)"
    assert (
        f"3 records keep what was changed in crewdeck since the last import: {named}: project 'Winter Fair': name; {named}: title; "
        f"{named}: notes, part 3 of 3 (no longer): status"
    ) in out, out
    assert f"{path}:3" not in out


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_row_of_empty_cells_a_spreadsheet_left_is_passed_over_as_every_csv_import_passes_it(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A row emptied but not deleted (",,,", as Excel and Google Sheets save one) was a bad row, "Task ID: missing",
    and nothing was imported; the ledger's, rate and kpi imports pass it over as the blank line it is."""
    header = "Task ID,Name,Notes,Due Date" if fmt == "asana" else "ID,Title,Description,Due Date"
    first, second = ("1201,Brief,,2026-12-01", "1202,Shoot,,") if fmt == "asana" else ("MKT-1,Brief,,2026-12-01", "MKT-2,Shoot,,")
    path = write(tmp_path, "sheet.csv", f"{header},,\n{first},,\n,,,,,\n , ,,,,\n{second},,\n,,,,,\n,,\n")
    assert cli.ok("import", "--from", fmt, str(path)) == "imported 2 tasks\n"
    assert {"Brief", "Shoot"} <= tasks(cli).keys()


def test_the_tasks_the_notes_of_an_issue_in_progress_or_in_review_go_on_in_are_todo(cli: Cli, tmp_path: Path) -> None:
    """They copied the issue's status: more tasks in progress, or waiting on a review, that nobody had begun."""
    description = "\n".join(f"line {n}: " + "y" * 990 for n in range(120))  # 120,000 characters and more
    statuses = {"MKT-5": "In Progress", "MKT-6": "In Review", "MKT-7": "Done", "MKT-8": "Backlog"}
    rows = [
        {**linear_rows()[2], "ID": issue, "Title": issue, "Status": status, "Description": description}
        for issue, status in statuses.items()
    ]
    cli.ok("import", "--from", "linear", str(write(tmp_path, "linear.csv", linear_csv(rows))))
    found = {title: t["status"] for title, t in tasks(cli).items()}
    assert found == {
        **{"MKT-5": "doing", "MKT-6": "review", "MKT-7": "done", "MKT-8": "inbox"},
        **{"MKT-5 (notes 2/2)": "todo", "MKT-6 (notes 2/2)": "todo", "MKT-7 (notes 2/2)": "done", "MKT-8 (notes 2/2)": "inbox"},
    }


def test_a_large_newer_export_asks_whether_a_record_was_edited_here_with_the_logs_index(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large import drops the log's index until its end; a later batch that updates a record first
    # reads that record's operations (was it edited here?), a scan of the whole log without the index.
    from crewdeck.sync.state import store as store_module
    from crewdeck.tui.workspace.lastimport import Guard

    cli.ok("import", "--from", "trello", str(write(tmp_path, "old.json", trello_json(trello_board(cards=0, actions=0)))))
    cli.ok("set", stable_id("trello-card", card_id(3))[:8], "title=Shipped (renamed here)")
    newer = trello_board(cards=600, actions=0)
    newer["cards"].reverse()  # the cards here already come last, after a batch of new ones was written
    for card in newer["cards"]:
        card["desc"] = "newer notes"
    monkeypatch.setattr(store_module, "BULK_ROWS", 100)
    indexed: list[bool] = []
    edited_here = Guard.edited_here

    def watched(guard: Guard, row_id: str, fields: list[str]) -> list[str]:
        plan = guard.conn.execute("EXPLAIN QUERY PLAN SELECT field FROM ops WHERE row_id = ?", (row_id,)).fetchall()
        indexed.append("ops_by_field" in str(plan))
        return edited_here(guard, row_id, fields)

    monkeypatch.setattr(Guard, "edited_here", watched)
    rebuilt: list[bool] = []
    need_log_index = store_module.Store.need_log_index

    def asked(store: store_module.Store) -> None:
        rebuilt.append(store._log_dropped is not None)
        need_log_index(store)

    monkeypatch.setattr(store_module.Store, "need_log_index", asked)
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "new.json", trello_json(newer))))
    assert rebuilt[0]  # the first batch of new cards dropped it; the first record here brought it back
    assert indexed and all(indexed)
    assert "(“Shipped”): title" in out
    found = tasks(cli)
    assert found["Shipped (renamed here)"]["notes"] == "newer notes" and len(found) == 605
    with sqlite3.connect(cli.workspace) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ops_by_field'").fetchone()[0] == 1


def test_map_status_decides_lists_and_names_a_list_the_file_lacks(cli: Cli, tmp_path: Path) -> None:
    board = write(tmp_path, "board.json", trello_json(trello_board(cards=4, actions=0)))
    bad = cli("import", "--from", "trello", str(board), "--map-status", "Someday=todo")
    assert (
        bad.code == 2
        and "--map-status: " in bad.err
        and bad.err.endswith(f"--map-status: {board} names no status 'Someday' (it names 'Doing', 'Later', 'Done', 'To Do')\n")
    )  # as it was given, with the lists the board's cards are in
    # A typo is offered the list it most likely meant: it read "names no status 'Laterr'", the lists left to guess.
    bad = cli("import", "--from", "trello", str(board), "--map-status", "Laterr=todo")
    assert bad.code == 2 and bad.err.endswith(
        f"--map-status: {board} names no status 'Laterr' (did you mean 'Later'? it names 'Doing', 'Later', 'Done', 'To Do')\n"
    ), bad.err
    bad = cli("import", "--from", "trello", str(board), "--map-status", "Later=soon")
    assert bad.code == 2 and "'soon' is not a status" in bad.err
    assert "Later" not in cli("tasks", "all").out
    out = cli.ok("import", "--from", "trello", str(board), "--map-status", "later=review", "--dry-run")
    assert "  Later -> review (--map-status)" in out
    cli.ok("import", "--from", "trello", str(board), "--map-status", "Later=review")
    assert tasks(cli)["Card 12"]["status"] == "review"  # the third plain card sits in Later


def test_map_status_giving_one_list_two_statuses_is_refused_not_the_last_taken(cli: Cli, tmp_path: Path) -> None:
    """Which one a manager meant is a guess: the later one silently won.  A status and a post state for one list are two
    mappings (its plain cards', its posts'), and the same one twice is one."""
    board = write(tmp_path, "board.json", trello_json(trello_board(cards=4, actions=0)))
    before = op_count(cli.workspace)
    bad = cli("import", "--from", "trello", str(board), "--map-status", "Later=done", "--map-status", "later=todo")
    assert (bad.code, bad.err) == (2, "crewdeck: error: --map-status: Later is given twice (Later=done, later=todo): give one\n")
    assert op_count(cli.workspace) == before
    out = cli.ok(
        "import", "--from", "trello", str(board), "--dry-run",
        "--map-status", "Later=done", "--map-status", "Later=DONE", "--map-status", "Later=approved",
    )  # fmt: skip
    assert "  Later -> done (--map-status)" in out


def test_every_bad_record_is_named_and_nothing_is_written(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=2, actions=0)
    board["cards"] += [trello_card(91, due="next tuesday"), trello_card(92, name="x" * 600 + "\x07"), trello_card(93, desc="\x07")]
    path = write(tmp_path, "board.json", trello_json(board))
    before = op_count(cli.workspace)
    result = cli("import", "--from", "trello", str(path))
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[0] == f"{path}: card 8 (“Card 91”): due: 'next tuesday' is not a date and time (like 2026-03-02T17:00:00.000Z)"
    # A name too long for a title is cut, and kept whole in the notes: still judged there, and named as the card's name.
    assert lines[1] == f"{path}: card 9 (“{'x' * 40}…”): name: text may not hold control characters (U+0007)"
    assert lines[2] == f"{path}: card 10 (“Card 93”): desc: text may not hold control characters (U+0007)"
    assert lines[3] == f"crewdeck: error: nothing imported: 3 bad records in {path} (listed above)"
    assert op_count(cli.workspace) == before
    assert cli("import", "--from", "trello", str(write(tmp_path, "x.json", "[1, 2"))).err.startswith("crewdeck: error: nothing imported: ")


def test_a_bad_list_or_checklist_and_the_bad_cards_are_named_in_one_run(cli: Cli, tmp_path: Path) -> None:
    """A run that named only the board's bad list had the cards' problems come one fix later."""
    board = trello_board(cards=2, actions=0)
    board["lists"].append({"id": "l-odd", "closed": False})
    board["cards"].append(trello_card(91, due="next tuesday"))
    path = write(tmp_path, "board.json", trello_json(board))
    before = op_count(cli.workspace)
    result = cli("import", "--from", "trello", str(path))
    assert result.err.splitlines() == [
        f"{path}: list 5: name: missing",
        f"{path}: card 8 (“Card 91”): due: 'next tuesday' is not a date and time (like 2026-03-02T17:00:00.000Z)",
        f"crewdeck: error: nothing imported: 2 bad records in {path} (listed above)",
    ]
    assert result.code == 2 and op_count(cli.workspace) == before


def test_a_manager_with_a_default_zone_brings_the_board_members(cli: Cli, tmp_path: Path) -> None:
    board = write(tmp_path, "board.json", trello_json(trello_board(cards=0, actions=10)))
    out = cli.ok("import", "--from", "trello", str(board), "--default-tz", "Europe/Stockholm")
    assert "1 member (@zoe)" in out  # @gone, known from a comment, left the board: not one of its members
    zoe = next(m for m in json.loads(cli.ok("export"))["member"] if m["handle"] == "zoe")
    assert zoe["name"] == "Zoë Lind" and zoe["tz"] == "Europe/Stockholm"
    # A member (not a manager) imports the same board again: the same tasks, whoever imports them.
    out = cli.ok("import", "--from", "trello", str(board), as_member="raj")
    assert out.startswith("nothing new")


def test_a_board_member_of_the_full_name_of_a_member_removed_here_is_not_added_again_under_their_username(cli: Cli, tmp_path: Path) -> None:
    """Removed by hand, as one of their handle stays removed: a manager's import made them a member again, @noorh."""
    cli.ok("member", "add", "noor", "--name", "Noor Haddad", "--tz", "Europe/London")
    cli.ok("member", "rm", "noor")
    board = trello_board(cards=1, actions=0)
    board["members"].append({"id": "m-noor", "username": "noorh", "fullName": "Noor Haddad"})
    (card,) = [c for c in board["cards"] if c["idShort"] == 10]
    card["idMembers"] = ["m-noor"]
    path = write(tmp_path, "board.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path), "--default-tz", "Europe/Stockholm")
    assert "left unassigned (removed from this workspace: crewdeck member add brings them back): noor;" in out, out
    assert "noorh" not in members(cli) and tasks(cli)["Card 10"]["assignee"] is None
    assert "assigned in Trello to: Noor Haddad (@noor)" in tasks(cli)["Card 10"]["notes"]
    # Their handle given to someone new since: the board's Noor Haddad is not them.
    cli.ok("member", "add", "noor", "--name", "Noor Ali", "--tz", "Europe/London")
    out = cli.ok("import", "--from", "trello", str(path), "--default-tz", "Europe/Stockholm")
    assert "1 member (@noorh)" in out and tasks(cli)["Card 10"]["assignee"] == members(cli)["noorh"]


def test_a_comment_by_a_board_member_matched_by_full_name_names_the_member_here_once(cli: Cli, tmp_path: Path) -> None:
    """Trello's "rajmehta7" is @raj here (Raj Mehta): their checklist items and the credit said @raj, their comments
    "comment by @rajmehta7".  A board imported before they matched anyone keeps each comment once, not both spellings."""
    board = trello_board(cards=0, actions=4)
    for person in [*board["members"], *(a["memberCreator"] for a in board["actions"])]:
        if person["id"] == "m-raj":
            person["username"] = "rajmehta7"
    path = write(tmp_path, "board.json", trello_json(board))
    said = "comment by @{} on 2026-02-02: comment 1: « ça va »\nsecond line"
    cli.ok("member", "set", "raj", "--name", "Raj M.")  # no member here is Raj Mehta: the comment is @rajmehta7's
    cli.ok("import", "--from", "trello", str(path))
    assert said.format("rajmehta7") in tasks(cli)["Archived idea"]["notes"]
    cli.ok("member", "set", "raj", "--name", "Raj Mehta")
    assert cli.ok("import", "--from", "trello", str(path)).startswith("updated ")
    notes = tasks(cli)["Archived idea"]["notes"]
    assert said.format("raj") in notes and "@rajmehta7" not in notes, notes
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_full_name_two_members_here_share_assigns_to_neither(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """The task went to whichever of the two came last by handle, and the summary said nothing."""
    cli.ok("member", "add", "sam", "--name", "Sam Lee", "--tz", "Europe/London")
    cli.ok("member", "add", "samuel", "--name", "sam lee", "--tz", "America/Chicago")
    if fmt == "asana":
        rows = [
            {"Task ID": "1", "Name": "Shoot", "Assignee": "Sam Lee"},
            {"Task ID": "2", "Name": "Edit", "Assignee": "Sam Lee", "Assignee Email": "sam@example.com"},
        ]
        text = asana_csv(rows)
    else:
        rows = [{**linear_rows()[2], "ID": "MKT-7", "Title": "Shoot", "Assignee": "Sam Lee"}]
        rows.append({**linear_rows()[2], "ID": "MKT-8", "Title": "Edit", "Assignee": "sam@example.com"})
        text = linear_csv(rows)
    out = cli.ok("import", "--from", fmt, str(write(tmp_path, "in.csv", text)))
    assert "left unassigned (more than one member here has that name): Sam Lee" in out
    found = tasks(cli)
    assert found["Shoot"]["assignee"] is None
    assert found["Shoot"]["notes"].endswith(f"assigned in {fmt.capitalize()} to: Sam Lee")
    assert found["Edit"]["assignee"] == members(cli)["sam"]  # the e-mail says which


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_project_named_with_no_letter_or_digit_is_kept_in_the_notes(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A project no campaign's name can say ("🚀") was dropped, kept nowhere, as a label like it is not ("label: 🔥")."""
    if fmt == "asana":
        text = asana_csv([{"Task ID": "1", "Name": "Shoot", "Projects": "🚀"}])
    else:
        text = linear_csv([{**linear_rows()[2], "ID": "MKT-7", "Title": "Shoot", "Project": "🚀", "Status": "Todo"}])
    cli.ok("import", "--from", fmt, str(write(tmp_path, "in.csv", text)))
    shoot = tasks(cli)["Shoot"]
    assert shoot["campaign"] is None and shoot["notes"].split("\n")[0] == "project: 🚀"
    assert cli.ok("import", "--from", fmt, str(write(tmp_path, "in.csv", text))).startswith("nothing new")


@pytest.mark.parametrize("fmt", ["trello", "asana", "linear"])
def test_a_label_in_a_script_no_slug_spells_is_a_tag_as_quick_add_makes_it(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """ "限定" went to the notes ("label: 限定"), as if no tag could say it, while quick-add tags a task #限定."""
    labels = ["限定", "春 キャンペーン", "🔥", "Été"]
    if fmt == "trello":
        board = trello_board(cards=0, actions=0)
        board["cards"] = [trello_card(1, name="Shoot", labels=[{"id": f"lb{n}", "name": name} for n, name in enumerate(labels)])]
        text = trello_json(board)
    elif fmt == "asana":
        text = asana_csv([{"Task ID": "1", "Name": "Shoot", "Tags": ", ".join(labels)}])
    else:
        text = linear_csv([{"ID": "MKT-7", "Title": "Shoot", "Labels": ", ".join(labels)}])
    path = write(tmp_path, "in.json" if fmt == "trello" else "in.csv", text)
    cli.ok("import", "--from", fmt, str(path))
    shoot = tasks(cli)["Shoot"]
    assert shoot["tags"] == ["限定", "春-キャンペーン", "ete"] and "label: 🔥" in shoot["notes"].split("\n")
    assert "限定" not in shoot["notes"]
    assert "Shoot" in cli.ok("tasks", "#限定")
    assert cli.ok("import", "--from", fmt, str(path)).startswith("nothing new")


@pytest.mark.parametrize("fmt", ["asana", "linear", "taskwarrior"])
def test_a_project_named_in_a_script_no_slug_spells_is_a_campaign_of_that_name(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """ "春のキャンペーン" has letters, but no slug: it made no campaign and went to the notes, as "🚀" does."""
    cli.ok("campaign", "add", "夏")  # one here already: its tasks join it
    if fmt == "asana":
        text = asana_csv([{"Task ID": str(n), "Name": name, "Projects": p} for n, name, p in _PROJECTS])
    elif fmt == "linear":
        text = linear_csv([{"ID": f"MKT-{n}", "Title": name, "Project": p} for n, name, p in _PROJECTS])
    else:
        text = json.dumps(
            [{"uuid": f"{n}1111111-2222-3333-4444-555555555555", "description": name, "project": p} for n, name, p in _PROJECTS]
        )
    path = write(tmp_path, "in.csv", text)
    out = cli.ok("import", "--from", "taskwarrior" if fmt == "taskwarrior" else fmt, str(path))
    assert "1 campaign (+" in out and "+)" not in out, out
    campaigns = {c["name"]: c["id"] for c in json.loads(cli.ok("export"))["campaign"]}
    found = tasks(cli)
    assert found["Shoot"]["campaign"] == found["Edit"]["campaign"] == campaigns["春のキャンペーン"]
    assert found["Cut"]["campaign"] == campaigns["夏"] and found["Launch"]["campaign"] is None
    assert "project: 🚀" in found["Launch"]["notes"] and "春" not in found["Shoot"]["notes"]
    assert "Shoot" in cli.ok("tasks", "+春のキャンペーン")
    assert cli.ok("import", "--from", "taskwarrior" if fmt == "taskwarrior" else fmt, str(path)).startswith("nothing new")


_PROJECTS = [(1, "Shoot", "春のキャンペーン"), (2, "Edit", "春のキャンペーン"), (3, "Cut", "夏"), (4, "Launch", "🚀")]


def test_a_summary_names_ten_people_left_unassigned_and_how_many_more(cli: Cli, tmp_path: Path) -> None:
    """A company's Linear export into a new workspace said every one of its 40 assignees on one line."""
    rows = [{"ID": f"MKT-{n}", "Title": f"Issue {n}", "Assignee": f"Person {n:02d}"} for n in range(40)]
    out = cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv(rows))))
    people = ", ".join(f"Person {n:02d}" for n in range(10))
    assert out == f"imported 40 tasks; left unassigned (not members here): {people} (and 30 more)\n"


def test_a_trello_card_s_custom_fields_are_lines_of_its_notes_as_an_asana_task_s_are(cli: Cli, tmp_path: Path) -> None:
    """A board's custom fields (Channel, Budget, ...) were dropped without a word; an Asana task's are kept in its notes."""
    board = trello_board(cards=0, actions=0)
    board["customFields"] = [
        {"id": "cf1", "name": "Channel", "type": "list", "options": [{"id": "o1", "value": {"text": "Instagram"}}]},
        {"id": "cf2", "name": "Budget", "type": "number"},
        {"id": "cf3", "name": "Shoot date", "type": "date"},
        {"id": "cf4", "name": "Signed off", "type": "checkbox"},
        {"id": "cf5", "name": "Client", "type": "text"},
    ]
    card = next(c for c in board["cards"] if c["id"] == card_id(3))
    card["customFieldItems"] = [
        {"id": "i1", "idCustomField": "cf1", "idValue": "o1"},
        {"id": "i2", "idCustomField": "cf2", "value": {"number": "500"}},
        {"id": "i3", "idCustomField": "cf3", "value": {"date": "2026-12-10T09:00:00.000Z"}},
        {"id": "i4", "idCustomField": "cf4", "value": {"checked": "true"}},
        {"id": "i5", "idCustomField": "cf5", "value": {"text": "Acme"}},
        {"id": "i6", "idCustomField": "cf-gone", "value": {"text": "a field the board no longer has"}},
    ]
    path = write(tmp_path, "board.json", trello_json(board))
    cli.ok("import", "--from", "trello", str(path))
    assert tasks(cli)["Shipped"]["notes"].splitlines()[:5] == [
        "Channel: Instagram", "Budget: 500", "Shoot date: 2026-12-10 09:00 UTC", "Signed off: yes", "Client: Acme",
    ]  # fmt: skip
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")
    card["customFieldItems"][4]["value"]["text"] = "Acme \x1b[2J"
    bad = cli("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))))
    assert bad.err.splitlines()[0].endswith("(“Shipped”): customFieldItems: text may not hold control characters (U+001B)"), bad.err


def test_a_map_status_name_the_file_never_uses_is_not_counted_as_a_bad_record(cli: Cli, tmp_path: Path) -> None:
    rows = [{"Task ID": "1", "Name": "Brief", "Due Date": "2026-13-05"}, {"Task ID": "2", "Name": "Shoot", "Section/Column": "Doing"}]
    path = write(tmp_path, "a.csv", asana_csv(rows))
    result = cli("import", "--from", "asana", "--map-status", "Lter=todo", "--map-status", "Dong=done", str(path))
    assert result.err.splitlines()[-1] == (
        f"crewdeck: error: nothing imported: 1 bad row in {path} and 2 --map-status names the file never uses (listed above)"
    )
    path.write_text(asana_csv(rows[1:]), encoding="utf-8")
    again = cli("import", "--from", "asana", "--map-status", "Lter=todo", "--map-status", "Dong=done", str(path))
    assert again.err.splitlines()[-1] == "crewdeck: error: nothing imported: 2 --map-status names the file never uses (listed above)"


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_map_status_name_on_a_bad_row_or_a_row_not_read_is_not_said_to_be_unused(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A row refused for its date still names its section: the file "names no status 'Doing'" was said beside it, and
    beside a stray quote, whose row may hold it.  A name no row holds is still said in the same run."""
    head = "Task ID,Name,Section/Column,Due Date" if fmt == "asana" else "ID,Title,Status,Due Date"
    path = write(tmp_path, "s.csv", f"{head}\n1,One,To do,\n2,Two,Doing,2026-13-45\n")
    result = cli("import", "--from", fmt, "--map-status", "Doing=doing", "--map-status", "Dong=done", str(path))
    assert [line for line in result.err.splitlines() if line.startswith("--map-status")] == [
        f"--map-status: {path} names no status 'Dong' (did you mean 'Doing'? it names 'To do', 'Doing')"
    ]
    path = write(tmp_path, "q.csv", f'{head}\n1,One,To do,\n2,"Two"x,Doing,\n')
    result = cli("import", "--from", fmt, "--map-status", "Dong=done", str(path))
    assert result.code == 2 and "--map-status" not in result.err and "not valid CSV" in result.err


def test_a_map_status_name_only_a_bad_trello_card_uses_is_not_said_to_be_unused(cli: Cli, tmp_path: Path) -> None:
    """A card refused for its due date still sits in its list: the board "names no status 'Later'" was said beside it."""
    board = trello_board(cards=4, actions=0)
    (later,) = [entry["id"] for entry in board["lists"] if entry["name"] == "Later"]
    for card in board["cards"]:
        if card["idList"] == later:
            card["due"] = "soon"
    path = write(tmp_path, "board.json", trello_json(board))
    result = cli("import", "--from", "trello", str(path), "--map-status", "Later=review", "--map-status", "Someday=todo")
    assert result.code == 2 and "due: 'soon' is not a date and time" in result.err, result.err
    unused = [line for line in result.err.splitlines() if line.startswith("--map-status")]
    assert unused == [f"--map-status: {path} names no status 'Someday' (it names 'Doing', 'Later', 'Done', 'To Do')"], result.err


def test_a_trello_checklist_item_keeps_its_due_date_and_member(cli: Cli, tmp_path: Path) -> None:
    """A checklist item's due date and member were dropped: "[ ] Film it" said neither when nor who."""
    board = trello_board(cards=0, actions=0)
    items = [
        {"id": "i1", "name": "Film it", "state": "incomplete", "pos": 1, "due": "2026-12-10T09:00:00.000Z", "idMember": "m-raj"},
        {"id": "i2", "name": "Cut it", "state": "complete", "pos": 2, "due": None, "idMember": "m-zoe"},
        {"id": "i3", "name": "Left's", "state": "incomplete", "pos": 3, "idMember": "m-gone"},  # no longer on the board
        {"id": "i4", "name": "Odd", "state": "incomplete", "pos": 4, "idMember": ["m-raj"]},  # no id: no one
    ]
    board["checklists"].append({"id": "cl2", "idCard": card_id(3), "name": "Steps", "checkItems": items})
    board = {"checklists": board.pop("checklists"), **board}  # before the members: a member is named by id
    path = write(tmp_path, "board.json", trello_json(board))
    cli.ok("import", "--from", "trello", str(path))
    lines = "Steps:\n[ ] Film it (due 2026-12-10 09:00 UTC, @raj)\n[x] Cut it (@zoe)\n[ ] Left's\n[ ] Odd"
    assert lines in tasks(cli)["Shipped"]["notes"]
    items[0]["due"] = "soon"
    failed = cli("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))))
    assert "board.json: card 3 (“Shipped”): checklists: due: 'soon' is not a date and time" in failed.err


def test_asana_columns_by_header_name_in_any_order(cli: Cli, tmp_path: Path) -> None:
    out = cli.ok("import", "--from", "asana", str(write(tmp_path, "asana.csv", asana_csv(asana_rows()))))
    assert "imported 3 tasks" in out and "left unassigned (not members here): Someone Else" in out
    found = tasks(cli)
    ids = members(cli)
    brief = found["Write the brief"]
    assert brief["id"] == stable_id("asana-task", "1201")
    assert brief["assignee"] == ids["raj"]  # by full name
    assert brief["status"] == "doing" and brief["priority"] == "high"
    assert brief["due"] == {"utc": "2026-03-05T11:30:00Z", "tz": "Asia/Kolkata"}  # a day: 17:00 where the assignee is
    assert brief["tags"] == ["copy"] and brief["notes"] == "First line\nSecond, with a comma\nalso in Asana project: Summer Drop"
    studio = found["Book the studio"]
    assert studio["assignee"] == ids["ana"] and studio["status"] == "done"  # by the e-mail's local part; completed
    assert found["Ask Zoë"]["notes"] == "subtask of: Write the brief\nassigned in Asana to: Someone Else"
    assert found["Ask Zoë"]["status"] == "todo"

    shuffled = list(reversed(ASANA_HEADER))
    other = Cli(tmp_path / "other.db")
    assert main(["init", str(other.workspace), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    other.ok("member", "add", "raj", "--name", "Raj Mehta", "--tz", "Asia/Kolkata")
    other.ok("campaign", "add", "Spring Launch")
    other.ok("import", "--from", "asana", str(write(tmp_path, "shuffled.csv", asana_csv(asana_rows(), shuffled))))
    theirs = tasks(other)
    assert {t: (v["status"], v["due"], v["tags"], v["notes"], v["priority"]) for t, v in theirs.items()} == {
        t: (v["status"], v["due"], v["tags"], v["notes"], v["priority"]) for t, v in found.items()
    }
    missing = cli("import", "--from", "asana", str(write(tmp_path, "bad.csv", "Name,Notes\nx,y\n")))
    assert missing.code == 2 and "bad.csv: missing column: Task ID (the header is: Name, Notes)" in missing.err


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


def test_a_linear_label_keeps_all_but_its_quote_and_one_no_tag_can_say_is_kept_whole(cli: Cli, tmp_path: Path) -> None:
    """Linear writes the labels -bug, 🔥 and Launch as "'-bug, 🔥, Launch": the quote comes off, and only the quote (-bug
    is #bug, its slug, as C++ is #c); a label with nothing a tag can say (🔥) was left out without a word."""
    rows = [{"ID": "M-1", "Title": "'-bug squash", "Labels": "'-bug, 🔥, Launch"}, {"ID": "M-2", "Title": "b", "Labels": "-bug"}]
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv(rows))))
    found = tasks(cli)
    assert found["-bug squash"]["tags"] == ["bug", "launch"] and found["b"]["tags"] == ["bug"]
    assert found["-bug squash"]["notes"] == "label: 🔥"  # kept whole, as a label too long for a tag is
    assert cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv(rows)))).startswith("nothing new")


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
    # A bad record is named in standard input, not in "-".
    bad = linear_csv([{"ID": "MKT-7", "Title": "x", "Priority": "Whenever"}]).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(bad), encoding="utf-8", newline=""))
    assert cli("import", "--from", "linear", "-").err.startswith("standard input:2: Priority: ")


def test_a_board_saved_as_utf16_is_read_as_its_utf8_twin(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A board's JSON saved as UTF-16 by a Windows editor (its byte order mark says so) was refused, "save it as UTF-8":
    it is read as it goes, both times a board is read (its lists and members, then its cards), from a file or a pipe."""
    board = trello_board(cards=3, actions=5)
    board["cards"][0]["desc"] = "Zoë's brief " + "🚀" * 19_000  # 76 KB in UTF-16: its two-part characters cut between reads
    text = trello_json(board)
    path = tmp_path / "board.json"
    path.write_bytes(("\ufeff" + text).encode("utf-16-le"))
    assert cli.ok("import", "--from", "trello", str(path)).startswith("imported 8 tasks")
    imported = tasks(cli)
    assert cli.ok("import", "--from", "trello", str(write(tmp_path, "utf8.json", text))).startswith("nothing new")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(("\ufeff" + text).encode("utf-16-be")), encoding="utf-8"))
    assert cli.ok("import", "--from", "trello", "-").startswith("nothing new")
    assert tasks(cli) == imported and any("Zoë's brief 🚀🚀" in str(t) for t in imported.values())


def test_the_cards_of_a_board_archived_in_trello_are_cancelled_as_archived_cards_are(cli: Cli, tmp_path: Path) -> None:
    """A closed (archived) board's open cards came in as open tasks: a finished campaign's leftovers in everyone's list,
    where an archived card, or a card of an archived list, is cancelled with a note.  A done card stays done."""
    board = trello_board(cards=3, actions=5)
    open_board = tasks_of_board(cli, tmp_path, board, "open.json")
    assert any(t["status"] not in ("cancelled", "done") for t in open_board.values())
    board["closed"] = True
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "closed.json", trello_json(board))))
    assert (
        "the board is archived in Trello: its cards are cancelled here (pulled, for a post) unless done or published, as archived cards are"
    ) in out
    found = tasks(cli)
    for title, before in open_board.items():
        after = found[title]
        if before["status"] == "done" or before.get("post_state") == "published":
            assert (after["status"], after.get("post_state")) == (before["status"], before.get("post_state")), title
        else:
            assert after["status"] == "cancelled", title
            assert after.get("post_state") in (None, "pulled"), title
            assert "archived in Trello" in after["notes"], title


def tasks_of_board(cli: Cli, tmp_path: Path, board: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    """The tasks after importing ``board`` (written to ``name``)."""
    cli.ok("import", "--from", "trello", str(write(tmp_path, name, trello_json(board))))
    return tasks(cli)


POST_LISTS = {
    "l-ideas": "Ideas",
    "l-draft": "Draft",
    "l-review": "In review",
    "l-approved": "Approved",
    "l-scheduled": "Scheduled",
    "l-published": "Published",
    "l-someday": "Someday",
}


def _post_board() -> dict[str, Any]:
    """A content calendar: a card per list, each labelled TikTok (a platform here) and Spring Launch; one plain card."""
    board = trello_board(cards=0, actions=0)
    board["lists"] += [{"id": k, "name": v, "closed": False} for k, v in POST_LISTS.items()]
    tiktok = {"id": "lb-tiktok", "name": "TikTok", "color": "black"}
    spring = {"id": "lb-spring", "name": "Spring Launch", "color": "blue"}
    board["cards"] = [
        trello_card(
            20 + n,
            name=f"Post in {name}",
            desc=f"Copy for {name} #launch",
            idList=list_id,
            labels=[tiktok, spring],
            due="2027-01-15T16:00:00.000Z",
        )
        for n, (list_id, name) in enumerate(POST_LISTS.items())
    ]
    board["cards"].append(trello_card(40, name="Approved, no copy", idList="l-approved", labels=[tiktok, spring]))
    board["cards"].append(trello_card(41, name="Archived post", idList="l-draft", closed=True, labels=[tiktok]))
    board["cards"].append(trello_card(42, name="Plain card in Approved", idList="l-approved"))
    return board


def test_cards_labelled_with_a_platform_are_posts_and_an_import_approves_none(cli: Cli, tmp_path: Path) -> None:
    """Lists map to post states; approved and scheduled cards are submitted here (in review), never approved by the import."""
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia")
    path = write(tmp_path, "calendar.json", trello_json(_post_board()))

    dry = cli.ok("import", "--from", "trello", str(path), "--dry-run")
    assert "statuses (--map-status" in dry and "  Approved -> todo (guessed" in dry  # the plain card's status
    assert 'post states of the cards labelled with a platform (--map-status "SOURCE=STATE" to change):' in dry
    assert "  Ideas -> idea\n" in dry and "  Draft -> draft\n" in dry
    assert "  In review -> in-review: submitted here: in review until its chain approves it\n" in dry
    assert "  Approved -> approved: submitted here: in review until its chain approves it (an import approves nothing)" in dry
    assert "  Scheduled -> scheduled: submitted here" in dry and "(an import approves and schedules nothing)" in dry
    assert "  Published -> published: published before crewdeck (recorded, never approved here)" in dry
    assert '  Someday -> draft (guessed: --map-status "Someday=STATE" to change)' in dry
    assert "Someday -> todo" not in dry  # no plain card sits in Someday
    # The one card of an Approved list that is not submitted, said where the mapping above says "submitted here".
    drafted = "1 post in review, approved or scheduled in Trello is a draft here, not submitted (its notes say why): Approved, no copy"
    assert drafted in dry

    out = cli.ok("import", "--from", "trello", str(path))
    assert drafted in out
    found = tasks(cli)
    states = {name: (found[f"Post in {name}"]["post_state"], found[f"Post in {name}"]["status"]) for name in POST_LISTS.values()}
    assert states == {
        "Ideas": ("idea", "inbox"),
        "Draft": ("draft", "doing"),
        "In review": ("in-review", "review"),
        "Approved": ("in-review", "review"),
        "Scheduled": ("in-review", "review"),
        "Published": ("published", "done"),
        "Someday": ("draft", "doing"),
    }
    approved = found["Post in Approved"]
    assert approved["copy"] == "Copy for Approved #launch" and approved["publish"]["utc"] == "2027-01-15T16:00:00Z"
    assert approved["notes"].startswith(
        "approved in Trello (list Approved): submitted here, in review until its approval chain approves it"
    )
    assert found["Post in Published"]["published_at"] == "2027-01-15T16:00:00Z"
    assert found["Approved, no copy"]["post_state"] == "draft"
    assert found["Approved, no copy"]["notes"].startswith("approved in Trello (list Approved): a draft here (it has no copy to submit)")
    # Its campaign has no chain: a submission alone would approve it, so it stays a draft.
    assert found["Archived post"]["post_state"] == "pulled" and found["Archived post"]["status"] == "cancelled"
    assert found["Plain card in Approved"]["post_state"] is None and found["Plain card in Approved"]["status"] == "todo"
    assert not json.loads(cli.ok("export")).get("post_approval")  # the import approved nothing

    # Here they read in review, step 1 (copy) open for @mia: the importing member (in no step) approves nothing.
    post_id = approved["id"]
    shown = json.loads(cli.ok("post", "show", post_id, "--json"))
    assert shown["state"] == "in-review"
    assert "step 'copy' is not @ana's to take" in cli("post", "approve", post_id).err
    assert cli.in_person("post", "approve", post_id, as_member="mia").strip() == f"{post_id[:8]} approved"

    # The same file again changes nothing: the round is the one opened here, and the approval stands.
    count = op_count(cli.workspace)
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")
    assert op_count(cli.workspace) == count
    assert json.loads(cli.ok("post", "show", post_id, "--json"))["state"] == "approved"


def test_a_card_whose_copy_changed_in_trello_submits_its_post_here_with_the_link_and_media_it_has_here(cli: Cli, tmp_path: Path) -> None:
    """A post here given a link and media after the first import: a newer export with other copy submitted it with the
    hash of the copy alone, which the rules refuse (``round_hash``: a round is of the content the post has), and the
    whole import with it."""
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia")
    board = _post_board()
    cli.ok("import", "--from", "trello", str(write(tmp_path, "calendar.json", trello_json(board))))
    post_id = tasks(cli)["Post in In review"]["id"]
    cli.ok("post", "copy", post_id, "--link", "https://example.com/launch", "--media", "reel.mp4")

    card = next(card for card in board["cards"] if card["name"] == "Post in In review")
    card["desc"] = "New copy from Trello #launch"
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "later.json", trello_json(board))))
    assert "updated 1 task" in out, out
    shown = json.loads(cli.ok("post", "show", post_id, "--json"))
    assert (shown["state"], shown["copy"], shown["link"], shown["media"]) == (
        "in-review",
        "New copy from Trello #launch",
        "https://example.com/launch",
        ["reel.mp4"],
    )
    assert shown["history"][-1]["what"] == "submitted"
    assert cli.in_person("post", "approve", post_id, as_member="mia").strip() == f"{post_id[:8]} approved"


def test_a_card_whose_copy_changed_in_trello_and_here_keeps_the_copy_here_and_the_rest_of_the_file_goes_in(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia")
    board = _post_board()
    cli.ok("import", "--from", "trello", str(write(tmp_path, "calendar.json", trello_json(board))))
    post_id = tasks(cli)["Post in In review"]["id"]
    cli.ok("post", "copy", post_id, "Copy rewritten here")

    card = next(card for card in board["cards"] if card["name"] == "Post in In review")
    card["desc"] = "New copy from Trello #launch"
    other = next(card for card in board["cards"] if card["name"] == "Post in Draft")
    other["name"] = "Renamed in Trello"
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "later.json", trello_json(board))))
    found = tasks(cli)
    assert "Renamed in Trello" in found, out
    shown = json.loads(cli.ok("post", "show", post_id, "--json"))
    assert shown["copy"] == "Copy rewritten here", out
    assert "copy (not submitted from the file, whose round is of other content: submit it here)" in out, out
    # The change here came after the file's submission: it voided that round.
    assert (shown["state"], shown["history"][-1]["what"]) == ("draft", "changed the copy (voids the round)"), shown


def test_a_card_moved_to_published_in_the_source_publishes_no_post_here_that_is_not_approved(cli: Cli, tmp_path: Path) -> None:
    """A post the first import recorded as published is history; one here in review that a newer export has in
    Published keeps its state here (the rules would refuse the move, ``not_publishable``), said in its notes and the
    summary, and the rest of the file is imported: one such card refused the whole import."""
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia")
    board = _post_board()
    path = write(tmp_path, "calendar.json", trello_json(board))
    cli.ok("import", "--from", "trello", str(path))
    post_id = tasks(cli)["Post in In review"]["id"]

    moved = next(card for card in board["cards"] if card["name"] == "Post in In review")
    moved["idList"] = "l-published"
    renamed = next(card for card in board["cards"] if card["name"] != "Post in In review")
    renamed["name"] = "Renamed in Trello"
    later = write(tmp_path, "later.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(later))
    assert (
        "1 post published in Trello stays as it is here, where the rules let no post out unapproved or held by a crisis: Post in In review"
        in out
    ), out
    found = tasks(cli)
    assert found["Post in In review"]["post_state"] == "in-review"
    assert "published in Trello (list Published): not published here, where it reads in review" in found["Post in In review"]["notes"]
    assert "Renamed in Trello" in found  # the rest of the file went in
    count = op_count(cli.workspace)
    assert cli.ok("import", "--from", "trello", str(later)).startswith("nothing new")
    assert op_count(cli.workspace) == count
    assert json.loads(cli.ok("post", "show", post_id, "--json"))["state"] == "in-review"


def test_an_open_card_gives_its_post_no_slot_a_move_would_refuse_and_a_published_ones_past_slot_is_history(
    cli: Cli, tmp_path: Path
) -> None:
    """A draft card whose due date had passed made a post on a slot gone by, and a card in review due in half an hour
    one too soon for its review: both read expired at once.  The task keeps the due date; the slot is said in its notes."""
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia")
    board = _post_board()
    dues = {  # the suite's now: 2026-11-26 09:30 UTC
        "Post in Draft": "2026-11-20T16:00:00.000Z",
        "Post in In review": "2026-11-26T10:00:00.000Z",
        "Post in Published": "2026-11-20T16:00:00.000Z",
        "Archived post": "2026-11-20T16:00:00.000Z",
    }
    for card in board["cards"]:
        card["due"] = dues.get(card["name"], card["due"])
    path = write(tmp_path, "calendar.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path))
    assert (
        "2 posts take no slot from their Trello due dates, passed or too soon for a review here: Post in Draft; Post in In review" in out
    ), out
    found = tasks(cli)
    draft, waiting = found["Post in Draft"], found["Post in In review"]
    assert (draft["post_state"], draft["publish"], draft["due"]["utc"]) == ("draft", None, "2026-11-20T16:00:00Z")
    assert draft["notes"].startswith(
        "due Fri 2026-11-20 17:00 CET in Trello is not its slot here: the slot it would take has passed already (crewdeck post slot gives it one)"
    ), draft["notes"]
    assert (waiting["post_state"], waiting["publish"], waiting["due"]["utc"]) == ("in-review", None, "2026-11-26T10:00:00Z")
    assert (
        "due Thu 2026-11-26 11:00 CET in Trello is not its slot here: a slot within the approval lead time (1 h) needs" in waiting["notes"]
    )
    # Gone out, or pulled, before crewdeck: the slot is history, kept as the source has it.
    published, pulled = found["Post in Published"], found["Archived post"]
    assert published["publish"]["utc"] == published["published_at"] == "2026-11-20T16:00:00Z"
    assert pulled["post_state"] == "pulled" and pulled["publish"]["utc"] == "2026-11-20T16:00:00Z"
    assert found["Post in Ideas"]["publish"]["utc"] == "2027-01-15T16:00:00Z"
    count = op_count(cli.workspace)
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")
    assert op_count(cli.workspace) == count

    # A newer export that moves a post's due date back to a day gone by moves no slot here: the post keeps its own.
    idea = next(card for card in board["cards"] if card["name"] == "Post in Ideas")
    idea["due"] = "2026-11-25T16:00:00.000Z"
    later = write(tmp_path, "later.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(later))
    assert "3 posts take no slot from their Trello due dates, passed or too soon for a review here: Post in Ideas; Post in Draft;" in out
    kept = tasks(cli)["Post in Ideas"]
    assert kept["publish"]["utc"] == "2027-01-15T16:00:00Z" and kept["due"]["utc"] == "2026-11-25T16:00:00Z"
    assert kept["notes"].startswith(
        "due Wed 2026-11-25 17:00 CET in Trello is not its slot here: the slot it would take has passed already"
    )


def test_a_due_date_taken_off_a_card_in_trello_takes_its_posts_slot_off_unless_moved_here(cli: Cli, tmp_path: Path) -> None:
    """A newer export of a card whose due date was taken off emptied the task's due date and left its post on the slot
    the due date had given it: the calendar still showed it going out then.  A slot moved here since is the team's."""
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia")
    board = _post_board()
    cli.ok("import", "--from", "trello", str(write(tmp_path, "calendar.json", trello_json(board))))
    found = tasks(cli)
    assert all(found[f"Post in {name}"]["publish"] is not None for name in ("Ideas", "Draft", "In review", "Published"))
    moved = found["Post in In review"]["id"]
    cli.ok("post", "slot", moved, "2027-01-20 10:00 UTC")
    assert cli.in_person("post", "approve", found["Post in Approved"]["id"], as_member="mia").endswith("approved\n")
    for card in board["cards"]:
        if card["name"] in ("Post in Ideas", "Post in Draft", "Post in In review", "Post in Published", "Post in Approved"):
            card["due"] = None
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "newer.json", trello_json(board))))
    found = tasks(cli)
    names = ("Ideas", "Draft", "Approved")
    assert [(found[f"Post in {name}"]["due"], found[f"Post in {name}"]["publish"]) for name in names] == [(None, None)] * 3
    assert json.loads(cli.ok("post", "show", found["Post in Approved"]["id"], "--json"))["state"] == "approved"  # approved, unslotted
    # Moved here since: the team's slot stays, and is said; gone out before crewdeck: the slot is history.
    assert found["Post in In review"]["due"] is None and found["Post in In review"]["publish"]["utc"] == "2027-01-20T10:00:00Z"
    assert out.endswith(
        f"1 record keeps what was changed in crewdeck since the last import: {tmp_path / 'newer.json'}: card 3 (“Post in In review”): publish; "
        "1 post in review, approved or scheduled in Trello is a draft here, not submitted (its notes say why): Approved, no copy\n"
    )  # still a draft here: the file still says approved
    assert found["Post in Published"]["publish"]["utc"] == "2027-01-15T16:00:00Z"
    count = op_count(cli.workspace)
    assert cli.ok("import", "--from", "trello", str(write(tmp_path, "again.json", trello_json(board)))).startswith("nothing new")
    assert op_count(cli.workspace) == count


def test_a_post_state_mapped_for_a_list_of_no_post_is_said_to_reach_no_card(cli: Cli, tmp_path: Path) -> None:
    """ "To Do=approved" on a list whose cards have no platform label changed nothing, and the dry run said nothing of
    it: a manager took it as done."""
    path = write(tmp_path, "board.json", trello_json(trello_board(cards=4, actions=0)))
    out = cli.ok("import", "--from", "trello", str(path), "--map-status", "To Do=approved", "--dry-run")
    assert (
        'post states of the cards labelled with a platform (--map-status "SOURCE=STATE" to change):\n'
        "  Doing -> draft\n"
        "  To Do -> approved (--map-status): no card of it is labelled with a platform, a post here, so none takes it\n"
    ) in out, out
    assert "  To Do -> todo\n" in out


def test_map_status_gives_a_list_a_post_state_and_a_campaign_without_a_chain_keeps_drafts(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "calendar.json", trello_json(_post_board()))
    out = cli.ok(
        "import", "--from", "trello", str(path), "--map-status", "Someday=approved", "--map-status", "Approved=review", "--dry-run"
    )
    assert "  Someday -> approved (--map-status): submitted here" in out
    assert "  Approved -> review (--map-status)" in out  # a status: the plain card in Approved
    bad = cli("import", "--from", "trello", str(path), "--map-status", "Someday=live")
    assert bad.code == 2 and "is not a status (inbox, todo, doing, review, done, cancelled) or a post state (idea, draft" in bad.err
    bad = cli("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv(asana_rows()))), "--map-status", "Doing=approved")
    assert bad.code == 2 and "or a post state" not in bad.err  # only Trello's cards are posts

    out = cli.ok("import", "--from", "trello", str(path), "--map-status", "Someday=approved")
    found = tasks(cli)
    # Spring Launch has no approval chain here: a submission alone would approve, so submitted states stay drafts, and
    # the summary names them (it said only "imported 11 tasks", where --dry-run had said "submitted here").
    assert (
        "5 posts in review, approved or scheduled in Trello are drafts here, not submitted (their notes say why): "
        "Post in In review; Post in Approved; Post in Scheduled; Post in Someday; Approved, no copy"
    ) in out
    someday = found["Post in Someday"]
    assert someday["post_state"] == "draft" and someday["post_round"] is None
    assert someday["notes"].startswith("approved in Trello (list Someday): a draft here (its campaign has no approval chain")
    assert {found[f"Post in {n}"]["post_state"] for n in ("In review", "Approved", "Scheduled")} == {"draft"}


# ---------------------------------------------------------------- hostile files (exploratory testing, wave 3)


def test_trello_fields_of_the_wrong_type_are_named_never_a_traceback(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=0, actions=0)
    board["cards"] = [
        trello_card(1, idLabels=5),
        trello_card(2, idLabels=[["lb-urgent"]]),
        trello_card(3, idMembers=[{"id": "m-raj"}]),
        trello_card(4, idMembers="m-raj"),
        trello_card(5, attachments=5),
        trello_card(6, closed="false"),
        trello_card(7, desc=["copy"]),
        trello_card(8, due="0001-01-01T00:00:00+05:00"),
        trello_card(9, due="9999-12-31T23:00:00-05:00"),
        trello_card(10, labels="Urgent"),
        trello_card(11, name=5),  # it was a card of no name, "(no name in Trello)"
    ]
    path = write(tmp_path, "board.json", trello_json(board))
    before = op_count(cli.workspace)
    for dry_run in ([], ["--dry-run"]):
        result = cli("import", "--from", "trello", str(path), *dry_run)
        assert result.code == 2 and "Traceback" not in result.err
        lines = result.err.splitlines()
        assert lines[:-1] == [
            f"{path}: card 1 (“Card 1”): idLabels: expected a list of ids, got 5",
            f"{path}: card 2 (“Card 2”): idLabels: expected a list of ids, got [['lb-urgent']]",
            f"{path}: card 3 (“Card 3”): idMembers: expected a list of ids, got [{{'id': 'm-raj'}}]",
            f"{path}: card 4 (“Card 4”): idMembers: expected a list of ids, got 'm-raj'",
            f"{path}: card 5 (“Card 5”): attachments: expected a list, got 5",
            f"{path}: card 6 (“Card 6”): closed: expected true or false, got 'false'",
            f"{path}: card 7 (“Card 7”): desc: expected text, got ['copy']",
            f"{path}: card 8 (“Card 8”): due: 0001-01-01 is out of range: dates run from 1900-01-01 to 9998-12-31",
            f"{path}: card 9 (“Card 9”): due: 9999-12-31 is out of range: dates run from 1900-01-01 to 9998-12-31",
            f"{path}: card 10 (“Card 10”): labels: expected a list, got 'Urgent'",
            f"{path}: card 11: name: expected text, got 5",
        ]
        assert lines[-1] == f"crewdeck: error: nothing imported: 11 bad records in {path} (listed above)"
    assert op_count(cli.workspace) == before


def test_a_trello_checklist_of_the_wrong_shape_is_named(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=0, actions=0)
    board["cards"] = [trello_card(100)]
    board["checklists"] = [{"id": "ch-1", "idCard": card_id(100), "name": "Before", "checkItems": 5}]
    path = write(tmp_path, "board.json", trello_json(board))
    result = cli("import", "--from", "trello", str(path))
    # Named as a card is, by its number among the board's checklists and its name (it was "checklist ch-1", its id).
    assert result.err == (
        f"{path}: checklist 1 (“Before”): checkItems: expected a list, got 5\n"
        f"crewdeck: error: nothing imported: 1 bad record in {path} (listed above)\n"
    )
    # Positions are only compared: one larger than any float still sorts, last.
    items = [{"name": "Last", "pos": 10**400}, {"name": "First", "pos": 1.5}, {"name": "Second", "pos": 2}]
    board["checklists"] = [{"id": "ch-1", "idCard": card_id(100), "name": "Before", "checkItems": items}]
    cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))))
    assert tasks(cli)["Card 100"]["notes"].startswith("Before:\n[ ] First\n[ ] Second\n[ ] Last")


@pytest.mark.parametrize("fmt", ["trello", "asana", "linear"])
def test_a_record_twice_in_one_file_is_named_and_a_second_import_changes_nothing(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """Two records with one id would be one task whose fields flip from import to import: the file is refused, naming
    where the first of them is (it said "in the file more than once", and which other row it meant was for a person to
    find)."""
    if fmt == "trello":
        board = trello_board(cards=0, actions=0)
        board["cards"] = [trello_card(1, name="One"), trello_card(1, name="Two")]
        path = write(tmp_path, "board.json", trello_json(board))
        where = f"{path}: card 2 (“Two”): id: {board['cards'][0]['id']} already in card 1"
    elif fmt == "asana":
        path = write(tmp_path, "a.csv", asana_csv([{"Task ID": "7", "Name": "One"}, {"Task ID": "7", "Name": "Two"}]))
        where = f"{path}:3: Task ID: 7 already on line 2"  # the column, as the file names it: it said "id", which neither CSV has
    else:
        path = write(tmp_path, "l.csv", linear_csv([{"ID": "MKT-7", "Title": "One"}, {"ID": "MKT-7", "Title": "Two"}]))
        where = f"{path}:3: ID: MKT-7 already on line 2"
    before = op_count(cli.workspace)
    for dry_run in (["--dry-run"], []):
        result = cli("import", "--from", fmt, str(path), *dry_run)
        noun = "record" if fmt == "trello" else "row"
        assert result.err == f"{where}\ncrewdeck: error: nothing imported: 1 bad {noun} in {path} (listed above)\n"
    assert op_count(cli.workspace) == before


@pytest.mark.parametrize("fmt", ["trello", "asana", "linear"])
def test_control_characters_are_named_by_a_dry_run_and_every_record_is_listed(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """The rules refuse control characters; a dry run says so too, for every record, as the import would."""
    if fmt == "trello":
        board = trello_board(cards=0, actions=0)
        board["cards"] = [trello_card(1, name="Evil \x1b[2J"), trello_card(2, desc="bell \x07")]
        path = write(tmp_path, "board.json", trello_json(board))
        wheres = [f"{path}: card 1 (“Evil ^[[2J”): name", f"{path}: card 2 (“Card 2”): desc"]
    elif fmt == "asana":
        path = write(
            tmp_path, "a.csv", asana_csv([{"Task ID": "7", "Name": "Evil \x1b[2J"}, {"Task ID": "8", "Name": "ok", "Notes": "bell \x07"}])
        )
        wheres = [f"{path}:2: Name", f"{path}:3: Notes"]
    else:
        path = write(
            tmp_path,
            "l.csv",
            linear_csv([{"ID": "M-7", "Title": "Evil \x1b[2J"}, {"ID": "M-8", "Title": "ok", "Description": "bell \x07"}]),
        )
        wheres = [f"{path}:2: Title", f"{path}:3: Description"]
    before = op_count(cli.workspace)
    for dry_run in (["--dry-run"], []):
        result = cli("import", "--from", fmt, str(path), *dry_run)
        assert result.err.splitlines() == [
            f"{wheres[0]}: text may not hold control characters (U+001B)",
            f"{wheres[1]}: text may not hold control characters (U+0007)",
            f"crewdeck: error: nothing imported: 2 bad {'record' if fmt == 'trello' else 'row'}s in {path} (listed above)",
        ]
        assert "\x1b" not in result.err and "\x07" not in result.err
    assert op_count(cli.workspace) == before


def test_a_linear_creator_who_is_no_member_here_is_credited_by_name_not_by_a_made_up_handle(cli: Cli, tmp_path: Path) -> None:
    """ "Jane Doe" read "imported: entered by @jane-doe", a handle nobody here has, and an e-mail "@jane@corp.com"."""
    rows = [
        {"ID": "MKT-1", "Title": "One", "Creator": "Jane Doe", "Created": "2026-01-15T10:22:33.000Z"},
        {"ID": "MKT-2", "Title": "Two", "Creator": "jane@corp.com", "Created": "2026-01-15T10:22:33.000Z"},
        {"ID": "MKT-3", "Title": "Three", "Creator": "Raj Mehta", "Created": "2026-01-15T10:22:33.000Z"},
    ]
    path = write(tmp_path, "l.csv", linear_csv(rows))
    cli.ok("import", "--from", "linear", str(path))
    found = tasks(cli)
    assert [found[title]["notes"] for title in ("One", "Two", "Three")] == [
        "imported: entered by Jane Doe 2026-01-15",
        "imported: entered by jane@corp.com 2026-01-15",
        "imported: entered by @raj 2026-01-15",  # a member here: by handle
    ]
    assert cli.ok("import", "--from", "linear", str(path)).startswith("nothing new")


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_json_export_given_for_a_csv_says_so(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """Asana exports a project as JSON too: read as CSV it was "row 1: not valid CSV: ',' expected after '"'"."""
    path = write(tmp_path, "project.json", '\ufeff {"data": [{"gid": "1201", "name": "Brief"}]}')
    before = op_count(cli.workspace)
    assert cli("import", "--from", fmt, str(path)).err == (
        f"crewdeck: error: nothing imported: {path}: JSON, not CSV: export it as CSV (a Trello board's JSON goes with"
        " --from trello, `task export`'s with --from taskwarrior)\n"
    )
    assert op_count(cli.workspace) == before


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_csv_that_is_not_utf8_is_one_line_from_a_file_or_standard_input(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    text = asana_csv([{"Task ID": "7", "Name": "Café"}]) if fmt == "asana" else linear_csv([{"ID": "M-7", "Title": "Café"}])
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.encode("latin-1"))
    before = op_count(cli.workspace)
    # Where its first such byte is (the row after the header), and what to do: Excel saved it in its own encoding.
    assert cli("import", "--from", fmt, str(path)).err == (
        f"crewdeck: error: nothing imported: {path}: line 2: not UTF-8 text (byte 0xE9): save it as UTF-8, or convert it "
        f"(from Windows-1252, as many banks write: iconv -f WINDOWS-1252 -t UTF-8 {path} > {tmp_path / 'latin1-utf8.csv'})\n"
    )
    path.write_bytes(text.encode("utf-16")[:-1])  # UTF-16 by its byte order mark (which is read: below), cut mid-character
    assert cli("import", "--from", fmt, str(path)).err == (
        f"crewdeck: error: nothing imported: {path}: not UTF-16 text, though it begins as UTF-16 does\n"
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("latin-1")), encoding="utf-8", errors="surrogateescape"))
    assert cli("import", "--from", fmt, "-").err == "crewdeck: error: nothing imported: standard input: not UTF-8 text\n"
    # Standard input, read once, is named by what it was read as: UTF-16 by its byte order mark (it was "not UTF-8").
    for data in (text.encode("utf-16")[:-1], b"\xff\xfeA"):  # cut mid-character
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        assert cli("import", "--from", fmt, "-").err == (
            "crewdeck: error: nothing imported: standard input: not UTF-16 text, though it begins as UTF-16 does\n"
        )
    assert op_count(cli.workspace) == before


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_csv_saved_as_utf16_excels_unicode_text_is_read_as_its_utf8_twin(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Excel's "Unicode Text" (UTF-16 with its byte order mark, tab-separated), which ``ledger import`` reads, was refused:
    "it is UTF-16: save it as UTF-8".  Either byte order, with commas or tabs, from a file or standard input."""
    rows = asana_rows() if fmt == "asana" else linear_rows()
    text = asana_csv(rows) if fmt == "asana" else linear_csv(rows)
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text, newline="")))
    tabbed = out.getvalue()  # the cells with commas and line breaks in them, and no comma between them
    path = tmp_path / "unicode.txt"
    path.write_bytes(("\ufeff" + tabbed).encode("utf-16-le"))
    assert cli.ok("import", "--from", fmt, str(path)).startswith("imported 3 tasks")
    imported = tasks(cli)
    # The same rows in UTF-8 with commas, the other byte order, and through a pipe: the same tasks, nothing new.
    assert cli.ok("import", "--from", fmt, str(write(tmp_path, "utf8.csv", text))).startswith("nothing new")
    path.write_bytes(("\ufeff" + text).encode("utf-16-be"))
    assert cli.ok("import", "--from", fmt, str(path)).startswith("nothing new")
    piped = subprocess.run(
        [sys.executable, "-m", "crewdeck.tui.cli.main", "--workspace", str(cli.workspace), "--as", "ana", "import", "--from", fmt, "-"],
        input=text.encode("utf-16"), capture_output=True, check=False,
    )  # fmt: skip
    assert (piped.returncode, piped.stderr) == (0, b"") and piped.stdout.startswith(b"nothing new")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(tabbed.encode("utf-16")), encoding="utf-8", newline=""))
    assert cli.ok("import", "--from", fmt, "-").startswith("nothing new")
    assert tasks(cli) == imported
    assert ("Ask Zoë" if fmt == "asana" else "=SUM is not a formula") in imported


def test_a_csv_row_with_more_cells_than_its_header_or_an_open_quote_is_named(cli: Cli, tmp_path: Path) -> None:
    header = "Task ID,Name,Notes\n"
    extra = cli("import", "--from", "asana", str(write(tmp_path, "a.csv", header + "7,One,n\n8,Two, with a comma,n\n")))
    assert extra.err == (
        f"{tmp_path / 'a.csv'}:3: 4 cells, but the header has 3 columns "
        "(a comma in a value needs quotes)\n"
        f"crewdeck: error: nothing imported: 1 bad row in {tmp_path / 'a.csv'} (listed above)\n"
    )
    quote = cli("import", "--from", "linear", str(write(tmp_path, "l.csv", 'ID,Title\nM-1,"Open quote\nM-2,Two\n')))
    assert quote.err == (
        f"{tmp_path / 'l.csv'}:2: not valid CSV: a quote opened in this row is never closed "
        '(a quote inside a value is written twice: "")\n'
        f"crewdeck: error: nothing imported: 1 bad row in {tmp_path / 'l.csv'} (listed above)\n"
    )
    # The csv module's words for a quote a tab does not follow were "'<TAB>' expected after '\"'", a raw tab on the terminal.
    tabbed = cli("import", "--from", "linear", str(write(tmp_path, "t.csv", 'ID\tTitle\nM-1\t"Quoted" and not\n')))
    assert tabbed.err == (
        f"{tmp_path / 't.csv'}:2: not valid CSV: a quoted value goes on after its closing "
        'quote (a tab should follow it; a quote inside a value is written twice: "")\n'
        f"crewdeck: error: nothing imported: 1 bad row in {tmp_path / 't.csv'} (listed above)\n"
    )


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_stray_quote_is_listed_with_every_other_bad_row(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A stray quote ended the reading with its row alone: "nothing imported: FILE: row 4: not valid CSV: ...", the bad
    rows above it named only once it was fixed, those below once they were.  Every bad row is named in one run, on
    the line it starts on (a quoted line break before it, the rows after a broken one), and nothing is written."""
    head, missing = (
        ("Task ID,Name,Notes,Due Date", "Task ID: required") if fmt == "asana" else ("ID,Title,Description,Due Date", "ID: required")
    )
    path = write(
        tmp_path,
        "f.csv",
        f'{head}\n1,One,"Two\nlines",2026-12-01\n,No id,,2026-12-01\n3,"Stray"quote,,2026-12-01\n4,Bad day,,2026-13-45\n'
        '5,"Another" one,,\n6,Fine,,\n',
    )
    before = op_count(cli.workspace)
    result = cli("import", "--from", fmt, str(path))
    quote = 'not valid CSV: a quoted value goes on after its closing quote (a comma should follow it; a quote inside a value is written twice: "")'
    assert result.code != 0 and result.err.splitlines() == [
        f"{path}:4: {missing}",
        f"{path}:5: {quote}",
        f"{path}:6: Due Date: '2026-13-45' is not a date (YYYY-MM-DD)",
        f"{path}:7: {quote}",
        f"crewdeck: error: nothing imported: 4 bad rows in {path} (listed above)",
    ]
    assert op_count(cli.workspace) == before


def test_an_asana_day_that_is_no_day_quotes_the_cell(cli: Cli, tmp_path: Path) -> None:
    rows = [{"Task ID": "1", "Name": "a", "Due Date": "2026-02-30"}, {"Task ID": "2", "Name": "b", "Created At": "0000-01-01"}]
    path = write(tmp_path, "a.csv", asana_csv(rows))
    assert cli("import", "--from", "asana", str(path)).err.splitlines()[:2] == [
        f"{path}:2: Due Date: '2026-02-30' is not a date (YYYY-MM-DD)",
        f"{path}:3: Created At: '0000-01-01' is not a date (YYYY-MM-DD)",
    ]


def test_windows_line_breaks_in_a_description_are_line_breaks(cli: Cli, tmp_path: Path) -> None:
    """A description written on Windows (or a CSV cell saved by a spreadsheet) breaks its lines with CR LF: not a control character."""
    board = trello_board(cards=0, actions=0)
    board["cards"] = [trello_card(1, name="Card", desc="one\r\ntwo\rthree")]
    cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))))
    assert tasks(cli)["Card"]["notes"].startswith("one\ntwo\nthree")
    rows = [{"Task ID": "1", "Name": "Row", "Notes": "first\r\nsecond"}]
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv(rows))))
    assert tasks(cli)["Row"]["notes"] == "first\nsecond"
    assert cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv(rows)))).startswith("nothing new")


def test_two_csv_columns_with_one_name_import_nothing(cli: Cli, tmp_path: Path) -> None:
    """Said as the ledger, rate and kpi imports say it (it was "columns 2 and 4 are both named 'Name': rename one")."""
    path = write(tmp_path, "a.csv", "Task ID,Name,Notes,Name\n7,One,n,Two\n")
    assert cli("import", "--from", "asana", str(path)).err == (
        f"crewdeck: error: nothing imported: {path}: the header names Name twice (columns 2 and 4): which holds the Name is "
        "not known; rename the other\n"
    )


@pytest.mark.parametrize(("fmt", "missing"), [("asana", "Task ID and Name"), ("linear", "ID and Title")])
def test_a_wrong_csv_of_many_columns_is_named_by_its_first_ones(cli: Cli, tmp_path: Path, fmt: str, missing: str) -> None:
    """A CSV that is not the tool's export (another tool's, of a hundred columns, or one of 5,000 characters) was refused
    with every column of its header whole, a line of kilobytes: its first columns are named, cut, as every import names them."""
    header = [*(f"Field {n}" for n in range(80)), "x" * 5000]
    path = write(tmp_path, "other.csv", ",".join(header) + "\n" + ",1" * 80 + "\n")
    shown = ", ".join(header[:12])
    assert cli("import", "--from", fmt, str(path)).err == (
        f"crewdeck: error: nothing imported: {path}: missing columns: {missing} (the header is: {shown}, … (81 columns))\n"
    )


def test_a_board_from_a_named_pipe_is_read_twice_like_standard_input(cli: Cli, tmp_path: Path) -> None:
    """``<(unzip -p export.zip board.json)`` or a FIFO can be read once: it is kept to be read again, as standard input is."""
    board = write(tmp_path, "board.json", trello_json(trello_board(cards=3, actions=5)))
    fifo = tmp_path / "board.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", 'cat "$1" > "$2"', "sh", str(board), str(fifo)])
    try:
        out = cli.ok("import", "--from", "trello", str(fifo))
    finally:
        writer.wait(timeout=120)
    assert out.startswith("imported 8 tasks")


@pytest.mark.parametrize("fmt", ["trello", "asana"])
def test_a_dry_run_says_what_the_rules_would_refuse_as_the_import_does(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A guest's dry run (and a member's that would make a campaign) said "imported 8 tasks"; the import then refused."""
    cli.ok("member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest")
    board = trello_json(trello_board(cards=2, actions=5))
    rows = asana_rows()[:1]  # its project, Summer Drop, is no campaign here: a member may not make one
    rows[0]["Tags"] = "copy"
    path = write(tmp_path, "in.json" if fmt == "trello" else "in.csv", board if fmt == "trello" else asana_csv(rows))
    before = op_count(cli.workspace)
    who = "gus" if fmt == "trello" else "raj"
    real = cli("import", "--from", fmt, str(path), as_member=who)
    dry = cli("import", "--from", fmt, str(path), "--dry-run", as_member=who)
    assert (real.code, dry.code) == (2, 2), (real, dry)
    assert dry.err == real.err
    assert ("guests do not change tasks" if fmt == "trello" else "only a manager may change campaign records") in dry.err
    assert op_count(cli.workspace) == before
    assert "nothing written" not in dry.out


def test_a_json_file_saved_with_a_byte_order_mark_imports_like_one_without(cli: Cli, tmp_path: Path) -> None:
    """Saved by an editor that writes a BOM, every JSON import said "expected '{' at character 0, found '\\ufeff'"."""
    bom = b"\xef\xbb\xbf"
    export = tmp_path / "team.json"
    export.write_bytes(bom + cli.ok("export").encode())
    assert cli.ok("import", str(export)).startswith("nothing new")  # a merge into this workspace
    board = tmp_path / "board.json"
    board.write_bytes(bom + trello_json(trello_board(cards=2, actions=5)).encode())
    assert cli.ok("import", "--from", "trello", str(board)).startswith("imported 7 tasks")
    tw = tmp_path / "task.json"
    record = {"uuid": "3f1c8a52-54aa-4b9e-9d5e-2b0f3d0a8c11", "description": "From Taskwarrior", "status": "pending"}
    tw.write_bytes(bom + json.dumps([{**record, "entry": "20260101T000000Z"}]).encode())
    assert cli.ok("import", "--from", "taskwarrior", str(tw)).startswith("imported 1 task")
    export.write_bytes(bom + cli.ok("export").encode())
    empty = Cli(tmp_path / "restored.db")
    assert main(["init", str(empty.workspace)]) == 0
    assert empty.ok("import", str(export), as_member=None).startswith("imported ")  # a restore
    assert empty.ok("export", as_member=None) == cli.ok("export")


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_csv_cut_short_in_its_last_row_imports_nothing(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A download cut off mid-row imported the row's first cells as a task ("Waiting on cli" a status)."""
    text = asana_csv(asana_rows()) if fmt == "asana" else linear_csv()
    path = write(tmp_path, f"{fmt}.csv", text[: text.rindex(",", 0, len(text) - 3) - 2])
    before = op_count(cli.workspace)
    result = cli("import", "--from", fmt, str(path))
    assert result.code == 2 and result.err.startswith(f"{path}:5: ")  # its last line
    assert result.err.endswith(
        f"but the header has {len(ASANA_HEADER if fmt == 'asana' else LINEAR_HEADER)} columns (is the file cut short?)\n"
        f"crewdeck: error: nothing imported: 1 bad row in {path} (listed above)\n"
    )
    assert op_count(cli.workspace) == before


def test_a_members_import_that_would_make_a_campaign_names_the_row_and_its_project(cli: Cli, tmp_path: Path) -> None:
    """The refusal named "campaign 15f76d047a3d", an id made up from the project, and the row a quoted line break ended on."""
    rows = asana_rows()[:2]  # the first's notes run over two lines
    rows[0]["Tags"] = "copy"
    path = write(tmp_path, "a.csv", asana_csv(rows))
    result = cli("import", "--from", "asana", str(path), as_member="raj")
    assert result.err == (
        f"{path}:2: project 'Summer Drop': "
        "only a manager may change campaign records (@raj is a member) (rule managers_only)\n"
        f"crewdeck: error: nothing imported: 1 bad row in {path} (listed above)\n"
    )


def test_a_board_cut_short_in_a_string_says_where_in_plain_words(cli: Cli, tmp_path: Path) -> None:
    """It said "Unterminated string starting at at character 6,867"."""
    text = trello_json(trello_board(cards=2, actions=5))
    cut = text.index('"Card 10"') + 4
    path = write(tmp_path, "board.json", text[:cut])
    result = cli("import", "--from", "trello", str(path))
    assert result.err == (
        f"crewdeck: error: nothing imported: {path}: not a Trello board export: Unterminated string starting at character {cut - 4:,}\n"
    )


def test_an_import_that_finishes_while_another_waits_is_seen_by_the_other(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two imports at once read the members and the source's past imports before it waited for the
    lock: it said "imported 3 members" again and wrote over the first's memory, so the next newer export's changes
    were all kept out as "changed here since the last import"."""
    board = trello_board(cards=3, actions=5)
    path = write(tmp_path, "board.json", trello_json(board))
    argv = [sys.executable, "-m", "crewdeck.tui.cli.main", "--workspace", str(cli.workspace), "--as", "ana"]
    first = [*argv, "import", "--from", "trello", str(path), "--default-tz", "UTC"]
    bulk = Store.bulk

    def first_import_finishes_meanwhile(store: Store, *args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(Store, "bulk", bulk)
        assert subprocess.run(first, capture_output=True, text=True, check=True).stdout.startswith("imported 8 tasks, 1 member")
        return bulk(store, *args, **kwargs)

    monkeypatch.setattr(Store, "bulk", first_import_finishes_meanwhile)
    assert cli.ok("import", "--from", "trello", str(path), "--default-tz", "UTC").startswith("nothing new: ")
    board["cards"][0]["name"] = "Renamed in Trello"
    newer = cli.ok("import", "--from", "trello", str(write(tmp_path, "newer.json", trello_json(board))))
    assert newer.startswith("updated 1 task;") and "changed here" not in newer


def _project_rows(fmt: str, project: str, numbers: range) -> list[dict[str, str]]:
    """A project's tasks as its CSV export holds them (Linear: both projects in the team MKT)."""
    if fmt == "asana":
        return [{"Task ID": f"{n}", "Name": f"{project} task {n}", "Projects": project} for n in numbers]
    return [{"ID": f"MKT-{n}", "Team": "Marketing", "Title": f"{project} task {n}", "Project": project} for n in numbers]


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_another_projects_file_lists_none_of_the_first_projects_tasks_as_missing(cli: Cli, tmp_path: Path, fmt: str) -> None:
    csv_of = asana_csv if fmt == "asana" else linear_csv
    summer = write(tmp_path, "summer.csv", csv_of(_project_rows(fmt, "Summer Drop", range(1, 4))))
    cli.ok("import", "--from", fmt, str(summer))
    winter = write(tmp_path, "winter.csv", csv_of(_project_rows(fmt, "Winter Sale", range(10, 12))))
    out = cli.ok("import", "--from", fmt, str(winter))
    assert out.startswith("imported 2 tasks") and "not in this file any more" not in out

    # A newer export of the first project without its task 2: that one is listed, nothing of the other project.
    newer = write(tmp_path, "summer-newer.csv", csv_of(_project_rows(fmt, "Summer Drop", range(1, 4, 2))))
    out = cli.ok("import", "--from", fmt, str(newer))
    gone = stable_id(f"{fmt}-{'task' if fmt == 'asana' else 'issue'}", "2" if fmt == "asana" else "MKT-2")
    assert out.splitlines()[-1] == f"left alone, not in this file any more: {gone[:8]} Summer Drop task 2"
    assert "Summer Drop task 2" in tasks(cli) and len(tasks(cli)) == 5  # left alone

    # A file holding both projects covers what each earlier import brought: what it lacks of either is listed.
    both = _project_rows(fmt, "Summer Drop", range(1, 4, 2)) + _project_rows(fmt, "Winter Sale", range(10, 11))
    out = cli.ok("import", "--from", fmt, str(write(tmp_path, "both.csv", csv_of(both))))
    assert out.splitlines()[-1].startswith("left alone, not in this file any more: ")
    assert "Summer Drop task 2" in out and "Winter Sale task 11" in out and "task 1," not in out


def test_an_import_remembered_without_its_scope_lists_no_task_as_missing(cli: Cli, tmp_path: Path) -> None:
    """Runs remembered before scopes were cover an unknown part of the source: a wrong "missing" notice would be worse than none.

    Such a run is in the file's local settings (``import.runs.SOURCE``), where crewdeck remembered runs before their
    ``import_run`` records: the record is made into one here."""
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv(_project_rows("asana", "Summer Drop", range(1, 3))))))
    with sqlite3.connect(cli.workspace) as conn:
        ((first, last),) = conn.execute("SELECT first_op, last_op FROM import_run WHERE source = 'asana'").fetchall()
        conn.execute("DELETE FROM import_run")
        node = conn.execute("SELECT value FROM meta WHERE key = 'node'").fetchone()[0]
        conn.execute("INSERT INTO meta (key, value) VALUES ('import.runs.asana', ?)", (json.dumps([[node, first, last]]),))
    out = cli.ok("import", "--from", "asana", str(write(tmp_path, "b.csv", asana_csv(_project_rows("asana", "Summer Drop", range(1, 2))))))
    assert "not in this file any more" not in out


def _file_bytes(workspace: Path) -> dict[str, bytes]:
    """The workspace file and its write-ahead log, as they are on disk."""
    return {p.name: p.read_bytes() for p in sorted(workspace.parent.glob(workspace.name + "*"))}


@pytest.mark.parametrize("fmt", ["trello", "asana", "linear"])
def test_a_dry_run_only_reads_while_a_teammate_holds_the_write_lock(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A dry run took the workspace's write lock: it waited for a teammate's write (and held theirs up), then gave up."""
    text = {"trello": trello_json(trello_board(cards=3, actions=5)), "asana": asana_csv(asana_rows()), "linear": linear_csv()}[fmt]
    path = write(tmp_path, "in.json" if fmt == "trello" else "in.csv", text)
    teammate = sqlite3.connect(cli.workspace, isolation_level=None, timeout=0)
    try:
        teammate.execute("BEGIN IMMEDIATE")  # a teammate's write, under way
        before = _file_bytes(cli.workspace)
        dry = cli("import", "--from", fmt, str(path), "--dry-run", as_member="ana")
        assert dry.code == 0, dry.err
        assert "dry run, nothing written: would import " in dry.out
        assert _file_bytes(cli.workspace) == before
        assert teammate.in_transaction  # still theirs: the dry run never asked for it
    finally:
        teammate.execute("ROLLBACK")
        teammate.close()
    assert cli.ok("import", "--from", fmt, str(path)).startswith("imported ")  # what the dry run read is importable


# ---------------------------------------------------------------- a team moving in (exploratory testing, wave 4)


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_due_day_at_the_calendars_ends_is_out_of_range_never_a_traceback(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A day is due at 17:00 where the assignee is: 9999-12-31 west of UTC is a day past the calendar (it raised OverflowError)."""
    days = ["9999-12-31", "0001-01-01", "1899-12-31"]
    if fmt == "asana":
        path = write(tmp_path, "a.csv", asana_csv([{"Task ID": str(n), "Name": f"Task {n}", "Due Date": d} for n, d in enumerate(days)]))
        wheres = [f"{path}:{n + 2}: Due Date" for n in range(len(days))]
    else:
        path = write(tmp_path, "l.csv", linear_csv([{"ID": f"M-{n}", "Title": f"Issue {n}", "Due Date": d} for n, d in enumerate(days)]))
        wheres = [f"{path}:{n + 2}: Due Date" for n in range(len(days))]
    before = op_count(cli.workspace)
    for zone in ("America/Los_Angeles", "Pacific/Auckland"):
        result = cli("import", "--from", fmt, str(path), "--default-tz", zone)
        assert result.err.splitlines() == [
            *(f"{where}: {day} is out of range: dates run from 1900-01-01 to 9998-12-31" for where, day in zip(wheres, days, strict=True)),
            f"crewdeck: error: nothing imported: 3 bad rows in {path} (listed above)",
        ]
    assert op_count(cli.workspace) == before


def test_an_instant_before_the_year_1000_is_named_out_of_range_as_the_file_writes_it(cli: Cli, tmp_path: Path) -> None:
    """It was quoted as crewdeck wrote it back, without its leading zero: "'500-01-01T00:00:00Z' is not a UTC instant"."""
    board = trello_board(cards=0, actions=0)
    board["cards"] = [trello_card(1, due="0500-01-01T00:00:00.000Z")]
    path = write(tmp_path, "board.json", trello_json(board))
    out_of_range = "0500-01-01 is out of range: dates run from 1900-01-01 to 9998-12-31"
    assert (
        cli("import", "--from", "trello", str(path)).err
        == f"{path}: card 1 (“Card 1”): due: {out_of_range}\ncrewdeck: error: nothing imported: 1 bad record in {path} (listed above)\n"
    )
    path = write(tmp_path, "l.csv", linear_csv([{"ID": "M-1", "Title": "Old", "Created": "0999-12-31T23:00:00.000Z"}]))
    assert cli("import", "--from", "linear", str(path)).err == (
        f"{path}:2: Created: 0999-12-31 is out of range: dates run from 1900-01-01 to 9998-12-31\n"
        f"crewdeck: error: nothing imported: 1 bad row in {path} (listed above)\n"
    )


def test_csv_columns_are_found_whatever_their_case(cli: Cli, tmp_path: Path) -> None:
    """Asana writes "Parent Task" (the subtask line was silently dropped: only "Parent task" was read), a spreadsheet "due date"."""
    header = ["Task ID", "Name", "Parent Task", "due date", "Section/column"]
    rows = [
        {"Task ID": "1", "Name": "Parent", "due date": "2026-03-05", "Section/column": "Doing"},
        {"Task ID": "2", "Name": "Child", "Parent Task": "Parent"},
    ]
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv(rows, header))))
    found = tasks(cli)
    assert found["Child"]["notes"] == "subtask of: Parent"
    assert found["Parent"]["status"] == "doing" and found["Parent"]["due"]["utc"] == "2026-03-05T16:00:00Z"
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv([{"id": "M-1", "title": "Lower"}], ["id", "title"]))))
    assert tasks(cli)["Lower"]["id"] == stable_id("linear-issue", "M-1")


def test_status_names_decorated_with_emoji_or_punctuation_map_by_their_words(cli: Cli, tmp_path: Path) -> None:
    """Teams write "✅ Done" and "🚧 In-Progress": every one was a guessed todo (a Trello card in "✅ Done" came in as todo)."""
    statuses = StatusMap([], posts=True)
    names = ["🚧 In Progress", "✅ Done", "Done ✅", "To-Do:", "In-Progress", "Won’t do", "Backlog 🗂️", "To Do (this week)"]
    assert [statuses.status(n) for n in names] == ["doing", "done", "done", "todo", "doing", "cancelled", "inbox", "todo"]
    assert [how for _, how in statuses.used.values()] == [*["usual"] * 7, "guessed"]
    assert [statuses.post_state(n) for n in ("📅 Scheduled", "👀 Needs review", "🚀 Published!")] == ["scheduled", "in-review", "published"]
    board = trello_board(cards=0, actions=0)
    board["lists"] = [{"id": "l-done", "name": "✅ Done", "closed": False}]
    board["cards"] = [trello_card(1, name="Shipped", idList="l-done")]
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))), "--dry-run")
    assert "  ✅ Done -> done\n" in out


def test_a_card_that_is_no_post_in_a_content_calendars_published_list_is_done(cli: Cli, tmp_path: Path) -> None:
    """A newsletter card (no platform label) in "Published" came in as a guessed todo, open work in the task pane beside
    the posts of the same list, which are published (done)."""
    board = trello_board(cards=0, actions=0)
    board["lists"] = [{"id": "l-pub", "name": "Published", "closed": False}, {"id": "l-live", "name": "🚀 Live", "closed": False}]
    board["cards"] = [
        trello_card(1, name="November newsletter", idList="l-pub"),
        trello_card(2, name="Launch post", idList="l-pub", labels=[{"id": "lb-tiktok", "name": "TikTok", "color": "black"}]),
        trello_card(3, name="Blog: spring looks", idList="l-live"),
    ]
    path = write(tmp_path, "board.json", trello_json(board))
    dry = cli.ok("import", "--from", "trello", str(path), "--dry-run")
    assert "  Published -> done\n" in dry and "  🚀 Live -> done\n" in dry and "guessed" not in dry
    cli.ok("import", "--from", "trello", str(path))
    found = tasks(cli)
    assert [found[name]["status"] for name in ("November newsletter", "Launch post", "Blog: spring looks")] == ["done"] * 3
    assert found["Launch post"]["post_state"] == "published" and found["November newsletter"]["post_state"] is None


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"])
def test_an_asana_tasks_day_of_creation_is_that_day_where_the_importer_is(cli: Cli, tmp_path: Path, zone: str) -> None:
    """Asana's Created At is a day: it was taken as midnight UTC, the evening before west of UTC (a member in São Paulo
    read "created ... Mon 11-09 21:00 -03" of a task Asana says was made on the 10th), then noon UTC, the day after in
    Auckland (UTC+13 in November). It is noon of that day where the importing member is: no one instant is that day in
    every zone (noon in Auckland is the evening before in the Americas), and the importer's is the one that must be."""
    cli.ok("member", "add", "kai", "--name", "Kai", "--tz", zone)
    rows = [{"Task ID": "1", "Name": "Brief", "Created At": "2026-11-10"}]
    path = write(tmp_path, "a.csv", asana_csv(rows))
    cli.ok("import", "--from", "asana", str(path), as_member="kai")
    task = tasks(cli)["Brief"]["id"]
    created = next(line for line in cli.ok("show", task, as_member="kai").splitlines() if "created" in line)
    assert " 11-10 " in created, created
    assert cli.ok("import", "--from", "asana", str(path), as_member="kai").startswith("nothing new")


def test_an_asana_tasks_day_of_creation_is_read_in_the_zone_of_the_imports_days(cli: Cli, tmp_path: Path) -> None:
    """With --default-tz a day the file gives (a due date of a task nobody holds) is read there: so is Created At."""
    rows = [{"Task ID": "1", "Name": "Brief", "Created At": "2026-11-10", "Due Date": "2026-11-12"}]
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv(rows))), "--default-tz", "Pacific/Auckland")
    brief = tasks(cli)["Brief"]
    assert brief["due"] == {"utc": "2026-11-12T04:00:00Z", "tz": "Pacific/Auckland"}  # 17:00 NZDT
    assert brief["created_at"] == "2026-11-09T23:00:00Z"  # noon NZDT


def test_a_card_labelled_for_two_platforms_says_it_is_a_post_for_one(cli: Cli, tmp_path: Path) -> None:
    """A cross-post (labels Instagram and TikTok) came in as an Instagram post tagged #tiktok, the TikTok post lost and the
    summary saying only "imported 1 task"."""
    board = _post_board()
    labels = [
        {"id": "lb-ig", "name": "Instagram", "color": "purple"},
        {"id": "lb-tiktok", "name": "TikTok", "color": "black"},
        {"id": "lb-spring", "name": "Spring Launch", "color": "blue"},
    ]
    board["cards"] = [trello_card(1, name="Cross-post", desc="Both!", idList="l-draft", labels=labels)]
    path = write(tmp_path, "calendar.json", trello_json(board))
    said = "1 post labelled with more than one platform in Trello is a post for one here, the others named in its notes: Cross-post"
    assert said in cli.ok("import", "--from", "trello", str(path), "--dry-run")
    assert said in cli.ok("import", "--from", "trello", str(path))
    post = tasks(cli)["Cross-post"]
    assert post["platform"] == "instagram" and post["post_state"] == "draft"
    assert (
        "also labelled TikTok in Trello: a post here is for one platform, instagram (crewdeck post add makes one for another)"
        in post["notes"]
    )
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")


def test_a_cross_post_is_a_post_for_a_platform_its_campaign_runs_on(cli: Cli, tmp_path: Path) -> None:
    """Labelled Instagram and TikTok, of a campaign that runs on TikTok only: it became an Instagram post of that
    campaign (its first platform label), one the campaign does not run on, and TikTok only a note."""
    cli.ok("campaign", "add", "Clips", "--platforms", "tiktok", "--audience-tz", "Europe/Paris")
    board = _post_board()
    labels = [
        {"id": "lb-ig", "name": "Instagram", "color": "purple"},
        {"id": "lb-tiktok", "name": "TikTok", "color": "black"},
        {"id": "lb-clips", "name": "Clips", "color": "blue"},
    ]
    board["cards"] = [trello_card(1, name="Cross-post", desc="Both!", idList="l-draft", labels=labels)]
    path = write(tmp_path, "calendar.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path))
    assert "1 post labelled with more than one platform in Trello is a post for one here" in out
    assert "runs on tiktok, not instagram" not in out
    post = tasks(cli)["Cross-post"]
    assert post["platform"] == "tiktok" and post["post_state"] == "draft"
    assert "also labelled Instagram in Trello: a post here is for one platform, tiktok" in post["notes"]
    assert post["tags"] == ["instagram"]  # as the other platforms of a cross-post are
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")


def test_an_import_reads_a_posts_row_once(cli: Cli, tmp_path: Path) -> None:
    """A post's slot in its audience's zone read the row a second time (its publish columns), right after the row its
    state and round were read from: two queries a card on a board of thousands of posts. One reads them all."""
    from crewdeck.tui.tasks import imports
    from crewdeck.tui.workspace.workspace import Workspace

    path = write(tmp_path, "calendar.json", trello_json(_post_board()))
    cli.ok("import", "--from", "trello", str(path))  # the posts are here: an import again reads each one's row
    posts = {t["id"] for t in tasks(cli).values() if t["platform"]}
    statements: list[str] = []
    workspace = Workspace.open(cli.workspace)
    try:
        me = next(m for m in workspace.members() if m.handle == "ana")
        workspace.conn.set_trace_callback(statements.append)
        imports.run("trello", str(path), workspace, me)
    finally:
        workspace.close()
    for post in posts:
        reads = [s for s in statements if f"FROM task WHERE id = '{post}'" in s and ("post_state" in s or "publish_utc" in s)]
        assert len(reads) == 1, reads
    assert tasks(cli)["Post in Scheduled"]["publish"]["tz"] == "America/New_York"  # the campaign's audience's zone


def test_a_board_member_whose_username_is_no_handle_here_is_the_member_of_their_full_name(cli: Cli, tmp_path: Path) -> None:
    """Trello's usernames are rarely a team's handles: "rajmehta7" (Raj Mehta) was left unassigned, and a manager's import
    with --default-tz, as the summary told her, added @rajmehta7 beside @raj, an Asana or Linear import matching him."""
    board = trello_board(cards=0, actions=0)
    board["members"] = [
        {"id": "m-raj", "username": "rajmehta7", "fullName": "Raj Mehta"},
        {"id": "m-zoe", "username": "zoe", "fullName": "Zoë Lind"},
    ]
    board["cards"] = [trello_card(1, name="Brief", idMembers=["m-raj"]), trello_card(2, name="Shoot", idMembers=["m-zoe"])]
    made = {"id": "b1", "type": "createCard", "date": "2026-01-05T08:00:00.000Z", "data": {"card": {"id": card_id(2)}}}
    board["actions"] = [{**made, "memberCreator": board["members"][0]}]
    path = write(tmp_path, "board.json", trello_json(board))
    assert "left unassigned (not members here: --default-tz ZONE adds them): zoe\n" in cli.ok(
        "import", "--from", "trello", str(path), "--dry-run"
    )
    out = cli.ok("import", "--from", "trello", str(path), "--default-tz", "Europe/Paris")
    assert "1 member (@zoe)" in out
    ids = members(cli)
    assert "rajmehta7" not in ids
    found = tasks(cli)
    assert found["Brief"]["assignee"] == ids["raj"] and "assigned in Trello" not in found["Brief"]["notes"]
    assert found["Shoot"]["assignee"] == ids["zoe"]
    assert found["Shoot"]["notes"].endswith("imported: entered by @raj 2026-01-05")  # who made the card, as he is here
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")


def test_a_board_members_full_name_two_members_here_share_assigns_to_neither_and_adds_no_one(cli: Cli, tmp_path: Path) -> None:
    """ "kimlee" (Kim Lee), with @kim and @kim2 both Kim Lee here, was said "not members here: --default-tz ZONE adds
    them", and a manager's import with --default-tz added a third Kim Lee, where Asana and Linear say the name is shared."""
    cli.ok("member", "add", "kim", "--name", "Kim Lee", "--tz", "Europe/London")
    cli.ok("member", "add", "kim2", "--name", "kim lee", "--tz", "America/Chicago")
    board = trello_board(cards=0, actions=0)
    board["members"] = [{"id": "m-kim", "username": "kimlee", "fullName": "Kim Lee"}]
    board["cards"] = [trello_card(1, name="Brief", idMembers=["m-kim"])]
    path = write(tmp_path, "board.json", trello_json(board))
    for extra in ([], ["--default-tz", "Europe/Paris"]):
        out = cli.ok("import", "--from", "trello", str(path), *extra)
        assert "left unassigned (more than one member here has that name): Kim Lee\n" in out
        assert "kimlee" not in out  # neither "not members here: --default-tz ZONE adds them" nor added
    assert "kimlee" not in members(cli)
    brief = tasks(cli)["Brief"]
    assert brief["assignee"] is None and "\nassigned in Trello to: Kim Lee (@kimlee)\n" in brief["notes"]


def test_an_unchanged_export_changes_nothing_after_its_assignee_moved_zones(cli: Cli, tmp_path: Path) -> None:
    """A day is due at 17:00 where the assignee is: once @raj moved to Tokyo, the same file again moved the deadline
    from 17:00 in Kolkata to 17:00 in Tokyo ("updated 1 task"), and a card's due kept its instant but changed its zone."""
    csv_path = write(tmp_path, "a.csv", asana_csv([{"Task ID": "1", "Name": "Brief", "Assignee": "Raj Mehta", "Due Date": "2026-03-05"}]))
    board = trello_board(cards=0, actions=0)
    board["cards"] = [trello_card(1, name="Card", idMembers=["m-raj"], due="2026-03-02T16:00:00.000Z")]
    board_path = write(tmp_path, "board.json", trello_json(board))
    cli.ok("import", "--from", "asana", str(csv_path))
    cli.ok("import", "--from", "trello", str(board_path))
    before = {title: task["due"] for title, task in tasks(cli).items()}
    assert before == {
        "Brief": {"utc": "2026-03-05T11:30:00Z", "tz": "Asia/Kolkata"},
        "Card": {"utc": "2026-03-02T16:00:00Z", "tz": "Asia/Kolkata"},
    }
    cli.ok("member", "set", "raj", "--tz", "Asia/Tokyo")
    count = op_count(cli.workspace)
    assert cli.ok("import", "--from", "asana", str(csv_path)).startswith("nothing new")
    assert cli.ok("import", "--from", "trello", str(board_path)).startswith("nothing new")
    assert op_count(cli.workspace) == count
    # A newer export that moves the day: 17:00 where the assignee is now.
    path = write(tmp_path, "b.csv", asana_csv([{"Task ID": "1", "Name": "Brief", "Assignee": "Raj Mehta", "Due Date": "2026-03-06"}]))
    assert cli.ok("import", "--from", "asana", str(path)).startswith("updated 1 task")
    assert tasks(cli)["Brief"]["due"] == {"utc": "2026-03-06T08:00:00Z", "tz": "Asia/Tokyo"}


def test_a_card_archived_when_it_was_done_or_published_is_done_not_cancelled(cli: Cli, tmp_path: Path) -> None:
    """Teams archive what is finished ("Archive all cards in this list" on Done): every archived card was cancelled, a
    published post pulled, as if it had never gone out."""
    board = _post_board()
    board["lists"].append({"id": "l-old-done", "name": "Done ✅", "closed": True})
    tiktok = {"id": "lb-tiktok", "name": "TikTok", "color": "black"}
    board["cards"] = [
        trello_card(1, name="Finished", idList="l-done", closed=True),
        trello_card(2, name="Ticked off", idList="l-later", closed=True, dueComplete=True),
        trello_card(3, name="Given up", idList="l-later", closed=True),
        trello_card(4, name="In an archived Done list", idList="l-old-done"),
        trello_card(5, name="Went out", idList="l-published", closed=True, labels=[tiktok], desc="Copy", due="2026-01-15T16:00:00.000Z"),
        trello_card(6, name="Never went out", idList="l-draft", closed=True, labels=[tiktok], desc="Copy"),
    ]
    cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))))
    found = tasks(cli)
    assert {title: (task["status"], task["post_state"]) for title, task in found.items()} == {
        "Finished": ("done", None),
        "Ticked off": ("done", None),
        "Given up": ("cancelled", None),
        "In an archived Done list": ("done", None),
        "Went out": ("done", "published"),
        "Never went out": ("cancelled", "pulled"),
    }
    assert found["Finished"]["notes"].startswith("archived in Trello\n")
    assert found["In an archived Done list"]["notes"] == "its list Done ✅ was archived in Trello"


def test_a_dry_run_says_an_archived_list_s_cards_are_cancelled_not_what_its_name_maps_to(cli: Cli, tmp_path: Path) -> None:
    """Every card of an archived list is archived: the dry run said "Later -> todo (guessed…)", and they were cancelled."""
    board = _post_board()
    tiktok = {"id": "lb-tiktok", "name": "TikTok", "color": "black"}
    board["lists"] += [{"id": "l-old", "name": "Old ideas", "closed": True}, {"id": "l-shelf", "name": "Shelved", "closed": True}]
    board["cards"] += [
        trello_card(50, name="From an archived list", idList="l-old"),
        trello_card(51, name="Post from an archived list", idList="l-shelf", labels=[tiktok], desc="Copy"),
    ]
    path = write(tmp_path, "board.json", trello_json(board))
    dry = cli.ok("import", "--from", "trello", "--dry-run", str(path))
    assert '  Old ideas -> cancelled (its cards are archived in Trello: --map-status "Old ideas=done" if they were finished)' in dry
    assert '  Shelved -> pulled (its cards are archived in Trello: --map-status "Shelved=published" if they were published)' in dry
    # A list with a card still open maps as its name says, though another of its cards is archived.
    assert "  Draft -> draft" in dry
    cli.ok("import", "--from", "trello", str(path))
    found = tasks(cli)
    assert (found["From an archived list"]["status"], found["Post from an archived list"]["post_state"]) == ("cancelled", "pulled")
    # The hint does what it says.
    again = cli.ok("import", "--from", "trello", "--dry-run", "--map-status", "Old ideas=done", str(path))
    assert "  Old ideas -> done (--map-status)" in again and "would update 1 task" in again


def test_a_dry_run_names_a_list_whose_cards_all_take_their_status_another_way(cli: Cli, tmp_path: Path) -> None:
    """Every card of "Wrapped" is marked complete (one archived too): the mapping left the list out, as if the board had
    no such list, where each of its names is said with what its cards became."""
    board = _post_board()
    board["lists"].append({"id": "l-wrapped", "name": "Wrapped", "closed": False})
    board["cards"] += [
        trello_card(60, name="Wrapped up", idList="l-wrapped", dueComplete=True),
        trello_card(61, name="Wrapped and archived", idList="l-wrapped", dueComplete=True, closed=True),
    ]
    dry = cli.ok("import", "--from", "trello", "--dry-run", str(write(tmp_path, "board.json", trello_json(board))))
    assert "  Wrapped -> done (its cards are marked complete in Trello, whatever it maps to)" in dry.splitlines(), dry
    # A Linear status whose issues were completed or canceled: each as the file marks it.
    rows = [
        {"ID": "MKT-1", "Title": "Shipped", "Status": "Gone", "Completed": "2026-01-05T10:00:00Z"},
        {"ID": "MKT-2", "Title": "Dropped", "Status": "Gone", "Canceled": "2026-01-06T10:00:00Z"},
    ]
    path = write(tmp_path, "l.csv", linear_csv(rows))
    dry = cli.ok("import", "--from", "linear", "--dry-run", str(path))
    assert "  Gone -> done or cancelled (its issues are marked complete or canceled in Linear, whatever it maps to)" in (
        dry.splitlines()
    ), dry


def test_a_linear_sub_issue_names_its_parent_as_an_asana_subtask_does(cli: Cli, tmp_path: Path) -> None:
    """Linear's export has a "Parent issue" column (MKT-1): it was dropped without a word."""
    rows = [{"ID": "MKT-1", "Title": "Launch"}, {"ID": "MKT-2", "Title": "Launch copy", "Description": "Short", "Parent issue": "MKT-1"}]
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv(rows, [*LINEAR_HEADER, "Parent issue"]))))
    assert tasks(cli)["Launch copy"]["notes"] == "Short\nsubtask of: MKT-1"


def test_a_dry_runs_hint_for_a_guessed_name_can_be_pasted_into_a_shell(cli: Cli, tmp_path: Path) -> None:
    """It put the name in double quotes whatever it held: "Waiting on "client"=STATUS" split, "$HOME stuff=STATUS" expanded."""
    rows = [
        {"Task ID": "1", "Name": "a", "Section/Column": 'Waiting on "client"'},
        {"Task ID": "2", "Name": "b", "Section/Column": "$HOME stuff"},
    ]
    path = write(tmp_path, "a.csv", asana_csv(rows))
    out = cli.ok("import", "--from", "asana", str(path), "--dry-run")
    assert """  Waiting on "client" -> todo (guessed: --map-status 'Waiting on "client"=STATUS' to change)""" in out
    assert "  $HOME stuff -> todo (guessed: --map-status '$HOME stuff=STATUS' to change)" in out
    # What the hint says, with a status for STATUS, is taken as it is printed (shlex: as a shell splits it).
    given = [
        shlex.split(line.split("(guessed: ")[1].removesuffix(" to change)").replace("STATUS", "review"))[1]
        for line in out.splitlines()
        if "guessed" in line
    ]
    cli.ok("import", "--from", "asana", str(path), *(f"--map-status={text}" for text in given))
    assert {task["status"] for task in tasks(cli).values()} == {"review"}


def test_an_asana_task_id_a_spreadsheet_rounded_is_named(cli: Cli, tmp_path: Path) -> None:
    """A CSV saved by a spreadsheet writes a 16-digit Task ID as 1.20123E+15: two rows were "in the file more than once",
    one alone came in under an id a clean export never gives again (a second task on the next import)."""
    rows = [
        {"Task ID": "1.20123E+15", "Name": "a"},
        {"Task ID": "1,20123456789012E+15", "Name": "b"},
        {"Task ID": "1201234567890123", "Name": "c"},
    ]
    path = write(tmp_path, "a.csv", asana_csv(rows))
    before = op_count(cli.workspace)
    result = cli("import", "--from", "asana", str(path))
    hint = "a spreadsheet rounded it: export the project from Asana again (or keep the column as text)"
    assert result.err.splitlines() == [
        f"{path}:2: Task ID: {hint}",
        f"{path}:3: Task ID: {hint}",
        f"crewdeck: error: nothing imported: 2 bad rows in {path} (listed above)",
    ]
    assert op_count(cli.workspace) == before


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_csv_a_spreadsheet_saved_with_semicolons_is_read_as_its_comma_twin(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """Excel in a locale with a decimal comma saves "CSV" with semicolons: ``ledger import`` read such a file, the task
    imports refused it ("save it as CSV with commas").  Read by the same rule, its tasks are the comma file's; a row with
    a semicolon too many names the semicolon, not a comma."""
    rows = asana_rows() if fmt == "asana" else linear_rows()
    text = asana_csv(rows) if fmt == "asana" else linear_csv(rows)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text, newline="")))
    semicolons = out.getvalue()
    assert "," in semicolons  # the cells' own commas are kept, quoted or not
    assert cli.ok("import", "--from", fmt, str(write(tmp_path, "excel.csv", semicolons))).startswith("imported 3 tasks")
    imported = tasks(cli)
    assert cli.ok("import", "--from", fmt, str(write(tmp_path, "commas.csv", text))).startswith("nothing new")
    assert tasks(cli) == imported
    header = "Task ID;Name;Notes\n" if fmt == "asana" else "ID;Title;Description\n"
    path = write(tmp_path, "extra.csv", header + "A-7;One;n\nA-8;Two;with; a semicolon\n")
    assert cli("import", "--from", fmt, str(path)).err == (
        f"{path}:3: 4 cells, but the header has 3 columns (a semicolon in a value needs quotes)\n"
        f"crewdeck: error: nothing imported: 1 bad row in {path} (listed above)\n"
    )


def test_one_task_removed_here_is_said_in_the_singular(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", asana_csv(asana_rows()))
    cli.ok("import", "--from", "asana", str(path))
    cli.ok("rm", stable_id("asana-task", "1201")[:8])
    out = cli.ok("import", "--from", "asana", str(path))
    assert out.startswith("nothing new: 2 records already here; 1 record removed here stays removed;")  # it said "stay removed"
    assert "Write the brief" not in tasks(cli)


#: Linear's 30-column export, as it writes it (the last column, Roadmaps, empty).
LINEAR_30 = (
    "ID,Team,Title,Description,Status,Estimate,Priority,Project ID,Project,Creator,Assignee,Labels,Cycle Number,Cycle Name,"
    "Cycle Start,Cycle End,Created,Updated,Started,Triaged,Completed,Canceled,Archived,Due Date,Parent issue,Initiatives,"
    "Project Milestone ID,Project Milestone,SLA Status,Roadmaps"
)


def test_linear_rows_that_leave_off_an_empty_last_column_nobody_reads_import(cli: Cli, tmp_path: Path) -> None:
    """Linear writes some exports' rows without their last, empty field (Roadmaps): 29 cells for 30 columns, every row;
    each was refused as "is the file cut short?" and the file imported nothing."""
    rows = [
        "MKT-10,Marketing,License,Add the licence,Done,,High,,,ana@example.com,ana@example.com,Bug,,,,,"
        "2026-01-14T08:53:33Z,2026-01-23T16:06:19Z,,,2026-01-23T16:06:19Z,,,,,,,,",
        "MKT-11,Marketing,Design tokens,Body two,Todo,,Medium,,,ana@example.com,ana@example.com,,,,,,"
        "2026-01-14T09:01:00Z,2026-01-23T16:10:00Z,,,,,,2026-03-02,MKT-10,,,,",
    ]
    assert all(row.count(",") + 1 == 29 for row in rows) and LINEAR_30.count(",") + 1 == 30
    path = write(tmp_path, "l.csv", "\n".join([LINEAR_30, *rows]) + "\n")
    assert cli.ok("import", "--from", "linear", str(path)).startswith("imported 2 tasks")
    found = tasks(cli)
    assert found["License"]["status"] == "done" and found["Design tokens"]["notes"].startswith("Body two\nsubtask of: MKT-10\n")
    # A row cut off in a column that is read is a file cut short, as is a row short of a column that is read.
    cut = write(tmp_path, "cut.csv", "\n".join([LINEAR_30, rows[0], rows[1][: rows[1].index("tokens")]]))
    assert cli("import", "--from", "linear", str(cut)).err == (
        f"{cut}:3: 3 cells, but the header has 30 columns (is the file cut short?)\n"
        f"crewdeck: error: nothing imported: 1 bad row in {cut} (listed above)\n"
    )
    short = write(tmp_path, "short.csv", "ID,Title,Due Date\nM-1,One\n")
    assert cli("import", "--from", "linear", str(short)).err.endswith(
        f"{short}:2: 2 cells, but the header has 3 columns (is the file cut short?)\n"
        f"crewdeck: error: nothing imported: 1 bad row in {short} (listed above)\n"
    )


def test_an_assignee_who_is_a_guest_here_leaves_the_task_unassigned_and_is_listed(cli: Cli, tmp_path: Path) -> None:
    """A source assignee matched to a guest (who sees no tasks) assigned the task to them, or refused the whole import."""
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest")
    rows = [
        {"Task ID": "1301", "Name": "Approve the visuals", "Section/Column": "Doing", "Assignee Email": "gus@client.example"},
        {"Task ID": "1302", "Name": "Book the studio", "Section/Column": "Doing", "Assignee": "Raj Mehta"},
    ]
    out = cli.ok("import", "--from", "asana", str(write(tmp_path, "asana.csv", asana_csv(rows))))
    assert "imported 2 tasks" in out and "left unassigned (@gus is a guest here, who sees no tasks): Approve the visuals" in out
    found = tasks(cli)
    assert found["Approve the visuals"]["assignee"] is None
    assert found["Book the studio"]["assignee"] == members(cli)["raj"]


def test_a_taskwarrior_assignee_who_is_a_guest_here_leaves_the_task_unassigned_and_is_listed(cli: Cli, tmp_path: Path) -> None:
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest")
    tw = tmp_path / "task.json"
    record = {"uuid": "3f1c8a52-54aa-4b9e-9d5e-2b0f3d0a8c12", "description": "Approve the visuals", "status": "pending", "assignee": "gus"}
    tw.write_text(json.dumps([record]))
    out = cli.ok("import", "--from", "taskwarrior", str(tw))
    assert "imported 1 task" in out and "left unassigned (@gus is a guest here, who sees no tasks): Approve the visuals" in out
    assert tasks(cli)["Approve the visuals"]["assignee"] is None


def test_a_manager_is_told_that_default_tz_adds_the_members_left_unassigned(cli: Cli, tmp_path: Path) -> None:
    # A manager's import without --default-tz read "left unassigned (no such member): zoe", as a member's did: nothing
    # said that a zone is all it takes to bring them.
    board = trello_board(cards=0, actions=0)
    board["cards"][0]["idMembers"] = ["m-zoe"]
    path = write(tmp_path, "board.json", trello_json(board))
    dry = cli.ok("import", "--from", "trello", str(path), "--dry-run")
    assert "left unassigned (not members here: --default-tz ZONE adds them): zoe;" in dry
    assert "left unassigned (not members here):" not in dry
    out = cli.ok("import", "--from", "trello", str(path), "--dry-run", as_member="raj")
    assert "left unassigned (not members here: only a manager's import adds them): zoe;" in out  # a member adds no one


def test_an_assignee_whose_handle_the_filters_read_as_a_word_is_left_unassigned_and_the_rest_imported(cli: Cli, tmp_path: Path) -> None:
    """A Trello username "me": the rules refuse @me as a handle (the filters read it as "you"), which refused the whole
    import with "nothing imported"; the person is left out, as one who cannot be added, and said so."""
    board = trello_board(cards=0, actions=0)
    next(m for m in board["members"] if m["id"] == "m-zoe")["username"] = "me"
    board["cards"][0]["idMembers"] = ["m-zoe"]
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))), "--default-tz", "UTC")
    assert out.startswith("imported ") and "left unassigned (a handle the filters read as a word, which no member may have): me;" in out
    assert "me" not in {m["handle"] for m in json.loads(cli.ok("member", "list", "--json"))}
    title = next(c["name"] for c in board["cards"] if c["id"] == board["cards"][0]["id"])
    assert tasks(cli)[title]["assignee"] is None


def test_an_assignee_matching_no_member_here_is_kept_in_the_tasks_notes(cli: Cli, tmp_path: Path) -> None:
    """The summary listed an assignee who matches no member here, and the task kept no trace of who it was assigned to."""
    asana = write(tmp_path, "asana.csv", asana_csv(asana_rows()))
    cli.ok("import", "--from", "asana", str(asana))
    assert tasks(cli)["Ask Zoë"]["notes"] == "subtask of: Write the brief\nassigned in Asana to: Someone Else"
    assert "assigned in Asana" not in tasks(cli)["Write the brief"]["notes"]  # matched: assigned here
    rows = linear_rows()
    rows[1]["Assignee"] = "Jane Doe"
    linear = write(tmp_path, "linear.csv", linear_csv(rows))
    cli.ok("import", "--from", "linear", str(linear))
    assert "assigned in Linear to: Jane Doe" in tasks(cli)["@raj review"]["notes"].splitlines()
    tw = tmp_path / "task.json"
    record = {"uuid": "3f1c8a52-54aa-4b9e-9d5e-2b0f3d0a8c13", "description": "Cut the teaser", "status": "pending", "assignee": "jane"}
    tw.write_text(json.dumps([record]))
    cli.ok("import", "--from", "taskwarrior", str(tw))
    assert tasks(cli)["Cut the teaser"]["notes"] == "assigned in Taskwarrior to: @jane"
    for fmt, path in (("asana", asana), ("linear", linear), ("taskwarrior", tw)):
        assert cli.ok("import", "--from", fmt, str(path)).startswith("nothing new"), fmt


def test_an_assignee_who_is_a_guest_here_is_kept_in_the_tasks_notes(cli: Cli, tmp_path: Path) -> None:
    """A task left unassigned because its assignee is a guest here kept no trace of who it was assigned to."""
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest")
    cli.ok("member", "add", "zoe", "--name", "Zoë Lind", "--tz", "UTC", "--access", "guest")
    rows = [{"Task ID": "1301", "Name": "Approve the visuals", "Assignee": "Gus Client", "Assignee Email": "gus@client.example"}]
    asana = write(tmp_path, "asana.csv", asana_csv(rows))
    board = trello_board(cards=0, actions=0)
    board["cards"][0]["idMembers"] = ["m-zoe"]
    trello = write(tmp_path, "board.json", trello_json(board))
    tw = tmp_path / "task.json"
    record = {"uuid": "3f1c8a52-54aa-4b9e-9d5e-2b0f3d0a8c12", "description": "Sign off", "status": "pending", "assignee": "gus"}
    tw.write_text(json.dumps([record]))
    for fmt, path in (("asana", asana), ("trello", trello), ("taskwarrior", tw)):
        cli.ok("import", "--from", fmt, str(path))
    found = tasks(cli)
    assert found["Approve the visuals"]["notes"] == "assigned in Asana to: Gus Client (gus@client.example)"
    card = found[board["cards"][0]["name"]]
    assert card["assignee"] is None and "\nassigned in Trello to: Zoë Lind (@zoe)\n" in card["notes"]
    assert found["Sign off"]["notes"] == "assigned in Taskwarrior to: @gus"
    for fmt, path in (("asana", asana), ("trello", trello), ("taskwarrior", tw)):
        assert cli.ok("import", "--from", fmt, str(path)).startswith("nothing new"), fmt


def test_a_project_is_kept_when_a_label_already_names_the_campaign(cli: Cli, tmp_path: Path) -> None:
    """An Asana task tagged Spring Launch in project Summer Drop (a Linear issue labelled so) lost the project."""
    asana = write(tmp_path, "asana.csv", asana_csv(asana_rows()))  # 1201: tagged Spring Launch, in Summer Drop
    cli.ok("import", "--from", "asana", str(asana))
    brief = tasks(cli)["Write the brief"]
    assert brief["notes"].endswith("\nalso in Asana project: Summer Drop")
    assert brief["campaign"] == json.loads(cli.ok("export"))["campaign"][0]["id"]
    rows = linear_rows()
    rows[0]["Labels"], rows[0]["Project"] = "Bug, Spring Launch", "Summer Drop"
    rows[1]["Labels"], rows[1]["Project"] = "Spring Launch", "spring launch"  # the same campaign: nothing to keep
    linear = write(tmp_path, "linear.csv", linear_csv(rows))
    cli.ok("import", "--from", "linear", str(linear))
    found = tasks(cli)
    assert "also in Linear project: Summer Drop" in found["=SUM is not a formula"]["notes"].splitlines()
    assert "project" not in found["@raj review"]["notes"]
    assert not any(c["name"] == "Summer Drop" for c in json.loads(cli.ok("export"))["campaign"])
    for fmt, path in (("asana", asana), ("linear", linear)):
        assert cli.ok("import", "--from", fmt, str(path)).startswith("nothing new"), fmt
    # A newer export follows the rules for notes: a local edit wins.
    cli.ok("set", brief["id"][:8], "notes=mine now")
    newer = asana_rows()
    newer[0]["Projects"] = "Autumn Drop"
    cli.ok("import", "--from", "asana", str(write(tmp_path, "newer.csv", asana_csv(newer))))
    assert tasks(cli)["Write the brief"]["notes"].startswith("mine now")


def test_a_trello_member_the_import_cannot_add_is_kept_in_the_cards_notes(cli: Cli, tmp_path: Path) -> None:
    """A card's member whom the import could neither match nor add was listed in the summary, and the task kept no trace."""
    board = trello_board(cards=0, actions=0)
    board["cards"][0]["idMembers"] = ["m-zoe"]
    path = write(tmp_path, "board.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path), as_member="raj")  # a member adds no one
    assert "left unassigned (not members here: only a manager's import adds them): zoe;" in out
    card = tasks(cli)[board["cards"][0]["name"]]
    assert card["assignee"] is None and "assigned in Trello to: Zoë Lind (@zoe)" in card["notes"].splitlines()
    assert cli.ok("import", "--from", "trello", str(path), as_member="raj").startswith("nothing new")
    # Once a manager's import adds them, the card is theirs, and the line has nothing left to keep.
    cli.ok("import", "--from", "trello", str(path), "--default-tz", "UTC")
    card = tasks(cli)[board["cards"][0]["name"]]
    assert card["assignee"] == members(cli)["zoe"] and "assigned in Trello" not in card["notes"]


def test_an_asana_tasks_other_projects_are_kept_in_its_notes(cli: Cli, tmp_path: Path) -> None:
    """The Projects column's first project became the campaign, and the others were dropped."""
    rows = asana_rows()[1:2]
    rows[0]["Projects"] = "Spring Launch, Summer Drop, Evergreen"
    path = write(tmp_path, "asana.csv", asana_csv(rows))
    cli.ok("import", "--from", "asana", str(path))
    studio = tasks(cli)["Book the studio"]
    assert studio["notes"] == "Completed At: 2026-02-01\nalso in Asana project: Summer Drop\nalso in Asana project: Evergreen"
    assert cli.ok("import", "--from", "asana", str(path)).startswith("nothing new")


def test_an_asana_custom_field_is_kept_in_the_notes(cli: Cli, tmp_path: Path) -> None:
    """Custom fields other than Priority (Effort, a dependency) were dropped without a word; Last Modified is Asana's, not typed."""
    header = [*ASANA_HEADER, "Effort", "Blocked By (Dependencies)"]
    rows = [
        {"Task ID": "1", "Name": "Brief", "Notes": "Short", "Effort": "5", "Blocked By (Dependencies)": "2", "Last Modified": "2026-03-01"},
        {"Task ID": "2", "Name": "Studio", "Effort": " "},
    ]
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv(rows, header))))
    found = tasks(cli)
    assert found["Brief"]["notes"] == "Short\nEffort: 5\nBlocked By (Dependencies): 2"
    assert found["Studio"]["notes"] == ""


def test_a_linear_estimate_cycle_and_milestone_are_kept_in_the_notes(cli: Cli, tmp_path: Path) -> None:
    """Estimate (typed points), Cycle Name, Project Milestone and Initiatives were dropped without a word."""
    header = [*LINEAR_HEADER, "Cycle Name", "Project Milestone", "Initiatives"]
    rows = [
        {"ID": "MKT-1", "Title": "Launch", "Description": "Short", "Estimate": "3", "Cycle Name": "Cycle 4", "Project Milestone": "Beta",
         "Initiatives": "Q1 push", "Team": "Marketing", "Updated": "2026-01-15T10:22:33.000Z"},
        {"ID": "MKT-2", "Title": "Other", "Team": "Marketing"},
    ]  # fmt: skip
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv(rows, header))))
    found = tasks(cli)
    assert found["Launch"]["notes"] == "Short\nEstimate: 3\nCycle Name: Cycle 4\nProject Milestone: Beta\nInitiatives: Q1 push"
    assert found["Other"]["notes"] == ""


def test_the_issues_a_linear_issue_is_linked_to_are_kept_in_the_notes(cli: Cli, tmp_path: Path) -> None:
    """Linear's 34-column export names the issues each one is blocked by, related to or a duplicate of: dropped without a
    word, where an Asana task's dependencies are kept; what Linear fills itself (UUID, Time in status) is not kept."""
    header = [*LINEAR_HEADER, "UUID", "Time in status (minutes)", "Related to", "Blocked by", "Duplicate of"]
    rows = [
        {"ID": "MKT-1", "Title": "Launch", "Blocked by": "MKT-2, MKT-3", "Related to": "MKT-4", "UUID": "9b2c0f4e-1111-4a1a-8c2e-000000000001",
         "Time in status (minutes)": "1440"},
        {"ID": "MKT-5", "Title": "Launch again", "Duplicate of": "MKT-1"},
    ]  # fmt: skip
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv(rows, header))))
    found = tasks(cli)
    assert found["Launch"]["notes"] == "Blocked by: MKT-2, MKT-3\nRelated to: MKT-4"
    assert found["Launch again"]["notes"] == "Duplicate of: MKT-1"


def test_asana_tasks_with_no_section_are_said_to_go_to_the_inbox(cli: Cli, tmp_path: Path) -> None:
    """An Asana subtask has no Section/Column: it went to the inbox unsaid (the --dry-run's mapping names no such row),
    where a Trello card with no list is said ("1 card with no list went to the inbox")."""
    rows = [
        *asana_rows(),
        {"Task ID": "1204", "Name": "Pick the music", "Parent task": "Write the brief"},
        {"Task ID": "1205", "Name": "Done sub", "Parent task": "Write the brief", "Completed At": "2026-02-01"},  # done, not inbox
    ]
    path = write(tmp_path, "a.csv", asana_csv(rows))
    said = "1 task with no Section/Column in the file went to the inbox"
    assert said in cli.ok("import", "--from", "asana", str(path), "--dry-run")
    assert said in cli.ok("import", "--from", "asana", str(path))
    assert tasks(cli)["Pick the music"]["status"] == "inbox"
    assert "went to the inbox" not in cli.ok("import", "--from", "asana", str(write(tmp_path, "b.csv", asana_csv(asana_rows()))))


def test_a_taskwarrior_scheduled_until_recur_and_udas_are_kept_in_the_notes(cli: Cli, tmp_path: Path) -> None:
    """scheduled, until, an instance's recur and every UDA (but assignee and tz, which are read) were dropped without a word;
    the fields Taskwarrior fills itself (id, urgency, modified, mask, imask, parent, rtype, end, start) are not kept."""
    tw = tmp_path / "task.json"
    record = {
        "id": 4, "uuid": "3f1c8a52-54aa-4b9e-9d5e-2b0f3d0a8c12", "description": "Weekly report", "status": "pending",
        "entry": "20261101T100000Z", "modified": "20261102T100000Z", "urgency": 4.2, "parent": "3f1c8a52-54aa-4b9e-9d5e-2b0f3d0a8c13",
        "imask": 2, "start": "20261102T100000Z", "scheduled": "20261210T090000Z", "until": "20270101T000000Z", "recur": "weekly",
        "estimate": "2h", "client": "Acme", "annotations": [{"entry": "20261102T100000Z", "description": "asked finance"}],
    }  # fmt: skip
    tw.write_text(json.dumps([record]))
    cli.ok("import", "--from", "taskwarrior", str(tw))
    # On UTC's clock: the task has no zone of its own (tz, an assignee), nor has the workspace one, and the importer's is not used.
    assert tasks(cli)["Weekly report"]["notes"] == (
        "2026-11-02 asked finance\nscheduled: Thu 2026-12-10 09:00 UTC\nuntil: Fri 2027-01-01 00:00 UTC\nrecur: weekly\nestimate: 2h\nclient: Acme"
    )


def test_an_asana_or_linear_task_with_no_creation_date_was_created_by_the_import(cli: Cli, tmp_path: Path) -> None:
    """An Asana row with no Created At (a Linear one with no Created) had no creation time: ``show`` printed
    "created  by @ana " with nothing after.  As a Taskwarrior task with no entry, it was created when it was imported."""
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv([{"Task ID": "1", "Name": "Undated"}]))))
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv([{"ID": "MKT-9", "Title": "Undated too"}]))))
    found = tasks(cli)
    assert found["Undated"]["created_at"] == found["Undated too"]["created_at"] == NOW_TEXT
    shown = cli.ok("show", found["Undated"]["id"])
    assert "      created  by @ana today 10:30 CET\n" in shown
    for name, text in (("asana", "a.csv"), ("linear", "l.csv")):
        assert cli.ok("import", "--from", name, str(tmp_path / text)).startswith("nothing new")


def test_asana_and_linear_completion_dates_are_kept_in_the_notes(cli: Cli, tmp_path: Path) -> None:
    """Asana's Completed At and Linear's Completed and Canceled only set the status: when it was closed was dropped."""
    cli.ok("import", "--from", "asana", str(write(tmp_path, "a.csv", asana_csv(asana_rows()))))
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l.csv", linear_csv())))
    rows = linear_rows()
    rows[2]["Canceled"] = "2026-03-02T12:00:00.000Z"
    cli.ok("import", "--from", "linear", str(write(tmp_path, "l2.csv", linear_csv(rows))))
    found = tasks(cli)
    assert found["Book the studio"]["status"] == "done" and found["Book the studio"]["notes"] == "Completed At: 2026-02-01"
    assert found["@raj review"]["notes"].startswith("Completed: 2026-02-01T08:00:00.000Z")
    assert found["Low one"]["status"] == "cancelled" and found["Low one"]["notes"] == "Canceled: 2026-03-02T12:00:00.000Z"
    assert found["Write the brief"]["notes"] == "First line\nSecond, with a comma\nalso in Asana project: Summer Drop"
    before = op_count(cli.workspace)
    assert cli.ok("import", "--from", "asana", str(tmp_path / "a.csv")).startswith("nothing new")
    assert cli.ok("import", "--from", "linear", str(tmp_path / "l2.csv")).startswith("nothing new")
    assert op_count(cli.workspace) == before


def _tw(uuid_end: str, **fields: Any) -> dict[str, Any]:
    return {"uuid": f"5a0c1e7e-0000-4000-8000-{uuid_end:0>12}", "entry": "20261001T080000Z", **fields}


def _tw_id(uuid_end: str) -> str:
    return f"5a0c1e7e000040008000{uuid_end:0>12}"


def _tw_series_export() -> list[dict[str, Any]]:
    """A weekly and a monthly template with their instances, a 4-hourly one crewdeck cannot say, and a fortnightly one with none."""
    weekly, monthly, hourly, fortnightly = (_tw(n) for n in ("a1", "b1", "c1", "d1"))
    weekly.update(
        description="Stand-up notes",
        status="recurring",
        recur="weekly",
        due="20261103T080000Z",
        tz="Europe/Berlin",
        until="20270301T000000Z",
        mask="++-+",
        project="ops",
    )
    monthly.update(description="Pay rent", status="recurring", recur="monthly", due="20261001T070000Z", tz="Europe/Berlin", mask="--")
    hourly.update(description="Check the queue", status="recurring", recur="4h", due="20261126T080000Z", tz="UTC", mask="-")
    fortnightly.update(description="Team retro", status="recurring", recur="2w", due="20261105T170000Z", tz="America/New_York")
    p = weekly["uuid"]
    return [
        # Instances come before their templates, as in many exports.
        _tw("a2", description="Stand-up notes", status="completed", parent=p, imask=0, recur="weekly", due="20261103T080000Z",
            tz="Europe/Berlin", until="20270301T000000Z", project="ops", end="20261103T090000Z"),
        _tw("a3", description="Stand-up notes", status="completed", parent=p, imask=1, recur="weekly", due="20261110T080000Z",
            tz="Europe/Berlin", until="20270301T000000Z", project="ops", end="20261110T090000Z"),
        _tw("a5", description="Stand-up notes", status="pending", parent=p, imask=3, recur="weekly", due="20261124T080000Z",
            tz="Europe/Berlin", until="20270301T000000Z", project="ops"),
        _tw("a4", description="Stand-up notes", status="pending", parent=p, imask=2, recur="weekly", due="20261117T080000Z",
            tz="Europe/Berlin", until="20270301T000000Z", project="ops"),
        weekly,
        monthly,
        _tw("b2", description="Pay rent", status="deleted", parent=monthly["uuid"], imask=0, recur="monthly", due="20261001T070000Z",
            tz="Europe/Berlin"),
        _tw("b3", description="Pay rent", status="pending", parent=monthly["uuid"], imask=1, recur="monthly", due="20261101T080000Z",
            tz="Europe/Berlin", until="20270301T000000Z", annotations=[{"entry": "20261102T100000Z", "description": "new IBAN"}]),
        hourly,
        _tw("c2", description="Check the queue", status="pending", parent=hourly["uuid"], imask=0, recur="4h", due="20261126T080000Z",
            tz="UTC"),
        fortnightly,
        _tw("e1", description="One-off", status="pending"),
    ]  # fmt: skip


def test_taskwarrior_templates_become_series_and_a_recur_crewdeck_cannot_say_stays_a_note(cli: Cli, tmp_path: Path) -> None:
    """A recurring template was skipped and its pending instances came in as one-off tasks: nothing repeated."""
    tw = write(tmp_path, "task.json", json.dumps(_tw_series_export()))
    empty = op_count(cli.workspace)
    planned = cli.ok("import", "--from", "taskwarrior", "--dry-run", str(tw))
    assert planned.startswith("dry run, nothing written: would import 8 tasks, 1 campaign (+ops)")
    assert "3 recurring templates as series: Stand-up notes; Pay rent; Team retro" in planned
    assert "1 recurrence kept as a note: Check the queue (recur: 4h)" in planned
    assert "left 1 later pending instance to their series" in planned
    assert op_count(cli.workspace) == empty
    out = cli.ok("import", "--from", "taskwarrior", str(tw))
    assert "recurrence kept as a note: Check the queue (recur: 4h)" in out
    assert "skipped" not in out
    exported = json.loads(cli.ok("export"))["task"]
    by_id = {t["id"]: t for t in exported}
    standup = by_id[_tw_id("a4")]  # the earliest pending instance is the series' open one
    assert standup["status"] == "todo" and standup["series"] == stable_id("taskwarrior-series", _tw_id("a1"))
    assert standup["recurrence"]["rule"] == {"freq": "weekly", "days": ["tue"], "monthday": None, "time": "09:00", "tz": "Europe/Berlin"}
    assert standup["recurrence"]["on"] == "2026-11-17"
    assert "until: Mon 2027-03-01 01:00 CET" in standup["notes"] and "recur:" not in standup["notes"]
    assert _tw_id("a5") not in by_id  # a later pending instance: the series makes it
    assert by_id[_tw_id("a2")]["status"] == "done" and by_id[_tw_id("a2")]["series"] is None
    rent = by_id[_tw_id("b3")]
    assert rent["recurrence"]["rule"] == {"freq": "monthly", "days": [], "monthday": 1, "time": "09:00", "tz": "Europe/Berlin"}
    assert rent["notes"] == "2026-11-02 new IBAN\nuntil: Mon 2027-03-01 01:00 CET"
    assert by_id[_tw_id("b2")]["status"] == "cancelled"
    queue = by_id[_tw_id("c2")]
    assert queue["series"] is None and "recur: 4h" in queue["notes"]
    retro = [t for t in exported if t["title"] == "Team retro"]  # no pending instance: one at the next occurrence
    assert len(retro) == 1 and retro[0]["due"] == {"utc": "2026-12-03T17:00:00Z", "tz": "America/New_York"}
    assert retro[0]["recurrence"]["rule"]["interval"] == 2 and retro[0]["recurrence"]["rule"]["days"] == ["thu"]
    assert _tw_id("a1") not in by_id and _tw_id("d1") not in by_id
    # Done here, the stand-up's next instance is the next Tuesday ahead at 09:00 in Berlin.
    before = op_count(cli.workspace)
    again = cli.ok("import", "--from", "taskwarrior", str(tw))
    # Said by the import that made the series: each re-import said "left 1 later pending instance" and "1 recurrence kept
    # as a note" again.
    assert again.startswith("nothing new") and "later pending" not in again and "as series" not in again, again
    assert "kept as a note" not in again, again
    assert op_count(cli.workspace) == before
    cli.ok("done", standup["id"])
    nxt = [t for t in json.loads(cli.ok("export"))["task"] if t["series"] == standup["series"] and t["id"] != standup["id"]]
    assert [t["due"] for t in nxt] == [{"utc": "2026-12-01T08:00:00Z", "tz": "Europe/Berlin"}]
    assert "until: Mon 2027-03-01 01:00 CET" in nxt[0]["notes"]


def test_taskwarrior_s_newer_template_and_last_fields_are_a_series_link_not_udas(cli: Cli, tmp_path: Path) -> None:
    """Review rb 5: Taskwarrior's newer recurrence names an instance's template ``template`` (for ``parent``) and the
    template's last instance ``last`` (for ``mask``): the summary called both UDAs kept in the notes, and the instance
    came in as a one-off task with "template: 5a0c…" in its notes."""
    weekly = _tw("a1", description="Stand-up notes", status="recurring", recur="weekly", due="20261103T080000Z",
                 tz="Europe/Berlin", last="2", rtype="periodic")  # fmt: skip
    instances = [
        _tw(end, description="Stand-up notes", status="pending", template=weekly["uuid"], recur="weekly", due=due, tz="Europe/Berlin")
        for end, due in (("a2", "20261110T080000Z"), ("a3", "20261117T080000Z"))
    ]
    out = cli.ok("import", "--from", "taskwarrior", str(write(tmp_path, "task.json", json.dumps([*instances, weekly]))))
    assert "UDA" not in out and "1 recurring template as series: Stand-up notes" in out, out
    assert "left 1 later pending instance to their series" in out
    (standup,) = json.loads(cli.ok("export"))["task"]
    assert standup["id"] == _tw_id("a2") and standup["series"] == stable_id("taskwarrior-series", _tw_id("a1"))
    assert not standup["notes"]


@pytest.mark.parametrize("settled", [("rm",), ("done",)], ids=["one-off removed", "one-off done"])
def test_a_series_one_off_an_older_import_made_of_a_taskwarrior_3_instance_is_left_beside_its_series_and_said(
    cli: Cli, tmp_path: Path, settled: tuple[str, ...]
) -> None:
    """Taskwarrior 3 names an instance's template ``template`` (``parent`` before; its recurrence RFC,
    docs/rfcs/recurrence.md: "Rename parent to template ... The value remains the UUID of the template"). A crewdeck
    that read no ``template`` imported the instance as a one-off task and gave the series its own instance; importing
    the export again joined the one-off to the series beside that instance: two open instances of one week."""
    weekly = _tw("a1", description="Stand-up notes", status="recurring", recur="weekly", due="20261103T080000Z",
                 tz="Europe/Berlin", last="1", rtype="periodic")  # fmt: skip
    instance = _tw("a2", description="Stand-up notes", status="pending", template=weekly["uuid"], recur="weekly",
                   due="20261201T080000Z", tz="Europe/Berlin")  # fmt: skip
    # What the older import left: the instance as a one-off task, the template a series with its own instance.
    one_off = {k: v for k, v in instance.items() if k != "template"}
    cli.ok("import", "--from", "taskwarrior", str(write(tmp_path, "older.json", json.dumps([one_off, weekly]))))
    series = stable_id("taskwarrior-series", _tw_id("a1"))
    export = write(tmp_path, "task.json", json.dumps([instance, weekly]))
    said = (
        "1 task an earlier import made a one-off (it read no Taskwarrior 3 template field) left beside its series' own "
        "instance: Stand-up notes (crewdeck rm ID takes away the one not wanted)"
    )
    for _ in range(2):  # said while it is so: a later import leaves it as it is too
        out = cli.ok("import", "--from", "taskwarrior", str(export))
        assert said in out, out
        tasks = json.loads(cli.ok("export"))["task"]
        assert len([t for t in tasks if t.get("series") == series]) == 1  # one instance of the series, its own
        assert [t.get("series") for t in tasks if t["id"] == _tw_id("a2")] == [None]  # the one-off, as it was
    # Removed here, the one the team did not want, or done: nothing more is said (review ra: done, it was said on every
    # later import), and it stays as the team left it.
    cli.ok(*settled, _tw_id("a2")[:12])
    out = cli.ok("import", "--from", "taskwarrior", str(export))
    assert "one-off" not in out, out
    assert len([t for t in json.loads(cli.ok("export"))["task"] if t.get("series") == series]) == 1


def test_a_template_crewdeck_cannot_repeat_with_no_pending_instance_is_said_not_imported(cli: Cli, tmp_path: Path) -> None:
    """Review rd: "2 recurrences kept as a note: Queue check (recur: 4h); Poll (recur: 4h)" where Poll (no pending instance)
    came in as nothing, and each re-import said "1 recurrence kept as a note: Poll" after "nothing new"."""
    queue, poll = _tw("91"), _tw("92")
    queue.update(description="Queue check", status="recurring", recur="4h", due="20261126T080000Z", tz="UTC")
    poll.update(description="Poll", status="recurring", recur="4h", due="20261126T080000Z", tz="UTC")
    instance = _tw("93", description="Queue check", status="pending", parent=queue["uuid"], recur="4h", due="20261126T080000Z")
    tw = write(tmp_path, "t.json", json.dumps([queue, instance, poll]))
    out = cli.ok("import", "--from", "taskwarrior", str(tw))
    assert "1 recurrence kept as a note: Queue check (recur: 4h)" in out, out
    assert "Poll" not in out.split("kept as a note:")[1].split(";")[0], out
    assert "1 recurring template not imported (no pending instance, and no every: rule says its recur): Poll (recur: 4h)" in out
    assert [t["title"] for t in json.loads(cli.ok("export"))["task"]] == ["Queue check"]
    again = cli.ok("import", "--from", "taskwarrior", str(tw))
    assert again.startswith("nothing new") and "kept as a note" not in again, again
    assert "not imported" in again and "Poll (recur: 4h)" in again, again  # still true: it is still not here


@pytest.mark.parametrize(
    ("recur", "rule"),
    [
        ("daily", "every day 12:00 America/New_York"),
        ("weekdays", "every weekday 12:00 America/New_York"),
        ("biweekly", "every 2 weeks on thu 12:00 America/New_York"),
        ("3w", "every 3 weeks on thu 12:00 America/New_York"),
        ("quarterly", "every 3 months on the 5th 12:00 America/New_York"),
        ("yearly", "every 12 months on the 5th 12:00 America/New_York"),
        ("biannual", "every 24 months on the 5th 12:00 America/New_York"),  # task 2.6: every two years
        ("biyearly", "every 24 months on the 5th 12:00 America/New_York"),
        ("2mo", "every 2 months on the 5th 12:00 America/New_York"),
        ("3d", "every 3 days 12:00 America/New_York"),
        ("4h", None),
        ("100d", None),
    ],
)
def test_each_taskwarrior_recur_is_the_every_rule_that_says_it_or_a_note(cli: Cli, tmp_path: Path, recur: str, rule: str | None) -> None:
    template = _tw("f1", description="Review", status="recurring", recur=recur, due="20261105T170000Z", tz="America/New_York")
    instance = _tw("f2", description="Review", status="pending", parent=template["uuid"], recur=recur, due="20261105T170000Z")
    out = cli.ok("import", "--from", "taskwarrior", str(write(tmp_path, "t.json", json.dumps([template, instance]))))
    task = json.loads(cli.ok("export"))["task"][0]
    if rule is None:
        assert f"1 recurrence kept as a note: Review (recur: {recur})" in out and task["series"] is None
        assert f"recur: {recur}" in task["notes"]
    else:
        assert Rule.from_json(task["recurrence"]["rule"]).text() == rule


@pytest.mark.parametrize("fmt", ["trello", "asana", "linear", "taskwarrior"])
def test_every_import_shows_its_progress_on_a_terminal_and_nowhere_else(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """Only Trello's import showed how far it had read; an Asana or Linear import of a large file said nothing until its end."""
    text = {
        "trello": lambda: trello_json(trello_board(cards=2, actions=5)),
        "asana": lambda: asana_csv(asana_rows()),
        "linear": linear_csv,
        "taskwarrior": lambda: json.dumps([{"uuid": "11111111-2222-3333-4444-555555555555", "description": "Logs", "status": "pending"}]),
    }[fmt]()
    path = write(tmp_path, f"{fmt}.file", text)
    shown = on_a_terminal(cli, tmp_path, 80, "import", "--from", fmt, str(path), "--dry-run", with_stderr=True)
    meters = [line for line in shown if line.startswith("importing [")]
    assert meters and meters[-1].startswith(f"importing [{'#' * 30}] "), shown  # read to its end
    piped = cli("import", "--from", fmt, str(path), "--dry-run")
    assert piped.code == 0 and piped.err == ""


@pytest.mark.parametrize("fmt", ["trello", "asana", "linear"])
def test_an_item_with_no_name_is_a_task_whose_title_says_so_named_in_the_summary(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """Asana allows a task with no name: the whole import was refused ("Name: missing"), as a Trello card's or a Linear issue's."""
    if fmt == "trello":
        board = trello_board(cards=2, actions=0)
        board["cards"].append(trello_card(90, name="  "))
        path, title, where = write(tmp_path, "board.json", trello_json(board)), "(no name in Trello)", "card 8"
    elif fmt == "asana":
        rows = asana_rows()
        rows[2]["Name"] = ""
        path, title, where = write(tmp_path, "asana.csv", asana_csv(rows)), "(no name in Asana)", "row 5 (task 1203)"
    else:
        rows = linear_rows()
        rows[2]["Title"] = " "
        path, title, where = write(tmp_path, "linear.csv", linear_csv(rows)), "(no title in Linear)", "row 5 (MKT-3)"
    out = cli.ok("import", "--from", fmt, str(path))
    assert f"1 task with no {'title' if fmt == 'linear' else 'name'} in the file is titled “{title}”: {where}" in out
    assert title in tasks(cli)
    assert cli.ok("import", "--from", fmt, str(path)).startswith("nothing new")


@pytest.mark.parametrize("fmt", ["asana", "linear", "taskwarrior"])
def test_a_file_with_no_tasks_says_so(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A CSV of its header alone said "nothing new: 0 records already here", as if its tasks were here already, and
    its dry run "dry run, nothing written: nothing imported: the file holds no tasks"."""
    text = {"asana": lambda: asana_csv([]), "linear": lambda: linear_csv([]), "taskwarrior": lambda: "[]"}[fmt]()
    path = write(tmp_path, f"{fmt}.file", text)
    before = op_count(cli.workspace)
    assert cli.ok("import", "--from", fmt, str(path)).strip() == "nothing imported: the file holds no tasks"
    assert cli.ok("import", "--from", fmt, str(path), "--dry-run").splitlines()[-1] == (
        "dry run: the file holds no tasks; nothing would be imported"
    )
    assert op_count(cli.workspace) == before


EMPTY_TEXTS = {"empty": b"", "a byte order mark": b"\xef\xbb\xbf", "blank lines": b"\n \r\n\t\n"}
#: Every import of a file, and what it says such a file should have held.
IMPORTS = [
    (("import", "--from", "asana"), "a header: Task ID,Name,..."),
    (("import", "--from", "linear"), "a header: ID,Title,..."),
    (("import", "--from", "trello"), "a Trello board's JSON export"),
    (("import",), "a crewdeck export"),
    (("ledger", "import"), "a header: date,campaign,category,payee,amount,..."),
    (("rate", "import"), "a header: date,pair,rate or date,base,quote,rate"),
    (("kpi", "import", "--format", "csv"), "a header naming date and a post, campaign or platform column"),
    (("kpi", "import", "--format", "meta"), "Ads Manager's export, a header: Campaign name,Day,..."),
    (("kpi", "import", "--format", "linkedin"), "Campaign Manager's export, a header: Campaign Name,Start Date,..."),
]


@pytest.mark.parametrize("content", EMPTY_TEXTS.values(), ids=EMPTY_TEXTS.keys())
@pytest.mark.parametrize(("command", "expected"), IMPORTS, ids=[" ".join(c) for c, _ in IMPORTS])
def test_every_import_says_an_empty_file_is_empty(
    cli: Cli, tmp_path: Path, command: tuple[str, ...], expected: str, content: bytes
) -> None:
    """An empty Asana or Linear CSV was "header: no column 'Task ID', 'Name' (columns: none)", Trello's "expected '{' at
    character 0, found the end of the file", a results file "no header row", a crewdeck export "Expecting value: line 1
    column 1 (char 0)": the ledger's import said "the file is empty", and now every import does."""
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    before = op_count(cli.workspace)
    result = cli(*command, str(path))
    assert result.code == 2
    assert result.err == f"crewdeck: error: nothing imported: {path}: the file is empty (expected {expected})\n"
    assert op_count(cli.workspace) == before


def test_an_empty_file_restored_into_an_empty_workspace_is_said_to_be_empty(tmp_path: Path) -> None:
    """Into a workspace with no data an export is restored as it is read: an empty one was "not a crewdeck export:
    expected '{' at character 0, found the end of the file"."""
    target = Cli(tmp_path / "new.db")
    assert main(["init", str(target.workspace)]) == 0
    path = write(tmp_path, "backup.json", "\n\n")
    assert (
        target("import", str(path), as_member=None).err
        == f"crewdeck: error: nothing imported: {path}: the file is empty (expected a crewdeck export)\n"
    )


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_blank_lines_before_the_header_are_passed_over_as_the_other_imports_pass_them(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """A blank line before the header was read as the header: "header: no column 'Task ID', 'Name' (columns: none)",
    where ledger import and kpi import pass such lines over.  A bad row is still named by its line in the file."""
    text = asana_csv(asana_rows()) if fmt == "asana" else linear_csv()
    late = cli(*("import", "--from", fmt), str(write(tmp_path, "late.csv", "\r\n \r\n" + text)))
    assert late.code == 0, late.err
    again = cli.ok("import", "--from", fmt, str(write(tmp_path, "plain.csv", text)))
    assert "nothing new" in again, again
    header, first, *_ = text.split("\r\n")
    bad = write(tmp_path, "bad.csv", f"\n\n{header}\r\n{first},extra\r\n")
    assert cli("import", "--from", fmt, str(bad)).err.startswith(f"{bad}:4: ")


def test_an_export_of_another_tool_imported_without_from_names_its_from(cli: Cli, tmp_path: Path) -> None:
    """`crewdeck import asana.csv`, the --from forgotten, said "not JSON: Expecting value: line 1 column 1 (char 0)", and a
    Trello board "not a crewdeck export (no "format": "crewdeck-export")": each now says what the file is, and its --from."""
    files = {
        "asana.csv": (asana_csv(asana_rows()), "an Asana CSV export", "asana"),
        "excel.csv": ("sep=;\r\n" + asana_csv(asana_rows()).replace(",", ";"), "an Asana CSV export", "asana"),
        "linear.csv": (linear_csv(), "a Linear CSV export", "linear"),
        "board.json": (trello_json(trello_board(cards=1, actions=1)), "a Trello board's JSON export", "trello"),
        "tw.json": ('[{"uuid": "11111111-2222-3333-4444-555555555555", "description": "x"}]', "a JSON list, as Taskwarrior's task export writes", "taskwarrior"),
    }  # fmt: skip
    before = op_count(cli.workspace)
    empty = Cli(tmp_path / "empty.db")
    assert main(["init", str(empty.workspace)]) == 0
    for name, (text, what, fmt) in files.items():
        path = write(tmp_path, name, text)
        said = f"crewdeck: error: nothing imported: {path}: {what}, not a crewdeck export: import it with --from {fmt}\n"
        assert cli("import", str(path)).err == said  # a workspace with data: a merge
        assert empty("import", str(path), as_member=None).err == said  # one with none: a restore
    assert op_count(cli.workspace) == before
    # A crewdeck export still goes in, and a file of none of these still says what it is not.
    export = write(tmp_path, "backup.json", cli.ok("export"))
    assert empty.ok("import", str(export), as_member=None).startswith("imported ")
    assert cli("import", str(write(tmp_path, "x.csv", "a,b\n"))).err.startswith("crewdeck: error: nothing imported: ")
    assert "--from" not in cli("import", str(write(tmp_path, "x.csv", "a,b\n"))).err
    # A pipe (``<(cat backup.json)``) is read once, by the import: its start read to tell the format was gone (review rd).
    into = tmp_path / "piped.db"
    assert main(["init", str(into)]) == 0
    piped = subprocess.run(
        ["bash", "-c", f"{shlex.quote(sys.executable)} -m crewdeck.tui.cli.main -w {shlex.quote(str(into))} import <(cat {shlex.quote(str(export))})"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (piped.returncode, piped.stderr) == (0, "") and piped.stdout.startswith("imported "), piped


def test_an_export_of_another_tool_imported_with_the_wrong_from_names_its_from(cli: Cli, tmp_path: Path) -> None:
    """`crewdeck import --from taskwarrior board.json`, a Trello board given the --from of another tool, said "not a
    Taskwarrior export: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)" of a file of valid
    JSON, a Taskwarrior export given --from trello "expected '{' at character 0, found '['", a crewdeck export "no "id"
    and "cards"", an Asana CSV given --from linear "missing columns: ID and Title": each now says what the file is, what
    it is not, and its --from, as a file given without its --from says it, before a byte of it is imported."""
    export = write(tmp_path, "backup.json", cli.ok("export"))
    files = {
        "asana.csv": (asana_csv(asana_rows()), "an Asana CSV export", "--from asana"),
        "linear.csv": (linear_csv(), "a Linear CSV export", "--from linear"),
        "board.json": (trello_json(trello_board(cards=1, actions=1)), "a Trello board's JSON export", "--from trello"),
        "tw.json": ('[{"uuid": "11111111-2222-3333-4444-555555555555", "description": "x"}]', "a JSON list, as Taskwarrior's task export writes", "--from taskwarrior"),
        "backup.json": (export.read_text(encoding="utf-8"), "a crewdeck export", "no --from"),
    }  # fmt: skip
    expected = {
        "taskwarrior": "a Taskwarrior export",
        "trello": "a Trello board's JSON export",
        "asana": "an Asana CSV export",
        "linear": "a Linear CSV export",
    }
    before = op_count(cli.workspace)
    for name, (text, what, right) in files.items():
        path = write(tmp_path, name, text)
        for fmt, expected_what in expected.items():
            if right == f"--from {fmt}":
                continue
            said = f"crewdeck: error: nothing imported: {path}: {what}, not {expected_what}: import it with {right}\n"
            assert cli("import", "--from", fmt, str(path)).err == said, (name, fmt)
    assert op_count(cli.workspace) == before
    # Each still goes in with its own --from.
    assert cli.ok("import", "--from", "taskwarrior", str(tmp_path / "tw.json")).startswith("imported ")
    assert cli.ok("import", "--from", "trello", str(tmp_path / "board.json")).startswith("imported ")


def test_a_platform_label_its_campaign_does_not_run_on_is_said_as_crewdeck_add_says_it(cli: Cli, tmp_path: Path) -> None:
    """A card labelled Spring Launch and LinkedIn (a platform of another campaign here) came in as a LinkedIn post of
    Spring Launch, which runs on Instagram and TikTok, with "imported 1 task", where `crewdeck add` says so."""
    cli.ok("campaign", "add", "B2B", "--platforms", "linkedin")
    board = _post_board()
    labels = [{"id": "lb-li", "name": "LinkedIn", "color": "blue"}, {"id": "lb-spring", "name": "Spring Launch", "color": "green"}]
    board["cards"] = [trello_card(1, name="LI post", desc="Hello", idList="l-draft", labels=labels)]
    path = write(tmp_path, "calendar.json", trello_json(board))
    said = "+spring-launch runs on instagram, tiktok, not linkedin (crewdeck campaign set spring-launch --platforms adds it): LI post"
    assert said in cli.ok("import", "--from", "trello", str(path), "--dry-run")
    assert said in cli.ok("import", "--from", "trello", str(path))
    post = tasks(cli)["LI post"]
    assert post["platform"] == "linkedin" and post["post_state"] == "draft"
    # Its campaign given the platform: nothing more to say.
    cli.ok("campaign", "set", "spring-launch", "--platforms", "instagram,tiktok,linkedin")
    assert "runs on" not in cli.ok("import", "--from", "trello", str(path))


def test_a_cards_slot_is_in_its_campaigns_audience_zone_as_post_slot_writes_one(cli: Cli, tmp_path: Path) -> None:
    """A post's slot from a card was in its assignee's zone (@raj's Kolkata) where ``post slot`` and the app write one in
    the audience's: `post show` read "(set in Asia/Kolkata)", and the calendar's Z, off a post, went to Kolkata's days
    as the audience's (it finds the audience by the slots in view)."""
    board = _post_board()
    labels = [{"id": "lb-tiktok", "name": "TikTok", "color": "black"}, {"id": "lb-spring", "name": "Spring Launch", "color": "green"}]
    board["cards"] = [
        trello_card(1, name="Reel", desc="Hi", idList="l-draft", labels=labels, idMembers=["m-raj"], due="2027-01-15T03:00:00.000Z")
    ]
    path = write(tmp_path, "calendar.json", trello_json(board))
    cli.ok("import", "--from", "trello", str(path))
    reel = tasks(cli)["Reel"]
    assert reel["due"] == {"utc": "2027-01-15T03:00:00Z", "tz": "Asia/Kolkata"}  # the task's: its assignee's day
    assert reel["publish"] == {"utc": "2027-01-15T03:00:00Z", "tz": "America/New_York"}  # Spring Launch's audience
    assert "Thu 01-14 22:00 EST for the audience" in cli.ok("post", "show", reel["id"])
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")
    board["cards"][0]["due"] = "2027-01-16T03:00:00.000Z"  # moved in Trello: the new slot is in the audience's zone too
    cli.ok("import", "--from", "trello", str(write(tmp_path, "newer.json", trello_json(board))))
    assert tasks(cli)["Reel"]["publish"] == {"utc": "2027-01-16T03:00:00Z", "tz": "America/New_York"}


def test_the_cards_of_a_member_no_longer_on_the_board_are_named(cli: Cli, tmp_path: Path) -> None:
    """A card's member who left the board (known by id alone: no comment of theirs in the export) was left off it, the
    summary saying "1 member no longer on the board left off cards" and not which: nothing on the card said so either."""
    board = trello_board(cards=0, actions=0)
    board["cards"] = [
        trello_card(1, name="Brief", idMembers=["m-left", "m-raj"]),
        trello_card(2, name="Shoot", idMembers=["m-left", "m-other-left"]),
        trello_card(3, name="Edit", idMembers=["m-raj"]),
    ]
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "board.json", trello_json(board))))
    assert "2 members no longer on the board left off cards: Brief; Shoot" in out


def test_a_board_imported_into_a_workspace_with_nobody_in_it_goes_in_and_its_newer_export_keeps_what_it_wrote(tmp_path: Path) -> None:
    # ``init`` with no member: the import names no importer, so its run is not remembered (it was refused for its empty
    # member: "import_run.imported_by: '' is not a record id"); a newer export keeps and lists its fields, nothing lost.
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    board, board2 = board_and_newer_export(tmp_path)

    assert "imported 13 tasks;" in target.ok("import", "--from", "trello", str(board), as_member=None)

    out = target.ok("import", "--from", "trello", str(board2), as_member=None)
    assert f"1 record keeps what was changed in crewdeck since the last import: {board2}: card 1 (“{NEWER_TITLE}”): title, due" in out
    (task,) = [t for t in json.loads(target.ok("export"))["task"] if t["id"] == stable_id("trello-card", card_id(1))]
    assert task["title"] == "Launch post 🚀 für Zoë"


def test_a_published_cards_copy_edited_in_the_source_leaves_the_post_here_as_it_went_out(cli: Cli, tmp_path: Path) -> None:
    """A published post's content is what went out (rule ``published_content``): a newer export whose published card's
    text was edited since leaves the post's copy here as it is, and says so, and the rest of the file goes in, where the
    one card refused the whole import."""
    board = _post_board()
    path = write(tmp_path, "calendar.json", trello_json(board))
    cli.ok("import", "--from", "trello", str(path))
    before = tasks(cli)["Post in Published"]
    assert before["post_state"] == "published"
    assert "keeps what went out" not in cli.ok("import", "--from", "trello", str(path))  # the same file: nothing edited

    edited = next(card for card in board["cards"] if card["name"] == "Post in Published")
    edited["desc"] = "Edited in Trello after it went out"
    renamed = next(card for card in board["cards"] if card["name"] == "Post in In review")
    renamed["name"] = "Renamed in Trello"
    later = write(tmp_path, "later.json", trello_json(board))
    said = f"1 published post keeps what went out here, the file's changes to it left out: {later}: card 6 (“Post in Published”): copy"
    # Said where the import said only what else it did (or "nothing new"), and the copy left out without a word.
    assert said in cli.ok("import", "--from", "trello", "--dry-run", str(later))
    assert said in cli.ok("import", "--from", "trello", str(later))
    found = tasks(cli)
    assert found["Post in Published"]["copy"] == before["copy"]
    assert "Renamed in Trello" in found  # the rest of the file went in


def test_a_post_published_here_whose_card_was_edited_in_trello_keeps_what_went_out(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card still in Scheduled in Trello, its post approved and published here since, its text edited in Trello: the
    post's publish is a local edit (kept), and its copy was refused as published (published_content), the whole file
    with it, --dry-run too.  Now the post keeps what went out, the summary says so, and the rest goes in."""
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia")
    board = _post_board()
    cli.ok("import", "--from", "trello", str(write(tmp_path, "calendar.json", trello_json(board))))
    post_id = tasks(cli)["Post in Scheduled"]["id"]
    # mia approves in person: ana, whose import submitted it, acting as her would be the round's author reviewing it.
    cli.ok("member", "set", "ana", "--unix-user", "")
    monkeypatch.setattr(workspace, "os_user", lambda: "crewdeck-tests-nobody")
    cli.ok("post", "approve", post_id, as_member="mia")
    cli.ok("post", "publish", post_id, "--url", "https://tiktok.com/@us/video/1", as_member="ana")

    edited = next(card for card in board["cards"] if card["name"] == "Post in Scheduled")
    edited["desc"] = "Edited in Trello after it went out"
    renamed = next(card for card in board["cards"] if card["name"] == "Post in Draft")
    renamed["name"] = "Renamed in Trello"
    later = write(tmp_path, "later.json", trello_json(board))
    kept = f"1 published post keeps what went out here, the file's changes to it left out: {later}: card 5 (“Post in Scheduled”): copy"
    assert kept in cli.ok("import", "--from", "trello", str(later), "--dry-run")
    assert kept in cli.ok("import", "--from", "trello", str(later))
    found = tasks(cli)
    assert (found["Post in Scheduled"]["post_state"], found["Post in Scheduled"]["copy"]) == ("published", "Copy for Scheduled #launch")
    assert "Renamed in Trello" in found  # the rest of the file went in


def test_a_card_taken_out_of_published_with_its_text_edited_takes_its_post_out_and_then_its_new_copy(cli: Cli, tmp_path: Path) -> None:
    """The card's move out of Published is the post's publish taken back, written before its new copy (rule
    ``published_content`` reads the write in order): the post leaves published and takes the copy, all of one import."""
    board = _post_board()
    cli.ok("import", "--from", "trello", str(write(tmp_path, "calendar.json", trello_json(board))))
    assert tasks(cli)["Post in Published"]["post_state"] == "published"

    card = next(card for card in board["cards"] if card["name"] == "Post in Published")
    card["idList"] = "l-draft"
    card["desc"] = "Fixed in Trello after we pulled it back"
    out = cli.ok("import", "--from", "trello", str(write(tmp_path, "later.json", trello_json(board))))
    assert "keeps what went out" not in out
    post = tasks(cli)["Post in Published"]
    assert (post["post_state"], post["copy"]) == ("draft", "Fixed in Trello after we pulled it back")


def test_a_card_taken_out_of_published_takes_the_posts_publish_back_time_and_all(cli: Cli, tmp_path: Path) -> None:
    """A newer export whose card left Published took the post's state back and kept its time published: a draft here
    that said when it went out.  Now the time goes with the publish, and the summary says so, and how it comes back: the
    post went out before crewdeck, approved by nobody here, so not by ``crewdeck undo`` (its move back into published is
    refused) but by its chain's approval."""
    board = _post_board()
    cli.ok("import", "--from", "trello", str(write(tmp_path, "calendar.json", trello_json(board))))
    published = tasks(cli)["Post in Published"]
    assert (published["post_state"], published["published_at"]) == ("published", "2027-01-15T16:00:00Z")

    card = next(card for card in board["cards"] if card["name"] == "Post in Published")
    card["idList"] = "l-draft"
    later = write(tmp_path, "later.json", trello_json(board))
    said = (
        f"{later}: card 6 (“Post in Published”) (published at emptied): its publish {{}}, as the file's post is not published "
        "(a file older than the publish reads the same: never approved here, it goes out again once its chain approves it)"
    )
    assert said.format("would be taken back") in cli.ok("import", "--from", "trello", "--dry-run", str(later))
    assert said.format("taken back") in cli.ok("import", "--from", "trello", str(later))
    post = tasks(cli)["Post in Published"]
    assert (post["post_state"], post.get("published_at")) == ("draft", None)
    assert "(rule not_publishable)" in cli("undo").err


def test_a_published_cards_due_moved_in_trello_leaves_the_posts_slot_as_it_went_out(cli: Cli, tmp_path: Path) -> None:
    """The slot is part of what went out (``set ID publish=...`` refuses to move a published post): a published card's due
    date moved in Trello moved the post's slot here, its time published left as it was, and the summary named that time
    alone as left out, in the field's own name ("published_at")."""
    board = _post_board()
    cli.ok("import", "--from", "trello", str(write(tmp_path, "calendar.json", trello_json(board))))
    before = tasks(cli)["Post in Published"]

    card = next(card for card in board["cards"] if card["name"] == "Post in Published")
    card["due"] = "2027-01-20T16:00:00.000Z"
    later = write(tmp_path, "later.json", trello_json(board))
    said = f"1 published post keeps what went out here, the file's changes to it left out: {later}: card 6 (“Post in Published”): slot, published at"
    assert said in cli.ok("import", "--from", "trello", str(later), "--dry-run")
    assert said in cli.ok("import", "--from", "trello", str(later))
    after = tasks(cli)["Post in Published"]
    assert (after["publish"], after["published_at"]) == (before["publish"], before["published_at"])
