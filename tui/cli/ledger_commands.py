"""What the ledger commands do (``cmd_ledger`` registers them and imports this only when one runs)."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import MoneyError, check_currency, format_minor, money_json, parse_amount, round_minor
from crewdeck.sync.state.records import ValidationError, budget_id, budget_period
from crewdeck.sync.state.records import category as check_category
from crewdeck.sync.state.visible import visible
from crewdeck.sync.state.zones import zone
from crewdeck.tui.cli.common import NOTHING_LISTED, Context, bad_rows_listed, print_json, read_input, refuse_quiet, table, write_output
from crewdeck.tui.ledger import actions, budgets, csvfiles, entries, journal, overbudget, rates, reports
from crewdeck.tui.ledger import filter as ledger_filter
from crewdeck.tui.ledger.actions import EntryDraft
from crewdeck.tui.ledger.budgets import Budget, outside_run, run_text
from crewdeck.tui.ledger.form import FormContext, days_ahead, parse_entry
from crewdeck.tui.ledger.period import Period, period_name
from crewdeck.tui.ledger.rates import make_rate
from crewdeck.tui.ledger.view import entries_where
from crewdeck.tui.posts.frozen import approves_spend, freezing_crisis, frozen_among, frozen_note, who_approves
from crewdeck.tui.time.when import DateError, parse_day
from crewdeck.tui.workspace.columns import GAP, cells, cut_cells, fitted, line_width, terminal_width
from crewdeck.tui.workspace.errors import UserError, source_name
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Campaign, Member, Workspace


def _today(ctx: Context) -> dt.date:
    """Today in the viewer's zone: what "today" and reports' "as of" mean."""
    return ctx.now.astimezone(zone(ctx.viewer_tz)).date()


# ---------------------------------------------------------------- entries


def cmd_add(ctx: Context) -> int:
    a = ctx.args
    ws = ctx.ws
    fields = {
        "date": a.date or "",
        "campaign": a.campaign or _campaign_of_task(ctx),
        "category": a.category,
        "payee": a.payee,
        "amount": a.amount,
        "memo": a.memo or "",
        "task": a.task or "",
    }
    draft = parse_entry(
        fields,
        FormContext.load(ws, _today(ctx)),
        needs_approval=a.pending,
        resolve_task=lambda prefix: ctx.task_id(prefix, live=True),
    )
    entry_id, over = overbudget.around(
        ws.store, ws.base_currency, [(draft.campaign, draft.date)], _today(ctx), lambda: actions.add_entry(ws, ctx.me, draft, ctx.now)
    )
    print(entry_id)
    unrated = rates.lacking(rates.RateBook.load(ws.conn, ws.base_currency), draft.currency, draft.date)
    if unrated:
        # The reports leave it out, and say so when run; said here too, where the spend was just typed in.
        print(f"note: {unrated}", file=sys.stderr)
    budgeted = sorted({budget.category for budget in budgets.load(ws.conn, draft.campaign)})
    if budgeted and draft.category not in budgeted:
        # A category typed wrong (add for ads) is a line of its own that no budget counts: the ads line reads short.
        slug = ws.campaign_names().get(draft.campaign, short(draft.campaign))
        said = f"note: +{slug} has no budget for {draft.category} (its budgets: {', '.join(budgeted)}): the spend counts in no "
        print(visible(said + f"budget's line; if mistyped: crewdeck ledger reverse {short(entry_id)}"), file=sys.stderr)
    ahead = days_ahead(draft.date, _today(ctx))
    if ahead:
        # Within the year a date ahead is taken (an invoice dated ahead), but a year typed wrong reads the same: said.
        print(
            f"note: dated {draft.date}, {ahead}: spend is counted from its date; if mistyped: crewdeck ledger reverse {short(entry_id)}",
            file=sys.stderr,
        )
    crisis = freezing_crisis(ws.conn, entry_id)
    if crisis is not None:
        # Entered as any other, it reads "frozen" only in lists and reports: said here, where it was typed in to count.
        # The command is another manager's to run; a member who approves no spend is told no command refused to them.
        command = f" (crewdeck ledger approve {short(entry_id)})" if approves_spend(ctx.me.facts()) else ""
        print(f"note: {frozen_note(crisis, ctx.me)}{command}", file=sys.stderr)
    _say_crossed(over)
    return 0


def _campaign_of_task(ctx: Context) -> str:
    """With ``--task`` and no ``--campaign``, the spend is the task's campaign's (the rules refuse any other)."""
    if not ctx.args.task:
        raise UserError("--campaign: name the entry's campaign (or a --task of a campaign)")
    task_id = ctx.task_id(ctx.args.task, live=True)
    task = ctx.ws.task(task_id)
    if task["campaign"] is None:
        raise UserError(f"--campaign: task {task_id[:8]} “{task['title']}” is in no campaign: name the entry's campaign")
    return str(task["campaign"])


def cmd_reverse(ctx: Context) -> int:
    entry_id = actions.resolve_entry(ctx.ws, ctx.args.id)
    print(actions.reverse_entry(ctx.ws, ctx.me, entry_id, ctx.now, ctx.args.memo or ""))
    return 0


def cmd_approve(ctx: Context) -> int:
    entry_ids = list(dict.fromkeys(actions.resolve_entry(ctx.ws, prefix) for prefix in ctx.args.ids))

    def approve() -> None:
        if len(entry_ids) == 1:
            actions.approve_entry(ctx.ws, ctx.me, entry_ids[0], ctx.now)
            return
        try:
            actions.approve_entries(ctx.ws, ctx.me, entry_ids, ctx.now)
        except actions.NotApproved as exc:
            for problem in exc.problems:
                print(visible(problem), file=sys.stderr)
            raise

    _, over = overbudget.around(ctx.ws.store, ctx.ws.base_currency, overbudget.spend_of(ctx.ws.conn, entry_ids), _today(ctx), approve)
    print("\n".join(entry_ids))
    _say_crossed(over)
    return 0


#: How many budget lines an import names that it took over budget; the rest are counted.
_CROSSED_SAID = 5


def _say_crossed(notes: list[str]) -> None:
    """A note per budget line the write just took over budget (``overbudget``): once, when it crosses; the first five,
    and how many more (an import of a year's history crossed hundreds, which buried the import's other notes)."""
    for note in notes[:_CROSSED_SAID]:
        print(f"note: {note}", file=sys.stderr)
    if len(notes) > _CROSSED_SAID:
        print(
            f"note: and {counted(len(notes) - _CROSSED_SAID, 'more budget line')} over budget now (crewdeck ledger report lists them)",
            file=sys.stderr,
        )


def cmd_list(ctx: Context) -> int:
    refuse_quiet("ledger list", ctx.args.query, "entry")
    ws = ctx.ws
    me = ctx.me_or_none()
    period = Period.parse(ctx.args.period, today=_today(ctx)) if ctx.args.period else Period.all()
    where, params = entries_where(ws, ledger_filter.quoted_arguments(ctx.args.query), period, me.id if me else None, _today(ctx))
    rows = entries.window(ws.conn, where, params, 0, ctx.args.limit)
    if ctx.args.json:
        print_json([row.as_json() for row in rows])
        return 0
    if not rows:
        asked = "".join(ctx.args.query).strip() or ctx.args.period
        # With no filter and no period every entry is listed: none is a ledger with no entry yet, as `tasks` says it.
        print("no entries match" if asked else "no entries yet: crewdeck ledger add records a spend", file=sys.stderr)
        return NOTHING_LISTED if asked else 0  # as `tasks`: a filter that matched nothing
    out = [[r.short_id, r.date, f"+{r.campaign}", r.category, r.payee, r.amount_text, r.status, r.by_shown, r.memo] for r in rows]
    headers = ["ID", "DATE", "CAMPAIGN", "CATEGORY", "PAYEE", "AMOUNT", "STATUS", "BY", "MEMO"]
    free = ("CAMPAIGN", "CATEGORY", "PAYEE", "MEMO")  # never an amount, a date or an id
    sys.stdout.write(table(out, headers, free=free, width=terminal_width(sys.stdout), right=("AMOUNT",)) + "\n")
    return 0


# ---------------------------------------------------------------- report


def cmd_report(ctx: Context) -> int:
    ws = ctx.ws
    campaign = ws.campaign_by_name(ctx.args.campaign).id if ctx.args.campaign else None
    period = Period.parse(ctx.args.period, today=_today(ctx)) if ctx.args.period else Period.all()
    report = reports.build(ws.conn, ws.base_currency, by=ctx.args.by, period=period, campaign=campaign, as_of=_today(ctx))
    for message in reports.warning_texts(report):
        print(f"warning: {visible(message)}", file=sys.stderr)
    if ctx.args.json:
        print_json(reports.as_json(report))
        return 0
    if not report.campaigns:
        print("no entries or budgets", file=sys.stderr)
        return 0
    # `ledger approve` is named to a reader who may approve spend, as `ledger add` names it (refused to a member).
    approves = ctx.reader is not None and approves_spend(ctx.reader.facts())
    sys.stdout.write(_report_text(report, ctx.viewer_tz, terminal_width(sys.stdout), "crewdeck ledger approve ID" if approves else None))
    return 0


def _amount(value: Decimal | None, base: str) -> str:
    return "" if value is None else format_minor(round_minor(value, base), base, grouping=True)


def _pending(line: reports.Line, base: str) -> str:
    """The line's pending spend; "rate missing" where part of it has no rate, as a budget without one reads."""
    if line.known_pending is None:
        return "rate missing"
    return _amount(line.pending, base) if line.pending_entries else ""


