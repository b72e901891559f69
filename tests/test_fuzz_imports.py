"""Every importer, random and adversarial records: success, or one line and the workspace exactly as it was.

The four importers (a crewdeck export, a Taskwarrior export, ledger
entries as CSV, rates as CSV), and the Trello, Asana and Linear ones
(whose every bad record is a line of its own, and whose ``--dry-run``
must say what the import does), each get files built by hypothesis from
records that are nearly right: real field names, values of the wrong
type, empty, huge, at the calendar's ends, with control characters or
lone surrogates.  After an import that fails, the export and the
operations log must be what they were: all or nothing.

``CREWDECK_FUZZ_EXAMPLES=N`` runs N examples per importer with fresh random
seeds (the suite's run is derandomized and small).
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzzsupport import Example, Template, make_template

LONG_RUN = int(os.environ.get("CREWDECK_FUZZ_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=LONG_RUN or 15,
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
        # One error line; above it, an importer that lists the bad records gives each its own line, as FILE:...: (never raw).
        *listed, last, end = err.split("\n")
        assert end == "" and last.startswith("crewdeck: error: ") and "\x1b" not in err, err
        assert not listed or (last.endswith("(listed above)") and all(line.startswith(f"{name}:") for line in listed)), err
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


HOSTILE_INSTANTS = st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "2026-02-30T00:00:00Z", "next week", ""])
#: Per field of a Trello card: a value Trello writes, and the hostile ones.
TRELLO_FIELDS: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
    "name": (WORDS, TEXT | JSON),
    "desc": (WORDS | st.just("one\r\ntwo"), TEXT | JSON),
    "idList": (st.sampled_from(["l-todo", "l-doing", "l-gone"]), JSON),
    "closed": (st.booleans(), JSON),
    "dueComplete": (st.booleans(), JSON),
    "due": (st.sampled_from(["2026-03-02T16:00:00.000Z", "Mon Mar 02 2026 17:00:00 GMT+0100"]) | st.none(), HOSTILE_INSTANTS | JSON),
    "start": (st.sampled_from(["2026-02-27T09:00:00.000Z"]) | st.none(), HOSTILE_INSTANTS | JSON),
    "idMembers": (st.lists(st.sampled_from(["m-raj", "m-zoe", "m-left"]), max_size=2), JSON),
    "idLabels": (st.lists(st.sampled_from(["lb-urgent", "lb-instagram", "lb-spring", "lb-none"]), max_size=3), JSON),
    "labels": (st.just([]), JSON),
    "attachments": (st.just([{"name": "brief.pdf", "url": "https://example.com/brief.pdf"}]), JSON),
}
TRELLO_PARTS: dict[str, Any] = {
    "lists": [{"id": "l-todo", "name": "To Do"}, {"id": "l-doing", "name": "Scheduled"}],
    "labels": [
        {"id": "lb-urgent", "name": "Urgent", "color": "red"},
        {"id": "lb-instagram", "name": "Instagram", "color": "pink"},
        {"id": "lb-spring", "name": "Spring Launch", "color": "green"},
        {"id": "lb-none", "name": "", "color": "green"},
    ],
    "members": [{"id": "m-raj", "username": "raj", "fullName": "Raj"}, {"id": "m-zoe", "username": "zoe", "fullName": "Zoë"}],
    "checklists": [{"id": "ch-1", "idCard": "5e1f0c0a1b2c3d4e5f600001", "name": "Before", "checkItems": [{"name": "Alt text", "pos": 1}]}],
    "actions": [
        {
            "type": "commentCard",
            "date": "2026-03-01T10:00:00.000Z",
            "data": {"text": "Looks good", "card": {"id": "5e1f0c0a1b2c3d4e5f600001"}},
            "memberCreator": {"id": "m-gone", "username": "gone"},
        }
    ],
}


@st.composite
def trello_files(draw: st.DrawFn) -> str:
    """A board's export; one card in three has a field made hostile, one board in five a part of it."""
    cards = []
    for _ in range(draw(st.integers(0, 4))):
        card = {"id": draw(st.sampled_from(["5e1f0c0a1b2c3d4e5f600001", "5e1f0c0a1b2c3d4e5f600002"]) | HEX), "name": draw(WORDS)}
        for name in draw(st.lists(st.sampled_from(sorted(TRELLO_FIELDS)), unique=True, max_size=5)):
            card[name] = draw(TRELLO_FIELDS[name][0])
        fault = draw(st.integers(0, 8))
        if fault == 0:
            cards.append(draw(JSON))
            continue
        if fault <= 2:
            name = draw(st.sampled_from(sorted(TRELLO_FIELDS)))
            card[name] = draw(TRELLO_FIELDS[name][1])
        cards.append(card)
    board: dict[str, Any] = {"id": "5e1f0c0a1b2c3d4e5f601234", "name": "Calendar", **json.loads(json.dumps(TRELLO_PARTS)), "cards": cards}
    if draw(st.integers(0, 4)) == 0:
        board[draw(st.sampled_from(["id", "name", *sorted(TRELLO_PARTS)]))] = draw(JSON)
    return json.dumps(board)


