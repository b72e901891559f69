"""The workspace as one JSON document, and back.

``export_state`` writes every live record of every entity, records sorted by
id and fields in their schema order, so two converged replicas export
byte-identical text.  ``import_state`` checks the whole document first and
writes it in one transaction: a bad record imports nothing.  ``restore``
does both a record at a time for a workspace with no data yet, reading
the file as it goes.
"""

from __future__ import annotations

import json
import re
from _json import make_encoder
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from json.encoder import JSONEncoder, encode_basestring
from operator import itemgetter
from typing import Any

from crewdeck.sync.state.oplog import APPEND, RECORD, Op, OpError, check_row_id, check_value, required_fields
from crewdeck.sync.state.records import ENTITIES, RESULT, WORKSPACE_ROW, Entity, ValidationError, day_out_of_range, result_key
from crewdeck.sync.state.schema import columns
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import json_visible
from crewdeck.sync.state.writes import PendingWrites
from crewdeck.tui.time.when import out_of_range
from crewdeck.tui.workspace import exportrows
from crewdeck.tui.workspace.errors import given_again, record_named, summary, undecodable
from crewdeck.tui.workspace.jsonstream import Readable, object_items
from crewdeck.tui.workspace.kept import Kept

FORMAT = "crewdeck-export"
VERSION = 1
#: Order of the sections in the document: what others refer to comes first.
SECTIONS = (
    "workspace",
    "member",
    "campaign",
    "task",
    "budget",
    "rate",
    "ledger_entry",
    "approval",
    "post_approval",
    "crisis",
    "crisis_end",
    "result",
)


def export_state(store: Store) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for name in SECTIONS:
        rows = []
        for row_id, values in store.records(name):
            values.pop("deleted", None)
            rows.append({"id": row_id, **values})
        if name == "workspace":
            doc[name] = rows[0] if rows else {}
            doc[name].pop("id", None)
        else:
            doc[name] = rows
    return doc


