"""Report periods and how the ledger pane moves and resizes them.

Like hledger-ui's shift-arrows: ``[`` / ``]`` move to the previous / next
period of the same size, ``{`` narrows (year -> quarter -> month -> week ->
day) and ``}`` widens (day -> ... -> year -> all).  Narrowing picks the
sub-period that holds the anchor day (today) when the period holds it, else
the period's first; widening picks the period that holds the current one's
first day.  Weeks are ISO weeks (Monday first).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from crewdeck.sync.state.records import FIRST_DAY, LAST_DAY
from crewdeck.tui.workspace.errors import UserError

KINDS = ("day", "week", "month", "quarter", "year", "all")
#: What a period of each kind is called before its label (``Week 2026-W48``).
_NAMES = {"day": "Day", "week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}

_DAY = re.compile(r"(\d{4})-(\d\d)-(\d\d)\Z")
_WEEK = re.compile(r"(\d{4})-W(\d\d)\Z", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d\d)\Z")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])\Z", re.IGNORECASE)
_YEAR = re.compile(r"(\d{4})\Z")
#: A period named from today, as hledger names them: ``this week``, ``last month`` (``thisweek`` too).
_RELATIVE = re.compile(r"(this|last)\s*(week|month|quarter|year)\Z", re.IGNORECASE)
#: The relative periods, in a refusal's list of what a period may be.
RELATIVE_WORDS = "today, yesterday, this or last week, month, quarter or year"


@dataclass(frozen=True)
class Period:
    """A calendar period: ``kind`` and its first day (``None`` for all time)."""

    kind: str
    start: dt.date | None = None

    @classmethod
    def all(cls) -> Period:
        return cls("all", None)

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        if kind == "all":
            return cls.all()
        if kind == "day":
            return cls(kind, day)
        if kind == "week":
            return cls(kind, day - dt.timedelta(days=day.weekday()))
        if kind == "month":
            return cls(kind, day.replace(day=1))
        if kind == "quarter":
            return cls(kind, dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        if kind == "year":
            return cls(kind, dt.date(day.year, 1, 1))
        raise ValueError(f"no period kind {kind!r}")

    @classmethod
    def parse(cls, text: str, also: str = "", today: dt.date | None = None) -> Period:
        """``2026-11-26``, ``2026-W48``, ``2026-11``, ``2026-Q4``, ``2026`` or ``all``; with ``today`` (the
        reader's, in their zone) also ``today``, ``yesterday``, ``this week``, ``last month``, ...

        ``also``: a word the caller reads itself before asking (``run``), named among the periods when ``text`` is none.
        """
        raw = text.strip()
        try:
            if raw.lower() == "all":
                return cls.all()
            if today is not None and (named := cls._relative(raw.lower(), today)) is not None:
                return named._in_range(text)
            if m := _DAY.match(raw):
                return cls("day", dt.date(int(m[1]), int(m[2]), int(m[3])))._in_range(text)
            if m := _WEEK.match(raw):
                return cls("week", dt.date.fromisocalendar(int(m[1]), int(m[2]), 1))._in_range(text)
            if m := _MONTH.match(raw):
                return cls("month", dt.date(int(m[1]), int(m[2]), 1))._in_range(text)
            if m := _QUARTER.match(raw):
                return cls("quarter", dt.date(int(m[1]), int(m[2]) * 3 - 2, 1))._in_range(text)
            if m := _YEAR.match(raw):
                return cls("year", dt.date(int(m[1]), 1, 1))._in_range(text)
        except ValueError:
            pass
        relative = f", {RELATIVE_WORDS}" if today is not None else ""
        known = (
            f"2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026{relative}, all or {also}"
            if also
            else f"2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026{relative} or all"
        )
        raise UserError(f"{text!r} is not a period ({known})")

    @classmethod
    def _relative(cls, words: str, today: dt.date) -> Period | None:
        """The period ``words`` names from ``today`` (``None``: they name none)."""
        if words in ("today", "yesterday"):
            return cls("day", today - dt.timedelta(days=words == "yesterday"))
        found = _RELATIVE.match(words)
        if found is None:
            return None
        this = cls.containing(found[2], today)
        return this if found[1] == "this" else this.move(-1)

    def _in_range(self, text: str) -> Period:
        if not self.within_range():
            raise UserError(f"{text!r} is out of range: periods run from {FIRST_DAY} to {LAST_DAY}")
        return self

    def within_range(self) -> bool:
        """Whether the period lies within the days a person may give (its end can be computed)."""
        if self.start is None:
            return True
        try:
            last = self._shift(self.start, 1) - dt.timedelta(days=1)
        except (ValueError, OverflowError):
            return False
        return self.start >= FIRST_DAY and last <= LAST_DAY

    # ------------------------------------------------------------ extent

    @property
    def end(self) -> dt.date | None:
        """The first day after the period."""
        if self.start is None:
            return None
        return self._shift(self.start, 1)

    @property
    def range(self) -> tuple[dt.date, dt.date] | None:
        """``(first day, first day after)``, or ``None`` for all time."""
        if self.start is None:
            return None
        end = self.end
        assert end is not None
        return self.start, end

    def __contains__(self, day: dt.date) -> bool:
        bounds = self.range
        return bounds is None or bounds[0] <= day < bounds[1]

    @property
    def label(self) -> str:
        start = self.start
        if start is None:
            return "all"
        if self.kind == "day":
            return start.isoformat()
        if self.kind == "week":
            year, week, _ = start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{start:%Y-%m}"
        if self.kind == "quarter":
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        return str(start.year)

    # ------------------------------------------------------------ moving

    def move(self, steps: int) -> Period:
        """``]`` is ``move(1)``, ``[`` is ``move(-1)``; all time stays all time, and the calendar's ends stay put."""
        if self.start is None:
            return self
        try:
            moved = Period(self.kind, self._shift(self.start, steps))
        except (ValueError, OverflowError):
            return self
        return moved if moved.within_range() else self

    def widen(self) -> Period:
        """``}``: the next bigger period holding this one's first day."""
        if self.start is None:
            return self
        bigger = KINDS[KINDS.index(self.kind) + 1]
        return Period.containing(bigger, self.start)

    def narrow(self, anchor: dt.date) -> Period:
        """``{``: the next smaller period, around ``anchor`` when it is inside."""
        if self.kind == "day":
            return self
        smaller = KINDS[KINDS.index(self.kind) - 1]
        if self.start is None or anchor in self:
            return Period.containing(smaller, anchor)
        return Period.containing(smaller, self.start)

    def _shift(self, day: dt.date, steps: int) -> dt.date:
        if self.kind == "day":
            return day + dt.timedelta(days=steps)
        if self.kind == "week":
            return day + dt.timedelta(weeks=steps)
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind] * steps
        index = day.year * 12 + day.month - 1 + months
        return dt.date(index // 12, index % 12 + 1, 1)


def period_name(period: Period | None) -> str:
    """A period as the panes' bars name it, the same in each: ``Week 2026-W48``, ``Month 2026-11``, ``All time``;
    ``None``, each campaign's own run (the Results screen's period of no calendar kind): ``Campaign run``."""
    if period is None:
        return "Campaign run"
    return "All time" if period.start is None else f"{_NAMES[period.kind]} {period.label}"
