"""Every importer, random and adversarial records: success, or one line and the workspace exactly as it was.

The four importers (a crewdeck export, a Taskwarrior export, ledger
entries as CSV, rates as CSV) each get files built by hypothesis from
records that are nearly right: real field names, values of the wrong
type, empty, huge, at the calendar's ends, with control characters or
lone surrogates.  After an import that fails, the export and the
operations log must be what they were: all or nothing.

``CREWDECK_FUZZ_EXAMPLES=N`` runs N examples per importer with fresh random
seeds (the suite's run is derandomized and small).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzzsupport import Example, Template, make_template

LONG_RUN = int(os.environ.get("CREWDECK_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=LONG_RUN or 30,
    derandomize=not LONG_RUN,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "x",
            "Draft",
            "a\nb",
            "\x1b]52;c;x\x07",
            "\u202e",
            "\udcff",
            "\ud800x",
            "A" * 5000,
            "\x00",
            "campaign.",
            "campaign.x",
            "..",
            "+",
            "@ana",
            "ana",
            "raj",
            "Spring Launch",
            "spring-launch",
        ]
    ),
    st.text(max_size=20),
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6)

HEX = st.text("0123456789abcdef", min_size=32, max_size=32)
WORDS = st.text(st.characters(categories=["L", "N", "Zs", "P"]), min_size=1, max_size=30).filter(str.strip)
TW_DATES = st.sampled_from(["20261201T160000Z", "19000101T000000Z", "99981231T235959Z", "20270228T080000Z"])
HOSTILE_TW_DATES = st.sampled_from(
    ["00010101T000000Z", "99991230T000000Z", "20261301T000000Z", "20261231T246000Z", "2026-12-01", "", "next week"]
)


def _uuid(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


#: Per field: a value Taskwarrior writes, and the hostile ones.
TW_FIELDS: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "uuid": (HEX.map(_uuid), st.sampled_from(["------------------------------------", "x", ""]) | JSON),
    "description": (WORDS, TEXT | JSON),
    "status": (st.sampled_from(["pending", "waiting", "completed", "deleted", "recurring"]), st.sampled_from(["Pending", ""]) | JSON),
    "priority": (st.sampled_from(["H", "M", "L"]), st.sampled_from(["h", "X", ""]) | JSON),
    "tags": (st.lists(st.sampled_from(["instagram", "urgent", "x"]), max_size=3), st.lists(TEXT, max_size=3) | JSON),
    "project": (
        st.sampled_from(["campaign.spring-launch", "campaign.holiday", "holiday", "Launch 2027"]),
        st.sampled_from(["campaign.", "campaign." + "x" * 300, "!!!", ""]) | TEXT | JSON,
    ),
    "due": (TW_DATES, HOSTILE_TW_DATES | JSON),
    "wait": (TW_DATES, HOSTILE_TW_DATES | JSON),
    "entry": (TW_DATES, HOSTILE_TW_DATES | JSON),
    "tz": (st.sampled_from(["Asia/Tokyo", "Europe/Berlin"]), st.sampled_from(["UTC+5", "A" * 300, "America", ""]) | JSON),
    "assignee": (st.sampled_from(["raj", "RAJ", "stranger"]), JSON),
    "annotations": (
        st.lists(st.fixed_dictionaries({"description": WORDS}, optional={"entry": TW_DATES}), max_size=2),
        st.lists(st.fixed_dictionaries({"description": TEXT | JSON}, optional={"entry": HOSTILE_TW_DATES}), min_size=1, max_size=2) | JSON,
    ),
    "depends": (HEX.map(_uuid), st.sampled_from(["x,y", ""]) | JSON),
    "urgency": (st.floats(0, 20), JSON),
}


@st.composite
def taskwarrior_record(draw: st.DrawFn) -> Any:
    """A record as ``task export`` writes it; one in three has one field (or the whole record) replaced by something hostile."""
    record = {"uuid": draw(TW_FIELDS["uuid"][0]), "description": draw(TW_FIELDS["description"][0])}
    for name in draw(st.lists(st.sampled_from(sorted(TW_FIELDS)), unique=True, max_size=6)):
        record[name] = draw(TW_FIELDS[name][0])
    fault = draw(st.integers(0, 8))
    if fault == 0:
        return draw(JSON)
    if fault <= 2:
        name = draw(st.sampled_from(sorted(TW_FIELDS)))
        record[name] = draw(TW_FIELDS[name][1])
    return record


@st.composite
def taskwarrior_files(draw: st.DrawFn) -> str:
    records = draw(st.lists(taskwarrior_record(), min_size=1, max_size=4))
    if draw(st.booleans()):
        return json.dumps(records)
    return "\n".join(json.dumps(r) for r in records)  # the one-object-per-line form of older versions


NEW_TASK = st.fixed_dictionaries(
    {"id": HEX, "title": WORDS},
    optional={
        "status": st.sampled_from(["inbox", "todo", "done"]),
        "priority": st.sampled_from(["high", "low"]),
        "tags": st.lists(st.sampled_from(["a", "b"]), unique=True),
        "due": st.just({"utc": "2026-12-01T09:00:00Z", "tz": "Asia/Tokyo"}),
    },
)
HOSTILE_VALUES = JSON | st.sampled_from(
    [
        ["UTC"],
        "A" * 300,
        {"utc": "0001-01-01T00:00:00Z", "tz": "America/Los_Angeles"},
        {"utc": "9999-12-31T23:59:59Z", "tz": "Pacific/Kiritimati"},
        "\udcff",
        "\x1b]0;x\x07",
    ]
)


@st.composite
def crewdeck_files(draw: st.DrawFn, export: dict[str, Any]) -> str:
    """The template's own export with new tasks, and one time in two a field, a record or the document broken."""
    doc = json.loads(json.dumps(export))
    doc["task"].extend(draw(st.lists(NEW_TASK, max_size=3)))
    fault = draw(st.integers(0, 9))
    section = draw(st.sampled_from(["member", "campaign", "task", "budget", "rate", "ledger_entry", "approval"]))
    records = doc.setdefault(section, [])
    if fault <= 3 and records:
        record = draw(st.sampled_from(records))
        record[draw(st.sampled_from(sorted(record)) | TEXT)] = draw(HOSTILE_VALUES)
    elif fault <= 5:
        new = draw(st.dictionaries(TEXT, JSON, max_size=3))
        new["id"] = draw(st.sampled_from(["a" * 32, "x", f"budget:{'c' * 32}:tools:run"]) | JSON)
        records.append(new)
    elif fault == 6:
        doc["workspace"][draw(st.sampled_from(["name", "base_currency", "colour"]))] = draw(HOSTILE_VALUES)
    elif fault == 7:
        doc[draw(st.sampled_from(["format", "version", "extra", "task"]))] = draw(JSON)
    return json.dumps(doc)


