"""Results from files: Meta Ads Manager and LinkedIn Campaign Manager exports, and plain CSV.

All or nothing: the file is read a row at a time and written a batch at a
time inside one transaction (``Store.bulk``); every bad row is reported as
``FILE:LINE: column: problem`` (``csvfiles.Rejected``), and a file with one
is rolled back whole.  Memory holds a batch, not the file.  Rows are matched to
campaigns by name (or ``+slug`` or id) and to posts by id or title; a row
that matches nothing is a bad row, never a guess.

Importing the same file again changes nothing: a result is keyed by what
it counts and its day, and only the fields whose value differs from the
stored one are written.  ``--spend`` adds a ledger entry per row with
spend, whose id is derived from the format, campaign, day and currency:
imported again (or by a second member), it is the same entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, islice
from typing import Any, NamedTuple

from crewdeck.sync.state.money import (
    GROUPED_THOUSANDS,
    MoneyError,
    check_currency,
    format_minor,
    parse_amount,
    parse_decimal,
    shown_code,
    thousands_dropped,
)
from crewdeck.sync.state.oplog import OpError, check_row_id
from crewdeck.sync.state.records import LEDGER_ENTRY, RESULT, RESULT_COUNTS, canonical_json, canonical_json_varying
from crewdeck.sync.state.store import Store
from crewdeck.sync.state.visible import quoted, visible
from crewdeck.sync.state.writes import Writer
from crewdeck.tui.ledger import csvfiles
from crewdeck.tui.ledger.actions import derived_id
from crewdeck.tui.ledger.csvfiles import Rejected
from crewdeck.tui.results import accounts
from crewdeck.tui.results.keys import (
    PLATFORM,
    Key,
    Titled,
    above_counts,
    not_a_post,
    platform,
    target_text,
    tasks_by_title,
    title_key,
    titled_post,
    too_large,
)
from crewdeck.tui.time.when import last_day_begun, parse_utc
from crewdeck.tui.workspace.errors import (
    REQUIRED_CELL,
    UserError,
    cells_counted,
    csv_header_problem,
    csv_problem,
    empty_file,
    header_refusal,
    json_not_csv,
    mapped_missing,
    missing_columns,
    named_again,
    opens_json,
)
from crewdeck.tui.workspace.separators import CsvLines
from crewdeck.tui.workspace.workspace import Campaign, SharedName, Workspace, campaign_slug, match_campaign, same_name

FORMATS = ("meta", "linkedin", "csv")
#: What ``--map`` may name: the fields a row gives, for every format.
MAP_FIELDS = ("date", "end", "post", "campaign", "platform", *RESULT_COUNTS, "followers", "value", "spend", "currency")

#: Each format's columns per field, as the vendor's export names them (matched without regard to case).
#: Meta: Ads Manager's "Export table data", broken down by day; amounts carry their currency in the header.
#: LinkedIn: Campaign Manager's campaign performance export, a few lines of preamble before the header.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "meta": {
        "campaign": ("Campaign name",),
        "date": ("Day", "Reporting starts"),
        "end": ("Reporting ends",),
        "reach": ("Reach",),
        "impressions": ("Impressions",),
        "clicks": ("Link clicks",),
        "conversions": ("Results",),
        "engagements": ("Post engagements", "Post engagement"),
        "reactions": ("Post reactions",),
        "comments": ("Post comments",),
        "shares": ("Post shares",),
        "saves": ("Post saves",),
        "video_3s": ("3-second video plays",),
        "video_complete": ("Video plays at 100%",),
        "spend": ("Amount spent",),
        "value": ("Purchases conversion value", "Website purchases conversion value"),
        # Settings > Currency: the account's currency, when the amounts' headers do not name it.
        "currency": ("Currency",),
    },
    "linkedin": {
        "campaign": ("Campaign Name",),
        "date": ("Start Date (in UTC)", "Start Date"),
        "end": ("End Date (in UTC)", "End Date"),
        "currency": ("Currency",),
        "spend": ("Total Spent",),
        "impressions": ("Impressions",),
        "reach": ("Reach",),
        "clicks": ("Clicks",),
        "reactions": ("Reactions",),
        "comments": ("Comments",),
        "shares": ("Shares",),
        "engagements": ("Total Engagements",),
        "conversions": ("Conversions",),
        "value": ("Conversion Value",),
        "video_3s": ("Video Views",),
        "video_complete": ("Video Completions",),
    },
    "csv": {name: (name,) for name in MAP_FIELDS},
}
#: What a file of each format opens with, said of an empty one.
EXPECTED = {
    "meta": "Ads Manager's export, a header: Campaign name,Day,...",
    "linkedin": "Campaign Manager's export, a header: Campaign Name,Start Date,...",
    "csv": "a header naming date and a post, campaign or platform column",
}
#: How else a column missing is given: ``_MAP_IT % "date"``.
_MAP_IT = "name it with --map %s=COLUMN"
#: A Meta row's column naming what its ``Results`` count (``actions:link_click``, ``reach``, a conversion), and the
#: first day of its report range beside a ``Day`` column.  Read only for those, never named by ``--map``.
META_CONTEXT = {"indicator": ("Result indicator",), "start": ("Reporting starts",)}
#: A LinkedIn row's column naming the last day its campaign runs (empty while none is set): a row dated that day holds
#: that day's numbers alone, whatever the export's time breakdown.  Read only for that, never named by ``--map``.
LINKEDIN_CAMPAIGN_END = "Campaign End Date"
#: A Meta export's columns that show it has a row per ad or ad set (Ads Manager's Ads and Ad sets tabs), finest first:
#: several rows per campaign and day, which results key by campaign.
META_LEVELS = (("Ad name", "ad"), ("Ad set name", "ad set"))
#: A LinkedIn export's columns that show it has a row per ad (Campaign Manager's Ad performance report; its ads were
#: named creatives before).
LINKEDIN_LEVELS = (("Ad Name", "ad"), ("Creative Name", "ad"))
#: How each vendor's export is broken down by day, said of a file whose rows hold more than a day's numbers.
BY_DAY = {"meta": "Ads Manager: Breakdown > By time > Day", "linkedin": "Campaign Manager: Export, Time breakdown: Daily"}
#: A LinkedIn preamble's line naming a bound of the report's range ("Report Start: 11/20/2026"): its bound and its text.
_REPORT_BOUND = re.compile(r"\s*report (start|end)\s*:\s*(.*)", re.IGNORECASE)
_US_DAY_IN = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")
#: What to export instead, said once with the first row of a campaign and day already read: per format, the columns
#: that show a finer level, the levels said when none of them is there, and the export at the campaigns' level.
CAMPAIGN_LEVEL = {
    "meta": (META_LEVELS, "ad set or ad", "export it at the Campaigns level (Ads Manager: the Campaigns tab, Breakdown > By time > Day)"),
    "linkedin": (
        LINKEDIN_LEVELS,
        "ad",
        "export the Campaign performance report (Campaign Manager: Export, Report type: Campaign performance, Time breakdown: Daily)",
    ),
}
#: The result indicators, after Meta's ``actions:``, that name a conversion: its two conversion namespaces (pixel and
#: Conversions API events with custom conversions; conversions on Meta, such as its lead forms) and these events (a
#: Leads campaign's instant forms count ``leadgen_grouped``; ``omni_``: the same event from every source).
CONVERSION_NAMESPACES = ("offsite_conversion.", "onsite_conversion.")
CONVERSION_EVENTS = frozenset(
    {"lead", "leadgen_grouped", "omni_lead", "purchase", "complete_registration", "omni_purchase", "omni_complete_registration"}
)
#: In a conversion namespace, yet engagement: a post saved on Meta is no conversion.
NOT_CONVERSIONS = frozenset({"onsite_conversion.post_save"})
#: Why a row of a platform's followers takes no spend: spend is a campaign's.
FOLLOWERS_SPEND = "a platform's followers count for no campaign: name a post or a campaign for this spend"
#: Whom a vendor's spend is paid to (a plain CSV's row: its platform, as results key it).
PAYEE = {"meta": "Meta", "linkedin": "LinkedIn"}
_CURRENCY_IN_HEADER = re.compile(r"\(([A-Z]{3})\)\s*\Z")
_US_DAY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\Z")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
#: The fields a row's counts go to, in the order a row's values are written.
_COUNTED = (*RESULT_COUNTS, "followers")
#: A count grouped in thousands the same way (``12,500``): a comma anywhere else is no separator (``12,5``).
_GROUPED_COUNT = {mark: re.compile(rf"[1-9][0-9]{{0,2}}({re.escape(mark)}[0-9]{{3}})+\Z") for mark in ",."}
#: What groups a count's thousands, by whether a comma marks the decimals (``--decimal-mark ,``: "12.500", as that
#: sheet writes its amounts' thousands, "1.234,50").
_COUNT_GROUPING = {False: ("a comma", ","), True: ("a dot", ".")}
#: A count grouped by spaces, as French, Nordic and Swiss sheets write it ("12 500", Excel's no-break or narrow no-break
#: space), the spaces ``ledger import`` takes out of its amounts under either decimal mark ("1 234,50", "1 234.50").
_SPACE_GROUPED_COUNT = re.compile(r"[1-9][0-9]{0,2}([ \u00a0\u202f\u2009][0-9]{3})+\Z")


def names_conversion(indicator: str) -> bool:
    """Whether a Meta row's ``Result indicator`` names a conversion (``actions:offsite_conversion.fb_pixel_purchase``,
    ``actions:lead``), so its ``Results`` are conversions; any other (``actions:link_click``, ``reach``) is not."""
    action = indicator.strip().lower().removeprefix("actions:")
    return (action.startswith(CONVERSION_NAMESPACES) and action not in NOT_CONVERSIONS) or action in CONVERSION_EVENTS


def parse_map(specs: Sequence[str], fmt: str) -> dict[str, str]:
    """``["clicks=Link Clicks (all)"]`` (or comma-joined) -> metric -> column header, as ``ledger import --map``; a field
    the format ``fmt`` reads nothing into (a Meta row's post) is refused: taken, it would go unread without a word."""
    mapping = csvfiles.parse_map(specs, MAP_FIELDS, name="METRIC", example="clicks=Link Clicks")
    for name, column in mapping.items():
        if name not in COLUMNS[fmt]:
            raise UserError(f"--map {f'{name}={column}'!r}: --format {fmt} reads no {name} (fields: {', '.join(COLUMNS[fmt])})")
    return mapping


#: Rows read before a batch is written (memory holds one batch: at most ~20 operations a row).
BATCH = 400


class SpendRow(NamedTuple):
    """A row's spend, to be a ledger entry (a tuple: a file makes one per row, a frozen dataclass's fields cost a call each)."""

    entry_id: str
    campaign: str
    task: str | None
    day: str
    amount: int
    currency: str
    line: int
    #: The spend column's header, as the file names it.
    column: str = "spend"
    #: Whom the spend was paid to: the platform the row's results are on, so per platform they sit together.
    payee: str = "ads"


@dataclass
class Imported:
    """What an import read and wrote."""

    rows: int = 0
    changed: int = 0
    unchanged: int = 0
    #: Of the rows unchanged, those whose day now records the ad account the import named (its source alone written).
    accounts_recorded: int = 0
    spend_added: int = 0
    spend_already: int = 0
    #: A plain CSV's columns no field is read from (a metric under a name of its own, say), as the header names them.
    unread: tuple[str, ...] = ()
    #: The line of a Meta export's total row, not read (0: none).
    total_row: int = 0
    #: The rows whose amount spent is 0, to which no ledger entry goes (``--spend``), and the column, as the file names it.
    spent_nothing: int = 0
    spend_column: str = ""
    #: Per result indicator naming no conversion (as the file writes it): the rows whose Results were not read for it.
    left_out: dict[str, int] = field(default_factory=dict)
    #: ``(currency, day)`` of the spend entries added and the conversion values written (those no rate converts are said).
    money: set[tuple[str, str]] = field(default_factory=set)


#: ``(key, day, values, line)`` of one row read.
Wanted = tuple[Key, str, dict[str, Any], int]


def run(
    ws: Workspace,
    member: str,
    lines: Iterable[str],
    source: str,
    fmt: str,
    mapping: dict[str, str],
    now_text: str,
    *,
    with_spend: bool = False,
    before_write: Callable[[list[Key]], None] | None = None,
    size: int = BATCH,
    reading: csvfiles.Reading | None = None,
    account: str = "",
) -> Imported:
    """Read the file's ``lines`` (opened with ``newline=""``) a row at a time and write them ``size`` rows at a time, in one transaction.

    Every row is checked; once one is bad nothing more is written, the rest
    is still read, and ``Rejected`` names every bad row (the transaction is
    rolled back: nothing is imported).  ``before_write(keys)``: called
    before each batch is written, with the keys it writes.  ``reading``: how
    the amounts are written (``--decimal-mark ,``: "1.234,50"), read as
    ``ledger import`` reads them.  ``account``: the ad account of every row
    of the file, over its account column (``--account``): recorded with each
    row written, so another account's import of its key and day is refused
    rather than replacing it; a file whose column names several accounts is
    refused with it.
    """
    problems: list[str] = []
    # A file's days are in the ad account's zone, which the file does not name: a day after this one is to come wherever
    # the account is.
    begun = last_day_begun(parse_utc(now_text))
    # LinkedIn's header is the first row naming the campaign column (the lines before it describe the report).
    campaign_names = (mapping["campaign"],) if "campaign" in mapping else COLUMNS[fmt]["campaign"]
    report: dict[str, str] = {}  # a LinkedIn preamble's "Report Start" and "Report End", as ISO days
    text = CsvLines(lines)
    separator, opening, lines = _separator(text)
    if opens_json(opening):
        raise UserError(json_not_csv(source))
    rows = _rows(lines, separator, source, fmt, problems, {_bare(name).lower() for name in campaign_names}, report)
    first = next(rows, None)
    if first is None:
        if problems:
            raise Rejected(source, problems)
        if text.blank:  # said as every import says it: "no header row" read as if the file held one somewhere
            raise UserError(empty_file(source, EXPECTED[fmt]))
        if fmt == "linkedin":
            raise UserError(missing_columns(source, [" or ".join(campaign_names)], None, _MAP_IT % "campaign"))
        raise UserError(f"{source}: no header row")
    header_line, header = first
    columns, header_currency = _columns(header, fmt, mapping, source, header_line)
    if with_spend and "spend" not in columns:  # asked for, the money would go unread: "0 spend entries added" reads as none spent
        raise UserError(
            missing_columns(f"{source}:{header_line}: --spend", [" or ".join(COLUMNS[fmt]["spend"])], header, _MAP_IT % "spend")
        )
    out = Imported(unread=_unread(header, columns) if fmt == "csv" else ())
    clashes: list[str] = []
    value_column = header[columns["value"]].strip() if "value" in columns else "value"
    batches = _batches(
        ws,
        rows,
        source,
        fmt,
        header,
        columns,
        header_currency,
        with_spend,
        size,
        out,
        problems,
        begun,
        report,
        separator,
        reading or csvfiles.Reading(),
    )
    given = accounts.account_name(account)
    day_column = header[columns["date"]].strip()
    head = [next(batches)]
    head.extend(islice(batches, 1))
    # A file of one batch is one plain write; a longer one is written in one transaction around all its batches
    # (``Store.bulk`` builds the lookup indexes again at its end: worth it for a large file, not for a day's rows).
    ledger = _HeldSpend(ws)
    named: set[str] = set()  # with --account, the accounts the file's column names (one string per account)
    several = -1  # where in ``problems`` a file of several accounts under --account is said (-1: not so far)
    with ws.store.bulk() if len(head) > 1 else nullcontext():
        for wanted, spend, row_accounts in chain(head, batches):
            if given:
                named.update(row_accounts.values())
                if several < 0 and len({name.casefold() for name in named}) > 1:
                    # --account names one account for every row: a file of several would be recorded as one.  Said
                    # before this batch is written (none is then), its accounts named once the file is read.
                    several = len(problems)
                    problems.append("")
            batch = _Batch(wanted, spend, row_accounts, given, day_column)
            _batch(ws, member, batch, ledger, out, problems, clashes, source, fmt, now_text, before_write, value_column)
        if several >= 0:
            problems[several] = _several_accounts(source, given, named)
        # Raised inside the transaction: whatever the batches wrote is rolled back.
        if problems or clashes:
            # Spend the ledger holds otherwise is a bad row as any other: listed, one a line (they were one line, "; ").
            raise Rejected(source, problems + clashes)
    return out


def _several_accounts(source: str, given: str, named: set[str]) -> str:
    """The refusal of ``--account`` over a file whose account column names several (``named``)."""
    spelled: dict[str, str] = {}
    for name in sorted(named):
        spelled.setdefault(name.casefold(), name)  # one spelling of each account, as ``same_account`` compares them
    distinct = list(spelled.values())
    shown = ", ".join(f'"{name}"' for name in distinct[:NAMED_ACCOUNTS])
    more = f" and {len(distinct) - NAMED_ACCOUNTS:,} more" if len(distinct) > NAMED_ACCOUNTS else ""
    return (
        f'{source}: --account "{given}" names the ad account of every row, and the file\'s rows name several '
        f"({shown}{more}): import it without --account, each row of the account its column names"
    )


def _batches(
    ws: Workspace,
    rows: Iterator[tuple[int, list[str]]],
    source: str,
    fmt: str,
    header: list[str],
    columns: dict[str, int],
    header_currency: str | None,
    with_spend: bool,
    size: int,
    out: Imported,
    problems: list[str],
    begun: dt.date,
    report: dict[str, str],
    separator: str,
    reading: csvfiles.Reading,
) -> Iterator[tuple[list[Wanted], list[SpendRow], dict[int, str]]]:
    """The rows checked, ``size`` at a time (the last batch may be short or empty); a bad row goes to ``problems``.

    ``separator``: what splits the columns, by which a row's cells past the header's are said (``cells_counted``).

    ``report``: the range a LinkedIn preamble names (``start``, ``end``): a file of rows that each hold more than a
    day's numbers by it is a problem of its own, said once the last row is read (nothing is written then).
    """
    matcher = _Matcher(ws)
    # Worked out once per file: the latest day begun as text (ISO days compare as text as they do as days), the count
    # fields the file has columns for (in the order a row's values are written).
    latest = begun.isoformat()
    counted = tuple(name for name in _COUNTED if name in columns)
    by_day = fmt == "meta" and _bare(header[columns["date"]]).lower() != _bare(META_CONTEXT["start"][0]).lower()
    # Per result indicator as the file writes it: whether it names a conversion (a file names a few, on every row).
    indicator = columns.get("indicator")
    conversion_of: dict[str, bool] = {}
    seen: dict[str, int] = {}
    # The ad account of each row, where the file names it (an export of several accounts): per key and day, the first's.
    account = _account_column(header, columns)
    first_accounts: dict[str, str] = {}
    account_lines: dict[tuple[str, str], int] = {}
    folded: dict[str, str] = {}  # each account's text as the file writes it, without case: one string per account
    # Said with the first row of a campaign and day read before (an ad platform's file): what to export instead, once.
    again_hint = _level_hint(fmt, header, columns) if fmt in CAMPAIGN_LEVEL else ""
    wanted: list[Wanted] = []
    spend: list[SpendRow] = []
    row_accounts: dict[int, str] = {}  # the batch's rows' accounts, by line, where the account column names one
    first = True
    by_periods = _ByPeriods(report, "end" in columns) if fmt == "linkedin" else None
    for line, cells in rows:
        cell = _Cells(source, line, header, cells, columns, problems, separator)
        if first and fmt == "meta" and not cell.broken and not cell.get("campaign"):
            # Ads Manager's total over the rows, written first with its names empty: read, it would count them twice.
            out.total_row, first = line, False
            continue
        first = False
        if cell.broken:
            continue
        read = _read_row(cell, fmt, matcher, header_currency, latest, counted, by_day, reading)
        if read is None:
            continue
        key, day, values, spent = read
        row_id = key.row_id(day)
        first_line = seen.setdefault(row_id, line)
        if account is None:
            # Every row of one account, unnamed: its first line of a key and day is the file's (nothing kept twice).
            here, first_account, account_line = "", "", first_line
        else:
            here = cells[account].strip() if account < len(cells) else ""
            first_account = first_accounts.setdefault(row_id, here)
            # The first line of this key and day in this row's own account (its name in any case, as ``same_account``
            # compares): a repeat of it is a finer level, not a clash.
            fold = folded.get(here)
            if fold is None:
                fold = folded[here] = here.casefold()
            account_line = account_lines.setdefault((row_id, fold), line)
        if first_line != line:
            if account_line == line:
                # Not a finer level of the same account (the hint below) but a campaign of that name in another account:
                # added up, its reach would count people twice, and a later export of one account would replace the sum.
                said = f"{source}:{line}: {cell.name('date')}: the same {key.kind} and day as line {first_line}"
                clash = _ACCOUNT_CLASH % (header[account].strip() if account is not None else "", first_account, here, key.kind)
                problems.append(visible(f"{said}, of another ad account ({clash}"))
                continue
            said = f"{source}:{line}: {cell.name('date')}: the same {key.kind} and day as line {account_line}"
            problems.append(f"{said}{again_hint}")
            again_hint = ""
            continue
        if cell.broken:
            continue  # its problems are said; its key and day were kept all the same, so that a repeat of it is said too
        if by_periods is not None:
            by_periods.add(day, cell.get("end"), cell.get("campaign_end"))
        if indicator is not None and "conversions" in values:
            text = cells[indicator]
            conversion = conversion_of.get(text)
            if conversion is None:
                conversion = conversion_of[text] = names_conversion(text)
            if not conversion:  # Results of link clicks, reach, ...: read as conversions, they would be CPA's and ROAS's
                del values["conversions"]
                out.left_out[text.strip()] = out.left_out.get(text.strip(), 0) + 1
        if fmt == "meta":
            # A newer export's day is Meta's whole word on it: a count it has a column for and gives none of that day
            # (conversions Meta took back, Results no longer of a conversion) is none, not the last import's.
            for name in counted:
                values.setdefault(name, None)
            if "value" in columns:
                values.setdefault("conversion_value", None)
        out.rows += 1
        wanted.append((key, day, values, line))
        if here:
            row_accounts[line] = accounts.account_name(here)
        if with_spend and spent is not None and not spent[0] and key.kind != "followers":
            # The ledger records no amount of zero: said, as the day then reads "no spend linked", not spent 0.
            out.spent_nothing += 1
            out.spend_column = cell.name("spend")
        if with_spend and spent is not None and spent[0]:
            camp, plat = (key.campaign, key.platform) if key.post is None else matcher.post_place(key.post)
            if not camp:  # a platform's followers (a post is one of a campaign's: ``not_a_post``)
                problems.append(f"{source}:{line}: {cell.name('spend')}: {FOLLOWERS_SPEND}")
                continue
            entry = derived_id("kpi import spend", fmt, row_id, spent[1])
            payee = PAYEE.get(fmt) or plat or "ads"
            spend.append(SpendRow(entry, camp, key.post, day, spent[0], spent[1], line, cell.name("spend"), payee))
        if len(wanted) >= size:
            yield wanted, spend, row_accounts
            wanted, spend, row_accounts = [], [], {}
    if by_periods is not None and by_periods.more_than_days():
        problems.append(
            f"{source}: {by_periods.said()}: export it by day with the End Date column filled in, which says each row is one day's ({BY_DAY[fmt]})"
        )
    yield wanted, spend, row_accounts


class _ByPeriods:
    """Whether a LinkedIn export's rows each hold a longer period's numbers than a day's.

    Exported with a time breakdown of All, every row is dated the report's
    first day; of Monthly, the first day of its month (or of the report).
    Such a row spans to the next one's period, or the report's end: read as
    a day's, a month's clicks would all be its first day's.  What the file
    says decides: a row with an End Date says its own span (one longer than
    a day is that row's problem), and a row dated its campaign's Campaign End
    Date, or the report's, holds that day's numbers alone whatever the
    breakdown.  Only a file of rows that say neither, each dated the
    report's first day or a month's, is one that may hold longer periods
    (the same rule as every row: never a guess that writes).
    """

    def __init__(self, report: dict[str, str], end_column: bool) -> None:
        self.start, self.end = report.get("start"), report.get("end")
        #: Whether the file has an End Date column (its cells then all empty, or the file would not be ``periodic``).
        self.end_column = end_column
        #: Every day read so far is the report's first or a month's first, and no row said its span.
        self.periodic = self.start is not None and self.end is not None and self.start < self.end
        #: Some day read so far begins a period longer than a day (within the report and its campaign's run).
        self.longer = False
        self.days: set[str] = set()

    def add(self, day: str, end: str, campaign_end: str) -> None:
        """A row's ``day``, its End Date cell and its Campaign End Date cell (as the file writes them, ``""``: none)."""
        if not self.periodic:
            return
        if end or (day != self.start and not day.endswith("-01")):
            self.periodic = False
            return
        if len(self.days) < 3:
            self.days.add(day)
        assert self.end is not None  # periodic: the report has both bounds
        # All or Monthly alike, such a row runs to the end of its month at least, or of the report, or of its campaign.
        last = min(_month_end(day), self.end)
        ends = _us_day_in(campaign_end) if campaign_end else None
        self.longer = self.longer or day < (last if ends is None else min(last, ends))

    def more_than_days(self) -> bool:
        return self.periodic and self.longer

    def said(self) -> str:
        """What the file tells, and what it does not: a row dated so holds a day's numbers exported by day, a longer
        time's exported by month or whole, and nothing in the file says which (it may well be a daily export)."""
        shown = ", ".join(sorted(self.days))
        unsaid = "no row's End Date is filled in" if self.end_column else "the file has no End Date column"
        return (
            f"every row is dated the report's first day or a month's ({shown}) in a report (Report Start, Report End) of "
            f"{self.start} to {self.end}, and {unsaid}: a row may hold that day's numbers (Time breakdown: Daily) or its "
            "month's or the report's (Monthly, All), which cannot be told"
        )


def _month_end(day: str) -> str:
    """The last day of ``day``'s month (ISO)."""
    first = dt.date.fromisoformat(day).replace(day=1)
    return ((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)).isoformat()


class _Batch(NamedTuple):
    """A batch of checked rows, with the ad account of each (``account_of``)."""

    wanted: list[Wanted]
    spend: list[SpendRow]
    #: By line: the account the row's account column names (every row is of ``given``, ``--account``'s, when given).
    accounts: dict[int, str]
    given: str
    #: The file's day column, as its header names it: a row refused for its account is said at it.
    day_column: str

    def account_of(self, line: int) -> str:
        """``--account``'s, over the account column's: a person naming the file's account knows it best (an export by
        the account's id of the account another export named by its name)."""
        return self.given or self.accounts.get(line, "")


def _batch(
    ws: Workspace,
    member: str,
    batch: _Batch,
    ledger: _HeldSpend,
    out: Imported,
    problems: list[str],
    clashes: list[str],
    source: str,
    fmt: str,
    now_text: str,
    before_write: Callable[[list[Key]], None] | None,
    value_column: str,
) -> None:
    """Write what a batch changes, unless a row so far was bad (then the import writes nothing)."""
    if problems:
        return
    wanted = batch.wanted
    results, new_spend = _only_changes(ws, batch, ledger, out, clashes, problems, source, value_column)
    if problems or clashes:
        return
    if not (results or new_spend):
        if wanted and out.rows == len(wanted):  # nothing to write in the file's first batch: still, may this member import?
            _may_write(ws, member, wanted[0])
        return
    if before_write:
        before_write([key for key, _, _, _ in results])
    _write(ws.store, member, results, new_spend, source, fmt, now_text, batch)


def _rows(
    lines: Iterable[str], separator: str, source: str, fmt: str, problems: list[str], campaign: set[str], report: dict[str, str]
) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of each non-empty row split by ``separator``, from the header on (LinkedIn's preamble skipped:
    its header is the first row with a cell in ``campaign``, the campaign column's names as ``_bare`` and lower case make
    them; the days its "Report Start" and "Report End" lines name go into ``report`` as ``start`` and ``end``)."""
    reader = csv.reader(lines, delimiter=separator, strict=True)
    started = fmt != "linkedin"
    start = 1  # the line the row being read starts on: a quote left open is said there, not at the end of the file
    header = True
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            # Named, and read on from the line after it: one run names every bad row, those below a stray quote too
            # (not below a header that is not CSV: the next row would be read as the header; no row is read, none counted).
            if header:
                raise UserError(csv_header_problem(source, start, exc)) from None
            problems.append(f"{source}:{start}: {csv_problem(exc)}")
            if reader.line_num < start:  # nothing more was read: it would fail there again
                return
            start = reader.line_num + 1
            continue
        if cells is None:
            return
        # Named by the line it starts on, as a broken row is: a quoted line break ends it further down.
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        # LinkedIn's preamble too: no header would be found below a NUL.
        if header and (refused := header_refusal(source, line, cells)) is not None:
            raise UserError(refused)
        if not started:
            # The header is the first row naming the campaign; the lines before describe the report.
            if not any(_bare(cell.strip()).lower() in campaign for cell in cells):
                bound = _REPORT_BOUND.match(cells[0])
                found = _us_day_in(bound[2]) if bound else None
                if bound and found is not None:
                    report[bound[1].lower()] = found
                continue
            started = True
        header = False
        yield line, cells


#: How many lines before the header are looked at for what separates its columns (LinkedIn's preamble is a few).
_LOOKED_AT = 50


def _separator(lines: CsvLines) -> tuple[str, str, Iterator[str]]:
    """What separates the columns, the first lines as one text, and the lines: tabs or semicolons when the first lines hold more of them than commas
    (Excel's "Unicode Text" saves a sheet with tabs, Excel in a locale with a decimal comma its "CSV" with semicolons, as
    ``ledger import`` and the task imports read them), else commas.  The first lines, not the first with any: LinkedIn's
    report opens with lines such as "Date Generated: Nov 22, 2026, 9:00 AM"."""
    seen = list(islice(lines, _LOOKED_AT))
    opening = "".join(seen)
    return lines.separator(opening), opening, chain(seen, lines)


def _columns(header: list[str], fmt: str, mapping: dict[str, str], source: str, line: int) -> tuple[dict[str, int], str | None]:
    """Field -> column index; the currency the header names for money columns (Meta's ``Amount spent (EUR)``)."""
    names = [cell.strip() for cell in header]
    lowered = [_bare(name).lower() for name in names]
    columns: dict[str, int] = {}
    currency: str | None = None
    for name, candidates in COLUMNS[fmt].items():
        wanted = (mapping[name],) if name in mapping else candidates
        for candidate in wanted:
            bare = _bare(candidate).lower()
            if bare in lowered:
                columns[name] = lowered.index(bare)
                if lowered.count(bare) > 1:  # which of them a row means would be a guess
                    same = [index for index, named in enumerate(lowered) if named == bare]
                    raise UserError(f"{source}:{line}: {named_again(names, same, name)}")
                break
        else:
            if name in mapping:
                raise UserError(mapped_missing(f"{source}:{line}", names, name, mapping[name]))
    if fmt == "meta":
        columns.update(_meta_context(lowered, columns, mapping))
    campaign_end = LINKEDIN_CAMPAIGN_END.lower()
    if fmt == "linkedin" and campaign_end in lowered and lowered.index(campaign_end) not in columns.values():
        columns["campaign_end"] = lowered.index(campaign_end)
    by_column: dict[int, str] = {}
    for name, index in columns.items():
        other = by_column.setdefault(index, name)
        if other != name:  # only --map can do this: no two fields of a format share a column name
            mapped, also = (name, other) if name in mapping else (other, name)
            raise UserError(
                f"{source}:{line}: --map {mapped}={mapping.get(mapped, names[index])}: that column is read as {also} too: "
                "map one of them to another column"
            )
    named: dict[str, str] = {}
    for name in ("spend", "value"):
        if name in columns:
            found = _CURRENCY_IN_HEADER.search(names[columns[name]])
            if found:
                named[names[columns[name]]] = currency = found[1]
    if len(set(named.values())) > 1:  # a row's amounts are read in one currency: which one each is in would be a guess
        raise UserError(f"{source}:{line}: {' and '.join(named)} name two currencies: export the amounts in one")
    # Every column missing named at once: a header of neither a date nor a campaign said only the date's.
    needed = [("date", " or ".join(COLUMNS[fmt]["date"]))] if "date" not in columns else []
    if fmt != "csv" and "campaign" not in columns:
        needed.append(("campaign", COLUMNS[fmt]["campaign"][0]))
    if fmt == "csv" and not {"post", "campaign", "platform"} & columns.keys():
        needed.append(("FIELD", "one of post, campaign, platform"))
    if needed:
        hint = _MAP_IT % needed[0][0] if len(needed) == 1 else "name them with --map FIELD=COLUMN"
        raise UserError(missing_columns(f"{source}:{line}", [said for _, said in needed], names, hint))
    return columns, currency


def _meta_context(lowered: list[str], columns: dict[str, int], mapping: dict[str, str]) -> dict[str, int]:
    """The Meta columns read beside a row's fields: its ``Result indicator`` (unless ``--map conversions=`` names the
    conversions), and ``Reporting starts`` when a day column is the row's date (then the start of the report's range)."""
    found: dict[str, int] = {}
    for name, (candidate,) in META_CONTEXT.items():
        bare = _bare(candidate).lower()
        if bare in lowered and lowered.index(bare) != columns.get("date"):
            found[name] = lowered.index(bare)
    if "conversions" in mapping or "conversions" not in columns:
        found.pop("indicator", None)
    return found


#: The most accounts a refusal of ``--account`` over a file of several names (the rest are counted).
NAMED_ACCOUNTS = 3
#: A vendor's export of several ad accounts names each row's in one of these columns (Meta's Account name, LinkedIn's Account
#: Name; or their ids): never read as a field.
ACCOUNT_COLUMNS = ("account name", "account id")
#: Why two accounts' rows of one campaign and day are refused, not added up: ``% (column, first's, second's, key kind)``.
_ACCOUNT_CLASH = (
    '%s "%s", then "%s"): results hold a %s\'s day once, and two accounts\' reach does not add up (the same '
    "people may be reached by both): give the campaign a name of its own in one account, a campaign of its own here"
)


def _account_column(header: list[str], columns: dict[str, int]) -> int | None:
    """The column naming each row's ad account, when the file has one no field is read from."""
    read = set(columns.values())
    lowered = [_bare(cell).strip().lower() for cell in header]
    for name in ACCOUNT_COLUMNS:
        if name in lowered and lowered.index(name) not in read:
            return lowered.index(name)
    return None


def _level_hint(fmt: str, header: list[str], columns: dict[str, int]) -> str:
    """What an ad platform's file's second row of a campaign and day adds: that the file has a row per ad or ad set (the
    column that shows it, when the file has one, and no field is read from it) and what to export instead."""
    levels, unsaid, export = CAMPAIGN_LEVEL[fmt]
    read = set(columns.values())
    lowered = [cell.strip().lower() for cell in header]
    for column, level in levels:
        if column.lower() in lowered and lowered.index(column.lower()) not in read:
            return f': the file has a row per {level} (its "{column}" column), {export}'
    return f": if the file has a row per {unsaid}, {export}"


def _unread(header: list[str], columns: dict[str, int]) -> tuple[str, ...]:
    """The named columns no field is read from.  Only a plain CSV's are said: its columns are named like the metrics, so
    one that is not is most likely a metric by another name, while an ad platform's export holds many columns that are
    no count (CPC, frequency, attribution settings)."""
    read = set(columns.values())
    return tuple(name.strip() for index, name in enumerate(header) if index not in read and name.strip())


def _bare(header: str) -> str:
    """A header without the currency in brackets that Meta adds (``Amount spent (EUR)``)."""
    return _CURRENCY_IN_HEADER.sub("", header).strip()


class _Cells:
    """One row's cells by field, collecting its problems as ``FILE:LINE: column: problem``."""

    def __init__(
        self, source: str, line: int, header: list[str], cells: list[str], columns: dict[str, int], problems: list[str], separator: str
    ) -> None:
        self.source, self.line, self.header, self.cells, self.columns, self.problems = source, line, header, cells, columns, problems
        self.broken = False
        if len(cells) != len(header):  # fewer: a line cut short (a file cut off), never a day with fewer numbers
            self.problem("", cells_counted(cells, len(header), separator))

    def name(self, name: str) -> str:
        return self.header[self.columns[name]].strip() if name in self.columns else name

    def get(self, name: str) -> str:
        index = self.columns.get(name)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def problem(self, name: str, text: str) -> None:
        where = f"{self.name(name)}: " if name else ""
        self.problems.append(f"{self.source}:{self.line}: {where}{text}")
        self.broken = True


def _day(cell: _Cells, name: str, raw: str) -> str | None:
    """The row's ``raw`` text of the column ``name`` as an ISO day (``None``: it is no day, said as the row's problem)."""
    if not raw:
        cell.problem(name, REQUIRED_CELL)
        return None
    day = _iso_day(raw) if len(raw) <= len("YYYY-MM-DD") else None  # longer is no day (and is not kept)
    if day is None:
        cell.problem(name, f"{quoted(raw)} is not a date (YYYY-MM-DD{', or M/D/YYYY' if name == 'date' else ''})")
    return day


@lru_cache(maxsize=4096)
def _iso_day(raw: str) -> str | None:
    """A day as a file writes it, ISO or M/D/YYYY, as ISO (``None``: no day).  Kept per text, which it depends on
    alone: a file names each of its days on hundreds of rows."""
    try:
        if _ISO_DAY.match(raw):
            return dt.date.fromisoformat(raw).isoformat()
        found = _US_DAY.match(raw)
        if found:  # LinkedIn writes M/D/YYYY
            return dt.date(int(found[3]), int(found[1]), int(found[2])).isoformat()
    except ValueError:
        pass
    return None


def _us_day_in(text: str) -> str | None:
    """The first M/D/YYYY day in ``text`` as ISO, as LinkedIn writes one with a time ("11/20/2026, 12:00 AM") or
    without (``None``: no such day)."""
    found = _US_DAY_IN.search(text)
    return _iso_day(found[0]) if found else None


def _day_first(raw: str) -> str | None:
    """``raw``, a slashed date, read day first (D/M/YYYY) as ISO; ``None`` when it is no such day (or not slashed)."""
    found = _US_DAY.match(raw)
    try:
        return dt.date(int(found[3]), int(found[2]), int(found[1])).isoformat() if found else None
    except ValueError:
        return None


def _count(cell: _Cells, name: str, decimal_comma: bool) -> int | None:
    text = cell.get(name)
    said, mark = _COUNT_GROUPING[decimal_comma]
    # Most cells hold no mark: the pattern is asked only of those that do (400,000 cells a 100,000-row import).
    raw = text.replace(mark, "") if mark in text and _GROUPED_COUNT[mark].match(text) else text
    if raw == "":
        return None
    if not raw.isdigit() and _SPACE_GROUPED_COUNT.match(raw):
        raw = "".join(raw.split())
    if not (raw.isascii() and raw.isdigit()):
        digits = text.replace(mark, "")
        # Said only of digits and marks: of "-1,000" the problem is the sign, not where its comma is.
        grouping = f", {said} only between thousands: 1{mark}234" if digits != text and digits.isascii() and digits.isdigit() else ""
        cell.problem(name, f"{quoted(text)} is not a count (a whole number{grouping})")
        return None
    if above_counts(raw):
        cell.problem(name, too_large(cell.get(name)))
        return None
    return int(raw)


def _unnamed(problem: str) -> str:
    """An amount's refusal after the column that names it: "Amount spent (EUR): 'abc' is not ...", where the money
    checks' words, "amount 'abc' is not ...", named it twice, the second time not as the file does."""
    return problem.removeprefix("amount ") if problem.startswith("amount '") else problem


def _grouping_dropped(word: str, currency: str | None, fmt: str) -> str:
    """``word`` without the commas that group its thousands: always in a platform's export, and in a sheet of one's own
    where they can only be that in ``currency``; else as written, for the refusal to say how to write it."""
    if not GROUPED_THOUSANDS.match(word):
        return word
    if fmt in PLATFORM:
        return word.replace(",", "")
    return (thousands_dropped(word, currency) if currency is not None else None) or word


def _money(cell: _Cells, name: str, currency: str | None, fmt: str, reading: csvfiles.Reading) -> tuple[int, str] | None:
    """The cell's amount and its currency (``None``: none given, or a problem of the row).  Under ``--decimal-mark ,``
    it is read as ``ledger import`` reads one ("1.234,50" is 1234.50; "12.50" is refused, never read as 1250).  Without
    it, a platform's export groups thousands with commas, its own style; a sheet of one's own has them dropped only
    where they can group nothing else in the amount's currency (``thousands_dropped``: "1,250" of KWD is refused, never
    guessed)."""
    if name not in cell.columns:
        return None
    raw = written = cell.get(name)
    if raw == "":
        return None
    if reading.decimal_comma:
        try:
            raw = reading.amount(raw)
        except UserError as exc:
            cell.problem(name, _unnamed(str(exc)))
            return None
    else:
        words = raw.split()
        if len(words) > 2 or (len(words) == 2 and not words[1].isalpha()):
            # Spaces in the number group its thousands, as ``ledger import`` reads them ("1 234.50 EUR"); else refused.
            try:
                raw = reading.amount(raw)
            except UserError as exc:
                cell.problem(name, _unnamed(str(exc)))
                return None
            words = raw.split()
        # The amount's currency: named beside it in the cell ("1,234.50 EUR"), or the row's.
        named = next((word.upper() for word in words if word.isalpha()), None) if len(words) == 2 else currency
        # Most cells are one word, the amount alone (a column of 100,000 in an ad export).
        raw = (
            _grouping_dropped(words[0], named, fmt) if len(words) == 1 else " ".join(_grouping_dropped(word, named, fmt) for word in words)
        )
    try:
        if len(raw.split()) == 2:  # the amount with its currency, as kpi add takes it: 42.00 EUR
            amount, given = parse_amount(raw)
            if currency is not None and given != currency:
                cell.problem(name, f"{quoted(written)} is in {given}, but the row's currency is {currency}")
                return None
            currency = given
        elif currency is None:
            header = f"{cell.name(name)} (EUR)"
            cell.problem(name, f"no currency: name it in the header ({header}), in a currency column or in the cell (42.00 EUR)")
            return None
        else:
            amount = parse_decimal(raw, check_currency(currency))
    except MoneyError as exc:
        cell.problem(name, _unnamed(csvfiles.as_written(str(exc), raw, written) + reading.comma_hint(written, currency)))
        return None
    if amount < 0:
        cell.problem(name, f"{quoted(written)} is negative: results and spend are counted from zero up")
        return None
    return amount, currency


def _within_range(cell: _Cells, day: str, start_text: str, end_text: str) -> None:
    """A problem of the row when its ``day`` lies outside its report's range (a bound the row leaves empty: none)."""
    start = _day(cell, "start", start_text) if start_text else day
    end = _day(cell, "end", end_text) if end_text else day
    if start is not None and end is not None and not start <= day <= end:
        bounds = [f"{cell.name(name)} {bound}" for name, text, bound in (("start", start_text, start), ("end", end_text, end)) if text]
        cell.problem("date", f"{day} is outside the row's report range ({', '.join(bounds)})")


def _read_row(
    cell: _Cells,
    fmt: str,
    matcher: _Matcher,
    header_currency: str | None,
    latest: str,
    counted: tuple[str, ...],
    by_day: bool,
    reading: csvfiles.Reading,
) -> tuple[Key, str, dict[str, Any], tuple[int, str] | None] | None:
    """``latest``: the latest day begun (ISO); ``counted``: the count fields the file has columns for; ``by_day``: the
    date is a day column's (Meta's ``Day``), not the start of the row's report range."""
    day_text = cell.get("date")
    day = _day(cell, "date", day_text)
    other = _day_first(day_text) if fmt == "csv" and day is not None else None
    if day is not None and other is not None and other != day:
        # LinkedIn writes its dates month first, always; a spreadsheet of one's own may write them day first.
        cell.problem("date", f"{quoted(day_text)} is {day} month first and {other} day first: write it YYYY-MM-DD")
    if day is not None and day > latest:
        cell.problem("date", f"{day} has begun in no time zone yet: an export holds results up to {latest}, the latest day begun")
    # The same text as the day's is the same day (Meta writes the day in each column of a report of one day).
    if day is not None and by_day:
        # A day by construction: the report's range (an export by day may give each row the whole of it) holds it.
        start_text, end_text = cell.get("start"), cell.get("end")
        if start_text not in ("", day_text) or end_text not in ("", day_text):
            _within_range(cell, day, start_text, end_text)
    elif day is not None and "end" in cell.columns:
        end_text = cell.get("end")
        if end_text and end_text != day_text:
            end = _day(cell, "end", end_text)
            if end is not None and end != day:
                cell.problem("end", f"the row spans {day} to {end}: export it broken down by day ({BY_DAY[fmt]})")
    key = matcher.key(cell, fmt)
    currency = header_currency
    known = True  # the row's amounts are read in a currency (an unknown one is said once, of its own column)
    if "currency" in cell.columns:
        given = cell.get("currency").upper()
        if given and header_currency and given != header_currency:  # which of the two the amounts are in would be a guess
            cell.problem("currency", f"{visible(shown_code(given))}, but the header names {header_currency}")
        elif given:
            try:
                csvfiles.currency_code(cell.get("currency"))
            except MoneyError as exc:
                cell.problem("currency", str(exc))
                known = False
        currency = given or header_currency
    values: dict[str, Any] = {}
    for name in counted:
        count = _count(cell, name, reading.decimal_comma)
        if count is not None:
            values[name] = count
    value = _money(cell, "value", currency, fmt, reading) if known else None
    if value is not None:
        values["conversion_value"] = {"amount": value[0], "currency": value[1]}
    spent = _money(cell, "spend", currency, fmt, reading) if known else None
    if key is not None and key.kind == "followers" and set(values) != {"followers"}:
        cell.problem("platform", "a platform alone counts its followers only: give them, or name a post or a campaign for these numbers")
    elif key is not None and key.kind != "followers" and "followers" in values:
        cell.problem("followers", "followers are counted per platform alone (a platform column and no post or campaign)")
    if day is None or key is None:
        return None
    # Every value was checked as it was read (a count, an amount): the writer takes them as they are, once the caller
    # has seen the row is not broken (it reads a broken row's key and day, which a repeat of the row is told by).
    return key, day, values, spent


class _Matcher:
    """Campaigns by name, +slug or id, posts by id or title: exactly one, or the row is bad."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.campaigns: list[Campaign] = ws.campaigns()
        #: The campaigns by name: more than one of a name (added on two replicas) is a bad cell, never guessed.
        self.by_name: dict[str, list[Campaign]] = {}
        for c in self.campaigns:
            self.by_name.setdefault(title_key(c.name), []).append(c)
        #: Per name more than one campaign has: the line said of each row naming it (``same_name``), made once.
        self.shared = {key: same_name(named) for key, named in self.by_name.items() if len(named) > 1}
        #: The tasks by title, read at the first row naming a post by one.
        self._titled: dict[str, list[Titled]] | None = None
        #: Per task named: why it is no post (``""``: it is one), read once however many rows name it.
        self._not_posts: dict[str, str] = {}
        #: Per post named: its campaign and platform (as results key platforms), read once.
        self._post_places: dict[str, tuple[str, str]] = {}
        #: Per campaign and platform: the key of their rows, one (frozen) object however many rows name them.
        self._campaign_keys: dict[tuple[str, str], Key] = {}

    def campaign(self, cell: _Cells, name: str) -> str | None:
        raw = cell.get(name)
        if not raw:
            cell.problem(name, "empty")
            return None
        found = self.by_name.get(title_key(raw), [])
        if len(found) == 1:
            return found[0].id
        if found:
            cell.problem(name, self.shared[title_key(raw)])
            return None
        try:
            return match_campaign(raw, self.campaigns).id
        except SharedName as exc:
            cell.problem(name, str(exc))
            return None
        except UserError as exc:
            cell.problem(name, f"no campaign named {quoted(raw)}: {str(exc).split(' (', 1)[-1].rstrip(')') or 'add it first'}")
            return None

    def post_place(self, post: str) -> tuple[str, str]:
        """The post's campaign and platform, as results key platforms (``""`` for none), read once."""
        found = self._post_places.get(post)
        if found is None:
            row = self.ws.conn.execute("SELECT campaign, lower(platform) FROM task WHERE id = ?", (post,)).fetchone()
            found = self._post_places[post] = (row[0] or "", row[1] or "") if row else ("", "")
        return found

    def post(self, cell: _Cells) -> str | None:
        raw = cell.get("post")
        if re.fullmatch(r"[0-9a-f]{4,32}", raw.lower()):
            try:
                return self._a_post(cell, self.ws.resolve("task", raw))
            except UserError:
                pass
        if self._titled is None:
            self._titled = tasks_by_title(self.ws)
        try:
            found = titled_post(self.ws, raw, self._told_apart(cell, self._titled.get(title_key(raw), [])))
        except UserError as exc:
            cell.problem("post", str(exc))
            return None
        if found is None:
            cell.problem("post", f"no post with the id or title {quoted(raw)}")
            return None
        return self._a_post(cell, found)  # which says when it is no post, or was deleted, and where to read by whom

    def _told_apart(self, cell: _Cells, titled: list[Titled]) -> list[Titled]:
        """Of several posts of one title, the one the row's campaign and platform name, when they name one of them (one
        creative on two platforms has one title, and an export by platform says which: no guess); else all of them."""
        posts = [row for row in titled if row[1]]
        if len(posts) < 2 or not (cell.get("campaign") or cell.get("platform")):
            return titled
        camp: str | None = None
        # A campaign or platform that is none tells nothing apart: the title stays several posts' (refused, naming each).
        if typed := cell.get("campaign"):
            found = self.by_name.get(title_key(typed), [])
            try:
                camp = (found[0] if len(found) == 1 else match_campaign(typed, self.campaigns)).id
            except UserError:
                return titled
        try:
            plat = platform(cell.get("platform")) if cell.get("platform") else None
        except UserError:
            return titled

        def fits(post: str) -> bool:
            where = self.post_place(post)
            return (camp is None or where[0] == camp) and (plat is None or where[1] == plat)

        told = [row for row in posts if fits(row[0])]
        return told if len(told) == 1 else titled

    def _as_post(self, cell: _Cells, post: str) -> bool:
        """Whether the row's campaign and platform, when it gives them, are the post's (never one guessed over the other)."""
        found = self.post_place(post)
        ok = True
        if cell.get("campaign"):
            camp = self.campaign(cell, "campaign")
            if camp is not None and camp != found[0]:
                slugs = {c.id: campaign_slug(c.id, c.name) for c in self.campaigns}
                cell.problem("campaign", f"post {post[:8]} is in +{slugs.get(found[0], found[0][:8])}, not +{slugs[camp]}")
            ok = ok and camp == found[0]
        where = cell.get("platform")
        if where:
            try:
                plat = platform(where)
            except UserError as exc:
                cell.problem("platform", str(exc))
                return False
            if plat != found[1]:
                cell.problem("platform", f"post {post[:8]} is on {visible(found[1]) or 'no platform'}, not {plat}")
                return False
        return ok

    def _a_post(self, cell: _Cells, task_id: str) -> str | None:
        problem = self._not_posts.get(task_id)
        if problem is None:
            problem = self._not_posts[task_id] = not_a_post(self.ws, task_id)
        if problem:
            cell.problem("post", problem)
            return None
        return task_id

    def _campaign_key(self, camp: str, plat: str) -> Key:
        found = self._campaign_keys.get((camp, plat))
        if found is None:
            found = self._campaign_keys[camp, plat] = Key("campaign", campaign=camp, platform=plat)
        return found

    def key(self, cell: _Cells, fmt: str) -> Key | None:
        if fmt in PLATFORM:
            camp = self.campaign(cell, "campaign")
            return None if camp is None else self._campaign_key(camp, PLATFORM[fmt])
        if cell.get("post"):
            post = self.post(cell)
            return None if post is None or not self._as_post(cell, post) else Key("post", post=post)
        where = cell.get("platform")
        try:
            plat = platform(where) if where else None
        except UserError as exc:
            cell.problem("platform", str(exc))
            return None
        if cell.get("campaign"):
            camp = self.campaign(cell, "campaign")
            if plat is None:
                cell.problem("platform", "a campaign's results need its platform")
            return None if camp is None or plat is None else self._campaign_key(camp, plat)
        if plat is None:
            cell.problem("post", "name a post, or a campaign and a platform, or a platform alone (followers)")
            return None
        return Key("followers", platform=plat)


def _may_write(ws: Workspace, member: str, row: Wanted) -> None:
    """``Refused`` when the rules would refuse this member writing the row (a guest), though it changes nothing."""
    from crewdeck.sync.state.filerules import FileRuleState
    from crewdeck.sync.state.rules import refuse_write

    key, day, _, line = row
    refuse_write([(member, "set", "result", key.row_id(day), "source", json.dumps(f"import:{line}"))], FileRuleState(ws.conn))


def _only_changes(
    ws: Workspace,
    batch: _Batch,
    ledger: _HeldSpend,
    out: Imported,
    clashes: list[str],
    problems: list[str],
    source: str,
    value_column: str,
) -> tuple[list[Wanted], list[SpendRow]]:
    """What the workspace does not hold yet: changed fields of results, new spend entries (counted in ``out``).

    A conversion value in another currency than the one held for its key and day goes to ``problems`` (the rules refuse it).
    A value of ``None`` (a Meta day's count it gives none of) empties a field a Meta import wrote last: one someone wrote
    since (``kpi add``, which knows what Meta does not) keeps its number, through every later import.

    A row of a key and day whose last import named another ad account (``_ACCOUNT_HELD``) goes to ``problems``, and so
    does its spend: two accounts' numbers of one day do not add up, and one replacing the other halves them unsaid.
    """
    wanted, spend = batch.wanted, batch.spend
    ids = [key.row_id(day) for key, day, _, _ in wanted]
    stored: dict[str, dict[str, Any]] = {}
    held_by: dict[str, tuple[str, str]] = {}  # by id: the ad account the last import named, and that import's source
    names = [*RESULT_COUNTS, "followers"]
    sql = f"SELECT r.id, {', '.join(names)}, value_amount, value_currency, source FROM json_each(?) j JOIN result r ON r.id = j.value"
    for row in ws.conn.execute(sql, (json.dumps(ids),)):
        values = dict(zip(names, row[1 : 1 + len(names)]))
        values["conversion_value"] = None if row[-3] is None else {"amount": row[-3], "currency": row[-2]}
        stored[row[0]] = values
        if held := accounts.recorded_account(row[-1]):
            held_by[row[0]] = (held, row[-1])
    results: list[Wanted] = []
    refused: set[int] = set()
    recorded = 0  # rows unchanged but for the account now named (``results`` writes their source)
    for (key, day, values, line), row_id in zip(wanted, ids):
        before = stored.get(row_id)
        if row_id in held_by and not accounts.same_account(held_by[row_id][0], batch.account_of(line)):
            held, where = held_by[row_id]
            said = f"{source}:{line}: {batch.day_column}"
            problems.append(_account_held(said, target_text(ws, key), key.kind, day, held, where, batch.account_of(line)))
            refused.add(line)
            continue
        if before is None:
            results.append((key, day, {k: v for k, v in values.items() if v is not None}, line))
            continue
        changed = {name: value for name, value in values.items() if value is not None and before.get(name) != value}
        emptied = [name for name, value in values.items() if value is None and before.get(name) is not None]
        changed.update((name, None) for name in _last_written_by_meta(ws.store, row_id, emptied))
        held, given = before["conversion_value"], changed.get("conversion_value")
        if held is not None and given is not None and held["currency"] != given["currency"]:
            problems.append(
                f"{source}:{line}: {value_column}: this {key.kind}'s conversion value for {day} is in {held['currency']} here: "
                f"a second currency ({given['currency']}) is refused (crewdeck kpi add {target_text(ws, key)} {day} value=none clears it first)"
            )
            continue
        if changed:
            results.append((key, day, changed, line))
        else:
            out.unchanged += 1
            if row_id not in held_by and batch.account_of(line):
                # The same numbers, now said to be an account's: that is recorded (its source alone is written), so
                # another account's import of the day is refused from now on, as after any import naming it.
                results.append((key, day, {}, line))
                recorded += 1
    out.changed += len(results) - recorded
    out.accounts_recorded += recorded
    spend = [row for row in spend if row.line not in refused] if refused else spend
    have = ledger.entries([s.entry_id for s in spend])
    new_spend = []
    for row in spend:
        while row.entry_id in have and have[row.entry_id][2]:
            # Reversed (the platform revised the day's spend): the row's entry is the next one, derived from it.
            row = row._replace(entry_id=derived_id("kpi import spend after", row.entry_id))
            if row.entry_id not in have:
                have.update(ledger.entries([row.entry_id]))
        if row.entry_id not in have:
            new_spend.append(row)
        elif have[row.entry_id][:2] == (row.amount, row.currency):
            out.spend_already += 1
        else:
            amount, currency, _ = have[row.entry_id]
            clashes.append(
                f"{source}:{row.line}: {row.column}: the ledger holds {format_minor(amount, currency)} {currency} for this campaign "
                f"and day (entry {row.entry_id[:8]}), not {format_minor(row.amount, row.currency)} {row.currency}: "
                "reverse that entry first"
            )
    out.spend_added += len(new_spend)
    out.money.update((row.currency, row.day) for row in new_spend)
    out.money.update((v["currency"], day) for _, day, values, _ in results if isinstance(v := values.get("conversion_value"), dict))
    return results, new_spend


def _last_written_by_meta(store: Store, row_id: str, names: list[str]) -> list[str]:
    """Which of a result's fields ``names`` a Meta import wrote last: by field, as the log says it, since the write
    that set a field carries where it came from (``source``), while the record's own ``source`` is only its last
    write's (a later import changing the clicks of a day would make a conversion typed in by hand Meta's)."""
    if not names:
        return []
    from crewdeck.sync.state.oplog import WRITE_STAMP_CHARS

    store.need_log_index()
    last_sql = "SELECT op_id, node FROM ops WHERE row_id = ? AND field = ? ORDER BY op_id DESC LIMIT 1"
    # One write stamps all its operations in one millisecond of its node (``WRITE_STAMP_CHARS``).
    source_sql = "SELECT value FROM ops WHERE row_id = ? AND field = 'source' AND op_id BETWEEN ? AND ? AND node = ?"
    found = []
    for name in names:
        last = store.conn.execute(last_sql, (row_id, name)).fetchone()
        if last is None:
            continue
        write = last[0][:WRITE_STAMP_CHARS]
        sources = store.conn.execute(source_sql, (row_id, write, write + "~", last[1])).fetchall()
        if any(json.loads(value).startswith("meta import ") for (value,) in sources):
            found.append(name)
    return found


class _HeldSpend:
    """The ledger entries an import's spend rows may be already, and whether each is reversed.

    Which entries are reversed is read once, when an entry is first found: the
    import writes no reversal, and in its transaction no one else writes.  Per
    entry, inside ``Store.bulk`` (which drops the ledger's index by what an
    entry reverses), it was a scan of the whole ledger for each entry found:
    importing a file of 20,000 rows again took 36 s.
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._reversed: set[str] | None = None

    def entries(self, ids: list[str]) -> dict[str, tuple[int, str, bool]]:
        """``id -> (amount, currency, reversed)`` of the entries held among ``ids``."""
        sql = "SELECT e.id, e.amount, e.currency FROM json_each(?) j JOIN ledger_entry e ON e.id = j.value"
        found = self.ws.conn.execute(sql, (json.dumps(ids),)).fetchall()
        if not found:
            return {}
        if self._reversed is None:
            rows = self.ws.conn.execute("SELECT reverses FROM ledger_entry WHERE reverses IS NOT NULL")
            self._reversed = {reverses for (reverses,) in rows}
        return {entry: (amount, currency, entry in self._reversed) for entry, amount, currency in found}


#: The most of a file's name a result's source keeps (the field holds 500 characters, with the format, the line and the
#: ad account: ``accounts.ACCOUNT_CHARS``, quoted).
RECORDED_NAME = 320
#: Why a row is refused whose key and day another ad account's import wrote last.
_ACCOUNT_HELD = (
    "%s: %s's %s holds the numbers of ad account \"%s\" (%s), and %s: results hold a %s's day once, and "
    "two accounts' reach does not add up (the same people may be reached by both): %s"
)


def _account_held(said: str, target: str, kind: str, day: str, held: str, where: str, here: str) -> str:
    """The line refusing a row (``said``: where) of the key and day ``held``'s import (``where``) wrote last.

    An account is named as its export names it, by its name in one and by its id in another, which cannot be told one
    from the other: the first way out said is ``--account``, which names the whole file's account."""
    of = f'this row is of "{here}"' if here else "this file names no ad account"
    spelled = " (by its id or another spelling)" if here else ""
    same = f'if this file is of "{held}"{spelled}, --account "{held}" says so'
    hint = f"{same}; else give the campaign a name of its own in one account, a campaign of its own here"
    shown_where = accounts.without_account(where)
    return visible(_ACCOUNT_HELD % (said, target, day, held, shown_where, of, kind, hint))


def _recorded(source: str) -> str:
    """The file as a record names it: control characters spelled out (the rules refuse them), a long path cut at its start."""
    named = visible(source)
    return named if len(named) <= RECORDED_NAME else "…" + named[-(RECORDED_NAME - 1) :]


def _write(
    store: Store, member: str, results: list[Wanted], spend: list[SpendRow], source: str, fmt: str, now_text: str, batch: _Batch
) -> None:
    """One batch: results (changed fields and where they came from, with the row's ad account where one is named) and
    spend entries, in the import's transaction."""
    where = f"{fmt} import {_recorded(source)}:"
    last = max((line for _, _, _, line in results), default=0)
    longest = max({*batch.accounts.values(), batch.given}, key=lambda account: len(accounts.with_account(account)))
    RESULT.check("source", f"{where}{last}{accounts.with_account(longest)}")  # the longest source of the rows, checked once
    # A writer per batch: a writer keeps what it committed, which for the whole file would be every operation.
    w = store.write(member)
    named = batch.accounts or batch.given  # most files name no account: their rows' sources are built as before
    for key, day, values, line in results:
        account = accounts.with_account(batch.account_of(line)) if named else ""
        w.set_checked("result", key.row_id(day), {**values, "source": f"{where}{line}{account}"})
    _append_entries(w, member, where, now_text, spend)
    w.commit()


#: A spend entry's fields that differ from row to row; the others (its category, who entered it and when) are the
#: import's, the same in every entry.
_ENTRY_VARYING = tuple(
    (name, LEDGER_ENTRY.by_name[name].check) for name in ("date", "campaign", "payee", "amount", "currency", "memo", "task")
)
_VARYING_NAMES = frozenset(name for name, _ in _ENTRY_VARYING)


def _append_entries(w: Writer, member: str, where: str, now_text: str, spend: list[SpendRow]) -> None:
    """The batch's spend as ledger entries, each checked as ``Writer.append`` checks one, and each field's value once.

    The first entry is appended whole (``Writer.append``: every field checked, the defaults filled in); every later one
    is that record with the fields it differs in checked (the checks are pure: the same value, the same outcome), a
    value seen before in the batch not again.  A value refused goes the whole way too, refused as any entry is.
    Checked whole, a 100,000-row file's entries took about a second (each record's every field, the defaults, an ``Op``).
    """
    first: dict[str, Any] | None = None
    template: dict[str, Any] = {}
    spell: Callable[[Mapping[str, Any]], str] = canonical_json  # the first entry's fields spelled once, for the rest
    # Keyed by type as well as value: True == 1, and a check passing 1 refuses True (a whole number, not a flag).
    checked: dict[tuple[str, type, Any], Any] = {}
    for row in spend:
        values = {
            "date": row.day,
            "campaign": row.campaign,
            "category": "ads",
            "payee": row.payee,
            "amount": row.amount,
            "currency": row.currency,
            "memo": f"{where}{row.line}",
            "task": row.task,
            "entered_by": member,
            "entered_at": now_text,
        }
        if first is None:
            w.append("ledger_entry", values, row_id=row.entry_id)
            first, template = values, w.pending.appended[-1]
            spell = canonical_json_varying(template, _VARYING_NAMES)
            continue
        record = dict(template)
        try:
            check_row_id("ledger_entry", row.entry_id)
            for name, check in _ENTRY_VARYING:
                value = values[name]
                if value != first[name] or type(value) is not type(first[name]):
                    key = (name, type(value), value)
                    if key not in checked:
                        checked[key] = check(value)
                    record[name] = checked[key]
        except (OpError, ValueError):
            w.append("ledger_entry", values, row_id=row.entry_id)  # which refuses it, as it refuses any entry
            continue
        w.pending.append("ledger_entry", row.entry_id, record, spell(record))
