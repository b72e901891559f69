"""Moving over from Trello: a board's "Export as JSON" as crewdeck tasks.

| Trello                         | crewdeck                                              |
|--------------------------------|-------------------------------------------------------|
| card id                        | id ``stable_id("trello-card", id)``: re-imports update |
| name / desc                    | title / notes                                         |
| list                           | status by the list's name (``foreign.StatusMap``)     |
| a card labelled with a platform | a post: its list a post state, desc its copy, due its slot (``foreign_posts``) |
| a card with no list            | inbox                                                 |
| due / dueComplete              | due (an instant, in the assignee's zone) / done       |
| start                          | a "start:" line in the notes                          |
| closed (archived), or its list or board | cancelled (done: when its list or dueComplete says so; a post: pulled, unless published), with a note that it was archived |
| labels                         | campaign, platform or tags (an unnamed one: ``trello-COLOUR``) |
| members                        | assignee (the first; the others in the notes), by username, or else by full name (``imports``); a guest here, or one the import may not add: "assigned in Trello to: NAME (@username)" in the notes |
| checklists                     | "[x] item" lines in the notes, under the list's name, with an item's due and member: "[ ] Film it (due 2026-12-10 09:00 UTC, @raj)" |
| commentCard actions            | notes lines: "comment by @raj on 2026-03-02: text", last; kept when a newer export no longer holds them |
| createCard action              | the credit line ("imported: entered by @raj 2026-03-02") |
| attachments                    | "attachment: name url" lines in the notes             |
| customFieldItems               | "FIELD: value" lines in the notes (``customFields`` names each, and a list's options) |

The export names a member by id; a member who has left the board is
missing from its ``members`` and is known only from the actions they
made (as the author of a comment, for instance): never added, they keep
their cards only as a member here of their username (or full name), and
are otherwise named in their cards' notes and the summary.

An export holds only the board's latest actions (its comments among
them): a newer export of the board lacks the oldest comments, and a
re-import keeps those an earlier import brought (``foreign.with_comments``).

The file is read twice, as it goes (``jsonstream.object_items``): first
everything but the cards (Trello may write the lists after the cards),
then the cards one at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from crewdeck.tui.tasks.foreign import Item, OutOfRange, People, StatusMap, comment_line, instant
from crewdeck.tui.workspace.errors import record_named, summary
from crewdeck.tui.workspace.exchange import ImportProblems
from crewdeck.tui.workspace.jsonstream import Readable, object_items

_OBJECT_ID = re.compile(r"[0-9a-f]{24}\Z")
#: The card's keys a task's fields come from, for the problems ("desc: text may not hold ...").
FIELDS = {
    "title": "name", "notes": "desc", "copy": "desc", "status": "idList", "post_state": "idList", "due": "due", "publish": "due",
    "tags": "labels", "campaign": "labels", "platform": "labels", "assignee": "idMembers",
}  # fmt: skip
#: The member's keys a member's fields come from.
MEMBER_FIELDS = {"handle": "username", "name": "fullName"}
#: The one part of a board that is read as it goes, never whole.
CARDS = frozenset({"cards"})


@dataclass
class Board:
    """The parts of a board export the cards need, read before the cards."""

    name: str
    id: str
    lists: dict[str, tuple[str, bool]] = field(default_factory=dict)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    people: People = field(default_factory=People)
    #: A card's checklists in their order on it (``pos``): {"name", "pos", "items" in order}, made lines with the card
    #: (``_checklist``): an item names its member by id, and the board's members may follow its checklists.
    checklists: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    #: A card's comments: (when, the author's key in ``people``, their username, the text), made lines with the card:
    #: an author matched to a member here by full name is named by the handle here, as the credit names them.
    comments: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    authors: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    #: The board's custom fields by id: their name, and a list field's options (id -> text).
    custom: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    no_list: int = 0
    #: The board's members (by id): the others ``people`` knows made actions on it (a comment), and have left it.
    members: set[str] = field(default_factory=set)
    #: Those who left the board and are members here (by handle, ``stay_here``): their cards are still theirs.
    here: set[str] = field(default_factory=set)
    left: set[str] = field(default_factory=set)
    #: Those who left whom the board's actions still name, as "@handle": listed, and named in their cards' notes.
    left_named: dict[str, None] = field(default_factory=dict)
    #: The names of the cards a member no longer on the board was on, said with them: no other word of them is kept.
    left_on: list[str] = field(default_factory=list)
    #: The board is closed (archived) in Trello: its cards are, as an archived list's are.
    closed: bool = False
    #: How many cards, and the members they name (from the first reading).
    cards: int = 0
    named: set[str] = field(default_factory=set)

    def notes(self) -> list[str]:
        said = []
        if self.closed:
            said.append(
                "the board is archived in Trello: its cards are cancelled here (pulled, for a post) unless done or published,"
                " as archived cards are"
            )
        if self.no_list:
            said.append(f"{self.no_list:,} {'card' if self.no_list == 1 else 'cards'} with no list went to the inbox")
        if self.left:
            named = f" ({', '.join(self.left_named)})" if self.left_named else ""
            said.append(
                f"{len(self.left):,} {'member' if len(self.left) == 1 else 'members'} no longer on the board{named} left off cards:"
                f" {summary(self.left_on)}"
            )
        return said

    def stay_here(self, handles: set[str]) -> None:
        """Who left the board but is a member here of ``handles`` (as ``people`` names them after the matching by full
        name) keeps their cards: a re-import of a board imported before they left cleared their cards' assignee."""
        self.here = {key for key, (handle, _) in self.people.known.items() if key not in self.members and handle.lower() in handles}

    def on_board(self) -> People:
        """The people the board's members are, and those who left it who are members here: the only ones an import
        matches to its cards; adding (``--default-tz``) finds no one of the latter to add."""
        on = People()
        for key in self.members | self.here:
            if key in self.people.known:
                on.add(key, *self.people.known[key])
        return on


