"""Dates and times as people write and read them.

Parsing ``fri 17:00``, ``tomorrow``, ``+3d`` or ``2026-12-01 09:30`` in a
zone, and showing an instant in a zone with whose time it is and how far
away it is.  Wall-clock times that do not exist (the spring-forward gap)
move forward by the gap; times that happen twice (the fall-back fold) take
the first occurrence.  Offsets come from ``zoneinfo`` only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from crewdeck.sync.state.records import FIRST_DAY, LAST_DAY
from crewdeck.sync.state.zones import (
    UnknownZoneError,
    abbreviation_zones,
    is_zone_in_other_case,
    looks_like_offset,
    suggest_zones,
    surprise,
    zone,
)
from crewdeck.tui.workspace.environment import variable

UTC = dt.UTC
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_ALIASES = {
    **{name: i for i, name in enumerate(WEEKDAY_NAMES)},
    **{full: i for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    "tues": 1,
    "wednes": 2,
    "thur": 3,
    "thurs": 3,
}
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: Written out, not ``calendar.month_name`` (English only in the C locale, and its import costs every command ~2 ms).
_FULL_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {
    **{name: i for i, name in enumerate(_MONTH_NAMES, start=1)},
    **{name: i for i, name in enumerate(_FULL_MONTH_NAMES, start=1)},
    "sept": 9,
}
_DAY_OF_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\Z")
#: Which days are working days, for ``eow`` and ``eom`` (the owner's, where a task has one).
WorkingDays = Callable[[dt.date], bool]
_TIME = re.compile(r"(\d{1,2})(?::(\d\d))?\s*(am|pm)?\Z", re.IGNORECASE)
#: The ways to write a day a refusal suggests: of any day, and of a day gone by (``parse_day(back=True)``).
_AHEAD_WORDS = "today, tmrw, fri, next mon, next week, eow, eom, +3d, dec 9, 2026-12-01"
_BACK_WORDS = "today, yesterday, fri or dec 9 (the last one gone by), 2026-12-01"
_OFFSET = re.compile(r"\+(\d{1,4})(min|mo|[hdwm])\Z")
#: An ISO 8601 instant typed as one word: ``2026-12-10T17:00``, with seconds (``:00`` only) and UTC's ``Z`` or not.
_ISO_INSTANT = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt](\d{1,2}:\d{2})(?::00)?([Zz])?\Z")
#: A day and, after its T, a time as the other forms write one (``2026-12-10T9am``, ``2026-12-10Teod``): the filters
#: read these before ISO instants were read everywhere.
_ISO_DAY_T = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt](\S+)\Z")
#: ``midnight`` too: meant as a time, and refused as one (``parse_time``), where it was read into a title.
_TIME_SHAPE = re.compile(r"[0-9]{1,2}:[0-9]{2}\Z|[0-9]{1,2}(?::[0-9]{2})?(?:am|pm)\Z|noon\Z|midnight\Z", re.IGNORECASE)
#: The time a date means when none is given and nothing better is known.
DEFAULT_DUE_TIME = dt.time(17, 0)


#: Tests and demos pin "now" with this (an ISO 8601 instant with an offset).
ENV_NOW = "CREWDECK_NOW"


class DateError(ValueError):
    """Text that is not a date or time we understand, with what we expected."""


class MidnightError(DateError):
    """``midnight`` as a time: Friday's start to some, its end to most.  ``word`` as typed, for its reader to say how it
    stays a word (of a quick-add's title, a filter's text)."""

    def __init__(self, word: str) -> None:
        super().__init__(f"{word!r} is the start of one day and the end of the one before: write 00:00 or 23:59 on the day meant")
        self.word = word

    def typed_apart(self, words: Sequence[str]) -> bool:
        """Whether the word was typed as a word of its own after ``words``' first (``due:fri midnight``), which a
        backslash or a place before ``due:`` keeps as a word; one written onto it (``due:midnight``) has neither."""
        return self.word.lower() not in words[0].lower()


def check_day(day: dt.date, text: str | None = None) -> dt.date:
    """``day``, or ``DateError`` when it is outside ``FIRST_DAY`` .. ``LAST_DAY``."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise out_of_range(f"{text!r} ({day.isoformat()})" if text and text != day.isoformat() else day.isoformat())
    return day


def check_iso_day(text: str) -> None:
    """A checked ISO date or instant (``2026-11-26``, ``2026-11-26T09:30:00Z``) within ``FIRST_DAY`` .. ``LAST_DAY``.

    The range is whole years, so the year decides: imports check every date of
    every record with this, and parsing the date again would cost them.
    """
    if not FIRST_DAY.year <= int(text[:4]) <= LAST_DAY.year:
        raise out_of_range(text[:10])


def out_of_range(shown: str) -> DateError:
    return DateError(f"{shown} is out of range: dates run from {FIRST_DAY} to {LAST_DAY}")


