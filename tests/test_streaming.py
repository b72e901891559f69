"""Imports and exports stream (issue 18, item 2): the same text as the whole-document code, memory that stays flat."""

from __future__ import annotations

import fcntl
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crewdeck.sync.state.records import ENTITIES
from crewdeck.sync.state.schema import columns
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.store import _decode as Store_decode
from crewdeck.tui.cli.common import PIPE_BYTES
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace import exchange, exportrows
from crewdeck.tui.workspace.exchange import dumps, export_state
from crewdeck.tui.workspace.jsonstream import CHUNK, NotJson, NotUtf8, array_items
from crewdeck.tui.workspace.utf16 import NotUtf16, Utf8

from .conftest import Cli

#: The address space the 100,000-task import and export may map (see the test).
MEMORY_MB = 400
#: The address space ``tasks all`` over those 100,000 tasks may map.
TASKS_ALL_MB = 200


def test_the_streamed_export_is_byte_identical_to_the_whole_document(cli: Cli, tmp_path: Path) -> None:
    with Store(cli.workspace) as store:
        empty = dumps(export_state(store))
    assert cli.ok("export") == empty  # sections with no record: "[]"
    cli.ok("add", "Draft the carousel 🚀 für Zoë @raj +spring-launch due:2026-12-04 17:00 #copy")
    task_id = cli.ok("add", "Zoë's «brief» — 東京 ✓").split()[-1]
    cli.ok("set", task_id[:8], 'notes=two\nlines \\ with "quotes"', "tags+=ça")
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "120.50 EUR", "--payee", "Méta «boost»")
    with Store(cli.workspace) as store:
        whole = dumps(export_state(store))
    streamed = cli.ok("export")
    assert streamed == whole
    assert "🚀" in streamed and "東京" in streamed and '\\"quotes\\"' in streamed
    target = tmp_path / "out.json"
    cli.ok("export", "-o", str(target))
    assert target.read_bytes() == whole.encode("utf-8")


#: Text a terminal would act on, and text JSON escapes, as a value stored before such text was refused could hold it.
ODD = 'DEL\x7f C1\x9b bidi\u202e sep\u2028 ctl\x01\x1b tab\t "q" \\ 🚀 ü %s {0}'


def test_the_streamed_export_spells_odd_stored_values_as_the_whole_document_does(cli: Cli) -> None:
    cli.ok("add", "First")
    cli.ok("add", "Second due:2026-12-04 17:00 #copy")
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "120.50 EUR", "--payee", "Meta")
    conn = sqlite3.connect(cli.workspace)
    with conn:
        first, last = conn.execute("SELECT min(id), max(id) FROM task").fetchone()
        nested = json.dumps(["a", {"b": [1, 2.5, None, True, ODD], "c": {}}, []])
        conn.execute(
            "UPDATE task SET title = ?, notes = ?, estimate = 2.5, tags = ?, recurrence = 'null', due_utc = '2026-01-01T00:00:00Z',"
            " due_tz = NULL WHERE id = ?",
            (ODD, ODD + "\nline", nested, first),
        )
        conn.execute("UPDATE task SET due_utc = '', assignee = 7 WHERE id = ?", (last,))
        conn.execute("UPDATE ledger_entry SET needs_approval = 1, payee = ?", (ODD,))
    conn.close()
    with Store(cli.workspace) as store:
        whole = dumps(export_state(store))
    assert cli.ok("export") == whole
    assert all(s in whole for s in ("\\u007f", "\\u009b", "\\u202e", "\\u0001", '"needs_approval": true', '"estimate": 2.5', '"tz": null'))


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("UPDATE task SET id = NULL WHERE id = (SELECT min(id) FROM task)", "a record's id is null, not text"),
        ("UPDATE task SET notes = X'6869' WHERE id = (SELECT max(id) FROM task)", "JSON cannot hold BLOB values"),
    ],
)
def test_a_damaged_row_in_a_batch_holding_a_real_is_said_not_left_out(cli: Cli, damage: str, said: str) -> None:
    """A batch holding a real is read again by its first and last ids: a row without one left the rows between out of
    the export, said nowhere, and a BLOB beside a real ended in a traceback (reviewer rya)."""
    for n in range(8):
        cli.ok("add", f"Task {n}")
    conn = sqlite3.connect(cli.workspace)
    with conn:
        conn.execute("UPDATE task SET estimate = 0.5 WHERE id = (SELECT max(id) FROM task)")
        conn.execute(damage)
    conn.close()
    result = cli("export")
    assert (result.code, result.out) == (2, "")
    # SQLite's own words first, then a damaged cell the search found (the real beside them is one).
    (line,) = result.err.splitlines()
    assert line.startswith(f"crewdeck: error: the workspace file cannot be used: {said}; it also holds a damaged cell, table task, ")
    assert line.endswith("which crewdeck never writes; crewdeck doctor lists every such cell")


