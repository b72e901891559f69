"""What the results commands do (``cmd_kpi`` registers them and imports this only when one runs)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

from crewdeck.sync.state.records import RESULT_COUNTS, WORKSPACE_ROW
from crewdeck.sync.state.rules import Refused, results_refused
from crewdeck.sync.state.visible import cut as one_line
from crewdeck.sync.state.visible import visible, visible_cells, written
from crewdeck.sync.state.zones import zone
from crewdeck.tui.cli.common import Context, bad_rows_listed, open_input, print_json, table
from crewdeck.tui.ledger import csvfiles, rates
from crewdeck.tui.ledger.period import Period, period_name
from crewdeck.tui.results import accounts, imports, keys, report, review
from crewdeck.tui.results.kpis import (
    BY_LARGEST_REACH,
    KPIS,
    LARGEST_REACH,
    MISSING,
    NO_SPEND,
    NOT_REPORTED,
    REACH_BOUND_NOTE,
    SPEND_BELOW_ZERO,
    Kpi,
    Totals,
    shown,
)
from crewdeck.tui.time.when import DateError, last_day_begun, parse_day, utc_iso
from crewdeck.tui.workspace import describe
from crewdeck.tui.workspace.columns import READABLE, cells, cut_cells, kept, line_width, terminal_width
from crewdeck.tui.workspace.errors import UserError, not_utf8, source_name
from crewdeck.tui.workspace.utf16 import text_encoding
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Workspace

#: The widest a post's title is shown in ``kpi report --by post``'s text.
TITLE_WIDTH = 40
#: The report's columns of names (free text, cut on a narrow terminal); a day is a date, never cut.
NAME_COLUMNS = ("CAMPAIGN", "POST", "PLATFORM")
#: The columns that give way on a terminal too narrow for the table, the least wanted first: a campaign
#: manager reads the name, spend, results and the KPIs with targets first: the KPIs with targets give way (in this
#: order) only after every other column, where the names would be cut below a readable width; the rest never do.
GIVE_WAY = (
    "CPM",
    "VALUE",
    "ER_FOLLOWERS",
    "ER_IMPRESSIONS",
    "CVR",
    "ENG",
    "REACH",
    "IMPR",
    "ER_REACH",
    "CPC",
    "CLICKS",
    "ROAS",
    "CTR",
    "CPA",
)
#: The column of the targets a row misses: on a narrow terminal, a line under its row.
OFF_TARGET = "OFF TARGET"
#: The column of each count the table shows: a campaign's results are one of them (``targets.RESULTS``), or reach.
COUNT_COLUMNS = {"impressions": "IMPR", "reach": "REACH", "engagements": "ENG", "clicks": "CLICKS", "conversions": "CONV"}
#: The conversion value's column, as ``GIVE_WAY`` names it (its header names the currency, as SPEND's does).
VALUE = "VALUE"
#: What a "—" may leave unreported, in the order of the columns that first show it (the counts', the value's, then
#: ER_FOLLOWERS's followers and a count CPA alone divides by), as the note under the table names them.
SAID_ORDER = tuple(dict.fromkeys([*COUNT_COLUMNS, "conversion value", "followers", *(c.replace("_", " ") for c in RESULT_COUNTS)]))
#: The KPIs' columns, as ``GIVE_WAY`` names them (an amount's header names the currency too: ``CPC EUR``).
KPI_COLUMNS = frozenset(k.code.upper() for k in KPIS)
#: The columns of amounts, whose headers name the currency after the column's name.
MONEY_COLUMNS = frozenset({"SPEND", VALUE, *(k.code.upper() for k in KPIS if k.unit == "money")})


def _today(ctx: Context) -> dt.date:
    return ctx.now.astimezone(zone(ctx.viewer_tz)).date()


def _may_add_results(ctx: Context) -> None:
    """Guests add no results (``results_refused``): said first, before anything about the target, the file or its rows."""
    refusal = results_refused(ctx.me.facts())
    if refusal is not None:
        raise Refused(refusal)


def cmd_add(ctx: Context) -> int:
    _may_add_results(ctx)
    ws = ctx.ws
    key = keys.parse_target(ws, ctx.args.target)
    day = _day(ctx)
    values = keys.parse_values(ctx.args.metrics, key, ws.base_currency)
    given = values.get("conversion_value")
    held = ws.conn.execute("SELECT value_currency FROM result WHERE id = ?", (key.row_id(day),)).fetchone()
    if given is not None and held is not None and held[0] is not None and held[0] != given["currency"]:
        # The rules refuse it too (one_currency), in words about the record's id.
        raise UserError(
            f"{visible(ctx.args.target)} {day}: value: this {key.kind}'s conversion value for {day} is in {held[0]} here: "
            f"a second currency ({given['currency']}) is refused (value=none clears it first)"
        )
    row_id = key.row_id(day)
    names = describe.Naming.of(ws, ctx.viewer_tz, ctx.now, ctx.config.clock24)
    stored = ws.store.record("result", row_id)
    # Only what differs is written, as an import writes it: the same numbers again change nothing and say so (and
    # clearing what was never given, nothing).
    changed = {name: value for name, value in values.items() if (stored or {}).get(name) != value}
    if not changed:
        print(row_id if ctx.args.quiet else f"Nothing changed: {visible(describe.result_subject(row_id, names))} are these already")
        return 0
    before = _targets_before(ctx, [key])
    # A day an import recorded as an ad account's keeps it (``accounts``): a count typed in does not make it nobody's,
    # which would let another account's export replace the whole day.
    source = "kpi add" + accounts.with_account(accounts.recorded_account((stored or {}).get("source")))
    keys.write(ws.store, ctx.me.id, [(key, day, changed)], source)
    said = describe.result_words(row_id, changed, stored is None, names)
    print(row_id if ctx.args.quiet else visible(said[:1].upper() + said[1:]))
    if changed.get("conversion_value") is not None:
        # The reports leave a value no rate converts out (VALUE and ROAS "rate missing"): said now, as ledger add says it of spend.
        unrated = rates.lacking(rates.RateBook.load(ws.conn, ws.base_currency), changed["conversion_value"]["currency"], day)
        if unrated:
            print(f"note: {unrated}", file=sys.stderr)
    _review(ctx, before)
    return 0


def _day(ctx: Context) -> str:
    """The day the results count, read in the member's zone; one begun somewhere (``last_day_begun``, the cutoff of
    ``kpi import`` and the Results screen): a teammate's or an ad account's today may be a day after the member's, and
    a platform reports no day to come."""
    try:
        day = parse_day(ctx.args.date, _today(ctx), back=True)  # "fri", "dec 9": the last one, as results count days gone by
    except DateError as exc:
        raise UserError(str(exc)) from None
    latest = last_day_begun(ctx.now)
    if day > latest:
        raise UserError(
            f"{visible(ctx.args.date)}: {day} has begun in no time zone yet: results are counted for the days begun somewhere, up to {latest}"
        )
    return day.isoformat()


def _targets_before(ctx: Context, written: list[keys.Key]) -> review.Misses | None:
    """The touched campaigns' missed targets before a write, when the workspace wants review tasks."""
    ws = ctx.ws
    return review.misses(ws, review.campaigns_of(ws, written)) if review.enabled(ws) else None