def parse_now(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DateError(f"{ENV_NOW}={text!r} is not an ISO 8601 instant") from None
    if value.tzinfo is None:
        raise DateError(f"{ENV_NOW}={text!r} needs a UTC offset or Z")
    try:
        utc = value.astimezone(UTC)
        check_day(utc.date())
    except (OverflowError, DateError):
        raise DateError(f"{ENV_NOW}={text!r} is out of range: dates run from {FIRST_DAY} to {LAST_DAY}") from None
    return utc


def current_time() -> dt.datetime:
    """Now, to the second, or the instant ``CREWDECK_NOW`` pins."""
    pinned = variable(ENV_NOW)
    return parse_now(pinned) if pinned else dt.datetime.now(UTC).replace(microsecond=0)


#: The zone where a day begins first (Kiribati's Line Islands, UTC+14 by tzdata).
EARLIEST_ZONE = "Pacific/Kiritimati"


def last_day_begun(now: dt.datetime) -> dt.date:
    """The latest day begun anywhere at ``now`` (its date in the earliest zone): a teammate's today, or an ad
    account's, may be a day after the viewer's; a day after this one is to come everywhere."""
    return now.astimezone(zone(EARLIEST_ZONE)).date()


def stamp_time(op_id: str) -> dt.datetime:
    """When an operation was made: the wall-clock milliseconds its stamp starts with."""
    return dt.datetime.fromtimestamp(int(op_id[:13]) / 1000, UTC)


def utc_iso(instant: dt.datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> dt.datetime:
    """The inverse of ``utc_iso``, and only of it: ``2026-11-26T09:30:00Z``."""
    # fromisoformat is ~10x faster than strptime (views parse thousands of
    # stored instants); it also takes other forms, which the shape check refuses.
    if len(text) != 20 or text[4::3] != "--T::Z":
        raise ValueError(f"time data {text!r} does not match format '%Y-%m-%dT%H:%M:%SZ'")
    return dt.datetime.fromisoformat(text[:19]).replace(tzinfo=UTC)


def localize(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A wall-clock time in ``tz`` as an aware datetime, gaps and folds decided.

    In a gap (02:30 on a spring-forward night) the time moves forward by the
    length of the gap (03:30); in a fold (01:30 on a fall-back night) it is
    the first occurrence.  ``fold=0`` gives exactly that in ``zoneinfo``;
    the round trip through UTC makes the moved-forward time explicit.
    """
    aware = local.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz)


@dataclass(frozen=True)
class Moment:
    """A parsed due date: the instant, the zone it was meant in, and whether a time was given."""

    instant: dt.datetime
    tz: str
    has_time: bool

    def value(self) -> dict[str, str]:
        return {"utc": utc_iso(self.instant), "tz": self.tz}


def names_a_zone(word: str) -> bool:
    """In a date expression, a word with a slash, ``UTC``, an offset (``UTC+5``) or a zone's abbreviation in capitals
    (``PST``) is meant as a zone (and checked as one); digits with slashes (``31/12``) are a date, refused as one (see
    ``_slash_date``)."""
    return ("/" in word and not _SLASH_DATE.match(word)) or word == "UTC" or looks_like_offset(word) or _abbreviation(word)


def zone_after_time(word: str) -> bool:
    """After a time, a zone's abbreviation or ``utc`` in any case (``17:00 utc``, ``5pm pst``): meant as a zone and
    checked as one, so refused with the zone to use; in a title ``17:00 utc`` was 17:00 on the writer's clock.  In
    other than capitals, not the words a title may go on with (``17:00 cat food``, ``West coast``) nor two letters
    (``pt 2``)."""
    if not word.isupper() and (len(word) < 3 or word.lower() in _LOWER_CASE_WORDS):
        return False
    return word.upper() == "UTC" or bool(abbreviation_zones(word))


#: Abbreviations that are words, written other than in capitals.
_LOWER_CASE_WORDS = frozenset({"cat", "eat", "west", "wet", "wit"})


def _abbreviation(word: str) -> bool:
    """``PST``, ``CEST``, ``GMT``: a clock's abbreviation as it is written, in capitals (``est`` and ``cat`` are words).
    It is a zone where the database has it by that name (``GMT``, ``EST``: their fixed offsets), else refused with the
    zones that use it: read into a title, ``due:fri 17:00 PST`` was 17:00 on the writer's clock."""
    return word.isupper() and bool(abbreviation_zones(word))


#: A date written with slashes: ``31/12``, ``12/31/2026``.
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\Z")


def _slash_date(text: str) -> DateError:
    """Why ``31/12`` is refused, with the dates it may mean: which number is the month is not the text's to say."""
    m = _SLASH_DATE.match(text)
    assert m is not None
    first, second = int(m.group(1)), int(m.group(2))
    readings = dict.fromkeys((month, day) for month, day in ((second, first), (first, second)) if 1 <= month <= 12 and 1 <= day <= 31)
    year = m.group(3)
    meant = [f"{year}-{month:02}-{day:02}" if year else f"{_MONTH_NAMES[month - 1]} {day}" for month, day in readings]
    if not meant:
        return DateError(f"{text!r} is not a date (write a day as dec 9, 12-09 or 2026-12-09)")
    # What to write first: a box that cuts the line (the filter's, at 80 columns) keeps it.
    return DateError(f"write {' or '.join(meant)} for {text!r} (a date with slashes is day/month or month/day by where one lives)")


def could_be_zone(word: str) -> bool:
    """In free text (a title), only a capitalised word with a slash may be a zone (``Europe/Berlin``, not ``and/or``),
    or one that is a zone's name in other letters (``europe/berlin``), or an offset such as ``UTC+5``: the last two are
    taken so that they are refused with the zone to use instead, not read into the title, and so is a zone's abbreviation in
    capitals (``PST``; ``GMT`` is a zone)."""
    return (
        word == "UTC"
        or looks_like_offset(word)
        or ("/" in word and (word[0].isupper() or is_zone_in_other_case(word)))
        or _abbreviation(word)
    )


#: The hour of a time typed in two words, ``5 pm`` or ``10:30 am``, as people write a 12-hour clock.
_HOUR_BEFORE_AMPM = re.compile(r"[0-9]{1,2}(?::[0-9]{2})?\Z")


def split_clock(words: Sequence[str], index: int) -> str | None:
    """The time typed in two words at ``words[index]`` (``5 pm``), as one (``5pm``); ``None`` where none is."""
    if index + 1 < len(words) and words[index + 1].lower() in ("am", "pm") and _HOUR_BEFORE_AMPM.match(words[index]):
        return words[index] + words[index + 1].lower()
    return None


def joined_clocks(words: Sequence[str]) -> list[str]:
    """``words`` with each time typed in two words as one (``mon 10 am`` is ``mon 10am``)."""
    joined: list[str] = []
    for n, word in enumerate(words):
        if n and split_clock(words, n - 1) is not None:
            continue  # the "am" or "pm" of the time before
        joined.append(split_clock(words, n) or word)
    return joined


def clock_words(words: Sequence[str]) -> list[str]:
    """The times typed in ``words``, each in one word (``5 pm`` as ``5pm``): what is said, or refused, as a time."""
    return [word for word in joined_clocks(words) if time_shaped(word)]


def time_shaped(word: str) -> bool:
    """Written as a time of day (``17:00``, ``5pm``), whether or not it is one (``25:00``): meant as a time, checked as one."""
    return bool(_TIME_SHAPE.match(word))


def parse_time(text: str) -> dt.time:
    if text.strip().lower() == "noon":  # as people write 12:00
        return dt.time(12, 0)
    if text.strip().lower() == "midnight":
        raise MidnightError(text.strip())
    m = _TIME.match(text.strip())
    if not m:
        raise DateError(f"{text!r} is not a time (like 17:00 or 5pm)")
    hour, minute, ampm = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise DateError(f"{text!r}: hour must be 1-12 with am/pm")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif m.group(2) is None:
        raise DateError(f"{text!r} is not a time (like 17:00 or 5pm)")
    if hour > 23 or minute > 59:
        raise DateError(f"{text!r} is not a time of day")
    return dt.time(hour, minute)


def _monday_to_friday(day: dt.date) -> bool:
    return day.weekday() < 5


def continues_day(first: str, second: str) -> bool:
    """Whether ``second`` is the rest of a day that ``first`` begins: ``dec 9``, ``9 dec``, ``next week``, ``next fri``."""
    a, b = first.lower(), second.lower()
    if a == "next":
        return b == "week" or b in WEEKDAY_ALIASES
    if a in _MONTHS:
        return bool(_DAY_OF_MONTH.match(b))
    return b in _MONTHS and bool(_DAY_OF_MONTH.match(a))


#: The year that may follow a day of the month (``dec 9 2027``, ``9 dec 2027``).
_YEAR = re.compile(r"20[0-9]{2}\Z")


def _year_goes_on(first: str, second: str, third: str) -> bool:
    """Whether ``third`` is the year of the day of the month ``first second`` (``dec 9 2027``)."""
    return bool(_YEAR.match(third)) and _month_day(f"{first} {second}".lower()) is not None


def day_words(words: list[str]) -> int:
    """How many of ``words`` (at least one) name a day: two for ``dec 9``, ``9 dec``, ``next week``, ``next fri``, three
    for ``dec 9 2027``."""
    if len(words) < 2 or not continues_day(words[0], words[1]):
        return 1
    return 3 if len(words) >= 3 and _year_goes_on(words[0], words[1], words[2]) else 2


#: "End of day": the end of the owner's working day (a due date's time).
EOD = "eod"


def moment_words(taken: list[str], following: Sequence[str]) -> list[str]:
    """The words of one moment as people type it: ``taken`` (its first words, maybe none) and those of
    ``following`` that go on with it: a day's second word (``dec 9``), then a time (or eod; ``5 pm`` is one time
    in two words), then a zone."""
    typed = [*taken, *following]
    days = _day_count(typed)
    if days >= len(taken) and ambiguous_at(typed[days:]) and _clock_at(typed, days + 1) is None:
        return typed[: days + 2]  # fri at 3: refused by the date's reader, as which half of the day (not_a_time_or_zone)
    if (moved := spoken_order(typed)[1]) >= max(1, len(taken)):
        # tomorrow at 3pm, 2pm tomorrow: the day and time, and a zone after them (5pm fri PST, to refuse).
        said = typed[:moved]
        if moved < len(typed) and (names_a_zone(typed[moved]) or zone_after_time(typed[moved])):
            said.append(typed[moved])
        return said
    read = list(taken)  # as parse_moment reads them: a time in two words is one
    taken = list(taken)
    n = 0
    if len(read) == 1 and (joined := split_clock([read[0], *following[:1]], 0)) is not None:
        read, n = [joined], 1  # due:5 pm, a time alone: today's
        taken.append(following[0])
    while n < len(following):
        word, step = following[n], 1
        day_goes_on = len(read) == 1 and continues_day(read[0], following[n])  # dec 9 am: the 9th, am a word of the title
        if len(read) == day_words(read) and not day_goes_on and (joined := split_clock(following, n)) is not None:
            word, step = joined, 2
        if len(read) >= 2 + day_words(read) or not _continues_moment(word, read):
            break
        read.append(word)
        taken.extend(following[n : n + step])
        n += step
    return taken


def _continues_moment(word: str, taken: list[str]) -> bool:
    if not taken:
        return True
    if len(taken) == 1 and continues_day(taken[0], word):
        return True
    if len(taken) == 2 and day_words(taken) == 2 and _year_goes_on(taken[0], taken[1], word):
        return True
    if len(taken) == day_words(taken) and _is_clock(word):
        return True
    if len(taken) == day_words(taken) + 1 and time_shaped(taken[-1]) and zone_after_time(word):
        return True
    # eod with a time (fri 17:00 eod): both taken, for the reader to refuse (without_eod), not one read into a title.
    if len(taken) == day_words(taken) + 1 and _is_clock(taken[-1]) and _is_clock(word):
        return (word.lower() == EOD) != (taken[-1].lower() == EOD)
    return could_be_zone(word)


def _is_clock(word: str) -> bool:
    """A time of day or ``eod``: what may follow a day."""
    return word.lower() == EOD or time_shaped(word)


def without_eod(words: Sequence[str]) -> list[str]:
    """``words`` without ``eod``, which is the date alone (the end of its day): ``today`` for ``eod`` (or
    ``eod Asia/Tokyo``) alone.  ``eod`` is a time of its own: with a time (``17:00 eod``) it is refused.  A day and
    eod in one word (``2026-12-10Teod``) are its two."""
    words = spelled_out(words)
    kept = [word for word in words if word.lower() != EOD]
    if len(kept) < len(words) and clock_words(kept):
        raise DateError("eod is a time of its own: give eod or a time, not both")
    if len(kept) < len(words) and kept and names_an_instant(kept[0]):  # eod dropped, the instant would be taken without a word
        raise DateError(f"eod is a time of its own: give eod or an instant ({kept[0]}), not both")
    return kept if kept and not names_a_zone(kept[0]) else ["today", *kept]


def parse_day(
    text: str, today: dt.date, works: WorkingDays | None = None, week_starts: int = 0, *, back: bool = False, soon: bool = False
) -> dt.date:
    """``today``, ``tomorrow`` (``tmrw``), ``fri``, ``next fri``, ``next week`` (its first day), ``+3d``, ``+2w``,
    ``dec 9``, ``9 dec``, ``2026-12-01``, ``12-01``, ``eow`` and ``eom`` (the last working day of this week or
    month: by ``works``, else Monday to Friday; the week from weekday ``week_starts``, Monday 0, see
    ``week_start``); within ``FIRST_DAY`` .. ``LAST_DAY``.

    A weekday (``fri``) or a day of the month without its year (``dec 9``, ``12-09``) is the next one from today
    on, or with ``back`` the last one up to today: a day something was counted (results) is one gone by.  With
    ``soon`` a day of the month without its year read ``back`` is the next one when it comes within a month
    (``SOON``): a bank's or an invoice's date (spend, rates) is days or months gone by, or this month's ahead (an
    invoice dated ahead, a rate set for the new year), and ``dec 7`` typed on December 6th is never a year back, nor
    ``jun 1`` in December half a year ahead.  Feb 29 is the nearest leap year's in the direction read.
    """
    try:
        return check_day(_day(text, today, works or _monday_to_friday, week_starts, back, soon), text.strip())
    except OverflowError:  # an offset that runs off the calendar
        raise DateError(f"{text.strip()!r} is out of range: dates run from {FIRST_DAY} to {LAST_DAY}") from None


def _last_working(days: list[dt.date], works: WorkingDays) -> dt.date:
    """The last of ``days`` that ``works``; the last from Monday to Friday if none (someone who never works)."""
    return next((d for d in reversed(days) if works(d)), None) or next(d for d in reversed(days) if _monday_to_friday(d))


def week_start(working_weekdays: Iterable[int]) -> int:
    """The weekday (Monday 0) a working week starts on: the day after the longest run of weekdays not worked
    (Monday for Monday to Friday, Sunday for Sunday to Thursday, Tuesday for Tuesday to Saturday); of runs
    as long, the one before Monday, else Sunday, else Saturday...; Monday when every day or none is worked."""
    worked = set(working_weekdays)
    if not worked or len(worked) == 7:
        return 0

    def off_before(day: int) -> int:
        return next(n for n in range(7) if (day - n - 1) % 7 in worked)

    starts = [day for day in worked if (day - 1) % 7 not in worked]
    return max(starts, key=lambda day: (off_before(day), -(-day % 7)))


def _day(text: str, today: dt.date, works: WorkingDays, week_starts: int = 0, back: bool = False, soon: bool = False) -> dt.date:
    word = " ".join(text.lower().split())
    if word in ("today", "tod", "now"):
        return today
    if word in ("tomorrow", "tom", "tmr", "tmrw"):
        return today + dt.timedelta(days=1)
    if word == "next week":
        # The first day of the next week (Monday's was everyone's: tomorrow, on a Sunday, for a week of Sunday to Thursday).
        return today + dt.timedelta(days=(week_starts - today.weekday()) % 7 or 7)
    if word == "eow":
        first = today - dt.timedelta(days=(today.weekday() - week_starts) % 7)
        return _last_working([first + dt.timedelta(days=n) for n in range(7)], works)
    if word == "eom":
        # The day before the next month's first (December's is the 31st: no next month past 9999).
        last = 31 if today.month == 12 else (today.replace(month=today.month + 1, day=1) - dt.timedelta(days=1)).day
        return _last_working([today.replace(day=n) for n in range(1, last + 1)], works)
    parts = word.split()
    with_year = len(parts) == 3 and bool(_YEAR.match(parts[2]))
    month_day = _month_day(" ".join(parts[:2]) if with_year else word)
    # dec 9 2027: that year's, whether ahead or gone by (a year after any other day is no date).
    year = int(parts[2]) if with_year and month_day is not None else None
    if month_day is not None:
        month, day = month_day
        try:
            return dt.date(year, month, day) if year else _this_or_other_year(today, month, day, back, soon)
        except ValueError:
            raise DateError(f"{text!r} is not a real date") from None
    if word == "yesterday":
        return today - dt.timedelta(days=1)
    if word in WEEKDAY_ALIASES:
        # The next such day (with ``back``, the last); today's weekday means a week from today only
        # when said as "next": "fri" on a Friday is today.
        if back:
            return today - dt.timedelta(days=(today.weekday() - WEEKDAY_ALIASES[word]) % 7)
        ahead = (WEEKDAY_ALIASES[word] - today.weekday()) % 7
        return today + dt.timedelta(days=ahead)
    if word.startswith("next") and word[4:].strip() in WEEKDAY_ALIASES:
        ahead = (WEEKDAY_ALIASES[word[4:].strip()] - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=ahead)
    m = _OFFSET.match(word)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        if unit in ("h", "min"):
            raise DateError(f"{text!r}: an offset in {'hours' if unit == 'h' else 'minutes'} is a time, not a day")
        if unit == "m":
            # "in 40m" is minutes where crewdeck says how late; "+1m" read as a month gave a date 30 months off for "+30m".
            raise DateError(f"{text!r}: minutes or months? write +{n}min (an instant) or +{n}mo (a day)")
        if unit == "mo":
            month = today.month - 1 + n
            year = today.year + month // 12
            month = month % 12 + 1
            last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
            return dt.date(year, month, min(today.day, last))
        return today + dt.timedelta(days=n * (7 if unit == "w" else 1))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
            return dt.date.fromisoformat(word)
        if re.fullmatch(r"\d{1,2}-\d{1,2}", word):
            month, day = map(int, word.split("-"))
            return _this_or_other_year(today, month, day, back, soon)
    except ValueError:
        raise DateError(f"{text!r} is not a real date") from None
    if _SLASH_DATE.match(word):
        raise _slash_date(word)
    # With ``back`` (a day counted, gone by) the words for days to come would be refused next: not offered.
    raise DateError(f"{text!r} is not a date (try {_BACK_WORDS if back else _AHEAD_WORDS})")


#: How far ahead a day of the month read ``back`` and ``soon`` may be (``parse_day``).
SOON = dt.timedelta(days=31)


def _this_or_other_year(today: dt.date, month: int, day: int, back: bool, soon: bool = False) -> dt.date:
    """The first ``month``-``day`` from today on (``back``: the last up to today, ``soon``: unless the next is ``SOON``).
    Raises ``ValueError`` for a day no year has (Feb 30)."""
    dt.date(2000, month, day)  # a leap year: a day it lacks is in no year

    def on(year: int) -> dt.date | None:
        try:
            return dt.date(year, month, day)
        except ValueError:  # Feb 29 of a year not leap, or past the calendar's ends
            return None

    # Leap years are at most eight apart (1896 .. 1904).
    ahead = next((d for y in range(today.year, today.year + 9) if (d := on(y)) is not None and d >= today), None)
    gone = next((d for y in range(today.year, today.year - 9, -1) if (d := on(y)) is not None and d <= today), None)
    if back and soon and ahead is not None and ahead - today <= SOON:
        return ahead
    found = (gone or ahead) if back else (ahead or gone)
    if found is None:
        raise ValueError(f"no {month}-{day}")
    return found


def _month_day(word: str) -> tuple[int, int] | None:
    """``(month, day)`` of ``dec 9``, ``9 dec``, ``december 9th``; ``None`` for other words."""
    parts = word.split()
    if len(parts) != 2:
        return None
    month_word, day_word = parts if parts[0] in _MONTHS else parts[::-1]
    m = _DAY_OF_MONTH.match(day_word)
    if month_word not in _MONTHS or not m:
        return None
    return _MONTHS[month_word], int(m.group(1))


def day_and_time(words: Sequence[str]) -> tuple[str, str | None, int]:
    """The day's text, the time's (``None``: not given) and how many words they are, from the front of ``words``:
    ``dec 9 17:00`` is ``("dec 9", "17:00", 3)``; a time alone (``17:00``) means today at that time."""
    if time_shaped(words[0]):
        return "today", words[0], 1
    if (joined := split_clock(words, 0)) is not None:
        return "today", joined, 2
    used = day_words(list(words))
    if (joined := split_clock(words, used)) is not None:
        return " ".join(words[:used]), joined, used + 2
    time_text = words[used] if len(words) > used and time_shaped(words[used]) else None
    return " ".join(words[:used]), time_text, used + (time_text is not None)


#: An hour alone after ``at`` (``fri at 15``): with ``at`` it is a time, where the 24-hour clock says which (0, 13 to 23);
#: 1 to 12 say no half of the day (``at 3``: 3pm, most often), and are refused (``ambiguous_at``), never guessed.
_BARE_HOUR = re.compile(r"(?:[01]?[0-9]|2[0-3])\Z")
#: Any day, for telling whether words name one (a leap year's: ``feb 29`` is a day).
_ANY_TODAY = dt.date(2028, 1, 3)


def _day_count(words: Sequence[str]) -> int:
    """How many of the first ``words`` name a day (``tomorrow``, ``next fri``, ``dec 9``), 0 where they name none."""
    if not words or names_an_instant(words[0]) or time_shaped(words[0]):
        return 0
    used = day_words(list(words))
    try:
        _day(" ".join(words[:used]), _ANY_TODAY, _monday_to_friday)
    except (DateError, ValueError, OverflowError):
        return 0
    return used


def _clock_at(words: Sequence[str], index: int) -> tuple[str, int] | None:
    """The time at ``words[index]`` in one word and how many words it is (``5 pm``: two), or ``None``."""
    if index >= len(words):
        return None
    if (joined := split_clock(words, index)) is not None:
        return joined, 2
    return (words[index], 1) if time_shaped(words[index]) else None


def spoken_order(words: Sequence[str]) -> tuple[list[str], int]:
    """``words`` with a day and time said in the orders people type them put as ``parse_moment`` reads them, and how
    many of the first words that took (0: none were moved): ``tomorrow at 3pm``, ``fri at 3 pm`` and ``fri at 15`` (``at``
    and an hour alone the 24-hour clock says: ``fri at 3`` is left, for the reader to refuse, ``ambiguous_at``) are
    ``tomorrow 3pm``, ``fri 3pm`` and ``fri 15:00``, ``2pm tomorrow`` and ``10am next fri`` are ``tomorrow 2pm`` and
    ``next fri 10am``.  Only a real day and a time are moved: ``fri at the office`` is left as it is."""
    if (clock := _clock_at(words, 0)) is not None:
        days = _day_count(words[clock[1] :])
        if days:
            front = [*words[clock[1] : clock[1] + days], clock[0]]
            return [*front, *words[clock[1] + days :]], clock[1] + days
        return list(words), 0
    days = _day_count(words)
    if days and days + 1 < len(words) and words[days].lower() == "at":
        at = days + 1
        clock = _clock_at(words, at)
        if clock is None and _BARE_HOUR.match(words[at]) and not ambiguous_at(words[days:]):
            clock = (f"{int(words[at]):02d}:00", 1)
        if clock is not None:
            return [*words[:days], clock[0], *words[at + clock[1] :]], at + clock[1]
    return list(words), 0


def parse_moment(
    words: list[str],
    default_tz: str,
    now: dt.datetime,
    default_time: dt.time = DEFAULT_DUE_TIME,
    works: WorkingDays | None = None,
    week_starts: int = 0,
) -> tuple[Moment, int]:
    """Parse a date (one word or two: ``dec 9``), an optional time and an optional zone from the front of ``words``.

    Returns the moment and how many words it used.  ``+3h`` is an instant
    (three hours from now), and so is ``now``.  ``works``: whose working days ``eow`` and ``eom`` mean; ``week_starts``: the
    weekday their week starts on (see ``week_start``).
    """
    if not words:
        raise DateError("a date is missing (try fri 17:00, tomorrow, +3d, 2026-12-01)")
    if split := iso_words(words[0]):
        moment, used = parse_moment([*split, *words[1:]], default_tz, now, default_time, works, week_starts)
        return moment, used - len(split) + 1
    first = words[0]
    used = 1
    ahead = _ahead(first)
    if ahead is not None:
        named = default_tz
        if len(words) > 1 and names_a_zone(words[1]):
            named = words[1]
            zone(named)
            used = 2
        if len(words) > used and time_shaped(words[used]):
            # Not "after the date is not a time": it is one, and the instant has its own.
            raise DateError(f"{first!r} is an instant, which takes no time of day: give a day with the time (today {words[used]})")
        return Moment((now + ahead).astimezone(UTC), named, True), used
    typed = len(words)
    words = spoken_order(words)[0]
    day_text, time_text, used = day_and_time(words)
    tz_name = default_tz
    if len(words) > used and (names_a_zone(words[used]) or (time_text is not None and zone_after_time(words[used]))):
        tz_name = words[used]
        zone(tz_name)
        used += 1
    tz = zone(tz_name)
    today = now.astimezone(tz).date()
    day = parse_day(day_text, today, works, week_starts)
    clock = parse_time(time_text) if time_text else default_time
    local = localize(dt.datetime.combine(day, clock), tz)
    # Counted as typed: ``tomorrow at 3pm`` is three words, read as the two of ``tomorrow 3pm``.
    return Moment(local.astimezone(UTC), tz_name, time_text is not None), used + typed - len(words)


def iso_words(word: str) -> list[str] | None:
    """An ISO 8601 instant typed as one word (``2026-12-10T17:00``, Taskwarrior's and ISO 8601's) as the words of its day
    and time, and ``UTC`` for its ``Z``; ``None`` for any other word."""
    if iso := _ISO_INSTANT.match(word):
        return [iso[1], iso[2], *(["UTC"] if iso[3] else [])]
    if (day_t := _ISO_DAY_T.match(word)) and (time_shaped(day_t[2]) or day_t[2].lower() == EOD):
        return [day_t[1], day_t[2]]
    return None


def spelled_out(words: Sequence[str]) -> list[str]:
    """``words`` with an ISO 8601 instant first (``2026-03-29T02:30``) as its day and time (and ``UTC`` for its Z), as
    ``parse_moment`` reads it: the notes on what was typed (a time the clocks skip, a city after it) read it so too."""
    split = iso_words(words[0]) if words else None
    return [*split, *words[1:]] if split else list(words)


def _ahead(word: str) -> dt.timedelta | None:
    """How far from now the instant ``word`` names (``+3h``, ``+30min``; ``now``, not ``today``: no peak hour or end of
    day stands in for it), or ``None`` when it names a day."""
    if word.lower() == "now":
        return dt.timedelta(0)
    m = _OFFSET.match(word.lower())
    if m is None or m.group(2) not in ("h", "min"):
        return None
    return dt.timedelta(hours=int(m.group(1))) if m.group(2) == "h" else dt.timedelta(minutes=int(m.group(1)))


def names_an_instant(word: str) -> bool:
    """Whether ``word`` is an instant, not a day: ``now``, ``+3h``, ``+30min`` (a filter's ``due:<now`` is before this
    instant)."""
    return _ahead(word) is not None


def parse_moment_text(
    text: str,
    default_tz: str,
    now: dt.datetime,
    default_time: dt.time = DEFAULT_DUE_TIME,
    works: WorkingDays | None = None,
    week_starts: int = 0,
) -> Moment:
    """The whole of ``text`` as one moment; anything left over is an error."""
    words = text.split()
    moment, used = parse_moment(words, default_tz, now, default_time, works, week_starts)
    if used != len(words):
        raise not_a_time_or_zone(words[used:])
    return moment


def ambiguous_at(words: Sequence[str]) -> bool:
    """Whether ``words`` open with ``at`` and an hour alone that says no half of the day (``at 3``: 1 to 12)."""
    return len(words) >= 2 and words[0].lower() == "at" and bool(_BARE_HOUR.match(words[1])) and 1 <= int(words[1]) <= 12


def not_a_time_or_zone(left: Sequence[str]) -> DateError:
    """Why the words ``left`` after a date are refused; a city (``london``, ``Sydney``), a zone's last part, with its zone:
    "not a zone" alone left the writer to find it; ``at 3``, which half of the day (review rc: read as 03:00, silently)."""
    if ambiguous_at(left):
        hour = int(left[1])
        return DateError(f"'at {left[1]}' says no half of the day: write at {hour}am, at {hour}pm or at {hour % 12 + 12}:00")
    # A city of up to three words (``new york``) is a zone's last part with its spaces.
    meant = suggest_zones(" ".join(left), limit=2) if len(left) <= 3 and all(w.isalpha() for w in left) else []
    hint = f" (did you mean {' or '.join(meant)}?)" if meant else ""
    return DateError(f"{' '.join(left)!r} after the date is not a time or a zone{hint}")


def in_zone(instant: dt.datetime, tz_name: str) -> dt.datetime:
    """``instant`` on the wall clock of ``tz_name``; in UTC where that clock would run off the calendar, or
    where this host's zone database has no ``tz_name``.

    The command line and the importers take days from 1900 to 9998, and
    the rules refuse new operations outside them, but a store may hold an
    instant at the calendar's very end (9999-12-31, pushed before those
    rules), or one meant in a zone only a newer database has: a reader
    shows it in UTC rather than fail (``crewdeck doctor`` names the zone).
    """
    try:
        return instant.astimezone(zone(tz_name))
    except (OverflowError, UnknownZoneError):
        return instant.astimezone(UTC)


def zone_abbrev(instant: dt.datetime, tz_name: str) -> str:
    """``CET``, ``IST`` or, where the zone has no letters, ``+0545``."""
    local = in_zone(instant, tz_name)
    if local.tzinfo is UTC:
        return "UTC"
    abbrev = local.tzname() or ""
    if not abbrev or abbrev[0] in "+-":
        offset = local.utcoffset() or dt.timedelta(0)
        total = int(offset.total_seconds()) // 60
        sign = "-" if total < 0 else "+"
        hours, minutes = divmod(abs(total), 60)
        abbrev = f"{sign}{hours:02d}{minutes:02d}" if minutes else f"{sign}{hours:02d}"
    return abbrev


#: Abbreviations tzdata gives to zones on different clocks at once: PST is Los Angeles and Manila,
#: IST Kolkata, Dublin and Jerusalem, CST and CDT Chicago, Shanghai and Havana.  Read from every
#: zone's clock in January and July (tests/test_when.py checks the set against tzdata).
SHARED_ABBREVIATIONS = frozenset({"CDT", "CST", "IST", "PST"})


def zone_city(tz_name: str) -> str:
    """``Los Angeles`` for America/Los_Angeles: the last part of the zone's name, as words."""
    return tz_name.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(instant: dt.datetime, tz_name: str) -> str:
    """``CET``, or ``PST Manila`` where the abbreviation alone names clocks hours apart."""
    abbrev = zone_abbrev(instant, tz_name)
    return f"{abbrev} {zone_city(tz_name)}" if abbrev in SHARED_ABBREVIATIONS else abbrev


def same_clock(instant: dt.datetime, tz_name: str, other_tz: str) -> bool:
    """Whether two zones' clocks read the same at ``instant`` (New York's and Toronto's, under two names): a reader in
    one is told a time in the other once, where comparing the names said "09:00 EST (09:00 EST for you)"."""
    return in_zone(instant, tz_name).utcoffset() == in_zone(instant, other_tz).utcoffset()


def repeated(local: dt.datetime) -> bool:
    """Whether the wall clock of an aware datetime reads so twice that day (01:30 on a night the clocks go back)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def clock_text(local: dt.datetime, clock24: bool = True) -> str:
    """``17:00`` or ``5:00pm``: the wall clock of an aware datetime, as it stands."""
    return local.strftime("%H:%M") if clock24 else local.strftime("%I:%M%p").lstrip("0").lower()


def hour_mark(local: dt.datetime, clock24: bool = True) -> str:
    """``15`` or ``3p``: an hour on a ruler, never wider than two cells (``12`` is noon and midnight on both clocks)."""
    if clock24:
        return f"{local.hour:02d}"
    hour = local.hour % 12 or 12
    return "12" if hour == 12 else f"{hour}{'a' if local.hour < 12 else 'p'}"


def clock_now(now: dt.datetime, tz_name: str, clock24: bool = True) -> str:
    """``Sat 01:30 NZDT``: a member's clock now, with its weekday (their "today" need not be the reader's)."""
    local = in_zone(now, tz_name)
    return f"{local:%a} {clock_text(local, clock24)} {zone_label(now, tz_name)}"


def format_local(
    instant: dt.datetime,
    tz_name: str,
    now: dt.datetime,
    *,
    clock24: bool = True,
    city: bool = True,
    whose: bool = True,
    reader_tz: str | None = None,
) -> str:
    """``Fri 12-04 17:00 CET``: the day, the time and whose time it is.

    ``city`` off: ``IST`` rather than ``IST Kolkata``, where a title says whose time it is already ("DUE (YOUR TIME)").
    ``whose`` off: no zone at all, where the line says it beside it already (the header's own clock, ``10:45 CET``).
    ``reader_tz``: the zone of whoever reads another's clock; where that clock's today is not the reader's, the day
    is its date, never ``today`` or ``tmrw`` (Saturday in Auckland is "today" to no one in Berlin on Friday).
    """
    local = in_zone(instant, tz_name)
    today = in_zone(now, tz_name).date()
    clock = clock_text(local, clock24)
    day = local.date()
    relative_days = reader_tz is None or in_zone(now, reader_tz).date() == today
    if day == today and relative_days:
        label = "today"
    elif day == today + dt.timedelta(days=1) and relative_days:
        label = "tmrw"
    elif abs((day - today).days) < 180:
        label = local.strftime("%a %m-%d")
    else:
        label = local.strftime("%Y-%m-%d")
    if not whose:
        return f"{label} {clock}"
    return f"{label} {clock} {zone_label(instant, tz_name) if city else zone_abbrev(instant, tz_name)}"


def kept_local(instant: dt.datetime, tz_name: str) -> str:
    """``Mon 2026-03-02 21:30 IST Kolkata``: a moment as ``format_local`` says it, in text kept to be read later (a
    task's notes): its full date (a "today" would go stale), a 24-hour clock (no reader's to follow) and whose time it is."""
    local = in_zone(instant, tz_name)
    return f"{local:%a %Y-%m-%d} {clock_text(local)} {zone_label(instant, tz_name)}"


def relative(instant: dt.datetime, now: dt.datetime, *, closed: bool = False) -> str:
    """``in 3h``, ``in 2d``, ``in 10mo``, ``in 2y``, ``now``, ``40m late``, ``2d late``; ``closed`` (a task done or a post out): ``2d ago``,
    since nothing is late once it is finished."""
    seconds = (instant - now).total_seconds()
    late = seconds < 0
    span = abs(seconds)
    if span < 60:
        return "now"
    if span < 3600:
        amount = f"{int(span // 60)}m"
    elif span < 86400 * 2:
        amount = f"{int(span // 3600)}h"
    elif span < 86400 * 14:
        amount = f"{int(span // 86400)}d"
    elif span < 86400 * 60:
        amount = f"{int(span // (86400 * 7))}w"
    elif span < 86400 * 365:
        amount = f"{int(span // (86400 * 30))}mo"
    else:
        amount = f"{int(span // (86400 * 365))}y"
    if late:
        return f"{amount} ago" if closed else f"{amount} late"
    return f"in {amount}"


def typed_clock(words: Sequence[str]) -> dt.time | None:
    """The time of day typed in ``words`` (``fri 02:30``), as typed: the stored instant may hold a later one (a gap)."""
    typed = clock_words(spoken_order(spelled_out(words))[0])  # fri at 9: 9:00
    try:
        return parse_time(typed[0]) if typed else None
    except DateError:
        return None


def typed_day(words: Sequence[str], tz_name: str, now: dt.datetime) -> dt.date | None:
    """The day typed in ``words`` (``fri 02:30``, ``eod``), as ``parse_moment`` reads it in ``tz_name``
    at ``now`` (``eow`` and ``eom``: of Monday to Friday); ``None`` for an instant (``+3h``) or no day."""
    try:
        days = spoken_order(without_eod(words))[0]  # 2pm tomorrow: tomorrow's
        if names_an_instant(days[0]):
            return None
        return parse_day(day_and_time(days)[0], now.astimezone(zone(tz_name)).date())
    except (DateError, ValueError):
        return None


def whole_day_skipped(day: dt.date, tz: ZoneInfo) -> bool:
    """Whether no wall time of ``day`` exists in ``tz``: its first and last minute are both in the gap
    (Pacific/Apia went from Thu 2011-12-29 to Sat 2011-12-31)."""
    first, last = dt.datetime.combine(day, dt.time()), dt.datetime.combine(day, dt.time(23, 59))
    return all(localize(wall, tz).replace(tzinfo=None) != wall for wall in (first, last))


def clock_change_note(words: Sequence[str], value: Mapping[str, str] | None, now: dt.datetime, clock24: bool = True) -> str | None:
    """What to tell when the day or time typed in ``words`` (read at ``now``) is one the zone skips, or a
    time it repeats that day, ``value`` (a stored instant and its zone) holding the time the gap moved it
    to, or the first of the two (see ``localize``); ``None`` when the date stands as typed, once.  Times on
    the reader's clock (``clock24``, else 12-hour: "2:30am does not exist …: 3:30am EDT instead").  A zone typed in
    ``words`` that is likely not the one meant (``EST``: no daylight saving) is said too: it has no gap nor fold."""
    if not value:
        return None
    if value["tz"] in words and (said := surprise(value["tz"], now)) is not None:
        return said
    asked = typed_clock(words)
    instant = parse_utc(value["utc"])
    local = in_zone(instant, value["tz"])
    day = typed_day(words, value["tz"], now)

    def clock(time: dt.time) -> str:
        return clock_text(dt.datetime.combine(local.date(), time), clock24)

    if day is not None and day != local.date() and whole_day_skipped(day, zone(value["tz"])):
        # The clock reads as typed, on a later day: the time alone would tell nothing.
        typed = f"{day:%a %Y-%m-%d}" + (f" {clock(asked)}" if asked is not None else "")
        return (
            f"{typed} does not exist in {value['tz']} (the clocks skip that whole day, from "
            f"{day - dt.timedelta(days=1):%a %Y-%m-%d} to {day + dt.timedelta(days=1):%a %Y-%m-%d}): "
            f"{local:%a %Y-%m-%d} {clock_text(local, clock24)} {zone_abbrev(instant, value['tz'])} instead"
        )
    if asked is None:
        return None
    if (local.hour, local.minute) != (asked.hour, asked.minute):
        return (
            f"{clock(asked)} does not exist in {value['tz']} on {local:%a %Y-%m-%d} (the clocks go forward): "
            f"{clock_text(local, clock24)} {zone_abbrev(instant, value['tz'])} instead"
        )
    if not repeated(local):
        return None
    which = "the second" if local.fold else "the first"
    return (
        f"{clock(asked)} happens twice in {value['tz']} on {local:%a %Y-%m-%d} (the clocks go back): "
        f"{which}, {clock_text(local, clock24)} {zone_abbrev(instant, value['tz'])}"
    )