@pytest.mark.parametrize("name", sorted(ENTITIES))
def test_a_stored_row_is_spelled_as_its_decoded_record(name: str) -> None:
    """Every entity and kind of field, sections to come too: the text of rows made of odd column values."""
    spec = ENTITIES[name]
    scalars: list[Any] = [ODD, None, "", 0, -3, 2.5, "2026-01-01T00:00:00Z", "Europe/Berlin", 1]
    texts: list[Any] = [None, json.dumps(["x", {"y": [1, None, ODD], "z": {}}]), "null", "[]", "{}", '"s"', "3"]
    kinds = [texts if f.kind == "json" else scalars for f in spec.fields for _ in f.columns]
    rows = [(f"id{n}", *(values[(n + i) % len(values)] for i, values in enumerate(kinds))) for n in range(3 * len(scalars))]
    decodable = [(row, Store_decode(spec, row[1:])) for row in rows]
    records = [exchange._json({"id": row[0], **{k: v for k, v in d.items() if k != "deleted"}}, "    ") for row, d in decodable]
    assert exchange.json_visible(exchange._records_text(spec)([row for row, _ in decodable])) == ",\n    ".join(records)


def test_an_export_to_a_pipe_asks_for_a_wide_pipe(cli: Cli) -> None:
    """Linux gives a pipe 64 KiB: a long export crossed it in many turns of writer and reader (~10% of its time)."""
    cli.ok("add", "Draft the carousel")
    program = "import sys; from crewdeck.tui.cli.main import main; sys.exit(main(sys.argv[1:]))"
    export = subprocess.Popen([sys.executable, "-c", program, "-w", str(cli.workspace), "export"], stdout=subprocess.PIPE)
    assert export.stdout is not None
    with export.stdout:
        text = export.stdout.read()
        assert export.wait(timeout=120) == 0
        assert fcntl.fcntl(export.stdout.fileno(), fcntl.F_GETPIPE_SZ) == PIPE_BYTES
    assert json.loads(text)["task"][0]["title"] == "Draft the carousel"


def test_an_export_into_a_fifo_is_written_into_it_and_a_directory_is_named(cli: Cli, tmp_path: Path) -> None:
    """``-o`` naming a pipe or a device (a FIFO, /dev/stdout) writes into it: replacing it with a file lost the output (and, as root, /dev/full)."""
    cli.ok("add", "Draft the carousel")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        assert cli("export", "-o", str(fifo)).code == 0
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        text, _ = reader.communicate(timeout=120)
    finally:
        reader.kill()
    assert json.loads(text)["task"][0]["title"] == "Draft the carousel"
    assert cli("export", "-o", str(tmp_path)).err == f"crewdeck: error: {tmp_path}: is a directory\n"
    assert cli("export", "--ics", "-o", str(tmp_path)).err == f"crewdeck: error: {tmp_path}: is a directory\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


