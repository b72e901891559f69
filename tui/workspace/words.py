"""Counts in words: "1 task", "2 tasks", "1 entry", "3 entries"."""

from __future__ import annotations

from collections.abc import Iterable

#: Nouns whose plural is not the noun and an "s".
_PLURALS = {"entry": "entries", "category": "categories", "currency": "currencies", "this": "these"}


def plural(noun: str) -> str:
    """The plural of ``noun``; of its last word when it has several ("ledger entry": "ledger entries")."""
    head, _, last = noun.rpartition(" ")
    many = _PLURALS.get(last, last + "s")
    return f"{head} {many}" if head else many


def names(given: Iterable[str], shown: int = 10) -> str:
    """``given`` sorted, the first ``shown`` of them and how many more: a board of 300 people is not a line of 300 names."""
    ordered = sorted(given)
    more = f" (and {len(ordered) - shown:,} more)" if len(ordered) > shown else ""
    return ", ".join(ordered[:shown]) + more


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, singular for exactly one: ``counted(1, "entry")`` is "1 entry"."""
    return f"{count:,} {noun if count == 1 else plural(noun)}"