def board(stream: Readable, source: str, problems: list[str]) -> Board:
    """Everything but the cards (a first reading of the file): lists, labels, members, checklists, the actions cards need.

    A bad list, label, member, checklist or action goes into ``problems``, and the cards are read on (``cards``): one run
    names every bad record of the file.  A file that is no board is ``ImportProblems``.
    """
    found = Board(name="", id="")
    cards_seen = False
    parts = {
        "lists": _list, "labels": _label, "members": _member, "checklists": _checklist_of, "actions": _action, "customFields": _custom,
    }  # fmt: skip
    for key, value in object_items(stream, CARDS):
        if key == "id" and isinstance(value, str):
            found.id = value
        elif key == "name" and isinstance(value, str):
            found.name = value
        elif key == "closed" and value is True:
            found.closed = True
        elif key == "cards" and isinstance(value, Iterator):  # an array, read as it goes
            cards_seen = True
            for card in value:  # counted, and who they name; read again for themselves
                found.cards += 1
                if isinstance(card, dict) and isinstance(card.get("idMembers"), list):
                    found.named.update(m for m in card["idMembers"] if isinstance(m, str))
        elif key in parts:
            for index, entry in _objects(value, key, source, problems):
                # Named as a card is, by its number in the file and its name: "checklist 3 (“Shoot list”)".
                parts[key](found, entry, record_named(source, key.removesuffix("s"), index, entry.get("name")), problems)
    if not found.id or not cards_seen:
        raise ImportProblems([f'{source}: not a Trello board export (no "id" and "cards")'])
    for checklists in found.checklists.values():
        checklists.sort(key=_position)  # as the card shows them: the export lists them in an order of its own
    found.name = found.name or found.id
    return found


def _list(found: Board, entry: dict[str, Any], where: str, problems: list[str]) -> None:
    if isinstance(entry.get("id"), str) and isinstance(entry.get("name"), str):
        found.lists[entry["id"]] = (entry["name"], bool(entry.get("closed")))
    else:
        problems.append(f"{where}: name: missing")