def _title(parts: list[str], what: str, width: int | None) -> str:
    """A campaign's ``parts`` (slug, name, run) and ``what`` its numbers are, the slug and the name cut as a table's names
    are; ``what``, never cut, goes on a line of its own under them when it would not fit beside them."""
    whole = [*parts, what]
    widths = fitted([cells(part) for part in whole], {0, 1}, width)
    if width is not None and line_width(widths) > width:
        whole, widths = parts, fitted([cells(part) for part in parts], {0, 1}, width)
        return (" " * GAP).join(cut_cells(part, w) for part, w in zip(whole, widths)) + "\n" + " " * GAP + what
    return (" " * GAP).join(cut_cells(part, w) for part, w in zip(whole, widths))


#: The report's columns of numbers: set flush right, as amounts are.
_REPORT_AMOUNTS = ("BUDGET", "SPENT", "REMAINING", "USED", "BURN/DAY", "FORECAST", "PENDING")
#: Where PENDING is in a row (after the line's name), left out of a campaign with nothing pending.
_PENDING_AT = 1 + _REPORT_AMOUNTS.index("PENDING")


def _report_text(report: reports.Report, tz: str, width: int | None, approve: str | None) -> str:
    """The report's blocks, a campaign each; the names (the lines' keys, the campaign's) and the flags cut to ``width``.

    ``tz``: whose today the report is as of (burn and forecast count the days to it); ``approve``: the command that
    approves frozen spend, for a reader who may run it.
    """
    base = report.base
    by = report.by
    blocks = []
    for c in report.campaigns:
        run = [f"{c.start or '?'}..{c.end or '?'}"] if c.start or c.end else []
        parts = [visible(part) for part in (f"+{c.slug}", c.name, *run)]
        title = _title(parts, f"({base}, {period_name(report.period)}, as of {report.as_of} in {tz})", width)
        rows = []
        for line in [*c.lines, c.total]:
            flags = ("OVER" if line.over else "") + (" heading over" if line.heading_over and not line.over else "")
            flags += "" if line.complete else " incomplete: rates missing"
            rows.append(
                [
                    line.key or "total",
                    "rate missing" if line.budget_unconverted else _amount(line.known_budget, base),
                    _amount(line.spent, base),
                    _amount(line.remaining, base),
                    reports.used_text(line.used_percent()),
                    _amount(line.burn_per_day, base),
                    _amount(line.forecast, base),
                    _pending(line, base),
                    flags.strip(),
                ]
            )
        headers = [by.upper(), *_REPORT_AMOUNTS, ""]
        if not any(row[_PENDING_AT] for row in rows):
            # Nothing pending in this campaign: the names and flags take its width (at 80 columns they read "head…").
            for row in [headers, *rows]:
                del row[_PENDING_AT]
        # A month is a date, never cut (as ledger list's DATE): cut, every row read "202…".
        free = ("",) if by == "month" else (by.upper(), "")
        block = title + "\n" + table(rows, headers, free=free, width=width, right=_REPORT_AMOUNTS)
        if c.total.frozen_entries:
            block += "\n" + reports.frozen_text(c.total, base, approve)
        blocks.append(block)
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- export, import