ASANA_CELLS = {
    "Task ID": st.sampled_from(["1201", "1202"]) | st.integers(1, 10**6).map(str),
    "Name": WORDS,
    "Section/Column": st.sampled_from(["To do", "Doing", "Waiting on client", ""]),
    "Completed At": st.sampled_from(["2026-02-01", ""]),
    "Due Date": st.sampled_from(["2026-03-05", "1900-01-01", ""]),
    "Created At": st.sampled_from(["2026-01-10", ""]),
    "Assignee": st.sampled_from(["Raj", "Someone Else", ""]),
    "Assignee Email": st.sampled_from(["raj@example.com", "x@example.com", ""]),
    "Tags": st.sampled_from(["copy, Spring Launch", "instagram", ""]),
    "Notes": WORDS | st.sampled_from(["first\nsecond", ""]),
    "Projects": st.sampled_from(["Spring Launch", "Summer Drop", ""]),
    "Priority": st.sampled_from(["High", "Medium", "Low", ""]),
}
LINEAR_CELLS = {
    "ID": st.sampled_from(["MKT-1", "MKT-2"]) | st.integers(3, 999).map(lambda n: f"MKT-{n}"),
    "Title": WORDS | st.sampled_from(["'=SUM(A1)", "'@raj review"]),
    "Description": WORDS | st.just(""),
    "Status": st.sampled_from(["Backlog", "In Progress", "Done", "Canceled", "Triage"]),
    "Priority": st.sampled_from(["No priority", "Urgent", "High", "Medium", "Low"]),
    "Project": st.sampled_from(["Spring Launch", "Summer Drop", ""]),
    "Assignee": st.sampled_from(["raj", "Someone", ""]),
    "Creator": st.sampled_from(["Raj", "Someone Else", ""]),
    "Labels": st.sampled_from(["Bug, Instagram", "needs copy", ""]),
    "Created": st.sampled_from(["2026-01-15T10:22:33.000Z", "Thu Jan 15 2026 10:22:33 GMT+0100 (CET)", ""]),
    "Completed": st.sampled_from(["2026-02-01T08:00:00.000Z", ""]),
    "Due Date": st.sampled_from(["2026-04-01", ""]),
}

#: format -> (the file's name, its files).
FOREIGN_IMPORTERS: dict[str, tuple[str, Callable[[], st.SearchStrategy[str]]]] = {
    "trello": ("in.json", trello_files),
    "asana": ("in.csv", lambda: csv_files(ASANA_CELLS, ["Task ID", "Name"])),
    "linear": ("in.csv", lambda: csv_files(LINEAR_CELLS, ["ID", "Title"])),
}