def _label(found: Board, entry: dict[str, Any], where: str, problems: list[str]) -> None:
    if isinstance(entry.get("id"), str):
        found.labels[entry["id"]] = (str(entry.get("name") or ""), str(entry.get("color") or ""))


def _custom(found: Board, entry: dict[str, Any], where: str, problems: list[str]) -> None:
    if isinstance(entry.get("id"), str) and isinstance(entry.get("name"), str):
        options = {
            o["id"]: str(_object(o.get("value")).get("text", ""))
            for o in entry.get("options") or []
            if isinstance(o, dict) and isinstance(o.get("id"), str)
        }
        found.custom[entry["id"]] = (entry["name"], options)


def _custom_lines(card: dict[str, Any], found: Board, where: str) -> list[str]:
    """A "FIELD: value" line for each custom field the card fills (a Power-Up's: Channel, Budget, Shoot date, Signed off)."""
    lines = []
    for item in _typed(card, "customFieldItems", list, "a list", where) or []:
        if not isinstance(item, dict) or item.get("idCustomField") not in found.custom:
            continue
        name, options = found.custom[item["idCustomField"]]
        value = _object(item.get("value"))
        if isinstance(item.get("idValue"), str):  # a list field: one of its options
            said = options.get(item["idValue"], "")
        elif "date" in value:
            moment = _moment(value["date"], f"customFieldItems: {name}", where)
            said = f"{moment[:10]} {moment[11:16]} UTC"
        elif "checked" in value:
            said = "yes" if value["checked"] in ("true", True) else "no"
        else:
            said = str(value.get("text", value.get("number", "")))
        if said.strip():
            lines.append(f"{name}: {said.strip()}")
    return lines


def _member(found: Board, entry: dict[str, Any], where: str, problems: list[str]) -> None:
    _person(found.people, entry)
    if isinstance(entry.get("id"), str):
        found.members.add(entry["id"])


def _checklist_of(found: Board, entry: dict[str, Any], where: str, problems: list[str]) -> None:
    card = entry.get("idCard")
    items = entry.get("checkItems")
    if items is not None and not isinstance(items, list):
        problems.append(f"{where}: checkItems: expected a list, got {_shown(items)}")
    elif isinstance(card, str):
        found.checklists[card].append(_checklist_items(entry))


def _objects(entries: Any, key: str, source: str, problems: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    entries = entries or []
    if not isinstance(entries, list):
        problems.append(f"{source}: {key}: expected a list")
        return
    for index, entry in enumerate(entries, start=1):
        if isinstance(entry, dict):
            yield index, entry
        else:
            problems.append(f"{record_named(source, key.removesuffix('s'), index)}: not a JSON object")


def _person(people: People, entry: Any) -> None:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("username"), str):
        people.add(entry["id"], entry["username"], entry.get("fullName") if isinstance(entry.get("fullName"), str) else None)


def _checklist_items(entry: dict[str, Any]) -> dict[str, Any]:
    items = [i for i in entry.get("checkItems") or [] if isinstance(i, dict) and isinstance(i.get("name"), str)]
    items.sort(key=_position)
    return {"name": str(entry.get("name") or "Checklist"), "pos": entry.get("pos"), "items": items}


def _checklist(name: str, items: list[dict[str, Any]], people: People, where: str) -> list[str]:
    """A checklist as lines of the notes: its name, then "[x] item" for each, with its due date and member when it has them."""
    lines = [f"{name}:"]
    for i in items:
        said = []
        if i.get("due") is not None:
            moment = _moment(i["due"], "checklists: due", where)
            said.append(f"due {moment[:10]} {moment[11:16]} UTC")
        member_id = i.get("idMember")
        # One who left the board is known by id only: not said, nor is what is no id.
        member = people.known.get(member_id) if isinstance(member_id, str) else None
        if member is not None:
            said.append(f"@{member[0]}")
        lines.append(f"[{'x' if i.get('state') == 'complete' else ' '}] {i['name']}" + (f" ({', '.join(said)})" if said else ""))
    return lines


