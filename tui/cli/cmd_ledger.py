"""Ledger commands: ledger add/reverse/approve/list/report/export/import, budget set, rate set/import."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from sync.money import MoneyError, format_minor, parse_amount, round_minor
from sync.records import ValidationError, budget_period
from sync.records import category as check_category
from sync.zones import zone

from ..errors import UserError
from ..ledger import actions, csvfiles, entries, journal, reports
from ..ledger.budgets import Budget
from ..ledger.form import FormContext, parse_entry
from ..ledger.period import Period
from ..ledger.rates import make_rate
from ..ledger.view import entries_where
from ..when import DateError, parse_day
from .common import Context, print_json, read_input, table


def _today(ctx: Context) -> dt.date:
    """Today in the viewer's zone: what "today" and reports' "as of" mean."""
    return ctx.now.astimezone(zone(ctx.viewer_tz)).date()


# ---------------------------------------------------------------- entries


def cmd_add(ctx: Context) -> int:
    a = ctx.args
    ws = ctx.ws
    fields = {"date": a.date or "", "campaign": a.campaign, "category": a.category, "payee": a.payee,
              "amount": a.amount, "memo": a.memo or "", "task": a.task or ""}
    draft = parse_entry(fields, FormContext.load(ws, _today(ctx)), needs_approval=a.pending,
                        resolve_task=lambda prefix: ws.resolve("task", prefix))
    print(actions.add_entry(ws, ctx.me, draft, ctx.now))
    return 0


def cmd_reverse(ctx: Context) -> int:
    entry_id = actions.resolve_entry(ctx.ws, ctx.args.id)
    print(actions.reverse_entry(ctx.ws, ctx.me, entry_id, ctx.now, ctx.args.memo or ""))
    return 0


def cmd_approve(ctx: Context) -> int:
    entry_id = actions.resolve_entry(ctx.ws, ctx.args.id)
    actions.approve_entry(ctx.ws, ctx.me, entry_id, ctx.now)
    print(entry_id)
    return 0


def cmd_list(ctx: Context) -> int:
    ws = ctx.ws
    me = ctx.me_or_none()
    period = Period.parse(ctx.args.period) if ctx.args.period else Period.all()
    where, params = entries_where(ws, " ".join(ctx.args.query), period, me.id if me else None)
    rows = entries.window(ws.conn, where, params, 0, ctx.args.limit)
    if ctx.args.json:
        print_json([row.as_json() for row in rows])
        return 0
    if not rows:
        print("no entries match", file=sys.stderr)
        return 0
    out = [
        [r.short_id, r.date, f"+{r.campaign}", r.category, r.payee, r.amount_text, r.status, f"@{r.entered_by}", r.memo]
        for r in rows
    ]
    sys.stdout.write(table(out, ["ID", "DATE", "CAMPAIGN", "CATEGORY", "PAYEE", "AMOUNT", "STATUS", "BY", "MEMO"]) + "\n")
    return 0


# ---------------------------------------------------------------- report


def cmd_report(ctx: Context) -> int:
    ws = ctx.ws
    campaign = ws.campaign_by_name(ctx.args.campaign).id if ctx.args.campaign else None
    period = Period.parse(ctx.args.period) if ctx.args.period else Period.all()
    report = reports.build(ws.conn, ws.base_currency, by=ctx.args.by, period=period, campaign=campaign, as_of=_today(ctx))
    for message in [reports.missing_text(m, report.base) for m in report.missing] + report.warnings:
        print(f"warning: {message}", file=sys.stderr)
    if ctx.args.json:
        print_json(reports.as_json(report))
        return 0
    if not report.campaigns:
        print("no entries or budgets", file=sys.stderr)
        return 0
    sys.stdout.write(_report_text(report))
    return 0


def _amount(value: Decimal | None, base: str) -> str:
    return "" if value is None else format_minor(round_minor(value, base), base, grouping=True)


def _report_text(report: reports.Report) -> str:
    base = report.base
    by = report.by
    blocks = []
    for c in report.campaigns:
        run = f"  {c.start or '?'}..{c.end or '?'}" if c.start or c.end else ""
        title = f"+{c.slug}  {c.name}{run}  ({base}, {report.period.label}, as of {report.as_of})"
        rows = []
        for line in [*c.lines, c.total]:
            used = line.used_percent()
            flags = ("OVER" if line.over else "") + (" heading over" if line.heading_over and not line.over else "")
            flags += "" if line.complete else " incomplete: rates missing"
            rows.append([
                line.key or "total", _amount(line.budget, base), _amount(line.spent, base), _amount(line.remaining, base),
                "" if used is None else f"{used}%", _amount(line.burn_per_day, base), _amount(line.forecast, base),
                _amount(line.pending, base) if line.pending_entries else "", flags.strip(),
            ])
        blocks.append(title + "\n" + table(rows, [by.upper(), "BUDGET", "SPENT", "REMAINING", "USED", "BURN/DAY", "FORECAST", "PENDING", ""]))
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- export, import


def _write_output(path: str | None, text: str) -> None:
    """Standard output, or a file replaced in one step (never half-written)."""
    if not path:
        sys.stdout.write(text)
        return
    target = Path(path)
    if not target.parent.is_dir():
        raise UserError(f"{path}: directory {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_export(ctx: Context) -> int:
    out = io.StringIO()
    if ctx.args.format == "hledger":
        journal.write(ctx.ws, out, ctx.now)
    else:
        csvfiles.export_entries(ctx.ws, out)
    _write_output(ctx.args.output, out.getvalue())
    return 0


def _rejected(exc: csvfiles.Rejected) -> UserError:
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    return UserError(str(exc))


def cmd_import(ctx: Context) -> int:
    source = ctx.args.file
    text = read_input(source)
    ws = ctx.ws
    try:
        plan = csvfiles.plan_entries(text, source, ws, _today(ctx), csvfiles.parse_map(ctx.args.map or []))
    except csvfiles.Rejected as exc:
        raise _rejected(exc) from None
    if plan.new:
        csvfiles.write_entries(ws, ctx.me, plan, ctx.now)
    print(f"imported {len(plan.new):,} entries" + (f" ({plan.already:,} already in the ledger)" if plan.already else ""))
    return 0


# ---------------------------------------------------------------- budgets and rates


def cmd_budget_set(ctx: Context) -> int:
    ws = ctx.ws
    a = ctx.args
    campaign = ws.campaign_by_name(a.campaign)
    base = ws.base_currency
    try:
        category = check_category(a.category.lstrip("#").lower())
        period = budget_period(a.month or "run")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    try:
        minor, currency = parse_amount(a.amount, base)
    except MoneyError as exc:
        raise UserError(str(exc)) from None
    if currency != base:
        raise UserError(f"budgets are kept in the workspace's base currency ({base}); give the amount in {base}")
    if minor < 0:
        raise UserError(f"a budget cannot be negative ({a.amount})")
    budget = Budget(campaign.id, category, period, minor, currency)
    with ctx.writer() as w:
        w.set("budget", budget.id, {**budget.values, "deleted": False})
    span = "the run" if period == "run" else period
    print(f"budget +{campaign.slug}/{category} for {span}: {format_minor(minor, base, grouping=True)} {base}")
    return 0


def cmd_rate_set(ctx: Context) -> int:
    a = ctx.args
    try:
        day = parse_day(a.date, _today(ctx)).isoformat()
    except DateError as exc:
        raise UserError(str(exc)) from None
    rate = make_rate(day, a.pair, a.rate)
    try:
        with ctx.writer() as w:
            w.set("rate", rate.id, {**rate.values, "deleted": False})
    except ValidationError as exc:
        raise UserError(f"rate: {exc.problem}") from None
    print(f"{rate.day}: 1 {rate.base} = {rate.rate} {rate.quote}")
    return 0


def cmd_rate_import(ctx: Context) -> int:
    source = ctx.args.file
    text = read_input(source)
    try:
        new, same = csvfiles.plan_rates(text, source, ctx.ws)
    except csvfiles.Rejected as exc:
        raise _rejected(exc) from None
    if new:
        csvfiles.write_rates(ctx.ws, ctx.me, new)
    print(f"imported {len(new):,} rates" + (f" ({same:,} already as given)" if same else ""))
    return 0


# ---------------------------------------------------------------- registration


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    ledger = sub.add_parser("ledger", parents=parents, help="record spend, reverse, approve, report, export, import",
                            description="The budget ledger: append-only entries in any currency, reported in the base currency.")
    lsub = ledger.add_subparsers(dest="ledger_command", metavar="COMMAND", required=True)

    p = lsub.add_parser("add", parents=parents, help="record a spend (prints its id)",
                        description="Record a spend. Amounts are exact: 120.50 EUR, 15000 JPY, 1.250 KWD (a dot, no thousands separators).")
    p.add_argument("--campaign", required=True, metavar="C", help="the campaign (name, +slug or id prefix)")
    p.add_argument("--category", required=True, metavar="K", help="the category, e.g. influencers, sponsored-posts")
    p.add_argument("--amount", required=True, metavar="AMOUNT", help='"120.50 EUR"; without a currency, the base currency')
    p.add_argument("--payee", required=True, metavar="P", help="who was paid")
    p.add_argument("--date", metavar="D", help="the day of the spend (default: today; 2026-11-20, yesterday, ...)")
    p.add_argument("--memo", metavar="M", help="a note, e.g. the invoice number")
    p.add_argument("--task", metavar="ID", help="the task this spend is for (id or prefix)")
    p.add_argument("--pending", action="store_true",
                   help="the spend counts only once a project manager other than you approves it")
    p.set_defaults(func=cmd_add)

    p = lsub.add_parser("reverse", parents=parents, help="reverse an entry (prints the reversal's id)",
                        description="Add the opposite entry, naming the one it reverses: the two net to zero in every report.")
    p.add_argument("id", help="the entry's id or a unique prefix")
    p.add_argument("--memo", metavar="M", help="why it is reversed")
    p.set_defaults(func=cmd_reverse)

    p = lsub.add_parser("approve", parents=parents, help="approve a pending entry (project managers)",
                        description="Approve spend entered with --pending. Only a member whose role is 'project manager' may, "
                        "and never for an entry they entered themselves.")
    p.add_argument("id", help="the entry's id or a unique prefix")
    p.set_defaults(func=cmd_approve)

    p = lsub.add_parser("list", parents=parents, help="list entries matching a filter",
                        description="List entries, newest first. QUERY: +campaign #category payee:TEXT cur:USD date:2026-11 "
                        "@handle @me is:pending|approved|reversal|reversed, free text; -TERM negates.")
    p.add_argument("query", nargs="*", help="filter terms (default: every entry)")
    p.add_argument("--period", metavar="P", help="only this period: 2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026")
    p.add_argument("--limit", type=int, default=-1, help="at most this many entries")
    p.add_argument("--json", action="store_true", help="print JSON (amounts as decimal strings with their currency)")
    p.set_defaults(func=cmd_list)

    p = lsub.add_parser("report", parents=parents, help="budget against actual in the base currency",
                        description="Budget, spent, remaining, %% used, burn per day, forecast to the campaign's end and "
                        "over-budget flags, per campaign and category, month or payee.")
    p.add_argument("--campaign", metavar="C", help="only this campaign")
    p.add_argument("--by", choices=reports.BY, default="category", help="rows per category, month or payee (default: %(default)s)")
    p.add_argument("--period", metavar="P", help="only this period (default: all time): 2026-11, 2026-Q4, 2026, ...")
    p.add_argument("--json", action="store_true", help="print JSON (amounts as decimal strings with their currency)")
    p.set_defaults(func=cmd_report)

    p = lsub.add_parser("export", parents=parents, help="export entries as CSV or an hledger journal",
                        description="Export the ledger: CSV (reads back with ledger import) or an hledger journal "
                        "with commodities, prices and budgets.")
    p.add_argument("--format", choices=("csv", "hledger"), required=True, help="csv or hledger")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export)

    p = lsub.add_parser("import", parents=parents, help="import entries from CSV (all or nothing)",
                        description="Import entries from CSV with a header (date,campaign,category,payee,amount[,currency,memo,task,id]). "
                        "A file with a bad row imports nothing; importing a file again adds nothing.")
    p.add_argument("file", help="the CSV file (- for standard input)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="read FIELD from the column named COLUMN, e.g. --map amount=Betrag (repeat, or separate with commas)")
    p.set_defaults(func=cmd_import)

    budget = sub.add_parser("budget", parents=parents, help="set campaign budgets", description="Budgets per campaign and category.")
    bsub = budget.add_subparsers(dest="budget_command", metavar="COMMAND", required=True)
    p = bsub.add_parser("set", parents=parents, help="set a campaign's budget for a category",
                        description="Set what a campaign may spend on a category, for its whole run or (--month) one month. "
                        "Budgets add up; they are kept in the base currency.")
    p.add_argument("campaign", help="the campaign (name, +slug or id prefix)")
    p.add_argument("category", help="the category, e.g. influencers")
    p.add_argument("amount", help='the budget, e.g. 4000 or "4000.00 EUR" (the base currency)')
    p.add_argument("--month", metavar="YYYY-MM", help="a budget for this month (default: for the campaign's run)")
    p.set_defaults(func=cmd_budget_set)

    rate = sub.add_parser("rate", parents=parents, help="exchange rates for reports", description="Exchange rates by date.")
    rsub = rate.add_subparsers(dest="rate_command", metavar="COMMAND", required=True)
    p = rsub.add_parser("set", parents=parents, help="set the rate of a currency pair on a date",
                        description="Set 1 BASE = RATE QUOTE from DATE on, e.g. rate set 2026-11-01 USD/EUR 0.9215.")
    p.add_argument("date", help="the first day it applies (2026-11-01, today, ...)")
    p.add_argument("pair", help="BASE/QUOTE, e.g. USD/EUR")
    p.add_argument("rate", help="how many QUOTE one BASE is worth, e.g. 0.9215")
    p.set_defaults(func=cmd_rate_set)
    p = rsub.add_parser("import", parents=parents, help="import rates from CSV (all or nothing)",
                        description="Import rates from CSV with a header date,pair,rate or date,base,quote,rate.")
    p.add_argument("file", help="the CSV file (- for standard input)")
    p.set_defaults(func=cmd_rate_import)
