"""Every import names a bad row or record one way: a CSV's row as ``FILE:LINE: column: problem``, a JSON file's record
as ``FILE: card N (“name”): field: problem``, each on its own line, then one last line that counts them the same way.

They said it four ways: ``FILE: row 3 (task 1202): ...`` (Asana, Linear), ``FILE: card 5f1a2b… (Launch post): ...``
(Trello, by an id no one sees in Trello), ``FILE: task #2 (uuid …)`` (Taskwarrior, where ``task 2`` is another task's
id), ``FILE:3: date: ...; amount 'abc' ...`` (the ledger, two problems on one line); and a lone bad record was
"nothing imported: FILE: ..." where a lone bad row of the ledger was listed and counted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import Cli

UUID = "11111111-2222-3333-4444-555555555555"
BOARD = {
    "id": "b1",
    "name": "Launch board",
    "lists": [{"id": "l1", "name": "To do"}],
    "cards": [{"id": "c1", "name": "Brief", "idList": "l1"}, {"id": "c2", "name": "Launch post", "idList": "l1", "due": "soon"}],
}
#: importer -> (file name, its text, the command after ``crewdeck``, the one bad row or record's line after ``FILE``).
CASES = {
    "ledger": (
        "spend.csv",
        "date,campaign,category,payee,amount\n2026-11-01,spring-launch,ads,Meta,12.00\n2026-11-02,spring-launch,ads,Meta,abc\n",
        ["ledger", "import"],
        ":3: amount: 'abc' is not a plain decimal number like 120.50",
    ),
    "rate": (
        "rates.csv",
        "date,pair,rate\n2026-11-01,USD/EUR,abc\n",
        ["rate", "import"],
        ":2: rate: 'abc' is not a plain decimal number like 0.9215",
    ),
    "kpi": (
        "results.csv",
        "date,campaign,platform,clicks\n2026-11-01,spring-launch,instagram,many\n",
        ["kpi", "import", "--format", "csv"],
        ":2: clicks: 'many' is not a count (a whole number)",
    ),
    "asana": (
        "asana.csv",
        "Task ID,Name,Due Date\n1201,Brief,2026-11-20\n1202,Shoot,2026-13-45\n",
        ["import", "--from", "asana"],
        ":3: Due Date: '2026-13-45' is not a date (YYYY-MM-DD)",
    ),
    "linear": (
        "linear.csv",
        "ID,Title,Due Date\nMKT-1,Shoot,2026-13-45\n",
        ["import", "--from", "linear"],
        ":2: Due Date: '2026-13-45' is not a date (YYYY-MM-DD)",
    ),
    "trello": (
        "board.json",
        json.dumps(BOARD),
        ["import", "--from", "trello"],
        ": card 2 (“Launch post”): due: 'soon' is not a date and time (like 2026-03-02T17:00:00.000Z)",
    ),
    "taskwarrior": (
        "tw.json",
        json.dumps([{"uuid": UUID, "description": "Cut the reel", "status": "pending", "due": "soon"}]),
        ["import", "--from", "taskwarrior"],
        ": task 1 (“Cut the reel”, uuid 11111111): due: 'soon' is not a Taskwarrior date (YYYYMMDDTHHMMSSZ)",
    ),
}
CSV_ROW = re.compile(r":\d+: [A-Za-z][\w ]*: \S")
JSON_RECORD = re.compile(r": [a-z_]+ \d+ \(“[^”]+”(, (uuid|id) [0-9a-f]+)?\): [a-z_]+: \S")


@pytest.mark.parametrize("importer", sorted(CASES))
def test_every_import_names_its_bad_row_or_record_one_way_and_counts_it_on_the_last_line(cli: Cli, tmp_path: Path, importer: str) -> None:
    name, text, command, said = CASES[importer]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = cli.ok("export")
    result = cli(*command, str(path))
    noun = "record" if name.endswith(".json") else "row"
    assert result.code == 2 and result.err.splitlines() == [
        f"{path}{said}",
        f"crewdeck: error: nothing imported: 1 bad {noun} in {path} (listed above)",
    ]
    assert (JSON_RECORD if noun == "record" else CSV_ROW).match(said), said
    assert cli.ok("export") == before


def test_a_crewdeck_export_names_its_bad_record_as_every_import_of_json_does(cli: Cli, tmp_path: Path) -> None:
    doc = json.loads(cli.ok("export"))
    doc["task"] = [{"id": "a" * 32, "title": "Cut the reel", "status": "someday"}]
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = cli("import", str(path))
    said = ": task 1 (“Cut the reel”, id aaaaaaaaaaaa): status: 'someday' is not one of inbox, todo, doing, review, done, cancelled"
    assert JSON_RECORD.match(said)
    assert result.code == 2 and result.err.splitlines() == [
        f"{path}{said}",
        f"crewdeck: error: nothing imported: 1 bad record in {path} (listed above)",
    ]


def test_a_file_refused_whole_is_one_line_and_two_bad_rows_are_two_lines_counted_once_each(cli: Cli, tmp_path: Path) -> None:
    """A problem of the whole file is no row's: one line, as before; a row with two problems is still one bad row."""
    path = tmp_path / "asana.csv"
    path.write_text("Name,Due Date\nBrief,2026-11-20\n", encoding="utf-8")
    assert cli("import", "--from", "asana", str(path)).err == (
        f"crewdeck: error: nothing imported: {path}: missing column: Task ID (the header is: Name, Due Date)\n"
    )
    spend = tmp_path / "spend.csv"
    spend.write_text("date,campaign,category,payee,amount\n2026-13-01,spring-launch,ads,Meta,abc\n", encoding="utf-8")
    assert cli("ledger", "import", str(spend)).err.splitlines() == [
        f"{spend}:2: date: '2026-13-01' is not a real date",
        f"{spend}:2: amount: 'abc' is not a plain decimal number like 120.50",
        f"crewdeck: error: nothing imported: 1 bad row in {spend} (listed above)",
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["ledger", "import"],
        ["rate", "import"],
        ["kpi", "import", "--format", "csv"],
        ["import", "--from", "asana"],
        ["import", "--from", "trello"],
        ["import", "--from", "taskwarrior"],
        ["import"],
    ],
    ids=lambda command: " ".join(command),
)
def test_a_file_refused_whole_says_nothing_imported_first_from_every_import(cli: Cli, tmp_path: Path, command: list[str]) -> None:
    """The ledger, rate and kpi imports, Taskwarrior's and a crewdeck export's said "FILE: not UTF-8 text ..." where
    Trello's, Asana's and Linear's said "nothing imported: FILE: ...": every one says it in the same words, first."""
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"date\nCaf\xe9\n")
    result = cli(*command, str(path))
    # Taskwarrior's reader finds no JSON before it finds the byte; every other says where the byte is.
    said = "not a Taskwarrior export: " if "taskwarrior" in command else "line 2: not UTF-8 text (byte 0xE9)"
    assert result.code == 2 and result.err.startswith(f"crewdeck: error: nothing imported: {path}: {said}"), result.err
    assert result.err.count("\n") == 1, result.err
    missing = tmp_path / "missing.csv"
    assert cli(*command, str(missing)).err == f"crewdeck: error: nothing imported: {missing}: no such file\n"