def _position(item: dict[str, Any]) -> int | float:
    # Compared as they are: an int larger than any float sorts without being made one.
    pos = item.get("pos")
    return pos if isinstance(pos, int | float) else 0


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _action(found: Board, entry: dict[str, Any], where: str, problems: list[str]) -> None:
    kind = entry.get("type")
    if kind not in ("commentCard", "createCard"):
        return
    data = _object(entry.get("data"))
    card = _object(data.get("card"))
    card_id = card.get("id")
    author = entry.get("memberCreator")
    if not isinstance(card_id, str) or not isinstance(author, dict) or not isinstance(author.get("username"), str):
        return
    _person(found.people, author)
    when = str(entry.get("date") or "")
    if kind == "commentCard" and isinstance(data.get("text"), str):
        key = author["id"] if isinstance(author.get("id"), str) else ""
        found.comments[card_id].append((when, key, author["username"], data["text"]))
    elif kind == "createCard":
        found.authors[card_id] = (author["username"], when[:10] or None)


def cards(stream: Readable, found: Board, source: str, problems: list[str], statuses: StatusMap) -> Iterator[Item]:
    """Each card as an ``Item`` (a second reading of the file); every bad card goes into ``problems``, the list it is
    in, bad or not, into ``statuses.named`` (a ``--map-status`` name a bad card's list has is no name the file lacks)."""
    for key, value in object_items(stream, CARDS):
        if key == "cards":
            yield from _cards(value, found, source, problems, statuses)


def _cards(values: Iterator[Any], found: Board, source: str, problems: list[str], statuses: StatusMap) -> Iterator[Item]:
    for index, card in enumerate(values, start=1):
        if not isinstance(card, dict):
            problems.append(f"{record_named(source, 'card', index)}: not a JSON object")
            continue
        list_id = card.get("idList")
        in_list = found.lists.get(list_id) if isinstance(list_id, str) else None
        if in_list is not None:
            statuses.saw(in_list[0])
        try:
            item = _card(card, found, source, index)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        yield item


