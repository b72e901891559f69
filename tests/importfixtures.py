"""Exports as Trello, Asana and Linear write them, made by the tests (with each format's quirks)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

BOARD = "5e1f0c0a1b2c3d4e5f601234"
LISTS = {"l-todo": "To Do", "l-doing": "Doing", "l-later": "Later", "l-done": "Done"}
MEMBERS = [
    {"id": "m-ana", "username": "ana", "fullName": "Ana Souza"},
    {"id": "m-raj", "username": "raj", "fullName": "Raj Mehta"},
    {"id": "m-zoe", "username": "zoe", "fullName": "Zoë Lind"},
]
LABELS = [
    {"id": "lb-urgent", "idBoard": BOARD, "name": "Urgent", "color": "red"},
    {"id": "lb-green", "idBoard": BOARD, "name": "", "color": "green"},
    {"id": "lb-spring", "idBoard": BOARD, "name": "Spring Launch", "color": "blue"},
    {"id": "lb-tiktok", "idBoard": BOARD, "name": "TikTok", "color": "black"},
]


def card_id(n: int) -> str:
    """A Mongo ObjectId as Trello makes them: 4 bytes of creation time first (2026-01-01 onwards)."""
    return f"{0x69560000 + n * 60:08x}{n:016x}"


def trello_card(n: int, **extra: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "id": card_id(n),
        "idShort": n,
        "name": f"Card {n}",
        "desc": "",
        "closed": False,
        "idList": "l-todo",
        "idBoard": BOARD,
        "idMembers": [],
        "idLabels": [],
        "labels": [],
        "idChecklists": [],
        "due": None,
        "start": None,
        "dueComplete": False,
        "pos": 16384 * n,
        "attachments": [],
        "badges": {"comments": 0},
        "shortUrl": f"https://trello.com/c/{n:08d}",
        "dateLastActivity": "2026-02-01T10:00:00.000Z",
    }
    card.update(extra)
    return card


def comment(n: int, card: str, who: dict[str, str], text: str, date: str) -> dict[str, Any]:
    return {
        "id": f"a{n:023x}",
        "idMemberCreator": who["id"],
        "type": "commentCard",
        "date": date,
        "data": {"text": text, "card": {"id": card, "name": "", "idShort": 0}, "board": {"id": BOARD}},
        "memberCreator": dict(who),
    }


def trello_board(cards: int = 0, actions: int = 1_200) -> dict[str, Any]:
    """A small board with every quirk, then ``cards`` plain cards; ``actions`` comments spread over the first cards.

    Every call makes its own labels and members (a card's labels its own too, as a parsed export's are): a test that
    changes one changes no other board.
    """
    labels = {label["id"]: dict(label) for label in LABELS}
    special = [
        trello_card(
            1,
            name="Launch post 🚀 für Zoë",
            desc='Line one\nLine two, "quoted"\n',
            idList="l-doing",
            idMembers=["m-raj", "m-ana"],
            idLabels=["lb-urgent", "lb-green", "lb-spring", "lb-tiktok"],
            labels=[dict(labels[key]) for key in ("lb-urgent", "lb-green", "lb-spring", "lb-tiktok")],
            due="2026-03-02T16:00:00.000Z",
            start="2026-02-27T09:00:00.000Z",
            attachments=[{"id": "at1", "name": "brief.pdf", "url": "https://trello.com/1/cards/x/attachments/brief.pdf"}],
            idChecklists=["cl1"],
        ),
        trello_card(2, name="Archived idea", closed=True, idList="l-later"),
        trello_card(3, name="Shipped", idList="l-done", dueComplete=True, due="2026-02-10T12:00:00.000Z"),
        trello_card(4, name="Card with no list", idList=None),
        trello_card(5, name="Left member's card", idMembers=["m-gone"], idList="l-later"),
    ]
    plain = [trello_card(10 + n, idList=list(LISTS)[n % 4]) for n in range(cards)]
    members = [dict(member) for member in MEMBERS]
    people = [*members, {"id": "m-gone", "username": "gone", "fullName": "Old Hand"}]
    comments = [
        comment(
            n,
            card_id(1 + n % 5),
            people[n % 4],
            f"comment {n}: « ça va »\nsecond line",
            f"2026-02-{1 + n % 28:02d}T10:{n % 60:02d}:00.000Z",
        )
        for n in range(actions)
    ]
    comments.append(
        {
            "id": "b1",
            "type": "createCard",
            "date": "2026-01-05T08:00:00.000Z",
            "data": {"card": {"id": card_id(1)}},
            "memberCreator": members[2],
        }
    )
    comments.append(
        {
            "id": "b2",
            "type": "updateCard",
            "date": "2026-01-06T08:00:00.000Z",
            "data": {"card": {"id": card_id(1)}},
            "memberCreator": members[2],
        }
    )
    return {
        "id": BOARD,
        "name": "Content calendar",
        "desc": "",
        "closed": False,
        "url": "https://trello.com/b/abcd/content-calendar",
        # Trello writes the cards before the lists; the importer must not care.
        "cards": [*special, *plain],
        "actions": list(reversed(comments)),  # newest first, as Trello does
        "labels": list(labels.values()),
        "lists": [{"id": k, "name": v, "closed": False, "idBoard": BOARD, "pos": i} for i, (k, v) in enumerate(LISTS.items())],
        "members": members,
        "checklists": [
            {
                "id": "cl1",
                "idCard": card_id(1),
                "name": "Before it goes out",
                "checkItems": [
                    {"id": "i2", "name": "Legal sign-off", "state": "incomplete", "pos": 2},
                    {"id": "i1", "name": "Alt text", "state": "complete", "pos": 1},
                ],
            }
        ],
    }


#: What the newer export of ``board_and_newer_export`` changed of card 1.
NEWER_TITLE = "Launch post v2"
NEWER_DUE = "2026-03-09T16:00:00Z"


def board_and_newer_export(folder: Path) -> tuple[Path, Path]:
    """A board of 8 cards (``board.json``), and a newer export of it (``board2.json``) where card 1 is renamed
    ``NEWER_TITLE`` and due a week later, ``NEWER_DUE``."""
    first = folder / "board.json"
    first.write_text(trello_json(trello_board(cards=8, actions=30)), encoding="utf-8")
    newer = trello_board(cards=8, actions=30)
    (card,) = [c for c in newer["cards"] if c["id"] == card_id(1)]
    card["name"] = NEWER_TITLE
    card["due"] = "2026-03-09T16:00:00.000Z"
    second = folder / "board2.json"
    second.write_text(trello_json(newer), encoding="utf-8")
    return first, second


def trello_json(board: dict[str, Any]) -> str:
    return json.dumps(board, ensure_ascii=False, indent=1)


ASANA_HEADER = (
    "Task ID", "Created At", "Completed At", "Last Modified", "Name", "Section/Column", "Assignee", "Assignee Email",
    "Start Date", "Due Date", "Tags", "Notes", "Projects", "Parent task", "Priority",
)  # fmt: skip


def asana_csv(rows: Sequence[Mapping[str, str]], header: Sequence[str] = ASANA_HEADER) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in header})
    return out.getvalue()


def asana_rows() -> list[dict[str, str]]:
    """Three tasks of an Asana export (a subtask, a completed one, notes over two lines), made anew on every call: a test
    that changes a row changes no other test's."""
    return [
        {
            "Task ID": "1201", "Created At": "2026-01-10", "Name": "Write the brief", "Section/Column": "Doing",
            "Assignee": "Raj Mehta", "Assignee Email": "raj.mehta@example.com", "Due Date": "2026-03-05",
            "Tags": "copy, Spring Launch", "Notes": "First line\nSecond, with a comma", "Projects": "Summer Drop", "Priority": "High",
        },
        {"Task ID": "1202", "Name": "Book the studio", "Section/Column": "Backlog", "Assignee Email": "ana@example.com", "Completed At": "2026-02-01"},
        {"Task ID": "1203", "Name": "Ask Zoë", "Section/Column": "Waiting on client", "Assignee": "Someone Else", "Parent task": "Write the brief"},
    ]  # fmt: skip