def test_a_boards_list_with_no_name_is_named_by_its_number_as_a_card_is(cli: Cli, tmp_path: Path) -> None:
    """It was "list l2: name: missing", by an id no one sees in Trello, and the line alone, counted nowhere."""
    board = {**BOARD, "lists": [{"id": "l1", "name": "To do"}, {"id": "l2"}], "cards": BOARD["cards"][:1]}
    path = tmp_path / "board.json"
    path.write_text(json.dumps(board), encoding="utf-8")
    assert cli("import", "--from", "trello", str(path)).err.splitlines() == [
        f"{path}: list 2: name: missing",
        f"crewdeck: error: nothing imported: 1 bad record in {path} (listed above)",
    ]


#: Every CSV import: the command after ``crewdeck``.
CSV_IMPORTS = {
    "ledger": ["ledger", "import"],
    "rate": ["rate", "import"],
    "kpi-csv": ["kpi", "import", "--format", "csv"],
    "kpi-meta": ["kpi", "import", "--format", "meta"],
    "kpi-linkedin": ["kpi", "import", "--format", "linkedin"],
    "asana": ["import", "--from", "asana"],
    "linear": ["import", "--from", "linear"],
}
#: A header nothing can be read below, as bytes, and why (after "the header cannot be read: ").
BROKEN_HEADERS = {
    "unclosed-quote": (
        b'"date,campaign,category,payee,amount\n2026-11-01,spring-launch,ads,Meta,12.00\n',
        'not valid CSV: a quote opened in it is never closed (a quote inside a value is written twice: "")',
    ),
    "text-after-quote": (
        b'"date"x,campaign\n2026-11-01,spring-launch\n',
        "not valid CSV: a quoted value goes on after its closing quote (a comma should follow it; a quote inside a value is "
        'written twice: "")',
    ),
    # UTF-16 saved with no byte order mark reads as UTF-8 with a NUL after each letter: "d^@a^@t^@e^@" was the header.
    "utf16-without-bom": (
        "date,campaign,category,payee,amount\n2026-11-01,spring-launch,ads,Meta,12.00\n".encode("utf-16-le"),
        "it holds a NUL character (U+0000): UTF-16 text with no byte order mark, or no text at all? save the file as CSV UTF-8",
    ),
}