def _review(ctx: Context, before: review.Misses | None) -> None:
    if before is None:
        return
    with ctx.writer() as w:
        added = review.add_tasks(ctx.ws, w, before, _today(ctx), utc_iso(ctx.now))
    for task_id, title, manager in added:
        # Which campaign and targets, as the task's title says them: an import touches several campaigns.
        print(visible(f"note: review task {task_id[:8]} added for @{manager}: “{title}”"), file=sys.stderr)


def cmd_review(ctx: Context) -> int:
    with ctx.writer() as w:
        w.set("workspace", WORKSPACE_ROW, {"review_off_target": ctx.args.state == "on"})
    print(f"review tasks for campaigns that fall off a target: {ctx.args.state}")
    return 0


def cmd_import(ctx: Context) -> int:
    _may_add_results(ctx)
    source = source_name(ctx.args.file)  # as its messages and the records it writes name it
    ws = ctx.ws
    mapping = imports.parse_map(ctx.args.map or [], ctx.args.format)
    reading = csvfiles.Reading.given(False, ctx.args.decimal_mark, None)
    account = _account(ctx.args.account)
    # The touched campaigns' missed targets, each taken before the first batch that writes its results.
    before: review.Misses | None = {} if review.enabled(ws) else None

    def before_write(written: list[keys.Key]) -> None:
        if before is not None:
            before.update(review.misses(ws, review.campaigns_of(ws, written) - before.keys()))

    with bad_rows_listed(source), _lines(ctx.args.file) as lines:
        done = imports.run(
            ws,
            ctx.me.id,
            lines,
            source,
            ctx.args.format,
            mapping,
            utc_iso(ctx.now),
            with_spend=ctx.args.spend,
            before_write=before_write,
            reading=reading,
            account=account,
        )
    if done.total_row:
        print(f"note: {visible(source)}:{done.total_row}: the export's total row (no campaign name) is not read", file=sys.stderr)
    if done.left_out:
        print(f"note: {visible(source)}: {_left_out(done.left_out)}", file=sys.stderr)
    if done.spent_nothing:
        print(
            f"note: {visible(source)}: {visible(done.spend_column)} is 0 on {counted(done.spent_nothing, 'row')}: the ledger records no "
            "amount of zero, so no entry is added; a day with no other spend reads as no spend linked (its CPC, CPM and CPA “—”, not 0.00)",
            file=sys.stderr,
        )
    if done.unread:
        # Said, not refused: a column of notes is no metric; a metric by another name would be lost without a word.
        unread = ", ".join(visible(name) for name in done.unread)
        print(f"note: {visible(source)}: columns not read: {unread} (a metric under another name: --map METRIC=COLUMN)", file=sys.stderr)
    line = f"imported {counted(done.rows, 'row')}: {done.changed:,} changed, {done.unchanged:,} unchanged"
    if done.accounts_recorded:
        # Written though no count changed (the log and undo show it): said, so "unchanged" is not taken for "nothing".
        line += f" (the ad account of {done.accounts_recorded:,} recorded)"
    if ctx.args.spend:
        line += f"; {counted(done.spend_added, 'spend entry')} added" + (
            f" ({done.spend_already:,} already in the ledger)" if done.spend_already else ""
        )
    print(line)
    book = rates.RateBook.load(ws.conn, ws.base_currency)
    for currency, (_, first) in sorted(rates.unrated(book, done.money).items()):
        # The reports leave them out, as ledger import says of its entries; a rate from the first such day covers them all.
        print(f"note: spend or conversion value in {currency}: {rates.lacking(book, currency, first)}", file=sys.stderr)
    _review(ctx, before)
    return 0


