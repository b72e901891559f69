"""Ledger commands: ledger add/reverse/approve/list/report/export/import, budget set/list/rm, rate set/import.

Only the parser is built here; the commands live in ``ledger_commands``,
imported when one runs, so other commands do not pay for the ledger's
modules at start-up.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from crewdeck.tui.cli.common import Context, limit_number
from crewdeck.tui.ledger import REPORT_GROUPINGS


def _command(name: str) -> Callable[[Context], int]:
    def run(ctx: Context) -> int:
        from crewdeck.tui.cli import ledger_commands

        return int(getattr(ledger_commands, name)(ctx))

    return run


# ---------------------------------------------------------------- registration


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    ledger = sub.add_parser(
        "ledger",
        parents=parents,
        help="record spend, reverse, approve, report, export, import",
        description="The budget ledger: append-only entries in any currency, reported in the base currency.",
    )
    lsub = ledger.add_subparsers(dest="ledger_command", metavar="COMMAND", required=True)

    p = lsub.add_parser(
        "add",
        parents=parents,
        help="record a spend (prints its id)",
        description="Record a spend. Amounts are exact: 120.50 EUR, 15000 JPY, 1.250 KWD (a dot, no thousands separators).",
        examples=['crewdeck ledger add --campaign spring-launch --category ads --amount "120.50 EUR" --payee "Meta Ads" --memo "inv 4411"'],
    )
    p.add_argument("--campaign", metavar="C", help="the campaign (name, +slug or id prefix; default: the --task's)")
    p.add_argument("--category", required=True, metavar="K", help="the category, e.g. influencers, sponsored-posts")
    p.add_argument("--amount", required=True, metavar="AMOUNT", help='"120.50 EUR"; without a currency, the base currency')
    p.add_argument("--payee", required=True, metavar="P", help="who was paid")
    p.add_argument(
        "--date",
        metavar="D",
        help="the day of the spend (default: today; 2026-11-20, yesterday, mon or nov 3: the last one, unless within a month ahead)",
    )
    p.add_argument("--memo", metavar="M", help="a note, e.g. the invoice number")
    p.add_argument("--task", metavar="ID", help="the task this spend is for (id or prefix), of the entry's campaign or of none")
    p.add_argument("--pending", action="store_true", help="the spend counts only once a manager other than you approves it")
    p.set_defaults(func=_command("cmd_add"))

    p = lsub.add_parser(
        "reverse",
        parents=parents,
        help="reverse an entry (prints the reversal's id)",
        description="Add the opposite entry, naming the one it reverses: the two net to zero in every report.",
    )
    p.add_argument("id", help="the entry's id or a unique prefix")
    p.add_argument("--memo", metavar="M", help="why it is reversed")
    p.set_defaults(func=_command("cmd_reverse"))

    p = lsub.add_parser(
        "approve",
        parents=parents,
        help="approve pending entries (managers)",
        description="Approve spend entered with --pending or frozen by a crisis. Only a manager may, and never for an entry they "
        "entered themselves. Several entries are approved all together or, if one of them may not be, none.",
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="entry ids or unique prefixes")
    p.set_defaults(func=_command("cmd_approve"))

    p = lsub.add_parser(
        "list",
        parents=parents,
        help="list entries matching a filter",
        description="List entries, newest first. QUERY: +campaign #category payee:TEXT cur:USD date:2026-11 (or thismonth) "
        "@handle @me is:pending|approved|reversal|reversed|frozen, free text; -TERM negates.",
    )
    p.add_argument("query", nargs="*", help="filter terms (default: every entry)")
    p.add_argument("--period", metavar="P", help="only this period: 2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026, this week, last month")
    p.add_argument("--limit", type=limit_number, default=-1, help="at most this many entries")
    p.add_argument("--json", action="store_true", help="print JSON (amounts as decimal strings with their currency)")
    p.set_defaults(func=_command("cmd_list"))

    p = lsub.add_parser(
        "report",
        parents=parents,
        help="budget against actual in the base currency",
        description="Budget, spent, remaining, % used, burn per day, forecast to the campaign's end and "
        "over-budget flags, per campaign and category, month or payee.",
    )
    p.add_argument("--campaign", metavar="C", help="only this campaign")
    p.add_argument("--by", choices=REPORT_GROUPINGS, default="category", help="rows per category, month or payee (default: %(default)s)")
    p.add_argument("--period", metavar="P", help="only this period (default: all time): 2026-11, 2026-Q4, 2026, this week, last month, ...")
    p.add_argument("--json", action="store_true", help="print JSON (amounts as decimal strings with their currency)")
    p.set_defaults(func=_command("cmd_report"))

    p = lsub.add_parser(
        "export",
        parents=parents,
        help="export entries as CSV or an hledger journal",
        description="Export the ledger: CSV (reads back with ledger import) or an hledger journal with commodities, prices and budgets.",
    )
    p.add_argument("--format", choices=("csv", "hledger"), required=True, help="csv or hledger")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=_command("cmd_export"))

    p = lsub.add_parser(
        "import",
        parents=parents,
        help="import entries from CSV (all or nothing)",
        description="Import entries from CSV with a header (date,campaign,category,payee,amount[,currency,memo,task,id]). "
        "A file with a bad row imports nothing; importing a file again adds nothing.",
    )
    p.add_argument("file", help="the CSV file (- for standard input)")
    p.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="read FIELD from the column named COLUMN, e.g. --map amount=Betrag (repeat, or separate with commas)",
    )
    p.add_argument(
        "--negate",
        action="store_true",
        help="read every amount with its sign turned: a bank statement lists payments as negative, money back as positive",
    )
    p.add_argument(
        "--decimal-mark",
        metavar="MARK",
        help="',' for amounts written 1.200,50 (dots group thousands); default '.'",
    )
    p.add_argument("--date-format", metavar="FORMAT", help="how the dates are written, e.g. %%d/%%m/%%Y (default: YYYY-MM-DD)")
    p.add_argument("--campaign", metavar="C", help="the campaign of a row that names none (a bank statement's)")
    p.add_argument("--category", metavar="K", help="the category of a row that names none")
    p.add_argument(
        "--currency", metavar="CODE", help="the currency of an amount that names none (default: the base currency, said in a note)"
    )
    p.set_defaults(func=_command("cmd_import"))

    budget = sub.add_parser(
        "budget", parents=parents, help="set, list and remove campaign budgets", description="Budgets per campaign and category."
    )
    bsub = budget.add_subparsers(dest="budget_command", metavar="COMMAND", required=True)
    p = bsub.add_parser(
        "set",
        parents=parents,
        help="set a campaign's budget for a category",
        description="Set what a campaign may spend on a category, for its whole run or (--month) one month. "
        "Budgets add up; each is kept in its own currency (default: the base currency) and reports convert it at the rate "
        "of the first day of its period.",
    )
    p.add_argument("campaign", help="the campaign (name, +slug or id prefix)")
    p.add_argument("category", help="the category, e.g. influencers")
    p.add_argument("amount", help='the budget, e.g. 4000 (the base currency) or "4000.00 USD"')
    p.add_argument("--month", metavar="YYYY-MM", help="a budget for this month (default: for the campaign's run)")
    p.set_defaults(func=_command("cmd_budget_set"))
    p = bsub.add_parser(
        "list",
        parents=parents,
        help="list the budgets set, each in its own currency and period",
        description="List the budgets set per campaign and category, for the run or a month, each in its own currency "
        "(ledger report converts and adds them up).",
    )
    p.add_argument("campaign", nargs="?", help="only this campaign (name, +slug or id prefix)")
    p.add_argument("--json", action="store_true", help="print JSON (amounts as decimal strings with their currency)")
    p.set_defaults(func=_command("cmd_budget_list"))
    p = bsub.add_parser(
        "rm",
        parents=parents,
        help="remove a campaign's budget for a category",
        description="Remove what budget set set for a campaign's category, for its run or (--month) one month: it leaves "
        "every report (the change stays in the log). Set again, it comes back.",
    )
    p.add_argument("campaign", help="the campaign (name, +slug or id prefix)")
    p.add_argument("category", help="the category, e.g. influencers")
    p.add_argument("--month", metavar="YYYY-MM", help="the budget for this month (default: the one for the campaign's run)")
    p.set_defaults(func=_command("cmd_budget_rm"))

    rate = sub.add_parser("rate", parents=parents, help="exchange rates for reports", description="Exchange rates by date.")
    rsub = rate.add_subparsers(dest="rate_command", metavar="COMMAND", required=True)
    p = rsub.add_parser(
        "set",
        parents=parents,
        help="set the rate of a currency pair on a date",
        description="Set 1 BASE = RATE QUOTE from DATE on, e.g. rate set 2026-11-01 USD/EUR 0.9215.",
    )
    p.add_argument("date", help="the first day it applies (2026-11-01, today, mon or dec 1: the last one, unless within a month ahead)")
    p.add_argument("pair", help="BASE/QUOTE, e.g. USD/EUR")
    p.add_argument("rate", help="how many QUOTE one BASE is worth, e.g. 0.9215")
    p.set_defaults(func=_command("cmd_rate_set"))
    p = rsub.add_parser(
        "import",
        parents=parents,
        help="import rates from CSV (all or nothing)",
        description="Import rates from CSV with a header date,pair,rate or date,base,quote,rate.",
    )
    p.add_argument("file", help="the CSV file (- for standard input)")
    p.add_argument(
        "--decimal-mark",
        metavar="MARK",
        help="',' for rates written 0,9215 and 1.234,50 (dots group thousands), as ledger import reads amounts; default '.'",
    )
    p.set_defaults(func=_command("cmd_rate_import"))
    p = rsub.add_parser(
        "list",
        parents=parents,
        help="list the rates set, by date",
        description="List the rates set, by date and pair: 1 BASE = RATE QUOTE from DATE on.",
    )
    p.add_argument("currency", nargs="?", help="only pairs with this currency, e.g. JPY")
    p.add_argument("--json", action="store_true", help="print JSON (rates as decimal strings)")
    p.set_defaults(func=_command("cmd_rate_list"))
