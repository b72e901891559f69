"""Imports and exports stream (issue 18, item 2): the same text as the whole-document code, memory that stays flat."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace.exchange import dumps, export_state
from crewdeck.tui.workspace.jsonstream import NotJson, NotUtf8, array_items

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
    ],
)
def test_text_that_is_not_an_array_says_what_and_where(data: bytes, problem: str) -> None:
    for chunk in (1, 1 << 16):
        with pytest.raises(NotJson) as caught:
            list(array_items(io.BytesIO(data), chunk))
        assert problem in str(caught.value)
    with pytest.raises(NotUtf8):
        list(array_items(io.BytesIO(b'["\xff"]')))


LIMITED = """
import resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from crewdeck.tui.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def _limited(mb: int, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LIMITED, str(mb), *argv], capture_output=True, text=True, timeout=600)


def test_a_large_import_and_export_stay_within_a_memory_limit(tmp_path: Path) -> None:
    """A regression guard for streaming: 100,000 tasks in and out of a process whose address space is capped.

    The cap is what the process may map, not what it touches (RLIMIT_AS):
    about 100 MB of it is Python, SQLite and the libraries before any record.
    The whole-document code needs several times the cap and fails under it.
    """
    size = 100_000
    export = tmp_path / "tw.json"
    with export.open("w", encoding="utf-8") as out:
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