def cmd_export(ctx: Context) -> int:
    out = io.StringIO()
    if ctx.args.format == "hledger":
        journal.write(ctx.ws, out, ctx.now)
    else:
        csvfiles.export_entries(ctx.ws, out)
    write_output(ctx.args.output, out.getvalue())
    return 0


def cmd_import(ctx: Context) -> int:
    source = source_name(ctx.args.file)  # as its messages name it
    ws = ctx.ws
    a = ctx.args
    reading = csvfiles.Reading.given(a.negate, a.decimal_mark, a.date_format)
    defaults = {}
    if a.campaign:
        defaults["campaign"] = ws.campaign_by_name(a.campaign).id
    if a.category:
        try:
            defaults["category"] = check_category(a.category.lstrip("#").lower())
        except ValueError as exc:
            raise UserError(f"--category: {exc}") from None
    if a.currency:
        try:
            defaults["currency"] = check_currency(a.currency.upper())
        except MoneyError as exc:
            raise UserError(f"--currency: {exc}") from None
    with bad_rows_listed(source):
        text = read_input(ctx.args.file)
        plan = csvfiles.plan_entries(
            text, source, ws, _today(ctx), csvfiles.parse_map(a.map or []), ctx.me_or_none(), reading=reading, defaults=defaults
        )
    # All time only: an import of history spans months, each a report before and after and a note (``overbudget``).
    spend = [(draft.campaign, draft.date) for _, draft, _ in plan.new]
    if plan.new:
        _, over = overbudget.around(
            ws.store, ws.base_currency, spend, _today(ctx), lambda: csvfiles.write_entries(ws, ctx.me, plan, ctx.now), months=False
        )
    else:
        over = []
    print(f"imported {counted(len(plan.new), 'entry')}" + _also(plan))
    for note in plan.notes:
        print(visible(f"note: {note}"), file=sys.stderr)
    if plan.base_assumed:
        # A statement in another currency read as the base one is off by the rate in every total: said, as --negate's.
        n = plan.base_assumed
        where = (
            "the file has no currency column"
            if not plan.currency_column
            else f"{counted(n, 'row')} {'names' if n == 1 else 'name'} no currency"
        )
        print(
            f"note: {where}: {'its amount was' if n == 1 else f'{n:,} amounts were'} read in {ws.base_currency}, the workspace's base "
            "currency; a file in another currency: import it with --currency CODE (or --map currency=COLUMN)",
            file=sys.stderr,
        )
    # An entry and its reversal net to zero on their day, which the reports count at any rate: not out of the totals.
    paired = {reverses for _, _, reverses in plan.new if reverses}
    _say_unrated(ws, [draft for entry_id, draft, reverses in plan.new if not reverses and entry_id not in paired])
    ahead = sorted(draft.date for _, draft, _ in plan.new if draft.date > _today(ctx).isoformat())
    if ahead:
        print(
            f"note: {counted(len(ahead), 'entry')} {'is' if len(ahead) == 1 else 'are'} dated after today, the last "
            f"{days_ahead(ahead[-1], _today(ctx))}: spend is counted from its date",
            file=sys.stderr,
        )
    if not ctx.args.negate and plan.negative * 2 > plan.plain:
        # Mostly money back is more likely a bank's signs than refunds: said while it is one reversal per entry to undo.
        print(
            f"note: {plan.negative:,} of the {counted(plan.plain, 'entry')} have a negative amount, which counts as money back "
            "(less spent); a bank statement lists payments as negative: import it with --negate to read them as spend",
            file=sys.stderr,
        )
    _say_held(ws, ctx.me_or_none(), [(entry_id, draft) for entry_id, draft, reverses in plan.new if not reverses])
    _say_crossed(over)
    return 0