#: The most result indicators the note on Results not read as conversions names (the rest are counted).
NAMED_INDICATORS = 5


def _left_out(left_out: dict[str, int]) -> str:
    """What a Meta import left out of its conversions: rows per result indicator naming no conversion, most rows first."""
    ranked = sorted(left_out.items(), key=lambda item: (-item[1], item[0]))
    named = [f"{one_line(indicator) or 'none'} on {counted(rows, 'row')}" for indicator, rows in ranked[:NAMED_INDICATORS]]
    if len(ranked) > NAMED_INDICATORS:
        named.append(f"{len(ranked) - NAMED_INDICATORS} more")
    return (
        f"Results of {counted(sum(left_out.values()), 'row')} not read as conversions: their Result indicator names none "
        f"({', '.join(named)}); --map conversions=COLUMN names a conversions column (e.g. Purchases)"
    )


@contextmanager
def _lines(source: str) -> Iterator[Iterator[str]]:
    """The file's lines as they are read (``-``: standard input), UTF-16 after its byte order mark (Excel's "Unicode
    Text"), else UTF-8; text that is neither is a one-line error."""
    with open_input(source) as (stream, _):
        text = io.TextIOWrapper(stream, encoding=text_encoding(stream), newline="")
        try:
            yield iter(text)
        except UnicodeDecodeError as exc:
            raise UserError(not_utf8(source_name(source), source, exc)) from None
        finally:
            text.detach()


