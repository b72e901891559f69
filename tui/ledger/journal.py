"""The ledger as an hledger journal that gives the same totals.

* ``commodity`` directives with each currency's minor unit (``1000.00 EUR``,
  ``1000. JPY``, ``1000.000 KWD``), no thousands separators, and ``account``
  directives for every account used (``hledger check -s`` passes);
* ``P`` market prices from the rates into the base currency, so ``hledger
  bal --value=then,EUR`` converts each posting with the rate of its date, as
  crewdeck does (the other rates are comments: hledger would invert or
  chain them, crewdeck does neither);
* budgets as periodic transactions for ``hledger bal --budget``: a monthly
  budget is ``~ monthly from`` its month ``to`` the next; a run budget over
  several months is one goal per month, on its first day in the run, of the
  share the report gives that month (by its days in the run), so that
  ``bal --budget -M`` gives each month the report's budget (see ``_spread_run``);
  another run budget is one goal on the campaign's first day (or its first
  entry's day, if it has no start date);
* one transaction per counted entry, on ``expenses:campaign:<slug>:<category>``
  against ``assets:campaign-funds``, tagged with its id (and the entry it
  reverses); entries waiting for approval, and spend a crisis froze
  (``crewdeck.tui.posts.frozen``), are written as comments, so plain
  ``hledger balance`` matches ``crewdeck ledger report``.

A payee's or memo's ``|`` and ``;`` become ``/`` and ``,``: in a journal they
would start a note or a comment; a payee starting with ``*``, ``!`` or ``(``
follows an empty code ``()``, so hledger reads no status or code in it; its line breaks become spaces (its spaces stay
as they are, as hledger keeps them), and control
characters are shown as ``crewdeck.sync.state.visible.written`` shows them (a joiner as stored).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal
from typing import TextIO

from crewdeck.sync.state.ids import short
from crewdeck.sync.state.money import EXACT, exponent, format_minor, round_minor
from crewdeck.sync.state.visible import written
from crewdeck.tui.ledger import budgets as budget_lib
from crewdeck.tui.ledger.entries import EntryRow, Names, stream
from crewdeck.tui.ledger.rates import COMPLETE, RateBook, at_rate, missing_pair
from crewdeck.tui.ledger.reports import entry_currencies
from crewdeck.tui.workspace.workspace import Workspace

EXPENSES = "expenses:campaign"
FUNDS = "assets:campaign-funds"


def account(campaign: str, category: str) -> str:
    # A category is one word (the checks say so); one stored before them still makes one line.
    return f"{EXPENSES}:{campaign}:{_clean(category)}"


def _clean(text: str) -> str:
    # One line, and nothing a terminal showing the journal would act on (see crewdeck.sync.state.visible).  Its spaces
    # stay as they are, two or a no-break one: hledger keeps them in a payee, and so per payee its totals are the report's.
    return written(" ".join(text.replace("|", "/").replace(";", ",").splitlines()).strip())


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
    currencies.update(entry_currencies(conn))
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
    book: RateBook | None = None  # read once an export, and only for a run over several months
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
            run = budget_lib.run_bounds(*runs[campaign]) if campaign in runs else None
            if run is not None and run[0].replace(day=1) != (run[1] - dt.timedelta(days=1)).replace(day=1):
                book = book or RateBook.load(ws.conn, ws.base_currency)
                _spread_run(ws, out, members, run, name, book)
                continue
            day = dt.date.fromisoformat(day_text)
            if run is None:
                # No run's days to share it by: the report counts it in all-time totals alone (no month, no week), which
                # a periodic transaction cannot say; hledger counts it from its day on, so a report by month disagrees.
                out.write(
                    f"; budget for the run of {name}: the run has no {'end' if starts.get(campaign) else 'start'} date, so "
                    f"crewdeck ledger report counts it in all-time totals alone; hledger counts it on {day}, in that month\n"
                )
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


def _spread_run(ws: Workspace, out: TextIO, members: list[budget_lib.Budget], run: budget_lib.Bounds, name: str, book: RateBook) -> None:
    """A run budget over several months as a goal per month, each the month's share by its days in the run.

    One goal on the run's first day put the whole budget in the first month
    of ``hledger bal --budget -M``, where ``ledger report --by month`` (and a
    month's report) gives each month its days' share.  The shares are
    rounded to the minor unit so that they add up to the budget (the odd
    units go to the largest remainders): a month may differ from the
    report's by one minor unit, never the run's total.  A budget in another
    currency is written in the base currency at the rate of the run's first
    day, the one rate the report converts all of it with, where hledger
    would value each month's goal at that month's rate.
    """
    base = ws.base_currency
    first = f"{run[0]}"
    months: dict[str, list[str]] = defaultdict(list)
    for budget in members:
        found = book.in_force(budget.currency, first)
        if found is None:
            out.write(
                f"; budget for the run of {name}, {_clean(budget.category)}: {amount(budget.amount, budget.currency)} left out, "
                f"no {missing_pair(budget.currency, base)} rate on or before {first}, the run's first day\n\n"
            )
            continue
        rate = found[1]
        parts = [(month, at_rate(part, budget.currency, rate)) for month, part in budget_lib.monthly_shares(budget, None, run)]
        whole = round_minor(at_rate(budget.amount, budget.currency, rate), base)
        if budget.currency != base:
            out.write(
                f"; budget for the run of {name}, {_clean(budget.category)}: {amount(budget.amount, budget.currency)} "
                f"at {book.stated(budget.currency, found[0])}, the rate of the run's first day\n"
            )
        for (month, _), minor in zip(parts, _rounded(parts, whole, base)):
            months[month].append(f"    {account(name, budget.category)}    {amount(minor, base)}\n")
    for month, lines in sorted(months.items()):
        day = max(run[0], budget_lib.month_bounds(month)[0])
        out.write(f"~ daily from {day} to {day + dt.timedelta(days=1)}  budget {name} for the run, {month}\n")
        out.write("".join(lines) + f"    {FUNDS}\n\n")


def _rounded(parts: list[tuple[str, Decimal]], whole: int, currency: str) -> list[int]:
    """Exact shares in minor units that add up to ``whole``: each rounded down, the rest to the largest remainders."""
    scaled = [part.scaleb(exponent(currency), context=EXACT) for _, part in parts]
    floors = [int(value.to_integral_value(rounding=ROUND_FLOOR)) for value in scaled]
    odd = whole - sum(floors)
    for i in sorted(range(len(parts)), key=lambda i: floors[i] - scaled[i])[: max(odd, 0)]:
        floors[i] += 1
    return floors
