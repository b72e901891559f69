"""The KPIs, defined once: what each divides by what, and how it is shown.

Every KPI is a quotient of sums over a group of result records (and the
spend linked to it), computed exactly and rounded once, half to even, to
its display precision (the README's table lists the same definitions):
money per result to the report currency's minor unit, percentages to two
decimals, ROAS to two decimals.  A zero (or unknown) denominator gives no
value, shown "—", never 0 or an error.  So does a count no record of the
group gave (a Meta export has no engagements column) and a conversion
value never given: "not reported", unlike a count given as 0, which counts.
Spend alike: a group no ledger entry counts toward has no spend linked (a
post whose spend was booked on its campaign), so what a result cost there
is unknown and its cost KPIs are "—"; entries that sum to 0 (an entry and
its reversal) spent 0, which counts.

Reach does not add up: the same person is reached on several days and by
several posts.  A group of more than one daily record shows the largest
daily reach as a lower bound ("≥"), and rates by reach then say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from crewdeck.sync.state.money import exponent

MISSING = "—"
#: A ``Value``'s note when a count (or the conversion value) it divides was never given for the group.
NOT_REPORTED = "not reported"
#: A ``Value``'s note when it divides spend and no ledger entry counts toward the group.
NO_SPEND = "no spend linked"
#: A ``Value``'s note when it divides spend, or divides by it, and the spend counted is below 0: money back (a refund, an ad
#: credit) beyond what the row spent.  No click, thousand impressions or result cost less than nothing, nor is a return
#: on it below 0: a value there would meet a cost target (``cpa -50.00`` under ``cpa<=20``) it never met.
SPEND_BELOW_ZERO = "spend below 0"
#: A ``Value``'s note when it is a rate by reach over several daily records (the largest daily reach, a lower bound).
REACH_BOUND_NOTE = "by largest daily reach"
#: Why a group's reach is its largest daily one, as the notes under ``kpi report`` and the Results screen's legend say it.
LARGEST_REACH = "the largest daily reach (reach does not add up over days)"
#: What the ``*`` after a rate (``shown``) means, said alike in both.
BY_LARGEST_REACH = f"* a rate by {LARGEST_REACH}"


@dataclass(frozen=True)
class Kpi:
    code: str
    label: str
    numerator: str
    denominator: str
    #: What the quotient is multiplied by before rounding (100 for a percentage, 1,000 for CPM).
    scale: int
    #: "percent", "money" (the report currency's minor unit) or "ratio".
    unit: str
    #: Decimals shown (money: the currency's own).
    places: int = 2


#: The definitions, in the order reports show them.
KPIS: tuple[Kpi, ...] = (
    Kpi("er_reach", "ER by reach", "engagements", "reach", 100, "percent"),
    Kpi("er_impressions", "ER by impressions", "engagements", "impressions", 100, "percent"),
    Kpi("er_followers", "ER by followers", "engagements", "followers", 100, "percent"),
    Kpi("ctr", "CTR", "clicks", "impressions", 100, "percent"),
    Kpi("cpc", "CPC", "spend", "clicks", 1, "money"),
    Kpi("cpm", "CPM", "spend", "impressions", 1000, "money"),
    Kpi("cpa", "CPA", "spend", "result", 1, "money"),
    Kpi("cvr", "conversion rate", "conversions", "clicks", 100, "percent"),
    Kpi("roas", "ROAS", "value", "spend", 1, "ratio"),
)
BY_CODE = {k.code: k for k in KPIS}


def divide_rounded(numerator: Decimal, denominator: Decimal, places: int) -> Decimal | None:
    """``numerator / denominator`` rounded once, half to even, to ``places`` decimals; ``None`` for a zero denominator.

    Exact: both sides are read as integer fractions, so no intermediate
    result is rounded (the only rounding is the last one).
    """
    if denominator == 0:
        return None
    n_num, n_den = numerator.as_integer_ratio()
    d_num, d_den = denominator.as_integer_ratio()
    top = n_num * d_den * 10**places
    bottom = n_den * d_num
    if bottom < 0:
        top, bottom = -top, -bottom
    quotient, remainder = divmod(top, bottom)
    twice = 2 * remainder
    if twice > bottom or (twice == bottom and quotient % 2):
        quotient += 1
    return Decimal(quotient).scaleb(-places)


@dataclass
class Totals:
    """The sums a group's KPIs are made of.  ``spend`` and ``value`` are in the report currency, exact."""

    #: The counts some record of the group gave (a count no record gave is absent: not reported).
    counts: dict[str, int] = field(default_factory=dict)
    #: The largest daily reach of one record, how many records gave a reach, and how many records the group sums.
    reach_max: int | None = None
    reach_records: int = 0
    records: int = 0
    followers: int | None = None
    spend: Decimal = Decimal(0)
    #: The ledger entries counted in ``spend`` (0: no spend linked, unknown; not entries that sum to 0).
    spend_entries: int = 0
    #: Spend or value left out for want of a rate: minor units per currency.
    spend_missing: dict[str, int] = field(default_factory=dict)
    value: Decimal = Decimal(0)
    value_missing: dict[str, int] = field(default_factory=dict)
    #: Some record of the group gave a conversion value.
    value_given: bool = False

    def count(self, name: str) -> int:
        return self.counts.get(name, 0)

    @property
    def reach_is_bound(self) -> bool:
        """Reach is one daily record's of several: at least that many people (the other days, given a reach or not, reached more)."""
        return self.reach_records > 1 or (self.reach_records == 1 and self.records > 1)

    def operand(self, name: str, result: str) -> Decimal | None:
        """A numerator or denominator; ``None`` when it is unknown (a rate missing, not reported)."""
        if name == "spend":
            return None if self.spend_missing else self.spend
        if name == "value":
            return None if self.value_missing or not self.value_given else self.value
        if name == "reach":
            return None if self.reach_max is None else Decimal(self.reach_max)
        if name == "followers":
            return None if self.followers is None else Decimal(self.followers)
        counted = result if name == "result" else name
        return Decimal(self.counts[counted]) if counted in self.counts else None

    def unreported(self, name: str, result: str) -> str | None:
        """What the operand ``name`` is, in words, when no record of the group gave it; ``None`` when given (spend: the ledger's, always)."""
        if name == "value":
            return None if self.value_given else "conversion value"
        if name == "reach":
            return None if self.reach_max is not None else "reach"
        if name == "followers":
            return None if self.followers is not None else "followers"
        counted = result if name == "result" else name
        return None if name == "spend" or counted in self.counts else counted.replace("_", " ")