def dumps(doc: dict[str, Any]) -> str:
    # Text a terminal would act on is spelled as \\u escapes: the export is often read on one.
    return json_visible(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def write_export(store: Store, write: Callable[[str], object]) -> None:
    """``dumps(export_state(store))``, the same text, written a record at a time: memory stays flat however many tasks.

    ``json.dumps(indent=2)`` of a value nested ``n`` levels deep is its own
    ``dumps`` with every line after the first indented by ``2n`` more
    spaces (a JSON string never holds a raw line break), and
    ``json_visible`` escapes character by character: the pieces add up to
    the whole document's text.
    """
    conn = store.conn
    # Each table is read once, in order: a small page cache costs nothing, and bounds
    # the memory the sort of ``exportrows.batches`` takes before it spills to disk.
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {-1024 * _CACHE_MB}")
    try:
        # One read transaction: a write that lands while the export is written is in none of it, or all of it.
        with store.snapshot():
            _write_sections(store, write)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


def _write_sections(store: Store, write: Callable[[str], object]) -> None:
    write(f'{{\n  "format": {_json(FORMAT, "")},\n  "version": {_json(VERSION, "")}')
    for name in SECTIONS:
        write(f",\n  {_json(name, '')}: ")
        if name == "workspace":
            rows = [{"id": row_id, **values} for row_id, values in store.records(name)]
            record = rows[0] if rows else {}
            record.pop("id", None)
            record.pop("deleted", None)
            write(_json(record, "  "))
            continue
        spec = ENTITIES[name]
        text_of = _records_text(spec)
        spelled = _records_spelling(spec)
        opened = False
        for batch in exportrows.batches(store.conn, spec):
            if batch.texts is None:
                text = text_of(exportrows.python_rows(store.conn, spec, batch.first, batch.last))
            else:
                text = spelled(batch.texts, batch.rows)
            write("[\n    " if not opened else ",\n    ")
            write(json_visible(text))
            opened = True
        write("\n  ]" if opened else "[]")
    write("\n}\n")


def _json(value: Any, indent: str) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return json_visible(text.replace("\n", "\n" + indent) if indent else text)


# The export's records, spelled as ``_json({"id": row_id, **values}, "    ")`` spells them, from the stored
# rows themselves and a batch of records at a time: ``json.dumps`` with ``indent`` runs its pure-Python
# encoder, and decoding each row into a dict first cost as much again (4x the time in all, at 100,000 tasks).

#: The page cache while exporting, in MB.
_CACHE_MB = 8
#: The indent of a record's fields (records are items of a section's list).
_FIELD_INDENT = "      "
#: Distinct texts of JSON fields remembered (tags, empty lists): most records repeat a few.
_KNOWN_TEXTS = 4096
#: What ``Field.from_columns`` reads as no instant: the texts of the false scalars.
_FALSE_SCALARS = frozenset({"null", '""', "0", "0.0", "-0.0", "false"})
_SEPARATOR = "\0"
#: Scalars (text, numbers, null) spell the same in JSON at any depth, so a batch's columns are spelled
#: in one call of the C encoder (``json.dumps``'s own, made once), as arrays whose items are parted by
#: NUL: it never writes a raw control character itself (it spells them ``\u0000``), so splitting at
#: NUL gives back each column's text, and no scalar's text ends in ``]`` (nor starts with ``[``).
_ARRAYS = make_encoder(None, JSONEncoder().default, encode_basestring, None, ": ", _SEPARATOR, False, False, True)

RecordsText = Callable[[list[tuple[Any, ...]]], str]
#: A batch's records from the JSON texts of their columns (``exportrows.slot_columns``), row after row, and how many rows.
RecordsSpelling = Callable[[list[str], int], str]


def _records_text(spec: Entity) -> RecordsText:
    """How stored rows of ``spec`` (the id, then every column) read as export records, parted by ``,\n    ``.

    The C encoder spells the columns of ``exportrows.slot_columns`` of every
    row as one flat list of texts; ``_records_spelling`` does the rest.
    """
    stored = ["id", *(name for name, _ in columns(spec))]
    pick = itemgetter(*(stored.index(name) for name in exportrows.slot_columns(spec)))
    spelled = _records_spelling(spec)

    def text_of(rows: list[tuple[Any, ...]]) -> str:
        arrays = "".join(_ARRAYS(list(map(pick, rows)), 0))
        return spelled(arrays[2:-2].replace(f"]{_SEPARATOR}[", _SEPARATOR).split(_SEPARATOR), len(rows))

    return text_of


def _records_spelling(spec: Entity) -> RecordsSpelling:
    """How the JSON texts of a batch's columns read as export records, parted by ``,\n    ``.

    A slot per field of each record in turn (then a hidden slot per second
    column of an instant or a money field); the slots of fields other than
    plain text are rewritten a column at a time; the keys are put between
    them.
    """
    keys = ['"id"']
    seconds = 0
    known: list[tuple[int, Kept[str, str]]] = []
    pairs: list[tuple[int, int, Callable[[list[str], list[str]], list[str]]]] = []
    for f in spec.fields:
        if f.name != "deleted":
            slot = len(keys)
            keys.append(_json(f.name, ""))
            if f.kind in ("json", "bool"):
                known.append((slot, Kept(_json_text if f.kind == "json" else _bool_text, _KNOWN_TEXTS)))
            elif f.kind in _OBJECT_KEYS:
                pairs.append((slot, seconds, _pair_texts(f.kind)))
                seconds += 1
    width = len(keys) + seconds
    pairs = [(slot, len(keys) + extra, text) for slot, extra, text in pairs]
    # A batch's text is a list of the texts between values, with a place for each value after each: joined,
    # once the values are in, it costs a third of what a ``%`` template of the batch costs.
    firsts = [f"{{\n{_FIELD_INDENT}{keys[0]}: ", f"\n{_FIELD_INDENT[:-2]}}},\n    {{\n{_FIELD_INDENT}{keys[0]}: "]
    rest = [piece for key in keys[1:] for piece in (f",\n{_FIELD_INDENT}{key}: ", "")]
    ends = [f"\n{_FIELD_INDENT[:-2]}}}"]
    layouts: dict[int, list[str]] = {}

    def spelled(flat: list[str], rows: int) -> str:
        for slot, texts in known:
            flat[slot::width] = map(texts.__getitem__, flat[slot::width])
        for slot, second, pair in pairs:
            flat[slot::width] = pair(flat[slot::width], flat[second::width])
        for extra in reversed(range(len(keys), width)):
            del flat[extra :: extra + 1]
        layout = layouts.get(rows)
        if layout is None:
            layout = layouts[rows] = [piece for row in range(rows) for piece in (firsts[row > 0], "", *rest)] + ends
        pieces = layout.copy()
        pieces[1::2] = flat
        return "".join(pieces)

    return spelled


def _json_text(scalar: str) -> str:
    """The text of a JSON field whose stored column spells ``scalar``."""
    stored = json.loads(scalar)
    if stored is None:
        return "null"
    return json.dumps(json.loads(stored), ensure_ascii=False, indent=2).replace("\n", "\n" + _FIELD_INDENT)


def _bool_text(scalar: str) -> str:
    return "true" if json.loads(scalar) else "false"


def _pair_texts(kind: str) -> Callable[[list[str], list[str]], list[str]]:
    """The texts of a column of instant or money fields: an object of its two columns when set (see ``Field.from_columns``).

    A column at a time, with no call a field: 100,000 tasks hold 300,000 instants.
    """
    first, second = (f"\n{_FIELD_INDENT}  {_json(key, '')}: " for key in _OBJECT_KEYS[kind])
    tail = f"\n{_FIELD_INDENT}}}"
    unset = _FALSE_SCALARS if kind == "instant" else frozenset({"null"})
    # An instant without its zone is one an older crewdeck stored alone (a snooze): spelled alone, as it was set.
    alone = "null" if kind == "instant" else None
    return lambda ones, twos: [
        "null" if one in unset else one if two == alone else f"{{{first}{one},{second}{two}{tail}"
        for one, two in zip(ones, twos, strict=True)
    ]


_OBJECT_KEYS = {"instant": ("utc", "tz"), "money": ("amount", "currency")}


@dataclass
class ImportProblems(Exception):
    """Every bad record of an import, each as ``where: field: problem``; shown as one line."""

    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return summary(self.problems)


Plan = list[tuple[str, str, dict[str, Any]]]


def plan_import(doc: Any, source: str, names: dict[str, str] | None = None) -> Plan:
    """Check a document and list what to write; ``ImportProblems`` names every bad record.

    ``names``: filled with how messages name each record (record id -> "FILE: task 3 (“Cut the reel”, id ...)").
    """
    problems: list[str] = []
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ImportProblems([f'{source}: not a crewdeck export (no "format": "{FORMAT}")'])
    if doc.get("version") != VERSION:
        raise ImportProblems([f"{source}: export version {doc.get('version')!r}, this crewdeck reads {VERSION}"])
    unknown = set(doc) - {"format", "version", *SECTIONS}
    if unknown:
        problems.append(f"{source}: unknown sections {', '.join(sorted(unknown))}")
    plan: Plan = []
    seen = _Seen()
    workspace = doc.get("workspace") or {}
    if not isinstance(workspace, dict):
        problems.append(f"{source}: workspace must be an object")
    else:
        add_checked(plan, problems, "workspace", WORKSPACE_ROW, workspace, f"{source}: workspace")
    for name in SECTIONS[1:]:
        records = doc.get(name, [])
        if not isinstance(records, list):
            problems.append(f"{source}: {name} must be a list")
            continue
        for index, record in enumerate(records, start=1):
            if not isinstance(record, dict) or "id" not in record:
                problems.append(f"{record_named(source, name, index)}: a record must be an object with an id")
                continue
            values = {k: v for k, v in record.items() if k != "id"}
            named = _named(source, name, index, record)
            first = seen.again(name, record["id"], index)
            if first is not None:  # said as a restore says it, naming the first (the merge said "in the file more than once")
                problems.append(f"{named}: {given_again(source, 'id', record['id'], record_named(source, name, first))}")
                continue
            add_checked(plan, problems, name, record["id"], values, named)
            if names is not None and isinstance(record["id"], str):
                names[record["id"]] = named
    if problems:
        raise ImportProblems(problems)
    return plan


@dataclass(frozen=True)
class SourceFields:
    """How another tool's file names what a record takes from it, so that a problem names the field to fix there.

    A record's text may come from several of the source's fields (a task's notes: a description, comments, custom
    fields): a problem in it names the first of ``texts`` that holds what is refused, else the one ``names`` gives.
    """

    #: The record's field -> the source's ("title" -> "Name").
    names: Mapping[str, str]
    #: The source's texts by the names of their fields ("Notes", "comment by @raj on 2026-03-02"), in the file's order;
    #: read only when there is a problem.
    texts: Callable[[], Iterable[tuple[str, str]]] = tuple

    def of(self, field_name: str, holds: Callable[[str], bool] | None = None) -> str:
        """The source's name for what ``field_name`` took from it; with ``holds``: the field whose text holds the problem."""
        named = self.names.get(field_name)
        if holds is not None:
            holders = [source for source, text in self.texts() if holds(text)]
            if holders:
                return named if named in holders else holders[0]
        return named or field_name


def add_checked(
    plan: Plan,
    problems: list[str],
    name: str,
    row_id: Any,
    values: dict[str, Any],
    where: str,
    source: SourceFields | None = None,
) -> None:
    """Check one record with the entity's own checks (those every write goes through) and plan it, or add its problem.

    ``source``: the record is made from another tool's file; its problem names the file's field, and the rules'
    refusal of control characters (met when the merge is written, which names the record's field) is found here too.
    """
    spec = ENTITIES[name]
    try:
        check_row_id(name, row_id)
    except OpError as exc:
        problems.append(f"{where}: {exc}")
        return
    named = source or SourceFields({})
    try:
        checked = spec.check_record(values)
        if spec.append_only:
            missing = [f for f in required_fields(name) if f not in values]
            if missing:
                raise ValidationError(name, missing[0], "is required")
        if not all_printable(checked):  # nearly every record: nothing to look into
            for field_name, value in checked.items():
                if _nothing_to_judge(value, controls=source is not None):  # most values
                    continue
                if source is not None and refused_control(problems, name, field_name, value, where, source):
                    return
                if not every_text(value, _encodable):
                    shown = named.of(field_name, lambda text: not _encodable(text))
                    problems.append(f"{where}: {shown}: holds text that is not valid Unicode (a lone surrogate)")
                    return
        for field_name in spec.day_fields & checked.keys():
            outside = day_out_of_range(checked[field_name])
            if outside is not None:
                raise ValidationError(name, field_name, str(out_of_range(outside[:10])))
        if name == "result":
            _check_result_key(row_id, checked)
    except ValidationError as exc:
        problems.append(f"{where}: {named.of(exc.field)}: {exc.problem}")
        return
    if not spec.append_only:
        # Fields at their default are left unset, and so are those its id gives (a result's key, checked above against
        # the id): the record reads the same.
        given_by_id = spec.given_by_id(row_id)
        checked = {k: v for k, v in checked.items() if v is not None and v != spec.by_name[k].default and k not in given_by_id}
    plan.append((name, row_id, checked))


def _nothing_to_judge(value: Any, *, controls: bool) -> bool:
    """Whether a value holds no text to look into: all printable (no control character, no lone surrogate), or, when
    control characters are not judged, ASCII text (no surrogate)."""
    if type(value) is str:
        return value.isprintable() or (not controls and value.isascii())
    return controls and every_text(value, str.isprintable)


def refused_control(problems: list[str], name: str, field_name: str, value: Any, where: str, source: SourceFields) -> bool:
    """Whether the rules refuse a control character in the value (added to ``problems``, naming the source's field)."""
    if every_text(value, str.isprintable):  # nearly every value: nothing to look into
        return False
    from crewdeck.sync.state.rules import control_character  # here: an export never needs the rules

    control = control_character(name, field_name, json.dumps(value))
    if control is None:
        return False
    character = chr(int(control.removeprefix("U+"), 16))
    problems.append(f"{where}: {source.of(field_name, lambda text: character in text)}: text may not hold control characters ({control})")
    return True


def _check_result_key(row_id: str, values: dict[str, Any]) -> None:
    """A result's id says what it counts (``result:post:<task>:<day>``): its key fields, where the file gives them, must
    say the same, and the id a key a result can hold (a restore is not judged)."""
    key = result_key(row_id)
    if key is None:
        raise ValidationError("result", "id", f"{row_id!r} is not a result id (result:post|campaign|followers:...:DAY)")
    for name, value in key.items():
        if value is not None:
            RESULT.check(name, value)
            outside = day_out_of_range(value) if name == "day" else None
            if outside is not None:
                raise ValidationError("result", name, str(out_of_range(outside)))
        if values.get(name, value) != value:
            raise ValidationError("result", name, f"{values.get(name)!r} is not what the id names ({value!r})")


def all_printable(values: Mapping[str, Any]) -> bool:
    """Every text in a record's values is printable: no control character, no lone surrogate (not printable either).

    One call a record, its text values tested where they are, rather than a call of ``every_text`` a field: an import
    checks 100,000 records, nearly all of them with nothing to look into.
    """
    for value in values.values():
        kind = type(value)
        if kind is str:
            if not value.isprintable():
                return False
        elif (kind is dict or kind is list) and not every_text(value, str.isprintable):
            return False
    return True


def every_text(value: Any, test: Callable[[str], bool]) -> bool:
    """Every string in ``value`` (a field's value: text, or lists and objects of them) passes ``test``."""
    if type(value) is str:  # most values: nothing to walk
        return test(value)
    stack = [value]
    while stack:  # without recursion: JSON nests deeper than Python's stack
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if not test(item):
                return False
        elif kind is dict:
            stack.extend(item)
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return True


def _encodable(text: str) -> bool:
    """Not a lone surrogate (JSON's ``"\\udcff"``) in it: it can be stored as UTF-8."""
    return text.isascii() or not undecodable(text)


#: Records restored at a time: well under ``store.BULK_ROWS`` operations.
RESTORE_BATCH = 1_000


def restore(store: Store, member: str, stream: Readable, source: str, on_progress: Callable[[], None] | None = None) -> int:
    """``plan_import`` of a document written into a workspace with no data yet, read and written a batch at a time; the records planned.

    The same checks, messages and records as the whole document's code,
    in one transaction (``Store.bulk``): a bad record, or a document that
    is not an export, writes nothing (``ImportProblems``, every problem
    named).  Unjudged, as one write into a workspace nobody is in yet is:
    the first batch's members must not make the rules judge the rest.
    ``NotJson``/``NotUtf8`` (``jsonstream``) for text that is not JSON.
    """
    head: dict[str, Any] = {}
    problems: list[str] = []
    unknown: list[str] = []
    batch: Plan = []
    planned = 0
    seen = _Seen()

    def flush() -> None:
        nonlocal planned
        pending = _pending(batch, member, problems)
        if not problems:
            store.commit_local(member, pending, judged=False)
        planned += len(batch)
        batch.clear()
        if on_progress:
            on_progress()

    with store.bulk():
        workspace_seen = False
        for key, value in object_items(stream, frozenset(SECTIONS[1:])):
            if key in ("format", "version"):
                head[key] = value
            elif key == "workspace":
                workspace_seen = True
                _plan_workspace(batch, problems, value or {}, source)
            elif key not in SECTIONS:
                unknown.append(key)
            elif not isinstance(value, Iterator):
                problems.append(f"{source}: {key} must be a list")
            else:
                for index, record in enumerate(value, start=1):
                    _plan_record(batch, problems, key, record, source, index, seen)
                    if len(batch) >= RESTORE_BATCH:
                        flush()
        if not workspace_seen:
            _plan_workspace(batch, problems, {}, source)
        flush()
        if head.get("format") != FORMAT:
            raise ImportProblems([f'{source}: not a crewdeck export (no "format": "{FORMAT}")'])
        if head.get("version") != VERSION:
            raise ImportProblems([f"{source}: export version {head.get('version')!r}, this crewdeck reads {VERSION}"])
        if unknown:
            problems.insert(0, f"{source}: unknown sections {', '.join(sorted(set(unknown)))}")
        if problems:
            raise ImportProblems(problems)
    return planned


def _plan_workspace(plan: Plan, problems: list[str], workspace: Any, source: str) -> None:
    if not isinstance(workspace, dict):
        problems.append(f"{source}: workspace must be an object")
    else:
        before = len(plan)
        add_checked(plan, problems, "workspace", WORKSPACE_ROW, workspace, f"{source}: workspace")
        if len(plan) > before:
            _printable(plan, problems, f"{source}: workspace")


def _named(source: str, section: str, index: int, record: dict[str, Any]) -> str:
    """How a problem names a record of the export: ``FILE: task 3 (“Cut the reel”, id 1a2b3c4d5e6f)``, by its title,
    name or handle where it has one, as every import of JSON names its records (``errors.record_named``)."""
    name = next((record[key] for key in ("title", "name", "handle") if isinstance(record.get(key), str) and record[key].strip()), "")
    return record_named(source, section, index, name, f"id {str(record['id'])[:12]}")


def _plan_record(plan: Plan, problems: list[str], name: str, record: Any, source: str, index: int, seen: _Seen) -> None:
    """One record of a section, checked as ``plan_import`` checks it, and as the rules would (a restore is not judged)."""
    if not isinstance(record, dict) or "id" not in record:
        problems.append(f"{record_named(source, name, index)}: a record must be an object with an id")
        return
    values = {k: v for k, v in record.items() if k != "id"}
    where = _named(source, name, index, record)
    first = seen.again(name, record["id"], index)
    if first is not None:
        problems.append(f"{where}: {given_again(source, 'id', record['id'], record_named(source, name, first))}")
        return
    before = len(plan)
    add_checked(plan, problems, name, record["id"], values, where)
    if len(plan) > before:
        _printable(plan, problems, where)
    if name == "member" and len(plan) > before:
        seen.claim(plan, problems, where)


class _Seen:
    """The records a restore has read, to name one given twice (whose last copy would win, unsaid).

    A hex id is kept as one number per entity: a third of the memory of its text at 100,000 records.
    """

    def __init__(self) -> None:
        #: entity -> id -> the number of its first record among the entity's.
        self.ids: dict[str, dict[int | str, int]] = {}
        #: ``(field, value)`` -> the live member (where in the file) who has it: handles and Unix users are unique.
        self.claimed: dict[tuple[str, str], str] = {}

    def claim(self, plan: Plan, problems: list[str], where: str) -> None:
        """The member just planned, unplanned with its problem if a live member before it has its handle or Unix user."""
        values = plan[-1][2]
        if values.get("deleted"):
            return
        for field_name in ("handle", "unix_user"):
            value = values.get(field_name)
            if not isinstance(value, str):
                continue
            holder = self.claimed.setdefault((field_name, value), where)
            if holder != where:
                plan.pop()
                what = f"@{value}" if field_name == "handle" else f"Unix user {value!r}"
                problems.append(f"{where}: {field_name}: {what} already belongs to {holder.rpartition(': ')[2]} (rule unique_{field_name})")
                return

    def again(self, entity: str, row_id: Any, index: int) -> int | None:
        """The number among its entity's records of the record before ``index`` with this id, or ``None``: none had it."""
        if not isinstance(row_id, str):
            return None  # refused by its checks
        key: int | str = int(row_id, 16) if len(row_id) == 32 and _HEX.fullmatch(row_id) else row_id
        first = self.ids.setdefault(entity, {}).setdefault(key, index)
        return None if first == index else first


_HEX = re.compile("[0-9a-f]{32}")


def _printable(plan: Plan, problems: list[str], where: str) -> None:
    """The record just planned, unplanned with its problem if its text holds a control character the rules refuse."""
    name, _, values = plan[-1]
    if all_printable(values):  # nearly every record: nothing to look into
        return
    from crewdeck.sync.state.rules import control_character  # here: an export never needs the rules

    for field_name, value in values.items():
        if every_text(value, str.isprintable):  # nearly every value: nothing to look into
            continue
        control = control_character(name, field_name, json.dumps(value))
        if control is not None:
            plan.pop()
            problems.append(f"{where}: {field_name}: text may not hold control characters ({control})")
            return


def _pending(plan: Plan, member: str, problems: list[str]) -> PendingWrites:
    """The writes of ``plan`` (a record with no value but its defaults is planned, not written)."""
    pending = PendingWrites()
    for name, row_id, values in plan:
        if ENTITIES[name].append_only:
            try:  # as ``Writer.append`` completes an appended record
                pending.append(name, row_id, check_value(Op("", "", 0, member, APPEND, name, row_id, RECORD, ""), values))
            except OpError as exc:
                problems.append(f"{name} {row_id[:12]}: {str(exc).split(': ', 1)[-1]}")
        elif values:
            pending.set(name, row_id, values)
    return pending
