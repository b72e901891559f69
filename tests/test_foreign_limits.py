"""Trello, Asana and Linear text longer than crewdeck's records hold (issue 18): cut where it must be, never lost, never refused.

A Trello card's name may be far longer than a task's title (pasted text); a label longer than a tag; an Asana or Linear
cell longer than Python's csv module reads by default.  The import goes through: what is cut is kept whole in the
task's notes, the summary says what was cut, and importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.state.records import MAX_TITLE
from crewdeck.tui.tasks.foreign import cut
from crewdeck.tui.workspace.merging import stable_id

from .conftest import Cli
from .importfixtures import asana_csv, card_id, comment, linear_csv, linear_rows, trello_board, trello_card, trello_json

#: A pasted paragraph as a card's name: words, well past a title's limit.
PASTED = " ".join(f"word{n}" for n in range(400))


def op_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM ops").fetchone()[0])


def exported(cli: Cli) -> dict[str, list[dict[str, Any]]]:
    return dict(json.loads(cli.ok("export")))


def task(cli: Cli, task_id: str) -> dict[str, Any]:
    return next(t for t in exported(cli)["task"] if t["id"] == task_id)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_cut_ends_at_a_word_near_the_limit_or_at_the_limit() -> None:
    assert cut("short", 500) == "short"
    assert cut("x" * 500, 500) == "x" * 500
    title = cut(PASTED, MAX_TITLE)
    assert len(title) <= MAX_TITLE and title.endswith("…") and len(title) > MAX_TITLE - 40
    assert PASTED.startswith(title[:-1] + " ")  # a whole word last
    assert cut("x" * 600, MAX_TITLE) == "x" * 499 + "…"  # no word boundary near: at the limit
    assert cut("a " + "x" * 600, MAX_TITLE) == "a " + "x" * 497 + "…"  # the only space is far back
    assert cut("ab cd", 4) == "ab…"


def _long_board() -> dict[str, Any]:
    """A board with every text Trello lets grow long: a card's name, a list's, a label's, a checklist item, a comment, an attachment."""
    board = trello_board(cards=0, actions=0)
    board["lists"][2]["name"] = "Later " + "l" * 3_000  # a list's name: a status, never stored
    long_label = {"id": "lb-long", "name": "Quarterly brand refresh " * 5, "color": "purple"}
    board["labels"].append(long_label)
    item = "check " * 3_000
    board["checklists"][0]["checkItems"].append({"id": "i3", "name": item, "state": "incomplete", "pos": 3})
    ana = board["members"][0]
    board["actions"].insert(0, comment(900, card_id(1), ana, "c" * 16_384, "2026-02-20T10:00:00.000Z"))
    url = "https://example.com/" + "u" * 5_000
    board["cards"] += [
        trello_card(20, name=PASTED, idList="l-later", desc="its description", idLabels=["lb-long"], labels=[long_label]),
        trello_card(21, name="x" * 600, attachments=[{"id": "at2", "name": "n" * 2_000, "url": url}]),
        trello_card(22, name="many labels", labels=[{"name": f"label {n}", "color": "green"} for n in range(250)]),
    ]
    return board


