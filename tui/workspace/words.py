"""Counts in words: "1 task", "2 tasks", "1 entry", "3 entries"."""

from __future__ import annotations

#: Nouns whose plural is not the noun and an "s".
_PLURALS = {"entry": "entries", "category": "categories", "currency": "currencies", "this": "these"}


def plural(noun: str) -> str:
    """The plural of ``noun``; of its last word when it has several ("ledger entry": "ledger entries")."""
    head, _, last = noun.rpartition(" ")
    many = _PLURALS.get(last, last + "s")
    return f"{head} {many}" if head else many


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, singular for exactly one: ``counted(1, "entry")`` is "1 entry"."""
    return f"{count:,} {noun if count == 1 else plural(noun)}"