def _period(ctx: Context, campaign: str | None) -> tuple[Period | None, tuple[dt.date, dt.date] | None]:
    """The period asked for (``None``: the campaign's run) and its days (``None``: all of them)."""
    text = ctx.args.period
    if not text:
        return Period.all(), None
    if campaign is not None and _over_runs(text):
        return None, _run(ctx.ws, campaign)
    period = Period.parse(text, also="run", today=_today(ctx))
    return period, period.range


def _days_said(built: report.ResultsReport) -> str:
    """`` (2026-11-16..2026-11-22)``: the first and last day of a period longer than one, which a week's number does
    not tell; nothing for one day, all time or a run open at an end."""
    days = report.period_days(built.bounds) or {}
    first, last = days.get("start"), days.get("end")
    return f" ({first}..{last})" if first and last and first != last else ""


def _over_runs(text: str | None) -> bool:
    return (text or "").strip().lower() == "run"


def _run(ws: Workspace, campaign: str) -> tuple[dt.date, dt.date]:
    """A campaign's run, its first day and the day after its last (a run with no start or end is open at that end)."""
    info = ws.campaign(campaign)
    start = dt.date.fromisoformat(info.start) if info and info.start else dt.date(1900, 1, 1)
    end = dt.date.fromisoformat(info.end) + dt.timedelta(days=1) if info and info.end else dt.date(9999, 1, 1)
    return start, end


def _built(ctx: Context, campaign: str | None) -> tuple[Period | None, report.ResultsReport]:
    """The period named (``None``: each campaign's run) and the report over it; without a campaign, ``--period run``
    is each campaign over its own run, as the Results screen's "Campaign run" page shows them."""
    ws = ctx.ws
    if campaign is None and _over_runs(ctx.args.period):
        runs = {c.id: _run(ws, c.id) for c in ws.campaigns()}
        return None, report.build_runs(ws.conn, ws.base_currency, runs, by=ctx.args.by)
    period, bounds = _period(ctx, campaign)
    return period, report.build(ws.conn, ws.base_currency, by=ctx.args.by, bounds=bounds, campaign=campaign)


def cmd_report(ctx: Context) -> int:
    ws = ctx.ws
    name = ctx.args.campaign
    campaign = ws.campaign_by_name(name[1:] if name and name.startswith("+") else name).id if name else None
    period, built = _built(ctx, campaign)
    for missing in built.missing:
        print(f"warning: {missing.text(built.currency)}", file=sys.stderr)
    if ctx.args.json:
        print_json(report.as_json(built))
        return 0
    headers, rows = _rows(built, ctx.args.csv)
    if ctx.args.csv:
        # The header even with no rows: a CSV consumer reads the columns first, whatever follows.
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        # Each row says its period's days, as the JSON does: a file saved each week tells its weeks apart.  And which of
        # its rates mix platforms, as the JSON's "mixed_platforms" and the notes on stderr say, with the file: last, so
        # a script that read the columns by position before it was added reads them still.
        writer.writerow([*headers, "PERIOD START", "PERIOD END", MIXED_COLUMN])
        for g, row in zip(built.groups, rows, strict=True):
            days = report.period_days(built.runs.get(g.campaign, built.bounds)) or {}
            mixed = "; ".join(_mixed_said(g, list(g.mixed)))
            writer.writerow([*(written(cell) for cell in row), days.get("start") or "", days.get("end") or "", mixed])
        sys.stdout.write(buffer.getvalue())
    if not built.groups:
        print("no results or spend", file=sys.stderr)
    if ctx.args.csv or not built.groups:
        return 0
    # The period named as the Results screen's bar names it; the JSON and the CSV keep its days.
    text, shown_columns = _text(built, headers, rows, terminal_width(sys.stdout))
    sys.stdout.write(f"Results · {period_name(period)}{_days_said(built)}\n" + text + "\n")
    # The notes explain the marks in the columns shown (a name is anyone's text, its marks none of ours): a column
    # left out to fit the terminal has nothing to explain.
    marked = [headers.index(h) for h in shown_columns if h not in NAME_COLUMNS]
    cells = [row[i] for row in rows for i in marked]
    notes = _reach_notes(any("≥" in cell for cell in cells), any("*" in cell for cell in cells))
    unreported = _unreported(built, shown_columns)
    if unreported:
        # "nothing to divide by" explains a KPI's "—", never a count's: said when a KPI shown has one.
        divided = any(row[i] == MISSING for row in rows for i in marked if _column(headers[i]) in KPI_COLUMNS)
        notes.append(f"—: not reported ({', '.join(unreported)})" + (", or nothing to divide by" if divided else ""))
    elif _undivided(built, shown_columns):
        # Every count was reported and some is 0 (no clicks, no spend for ROAS): a "—" no other note explains.
        notes.append("—: nothing to divide by (the count or spend it divides by is 0)")
    unlinked = [column for column in _noted(built, NO_SPEND) if column in {_column(h) for h in shown_columns}]
    if unlinked:
        them = "them" if len(unlinked) > 1 else "it"
        notes.append(f"— {', '.join(unlinked)}: no spend linked to the row (unknown, not 0); a target on {them} is neither met nor missed")
    refunded = [column for column in _noted(built, SPEND_BELOW_ZERO) if column in {_column(h) for h in shown_columns}]
    if refunded:
        them = "them" if len(refunded) > 1 else "it"
        notes.append(
            f"— {', '.join(refunded)}: the row's spend is below 0 (money back beyond what it spent); a target on {them} is neither met nor missed"
        )
    notes.extend(_mixed_notes(built, shown_columns))
    width = terminal_width(sys.stderr)
    for note in notes:
        print("\n".join(textwrap.wrap(note, width, break_long_words=False)) if width else note, file=sys.stderr)
    return 0


