"""The widgets' protocols and the logic's records they mirror agree, member by member.

``crewdeck.widgets`` may not import ``crewdeck.tui``, so a table or the
grid declares what it reads as a read-only protocol, and the logic's
frozen dataclasses are handed over as they are.  mypy checks each hand-over
in ``crewdeck.tui.app``; this test checks the pairs themselves, whatever the
panes do with them, and says which member went astray.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Sequence
from typing import Any, get_args, get_origin, get_type_hints

import pytest

from crewdeck.tui.ledger.entries import EntryRow
from crewdeck.tui.ledger.view import BudgetLine
from crewdeck.tui.results.pane_data import ResultLine
from crewdeck.tui.time.grid import Grid, GridColumn, GridMarker, GridRow
from crewdeck.widgets.budget_table import BudgetRow
from crewdeck.widgets.deadline_grid import GridColumnLike, GridDataLike, GridMarkerLike, GridRowLike
from crewdeck.widgets.entries_table import EntryLine
from crewdeck.widgets.results_table import ResultRow

#: Each widget protocol and the record of the logic that is handed over for it.
MIRRORS: dict[type, type] = {
    BudgetRow: BudgetLine,
    EntryLine: EntryRow,
    ResultRow: ResultLine,
    GridDataLike: Grid,
    GridRowLike: GridRow,
    GridColumnLike: GridColumn,
    GridMarkerLike: GridMarker,
}


def wanted(protocol: type) -> dict[str, Any]:
    """What the protocol reads: each property's type."""
    return {name: get_type_hints(member.fget)["return"] for name, member in vars(protocol).items() if isinstance(member, property)}


def given(record: type, name: str) -> Any:
    """The type the record gives for ``name``: a field's or a property's; ``None`` when it has neither."""
    if dataclasses.is_dataclass(record) and name in {f.name for f in dataclasses.fields(record)}:
        return get_type_hints(record)[name]
    member = getattr(record, name, None)
    return get_type_hints(member.fget)["return"] if isinstance(member, property) else None


def fits(have: Any, want: Any) -> bool:
    """Whether a value of type ``have`` may be read where ``want`` is expected (the cases these pairs use)."""
    if have == want:
        return True
    if isinstance(want, types.UnionType):
        options = get_args(have) if isinstance(have, types.UnionType) else (have,)
        return all(any(fits(option, w) for w in get_args(want)) for option in options)
    if want in MIRRORS:
        return have is MIRRORS[want]
    if get_origin(want) is Sequence:
        (item,) = get_args(want)
        args = get_args(have)
        if get_origin(have) is tuple and len(args) == 2 and args[1] is Ellipsis:
            return fits(args[0], item)
        if get_origin(have) is list:
            return fits(args[0], item)
    return False


def mismatches(protocol: type, record: type) -> list[str]:
    found = []
    for name, want in wanted(protocol).items():
        have = given(record, name)
        if have is None:
            found.append(f"{record.__name__} has no {name!r} ({protocol.__name__} reads it)")
        elif not fits(have, want):
            found.append(f"{record.__name__}.{name} is {have}, {protocol.__name__} reads {want}")
    return found


@pytest.mark.parametrize(("protocol", "record"), MIRRORS.items(), ids=lambda t: t.__name__)
def test_each_record_gives_what_its_widget_reads(protocol: type, record: type) -> None:
    assert wanted(protocol)  # the protocol declares what it reads
    assert mismatches(protocol, record) == []


def test_a_record_that_does_not_fit_is_named_with_what_is_wrong() -> None:
    assert "EntryRow has no 'used_permille' (BudgetRow reads it)" in mismatches(BudgetRow, EntryRow)
    assert "GridRow has no 'zone' (GridDataLike reads it)" in mismatches(GridDataLike, GridRow)
    assert not fits(tuple[GridColumn, ...], Sequence[GridRowLike])
    assert fits(int, int | None) and not fits(int | None, int) and not fits(str | None, int | None)