@pytest.mark.parametrize("broken", sorted(BROKEN_HEADERS))
@pytest.mark.parametrize("importer", sorted(CSV_IMPORTS))
def test_a_header_that_cannot_be_read_is_one_line_of_the_whole_file_and_no_bad_row(
    cli: Cli, tmp_path: Path, importer: str, broken: str
) -> None:
    """It was listed as ``FILE:1: not valid CSV: ...`` and then counted, "nothing imported: 1 bad row in FILE": no row
    could be read at all.  (A header with a NUL was "no column for date, campaign, ..." of a header "d^@a^@t^@e^@".)"""
    data, why = BROKEN_HEADERS[broken]
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    before = cli.ok("export")
    result = cli(*CSV_IMPORTS[importer], str(path))
    assert result.code == 2 and result.err.splitlines() == [
        f"crewdeck: error: nothing imported: {path}: line 1: the header cannot be read: {why}"
    ], result.err
    assert cli.ok("export") == before


#: What each CSV import says is missing from a header "Name,Notes", after "missing column(s): ", and how else to give it.
MISSING = {
    "ledger": ("columns: date, campaign, category, payee and amount", "; name them with --map FIELD=COLUMN"),
    "rate": ("columns: date, pair and rate", "; rename them: date,pair,rate or date,base,quote,rate"),
    "kpi-csv": ("columns: date and one of post, campaign, platform", "; name them with --map FIELD=COLUMN"),
    "kpi-meta": ("columns: Day or Reporting starts and Campaign name", "; name them with --map FIELD=COLUMN"),
    # A LinkedIn export's header is the row naming its campaign column, below a preamble: it was "no header row".
    "kpi-linkedin": ("column: Campaign Name", "; name it with --map campaign=COLUMN"),
    "asana": ("column: Task ID", ""),
    "linear": ("columns: ID and Title", ""),
}


@pytest.mark.parametrize("importer", sorted(MISSING))
def test_every_csv_import_names_the_columns_a_header_lacks_in_one_wording(cli: Cli, tmp_path: Path, importer: str) -> None:
    """Three wordings: "no column for campaign, category (the header is: ...)" (ledger, rate), "header: no column
    'Task ID' (columns: ...)" (Asana, Linear), "no date column (Day or Reporting starts; ...)" (kpi, naming no column
    the file has, and only the first of two missing)."""
    path = tmp_path / "other.csv"
    path.write_text("Name,Notes\nBrief,first\n", encoding="utf-8")
    missing, hint = MISSING[importer]
    # kpi names the header's line (LinkedIn's is below a preamble), when it found one.
    where = f"{path}:1" if importer in ("kpi-csv", "kpi-meta") else str(path)
    has = "no row of the file names it" if importer == "kpi-linkedin" else "the header is: Name, Notes"
    assert cli(*CSV_IMPORTS[importer], str(path)).err == f"crewdeck: error: nothing imported: {where}: missing {missing} ({has}{hint})\n"