#: The CSV's column of what each rate of a row that mixes platforms divides (``_mixed_said``), before its period's.
MIXED_COLUMN = "MIXED PLATFORMS"
#: The most rows whose KPIs mix platforms the notes under ``kpi report`` name one a line (the rest are counted).
NAMED_MIXED = 5


def _mixed_notes(built: report.ResultsReport, columns: list[str]) -> list[str]:
    """A line per row (up to ``NAMED_MIXED``) with a KPI shown whose two counts come from different platforms
    (``report.mixed_platforms``): the value is shown, as the definitions make it, and said to be no platform's."""
    shown = {_column(c) for c in columns}
    lines = []
    for g in built.groups:
        codes = [code for code in g.mixed if code.upper() in shown]
        if not codes:
            continue
        row = f"+{built.campaign_slug(g.campaign)}" + (f" {g.key or f'(no {built.by})'}" if built.by != "campaign" else "")
        said = "; ".join(_mixed_said(g, codes))
        lines.append(visible(f"mixed platforms: {row}: {said} (--by platform rates each on its own)"))
    if len(lines) > NAMED_MIXED:
        lines[NAMED_MIXED:] = [f"mixed platforms: {counted(len(lines) - NAMED_MIXED, 'more row')} (--json names each)"]
    return lines


def _account(given: str | None) -> str:
    """``--account``'s name, or ``""`` when it is not given; an empty one is refused, not read as none."""
    if given is not None and not given.strip():
        raise UserError('--account: the ad account\'s name, as its export names it (--account "Acme EU"), not empty')
    return given or ""


def _mixed_said(g: report.Group, codes: list[str]) -> list[str]:
    """ "ER_REACH divides engagements from linkedin only by …", per KPI of ``codes`` (the notes' and the CSV's words)."""
    return [f"{code.upper()} divides {g.mixed[code]}" for code in codes]


def _reach_notes(bound: bool, rated: bool) -> list[str]:
    """The note on the reach marks shown: ``≥`` on a reach, ``*`` on a rate by it. A rate's note says which reach
    itself when the ``≥`` note is not there to point back to (REACH gave way, ER_REACH did not)."""
    if bound:
        return [f"≥ reach: {LARGEST_REACH}" + ("; * a rate by that reach" if rated else "")]
    return [BY_LARGEST_REACH] if rated else []


