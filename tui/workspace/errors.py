"""Errors that reach a person as one line, never as a traceback."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from crewdeck.tui.workspace.words import counted

if TYPE_CHECKING:
    from crewdeck.sync.client.remote import SyncError
    from crewdeck.sync.state.clock import ClockSkewError
    from crewdeck.sync.state.store import WorkspaceError


class UserError(Exception):
    """Something the user asked for that cannot be done, and why.

    The command line prints the message on stderr and exits with status 2;
    the app shows it as a notification.
    """


class TryLater(UserError):
    """Something that may be done later as asked: the workspace stayed locked by another process past the wait, the
    sync server could not be reached.  The command line exits with status 75 (``EX_TEMPFAIL`` of sysexits.h, what mail
    and backup tools exit with for "try again"), so that a script tells it from input that will never do."""


class Ambiguous(UserError):
    """An id typed that starts more than one record's. The message is one line that lists their ids (for where one line
    is shown: a file's row, a field's note); ``candidates`` says which is which, a line each, for the command line to
    print under it: a person chooses by what the record is, not by its digits alone."""

    def __init__(self, message: str, candidates: Sequence[str]) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


class Unidentified(UserError):
    """Nobody is named (no ``--as``, no ``CREWDECK_MEMBER``, no config member) and nobody is mapped:
    a command that only reads goes on as nobody; one that writes says this."""


def home_path(text: str) -> Path:
    """A path crewdeck was given, its leading ``~`` or ``~user`` read as a shell reads it (``--token-file=~/t`` reaches
    crewdeck with its ``~``), for every path it takes.  ``UserError`` naming it when there is no such home: Python
    raises ``RuntimeError`` for ``~nosuchuser/...``, which reached the user as a traceback.  The path is to be opened
    (``pathnames.system_name``): a message says it as typed (``pathnames.typed_name``)."""
    from crewdeck.sync.state.pathnames import system_name

    try:
        return Path(system_name(text)).expanduser()
    except RuntimeError:
        from crewdeck.sync.state.visible import visible  # here: importing this module stays free

        user = text[1:].split("/", 1)[0]
        if user:
            raise UserError(visible(f"{text}: ~{user} is the home of a user {user!r}, and there is no such user on this machine")) from None
        raise UserError(visible(f"{text}: this user's home is not known (HOME is not set): give the whole path")) from None


def one_line_errors() -> tuple[type[Exception], ...]:
    """The errors whose message says all a person needs: bad input, a workspace that refuses.

    Any other exception is a bug and is reported as one.  (Imported when
    asked, so that importing this module stays free.)
    """
    from crewdeck.sync.state.clock import ClockSkewError
    from crewdeck.sync.state.money import MoneyError
    from crewdeck.sync.state.records import ValidationError
    from crewdeck.sync.state.rules import Refused
    from crewdeck.sync.state.store import WorkspaceError
    from crewdeck.sync.state.zones import UnknownZoneError
    from crewdeck.tui.time.when import DateError

    return (UserError, WorkspaceError, ValidationError, Refused, ClockSkewError, MoneyError, UnknownZoneError, DateError)


def try_later_errors() -> tuple[type[Exception], ...]:
    """The errors that end a command with "try again": the same command may succeed later, as it is."""
    from crewdeck.sync.state.store import WorkspaceBusy

    return (TryLater, WorkspaceBusy)


def workspace_refused(error: WorkspaceError) -> UserError:
    """A workspace's ``WorkspaceError`` as the person is told it: ``TryLater`` when the file stayed locked past the wait."""
    return stopped_by(error, str(error))


def stopped_by(error: SyncError | ClockSkewError | WorkspaceError, message: str) -> UserError:
    """What stopped a command (``error``) as the person is told it, in ``message``: ``TryLater`` when the same command
    may pass later as it is (a sync server down or busy, the workspace locked past the wait), else ``UserError``."""
    from crewdeck.sync.state.store import WorkspaceBusy, WorkspaceError

    if isinstance(error, WorkspaceError):
        later = isinstance(error, WorkspaceBusy)
    else:  # the sync client (and httpx) imported only here: a workspace's error is said on every command's path
        from crewdeck.sync.client.remote import SyncError

        later = isinstance(error, SyncError) and error.try_later
    return (TryLater if later else UserError)(message)


