"""Exchange rates and conversion to the workspace's base currency.

A rate record says ``1 BASE = RATE QUOTE`` on a date (``USD/EUR 0.92``:
one US dollar is 0.92 euros).  An amount in currency C on day D converts to
the workspace's base currency B with the rate C/B in force on D: the one
dated D, or else the latest one dated before D (the way hledger picks a
market price).  A rate the other way, B/C, counts too, as hledger infers a
reverse price: ``1 / rate``, kept to 40 significant digits (``QUOTIENT``),
so the one rounding is still the amount's, when it is shown; a rate C/B
wins over it from the first date one is set, as hledger values a journal.
Never a chain (C/X and X/B).  With no such
rate the amount is *not* converted and reports say so, with the currency
and the dates that need a rate.

``RateBook.convert`` is the one conversion: a spend at the rate in force on
its own date, a budget at the rate in force on the first day of its period
(``crewdeck ledger report``; the KPI maths use it for spend too).  The
report's bulk sums find the same rate per span of days (``RateBook.spans``)
and multiply with ``at_rate``, as ``convert`` does.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from crewdeck.sync.state.money import EXACT, QUOTIENT, MoneyError, check_currency, parse_rate, to_decimal
from crewdeck.sync.state.records import rate_id
from crewdeck.sync.state.visible import quoted
from crewdeck.tui.workspace.errors import UserError

_ONE = Decimal(1)
#: The rates that count: live, and with every field (a pulled record may lack some; ``crewdeck doctor`` lists it).
COMPLETE = "deleted = 0 AND date IS NOT NULL AND base IS NOT NULL AND quote IS NOT NULL AND rate IS NOT NULL"


@dataclass(frozen=True)
class Rate:
    day: str
    base: str
    quote: str
    rate: Decimal

    @property
    def id(self) -> str:
        return rate_id(self.day, self.base, self.quote)

    @property
    def text(self) -> str:
        """The rate as typed: ``0.0000004``, never ``str(Decimal)``'s ``4E-7`` (which no check takes)."""
        return format(self.rate, "f")

    @property
    def values(self) -> dict[str, str]:
        return {"date": self.day, "base": self.base, "quote": self.quote, "rate": self.text}


def parse_pair(text: str) -> tuple[str, str]:
    """``USD/EUR``, ``USD:EUR`` or ``USDEUR`` -> ``("USD", "EUR")``."""
    raw = text.strip().upper()
    for sep in ("/", ":"):
        if sep in raw:
            base, _, quote = raw.partition(sep)
            break
    else:
        base, quote = raw[:3], raw[3:]
    base, quote = base.strip(), quote.strip()
    for code in (base, quote):
        try:
            check_currency(code)
        except MoneyError as exc:
            # Three letters are meant as a code (RMB for CNY): which one is no currency, not that the pair is mistyped.
            if len(code) == 3 and code.isascii() and code.isalpha():
                raise UserError(f"{quoted(text)}: {exc}") from None
            raise UserError(f"{quoted(text)} is not a currency pair like USD/EUR (1 USD = RATE EUR)") from None
    if base == quote:
        raise UserError(f"{quoted(text)}: a rate needs two different currencies")
    return base, quote


def make_rate(day: str, pair: str, rate: str) -> Rate:
    base, quote = parse_pair(pair)
    try:
        return Rate(day, base, quote, parse_rate(rate))
    except MoneyError as exc:
        raise UserError(str(exc)) from None


def load_all(conn: sqlite3.Connection) -> list[Rate]:
    """Every rate that counts, into any currency, by date and pair (``crewdeck rate list``)."""
    rows = conn.execute(f"SELECT date, base, quote, rate FROM rate WHERE {COMPLETE} ORDER BY date, base, quote")
    return [Rate(day, base, quote, Decimal(rate)) for day, base, quote, rate in rows]