def _say_held(ws: Workspace, me: Member | None, entries: list[tuple[str, EntryDraft]]) -> None:
    """The notes ``ledger add`` gives an entry, counted over the entries ``me`` imported, one line per kind: those a crisis
    froze, and those in a category their campaign budgets none of while it budgets others."""
    frozen = sorted(frozen_among(ws.conn, [entry_id for entry_id, _ in entries]))
    if frozen:
        # A crisis's days hold few entries: each one's crisis is looked up.
        reasons = dict.fromkeys(f"“{visible(crisis.reason)}”" for entry_id in frozen if (crisis := freezing_crisis(ws.conn, entry_id)))
        n = len(frozen)
        print(
            f"note: {counted(n, 'entry')} {'is' if n == 1 else 'are'} frozen by the crisis{'es' if len(reasons) > 1 else ''} "
            f"{', '.join(reasons)}: {'it counts' if n == 1 else 'they count'} once {who_approves(me.facts()) if me else 'a manager'} approves "
            f"{'it' if n == 1 else 'them'} (crewdeck ledger list is:frozen)",
            file=sys.stderr,
        )
    budgeted: dict[str, set[str]] = {}
    lines: Counter[str] = Counter()
    for _, draft in entries:
        if draft.campaign not in budgeted:
            budgeted[draft.campaign] = {budget.category for budget in budgets.load(ws.conn, draft.campaign)}
        if budgeted[draft.campaign] and draft.category not in budgeted[draft.campaign]:
            lines[f"+{ws.campaign_names().get(draft.campaign, short(draft.campaign))}/{draft.category}"] += 1
    if lines:
        n = lines.total()
        print(
            visible(
                f"note: {counted(n, 'entry')} {'is' if n == 1 else 'are'} in a category {'its' if n == 1 else 'their'} campaign "
                f"budgets none of, while it budgets others ({', '.join(sorted(lines))}): {'it counts' if n == 1 else 'they count'} "
                "in no budget's line"
            ),
            file=sys.stderr,
        )