@pytest.mark.parametrize("fmt", sorted(FOREIGN_IMPORTERS))
def test_a_foreign_import_succeeds_or_names_every_bad_record_and_its_dry_run_says_so(example: Example, fmt: str) -> None:
    name, files = FOREIGN_IMPORTERS[fmt]
    argv = ["-w", "team.db", "--as", "ana", "import", "--from", fmt, name]

    @SETTINGS
    @given(text=files())
    def run(text: str) -> None:
        commands = [*STATE, [*argv, "--dry-run"], *STATE, argv, *STATE, *(["-w", "team.db", "--as", "ana", *r] for r in READERS)]
        results = example.session(commands, files={name: text})
        (_, export_before, _), (_, log_before, _), (dry_code, _, dry_err), (_, export_dry, _), (_, log_dry, _) = results[:5]
        (code, _, err), (_, export_after, _), (_, log_after, _) = results[5:8]
        assert "Traceback" not in dry_err + err
        assert (export_dry, log_dry) == (export_before, log_before), "a dry run wrote"
        assert (dry_code, dry_err) == (code, err), "the dry run did not say what the import does"
        assert code in (0, 2), (code, err)
        if code == 2:
            *listed, last = err.splitlines()
            assert last.startswith("crewdeck: error: nothing imported: "), err
            # A row by its line (``in.csv:2: ...``), a card by its number (``board.json: card 2 ...``).
            assert all(line.startswith(f"{name}:") for line in listed), err
            assert (export_after, log_after) == (export_before, log_before), f"a failed import changed the workspace: {err}"
        for reader, (reader_code, _, reader_err) in zip(READERS, results[8:]):
            assert reader_code == 0, f"after importing, `crewdeck {' '.join(reader)}` failed: {reader_err}"

    run()


COUNT_CELLS = st.sampled_from(["0", "12", "1,200", ""]) | st.integers(0, 10**6).map(str)
KPI_CELLS = {
    "csv": {
        "date": st.sampled_from(["2026-11-20", "11/21/2026", "1900-01-01"]),
        "campaign": st.sampled_from(["Spring Launch", "+spring-launch", ""]),
        "platform": st.sampled_from(["instagram", "meta", ""]),
        "post": st.just(""),
        "impressions": COUNT_CELLS,
        "reach": COUNT_CELLS,
        "clicks": COUNT_CELLS,
        "followers": COUNT_CELLS,
        "value": st.sampled_from(["12.50", "0", ""]),
        "spend": st.sampled_from(["3.10", ""]),
        "currency": st.sampled_from(["EUR", "USD", "JPY", ""]),
    },
    "meta": {
        "Campaign name": st.sampled_from(["Spring Launch", "spring launch"]),
        "Reporting starts": st.sampled_from(["2026-11-20", "2026-11-21"]),
        "Reporting ends": st.sampled_from(["2026-11-20", "2026-11-21", ""]),
        "Reach": COUNT_CELLS,
        "Impressions": COUNT_CELLS,
        "Link clicks": COUNT_CELLS,
        "Results": COUNT_CELLS,
        "Amount spent (EUR)": st.sampled_from(["45.10", "0.00", ""]),
    },
}


@pytest.mark.parametrize("fmt", sorted(KPI_CELLS))
def test_a_kpi_import_succeeds_or_names_every_bad_row_and_changes_nothing(
    example: Example, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    required = {"csv": ["date"], "meta": ["Campaign name", "Reporting starts"]}[fmt]
    # What a real process would print after the error ("Exception ignored in: ..."): a file closed twice, say.
    ignored: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: ignored.append(repr(unraisable.exc_value)))
    argv = ["-w", "team.db", "--as", "ana", "kpi", "import", "--format", fmt, "--spend", "in.csv"]

    @SETTINGS
    @given(text=csv_files(KPI_CELLS[fmt], required))
    def run(text: str) -> None:
        results = example.session([*STATE, argv, *STATE, ["-w", "team.db", "--as", "ana", "kpi", "report"]], files={"in.csv": text})
        (_, export_before, _), (_, log_before, _), (code, _, err), (_, export_after, _), (_, log_after, _), report = results
        assert "Traceback" not in err
        assert code in (0, 2), (code, err)
        if code == 2:
            *listed, last = err.splitlines()
            assert last.startswith("crewdeck: error: ") and all(line.startswith("in.csv:") for line in listed), err
            assert (export_after, log_after) == (export_before, log_before), f"a failed import changed the workspace: {err}"
        assert report[0] == 0, report[2]
        gc.collect()
        assert ignored == [], f"after the import: Exception ignored: {ignored}"

    run()