def at_rate(amount: int | Decimal, currency: str, rate: Decimal) -> Decimal:
    """``amount`` of ``currency`` (minor units as an ``int``, or major units as a ``Decimal``) times ``rate``, exactly."""
    major = to_decimal(amount, currency) if isinstance(amount, int) else amount
    return EXACT.multiply(major, rate)


def missing_pair(currency: str, base: str) -> str:
    """The rate a conversion lacks, either way round, as warnings name it: ``INR/EUR (nor EUR/INR)``."""
    return f"{currency}/{base} (nor {base}/{currency})"


@dataclass
class RateBook:
    """The rates into one base currency, by currency and date: what one unit of the currency is in the base."""

    base: str
    dates: dict[str, list[str]] = field(default_factory=dict)
    rates: dict[str, list[Decimal]] = field(default_factory=dict)
    #: Per currency and date, the rate as set where the book's is its reverse (``EUR/INR 89.5``: 1 INR = 1/89.5 EUR).
    reverse: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: sqlite3.Connection, base: str) -> RateBook:
        book = cls(base)
        found: dict[str, dict[str, Decimal]] = {}
        rows = conn.execute(
            f"SELECT base, quote, date, rate FROM rate WHERE (quote = :base OR base = :base) AND base <> quote AND {COMPLETE}",
            {"base": base},
        )
        for rate_base, quote, day, rate in rows:
            if quote == base:
                found.setdefault(rate_base, {})[day] = Decimal(rate)
            else:
                book.reverse.setdefault(quote, {})[day] = Decimal(rate)
        # As hledger values: a rate set into the base, of any date before, wins over one set the other way round, which
        # counts only before the first of those.
        for currency, by_day in book.reverse.items():
            first = min(found[currency]) if currency in found else None
            kept = {day: given for day, given in by_day.items() if first is None or day < first}
            book.reverse[currency] = kept
            found.setdefault(currency, {}).update((day, QUOTIENT.divide(_ONE, given)) for day, given in kept.items())
        for currency, by_day in found.items():
            days = sorted(by_day)
            book.dates[currency] = days
            book.rates[currency] = [by_day[day] for day in days]
        return book

    def stated(self, currency: str, rate_day: str) -> str:
        """The rate in force from ``rate_day`` as it was set: ``1 USD = 0.931 EUR``, or its reverse ``1 EUR = 89.5 INR``."""
        given = self.reverse.get(currency, {}).get(rate_day)
        if given is not None:
            return f"1 {self.base} = {format(given, 'f')} {currency}"
        return f"1 {currency} = {format(self.on(currency, rate_day), 'f')} {self.base}"

    def in_force(self, currency: str, day: str) -> tuple[str, Decimal] | None:
        """``(rate's date, rate)`` for ``currency`` on ``day``; ``("", 1)`` for the base."""
        if currency == self.base:
            return "", _ONE
        dates = self.dates.get(currency)
        if not dates:
            return None
        i = bisect_right(dates, day)
        return (dates[i - 1], self.rates[currency][i - 1]) if i else None

    def convert(self, amount: int | Decimal, currency: str, day: str) -> Decimal | None:
        """``amount`` of ``currency`` in the base currency (major units, exact) at the rate in force on ``day``.

        ``amount`` is minor units as an ``int`` or major units as a
        ``Decimal`` (a share of a budget); ``day`` is ``YYYY-MM-DD``: a
        spend's own date, or the first day of a budget's period.  The rate
        is the one dated ``day`` or else the latest before it; ``None`` when
        there is none: the caller says "rate missing", nothing is guessed.
        """
        found = self.in_force(currency, day)
        return None if found is None else at_rate(amount, currency, found[1])

    def on(self, currency: str, rate_day: str) -> Decimal:
        """The rate dated exactly ``rate_day`` (as ``in_force`` found it)."""
        if currency == self.base:
            return _ONE
        dates = self.dates[currency]
        return self.rates[currency][bisect_right(dates, rate_day) - 1]

    def spans(self, currency: str, ever: str, never: str) -> list[tuple[str, str, Decimal | None]]:
        """``(first day, day after, rate)`` for every stretch of days one rate (or none) is in force."""
        if currency == self.base:
            return [(ever, never, _ONE)]
        dates = self.dates.get(currency, [])
        rates: list[Decimal | None] = [None, *self.rates.get(currency, [])]
        bounds = [ever, *dates, never]
        return [(bounds[i], bounds[i + 1], rates[i]) for i in range(len(bounds) - 1) if bounds[i] < bounds[i + 1]]