def _also(plan: csvfiles.EntryPlan) -> str:
    """What the import's summary says after its count: the rows already in the ledger, and those of a zero amount skipped
    (a bank's zero fee), with their lines, the first five."""
    said = [f"{plan.already:,} already in the ledger"] if plan.already else []
    if plan.zero_lines:
        lines = ", ".join(map(str, plan.zero_lines[:5])) + (f" and {len(plan.zero_lines) - 5:,} more" if len(plan.zero_lines) > 5 else "")
        said.append(
            f"{counted(len(plan.zero_lines), 'row')} of a zero amount skipped, line{'s' if len(plan.zero_lines) > 1 else ''} {lines}"
        )
    return f" ({'; '.join(said)})" if said else ""


def _say_unrated(ws: Workspace, drafts: list[EntryDraft]) -> None:
    """A note per currency of the entries imported that no rate converts, naming the rate (of their first day) that would."""
    book = rates.RateBook.load(ws.conn, ws.base_currency)
    for currency, (count, first) in sorted(rates.unrated(book, ((draft.currency, draft.date) for draft in drafts)).items()):
        # A rate from the first of those days is in force on all of them.
        print(f"note: {counted(count, 'entry')} in {currency}: {rates.lacking(book, currency, first)}", file=sys.stderr)


# ---------------------------------------------------------------- budgets and rates


def _budget_key(ctx: Context) -> tuple[Campaign, str, str]:
    """The campaign, category and period ``budget set`` and ``budget rm`` name: what a budget's id is made of. The rules
    are asked first: a member's or a guest's answer says nothing of which campaigns and budgets there are."""
    from crewdeck.sync.state.rules import Refused, managed_refused

    refusal = managed_refused(ctx.me.facts(), ctx.me.id, "budget")
    if refusal is not None:
        raise Refused(refusal)
    a = ctx.args
    campaign = ctx.ws.campaign_by_name(a.campaign)
    try:
        return campaign, check_category(a.category.lstrip("#").lower()), budget_period(a.month or "run")
    except ValueError as exc:
        raise UserError(str(exc)) from None


def cmd_budget_set(ctx: Context) -> int:
    ws = ctx.ws
    a = ctx.args
    campaign, category, period = _budget_key(ctx)
    base = ws.base_currency
    try:
        minor, currency = parse_amount(a.amount, base)
    except MoneyError as exc:
        raise UserError(str(exc)) from None
    if minor < 0:
        raise UserError(f"a budget cannot be negative ({a.amount})")
    if period != "run" and outside_run(period, campaign.start, campaign.end):
        raise UserError(
            f"--month: {period} is outside the run of +{campaign.slug} ({run_text(campaign.start, campaign.end)}): "
            f"budget a month of the run, or change the run with crewdeck campaign set {campaign.slug} --start/--end"
        )
    budget = Budget(campaign.id, category, period, minor, currency)
    was = _was(ws, "budget", budget.id, lambda old: (old.get("amount"), old.get("currency")) != (minor, currency), _budget_text)
    with ctx.writer() as w:
        w.set("budget", budget.id, {**budget.values, "deleted": False})
    span = "the run" if period == "run" else period
    print(visible(f"budget +{campaign.slug}/{category} for {span}: {format_minor(minor, currency, grouping=True)} {currency}{was}"))
    if currency != base:
        # The reports convert a budget at the rate in force on its period's first day, or say it is missing: said now too.
        first = budgets.first_day(budget, campaign.start)
        if first is None:
            print(
                visible(
                    f"note: a budget for the run of a campaign with no start date: no {currency}/{base} rate can be picked, "
                    f"so it is out of the totals (crewdeck campaign set {campaign.slug} --start DATE)"
                ),
                file=sys.stderr,
            )
        else:
            unrated = rates.lacking(rates.RateBook.load(ws.conn, base), currency, first.isoformat())
            if unrated:
                print(f"note: {unrated}", file=sys.stderr)
    return 0