#: JSON texts a JSON column may hold: what SQLite spells as it reads them (flat lists of plain strings) and what it leaves to Python.
STORED_JSON: list[Any] = [
    None,
    "[]",
    "{}",
    "null",
    '["podcast"]',
    '["a","b c","ça","",""]',
    '["a\\"b","c"]',
    '["a","b",["c"]]',
    '["a",1,"b"]',
    '["x]","[y"]',
    '["a", "b"]',
    json.dumps(["x", {"y": [1, None, ODD], "z": {}}]),
    '"s"',
    "3",
]


def test_every_stored_value_reads_from_sqlite_as_the_whole_document_spells_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of every entity written straight into a real workspace file, odd values and all, batches of 5 rows.

    What SQLite spells (text, NULL, integers, flat lists) and what it leaves
    to Python (a real, in a batch of its own kinds) must read as the
    records the whole-document code decodes.
    """
    monkeypatch.setattr(exportrows, "BATCH", 5)
    workspace = tmp_path / "odd.db"
    assert main(["init", str(workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    scalars: list[Any] = [ODD, None, "", 0, -3, "2026-01-01T00:00:00Z", "Europe/Berlin", 1, '{"real":0}', 'a,"",b', "🚀 ü", "nul\0"]
    conn = sqlite3.connect(workspace)
    with conn:
        for name, spec in ENTITIES.items():
            if name == "workspace":
                continue
            names = [column for column, _ in columns(spec)]
            required = {column for column, sql in columns(spec) if "NOT NULL" in sql}
            conn.execute(f"DELETE FROM [{name}]")
            for n in range(4 * len(STORED_JSON)):
                values = {}
                for i, f in enumerate(spec.fields):
                    for column in f.columns:
                        pool = STORED_JSON if f.kind == "json" else scalars
                        values[column] = pool[(n + i) % len(pool)]
                values.update((column, 0) for column in required if values[column] is None)
                if "deleted" in values:
                    values["deleted"] = int(n % 9 == 4)
                # Rows 10 and 11 hold a real, which only Python spells as Python does: one opens a batch, one closes
                # one (where a row is deleted) or is in it.
                if n in (10, 11):
                    for f in spec.fields:
                        if f.kind in ("plain", "money") and f.sql[0].startswith("INTEGER"):
                            values[f.columns[0]] = 0.30000000000000004
                placeholders = ", ".join("?" * (len(names) + 1))
                conn.execute(
                    f"INSERT INTO [{name}] (id, {', '.join(f'[{c}]' for c in names)}) VALUES ({placeholders})",
                    (f"{name}{n:03d}", *(values[c] for c in names)),
                )
    conn.close()
    with Store(workspace) as store:
        whole = dumps(export_state(store))
        streamed = io.StringIO()
        exchange.write_export(store, streamed.write)
    assert streamed.getvalue() == whole
    assert "0.30000000000000004" in whole and '"a\\"b"' in whole and '"x]",' in whole


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 16])
def test_an_array_read_a_value_at_a_time_is_what_the_whole_document_gives(chunk: int) -> None:
    values = [{"a": 1, "b": [1.5, -2e3, None, True]}, "ü€🚀 \\u escapes", 12345678901234567890, [], {}, "lone \udcff", 0.1]
    text = json.dumps(values, indent=2).replace("\n", "\r\n\t")
    assert list(array_items(io.BytesIO(text.encode()), chunk)) == json.loads(text)
    assert list(array_items(io.BytesIO(b"  [ ]  "), chunk)) == []


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'{"a": 1}', "expected '[' at character 0, found '{'"),
        (b"[1, 2", "expected ',' or ']' at character 5, found the end of the file"),
        (b"[1 2]", "expected ',' or ']' at character 3, found '2'"),
        (b"[1, NaN]", "NaN"),
        (b"[1e999]", "1e999"),
        (b"[1] [2]", "extra text after the array at character 4"),
        (b"[1, {]", "Expecting property name enclosed in double quotes at character 5"),
        # Python's words named a setting of the reader's (sys.set_int_max_str_digits).
        (b"[" + b"9" * 5000 + b"]", "digits is too long (at most 4,300)"),
    ],
)
def test_text_that_is_not_an_array_says_what_and_where(data: bytes, problem: str) -> None:
    for chunk in (1, 1 << 16):
        with pytest.raises(NotJson) as caught:
            list(array_items(io.BytesIO(data), chunk))
        assert problem in str(caught.value)
    with pytest.raises(NotUtf8):
        list(array_items(io.BytesIO(b'["\xff"]')))


class _Counted:
    """A file that notes the size of every read, and gives at most ``most`` bytes a read (a pipe may give one)."""

    def __init__(self, data: bytes, most: int) -> None:
        self.stream = io.BytesIO(data)
        self.most = most
        self.sizes: list[int] = []

    def read(self, size: int = -1, /) -> bytes:
        self.sizes.append(size)
        return self.stream.read(min(size, self.most) if size >= 0 else self.most)


@pytest.mark.parametrize("most", [1, 3, CHUNK])
def test_utf16_is_read_as_utf8_a_chunk_at_a_time_and_utf8_as_it_is(most: int) -> None:
    """The streamed imports read UTF-16 (its byte order mark says so) as UTF-8, never more than a chunk at a time (memory
    stays flat for a file of any size), its characters cut anywhere between reads; UTF-8 is passed on as it is."""
    text = "Café 🚀 Zoë " * 5_000
    for data in (("\ufeff" + text).encode("utf-16-le"), ("\ufeff" + text).encode("utf-16-be")):
        source = _Counted(data, most)
        stream = Utf8(source)
        out = b"".join(iter(lambda: stream.read(CHUNK), b""))  # noqa: B023 - called within this iteration
        assert out.decode("utf-8") == text
        assert max(source.sizes) <= CHUNK and min(source.sizes) >= 0  # never the whole file
    plain = _Counted(text.encode("utf-8"), most)
    stream = Utf8(plain)
    assert stream.read(1) == b"C" and b"".join(iter(lambda: stream.read(CHUNK), b"")) == text.encode("utf-8")[1:]
    cut = Utf8(_Counted(("\ufeff" + text).encode("utf-16-le")[:-1], most))
    with pytest.raises(NotUtf16):
        b"".join(iter(lambda: cut.read(CHUNK), b""))
    assert list(array_items(Utf8(io.BytesIO('["Zoë", 1]'.encode("utf-16"))))) == ["Zoë", 1]


LIMITED = """
import resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace import exchange
sys.exit(main(sys.argv[2:]))
"""


def _limited(mb: int, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LIMITED, str(mb), *argv], capture_output=True, text=True, timeout=600)


def _taskwarrior_export(path: Path, size: int) -> None:
    """A Taskwarrior export of ``size`` tasks in seven projects, written a task at a time."""
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for n in range(size):
            task = {
                "uuid": str(uuid.UUID(int=n + 1)),
                "description": f"Task {n} — draft the carousel 🚀",
                "status": ("pending", "completed", "waiting")[n % 3],
                "entry": "20260101T090000Z",
                "due": f"202612{1 + n % 28:02d}T170000Z",
                "project": f"campaign.c{n % 7}",
                "tags": ["instagram", f"t{n % 11}"],
                "priority": "HML"[n % 3],
                "annotations": [{"entry": "20260102T100000Z", "description": f"note {n}"}],
                "urgency": 4.5,
            }
            out.write(("," if n else "") + json.dumps(task))
        out.write("]")


#: Tasks enough to cross every piece the streamed paths work in: Taskwarrior's import batches (500 tasks),
#: the file's reads (64 KiB, ~350 bytes a task) and the export's and listing's pages of rows (1,024).
STREAMED_TASKS = 2_600


def test_an_import_its_export_and_a_listing_of_every_task_cross_their_batches_whole(tmp_path: Path) -> None:
    """What the 100,000-task memory guard (``slow``) checks besides memory, at a size the suite affords: every task of
    a file read in pieces is imported once, exported as the whole document spells it, and listed."""
    export = tmp_path / "tw.json"
    _taskwarrior_export(export, STREAMED_TASKS)
    assert export.stat().st_size > 10 * CHUNK
    cli = Cli(tmp_path / "moved.db")
    assert main(["init", str(cli.workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    said = cli.ok("import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export))
    assert said.startswith(f"imported {STREAMED_TASKS:,} tasks, 7 campaigns")
    target = tmp_path / "out.json"
    cli.ok("export", "-o", str(target))
    with Store(cli.workspace) as store:
        assert target.read_text(encoding="utf-8") == dumps(export_state(store))
    tasks = json.loads(target.read_text(encoding="utf-8"))["task"]
    assert sorted(t["title"] for t in tasks) == sorted(f"Task {n} — draft the carousel 🚀" for n in range(STREAMED_TASKS))
    lines = cli.ok("tasks", "all").splitlines()
    assert len(lines) == STREAMED_TASKS + 1 and lines[0].startswith("ID        STATUS  PRI   WHO  DUE (Europe/Berlin)")


@pytest.mark.slow
def test_a_large_import_and_export_stay_within_a_memory_limit(tmp_path: Path) -> None:
    """A regression guard for streaming: 100,000 tasks in and out of a process whose address space is capped.

    The cap is what the process may map, not what it touches (RLIMIT_AS):
    about 100 MB of it is Python, SQLite and the libraries before any record.
    The whole-document code needs several times the cap and fails under it.
    ``slow``: a memory bound, as the benchmarks' peak RSS of every import and
    export of 100,000 tasks (tests/bench/bench_moving.py); what it checks
    besides memory runs in the suite at a smaller size (above).
    """
    size = 100_000
    export = tmp_path / "tw.json"
    _taskwarrior_export(export, size)
    workspace = tmp_path / "big.db"
    assert main(["init", str(workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    done = _limited(
        MEMORY_MB, "-w", str(workspace), "--as", "ana", "import", "--from", "taskwarrior", "--project-prefix", "campaign.", str(export)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"imported {size:,} tasks, 7 campaigns")
    target = tmp_path / "out.json"
    done = _limited(MEMORY_MB, "-w", str(workspace), "export", "-o", str(target))
    assert done.returncode == 0, done.stderr
    with Store(workspace) as store:
        assert target.read_text(encoding="utf-8") == dumps(export_state(store))
    assert len(json.loads(target.read_text(encoding="utf-8"))["task"]) == size
    # Listing every task streams its rows too (`tasks all`), under a lower cap than the import's: the old code,
    # which held every row and the whole table's text, needs ~300 MB of address space here.
    listed = _limited(TASKS_ALL_MB, "-w", str(workspace), "tasks", "all")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == size + 1 and lines[0].startswith("ID        STATUS  PRI   WHO  DUE (Europe/Berlin)")


#: The address space a restore of 100,000 tasks may map (the whole-document code needs ~1 GB of memory there).
RESTORE_MB = 250


def _export_text(size: int, task: Callable[[int], dict[str, Any]]) -> Iterator[str]:
    """A crewdeck export (the sections in their order), a piece at a time: one member, one campaign, ``size`` tasks."""
    yield '{"format": "crewdeck-export", "version": 1, "workspace": {}, "member": ['
    yield json.dumps({"id": "a" * 32, "handle": "ana", "name": "Ana", "tz": "Europe/Berlin", "access": "manager"})
    yield '], "campaign": [' + json.dumps({"id": "c" * 32, "name": "Spring Launch"}) + '], "task": ['
    for n in range(size):
        yield ("," if n else "") + json.dumps(task(n), ensure_ascii=False)
    yield "]}"


def _task(n: int) -> dict[str, Any]:
    return {
        "id": f"{n + 1:032x}",
        "title": f"Task {n} — draft the carousel 🚀",
        "status": ("todo", "done", "doing")[n % 3],
        "assignee": "a" * 32,
        "campaign": "c" * 32,
        "tags": ["instagram", f"t{n % 11}"],
        "notes": f"note {n}",
        "due": {"utc": f"2026-12-{1 + n % 28:02d}T16:00:00Z", "tz": "Europe/Berlin"},
        "created_by": "a" * 32,
    }


@pytest.mark.slow
def test_a_large_restore_stays_within_a_memory_limit(tmp_path: Path) -> None:
    """A crewdeck export of 100,000 tasks restored into an empty workspace, read and written as it goes, under a cap."""
    size = 100_000
    export = tmp_path / "export.json"
    with export.open("w", encoding="utf-8") as out:
        out.writelines(_export_text(size, _task))
    workspace = tmp_path / "restored.db"
    assert main(["init", str(workspace)]) == 0
    done = _limited(RESTORE_MB, "-w", str(workspace), "import", str(export))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"imported {size + 3:,} records\n"  # the workspace's settings, a member, a campaign, the tasks
    with Store(workspace) as store:
        assert store.conn.execute("SELECT count(*) FROM task WHERE deleted = 0").fetchone()[0] == size
        last = store.record("task", f"{size:032x}")
        assert last is not None and last["title"] == f"Task {size - 1} — draft the carousel 🚀" and last["created_by"] == "a" * 32


def test_an_export_saved_as_utf16_restores_as_it_merges(tmp_path: Path) -> None:
    """An export an editor saved as UTF-16 merged into a workspace with data (read whole, as ``ledger import`` reads), but
    into an empty one, read as it goes, it was "not UTF-8 text": the same file, refused by the way it was read."""
    path = tmp_path / "export16.json"
    path.write_bytes("".join(_export_text(3, _task)).encode("utf-16"))
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    assert target.ok("import", str(path), as_member=None) == "imported 6 records\n"
    assert [t["title"] for t in json.loads(target.ok("export"))["task"]] == [f"Task {n} — draft the carousel 🚀" for n in range(3)]
    assert target.ok("import", str(path), as_member="ana").startswith("nothing new")  # merged, read whole: the same records


def test_a_restore_in_batches_writes_nothing_when_a_late_record_is_bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All or nothing across batches: the batches before the bad record are rolled back; every problem is named."""
    monkeypatch.setattr(exchange, "RESTORE_BATCH", 2)
    target = Cli(tmp_path / "empty.db")
    assert main(["init", str(target.workspace)]) == 0
    with Store(target.workspace) as store:
        before = store.op_count()

    def bad_late(n: int) -> dict[str, Any]:
        return {**_task(n), "status": "someday"} if n == 6 else _task(n)

    path = tmp_path / "bad.json"
    path.write_text("".join(_export_text(8, bad_late)), encoding="utf-8")
    result = target("import", str(path), as_member=None)
    assert (
        result.code == 2
        and "nothing imported" in result.err
        and "task 7 (“Task 6 — draft the carousel 🚀”, id 000000000000): status" in result.err
    )
    with Store(target.workspace) as store:
        assert store.op_count() == before

    # Its "format" last, an unknown section: read to the end, the same words as the whole document's reading.
    doc = json.loads("".join(_export_text(3, _task)))
    moved = {**{k: v for k, v in doc.items() if k not in ("format", "version")}, "extra": [], "format": doc["format"], "version": 2}
    path.write_text(json.dumps(moved), encoding="utf-8")
    assert "export version 2, this crewdeck reads 1" in target("import", str(path), as_member=None).err
    moved["version"] = 1
    path.write_text(json.dumps(moved), encoding="utf-8")
    assert "unknown sections extra" in target("import", str(path), as_member=None).err
    del moved["extra"]
    path.write_text(json.dumps(moved), encoding="utf-8")
    assert target.ok("import", str(path), as_member=None) == "imported 6 records\n"
    assert [t["title"] for t in json.loads(target.ok("export"))["task"]] == [f"Task {n} — draft the carousel 🚀" for n in range(3)]
    other = Cli(tmp_path / "other.db")
    assert main(["init", str(other.workspace)]) == 0
    path.write_text("[1, 2]", encoding="utf-8")
    said = other("import", str(path), as_member=None).err
    assert said == f"crewdeck: error: nothing imported: {path}: not a crewdeck export: expected '{{' at character 0, found '['\n"
