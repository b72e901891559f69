"""A campaign's targets: ``ctr>=1.2%``, ``cpa<=4.00 EUR``, ``er_reach>=3%``, and the result its CPA counts.

Kept in the campaign's ``kpis`` field (managers set it) as
``{"targets": [{"kpi": "ctr", "op": ">=", "value": "1.2"}], "result": "conversions"}``.
A target is met or missed by the KPI as shown (rounded once, to its
display precision); a KPI with no value ("—") neither meets nor misses it.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from crewdeck.sync.state.records import RESULT_COUNTS
from crewdeck.tui.results.kpis import BY_CODE, Value
from crewdeck.tui.workspace.errors import UserError

OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
#: Any case: ``CTR>=1.2%`` and ``ER_REACH>=3%`` as ``kpi report``'s headers name the KPIs, ``result=Clicks``.
_TARGET = re.compile(r"\s*([a-z_]+)\s*(>=|<=|>|<)\s*([0-9]+(?:\.[0-9]+)?)\s*(%|x|[a-z]{3})?\s*\Z", re.IGNORECASE)
_RESULT = re.compile(r"\s*result\s*=\s*([a-z_0-9]+)\s*\Z", re.IGNORECASE)
#: The counts a campaign's CPA may divide by, its results: any but reach, which does not add up over days or posts
#: (the same person is reached again), so a period's results of it would be no number a report shows.
RESULTS = tuple(name for name in RESULT_COUNTS if name != "reach")


@dataclass(frozen=True)
class Target:
    kpi: str
    op: str
    value: Decimal

    def __str__(self) -> str:
        unit = BY_CODE[self.kpi].unit
        suffix = "%" if unit == "percent" else "x" if unit == "ratio" else ""
        return f"{self.kpi}{self.op}{self.value}{suffix}"

    def text(self, currency: str) -> str:
        """As a person types it: ``cpa<=4.00 EUR`` (a money target is in the report's currency)."""
        return f"{self} {currency}" if BY_CODE[self.kpi].unit == "money" else str(self)

    def met(self, value: Value) -> bool | None:
        """Whether the shown value meets the target; ``None`` when there is no value."""
        return None if value.value is None else OPERATORS[self.op](value.value, self.value)

    def as_json(self) -> dict[str, str]:
        return {"kpi": self.kpi, "op": self.op, "value": str(self.value)}


def clears(texts: list[str]) -> bool:
    """Whether the ``--target`` texts are ``none`` alone (in any case, spaces aside, as ``parse`` reads it beside others):
    the campaign's targets cleared."""
    return [text.strip().lower() for text in texts] == ["none"]


def parse(texts: list[str], currency: str) -> dict[str, Any]:
    """``--target`` texts -> the ``targets`` and ``result`` a campaign's ``kpis`` field keeps."""
    targets: list[dict[str, str]] = []
    result = "conversions"
    #: Whether a ``result=`` was given: a second is refused (which of the two was meant is a guess).
    chose = False
    for text in texts:
        if text.strip().lower() == "none":
            raise UserError(f"--target {text!r} clears the targets: give it alone, or the targets without it")
        chosen = _RESULT.match(text)
        if chosen:
            if chose:
                raise UserError(f"--target {text!r}: CPA counts {result} already (result={result}): give one")
            result, chose = chosen[1].lower(), True
            if result == "reach":
                raise UserError(f"--target {text!r}: reach does not add up over days: CPA counts one of {', '.join(RESULTS)}")
            if result not in RESULTS:
                raise UserError(f"--target {text!r}: the result CPA counts is one of {', '.join(RESULTS)}")
            continue
        found = _TARGET.match(text)
        if not found:
            raise UserError(f"--target {text!r}: write KPI OP NUMBER, like ctr>=1.2%, cpa<=4.00 {currency}, roas>=3, or result=clicks")
        code, op, number, unit = found.groups()
        # Any case, as typed: a currency's code is upper case ("eur"), a ratio's "X" is "x".
        code, unit = code.lower(), None if unit is None else unit.upper() if len(unit) == 3 else unit.lower()
        kpi = BY_CODE.get(code)
        if kpi is None:
            raise UserError(f"--target {text!r}: no KPI {code!r} (KPIs: {', '.join(BY_CODE)})")
        if kpi.unit == "money" and unit not in (None, currency):
            raise UserError(f"--target {text!r}: {code} is in the report currency, {currency}")
        if kpi.unit == "percent" and unit not in (None, "%"):
            raise UserError(f"--target {text!r}: {code} is a percentage, like {code}>=1.2%")
        if kpi.unit == "ratio" and unit not in (None, "x"):
            raise UserError(f"--target {text!r}: {code} is a ratio, like {code}>=3 or {code}>=3x")
        try:
            value = Decimal(number)
        except InvalidOperation:
            raise UserError(f"--target {text!r}: {number!r} is not a number") from None
        # A floor and a ceiling make a range; a second floor (or ceiling) would leave one of the two unsaid, and a floor
        # above the ceiling is a range no value is in: the campaign would read off target whatever it did.
        lower = op in (">=", ">")
        for kept in targets:
            if kept["kpi"] != code:
                continue
            bound = Target(code, kept["op"], Decimal(kept["value"]))
            if (kept["op"] in (">=", ">")) == lower:
                raise UserError(
                    f"--target {text!r}: {code} has {'a lower' if lower else 'an upper'} bound already ({bound.text(currency)}): give one"
                )
            if _empty(*((Target(code, op, value), bound) if lower else (bound, Target(code, op, value)))):
                raise UserError(f"--target {text!r}: no value meets both it and {bound.text(currency)}")
        targets.append({"kpi": code, "op": op, "value": str(value)})
    return {"targets": targets, "result": result}


def _empty(floor: Target, ceiling: Target) -> bool:
    """Whether no value meets both a floor (``>=``, ``>``) and a ceiling (``<=``, ``<``) of one KPI."""
    strict = floor.op == ">" or ceiling.op == "<"
    return floor.value > ceiling.value or (floor.value == ceiling.value and strict)


def of(kpis: dict[str, Any]) -> tuple[list[Target], str]:
    """A campaign's targets and the result its CPA counts, from its ``kpis`` field (what cannot be read is left out)."""
    found: list[Target] = []
    raw = kpis.get("targets") if isinstance(kpis, dict) else None
    for item in raw if isinstance(raw, list) else []:
        try:
            value = Decimal(str(item["value"]))
            # NaN is neither above nor below a value (comparing it raises), and no KPI is infinite: --target reads numbers.
            if item["kpi"] in BY_CODE and item["op"] in OPERATORS and value.is_finite():
                found.append(Target(item["kpi"], item["op"], value))
        except (KeyError, TypeError, InvalidOperation):
            continue
    result = kpis.get("result") if isinstance(kpis, dict) else None
    return found, result if isinstance(result, str) and result in RESULTS else "conversions"


def said(kpis: dict[str, Any], currency: str) -> tuple[list[str], str]:
    """A campaign's targets as ``--target`` takes them (``ctr>=1.2%``, ``cpa<=4.00 EUR``), and what its CPA counts
    (``CPA counts conversions``), as ``campaign list`` and the log say them."""
    found, result = of(kpis)
    return [t.text(currency) for t in found], f"CPA counts {result.replace('_', ' ')}"


def missed(targets: list[Target], values: dict[str, Value]) -> list[tuple[Target, Value]]:
    """The targets the values miss (not those with no value)."""
    return [(t, values[t.kpi]) for t in targets if t.met(values[t.kpi]) is False]
