"""Values made once a key and then found by a lookup alone: a ``dict`` that makes what it is missing, up to a bound.

A listing or an export meets the same few values (statuses, people, empty
lists) row after row: a hit is the ``dict``'s own lookup, with no call of
Python made for it, which is what 100,000 rows spend most of their time on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(dict[K, V]):
    """``make(key)`` for each key looked up, made the first time; emptied when ``most`` are kept (``None``: never)."""

    def __init__(self, make: Callable[[K], V], most: int | None = None) -> None:
        super().__init__()
        self.make, self.most = make, most

    def __missing__(self, key: K) -> V:
        if self.most is not None and len(self) >= self.most:
            self.clear()
        value = self[key] = self.make(key)
        return value
