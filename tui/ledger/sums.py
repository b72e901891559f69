"""Sums of ledger amounts in SQL that SQLite's integers hold, however many entries a group has.

An entry holds up to ``MAX_MINOR`` (10^15) minor units, so ``sum()`` of
9,224 of the largest passes 2^63 and SQLite raises "integer overflow".
Summed in two parts, the part above ``_SPLIT`` holds at most 10^6 per entry
and the part below it less than 10^9: each sum holds billions of entries.
``whole`` puts the two back together in Python, whose integers have no
bound.  Both parts are read from the covering index, as the amount was.
"""

from __future__ import annotations

#: SQLite's ``/`` truncates toward zero and ``%`` keeps the dividend's sign, so ``a / _SPLIT * _SPLIT + a % _SPLIT == a``.
_SPLIT = 10**9


def amount_sum(column: str) -> str:
    """The SQL of the two sums of ``column`` (two result columns) that ``whole`` turns into its exact sum."""
    return f"sum({column} / {_SPLIT}), sum({column} % {_SPLIT})"


def whole(high: int, low: int) -> int:
    """The exact sum of the amounts whose two sums ``amount_sum`` selected."""
    return high * _SPLIT + low