def _text(built: report.ResultsReport, headers: list[str], rows: list[list[str]], width: int | None) -> tuple[str, list[str]]:
    """The table, fitted to a terminal ``width`` wide (``None``: whole, to a pipe or a file): the least wanted
    columns left out first, then the missed targets put under their rows, then the names cut; the line under
    it names what was left out. With it, the columns whose cells it shows (the missed targets among them)."""
    every = list(headers)
    rows = [visible_cells(row) for row in rows]
    wanted = _wanted(built)
    missed: list[str] = []
    if width is not None and OFF_TARGET in headers and _fits_names(headers, rows, wanted) > width:
        # The missed targets are the widest cells: on a line of their own the names stay readable.
        off = headers.index(OFF_TARGET)
        missed = [row[off] for row in rows]
        headers, rows = headers[:off] + headers[off + 1 :], [row[:off] + row[off + 1 :] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    at = {_column(h): i for i, h in enumerate(headers)}
    # The KPIs with targets give way last, and only where the names would be cut below a readable width: which targets a
    # row misses is said under it whole, while a name cut to "+b2…" tells no row from the next.
    give_way = [at[name] for name in GIVE_WAY if name in at and name not in wanted]
    give_way += [at[name] for name in GIVE_WAY if name in at and name in wanted and name in KPI_COLUMNS]
    names = {i for i, h in enumerate(headers) if h in NAME_COLUMNS}
    shown = kept(widths, names, give_way, width)
    text = table([[row[i] for i in shown] for row in rows], [headers[i] for i in shown], free=NAME_COLUMNS, width=width)
    if missed:
        head, *lines = text.split("\n")
        text = "\n".join([head, *("\n".join([line, *_under_row(off, width or 0)]) if off else line for line, off in zip(lines, missed))])
    left_out = [h for i, h in enumerate(headers) if i not in shown]
    shown_columns = [h for h in every if h not in left_out]
    return (text + "\n" + _left_out_lines(left_out, width) if left_out and width is not None else text), shown_columns


def _under_row(missed: str, width: int) -> list[str]:
    """The targets a row missed, on lines of their own under it, ``width`` wide: broken between two targets, never
    inside one, so no number is cut (a target wider than the line stays whole)."""
    first, *rest = missed.split(", ")
    lines = [f"  off target: {first}"]
    for target in rest:
        if len(lines[-1]) + len(f", {target},") <= width:
            lines[-1] += f", {target}"
        else:
            lines[-1] += ","
            lines.append(f"    {target}")
    return lines


def _fits_names(headers: list[str], rows: list[list[str]], wanted: set[str]) -> int:
    """How wide the table's lines are with every column that may give way left out and the names at ``READABLE``."""
    widths = [
        min(w, READABLE) if h in NAME_COLUMNS else w
        for h, w in ((h, max(len(h), *(len(r[i]) for r in rows))) for i, h in enumerate(headers))
        if _column(h) not in GIVE_WAY or _column(h) in wanted
    ]
    return line_width(widths)


def _wanted(built: report.ResultsReport) -> set[str]:
    """The columns of the KPIs the report's campaigns have targets on and of the counts they count as results."""
    campaigns = {g.campaign for g in built.groups}
    goals = [goal for campaign, goal in built.goals.items() if campaign in campaigns]
    return {t.kpi.upper() for targets, _ in goals for t in targets} | {COUNT_COLUMNS.get(result, "CONV") for _, result in goals}


def _left_out_lines(left_out: list[str], width: int) -> str:
    """``7 columns left out to fit: CPM, ER_FOLLOWERS, … (--csv, …)``, wrapped to ``width`` between two names: on a
    narrow terminal the names were cut to an ellipsis, and what was left out went unsaid."""
    said = f"{counted(len(left_out), 'column')} left out to fit: {', '.join(left_out)} (--csv, --json or a wider terminal)"
    return "\n".join(textwrap.wrap(said, width, break_long_words=False, break_on_hyphens=False))


def _key_cells(built: report.ResultsReport, key: str, plain: bool) -> list[str]:
    """What names a row's group: per post, its title on a terminal (as the Results screen names it), its id and title in a CSV."""
    by = built.by
    if by == "campaign":
        return []
    if by != "post":
        return [key or f"(no {by})"]
    title = built.post_titles.get(key)
    if plain:
        return [key or "(no post)", title or ""]
    # A title is anyone's text: shown (never sent to the terminal), and cut so the KPIs keep their room; what tells two
    # posts of one title apart (" (tiktok)") is kept whole after it.
    mark = visible(built.post_marks.get(key, ""))
    return [cut_cells(visible(title), max(TITLE_WIDTH - cells(mark), READABLE)) + mark if title else key or "(no post)"]


def _column(header: str) -> str:
    """A header as ``GIVE_WAY`` names its column: an amount's without its currency (``CPC EUR``: ``CPC``)."""
    name, _, currency = header.partition(" ")
    return name if name in MONEY_COLUMNS and currency else header


def _header(kpi: Kpi, currency: str) -> str:
    """A KPI's column header: an amount's names the currency it is in, as SPEND's does (``CPC EUR``)."""
    return f"{kpi.code.upper()} {currency}" if kpi.unit == "money" else kpi.code.upper()


def _unreported(built: report.ResultsReport, columns: list[str]) -> list[str]:
    """What the "—" KPIs in ``columns`` divide that no record gave (in the order the KPIs name them), then the "—"
    counts (and conversion value) in ``columns`` no KPI shown names (every KPI dividing it gave way to fit), for the footnote."""
    found: dict[str, None] = {}
    columns = [_column(c) for c in columns]
    for g in built.groups:
        result = report.campaign_targets_result(built, g.campaign)
        for value in g.kpis.values():
            if value.note == NOT_REPORTED and value.kpi.code.upper() in columns:
                for name in (value.kpi.numerator, value.kpi.denominator):
                    words = g.totals.unreported(name, result)
                    if words:
                        found[words] = None
    value_shown = VALUE in columns
    for g in built.groups:
        for name, column in COUNT_COLUMNS.items():
            words = g.totals.unreported(name, name) if column in columns else None
            if words:
                found[words] = None
        words = g.totals.unreported("value", "") if value_shown else None
        if words:
            found[words] = None
    return sorted(found, key=SAID_ORDER.index)


def _undivided(built: report.ResultsReport, columns: list[str]) -> bool:
    """Whether a KPI in ``columns`` is "—" for want of anything to divide by: not for a count never reported, no spend
    linked or a rate missing (their notes say those), but a denominator of 0 (its ``Value`` has no such note)."""
    shown_kpis = {_column(c) for c in columns} & KPI_COLUMNS
    return any(
        v.value is None and v.note in ("", REACH_BOUND_NOTE) and v.kpi.code.upper() in shown_kpis
        for g in built.groups
        for v in g.kpis.values()
    )


def _noted(built: report.ResultsReport, note: str) -> list[str]:
    """The KPIs (columns) some row shows "—" for because of ``note`` (``report.noted``), for the footnote."""
    found = frozenset[str]().union(*(report.noted(g, note) for g in built.groups))
    return [k.code.upper() for k in KPIS if k.code in found]


def _rows(built: report.ResultsReport, plain: bool) -> tuple[list[str], list[list[str]]]:
    by = built.by
    keyed = [by.upper(), *(["TITLE"] if by == "post" and plain else [])] if by != "campaign" else []
    headers = ["CAMPAIGN", *keyed, f"SPEND {built.currency}", "IMPR", "REACH", "ENG", "CLICKS", "CONV", f"{VALUE} {built.currency}"]
    headers += [_header(k, built.currency) for k in KPIS] + [OFF_TARGET]
    rows = []
    for g in built.groups:
        t = g.totals
        # A CSV's campaign is its slug alone, as the JSON's "campaign" and ledger export's: a spreadsheet reads a cell
        # starting with "+" as a formula ("+spring-launch": #NAME? on every row).
        slug = built.campaign_slug(g.campaign)
        cells = [slug if plain else f"+{slug}", *_key_cells(built, g.key, plain)]

        def count(name: str, t: Totals = t) -> str:
            if name not in t.counts:
                return MISSING  # no record gave it: not reported, not 0
            return str(t.count(name)) if plain else f"{t.count(name):,}"

        cells += [report.spend_text(t, built.currency, plain), count("impressions"), report.reach_text(t, plain)]
        cells += [count("engagements"), count("clicks"), count("conversions"), report.value_text(t, built.currency, plain)]
        cells += [shown(g.kpis[k.code], built.currency, plain) for k in KPIS]
        cells += [
            ", ".join(f"{k.code} {shown(v, built.currency, plain)} vs {t.text(built.currency)}" for t, v in g.missed for k in [v.kpi])
        ]
        rows.append(cells)
    return headers, rows