def _card(card: dict[str, Any], found: Board, source: str, index: int) -> Item:
    card_id = card.get("id")
    name = card.get("name")
    title = name if isinstance(name, str) else ""
    where = record_named(source, "card", index, title)
    _typed(card, "name", str, "text", where)
    if not isinstance(card_id, str) or not card_id:
        raise ValueError(f"{where}: id: missing")
    item = Item(source_id=card_id, where=where, title=title, may_post=True, texts=[("name", title)])
    desc = _typed(card, "desc", str, "text", where)
    if desc and desc.strip():
        item.body = desc.rstrip()
        item.texts.append(("desc", desc))
    list_id = _typed(card, "idList", str, "a list id", where)
    in_list = found.lists.get(list_id) if list_id is not None else None
    if in_list is None:
        found.no_list += 1
    else:
        item.status_name = in_list[0]
        item.texts.append(("list", in_list[0]))
    if _typed(card, "closed", bool, "true or false", where):
        item.archived = True
        item.notes.append("archived in Trello")
    elif in_list is not None and in_list[1]:
        item.archived = True
        item.notes.append(f"its list {in_list[0]} was archived in Trello")
    elif found.closed:
        item.archived = True
        item.notes.append("its board was archived in Trello")
    if _typed(card, "dueComplete", bool, "true or false", where):
        item.status = "done"
    for key in ("due", "start"):
        value = card.get(key)
        if value is None:
            continue
        moment = _moment(value, key, where)
        if key == "due":
            item.due = moment
        else:
            item.notes.append(f"start: {moment[:10]}")
    custom = _custom_lines(card, found, where)
    item.notes.extend(custom)
    item.texts.extend(("customFieldItems", line) for line in custom)
    item.labels = _labels(card, found, where)
    item.texts.extend(("labels", label) for label in item.labels)
    gone = False
    for member_id in _ids(card, "idMembers", where):
        if member_id in found.people.known and (member_id in found.members or member_id in found.here):
            item.people.append(member_id)
            continue
        found.left.add(member_id)
        gone = True
        # One who left, known from the board's actions (a comment of theirs): named as text, never offered to be added.
        if member_id in found.people.known:
            handle, full = found.people.known[member_id]
            found.left_named.setdefault(f"@{handle}")
            item.notes.append(f"on it in Trello, no longer on the board: {f'{full} (@{handle})' if full else f'@{handle}'}")
            item.texts.extend(("members", text) for text in (handle, full) if text)
    if gone:
        found.left_on.append(title.strip() or f"card {index}")
    if item.people:
        handle, full = found.people.known[item.people[0]]
        item.assigned_as = f"{full} (@{handle})" if full else f"@{handle}"
    item.texts.extend(("members", text) for key in item.people for text in found.people.known[key] if text)
    checklists = [
        line for each in found.checklists.get(card_id, ()) for line in _checklist(each["name"], each["items"], found.people, where)
    ]
    item.notes.extend(checklists)
    item.texts.extend(("checklists", line) for line in checklists)
    for attachment in _typed(card, "attachments", list, "a list", where) or []:
        if isinstance(attachment, dict) and isinstance(attachment.get("url"), str):
            item.notes.append(f"attachment: {attachment.get('name') or 'link'} {attachment['url']}".replace("\n", " "))
            item.texts.append(("attachments", item.notes[-1]))
    comments = sorted(
        (when, comment_line(username, when[:10], text), found.people.known.get(key, (username, None))[0], text)
        for when, key, username, text in found.comments.get(card_id, ())
    )  # in the order earlier imports wrote them: by time, then by the line they wrote
    item.comments = [comment_line(handle, when[:10], text) for when, _, handle, text in comments]
    # As an import wrote them before the author matched a member here by full name: read as the same comments.
    item.comments_written_as = [line for (_, line, _, _), again in zip(comments, item.comments) if line != again]
    item.texts.extend(
        (comment_line(handle, when[:10], "").removesuffix(": "), line) for (when, _, handle, _), line in zip(comments, item.comments)
    )
    if _OBJECT_ID.match(card_id):  # a Mongo ObjectId: its first 4 bytes are the card's creation time
        item.created_at = dt.datetime.fromtimestamp(int(card_id[:8], 16), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    item.author = found.authors.get(card_id)
    if item.author:
        item.texts.append(("members", item.author[0]))
    return item


def _moment(value: Any, key: str, where: str) -> str:
    """``value`` (the card's ``key``) as a UTC instant; ``ValueError`` naming the card and the field otherwise."""
    try:
        return instant(value) if isinstance(value, str) else _bad(value)
    except OutOfRange as exc:
        raise ValueError(f"{where}: {key}: {exc}") from None
    except ValueError:
        raise ValueError(f"{where}: {key}: {value!r} is not a date and time (like 2026-03-02T17:00:00.000Z)") from None


def _bad(value: Any) -> str:
    raise ValueError(repr(value))


def _shown(value: Any) -> str:
    """A value of the wrong type as a message quotes it: its JSON-ish text, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _typed(card: dict[str, Any], key: str, kind: type, what: str, where: str) -> Any:
    """``card[key]`` when it is a ``kind`` (or missing: ``None``); ``ValueError`` naming the field otherwise."""
    value = card.get(key)
    if value is None or isinstance(value, kind):
        return value
    raise ValueError(f"{where}: {key}: expected {what}, got {_shown(value)}")


def _ids(card: dict[str, Any], key: str, where: str) -> list[str]:
    value = card.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: {key}: expected a list of ids, got {_shown(value)}")
    return value


def _labels(card: dict[str, Any], found: Board, where: str) -> list[str]:
    named: list[tuple[str, str]] = []
    given = _typed(card, "labels", list, "a list", where)
    ids = _ids(card, "idLabels", where)
    if given:
        named = [(str(x.get("name") or ""), str(x.get("color") or "")) for x in given if isinstance(x, dict)]
    else:
        named = [found.labels[i] for i in ids if i in found.labels]
    return [name if name.strip() else f"trello-{colour or 'label'}" for name, colour in named]