def cmd_budget_rm(ctx: Context) -> int:
    """Remove a budget (a tombstone, as a task's delete): a mistyped one set to 0 stayed a line in every report.  Set
    again, it comes back."""
    ws = ctx.ws
    campaign, category, period = _budget_key(ctx)
    row_id = budget_id(campaign.id, category, period)
    span = "the run" if period == "run" else period
    named = f"+{campaign.slug}/{category} for {span}"
    old = ws.store.record("budget", row_id)
    if old is None:
        raise UserError(visible(f"no budget {named}: nothing removed (crewdeck budget list {campaign.slug} lists its budgets)"))
    if old.get("deleted"):
        print(visible(f"budget {named} is removed already: nothing written"))
        return 0
    # What it was, as ``budget set`` says what it replaces: every total that counted it changes.
    was = _was(ws, "budget", row_id, lambda _: True, _budget_text)
    with ctx.writer() as w:
        w.delete("budget", row_id)
    print(visible(f"removed budget {named}{was}"))
    return 0


def _budget_text(old: dict[str, Any]) -> str:
    return f"{format_minor(old['amount'], old['currency'], grouping=True)} {old['currency']}"


def _was(ws: Workspace, entity: str, row_id: str, changed: Callable[[dict[str, Any]], bool], shown: Callable[[dict[str, Any]], str]) -> str:
    """`` (was …)`` when a live record is there under ``row_id`` and ``changed`` (a rate or a budget set again: it
    replaces the old, and every total that counted it changes); ``""`` for a new one, or one set as it was."""
    old = ws.store.record(entity, row_id)
    if old is None or old.get("deleted"):
        return ""
    try:
        return f" (was {shown(old)})" if changed(old) else ""
    except (KeyError, TypeError, ArithmeticError, ValueError, MoneyError):  # incomplete (crewdeck doctor lists it): nothing to say
        return ""


def cmd_budget_list(ctx: Context) -> int:
    ws = ctx.ws
    campaign = ws.campaign_by_name(ctx.args.campaign).id if ctx.args.campaign else None
    names, runs = ws.campaign_names(), {c.id: (c.start, c.end) for c in ws.campaigns()}

    def outside(budget: Budget) -> bool:
        return budget.period != "run" and budget.campaign in runs and outside_run(budget.period, *runs[budget.campaign])

    def order(budget: Budget) -> tuple[str, str, str]:
        return names.get(budget.campaign, short(budget.campaign)), budget.category, "" if budget.period == "run" else budget.period

    listed = sorted(budgets.load(ws.conn, campaign), key=order)
    if ctx.args.json:
        print_json(
            [
                {
                    "campaign": names.get(b.campaign, short(b.campaign)),
                    "campaign_id": b.campaign,
                    "category": b.category,
                    "period": b.period,
                    "budget": money_json(b.amount, b.currency),
                    "outside_run": outside(b),
                }
                for b in listed
            ]
        )
        return 0
    if not listed:
        print("no budgets", file=sys.stderr)
        return 0
    rows = [[f"+{order(b)[0]}", b.category, b.period, f"{format_minor(b.amount, b.currency, grouping=True)} {b.currency}"] for b in listed]
    headers = ["CAMPAIGN", "CATEGORY", "PERIOD", "BUDGET"]
    if any(outside(b) for b in listed):
        # As ``ledger report`` warns: kept, but counted nowhere until the run covers its month again.
        headers.append("NOTE")
        for row, b in zip(rows, listed, strict=True):
            row.append("outside the run: counts in no report" if outside(b) else "")
    free = ("CAMPAIGN", "CATEGORY", "NOTE")
    sys.stdout.write(table(rows, headers, free=free, width=terminal_width(sys.stdout), right=("BUDGET",)) + "\n")
    return 0