LINEAR_HEADER = (
    "ID", "Team", "Title", "Description", "Status", "Estimate", "Priority", "Project ID", "Project", "Creator", "Assignee",
    "Labels", "Created", "Updated", "Started", "Completed", "Canceled", "Due Date",
)  # fmt: skip


def linear_rows() -> list[dict[str, str]]:
    """Three issues of a Linear export (its quote before formulas, JavaScript's date text), made anew on every call."""
    return [
        {
            "ID": "MKT-1", "Team": "Marketing", "Title": "'=SUM is not a formula", "Description": "'- a list item\nmore",
            "Status": "In Progress", "Priority": "Urgent", "Project": "Spring Launch", "Creator": "Raj Mehta", "Assignee": "ana@example.com",
            "Labels": "Bug, TikTok, needs copy", "Created": "2026-01-15T10:22:33.000Z",
        },
        {"ID": "MKT-2", "Team": "Marketing", "Title": "'@raj review", "Status": "Done", "Priority": "No priority", "Completed": "2026-02-01T08:00:00.000Z", "Created": "Thu Jan 15 2026 10:22:33 GMT+0100 (Central European Standard Time)"},
        {"ID": "MKT-3", "Team": "Marketing", "Title": "Low one", "Status": "Canceled", "Priority": "Low", "Due Date": "2026-04-01"},
    ]  # fmt: skip


def linear_csv(rows: Sequence[Mapping[str, str]] | None = None, header: Sequence[str] = LINEAR_HEADER) -> str:
    """``rows`` (by default ``linear_rows()``) as Linear's CSV export writes them."""
    return asana_csv(linear_rows() if rows is None else rows, header)