def _workbook(path: Path) -> None:
    """An .xlsx as Excel saves one: a ZIP of XML parts (compressed: bytes that are not UTF-8 from the first line)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types>' + "<Default/>" * 40 + "</Types>")
        book.writestr(
            "xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + "<row><c t='s'><v>0</v></c></row>" * 40 + "</sheetData></worksheet>"
        )


#: A file no import reads as text, made so, and what it is said to be (after "FILE: ").
NOT_TEXT = {
    "xlsx": (_workbook, "a ZIP file (an Excel .xlsx or a LibreOffice .ods workbook, or an archive), not text: save the sheet as CSV (UTF-8), "
             "or unzip the export it holds"),
    "xls": (lambda path: path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4),
            "an Excel 97-2003 workbook (.xls), not text: save the sheet as CSV (UTF-8)"),
    "pdf": (lambda path: path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
            "a PDF document, not text: export it as CSV (UTF-8) instead"),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(NOT_TEXT))
@pytest.mark.parametrize("importer", sorted(CSV_IMPORTS))
def test_a_workbook_or_a_pdf_given_for_a_csv_is_said_to_be_one(cli: Cli, tmp_path: Path, importer: str, kind: str) -> None:
    """An .xlsx, .xls or PDF saved where a CSV was meant was "line 1: not UTF-8 text (byte 0xB3): save it as UTF-8, or
    convert it (from Windows-1252, as many banks write: iconv ...)": converted so, it is still no CSV."""
    make, said = NOT_TEXT[kind]
    path = tmp_path / "export.csv"
    make(path)
    before = cli.ok("export")
    assert cli(*CSV_IMPORTS[importer], str(path)).err == f"crewdeck: error: nothing imported: {path}: {said}\n"
    assert cli.ok("export") == before


#: Per CSV import, a header and a row of its columns (the first column a date, the last a number).
ROWS = {
    "ledger": ("date,campaign,category,payee,amount", "2026-11-01,spring-launch,ads,Meta,12.00"),
    "rate": ("date,pair,rate", "2026-11-01,USD/EUR,0.92"),
    "kpi-csv": ("date,campaign,platform,clicks", "2026-11-01,spring-launch,instagram,3"),
    "asana": ("Task ID,Name,Due Date", "1201,Brief,2026-11-20"),
    "linear": ("ID,Title,Due Date", "MKT-1,Shoot,2026-11-20"),
}


@pytest.mark.parametrize("importer", sorted(ROWS))
def test_a_row_of_more_or_fewer_cells_than_the_header_is_said_one_way_by_every_csv_import(cli: Cli, tmp_path: Path, importer: str) -> None:
    """The ledger and rate imports said "4 columns, the header has 3" and nothing of why; kpi import said why of a row
    of too many cells only; Asana's and Linear's of both."""
    header, row = ROWS[importer]
    cut, wide = row.rsplit(",", 1)[0], f"{row},more"
    path = tmp_path / "rows.csv"
    path.write_text(f"{header}\n{cut}\n{wide}\n", encoding="utf-8")
    columns = header.count(",") + 1
    assert cli(*CSV_IMPORTS[importer], str(path)).err.splitlines() == [
        f"{path}:2: {columns - 1} cells, but the header has {columns} columns (is the file cut short?)",
        f"{path}:3: {columns + 1} cells, but the header has {columns} columns (a comma in a value needs quotes)",
        f"crewdeck: error: nothing imported: 2 bad rows in {path} (listed above)",
    ]


@pytest.mark.parametrize("importer", ["ledger", "kpi-csv", "kpi-meta"])
def test_a_column_map_names_that_the_header_lacks_is_said_as_every_missing_column_is(cli: Cli, tmp_path: Path, importer: str) -> None:
    """It was a fourth wording: "--map amount=Betrag: the file has no column 'Betrag' (it has ...)"."""
    path = tmp_path / "other.csv"
    path.write_text("Name,Notes\nBrief,first\n", encoding="utf-8")
    where = str(path) if importer == "ledger" else f"{path}:1"
    assert cli(*CSV_IMPORTS[importer], str(path), "--map", "date=Datum").err == (
        f"crewdeck: error: nothing imported: {where}: missing column: Datum (the header is: Name, Notes; --map date=Datum names it)\n"
    )


