"""Imports and exports stream (issue 18, item 2): the same text as the whole-document code, memory that stays flat."""

from __future__ import annotations

from pathlib import Path

from crewdeck.sync.state.store import Store
from crewdeck.tui.workspace.exchange import dumps, export_state

from .conftest import Cli


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
