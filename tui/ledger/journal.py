"""The ledger as an hledger journal that gives the same totals.

* ``commodity`` directives with each currency's minor unit (``1000.00 EUR``,
  ``1000. JPY``, ``1000.000 KWD``), no thousands separators, and ``account``
  directives for every account used (``hledger check -s`` passes);
* ``P`` market prices from the rates into the base currency, so ``hledger
  bal --value=then,EUR`` converts each posting with the rate of its date, as
  crewdeck does (the other rates are comments: hledger would invert or
  chain them, crewdeck does neither);
* budgets as periodic transactions for ``hledger bal --budget``: a monthly
  budget is ``~ monthly from`` its month ``to`` the next; a run budget is
  one goal on the campaign's first day (or its first entry's day, if it
  has no start date);
* one transaction per counted entry, on ``expenses:campaign:<slug>:<category>``
  against ``assets:campaign-funds``, tagged with its id (and the entry it
  reverses); entries waiting for approval, and spend a crisis froze
  (``crewdeck.tui.posts.frozen``), are written as comments, so plain
  ``hledger balance`` matches ``crewdeck ledger report``.

A payee's or memo's ``|`` and ``;`` become ``/`` and ``,``: in a journal they
would start a note or a comment; a payee starting with ``*``, ``!`` or ``(``
follows an empty code ``()``, so hledger reads no status or code in it; its line breaks become spaces (its spaces stay
as they are, as hledger keeps them), and control
characters are shown as ``crewdeck.sync.state.visible`` shows them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from typing import TextIO

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import exponent, format_minor
from crewdeck.sync.state.visible import visible
from crewdeck.tui.ledger import budgets as budget_lib
from crewdeck.tui.ledger.entries import EntryRow, Names, stream
from crewdeck.tui.ledger.rates import COMPLETE
from crewdeck.tui.workspace.workspace import Workspace

EXPENSES = "expenses:campaign"
FUNDS = "assets:campaign-funds"


def account(campaign: str, category: str) -> str:
    # A category is one word (the checks say so); one stored before them still makes one line.
    return f"{EXPENSES}:{campaign}:{_clean(category)}"


def _clean(text: str) -> str:
    # One line, and nothing a terminal showing the journal would act on (see crewdeck.sync.state.visible).  Its spaces
    # stay as they are, two or a no-break one: hledger keeps them in a payee, and so per payee its totals are the report's.
    return visible(" ".join(text.replace("|", "/").replace(";", ",").splitlines()).strip())


def commodity(currency: str) -> str:
    places = exponent(currency)
    return f"commodity 1000.{'0' * places} {currency}"


def amount(minor: int, currency: str) -> str:
    return f"{format_minor(minor, currency)} {currency}"


def _description(payee: str) -> str:
    """The payee as hledger's description: one starting with ``*``, ``!`` or ``(`` follows an empty code ``()``.

    Else hledger reads that start as the transaction's status (``* Star``: a
    cleared "Star") or its code (``(PO 17) Acme``: payee "Acme").
    """
    text = _clean(payee)
    return f"() {text}" if text.startswith(("*", "!", "(")) else text


def _entry(row: EntryRow) -> list[str]:
    head = f"{row.date} {_description(row.payee)}" + (f" | {_clean(row.memo)}" if row.memo else "")
    tags = [f"id:{row.id}"] + ([f"reverses:{row.reverses}"] if row.reverses else []) + ([f"task:{row.task}"] if row.task else [])
    return [
        f"{head}  ; {', '.join(tags)}",
        f"    {account(row.campaign, row.category)}    {amount(row.amount, row.currency)}",
        f"    {FUNDS}",
    ]


def write(ws: Workspace, out: TextIO, now: dt.datetime) -> int:
    """Write the journal; return how many entries it holds (pending and frozen ones included, as comments)."""
    conn = ws.conn
    base = ws.base_currency
    names = Names.load(conn)
    currencies = {base}
    currencies.update(r[0] for r in conn.execute("SELECT DISTINCT currency FROM ledger_entry"))
    currencies.update(r[0] for r in conn.execute(f"SELECT base FROM rate WHERE {COMPLETE} UNION SELECT quote FROM rate WHERE {COMPLETE}"))
    budgets = budget_lib.load(conn)
    currencies.update(b.currency for b in budgets)
    out.write(f"; crewdeck ledger of {_clean(ws.name)}, exported {now:%Y-%m-%d %H:%M} UTC; base currency {base}\n")
    out.write("; entries waiting for a manager's approval, and spend a crisis froze, are commented out: they do not count yet\n\n")
    for currency in sorted(currencies):
        out.write(commodity(currency) + "\n")
    out.write("\n")
    # Declared, so that hledger's strict checks (``hledger check -s``) pass too.
    pairs = conn.execute("SELECT DISTINCT campaign, category FROM ledger_entry WHERE campaign IS NOT NULL AND category IS NOT NULL")
    accounts = {account(names.campaigns.get(c, short(c)), category) for c, category in pairs}
    accounts.update(account(names.campaigns.get(b.campaign, short(b.campaign)), b.category) for b in budgets)
    for name in [FUNDS, *sorted(accounts)]:
        out.write(f"account {name}\n")
    out.write("\n")
    _prices(conn, base, out)
    out.write("\n")
    _budgets(ws, out, budgets, names)
    from crewdeck.tui.posts.frozen import frozen_ids

    frozen = frozen_ids(conn)
    n = 0
    for row in stream(conn, "1", [], oldest_first=True):
        lines = _entry(row)
        if row.pending:
            out.write("; pending approval:\n" + "".join(f"; {line}\n" for line in lines) + "\n")
        elif row.id in frozen:
            out.write("; frozen by a crisis until a manager approves it:\n" + "".join(f"; {line}\n" for line in lines) + "\n")
        else:
            out.write("\n".join(lines) + "\n\n")
        n += 1
    return n


def _prices(conn: sqlite3.Connection, base: str, out: TextIO) -> None:
    """``P`` directives of the rates into the base currency and out of it; the others as comments.

    crewdeck converts with a rate either way round between a currency and
    the base, as hledger infers a reverse price; given a price between two
    other currencies, hledger would chain it and value spend the report
    leaves out for want of a rate.
    """
    used = "(quote = :base OR base = :base)"
    rows = conn.execute(f"SELECT date, base, quote, rate FROM rate WHERE {COMPLETE} ORDER BY NOT {used}, date, base, quote", {"base": base})
    noted = False
    for day, rate_base, quote, rate in rows:
        other = base not in (rate_base, quote)
        if other and not noted:
            out.write(f"; rates between other currencies than {base}: reports use none of them, so neither does hledger\n")
            noted = True
        out.write(f"{'; ' if other else ''}P {day} {rate_base} {rate} {quote}\n")


def _budgets(ws: Workspace, out: TextIO, budgets: list[budget_lib.Budget], names: Names) -> None:
    conn = ws.conn
    first_entry = dict(conn.execute("SELECT campaign, min(date) FROM ledger_entry GROUP BY campaign"))
    runs = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, start, [end] FROM campaign")}
    starts = {campaign: run[0] for campaign, run in runs.items()}
    groups: dict[tuple[str, str], list[budget_lib.Budget]] = defaultdict(list)
    for budget in budgets:
        groups[(budget.campaign, budget.period)].append(budget)
    for (campaign, period), members in sorted(groups.items()):
        name = names.campaigns.get(campaign, short(campaign))
        if period == "run":
            day_text = starts.get(campaign) or first_entry.get(campaign)
            if not day_text:
                out.write(f"; budget for the run of {name}: not placed, the campaign has no start date and no entries\n\n")
                continue
            if not starts.get(campaign):
                # Placed on the first entry's day, hledger would value a budget in another currency at that day's rate,
                # where ``ledger report`` picks none ("rate missing"): it never guesses with another date's rate.
                unpriced = [b for b in members if b.currency != ws.base_currency]
                for budget in unpriced:
                    out.write(
                        f"; budget for the run of {name}, {_clean(budget.category)}: {amount(budget.amount, budget.currency)} left out, "
                        f"the campaign has no start date, so no {budget.currency}/{ws.base_currency} rate can be picked\n"
                    )
                members = [b for b in members if b.currency == ws.base_currency]
                if unpriced:
                    out.write("\n")
                if not members:
                    continue
            day = dt.date.fromisoformat(day_text)
            head = f"~ daily from {day} to {day + dt.timedelta(days=1)}  budget {name} for the run"
        elif campaign in runs and budget_lib.outside_run(period, *runs[campaign]):
            # Reports count it nowhere; neither does hledger.
            out.write(f"; budget of {name} for {period}: left out, the month is outside the campaign's run\n\n")
            continue
        else:
            first, after = budget_lib.month_bounds(period)
            head = f"~ monthly from {first} to {after}  budget {name} {period}"
        out.write(head + "\n")
        for budget in members:
            out.write(f"    {account(name, budget.category)}    {amount(budget.amount, budget.currency)}\n")
        out.write(f"    {FUNDS}\n\n")