@pytest.mark.parametrize("importer", sorted(ROWS))
def test_a_value_quoted_after_a_space_is_said_to_be_so_not_to_need_quotes(cli: Cli, tmp_path: Path, importer: str) -> None:
    """``, "Meta, Inc"``: a quote opens a quoted value only right after the comma; after a space it is text, and the
    comma inside splits the value.  "a comma in a value needs quotes" was said of a value that had them."""
    header, row = ROWS[importer]
    first, rest = row.split(",", 1)
    path = tmp_path / "spaced.csv"
    path.write_text(f'{header}\n{first}, "{rest.split(",", 1)[0]}, and more",{rest.split(",", 1)[1]}\n', encoding="utf-8")
    columns = header.count(",") + 1
    assert cli(*CSV_IMPORTS[importer], str(path)).err.splitlines()[0] == (
        f"{path}:2: {columns + 1} cells, but the header has {columns} columns (a quote after a space quotes nothing: put it right "
        "after the comma)"
    )


#: Per CSV import, a header and a row whose first cell it needs is empty, and what that cell's column is called.
EMPTY_FIRST = {
    "ledger": ("date,campaign,category,payee,amount", ",spring-launch,ads,Meta,12.00", "date"),
    "rate": ("date,pair,rate", ",USD/EUR,0.92", "date"),
    "rate-pair": ("pair,date,rate", ",2026-11-01,0.92", "pair"),
    "rate-base": ("base,quote,date,rate", ",EUR,2026-11-01,0.92", "base"),
    "rate-rate": ("rate,date,pair", ",2026-11-01,USD/EUR", "rate"),
    "kpi-csv": ("date,campaign,platform,clicks", ",spring-launch,instagram,3", "date"),
    "kpi-meta": ("Day,Campaign name,Reach", ",Spring Launch,3", "Day"),
    "asana": ("Task ID,Name", ",Brief", "Task ID"),
    "linear": ("ID,Title", ",Shoot", "ID"),
}


@pytest.mark.parametrize("case", sorted(EMPTY_FIRST))
def test_an_empty_cell_an_import_needs_is_said_to_be_required_by_every_csv_import(cli: Cli, tmp_path: Path, case: str) -> None:
    """It was said four ways: "date: '' is not a date like 2026-11-20" (where the ledger said "payee: required" in the
    same row), "base: unknown currency ''", "Day: '' is not a date", "Task ID: missing"."""
    header, row, column = EMPTY_FIRST[case]
    path = tmp_path / "empty.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert cli(*CSV_IMPORTS[case.split("-")[0] if case.startswith("rate") else case], str(path)).err.splitlines() == [
        f"{path}:2: {column}: required",
        f"crewdeck: error: nothing imported: 1 bad row in {path} (listed above)",
    ]


@pytest.mark.parametrize("importer", sorted(CSV_IMPORTS))
def test_a_json_file_given_for_a_csv_is_said_to_be_json_by_every_csv_import(cli: Cli, tmp_path: Path, importer: str) -> None:
    """Asana's and Linear's imports said so; the ledger's, rate and kpi imports read its "{" as a header naming none of
    their columns ("missing columns: date, campaign, ... (the header is: {; ...)"). A crewdeck export given to
    Asana's or Linear's is said to be one, as every import of tasks says a file is another's export."""
    path = tmp_path / "export.json"
    path.write_text(cli.ok("export"), encoding="utf-8")
    said = f"{path}: JSON, not CSV: export it as CSV"
    if importer in ("asana", "linear"):
        what = {"asana": "an Asana CSV export", "linear": "a Linear CSV export"}[importer]
        said = f"{path}: a crewdeck export, not {what}: import it with no --from"
    assert cli(*CSV_IMPORTS[importer], str(path)).err == f"crewdeck: error: nothing imported: {said}\n"


def test_a_header_of_bracketed_names_is_no_json(cli: Cli, tmp_path: Path) -> None:
    """A database's export names its columns "[Date],[Amount]": read with --map, never refused as JSON."""
    path = tmp_path / "db.csv"
    path.write_text("[Date],[Campaign],[Category],[Payee],[Amount]\n2026-11-01,spring-launch,ads,Meta,12.00 EUR\n", encoding="utf-8")
    maps = "date=[Date],campaign=[Campaign],category=[Category],payee=[Payee],amount=[Amount]"
    assert cli.ok("ledger", "import", str(path), "--map", maps) == "imported 1 entry\n"
    # Quoted, a name that opens as JSON would ("[1] date": its cell, the quotes gone): the file opens with a quote.
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('"[1] date",campaign,category,payee,amount\n2026-11-02,spring-launch,ads,Meta,13.00 EUR\n', encoding="utf-8")
    assert cli.ok("ledger", "import", str(quoted), "--map", "date=[1] date") == "imported 1 entry\n"