HOSTILE_CELL = st.one_of(
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "20/11/2026",
            "winter",
            "Tools",
            "a b",
            "-0",
            "1e3",
            "12,50",
            "0",
            "99999999999999999999",
            "XXX",
            "maybe",
            "0000",
            "USD/USD",
            "-1",
            "",
            "\x00",
            "\udcff",
            "a\nb",
        ]
    ),
    TEXT,
)
LEDGER_CELLS = {
    "date": st.sampled_from(["2026-11-20", "2026-11-03", "1900-01-01", "9998-12-31"]),
    "campaign": st.sampled_from(["spring-launch", "+spring-launch", "Spring Launch"]),
    "category": st.sampled_from(["tools", "influencers", "sponsored-posts"]),
    "payee": WORDS,
    "amount": st.decimals(min_value=-(10**6), max_value=10**6, places=2).filter(lambda d: d != 0).map(str),
    "currency": st.sampled_from(["EUR", "USD", ""]),
    "memo": WORDS | st.just(""),
    "task": st.just(""),
    "id": HEX | st.just(""),
    "reverses": st.just(""),
    "needs_approval": st.sampled_from(["yes", "no", ""]),
}
RATE_CELLS = {
    "date": LEDGER_CELLS["date"],
    "pair": st.sampled_from(["USD/EUR", "GBP/EUR", "JPY:EUR", "USDEUR"]),
    "rate": st.decimals(min_value="0.0001", max_value=1000, places=4).map(str),
}