def undecodable(text: str) -> bool:
    """Text that cannot be written as UTF-8: a command-line argument or file name with bytes that were not UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


#: What is said of a file that opens as UTF-16 does and is not (cut mid-character, a lone surrogate).
UTF16_BROKEN = "not UTF-16 text, though it begins as UTF-16 does"


def source_name(path: str) -> str:
    """A file an import reads, as its messages (and the records it writes) name it: ``-`` is standard input, in words."""
    return "standard input" if path == "-" else path


def empty_file(name: str, expected: str) -> str:
    """What every import says of a file with nothing in it (nothing but a byte order mark, blank lines or spaces):
    ``expected``, what it should have held ("a header: date,campaign,..."), as ``ledger import`` first said it."""
    return f"{name}: the file is empty (expected {expected})"


def not_utf8(name: str, path: str, error: Exception | None = None) -> str:
    """What is said of a file that is not UTF-8 (``name``: how its messages call it): the line of its first byte that is
    not and how to convert it; of one that opens as UTF-16 does (Excel's "Unicode Text", which the imports read as
    such), that it is not UTF-16 either.  The file is read again for it, once its reading failed; standard input, read
    once, is named alone, as what its ``error`` was reading it as (UTF-16: its ``encoding`` says so)."""
    import codecs  # here: importing this module stays free

    said = f"{name}: not UTF-8 text"
    if path == "-":
        encoding = str(getattr(error, "encoding", ""))
        if encoding.startswith("utf-16"):
            return f"{name}: {UTF16_BROKEN}"
        if encoding and codecs.lookup(encoding).name != "utf-8":
            # Typed at a terminal, read in the terminal's own encoding (cp1252, EUC-JP): not UTF-8's fault.
            import sys

            return f"{name}: not text in the terminal's encoding ({sys.stdin.encoding})"
        return said
    from crewdeck.sync.state.pathnames import system_name

    try:
        with open(system_name(path), "rb") as stream:
            head = stream.read(len(max(NOT_TEXT, key=len)))
            if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                return f"{name}: {UTF16_BROKEN}"
            for magic, what in NOT_TEXT.items():
                if head.startswith(magic):
                    return f"{name}: {what}"
            stream.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")()
            lines = 1
            while True:
                chunk = stream.read(1 << 16)
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    # The bytes the decoder held from the chunk before (an unfinished character) hold no line break.
                    line = lines + exc.object[: exc.start].count(b"\n")
                    return f"{name}: line {line:,}: not UTF-8 text (byte 0x{exc.object[exc.start]:02X}): {_to_utf8(path)}"
                if not chunk:
                    break
                lines += chunk.count(b"\n")
    except OSError:
        pass
    return said


#: Files that are no text in any encoding, by their first bytes: an Excel or bank export saved as a workbook or a PDF
#: was "not UTF-8 text (byte 0xB3): ... convert it (from Windows-1252, ...: iconv ...)", which makes it no CSV.
NOT_TEXT = {
    b"PK\x03\x04": "a ZIP file (an Excel .xlsx or a LibreOffice .ods workbook, or an archive), not text: save the sheet as CSV "
    "(UTF-8), or unzip the export it holds",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an Excel 97-2003 workbook (.xls), not text: save the sheet as CSV (UTF-8)",
    b"%PDF-": "a PDF document, not text: export it as CSV (UTF-8) instead",
}


def _to_utf8(path: str) -> str:
    """What to do with a file in a legacy encoding: save it as UTF-8, or convert it (a bank's export, often Windows-1252)."""
    import shlex
    from pathlib import Path

    source = Path(path)
    utf8 = shlex.quote(str(source.with_name(f"{source.stem}-utf8{source.suffix}")))
    return f"save it as UTF-8, or convert it (from Windows-1252, as many banks write: iconv -f WINDOWS-1252 -t UTF-8 {shlex.quote(path)} > {utf8})"


#: What every CSV import says of an empty cell it needs ("date: required"), as the ledger's form says it of a field: it
#: was "'' is not a date like 2026-11-20", "unknown currency ''" and "Task ID: missing" too.
REQUIRED_CELL = "required"

#: The most of a header's columns a one-line error names.
HEADER_SHOWN = 12


def header_text(header: list[str]) -> str:
    """A file's header as every import's one-line error names it: its first ``HEADER_SHOWN`` columns, each cut as a
    quoted cell is, and how many there are when that is not all (a cell may hold 131,072 characters, a row thousands of
    them); ``""`` for none."""
    from crewdeck.sync.state.visible import cut  # here: importing this module stays free

    names = ", ".join(cut(name.strip()) for name in header[:HEADER_SHOWN])
    return names if len(header) <= HEADER_SHOWN else f"{names}, … ({len(header):,} columns)"


def missing_columns(where: str, missing: Sequence[str], header: list[str] | None, hint: str = "") -> str:
    """What every import says of a header that lacks a column it reads, in one line: ``where`` (the file, or the line its
    header is on), each column missing as the file would name it ("Task ID"; "Day or Reporting starts": either does),
    the header the file has (``header_text``; ``None``: no row is known to be it, as a LinkedIn export's is the row naming
    its campaign column), and how else to give one (``hint``: "name it with --map date=COLUMN").
    (They said it three ways: "no column for campaign (the header is: ...)", "header: no column 'Task ID' (columns:
    ...)", "no date column (Day or Reporting starts; ...)", that one naming no column the file has.)"""
    from crewdeck.sync.state.visible import cut

    # Each name cut as a quoted cell is: a 100 KB --map value filled the line, and its shortening left out the header.
    names = [cut(name) for name in missing]
    columns = "column" if len(names) == 1 else "columns"
    said = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    has = (
        f"no row of the file names {'it' if len(missing) == 1 else 'them'}"
        if header is None
        else f"the header is: {header_text(header) or 'none'}"
    )
    return f"{where}: missing {columns}: {said} ({has}{f'; {hint}' if hint else ''})"


def mapped_missing(where: str, header: list[str], name: str, column: str) -> str:
    """``missing_columns`` of the column ``--map name=column`` names (it was "--map clicks=Klicks: the file has no column
    'Klicks' (it has ...)", a fourth wording)."""
    from crewdeck.sync.state.visible import cut

    return missing_columns(where, [column], header, f"--map {name}={cut(column)} names it")


def named_again(header: list[str], found: list[int], name: str) -> str:
    """What every import says of a header naming the column a field is read from more than once (``found``: the
    columns' indexes, ``name``: the field)."""
    from crewdeck.sync.state.visible import cut

    numbers = [str(i + 1) for i in found]
    times, others = ("twice", "other") if len(found) == 2 else (f"{len(found)} times", "others")
    return (
        f"the header names {cut(header[found[0]].strip())} {times} (columns {', '.join(numbers[:-1])} and {numbers[-1]}): "
        f"which holds the {name} is not known; rename the {others}"
    )


#: What a problem names after its file: a row by its line ("12:"), a record by its kind and number (" card 3"); "line 2:"
#: is where a file stops being text (``not_utf8``), no row's problem.
_LOCATED = re.compile(r"(\d+):| (?!line )([a-z_]+ \d+)\b")


def located(problem: str, source: str) -> str | None:
    """The row or record of ``source`` that ``problem`` names (``FILE:LINE: ...``, ``FILE: card 3 (...): ...``), or
    ``None``: a problem of the whole file."""
    found = _LOCATED.match(problem, len(source) + 1) if problem.startswith(f"{source}:") else None
    return None if found is None else found[1] or found[2]


def record_named(source: str, kind: str, number: int, name: object = "", key: str = "") -> str:
    """How every import of JSON names a record of its file: ``FILE: card 3 (“Launch post”)``, its kind, its number
    among the file's records of that kind (the first is 1), its name (cut to 40 characters), and the id a person types
    for it where the source has one (``task 2 (“Cut the reel”, uuid 1a2b3c4d)``): Trello named a card by an id no one
    sees in Trello and its name unquoted, Taskwarrior and a crewdeck export by ``task #2``, which in Taskwarrior is
    another task's id."""
    text = name.strip() if isinstance(name, str) else ""
    if len(text) > 40:
        text = f"{text[:40]}…"
    # Every record of an import is named before it is checked (100,000 of a Taskwarrior file): a printable name, nearly
    # all of them, is shown as it is, without going through ``named`` or running the import of it (a third of the call).
    shown = text
    if not text.isprintable():
        from crewdeck.sync.state.visible import named  # here: importing this module stays free

        shown = named(text)
    said = [f"“{shown}”"] if text else []
    said += [key] if key else []
    return f"{source}: {kind} {number}" + (f" ({', '.join(said)})" if said else "")


def given_again(source: str, field: str, value: str, first: int | str) -> str:
    """What every import says of a record whose id a record before it in the file gives too (the two would be one record,
    which of them is meant a guess): the id (``field``: as the file calls it, ``value``: as the file gives it) and where
    it was first, a row's line (``first``: a number) or a record as ``record_named`` names it ("FILE: card 1 (“One”)").
    It was "in the file more than once", "appears twice in the file": which row was the other was for a person to find."""
    from crewdeck.sync.state.visible import cut, visible  # here: importing this module stays free

    place = f"on line {first:,}" if isinstance(first, int) else f"in {first.removeprefix(f'{source}: ')}"
    return f"{field}: {cut(visible(value))} already {place}"


def first_place(source: str, where: str) -> int:
    """Where a record is, in one number a file of 100,000 records holds for each at little cost (its name, a title each,
    took a Trello board's import to the memory goal): a CSV row's line (``FILE:LINE``), or a JSON record's number among
    its kind's (``FILE: card 3 (“Launch post”)``); ``first_named`` names it from that."""
    line = where.removeprefix(f"{source}:")
    return int(line) if line.isdigit() else int(line.split()[1])


def first_named(source: str, where: str, first: int) -> int | str:
    """The record ``first_place`` gave ``first`` for, as ``given_again`` takes it, told by ``where``, the record after it
    of the same kind: a CSV row by its line, a JSON record by its kind and number (``FILE: card 1``)."""
    line = where.removeprefix(f"{source}:")
    return first if line.isdigit() else record_named(source, line.split()[0], first)


def nothing_imported(problems: Sequence[str], source: str, noun: str = "row") -> str:
    """The line every import that wrote nothing for its bad rows ends with, after listing them one a line:
    "nothing imported: 2 bad rows in FILE (listed above)" (``noun``: "record" for a file of JSON records)."""
    return f"nothing imported: {bad_counted(problems, source, noun)} (listed above)"


def bad_counted(problems: Sequence[str], source: str, noun: str = "row") -> str:
    """How many rows ``problems`` name, "2 bad rows in FILE": a row counted once however many problems it has, and a
    problem that names no row said apart ("1 problem of the whole file")."""
    named = [located(problem, source) for problem in problems]
    rows, whole = len({at for at in named if at is not None}), named.count(None)
    said = [counted(rows, f"bad {noun}")] if rows or not whole else []
    if whole:
        said.append(f"{counted(whole, 'problem')} of the whole file")
    return f"{' and '.join(said)} in {source}"


def cells_counted(cells: Sequence[str], columns: int, separator: str) -> str:
    """What every CSV import says of a row of more or fewer ``cells`` than its header has ``columns``, and what it may
    mean: for more, a value holding the file's ``separator`` unquoted, or quoted after a space (``, "Meta, Inc"``: a
    quote opens a quoted value only right after the separator, and "a comma in a value needs quotes" was said of one
    that had them); for fewer, a file cut short.  (The ledger's and rate import's "6 columns, the header has 5" said
    neither, kpi import's only the first.)"""
    from crewdeck.tui.workspace.separators import NAMES, unquoted_separator  # here: importing this module stays free

    if len(cells) <= columns:
        why = "is the file cut short?"
    elif any(cell[:1].isspace() and cell.lstrip().startswith('"') for cell in cells):
        why = f"a quote after a space quotes nothing: put it right after the {NAMES[separator]}"
    else:
        why = unquoted_separator(separator)
    return f"{counted(len(cells), 'cell')}, but the header has {columns:,} columns ({why})"


def summary(problems: list[str], shown: int = 10) -> str:
    """The first ``shown`` problems on one line, and how many more there are."""
    more = f" (and {len(problems) - shown:,} more)" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more


#: How a quote is written inside a value, said with each problem a stray quote makes.
QUOTE_INSIDE = 'a quote inside a value is written twice: ""'


def csv_problem(exc: Exception, limit: int | None = None, row: str = "this row") -> str:
    """What a ``csv.Error`` means, said plainly: a cell over the size limit (``limit``, or the csv module's) is valid CSV,
    only too long; a stray quote is named as one, with the file's separator by its name (the csv module's words,
    "'\t' expected after '\"'", put a raw tab on the terminal).  ``row``: what the quote is opened in ("it": a header)."""
    import csv  # here: importing this module stays free

    from crewdeck.sync.state.visible import visible
    from crewdeck.tui.workspace.separators import NAMES

    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell longer than {limit or csv.field_size_limit():,} characters"
    if text == "unexpected end of data":  # the file ended inside a quoted value
        return f"not valid CSV: a quote opened in {row} is never closed ({QUOTE_INSIDE})"
    if text.endswith(" expected after '\"'") and text[1:2] in NAMES:
        return f"not valid CSV: a quoted value goes on after its closing quote (a {NAMES[text[1]]} should follow it; {QUOTE_INSIDE})"
    return f"not valid CSV: {visible(text)}"


#: Why a header holding a NUL is not read: no column is named so, and UTF-16 text with no byte order mark reads so as UTF-8
#: (a NUL after each ASCII letter: "d^@a^@t^@e^@" was listed as the columns the file lacked).
HEADER_NUL = "it holds a NUL character (U+0000): UTF-16 text with no byte order mark, or no text at all? save the file as CSV UTF-8"


#: How a JSON document opens: an object's first key (or its end), an array's first value (or its end), or either
#: bracket alone on its line; a number, true, false or null first in an array is followed by its comma, or by the end of
#: its line, the array's closing bracket or not.  A header "[Date],[Amount]", as some databases name columns, opens none,
#: nor one "[1] date,amount", which was refused as JSON.
_JSON_OPENING = re.compile(r'[\ufeff\s]*(\{\s*("|\}|\Z)|\[\s*(["{\[\]]|\Z|(-?\d[\d.eE+-]*|true|false|null)[ \t\r]*(,|\]?[ \t\r]*(\n|\Z))))')


def opens_json(line: str) -> bool:
    """Whether a file's first line that is not blank opens a JSON document, as an Asana project's other export, a
    crewdeck or Taskwarrior export, or an API's answer saved does: read as CSV, it was a header "{" naming no column."""
    return _JSON_OPENING.match(line) is not None


def json_not_csv(source: str, also: str = "") -> str:
    """What every CSV import says of a file that ``opens_json``; ``also``: where such a file does go."""
    return f"{source}: JSON, not CSV: export it as CSV" + (f" ({also})" if also else "")


def unreadable_header(source: str, line: int, problem: str) -> str:
    """What every CSV import says of a header it cannot read, ``problem`` saying why (``csv_header_problem``,
    ``HEADER_NUL``): one line of the whole file, never counted as a bad row ("1 bad row" was said of a file none of whose
    rows could be read), its line said as ``not_utf8`` says where a file stops being text."""
    return f"{source}: line {line:,}: the header cannot be read: {problem}"


def csv_header_problem(source: str, line: int, exc: Exception, limit: int | None = None) -> str:
    """``unreadable_header`` for a header that is not CSV (``csv_problem``: a quote opened in it and never closed)."""
    return unreadable_header(source, line, csv_problem(exc, limit, row="it"))


def holds_nul(cells: Sequence[str]) -> bool:
    """Whether a header's ``cells`` hold a NUL (``HEADER_NUL``)."""
    return any("\x00" in cell for cell in cells)


def header_refusal(source: str, line: int, cells: Sequence[str]) -> str | None:
    """What a CSV import says of a header row (``cells``, read on ``line``) it cannot take, one holding a NUL (``None``
    for a header to read columns from).  JSON is told by the file's opening text (``opens_json``), not by a header's
    cells, whose quotes are gone: ``"[1, 2]"`` opens no JSON document, its cell ``[1, 2]`` would."""
    return unreadable_header(source, line, HEADER_NUL) if holds_nul(cells) else None