def unused(listed: list[Rate], base: str) -> list[tuple[Rate, str | None]]:
    """Each of ``listed`` no report converts with, and from when a rate into the base wins over it (``None``: never used).

    A rate between two currencies other than the base is never used (no chains); one out of the base
    (``EUR/GBP``) is used as ``RateBook.load`` keeps it: only before the first rate into the base, which wins from then.
    ``listed`` holds every rate of the currencies asked about (their first rate into the base is among them).
    """
    into: dict[str, str] = {}
    for rate in listed:
        if rate.quote == base:
            into[rate.base] = min(rate.day, into.get(rate.base, rate.day))
    out: list[tuple[Rate, str | None]] = []
    for rate in listed:
        if rate.base == base and rate.quote in into and rate.day >= into[rate.quote]:
            out.append((rate, into[rate.quote]))
        elif base not in (rate.base, rate.quote):
            out.append((rate, None))
    return out


def unused_said(found: list[tuple[Rate, str | None]], base: str) -> list[str]:
    """The pairs of ``unused`` rates, each said once with why: those a rate into ``base`` wins over first."""
    shadowed = sorted({(rate.quote, since) for rate, since in found if since is not None})
    elsewhere = sorted({f"{rate.base}/{rate.quote}" for rate, since in found if since is None})
    said = [f"{base}/{currency} on or after {since}, when {currency}/{base} starts" for currency, since in shadowed]
    return said + [f"{pair}, neither into nor out of {base}" for pair in elsewhere]


def lacking(book: RateBook, currency: str, day: str) -> str | None:
    """What is said of an amount in ``currency`` dated ``day`` that no rate converts into ``book.base``, with the rate
    that would; ``None`` when one does (or it is in the base): the reports leave such an amount out, never guess it."""
    if book.in_force(currency, day) is not None:
        return None
    return (
        f"no {missing_pair(currency, book.base)} rate on or before {day}: out of the totals "
        f"(crewdeck rate set {day} {currency}/{book.base} RATE)"
    )


def unrated(book: RateBook, amounts: Iterable[tuple[str, str]]) -> dict[str, tuple[int, str]]:
    """Of ``amounts`` (``(currency, day)`` each), those no rate converts into ``book.base``, per currency: how many and
    the first day of theirs, on which a rate covers them all (``lacking`` says that rate)."""
    found: dict[str, tuple[int, str]] = {}
    for currency, day in amounts:
        if book.in_force(currency, day) is None:
            count, first = found.get(currency, (0, day))
            found[currency] = count + 1, min(first, day)
    return found


def rate_date_sql(entry: str = "e") -> str:
    """SQL for the date of the rate in force on an entry's date (``''`` for the base, NULL if none), either way round.

    Takes the base currency as the named parameter ``:base``.
    """
    latest = "(SELECT max(r.date) FROM rate r WHERE r.quote = {} AND r.base = {} AND r.deleted = 0 AND r.rate IS NOT NULL AND r.date <= {})"
    direct = latest.format(":base", f"{entry}.currency", f"{entry}.date")
    reverse = latest.format(f"{entry}.currency", ":base", f"{entry}.date")
    return f"CASE WHEN {entry}.currency = :base THEN '' ELSE coalesce({direct}, {reverse}) END"