#: Per CSV import, a header and a row it reads (the rows above, and Meta's and LinkedIn's).
DECLARED_ROWS = {
    **ROWS,
    "kpi-meta": ("Day,Campaign name,Reach", "2026-11-01,Spring Launch,3"),
    "kpi-linkedin": ("Start Date (in UTC),Campaign Name,Impressions", "11/01/2026,Spring Launch,3"),
}


@pytest.mark.parametrize("importer", sorted(DECLARED_ROWS))
@pytest.mark.parametrize("ending", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_excels_sep_line_declares_the_separator_to_every_csv_import(cli: Cli, tmp_path: Path, importer: str, ending: str) -> None:
    """Excel saves a CSV for another locale's Excel with a first line "sep=;": it was read as the header (a column
    "sep=", the real header a row), "missing columns: date, ...".  It declares the separator, and the rows below keep
    their lines' numbers."""
    header, row = (line.replace(",", ";") for line in DECLARED_ROWS[importer])
    command = CSV_IMPORTS[importer]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"\ufeffsep=;{ending}{header}{ending}{row};more{ending}", encoding="utf-8")
    columns = header.count(";") + 1
    assert cli(*command, str(bad)).err.splitlines()[0] == (
        f"{bad}:3: {columns + 1} cells, but the header has {columns} columns (a semicolon in a value needs quotes)"
    )
    declared = tmp_path / "declared.csv"
    declared.write_text(f"sep=;{ending}{header}{ending}{row}{ending}", encoding="utf-8")
    cli.ok(*command, str(declared))
    again = cli.ok(*command, str(declared))
    twin = tmp_path / "twin.csv"
    twin.write_text(f"{DECLARED_ROWS[importer][0]}\n{DECLARED_ROWS[importer][1]}\n", encoding="utf-8")
    assert cli.ok(*command, str(twin)).replace(str(twin), str(declared)) == again
    # A file of the declaration alone holds no header: empty, as every import says it.
    alone = tmp_path / "alone.csv"
    alone.write_text(f"sep=;{ending}", encoding="utf-8")
    assert cli(*command, str(alone)).err.startswith(f"crewdeck: error: nothing imported: {alone}: the file is empty (expected ")


@pytest.mark.parametrize("importer", sorted(ROWS))
def test_a_header_opening_with_a_bracketed_number_is_csv_and_a_json_array_is_still_json(cli: Cli, tmp_path: Path, importer: str) -> None:
    """A header "[1] note,date,..." (a column numbered as some tools number them) opens as a JSON array of numbers
    would: it was refused as "JSON, not CSV".  An array of numbers (or true, false, null) is still said to be JSON."""
    header, row = ROWS[importer]
    path = tmp_path / "numbered.csv"
    path.write_text(f"[1] note,{header}\nfirst,{row}\n", encoding="utf-8")
    cli.ok(*CSV_IMPORTS[importer], str(path))
    for text in ("[1, 2, 3]\n", "[\n  1.5,\n  2\n]\n", "[7]\n", "[true, null]"):
        array = tmp_path / "array.json"
        array.write_text(text, encoding="utf-8")
        said = cli(*CSV_IMPORTS[importer], str(array)).err
        assert said.startswith(f"crewdeck: error: nothing imported: {array}: JSON, not CSV: export it as CSV") and said.count("\n") == 1


@pytest.mark.parametrize("importer", sorted(DECLARED_ROWS))
def test_blank_lines_before_a_header_of_semicolons_leave_it_read_by_them(cli: Cli, tmp_path: Path, importer: str) -> None:
    """Every import passes over blank lines before the header; the ledger's and rate import looked for the separator on
    the first line, blank, and read a sheet of semicolons by commas: "missing columns: date, ... (the header is:
    date;campaign;...)", naming the columns it lacked in the header that has them."""
    header, row = (line.replace(",", ";") for line in DECLARED_ROWS[importer])
    path = tmp_path / "blank-first.csv"
    path.write_text(f"\n  \n{header}\n{row};more\n", encoding="utf-8")
    columns = header.count(";") + 1
    assert cli(*CSV_IMPORTS[importer], str(path)).err.splitlines()[0] == (
        f"{path}:4: {columns + 1} cells, but the header has {columns} columns (a semicolon in a value needs quotes)"
    )