def cmd_rate_list(ctx: Context) -> int:
    ws, wanted = ctx.ws, ctx.args.currency
    if wanted:
        try:
            wanted = check_currency(wanted.upper())
        except MoneyError as exc:
            raise UserError(str(exc)) from None
    listed = [rate for rate in rates.load_all(ws.conn) if not wanted or wanted in (rate.base, rate.quote)]
    if ctx.args.json:
        print_json([{"date": r.day, "base": r.base, "quote": r.quote, "rate": r.text} for r in listed])
        return 0
    if not listed:
        print(f"no {wanted + ' ' if wanted else ''}rates", file=sys.stderr)
        return 0
    rows = [[r.day, f"{r.base}/{r.quote}", r.text] for r in listed]
    sys.stdout.write(table(rows, ["DATE", "PAIR", "RATE"]) + "\n")
    base = ws.base_currency
    found = rates.unused(listed, base)
    if found:
        print(_unused_note(found, base), file=sys.stderr)
    return 0


def _unused_note(found: list[tuple[rates.Rate, str | None]], base: str) -> str:
    """The note naming rates reports do not use (``rates.unused``), as ``rate list``, ``rate set`` and ``rate import`` say it."""
    count = len(found)
    return (
        f"note: reports convert into {base} with rates into it, or out of it before the first one into it: "
        f"{counted(count, 'rate')} {'is' if count == 1 else 'are'} not used ({'; '.join(rates.unused_said(found, base))})"
    )


def _said_unused(ws: Workspace, written: list[rates.Rate]) -> None:
    """Of the rates just written, those no report will convert with, in a note on stderr, as every note is: a rate set
    and never used, unsaid, is a total still short of it (``rate missing``) with no word why."""
    ids = {rate.id for rate in written}
    found = [(rate, since) for rate, since in rates.unused(rates.load_all(ws.conn), ws.base_currency) if rate.id in ids]
    if found:
        print(_unused_note(found, ws.base_currency), file=sys.stderr)


def cmd_rate_set(ctx: Context) -> int:
    a = ctx.args
    try:
        # A rate is a day's, read as spend's date is: "dec 1" typed on the 5th was next year's, a year of totals off, and
        # "jan 1" typed in December, a rate set ahead for the new year, is not last January's.
        day = parse_day(a.date, _today(ctx), back=True, soon=True).isoformat()
    except DateError as exc:
        raise UserError(str(exc)) from None
    rate = make_rate(day, a.pair, a.rate)
    was = _was(ctx.ws, "rate", rate.id, lambda old: Decimal(str(old.get("rate"))) != rate.rate, lambda old: str(old["rate"]))
    try:
        with ctx.writer() as w:
            w.set("rate", rate.id, {**rate.values, "deleted": False})
    except ValidationError as exc:
        raise UserError(f"rate: {exc.problem}") from None
    print(visible(f"{rate.day}: 1 {rate.base} = {rate.text} {rate.quote}{was}"))
    _said_unused(ctx.ws, [rate])
    return 0


def cmd_rate_import(ctx: Context) -> int:
    reading = csvfiles.Reading.given(False, ctx.args.decimal_mark, None)
    source = source_name(ctx.args.file)
    with bad_rows_listed(source):
        text = read_input(ctx.args.file)
        new, same, replaced = csvfiles.plan_rates(text, source, ctx.ws, reading)
    if new:
        csvfiles.write_rates(ctx.ws, ctx.me, new)
    print(f"imported {counted(len(new), 'rate')}" + (f" ({same:,} already as given)" if same else ""))
    if replaced:
        said = "1 replaces a rate set before" if len(replaced) == 1 else f"{len(replaced):,} replace rates set before"
        more = f"; and {len(replaced) - 5:,} more (crewdeck rate list)" if len(replaced) > 5 else ""
        print(visible(f"{said}: {'; '.join(replaced[:5])}{more}"))
    # On standard error, as every command's notes (rate set's, ledger import's): standard output is what was imported.
    _said_unused(ctx.ws, new)
    return 0