@dataclass(frozen=True)
class Value:
    """A KPI's value (``None``: "—") and why it may be partial."""

    kpi: Kpi
    value: Decimal | None
    #: "rate missing" when spend or value could not be converted; "not reported" when a count (or the value) it divides
    #: was never given; "no spend linked" when it divides spend no entry gave; "spend below 0" when that spend is money
    #: back; "by largest daily reach" for rates by reach over several records.
    note: str = ""


def compute(kpi: Kpi, totals: Totals, currency: str, result: str = "conversions") -> Value:
    """One KPI of a group, in ``currency`` for money.

    "rate missing" only where a rate would give a value: a count never
    reported, or nothing to divide by, leaves the KPI "—" whatever the rate.
    """
    if totals.unreported(kpi.numerator, result) or totals.unreported(kpi.denominator, result):
        return Value(kpi, None, NOT_REPORTED)
    if "spend" in (kpi.numerator, kpi.denominator) and not totals.spend_entries:
        return Value(kpi, None, NO_SPEND)
    if "spend" in (kpi.numerator, kpi.denominator) and not totals.spend_missing and totals.spend < 0:
        return Value(kpi, None, SPEND_BELOW_ZERO)
    bound = REACH_BOUND_NOTE if kpi.denominator == "reach" and totals.reach_is_bound else ""
    numerator = totals.operand(kpi.numerator, result)
    denominator = totals.operand(kpi.denominator, result)
    if denominator == 0:
        return Value(kpi, None, bound)
    if numerator is None or denominator is None:
        return Value(kpi, None, "rate missing")  # spend or conversion value in a currency with no rate on its day
    places = exponent(currency) if kpi.unit == "money" else kpi.places
    return Value(kpi, divide_rounded(numerator * kpi.scale, denominator, places), bound)


def compute_all(totals: Totals, currency: str, result: str = "conversions") -> dict[str, Value]:
    return {kpi.code: compute(kpi, totals, currency, result) for kpi in KPIS}


def shown(value: Value, currency: str, plain: bool = False) -> str:
    """How a KPI reads in a table: ``1.25%``, ``1,250.42``, ``3.10x``, ``—`` (``plain``: ``1250.42``, as a CSV writes it)."""
    if value.value is None:
        return "rate missing" if value.note == "rate missing" else MISSING
    text = str(value.value) if plain else f"{value.value:,}"
    if value.kpi.unit == "percent":
        text += "%"
    elif value.kpi.unit == "ratio":
        text += "x"
    return text + ("*" if value.note == REACH_BOUND_NOTE else "")