def test_a_trello_card_name_longer_than_a_title_is_cut_and_kept_whole_in_its_notes(cli: Cli, tmp_path: Path) -> None:
    board = _long_board()
    path = write(tmp_path, "board.json", trello_json(board))
    before = op_count(cli.workspace)
    dry = cli("import", "--from", "trello", str(path), "--dry-run")
    assert dry.code == 0, dry.err
    assert op_count(cli.workspace) == before
    said = "2 titles longer than a task holds (500 characters) cut, each whole at the start of its notes: word0 word1"
    assert said in dry.out and "; xxxxxxxx" in dry.out
    assert "1 label longer than a tag holds (64 characters) cut to one, whole in its task's notes: Quarterly brand refresh" in dry.out
    assert "1 task with more labels than a task holds tags (200) keeps the others in the notes: many labels" in dry.out

    out = cli.ok("import", "--from", "trello", str(path))
    assert out.startswith("imported 8 tasks") and said in out

    pasted = task(cli, stable_id("trello-card", card_id(20)))
    assert len(pasted["title"]) <= MAX_TITLE and pasted["title"].endswith("…")
    assert PASTED.startswith(pasted["title"][:-1] + " ")
    assert pasted["status"] == "todo"  # its list's name, 3,006 characters long, a guess as Later is
    tag = pasted["tags"][0]
    assert len(tag) <= 64 and "quarterly-brand-refresh-quarterly-brand-refresh".startswith(tag[:47]) and not tag.endswith("-")
    assert pasted["notes"].startswith(f"full title: {PASTED}\nlabel: {'Quarterly brand refresh ' * 4}Quarterly brand refresh\n")
    assert "its description" in pasted["notes"]

    unbroken = task(cli, stable_id("trello-card", card_id(21)))
    assert unbroken["title"] == "x" * 499 + "…"
    assert unbroken["notes"].startswith(f"full title: {'x' * 600}\n")
    assert f"attachment: {'n' * 2_000} https://example.com/{'u' * 5_000}" in unbroken["notes"]

    many = task(cli, stable_id("trello-card", card_id(22)))
    assert many["tags"] == [f"label-{n}" for n in range(200)]
    assert many["notes"].startswith("more labels: " + ", ".join(f"label {n}" for n in range(200, 250)))

    launch = task(cli, stable_id("trello-card", card_id(1)))
    assert f"[ ] {'check ' * 3_000}" in launch["notes"] and f": {'c' * 16_384}" in launch["notes"]

    count = op_count(cli.workspace)
    again = cli.ok("import", "--from", "trello", str(path))
    assert again.startswith("nothing new") and said in again
    assert op_count(cli.workspace) == count

    # A newer export: the description changed, the name did not: only the notes change, the cut title compares equal.
    cards = {c["id"]: c for c in board["cards"]}
    cards[card_id(20)]["desc"] = "a newer description"
    newer = cli.ok("import", "--from", "trello", str(write(tmp_path, "newer.json", trello_json(board))))
    assert newer.startswith("updated 1 task") and "keeps what was changed here" not in newer
    now = task(cli, stable_id("trello-card", card_id(20)))
    assert now["title"] == pasted["title"] and "a newer description" in now["notes"]