def csv_files(cells: dict[str, st.SearchStrategy[str]], required: list[str]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        header = required + [c for c in draw(st.lists(st.sampled_from(sorted(cells)), unique=True, max_size=4)) if c not in required]
        rows = []
        for _ in range(draw(st.integers(0, 4))):
            row = [draw(cells[column]) for column in header]
            if draw(st.integers(0, 3)) == 0:  # one row in four has a hostile cell, or a cell too many or too few
                spot = draw(st.integers(0, len(row)))
                if spot == len(row):
                    row = row[:-1] if draw(st.booleans()) else [*row, "extra"]
                else:
                    row[spot] = draw(HOSTILE_CELL)
            rows.append(row)
        if draw(st.integers(0, 9)) == 0:
            header[draw(st.integers(0, len(header) - 1))] = draw(HOSTILE_CELL)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    return build()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("fuzz-template"))


@pytest.fixture
def example(template: Template, tmp_path: Path) -> Example:
    return Example(template.path, tmp_path)


STATE = [["-w", "team.db", "export"], ["-w", "team.db", "log", "--json", "--limit", "100000"]]
#: What an import let in must read back everywhere.
READERS = [
    ["tasks", "all"],
    ["tasks", "all", "--json"],
    ["member", "list"],
    ["campaign", "list"],
    ["zones"],
    ["ledger", "list"],
    ["ledger", "report"],
    ["export", "--ics"],
]


def check_all_or_nothing(example: Example, argv: list[str], name: str, text: str) -> None:
    readers = [["-w", "team.db", "--as", "ana", *reader] for reader in READERS]
    results = example.session([*STATE, ["-w", "team.db", "--as", "ana", *argv], *STATE, *readers], files={name: text})
    (code_b, export_before, _), (_, log_before, _), (code, _, err), (_, export_after, _), (_, log_after, _) = results[:5]
    assert code_b == 0
    assert "Traceback" not in err
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("crewdeck: error: "), err
        assert export_after == export_before and log_after == log_before, f"a failed import changed the workspace: {err}"
    for reader, (reader_code, _, reader_err) in zip(READERS, results[5:]):
        assert reader_code == 0, f"after importing, `crewdeck {' '.join(reader)}` failed: {reader_err}"


IMPORTERS: dict[str, tuple[list[str], str, Callable[[Template], st.SearchStrategy[str]]]] = {
    "crewdeck": (["import", "in.json"], "in.json", lambda t: crewdeck_files(json.loads((t.path / "export.json").read_text()))),
    "taskwarrior": (
        ["import", "--from", "taskwarrior", "--project-prefix", "campaign.", "in.json"],
        "in.json",
        lambda t: taskwarrior_files(),
    ),
    "ledger csv": (
        ["ledger", "import", "in.csv"],
        "in.csv",
        lambda t: csv_files(LEDGER_CELLS, ["date", "campaign", "category", "payee", "amount"]),
    ),
    "rates csv": (["rate", "import", "in.csv"], "in.csv", lambda t: csv_files(RATE_CELLS, ["date", "pair", "rate"])),
}


@pytest.mark.parametrize("importer", sorted(IMPORTERS))
def test_an_import_succeeds_or_is_one_line_and_changes_nothing(template: Template, example: Example, importer: str) -> None:
    argv, name, files = IMPORTERS[importer]

    @SETTINGS
    @given(text=files(template))
    def run(text: str) -> None:
        check_all_or_nothing(example, argv, name, text)

    run()
