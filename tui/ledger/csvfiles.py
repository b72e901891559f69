"""Ledger entries and rates as CSV, in and out.

Imports are all or nothing: every row is checked first (with the same
checks as ``ledger add``), every bad row is reported with its line number,
and only a file with no bad row is written, in one transaction.

Importing the same file twice adds nothing: an entry's id comes from the
file (an ``id`` column, as ``ledger export --format csv`` writes) or is
derived from the row's content (date, campaign, category, payee, amount,
currency, memo, task, approval flag) and how many identical rows came
before it in the file, so two identical spends on one day stay two entries,
and rows already in the workspace are skipped.  The file's name plays no
part: a renamed copy, or a later export that overlaps an earlier one,
imports only what is new.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import MoneyError, check_currency, decimal_comma_fits, format_minor, parse_rate
from crewdeck.sync.state.records import ENTITIES, ValidationError, composed
from crewdeck.sync.state.rules import EntryFacts, reversal_refused
from crewdeck.sync.state.visible import quoted, written
from crewdeck.tui.ledger import entries as entry_lib
from crewdeck.tui.ledger.actions import EntryDraft, derived_id, reversal_id
from crewdeck.tui.ledger.form import FormContext, FormProblems, parse_entry
from crewdeck.tui.ledger.rates import Rate, parse_pair
from crewdeck.tui.time.when import DateError, check_day
from crewdeck.tui.workspace.errors import (
    REQUIRED_CELL,
    UserError,
    bad_counted,
    cells_counted,
    csv_header_problem,
    csv_problem,
    empty_file,
    given_again,
    header_refusal,
    json_not_csv,
    mapped_missing,
    missing_columns,
    named_again,
    opens_json,
    summary,
)
from crewdeck.tui.workspace.separators import CsvLines
from crewdeck.tui.workspace.workspace import Member, Workspace

ENTRY_COLUMNS = (
    "date",
    "campaign",
    "category",
    "payee",
    "amount",
    "currency",
    "memo",
    "task",
    "id",
    "reverses",
    "needs_approval",
    "approved_by",
    "approved_at",
)
ENTRY_REQUIRED = ("date", "campaign", "category", "payee", "amount")
EXPORT_COLUMNS = (
    "id",
    "date",
    "campaign",
    "category",
    "payee",
    "amount",
    "currency",
    "memo",
    "task",
    "reverses",
    "needs_approval",
    "status",
    "entered_by",
    "entered_at",
    "approved_by",
    "approved_at",
    # The manager who entered it, or approved it, acting as ``entered_by`` or ``approved_by`` (``--as``); empty for none.
    "entered_by_actor",
    "approved_by_actor",
)
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d\Z")
#: A day written some other way ("28/11/2026", "11.28.26"): what ``--date-format`` reads.
_OTHER_DAY = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\Z")
#: An amount with a decimal comma, its thousands grouped by dots or not: "-1.200,00", "300,5", "1200".
_COMMA_AMOUNT = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?\Z")
#: An amount with a decimal dot whose thousands commas group: "1,200.00" (its decimals say which mark is which).
_GROUPED_DOT_AMOUNT = re.compile(r"-?\d{1,3}(,\d{3})+\.\d+\Z")
#: An amount whose thousands a space groups, as French, Nordic and Swiss statements write them ("-1 234,50", "12 000.00";
#: a no-break or a narrow one, as a spreadsheet writes it, too): a space never marks decimals, under either mark.
_SPACE_GROUPED_AMOUNT = re.compile(r"[-+]?\d{1,3}([ \u00a0\u202f\u2009]\d{3})+([.,]\d+)?\Z")
_GROUPING_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")


@dataclass(frozen=True)
class Reading:
    """How an import reads a file's amounts and dates when they are not written as crewdeck writes them: a bank's
    statement signs payments negative (``negate``), may write "1.200,00" (``decimal_comma``) and "28/11/2026"
    (``date_format``, as ``strptime`` and hledger's CSV rules take it: ``%d/%m/%Y``)."""

    negate: bool = False
    decimal_comma: bool = False
    date_format: str | None = None

    @classmethod
    def given(cls, negate: bool, decimal_mark: str | None, date_format: str | None) -> Reading:
        """From ``ledger import``'s options; ``UserError`` for a decimal mark or a date format that reads no date."""
        if decimal_mark not in (None, ".", ","):
            raise UserError(f"--decimal-mark: '.' or ',', not {decimal_mark!r}")
        if date_format is not None:
            sample = dt.date(2026, 11, 28)  # a day above 12: a format that swaps day and month does not give it back
            try:
                back = dt.datetime.strptime(sample.strftime(date_format), date_format).date()
            except ValueError as exc:
                raise UserError(f"--date-format {date_format!r}: {exc}") from None
            if back != sample:
                raise UserError(f"--date-format {date_format!r} does not read a year, a month and a day (say %d/%m/%Y)")
        return cls(negate, decimal_mark == ",", date_format)

    def day(self, text: str) -> str:
        """``text`` as ``YYYY-MM-DD`` (checked after as every date is)."""
        if not text:  # said as the entry's other fields say it (it was "'' is not a date like 2026-11-20")
            raise UserError(f"date: {REQUIRED_CELL}")
        if self.date_format is None:
            if not _ISO_DAY.match(text):
                hint = "; --date-format reads others, e.g. %d/%m/%Y" if _OTHER_DAY.match(text) else ""
                raise UserError(f"date: {quoted(text)} is not a date like 2026-11-20 (YYYY-MM-DD{hint})")
            return text
        try:
            return dt.datetime.strptime(text, self.date_format).date().isoformat()
        except ValueError:
            raise UserError(f"date: {quoted(text)} is not a date in the --date-format {self.date_format}") from None

    def amount(self, text: str, name: str = "amount") -> str:
        """``text`` as ``ledger add`` takes an amount, its currency kept: a statement's "+15.00" without its sign, its
        "1,200.00" and "1 200.00" without the commas or spaces that group it, its "(1,200.00)" as "-1200.00", and with
        ``decimal_comma`` "-1.200,00 EUR" and "-1 200,00 EUR" as "-1200.00 EUR".  ``name``: what a refusal calls it
        (a rate is read so too)."""
        number, code = _number_and_code(text)
        signed = number.strip()
        # An accountant's negative, "(1,234.50)", as hledger's CSV rules read it: "-1,234.50" ("(-5)" stays refused).
        bracketed = len(signed) > 2 and signed[0] == "(" and signed[-1] == ")" and signed[1].isdigit()
        if bracketed:
            signed = "-" + signed[1:-1].strip()
        # Under the dot, "1 234,50" stays as written: refused, with the hint of --decimal-mark , (``comma_hint``).
        spaced = bool(_SPACE_GROUPED_AMOUNT.match(signed)) and (self.decimal_comma or "," not in signed)
        if spaced:
            signed = _GROUPING_SPACES.sub("", signed)
        number = signed[1:] if signed.startswith("+") and signed[1:2].isdigit() else signed  # "+-5" stays refused
        if self.decimal_comma:
            if not _COMMA_AMOUNT.match(number):
                if "." not in number and "," not in number:
                    return text  # no number ("abc"): ``ledger add``'s checks say so, where this said how marks are read
                # "12.50" read with a comma for the mark would be 1250: refused, never guessed.
                raise UserError(f"{name} {quoted(text)}: with --decimal-mark , a comma marks the decimals and dots group thousands")
            number = number.replace(".", "").replace(",", ".")
        elif _GROUPED_DOT_AMOUNT.match(number):
            number = number.replace(",", "")
        elif number == signed and not spaced and not bracketed and text.strip() == f"{number} {code}".strip():
            return text  # as typed: ``ledger add``'s checks say what is wrong with it
        return f"{number} {code}".strip()

    def comma_hint(self, text: str, currency: str | None = None) -> str:
        """What to add to the refusal of an amount that ``--decimal-mark ,`` would read ("-245,10"), else ``""``: of one
        whose comma can only group thousands in its currency (the code ``text`` names, else ``currency``; ``None``: a
        rate), as "20,000" of JPY or EUR, which that mark refuses for its decimals, and of one written with a currency
        symbol too, refused for the symbol, which no mark reads ("12,50 €")."""
        number, code = _number_and_code(text)
        if code and not code.isalpha():
            return ""
        if _SPACE_GROUPED_AMOUNT.match(number):
            number = _GROUPING_SPACES.sub("", number)
        return "" if self.decimal_comma or not decimal_comma_fits(number, code.upper() or currency) else " (or --decimal-mark ,)"


def as_written(problem: str, read: str, written: str, name: str = "amount") -> str:
    """The refusal ``problem`` of an amount ``read`` from the cell ``written`` (its grouping taken out, its decimal comma
    made a dot, a currency column's code added), quoting the cell as the file has it, as every other problem does:
    "amount '1.234,567': EUR has 2 decimal places", not "amount '1234.567'", which is nowhere in the file."""
    for said in (read.strip(), *read.split()):  # the amount whole ("write it as ..."), or its number alone
        head = f"{name} {quoted(said)}"
        if problem.startswith(head):
            return f"{name} {quoted(written)}{problem[len(head) :]}"
    return problem


def _number_and_code(text: str) -> tuple[str, str]:
    """A cell's number and the currency it names after it or before it, as ``ledger add`` takes both ("1,200.00 EUR",
    "EUR 1,200.00"); ``""`` for none.  The number then reads the same either way: "EUR 1,200.00" was refused as "use a dot
    as the decimal separator", where "1,200.00 EUR" was read."""
    words = text.split(None, 1)
    last = text.rsplit(None, 1)
    if len(last) == 2 and last[1].isascii() and last[1].isalpha():
        return last[0].strip(), last[1]
    if len(words) == 2 and words[0].isascii() and words[0].isalpha():
        return words[1].strip(), words[0]
    return _symbol_split(text.strip())


def _symbol_split(text: str) -> tuple[str, str]:
    """``text``'s number and a currency symbol written before or after it ("12,00 €", "€12.00", "-$5") as its code,
    which the checks then refuse by name ("'12,00 €': write the currency as its code after the number ..."): read with the
    number, "-12,00 €" was "with --decimal-mark , a comma marks the decimals", of an amount written so."""
    end = len(text)
    while end and unicodedata.category(text[end - 1]) == "Sc":
        end -= 1
    if end < len(text):
        return text[:end].strip(), text[end:]
    sign = text[:1] if text[:1] in "+-" else ""
    start = len(sign)
    while start < len(text) and unicodedata.category(text[start]) == "Sc":
        start += 1
    if start > len(sign):
        return sign + text[start:].strip(), text[len(sign) : start]
    return text, ""


_ID = re.compile(r"[0-9a-f]{32}\Z")
_YES = {"1", "yes", "true", "y", "pending"}
_NO = {"", "0", "no", "false", "n"}


@dataclass
class Rejected(UserError):
    """A file with bad rows: ``problems`` has one line per bad row (``SOURCE:LINE: field: problem``).

    As a message it is one line: how many rows are bad, then the first of
    them by line number.
    """

    source: str
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"nothing imported: {bad_counted(self.problems, self.source)}: {summary(self._lines())}"

    def _lines(self) -> list[str]:
        """The problems with ``line N:`` for the file's name and line."""
        prefix = f"{self.source}:"
        return [
            f"line {p[len(prefix) :]}" if p.startswith(prefix) and p[len(prefix) : len(prefix) + 1].isdigit() else p for p in self.problems
        ]


# ---------------------------------------------------------------- reading


def parse_map(
    specs: Sequence[str], fields: Sequence[str] = ENTRY_COLUMNS, *, name: str = "FIELD", example: str = "amount=Betrag"
) -> dict[str, str]:
    """``["date=Booking date", "amount=Betrag"]`` (or comma-joined) -> field -> column header.

    ``fields``: the names a spec may map (``kpi import --map`` passes its metrics, called ``name`` in the errors).
    """
    mapping: dict[str, str] = {}
    for spec in specs:
        for part in spec.split(","):
            field, eq, header = part.partition("=")
            field = field.strip().lower()
            if not eq or not header.strip():
                raise UserError(f"--map {part!r}: write {name}=COLUMN, e.g. {example}")
            if field not in fields:
                raise UserError(f"--map {part!r}: no field {field!r} (fields: {', '.join(fields)})")
            if field in mapping:
                raise UserError(f"--map {part!r}: {field} is mapped twice ({field}={mapping[field]})")
            mapping[field] = header.strip()
    return mapping


def _delimiter(text: str) -> str:
    """What splits the file's columns, as every CSV import decides it (``CsvLines``): what its first line declares
    ("sep=;"), else what its header holds most of, the blank lines before it passed over as ``_rows`` passes them (a
    blank first line read a file of semicolons with commas: "missing columns: date, ... (the header is: date;campaign;...)")."""
    lines = CsvLines(io.StringIO(text, newline=""))
    return lines.separator(lines.opening()[1])


def _rows(text: str, source: str, problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` of each non-empty row, the header first.  A row that is not CSV (a stray quote) goes into
    ``problems`` and the reading goes on from the line after it, so that one run names every bad row; a header that is
    not CSV, or holds a NUL, or a file of JSON, is a ``UserError`` of the whole file (no row can be read without it:
    none is counted)."""
    if opens_json(text):
        raise UserError(json_not_csv(source))
    separator = _delimiter(text)
    reader = csv.reader(CsvLines(io.StringIO(text, newline="")), delimiter=separator, strict=True)
    line = 1
    header = True
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            # Said on the line the row starts on: a quote left open is read on to the end of the file.
            if header:
                raise UserError(csv_header_problem(source, line, exc)) from None
            problems.append(f"{source}:{line}: {csv_problem(exc)}")
            if reader.line_num < line:  # nothing more was read: it would fail there again
                return
        else:
            if cells is None:
                return
            if any(cell.strip() for cell in cells):
                if header and (refused := header_refusal(source, line, cells)) is not None:
                    raise UserError(refused)
                header = False
                yield line, cells
        line = reader.line_num + 1


def _records(
    rows: Iterator[tuple[int, list[str]]],
    header: list[str],
    columns: dict[str, int],
    source: str,
    problems: list[str],
    separator: str,
) -> Iterator[tuple[str, int, dict[str, str]]]:
    """``(where, line, field -> cell)`` of each row with as many cells as the header; the others go to ``problems``
    (``separator``: the file's, which says what a row of too many cells may lack)."""
    for line, cells in rows:
        where = f"{source}:{line}"
        if len(cells) != len(header):
            problems.append(f"{where}: {cells_counted(cells, len(header), separator)}")
            continue
        yield where, line, {name: cells[i].strip() for name, i in columns.items()}


def _columns(
    header: list[str],
    wanted: Sequence[str],
    required: Sequence[str],
    mapping: dict[str, str],
    source: str,
    hint: str | None = None,
) -> dict[str, int]:
    """Field -> column index, from the header row and ``--map``; ``hint`` says how to name a column that is missing
    (``None``: with ``--map``)."""
    by_name: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        by_name.setdefault(h.strip().lower(), []).append(i)
    columns: dict[str, int] = {}
    for name in wanted:
        header_name = mapping.get(name, name).lower()
        if header_name in by_name:
            found = by_name[header_name]
            if len(found) > 1:
                # Which of them holds the field, the file does not say: read either, and an amount may be the wrong one.
                raise UserError(f"{source}: {named_again(header, found, name)}")
            columns[name] = found[0]
        elif name in mapping:
            raise UserError(mapped_missing(source, header, name, mapping[name]))
    missing = [name for name in required if name not in columns]
    if missing:
        if hint is None:
            hint = f"name it with --map {missing[0]}=COLUMN" if len(missing) == 1 else "name them with --map FIELD=COLUMN"
        raise UserError(missing_columns(source, missing, header, hint))
    return columns


#: A problem that opens with the field it is of: "date: ...", "amount '12,50': ...".
_FIELD_FIRST = re.compile(r"(\w+)(?:: | (?=')|:\Z)")


def column_said(problem: str, header: Sequence[str], columns: Mapping[str, int]) -> str:
    """``problem`` of a row as ``column: what``, the column as the file's header spells it (with ``--map amount=Betrag``,
    "Betrag"), where it opens with a field the file has a column for: every import of rows says ``FILE:LINE: column:
    problem`` ("amount '12,50': ..." named the field, not the column, and with no colon after it)."""
    found = _FIELD_FIRST.match(problem)
    if found is None or found[1] not in columns:
        return problem
    return f"{header[columns[found[1]]].strip()}: {problem[found.end() :].lstrip()}"


@dataclass
class EntryPlan:
    """What an import writes: ``(id, draft, reverses)`` per new entry, and how many rows were already there."""

    new: list[tuple[str, EntryDraft, str | None]] = field(default_factory=list)
    already: int = 0
    #: One line per new entry the file says was approved: its approval is not imported.
    notes: list[str] = field(default_factory=list)
    #: New entries that reverse none.
    plain: int = 0
    #: Those of ``plain`` whose amount is negative: money back, less spent.
    negative: int = 0
    #: New entries whose row names no currency (none in its amount, no currency cell): read in the base currency.
    base_assumed: int = 0
    #: Whether the file has a currency column (or ``--map`` names one).
    currency_column: bool = False
    #: The lines of rows of a zero amount (a statement's zero fee, ``0,00``): skipped, for a zero records nothing.
    zero_lines: list[int] = field(default_factory=list)


def plan_entries(
    text: str,
    source: str,
    ws: Workspace,
    today: dt.date,
    mapping: dict[str, str] | None = None,
    me: Member | None = None,
    *,
    reading: Reading | None = None,
    defaults: Mapping[str, str] | None = None,
) -> EntryPlan:
    """What importing ``text`` writes, or ``Rejected`` naming every bad row; ``me``: who imports, whose reversals of
    entries in the workspace the rules judge row by row (a member reverses only their own).  ``reading``: how the
    amounts and dates are written (a bank statement's); ``defaults``: field -> the value of a row that has none for it
    (a statement names no campaign), its column then not required."""
    reading = reading or Reading()
    defaults = defaults or {}
    problems: list[str] = []
    rows = _rows(text, source, problems)
    first = next(rows, None)
    if first is None:
        raise UserError(empty_file(source, f"a header: {','.join(ENTRY_REQUIRED)},..."))
    columns = _columns(first[1], ENTRY_COLUMNS, [name for name in ENTRY_REQUIRED if name not in defaults], mapping or {}, source)
    ctx = FormContext.load(ws, today)
    tasks: dict[str, str] = {}

    def resolve_task(prefix: str) -> str:
        if prefix not in tasks:
            tasks[prefix] = ws.resolve("task", prefix, live=True)
        return tasks[prefix]

    planned: list[tuple[int, str, EntryDraft, str | None]] = []
    #: Line -> who approved the row's entry and when, as the file says.
    approved: dict[int, str] = {}
    #: Lines whose row names no currency.
    unnamed: set[int] = set()
    seen: Counter[tuple[Any, ...]] = Counter()
    zero_lines: list[int] = []
    for where, line, cell in _records(rows, first[1], columns, source, problems, _delimiter(text)):
        cell.update({name: value for name, value in defaults.items() if not cell.get(name)})
        if _zero(cell.get("amount", ""), reading):
            zero_lines.append(line)
            continue
        try:
            draft, explicit_id, reverses, named = _entry_row(cell, ctx, resolve_task, reading)
        except UserError as exc:
            # Each of the row's problems on a line of its own, as ``kpi import`` lists them (they were joined by "; ").
            said = [p if p.startswith(n) else f"{n}: {p}" for n, p in exc.problems.items()] if isinstance(exc, FormProblems) else [str(exc)]
            problems.extend(f"{where}: {column_said(p, first[1], columns)}" for p in said)
            continue
        if reading.negate:
            draft = replace(draft, amount=-draft.amount)
        if reverses:
            entry_id = reversal_id(reverses)
            if explicit_id and explicit_id != entry_id:
                problems.append(f"{where}: id: a reversal's id is derived from the entry it reverses ({entry_id})")
                continue
        elif explicit_id:
            entry_id = explicit_id
        else:
            content = (
                draft.date,
                draft.campaign,
                draft.category,
                draft.payee,
                draft.amount,
                draft.currency,
                draft.memo,
                draft.task or "",
                draft.needs_approval,
            )
            seen[content] += 1
            entry_id = derived_id("import", *map(str, content), str(seen[content]))
        # The id is of the file's text as written (an entry imported from it before text was stored composed keeps
        # its id); what is compared with the stored entry is the text as stored.
        draft = _as_stored(draft)
        planned.append((line, entry_id, draft, reverses))
        if not named:
            unnamed.add(line)
        if cell.get("approved_by"):
            approved[line] = f"@{cell['approved_by'].lstrip('@')} {cell.get('approved_at', '')}".rstrip()
    plan = EntryPlan(currency_column="currency" in columns, zero_lines=zero_lines)
    in_file = {entry_id: (draft, reverses) for _, entry_id, draft, reverses in planned}
    existing = _existing(ws, [entry_id for _, entry_id, _, _ in planned] + [r for *_, r in planned if r])
    # An id the file gives may be another kind of record's here (the write would refuse it, naming no line).
    others = ws.store.stored_entities([entry_id for _, entry_id, _, _ in planned if entry_id not in existing])
    authors = _authors(ws, [r for *_, r in planned if r and r in existing])
    # A reversal's id is derived from the entry it reverses: the same id twice is that entry reversed twice.
    first_line: dict[str, int] = {}
    for line, entry_id, draft, reverses in planned:
        where = f"{source}:{line}"
        if entry_id in first_line:
            twice = f"reverses: {short(reverses)} is reversed on line {first_line[entry_id]} already" if reverses else None
            problems.append(
                f"{where}: " + (twice or column_said(given_again(source, "id", entry_id, first_line[entry_id]), first[1], columns))
            )
            continue
        first_line[entry_id] = line
        if entry_id in others:
            taken = f"id: {entry_id} is a {others[entry_id].replace('_', ' ')} here, not a ledger entry"
            problems.append(f"{where}: {column_said(taken, first[1], columns)}")
            continue
        if reverses:
            original = existing.get(reverses) or in_file.get(reverses)
            problem = _reversal_problem(draft, original, reverses)
            if problem is None and me is not None and reverses in authors:
                # Whose entry it is, as the write would judge it; the rules' other reasons are the lines above.
                refusal = reversal_refused(me.facts(), reverses, EntryFacts(authors[reverses], draft.needs_approval, None), lambda: None)
                problem = None if refusal is None else f"reverses: {refusal}"
            if problem:
                problems.append(f"{where}: {problem}")
                continue
        if entry_id in existing:
            if existing[entry_id][0] != draft:
                again = f"reverses: {short(reverses)} is already reversed by {short(entry_id)}" if reverses else None
                problems.append(f"{where}: " + (again or column_said(f"id: {entry_id} already holds a different entry", first[1], columns)))
            else:
                plan.already += 1
            continue
        plan.new.append((entry_id, draft, reverses))
        if line in unnamed:
            plan.base_assumed += 1
        if not reverses:
            plan.plain += 1
            if draft.amount < 0:
                plan.negative += 1
        if line in approved:
            # A manager's own act (rule ``author_field``): no import writes one in another's name.
            plan.notes.append(
                f"{where}: approved by {approved[line]} in the file; an approval is a manager's own act and is not imported: "
                "the entry is pending here until a manager approves it"
            )
    if problems:
        raise Rejected(source, problems)
    return plan


#: A number of zero, with its sign or none (``-0.00``: ``Reading.amount`` has made a decimal comma a dot).
_ZERO = re.compile(r"[-+]?0+(\.0+)?\Z")


def _zero(text: str, reading: Reading) -> bool:
    """Whether a cell's amount is zero (``0,00``, ``-0.00 EUR``): a row of it records nothing, whatever else it holds."""
    try:
        number, _ = _number_and_code(reading.amount(text))
    except UserError:
        return False
    return bool(_ZERO.match(number))


def _entry_row(
    cell: dict[str, str], ctx: FormContext, resolve_task: Any, reading: Reading
) -> tuple[EntryDraft, str | None, str | None, bool]:
    """The row's entry, its id and the id it reverses as the file gives them, and whether it names its currency."""
    # The cells read before the entry's own checks: each problem is kept, not raised, so that the row's other
    # problems are listed with it (a bad date hid a bad amount until the next run).
    early: dict[str, str] = {}
    day = _read_cell(early, "date", lambda: reading.day(cell["date"]))
    flag = cell.get("needs_approval", "").lower()
    if flag not in _YES | _NO:
        early["needs_approval"] = f"needs_approval: {quoted(cell['needs_approval'])} is not yes or no"
    amount = _read_cell(early, "amount", lambda: reading.amount(cell["amount"]))
    currency = _read_cell(early, "currency", lambda: _currency_cell("currency", cell["currency"]) if cell.get("currency") else "")
    number, _, named = amount.rpartition(" ")
    if currency and number:  # the amount names its currency as well: a code, or a symbol ("€12.50") the checks refuse by name
        if named.isascii() and named.isalpha() and named.upper() != currency.upper():
            early["amount"] = (
                f"amount {quoted(cell['amount'])} is in {named.upper()}, but its currency column says {quoted(cell['currency'])}"
            )
    elif currency and amount:
        amount = f"{amount} {currency}"
    values = {name: cell.get(name, "") for name in ("campaign", "category", "payee", "memo", "task")}
    # A date or amount that could not be read is given as one that can, for the other fields' checks alone: its own
    # problem is the one said.
    given = {**values, "date": day or ctx.today.isoformat(), "amount": "0" if "amount" in early else amount}
    try:
        draft = parse_entry(given, ctx, needs_approval=flag in _YES, resolve_task=resolve_task)
    except FormProblems as exc:
        found = dict(exc.problems)
        if "amount" in found and "amount" not in early:
            hint = reading.comma_hint(cell["amount"], currency or ctx.base_currency)
            found["amount"] = as_written(found["amount"], amount, cell["amount"]) + hint
        raise FormProblems({**early, **{name: problem for name, problem in found.items() if name not in early}}) from None
    if early:
        raise FormProblems(early)
    _check_record("ledger_entry", {name: getattr(draft, name) for name in _DRAFT_FIELDS})
    ids = []
    for name in ("id", "reverses"):
        value = cell.get(name, "").lower()
        if value and not _ID.match(value):
            raise UserError(f"{name}: {quoted(cell[name])} is not an entry id (32 hex digits)")
        ids.append(value or None)
    # A lone number is read in the base currency (``parse_amount``'s default), which the import says in a note.
    return draft, ids[0], ids[1], len(amount.split()) > 1


def _as_stored(draft: EntryDraft) -> EntryDraft:
    """``draft`` with its text as the store keeps it, composed (``records.composed``): a file that spells an accent as
    its own mark (as a Mac may) reads as the entry it wrote, which is stored composed."""
    return replace(draft, payee=composed(draft.payee), memo=composed(draft.memo))


def _read_cell(problems: dict[str, str], name: str, read: Callable[[], str]) -> str:
    """``read()``, or ``""`` with its refusal kept in ``problems`` under ``name``."""
    try:
        return read()
    except UserError as exc:
        problems[name] = str(exc)
        return ""


#: The fields of an entry that come from the file (its author and time come from who imports, and when).
_DRAFT_FIELDS = ("date", "campaign", "category", "payee", "amount", "currency", "memo", "task", "needs_approval")


def _check_record(entity: str, values: Mapping[str, object]) -> None:
    """The record checks every write goes through, here so that a refusal names the row's line."""
    try:
        ENTITIES[entity].check_record(values)
    except ValidationError as exc:
        raise UserError(f"{exc.field}: {exc.problem}") from None


def _reversal_problem(draft: EntryDraft, found: tuple[EntryDraft, str | None] | None, reverses: str) -> str | None:
    if found is None:
        return f"reverses: no entry {reverses} in the workspace or earlier in the file"
    original, its_original = found
    if its_original:
        # As ``ledger reverse`` says: a reversal is never reversed (its own reversal would count the spend again).
        return f"reverses: {reverses} is itself a reversal (of {short(its_original)}); to count that spend again, add it anew"
    mirrored = EntryDraft(
        original.date,
        original.campaign,
        original.category,
        original.payee,
        -original.amount,
        original.currency,
        draft.memo,
        draft.task,
        original.needs_approval,
    )
    if draft != mirrored:
        return f"reverses: a reversal of {reverses} has its date, campaign, category, payee and currency and the opposite amount"
    return None


def _existing(ws: Workspace, ids: list[str]) -> dict[str, tuple[EntryDraft, str | None]]:
    """The entries stored under these ids, each with the id of the entry it reverses."""
    found: dict[str, tuple[EntryDraft, str | None]] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        rows = ws.conn.execute(
            "SELECT id, date, campaign, category, payee, amount, currency, memo, task, needs_approval, reverses "
            f"FROM ledger_entry WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for r in rows:
            found[r[0]] = (EntryDraft(r[1], r[2], r[3], r[4], r[5], r[6], r[7] or "", r[8], bool(r[9])), r[10])
    return found


def _authors(ws: Workspace, ids: list[str]) -> dict[str, str]:
    """Who entered each of these entries (member ids)."""
    found: dict[str, str] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        found.update(ws.conn.execute(f"SELECT id, entered_by FROM ledger_entry WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    return found


def write_entries(ws: Workspace, me: Member, plan: EntryPlan, now: dt.datetime) -> None:
    with ws.store.write(me.id) as w:
        for entry_id, draft, reverses in plan.new:
            record = draft.record(me, now)
            if reverses:
                record["reverses"] = reverses
            w.append("ledger_entry", record, row_id=entry_id)


# ---------------------------------------------------------------- rates


def _rate_pair(cell: dict[str, str], split: bool) -> tuple[str, str]:
    """The row's currencies, base and quote, as ``rate set`` reads its pair, or ``UserError`` naming the column it is
    wrong in, as every problem of a row is named ("pair: 'USD/XXX': unknown currency 'XXX'"; of split columns, the cell
    as it is written)."""
    if not split:
        if not cell["pair"]:
            raise UserError(f"pair: {REQUIRED_CELL}")
        try:
            return parse_pair(cell["pair"])
        except UserError as exc:
            raise UserError(f"pair: {exc}") from None
    base, quote = (_currency_cell(name, cell[name]) for name in ("base", "quote"))
    if base == quote:
        raise UserError(f"quote: {quoted(cell['quote'])} is the base currency too: a rate needs two different currencies")
    return base, quote


def _currency_cell(name: str, text: str) -> str:
    """The currency code a column's cell names, or ``UserError`` naming the column (a currency refused as the amount's or
    the pair's was said of a column it is not in)."""
    if not text:  # it was "unknown currency ''"
        raise UserError(f"{name}: {REQUIRED_CELL}")
    try:
        return currency_code(text)
    except MoneyError as exc:
        raise UserError(f"{name}: {exc}") from None


def currency_code(text: str) -> str:
    """The currency code a cell names, as ``ledger add`` reads one ("eur" is EUR); ``MoneyError`` when it names none."""
    code = text.strip()
    return check_currency(code.upper() if code.isascii() and code.isalpha() and len(code) == 3 else code)


def plan_rates(text: str, source: str, ws: Workspace, reading: Reading | None = None) -> tuple[list[Rate], int, list[str]]:
    """``(rates to write, rows already as stored, what each rate it replaces was)``; ``Rejected`` names every bad row.
    ``reading``: how the rates are written (``--decimal-mark ,``: "0,9215"), read as ``ledger import`` reads amounts."""
    reading = reading or Reading()
    problems: list[str] = []
    rows = _rows(text, source, problems)
    first = next(rows, None)
    if first is None:
        raise UserError(empty_file(source, "a header: date,pair,rate or date,base,quote,rate"))
    header = {h.strip().lower() for h in first[1]}
    split = {"base", "quote"} <= header
    wanted = ("date", "base", "quote", "rate") if split else ("date", "pair", "rate")
    # ``rate import`` has no --map: the hint named one, refused as an unrecognized argument.
    columns = _columns(first[1], wanted, wanted, {}, source, "rename them: date,pair,rate or date,base,quote,rate")
    rates: dict[str, tuple[int, Rate]] = {}
    for where, line, cell in _records(rows, first[1], columns, source, problems, _delimiter(text)):
        # Each cell judged on its own, each problem on its line, as ``ledger import`` lists a row's (a bad date hid a bad
        # rate in the same row: the next import named it).
        said = _rate_day_problems(cell["date"])
        pair, read, value = ("", ""), "", None
        try:
            pair = _rate_pair(cell, split)
        except UserError as exc:
            said.append(str(exc))
        try:
            if not cell["rate"]:
                raise UserError(f"rate: {REQUIRED_CELL}")
            read = reading.amount(cell["rate"], "rate")
            value = parse_rate(read)
        except MoneyError as exc:
            said.append(as_written(str(exc), read, cell["rate"], "rate") + reading.comma_hint(cell["rate"]))
        except UserError as exc:
            said.append(str(exc))
        if not said and value is not None:
            rate = Rate(cell["date"], *pair, value)
            try:
                _check_record("rate", rate.values)
            except UserError as exc:
                said.append(str(exc))
        if said:
            problems.extend(f"{where}: {column_said(problem, first[1], columns)}" for problem in said)
            continue
        if rate.id in rates and rates[rate.id][1].rate != rate.rate:
            problems.append(
                f"{where}: {first[1][columns['rate']].strip()}: {rate.base}/{rate.quote} on {rate.day} already has rate "
                f"{rates[rate.id][1].text} on line {rates[rate.id][0]}"
            )
            continue
        rates[rate.id] = (line, rate)
    if problems:
        raise Rejected(source, problems)
    stored = dict(ws.conn.execute("SELECT id, rate FROM rate WHERE deleted = 0"))
    new = [rate for _, rate in rates.values() if stored.get(rate.id) != rate.text]
    # Set again, a rate replaces the old one, and every total it converted changes: said, as ``rate set`` says it.
    replaced = [f"{r.base}/{r.quote} on {r.day} was {stored[r.id]}" for r in new if stored.get(r.id) is not None]
    return new, len(rates) - len(new), replaced


def _rate_day_problems(text: str) -> list[str]:
    """What is wrong with a rate's date cell (``rate set``'s days: ISO, real, in the calendar crewdeck holds), if anything."""
    if not text:
        return [f"date: {REQUIRED_CELL}"]
    if not _ISO_DAY.match(text):
        return [f"date: {quoted(text)} is not a date like 2026-11-20 (YYYY-MM-DD)"]
    try:
        check_day(dt.date.fromisoformat(text))
    except DateError as exc:
        return [f"date: {exc}"]
    except ValueError:
        return [f"date: {quoted(text)} is not a real date"]
    return []


def write_rates(ws: Workspace, me: Member, rates: Iterable[Rate]) -> None:
    with ws.store.write(me.id) as w:
        for rate in rates:
            w.set("rate", rate.id, {**rate.values, "deleted": False})


# ---------------------------------------------------------------- export


def export_entries(ws: Workspace, out: TextIO) -> int:
    """Every entry, oldest first, as CSV that ``ledger import`` reads back."""
    from crewdeck.tui.posts.frozen import frozen_ids

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    frozen = frozen_ids(ws.conn)
    names = entry_lib.Names.load(ws.conn)
    approvals = entry_lib.first_approvals(ws.conn, names)
    # Who really entered spend acting as another, as ``ledger list``'s BY says "@ana as @raj": the file is the audit trail.
    acted = entry_lib.entry_actors(ws.conn, names)
    n = 0
    for row in entry_lib.stream(ws.conn, "1", [], oldest_first=True):
        approved = approvals.get(row.id, ("", "", ""))
        # Text is written as crewdeck.sync.state.visible writes it: the file is often read on a terminal, and read back.
        writer.writerow(
            [
                row.id,
                row.date,
                row.campaign,
                written(row.category),
                written(row.payee),
                format_minor(row.amount, row.currency),
                row.currency,
                written(row.memo),
                row.task or "",
                row.reverses or "",
                "yes" if row.needs_approval else "no",
                "pending" if row.pending else "frozen" if row.id in frozen else "counted",
                written(row.entered_by),
                row.entered_at,
                *(written(part) for part in approved[:2]),
                written(acted.get(row.id, "")),
                written(approved[2]),
            ]
        )
        n += 1
    return n