def test_a_long_name_with_long_notes_goes_on_in_tasks_titled_from_the_cut_title(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=0, actions=0)
    ana = board["members"][0]
    board["cards"] = [trello_card(1, name=PASTED)]
    board["actions"] = [comment(n, card_id(1), ana, f"long {n} " + "x" * 16_000, f"2026-02-{1 + n:02d}T10:00:00.000Z") for n in range(7)]
    path = write(tmp_path, "board.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path))
    # The title named briefly, as the line about cut titles names it: not its 500 characters again.
    assert "go on in more tasks, titled (notes 2/N), nothing cut: word0 word1 word2 word3 word4 word5…" in out
    assert "word6" not in out
    first = task(cli, stable_id("trello-card", card_id(1)))
    rest = task(cli, stable_id("trello-card", card_id(1), "notes", "2"))
    assert rest["title"].endswith("… (notes 2/2)") and len(rest["title"]) <= MAX_TITLE
    assert PASTED.startswith(rest["title"].removesuffix("… (notes 2/2)") + " ")
    assert first["notes"].startswith(f"full title: {PASTED}\n")
    assert cli.ok("import", "--from", "trello", str(path)).startswith("nothing new")


def test_a_member_whose_name_or_username_does_not_fit_here_leaves_the_import_whole(cli: Cli, tmp_path: Path) -> None:
    board = trello_board(cards=0, actions=0)
    board["members"][2]["fullName"] = "Zoë " + "Lind " * 60  # 304 characters: a member's name holds 200
    board["members"].append({"id": "m-long", "username": "u" * 40, "fullName": "Long Handle"})  # a handle holds 32
    board["cards"][4]["idMembers"] = ["m-long"]
    board["cards"][3]["idMembers"] = ["m-zoe"]
    path = write(tmp_path, "board.json", trello_json(board))
    out = cli.ok("import", "--from", "trello", str(path), "--default-tz", "Europe/Stockholm")
    assert f"left unassigned (not members here): {'u' * 40}" in out
    zoe = next(m for m in exported(cli)["member"] if m["handle"] == "zoe")
    assert len(zoe["name"]) <= 200 and zoe["name"].endswith("…") and zoe["name"].startswith("Zoë Lind Lind")
    assert task(cli, stable_id("trello-card", card_id(4)))["assignee"] == zoe["id"]
    assert task(cli, stable_id("trello-card", card_id(5)))["assignee"] is None
    assert cli.ok("import", "--from", "trello", str(path), "--default-tz", "Europe/Stockholm").startswith("nothing new")


def _csv_rows(fmt: str, name: str, notes: str, project: str) -> str:
    if fmt == "asana":
        return asana_csv([{"Task ID": "1201", "Name": name, "Notes": notes, "Projects": project, "Tags": "x" * 70}])
    row = linear_rows()[2]
    row.update({"Title": name, "Description": notes, "Project": project, "Labels": "x" * 70})
    return linear_csv([row])


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_a_csv_cell_longer_than_the_csv_module_reads_imports_and_what_is_long_is_kept(cli: Cli, tmp_path: Path, fmt: str) -> None:
    notes = "\n".join(f"line {n}: " + "y" * 990 for n in range(300))  # 300,000 characters and more: over the csv module's 131,072
    name = "Pasted " + "z" * 150_000  # a cell that long in a title's column too
    project = "Project " + "p" * 300  # a campaign's name holds 200
    path = write(tmp_path, "in.csv", _csv_rows(fmt, name, notes, project))
    out = cli.ok("import", "--from", fmt, str(path))
    assert "1 title longer than a task holds (500 characters) cut, each whole at the start of its notes: Pasted zzz" in out
    said = "1 project name longer than a campaign's name holds (200 characters) cut, whole on a “project: …” line of its tasks' notes"
    assert f"{said}: Project ppp" in out
    assert "1 label longer than a tag holds (64 characters) cut to one" in out
    found = {t["title"]: t for t in exported(cli)["task"]}
    first = found["Pasted " + "z" * 492 + "…"]
    assert first["tags"] == ["x" * 64]
    parts = sorted((t for t in found.values() if " (notes " in t["title"]), key=lambda t: int(t["title"].split("(notes ")[1].split("/")[0]))
    total = len(parts) + 1
    assert total > 2
    for number, part in enumerate(parts, start=2):
        said = f" (notes {number}/{total})"
        assert part["title"] == "Pasted " + "z" * (MAX_TITLE - len(said) - 8) + "…" + said
    whole = first["notes"].partition("\n(the notes go on in")[0] + "".join(p["notes"] for p in parts)
    assert whole == f"full title: {name}\nlabel: {'x' * 70}\nproject: {project}\n{notes}"
    campaign = next(c for c in exported(cli)["campaign"] if c["id"] == first["campaign"])
    assert campaign["name"] == project[:199] + "…"
    assert csv.field_size_limit() == 131_072  # the csv module's limit is its own again: other CSV imports read as before

    count = op_count(cli.workspace)
    assert cli.ok("import", "--from", fmt, str(path)).startswith("nothing new")
    assert op_count(cli.workspace) == count


@pytest.mark.parametrize("fmt", ["asana", "linear"])
def test_every_task_of_a_project_whose_name_is_cut_keeps_it_whole_in_its_notes(cli: Cli, tmp_path: Path, fmt: str) -> None:
    """The campaign's name was cut to 200 characters and the whole one was nowhere, as a Taskwarrior project's is (a
    "project: ..." line of each of its tasks' notes)."""
    project = "Launch " + "and the rest " * 20  # 267 characters
    if fmt == "asana":
        text = asana_csv(
            [{"Task ID": "1201", "Name": "Draft", "Projects": project}, {"Task ID": "1202", "Name": "Book", "Projects": project}]
        )
    else:
        rows = [{**linear_rows()[2], "ID": f"MKT-{n}", "Title": title, "Project": project} for n, title in ((7, "Draft"), (8, "Book"))]
        text = linear_csv(rows)
    path = write(tmp_path, "in.csv", text)
    out = cli.ok("import", "--from", fmt, str(path))
    found = {t["title"]: t for t in exported(cli)["task"]}
    kept = f"project: {project.strip()}"
    assert found["Draft"]["notes"].split("\n")[0] == found["Book"]["notes"].split("\n")[0] == kept
    [campaign] = [c for c in exported(cli)["campaign"] if c["id"] == found["Draft"]["campaign"] == found["Book"]["campaign"]]
    assert len(campaign["name"]) <= 200 and campaign["name"].endswith("…")
    said = "1 project name longer than a campaign's name holds (200 characters) cut, whole on a “project: …” line of its tasks' notes"
    assert f"{said}: Launch and the rest" in out
    assert cli.ok("import", "--from", fmt, str(path)).startswith("nothing new")


def test_a_csv_cell_longer_than_an_import_reads_is_one_line(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", "Task ID,Name,Notes\n7,One," + "x" * 10_000_001 + "\n")
    before = op_count(cli.workspace)
    huge = cli("import", "--from", "asana", str(path))
    assert huge.err == (
        f"{path}:2: a cell longer than 10,000,000 characters\ncrewdeck: error: nothing imported: 1 bad row in {path} (listed above)\n"
    )
    assert op_count(cli.workspace) == before
