"""The records of a workspace and how each field is checked and stored.

Every change to a record is an operation on one field (see ``oplog``).  This
module says, per entity, which fields exist, what a valid value is, and
which columns of the materialized table the value lands in.  A bad value
raises ``ValidationError`` naming the entity, the field and the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from crewdeck.sync.state.clock import Stamp
from crewdeck.sync.state.money import MAX_MINOR, MoneyError, check_currency
from crewdeck.sync.state.sshkeys import key_list
from crewdeck.sync.state.visible import quoted
from crewdeck.sync.state.zones import UnknownZoneError, check_zone


class ValidationError(ValueError):
    def __init__(self, entity: str, field_name: str, problem: str) -> None:
        self.entity = entity
        self.field = field_name
        self.problem = problem
        super().__init__(f"{entity}.{field_name}: {problem}")


Check = Callable[[Any], Any]

TASK_STATUSES = ("inbox", "todo", "doing", "review", "done", "cancelled")
OPEN_STATUSES = ("inbox", "todo", "doing", "review")
PRIORITIES = ("high", "med", "low", "none")
CAMPAIGN_STATUSES = ("active", "paused", "done")
#: What a member may do (``rules`` reads this, never the free-text role).
ACCESS_LEVELS = ("manager", "member", "guest")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Digits are [0-9], never \d: \d also matches other scripts' digits, and a
# value must have one spelling so that text order is date or number order.
_HEX_ID = re.compile(r"[0-9a-f]{32}\Z")
_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z|24:00\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_UTC_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
_HANDLE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}\Z")
_CATEGORY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}\Z")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])\Z")
_RATE = re.compile(r"[0-9]{1,12}(\.[0-9]{1,12})?\Z")


# ---------------------------------------------------------------- checks
# Each check returns the value (normalised where that is unambiguous) or
# raises ValueError with the reason; Field.check adds entity and field.


def composed(value: str) -> str:
    """``value`` in Unicode's composed form (NFC): "é" typed as "e" and an accent (as a Mac may) is the one character.

    Text is stored composed, so that a search compares it as it is typed anywhere (and ``LIKE`` finds "cafe" in no
    "café").  The forms are canonically equivalent: nothing a person typed is lost.
    """
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def text(max_len: int = 10_000, required: bool = False, *, compose: bool = True) -> Check:
    """Text of at most ``max_len`` characters, composed (``composed``) unless ``compose`` is off: a post's content is
    kept as its author wrote it, byte for byte, because an approval is of the hash of those bytes."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {type(value).__name__}")
        # Composed first: a few characters compose to two (U+0958, क़), and what is stored is what is measured.
        stored: str = composed(value) if compose else value
        if required and not stored.strip():
            raise ValueError("must not be empty")
        if len(stored) > max_len:
            raise ValueError(f"longer than {max_len} characters")
        return stored

    return check


def optional(inner: Check) -> Check:
    def check(value: Any) -> Any:
        return None if value is None else inner(value)

    return check


def one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


def stamp(value: Any) -> str:
    """An operation's stamp, as the log spells it ("<ms>-<counter>-<node>")."""
    if not isinstance(value, str):
        raise ValueError(f"expected a clock stamp, got {type(value).__name__}")
    Stamp.parse(value)
    return value


def record_id(value: Any) -> str:
    # The same few ids (members, campaigns) recur in every task of an import.
    if isinstance(value, str) and value in _KNOWN_IDS:
        return value
    if not isinstance(value, str) or not _HEX_ID.match(value):
        raise ValueError(f"{value!r} is not a record id (32 hex digits)")
    if len(_KNOWN_IDS) < 4096:
        _KNOWN_IDS.add(value)
    return value


_KNOWN_IDS: set[str] = set()


#: Handles the filters read as words (``@me``: you, ``@none``: nobody), with what they read them as: a member with one could
#: never be filtered by it, so the rules give none of them to a member (``filter_word_handle``).
FILTER_WORDS = {"me": "you", "none": "nobody"}


def handle(value: Any) -> str:
    if not isinstance(value, str) or not _HANDLE.match(value):
        raise ValueError(f"{value!r} is not a handle: lowercase letters, digits, '.', '_' or '-', up to 32 characters")
    return value


def zone_name(value: Any) -> str:
    try:
        return check_zone(value)
    except UnknownZoneError as exc:
        raise ValueError(str(exc)) from None


def currency(value: Any) -> str:
    try:
        return check_currency(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def integer(minimum: int | None = None, maximum: int | None = None) -> Check:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"expected a whole number, got {value!r}")
        if not -(2**63) <= value < 2**63:
            # Every store keeps integers in a signed 64-bit column.
            raise ValueError("is out of range (a 64-bit integer)")
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be at most {maximum}")
        return value

    return check


def date(value: Any) -> str:
    # fromisoformat alone would also read week dates such as 2026-W01-1.
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return value


def utc_instant(value: Any) -> str:
    if not isinstance(value, str) or not _UTC_INSTANT.match(value):
        raise ValueError(f"{value!r} is not a UTC instant (YYYY-MM-DDTHH:MM:SSZ)")
    try:
        dt.datetime.fromisoformat(value[:-1])
    except ValueError:
        raise ValueError(f"{value!r} is not a valid instant") from None
    return value


def zoned_instant(value: Any) -> dict[str, str]:
    """A due date or publish slot: the UTC instant and the zone it was meant in."""
    if not isinstance(value, dict) or set(value) != {"utc", "tz"}:
        raise ValueError(f"expected {{'utc': ..., 'tz': ...}}, got {value!r}")
    return {"utc": utc_instant(value["utc"]), "tz": zone_name(value["tz"])}


def snooze(value: Any) -> str | dict[str, str]:
    """A snooze: the UTC instant and the zone it was meant in, or (as older crewdecks wrote it) the instant alone."""
    return utc_instant(value) if isinstance(value, str) else zoned_instant(value)


def decimal_text(value: Any) -> str:
    """A positive exact decimal kept as text, such as an exchange rate.

    At most 12 digits before and 12 after the point: a product with an
    amount then always fits the exact arithmetic of the reports.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected a decimal number as text, got {value!r}")
    if not _RATE.match(value):
        raise ValueError(f"{value!r} is not a plain decimal number like 0.9215 (at most 12 decimals)")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if number <= 0:
        raise ValueError(f"{value!r} must be a positive number")
    return value


def _named(value: Any) -> str:
    """A refused value as its refusal names it: text as a one-line error quotes it (a file's cell may be long)."""
    return quoted(value) if isinstance(value, str) else repr(value)


def category(value: Any) -> str:
    """A spending category: one lowercase word, so it is also an hledger account name part."""
    if not isinstance(value, str) or not _CATEGORY.match(value):
        raise ValueError(f"{_named(value)} is not a category: lowercase letters, digits, '.', '_' or '-', up to 64 characters")
    return value


def budget_period(value: Any) -> str:
    # A month's year in the calendar's (FIRST_DAY .. LAST_DAY): year 0 or 9999-12 has no bounds a report can compute.
    if not isinstance(value, str) or (value != "run" and not (_MONTH.match(value) and 1900 <= int(value[:4]) <= 9998)):
        raise ValueError(f"{value!r} is not a budget period (run, or a month YYYY-MM from 1900-01 to 9998-12)")
    return value


def list_of(inner: Check, max_items: int = 200, unique: bool = True) -> Check:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {type(value).__name__}")
        if len(value) > max_items:
            raise ValueError(f"more than {max_items} items")
        items = [inner(item) for item in value]
        if unique and len(set(map(repr, items))) != len(items):
            if len(set(map(repr, value))) != len(value):
                raise ValueError("items repeat")
            # Items given apart that the check made one (a tag typed twice, once with its accent as its own mark, as a
            # Mac may type it) are one item, kept where it came first.  A value another replica sent is merged so too:
            # it is composed as it is checked anyway, and a pull refused for it would stop that replica's syncing.
            items = list({repr(item): item for item in items}.values())
        return items

    return check


#: The longest tag, and the most a task holds.
MAX_TAG = 64
MAX_TAGS = 200
_TAG = re.compile(rf"\S{{1,{MAX_TAG}}}\Z")


def tag(value: Any) -> str:
    if not isinstance(value, str) or not _TAG.match(value := composed(value)):
        raise ValueError(f"{value!r} is not a tag (one word, up to {MAX_TAG} characters)")
    return value


def working_hours(value: Any) -> dict[str, list[list[str]]]:
    """``{"mon": [["09:00", "17:30"]], ...}``; a span may cross midnight."""
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of weekday to spans")
    for day, spans in value.items():
        if day not in WEEKDAYS:
            raise ValueError(f"{day!r} is not a weekday ({', '.join(WEEKDAYS)})")
        if not isinstance(spans, list):
            raise ValueError(f"{day}: expected a list of [start, end] spans")
        for span in spans:
            if not (isinstance(span, list) and len(span) == 2 and all(isinstance(t, str) and _HHMM.match(t) for t in span)):
                raise ValueError(f"{day}: {span!r} is not a span like ['09:00', '17:30']")
            if span[0] == span[1] or span[0] == "24:00":
                raise ValueError(f"{day}: span {span[0]}-{span[1]} is empty")
    return value


def meeting_info(value: Any) -> dict[str, Any]:
    """A booked meeting: its length and who was asked (``required`` / ``optional`` member ids)."""
    if not isinstance(value, dict) or set(value) != {"minutes", "required", "optional"}:
        raise ValueError(f"expected {{'minutes': ..., 'required': [...], 'optional': [...]}}, got {value!r}")
    minutes = integer(minimum=1)(value["minutes"])
    if minutes > 24 * 60:
        raise ValueError("a meeting lasts at most 24 hours")
    required = list_of(record_id, max_items=100)(value["required"])
    if not required:
        raise ValueError("a meeting needs at least one required member")
    optional_ids = list_of(record_id, max_items=100)(value["optional"])
    return {"minutes": minutes, "required": required, "optional": optional_ids}


#: Fields a recurring task's next instance copies from its series' template.
TEMPLATE_FIELDS = ("title", "notes", "assignee", "priority", "campaign", "platform", "tags", "estimate")
_RULE_KEYS = {"freq", "days", "monthday", "time", "tz"}
#: A rule that repeats every n-th day, week or month (n > 1) adds these: n, and the date whose day, week or month counts first.
_INTERVAL_KEYS = {"interval", "anchor"}


def recurrence_rule(value: Any) -> dict[str, Any]:
    """``{"freq": "weekly", "days": ["mon"], "monthday": null, "time": "09:00", "tz": "Europe/Berlin"}``,
    and ``"interval": 2, "anchor": "2026-11-26"`` for every second week (day, month)."""
    if not isinstance(value, dict) or set(value) not in (_RULE_KEYS, _RULE_KEYS | _INTERVAL_KEYS):
        raise ValueError(f"a rule has exactly {', '.join(sorted(_RULE_KEYS))} (and interval and anchor, both or neither)")
    every: dict[str, Any] = {}
    if "interval" in value:
        every = {"interval": integer(minimum=2, maximum=99)(value["interval"]), "anchor": date(value["anchor"])}
    freq = one_of(("daily", "weekly", "monthly"))(value["freq"])
    days = list_of(one_of(WEEKDAYS), max_items=7)(value["days"])
    monthday = optional(integer(minimum=-1))(value["monthday"])
    if (freq == "weekly") != bool(days) or (freq == "monthly") != (monthday is not None):
        raise ValueError("weekly rules name days, monthly rules a day of the month, daily rules neither")
    if monthday is not None and not (monthday == -1 or 1 <= monthday <= 31):
        raise ValueError(f"day of the month {monthday} is not 1-31 (or -1 for the last)")
    time = value["time"]
    if time is not None and (not isinstance(time, str) or not _HHMM.match(time) or time == "24:00"):
        raise ValueError(f"{time!r} is not a time like 09:00")
    return {"freq": freq, "days": days, "monthday": monthday, "time": time, "tz": zone_name(value["tz"]), **every}


def recurrence_info(value: Any) -> dict[str, Any]:
    """An instance of a recurring task: the series' rule (``None`` once ended), its date and the template."""
    if not isinstance(value, dict) or set(value) != {"rule", "on", "template"}:
        raise ValueError("expected {'rule': ..., 'on': 'YYYY-MM-DD', 'template': {...}}")
    template = value["template"]
    if not isinstance(template, dict) or not set(template) <= set(TEMPLATE_FIELDS):
        raise ValueError(f"a template holds only {', '.join(TEMPLATE_FIELDS)}")
    return {
        "rule": optional(recurrence_rule)(value["rule"]),
        "on": date(value["on"]),
        "template": TASK.check_record(template),
    }


def json_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping")
    # Walked without recursion: the value may be nested as deep as JSON allows.
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{_JSON_CONSTANTS[str(item)]} is not a JSON number")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


#: How Python spells the floats JSON has no number for, and how JSON texts that misuse them do.
_JSON_CONSTANTS = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a JSON number")
    return number


def json_number_problem(exc: ValueError) -> str:
    """What a ``ValueError`` of reading JSON says, in the house's words where Python's name a setting of the reader's:
    past 4,300 digits ``int()`` says to call ``sys.set_int_max_str_digits``, no help to whoever sent the number.  (The
    C reader converts every integer itself; a check of each in Python cost ~120 ns an integer.)"""
    limit = re.match(r"Exceeds the limit \((\d+) digits\).*value has (\d+) digits", str(exc))
    if limit is None:
        return str(exc)
    most, digits = (int(group) for group in limit.groups())
    return f"a number of {digits:,} digits is too long (at most {most:,})"


def strict_json_decoder() -> json.JSONDecoder:
    """``load_json``'s rules as a decoder, for reading JSON a value at a time (``raw_decode``)."""
    return json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def load_json(text: str) -> Any:
    """Parse JSON text strictly; ``ValueError`` says what is wrong.

    Python's ``json`` reads ``NaN``, ``Infinity`` and numbers too large for
    a float (``1e999``) as floats that are not JSON: stored, they would make
    every export invalid.  Requests to the server and imports read with this.
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        raise ValueError(json_number_problem(exc)) from None


# ---------------------------------------------------------------- posts, approvals and crises

#: The states a post stores; approved and changes-requested are read from
#: the approval records, expired, paused and missed from the clock and the crises.
POST_STORED_STATES = ("idea", "draft", "in-review", "scheduled", "published", "pulled")
MAX_APPROVAL_STEPS = 3
MAX_COPY = 20_000
#: The longest title and notes a task holds.
MAX_TITLE = 500
MAX_NOTES = 100_000
#: The longest name a member or a campaign has.
MAX_NAME = 200
#: The longest estimate typed or imported, in minutes: 10,000 hours, five years of 40-hour weeks.  A longer one is a slip
#: (a unit typed for another, Taskwarrior's ``P999999W``), never a task's work: it read "524666473h39m".  Bounded where
#: it is typed (``estimates.typed_estimate``, for ``set`` and quick-add alike) and imported, not in the stored field: older crewdecks stored longer ones, a
#: series' template carries its estimate into each instance, and a bound here refused every instance of such a series
#: (``done`` and each listing's catch-up failed on it).
MAX_ESTIMATE = 10_000 * 60


_CONTENT_HASH = re.compile(r"[0-9a-f]{64}\Z")


def content_hash_text(value: Any) -> str:
    if not isinstance(value, str) or not _CONTENT_HASH.match(value):
        raise ValueError(f"{value!r} is not a content hash (64 hex digits)")
    return value


def approval_step(value: Any) -> dict[str, Any]:
    """A step of a campaign's approval chain: ``{"name": "legal", "member": ID, "group": None}`` (one of member or group)."""
    if not isinstance(value, dict) or set(value) != {"name", "member", "group"}:
        raise ValueError(f"a step is {{'name': ..., 'member': ..., 'group': ...}}, got {value!r}")
    member = optional(record_id)(value["member"])
    group = optional(tag)(value["group"])
    if (member is None) == (group is None):
        raise ValueError("a step names a member or a group, not both and not neither")
    return {"name": tag(value["name"]), "member": member, "group": group}


def post_round(value: Any) -> dict[str, Any]:
    """An approval round: its id, the content hash submitted, when, and the campaign and platform it was submitted for.

    The campaign decides the chain and the platform the copy's limits, so a post
    moved to another needs a new round (``postround.moved``); rounds stored before
    they were kept have neither.
    """
    if not isinstance(value, dict) or set(value) - {"campaign", "platform"} != {"id", "hash", "at"}:
        raise ValueError(f"a round is {{'id': ..., 'hash': ..., 'at': ..., 'campaign': ..., 'platform': ...}}, got {value!r}")
    checked = {"id": record_id(value["id"]), "hash": content_hash_text(value["hash"]), "at": utc_instant(value["at"])}
    if "campaign" in value:
        checked["campaign"] = optional(record_id)(value["campaign"])
    if "platform" in value:
        checked["platform"] = optional(tag)(value["platform"])
    return checked


#: A post's fields that hold a web address (empty: none), and the one that holds media references.
WEB_ADDRESS_FIELDS = ("link", "live_url")
MEDIA_FIELD = "media"


def not_a_web_address(text: str) -> bool:
    """Whether ``text``, not empty, is no http(s) address with a host: a scheduler takes nothing else, and an address of
    another scheme (``javascript:``, ``data:``) would run or carry content where it is opened."""
    from urllib.parse import urlsplit  # here: only a post's content reads it

    try:
        parts = urlsplit(text)
    except ValueError:  # an unclosed [ in the host
        return True
    return parts.scheme.lower() not in ("http", "https") or not parts.netloc


#: Schemes whose address runs or carries content where it is opened, instead of naming a file somewhere.
_SCRIPT_SCHEMES = frozenset({"javascript", "data", "vbscript"})
_C0_OR_SPACE = "".join(map(chr, range(0x21)))


def not_a_media_reference(text: str) -> bool:
    """Whether ``text`` is no media reference: empty, or an address that runs or carries content (``javascript:``,
    ``data:``).  Teams name media in many ways (a path, ``C:\\media\\a.png``, ``s3://bucket/a.png``, ``draft:v2.png``), and
    stored references of every kind must go on syncing."""
    # A browser strips control characters and spaces before a scheme (" javascript:"), and so does this.
    scheme = text.lstrip(_C0_OR_SPACE).split(":", 1)[0].lower() if ":" in text else ""
    return not text.strip() or scheme in _SCRIPT_SCHEMES


def address_problem(field_name: str, value: Any) -> str | None:
    """Why a task's ``link``, ``live_url`` or ``media`` (``value``, checked for its shape) holds no address a post may
    carry, or ``None``: the commands, the app and the rules (for every way in) say it so."""
    if field_name in WEB_ADDRESS_FIELDS:
        if isinstance(value, str) and value and not_a_web_address(value):
            return f"{_named(value)} is not a web address (https://...)"
    elif field_name == MEDIA_FIELD and isinstance(value, list):
        for reference in value:
            if isinstance(reference, str) and not_a_media_reference(reference):
                if not reference.strip():
                    return "an empty reference (give a path or a URL for each)"
                return f"{_named(reference)} is an address that runs where it is opened, not media (a path or a URL)"
    return None


def checklist_item(value: Any) -> dict[str, Any]:
    """A crisis checklist item: a title, the approval group that does it, due minutes after the start."""
    if not isinstance(value, dict) or set(value) != {"title", "group", "due_minutes"}:
        raise ValueError(f"an item is {{'title': ..., 'group': ..., 'due_minutes': ...}}, got {value!r}")
    return {
        "title": text(500, required=True)(value["title"]),
        "group": tag(value["group"]),
        "due_minutes": integer(0, 60 * 24 * 60)(value["due_minutes"]),
    }


def peak_hours(value: Any) -> dict[str, list[str]]:
    """Peak hours per platform (``{"instagram": ["11:00", "19:00"]}``); a platform not named keeps its default."""
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of platform to times like ['09:00']")
    for platform, times in value.items():
        tag(platform)
        if not isinstance(times, list) or not all(isinstance(t, str) and _HHMM.match(t) and t != "24:00" for t in times):
            raise ValueError(f"{platform}: {times!r} is not a list of times like ['09:00', '18:00']")
    return value


DEFAULT_CRISIS_CHECKLIST = [
    {"title": "Acknowledge publicly within 1 h", "group": "comms", "due_minutes": 60},
    {"title": "Brief legal", "group": "legal", "due_minutes": 120},
    {"title": "Pause paid ads on every platform", "group": "ads", "due_minutes": 60},
    {"title": "Draft holding statement", "group": "comms", "due_minutes": 180},
    {"title": "Post-mortem within 5 days", "group": "leads", "due_minutes": 5 * 24 * 60},
]


# ---------------------------------------------------------------- the days people use

#: The days a person may give, an import may bring and a new operation may
#: carry.  The calendar's own ends (0001-01-01 and 9999-12-31) are kept well
#: clear: an instant near them cannot be moved into every zone, nor a day or a
#: week on.  Whole years, so the year of a date or an instant decides.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)
_DAY_TEXT = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}")
#: A date, a UTC instant, a zoned instant, a list of dates, each with the same shape holding no day.
_DAY_SAMPLES: tuple[tuple[Any, Any], ...] = (
    ("2026-01-01", "x"),
    ("2026-01-01T00:00:00Z", "x"),
    ({"utc": "2026-01-01T00:00:00Z", "tz": "UTC"}, {"utc": "x", "tz": "UTC"}),
    (["2026-01-01"], ["x"]),
)


def day_out_of_range(value: Any) -> str | None:
    """The first date or instant in ``value`` (a checked field value) outside ``FIRST_DAY`` .. ``LAST_DAY``."""
    if type(value) is str:  # most day fields: a date or an instant
        found = _DAY_TEXT.match(value)
        return value if found and not FIRST_DAY.year <= int(found[1]) <= LAST_DAY.year else None
    if type(value) is dict and len(value) == 2:  # most others: a zoned instant ({utc, tz}: a due, a snooze)
        first, second = value.values()
        if type(first) is str and type(second) is str:  # nothing to walk: read in the walk's order below
            for text in (second, first):
                found = _DAY_TEXT.match(text)
                if found and not FIRST_DAY.year <= int(found[1]) <= LAST_DAY.year:
                    return text
            return None
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _DAY_TEXT.match(item)  # the zone of a zoned instant is no day
            if found and not FIRST_DAY.year <= int(found[1]) <= LAST_DAY.year:
                return item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


#: A quoted date or instant in JSON text whose year lies outside ``FIRST_DAY`` .. ``LAST_DAY``.
FAR_DAY_JSON = re.compile(r'"((?:0[0-9]{3}|1[0-8][0-9]{2}|9999)-[0-9]{2}-[0-9]{2})')


def days_text_out_of_range(value_json: str) -> str | None:
    """``day_out_of_range`` of a value's canonical JSON text, without reading it (the years are in the text)."""
    found = FAR_DAY_JSON.search(value_json)
    return None if found is None else found[1]


# ---------------------------------------------------------------- schema


@dataclass(frozen=True)
class Field:
    name: str
    check: Check
    #: Columns of the materialized table this field fills, in order.
    columns: tuple[str, ...] = ()
    #: SQL type per column.
    sql: tuple[str, ...] = ("TEXT",)
    default: Any = None
    #: How the value maps to columns: "plain", "json", "bool", "instant" or "money".
    kind: str = "plain"
    #: Text that may hold line breaks (notes); every other text is one line.
    multiline: bool = False

    def __post_init__(self) -> None:
        if not self.columns:
            object.__setattr__(self, "columns", (self.name,))

    def to_columns(self, value: Any) -> tuple[Any, ...]:
        """The value as the column values the UI reads."""
        kind = self.kind
        if kind == "instant":
            if isinstance(value, str):
                return (value, None)  # an instant alone (a snooze an older crewdeck wrote)
            return (value["utc"], value["tz"]) if value else (None, None)
        if kind == "money":
            return (value["amount"], value["currency"]) if value else (None, None)
        if kind == "json":
            return (None if value is None else canonical_json(value),)
        if kind == "bool":
            return (int(value),)
        return (value,)

    def from_columns(self, values: tuple[Any, ...]) -> Any:
        """The inverse of ``to_columns``."""
        kind = self.kind
        if kind == "instant":
            if values[0] and values[1] is None:
                return values[0]
            return {"utc": values[0], "tz": values[1]} if values[0] else None
        if kind == "money":
            return None if values[0] is None else {"amount": values[0], "currency": values[1]}
        if kind == "json":
            return None if values[0] is None else json.loads(values[0])
        if kind == "bool":
            return bool(values[0])
        return values[0]


_canonical = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=True, allow_nan=False).encode
#: A text as JSON, as the encoder above spells it (``ensure_ascii`` off).
_text_json = json.encoder.encode_basestring


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: one value, one text, on every replica
    (never ``NaN`` or ``Infinity``: the checks refuse them, and this would raise).

    Text and whole numbers are spelled by the encoder's own function for
    each (``int.__repr__`` is what it calls for an int), without its Python
    calls on the way there: an import spells a million values, most of them
    text or counts.  So are the two shapes most of the rest take, spelled as
    the encoder spells them: a zoned instant (a due, its keys sorted: ``tz``
    before ``utc``) and a list of text (tags, dependencies).
    """
    kind = type(value)
    if kind is str:
        return _text_json(value)
    if kind is int:  # not bool, nor an int subclass: those go the encoder's whole way
        return int.__repr__(value)
    if kind is dict and len(value) == 2:
        utc = value.get("utc")
        tz = value.get("tz")
        if type(utc) is str and type(tz) is str:
            return f'{{"tz":{_text_json(tz)},"utc":{_text_json(utc)}}}'
    elif kind is list and all(type(item) is str for item in value):
        return f"[{','.join(map(_text_json, value))}]"
    return _canonical(value)


def canonical_json_varying(template: Mapping[str, Any], varying: Collection[str]) -> Callable[[Mapping[str, Any]], str]:
    """``canonical_json`` of records that hold ``template``'s keys and its values but for those of ``varying``: what
    only those fields' values spell is worked out once (the keys sorted, the other values), each record's
    ``varying`` values spelled into it.  An import's 100,000 ledger entries differ in a few fields of a dozen: spelled
    whole, each took the encoder's sort and walk (about 5 µs; this, under 2).  A record whose other values are not
    ``template``'s is spelled wrong: the caller makes each record from the template."""
    pieces: list[str] = []
    names: list[str] = []
    held = ""
    for position, key in enumerate(sorted(template)):
        head = f"{',' if position else '{'}{canonical_json(key)}:"
        if key in varying:
            pieces.append(held + head)
            names.append(key)
            held = ""
        else:
            held += head + canonical_json(template[key])
    pieces.append(held + "}")
    spelling = "%s".join(piece.replace("%", "%%") for piece in pieces)
    order = tuple(names)

    def spell(record: Mapping[str, Any]) -> str:
        return spelling % tuple(["null" if (value := record[name]) is None else canonical_json(value) for name in order])

    return spell


@dataclass(frozen=True)
class Entity:
    name: str
    fields: tuple[Field, ...]
    #: ``append`` entities are written once and never changed.
    append_only: bool = False
    #: The fields a record's id gives, from its id (``None``: an id that gives none): a record keyed by what it holds
    #: (a result's kind, post, campaign, platform and day) has them wherever it is made, and no operation need set them.
    from_id: Callable[[str], Mapping[str, Any] | None] | None = None
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def given_by_id(self, row_id: str) -> Mapping[str, Any]:
        """The fields ``row_id`` gives its record (``from_id``); none for an entity whose ids give none."""
        return (self.from_id(row_id) if self.from_id is not None else None) or {}

    def check(self, field_name: str, value: Any) -> Any:
        spec = self.by_name.get(field_name)
        if spec is None:
            raise self._no_such_field(field_name)
        try:
            return spec.check(value)
        except ValueError as exc:
            raise ValidationError(self.name, field_name, str(exc)) from None

    def check_record(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``check`` of each field, in one loop rather than a call of it per field (an import checks 100,000 records)."""
        by_name = self.by_name
        checked: dict[str, Any] = {}
        for name, value in values.items():
            spec = by_name.get(name)
            if spec is None:
                raise self._no_such_field(name)
            try:
                checked[name] = spec.check(value)
            except ValueError as exc:
                raise ValidationError(self.name, name, str(exc)) from None
        return checked

    def _no_such_field(self, field_name: str) -> ValidationError:
        return ValidationError(self.name, field_name, f"no such field (fields: {', '.join(self.by_name)})")

    @cached_property
    def day_fields(self) -> frozenset[str]:
        """The fields that hold calendar days: their check takes a value with a day and refuses the same shape without.

        Asked of the checks themselves, so that a field added later is covered too.
        """

        def takes(check: Check, value: Any) -> bool:
            try:
                check(value)
            except (ValueError, TypeError):
                return False
            return True

        return frozenset(
            f.name for f in self.fields if any(takes(f.check, day) and not takes(f.check, no_day) for day, no_day in _DAY_SAMPLES)
        )


def _instant_field(name: str) -> Field:
    return Field(name, optional(zoned_instant), (f"{name}_utc", f"{name}_tz"), ("TEXT", "TEXT"), kind="instant")


def _json_field(name: str, check: Check, default: Any) -> Field:
    return Field(name, check, default=default, kind="json")


DELETED = Field("deleted", boolean, sql=("INTEGER NOT NULL DEFAULT 0",), default=False, kind="bool")

WORKSPACE = Entity(
    "workspace",
    (
        Field("name", text(200, required=True)),
        Field("base_currency", currency),
        #: The Unix account sshd runs ``crewdeck ssh-session`` as (see ``tui/ssh``).
        Field("ssh_account", optional(text(64))),
        #: A campaign falling off its KPI targets adds a review task for a manager (off by default).
        Field("review_off_target", boolean, sql=("INTEGER NOT NULL DEFAULT 0",), default=False, kind="bool"),
        # Shared post settings (managers change them, every member reads the same).
        #: The workspace's zone: exports to a scheduler write times in it unless told another.
        Field("tz", optional(zone_name)),
        Field("approval_lead_minutes", integer(0, 60 * 24 * 30), sql=("INTEGER",), default=60),
        Field("min_gap_minutes", integer(0, 60 * 24 * 30), sql=("INTEGER",), default=180),
        Field("quiet_days", integer(1, 365), sql=("INTEGER",), default=3),
        Field("publish_lead_hours", integer(0, 24 * 30), sql=("INTEGER",), default=24),
        _json_field("peak_hours", peak_hours, {}),
        _json_field("crisis_checklist", list_of(checklist_item, max_items=50, unique=False), DEFAULT_CRISIS_CHECKLIST),
        #: The approval chain of the posts in no campaign (a campaign's own chain is the campaign's).
        _json_field("approvals", list_of(approval_step, max_items=MAX_APPROVAL_STEPS, unique=False), []),
    ),
)

MEMBER = Entity(
    "member",
    (
        Field("handle", handle),
        Field("name", text(MAX_NAME, required=True)),
        Field("role", text(100), default=""),
        Field("access", one_of(ACCESS_LEVELS), default="member"),
        Field("tz", zone_name),
        _json_field("hours", working_hours, {}),
        _json_field("days_off", list_of(date, max_items=1000), []),
        Field("unix_user", optional(text(64))),
        #: OpenSSH public keys (``type base64 comment``): who this member is to ``crewdeck ssh-session``.
        _json_field("ssh_keys", key_list, []),
        #: Approval groups (posts): a chain's step may name a group instead of a member.
        _json_field("groups", list_of(tag, max_items=50), []),
        #: A guest's campaigns: the posts they may see and approve.
        _json_field("campaigns", list_of(record_id, max_items=500), []),
        DELETED,
    ),
)

CAMPAIGN = Entity(
    "campaign",
    (
        Field("name", text(MAX_NAME, required=True)),
        _json_field("platforms", list_of(tag, max_items=30), []),
        Field("audience_tz", optional(zone_name)),
        Field("start", optional(date)),
        Field("end", optional(date)),
        Field("status", one_of(CAMPAIGN_STATUSES), default="active"),
        Field("pause_reason", text(1000), default=""),
        _json_field("kpis", json_object, {}),
        #: The approval chain of its posts: 0-3 ordered steps (see ``approval_step``).
        _json_field("approvals", list_of(approval_step, max_items=MAX_APPROVAL_STEPS, unique=False), []),
        DELETED,
    ),
)

TASK = Entity(
    "task",
    (
        Field("title", text(MAX_TITLE, required=True)),
        Field("notes", text(MAX_NOTES), default="", multiline=True),
        Field("status", one_of(TASK_STATUSES), default="inbox"),
        Field("assignee", optional(record_id)),
        Field("priority", one_of(PRIORITIES), default="none"),
        Field("campaign", optional(record_id)),
        Field("platform", optional(tag)),
        _instant_field("due"),
        _instant_field("publish"),
        _json_field("tags", list_of(tag, max_items=MAX_TAGS), []),
        _json_field("depends_on", list_of(record_id), []),
        Field("estimate", optional(integer(minimum=0)), sql=("INTEGER",)),
        # The instant keeps its column (the task filters read it); the zone is beside it, NULL for an instant alone.
        Field("snoozed_until", optional(snooze), ("snoozed_until", "snoozed_tz"), ("TEXT", "TEXT"), kind="instant"),
        _json_field("recurrence", optional(recurrence_info), None),
        _json_field("meeting", optional(meeting_info), None),
        Field("series", optional(record_id)),
        Field("decline_reason", text(1000), default=""),
        Field("duplicate_of", optional(record_id)),
        Field("created_by", optional(record_id)),
        Field("created_at", optional(utc_instant)),
        # A post is a task with a stored post state (None: a plain task) and content.
        Field("post_state", optional(one_of(POST_STORED_STATES))),
        Field("copy", text(MAX_COPY, compose=False), default="", multiline=True),
        Field("link", text(2000, compose=False), default=""),
        _json_field("media", list_of(text(2000, compose=False), max_items=20), []),
        Field("first_comment", text(MAX_COPY, compose=False), default="", multiline=True),
        #: The approval round opened by the latest submission (``post_round``).
        _json_field("post_round", optional(post_round), None),
        Field("live_url", text(2000), default=""),
        Field("published_at", optional(utc_instant)),
        #: Crises this post was explicitly resumed from (a crisis holds it until then).
        _json_field("resumed_from", list_of(record_id, max_items=200), []),
        DELETED,
    ),
)

LEDGER_ENTRY = Entity(
    "ledger_entry",
    (
        Field("date", date),
        Field("campaign", record_id),
        Field("category", category),
        Field("payee", text(200, required=True)),
        #: Integer minor units of ``currency`` (cents, yen, fils); negative for a refund or reversal.
        Field("amount", integer(-MAX_MINOR, MAX_MINOR), sql=("INTEGER NOT NULL",)),
        Field("currency", currency),
        Field("memo", text(2000), default=""),
        Field("reverses", optional(record_id)),
        Field("task", optional(record_id)),
        Field("entered_by", record_id),
        Field("entered_at", utc_instant),
        #: Spend that counts only once a manager other than the person
        #: who entered it approves it (an ``approval`` record).  A reversal
        #: copies this from the entry it reverses and counts exactly when it does.
        Field("needs_approval", boolean, sql=("INTEGER NOT NULL DEFAULT 0",), default=False, kind="bool"),
    ),
    append_only=True,
)

#: A manager's approval of a pending ledger entry.  Append-only like
#: the entries: approvals made on two replicas at once are two records, and
#: the entry counts if any of them is by someone other than its author.
APPROVAL = Entity(
    "approval",
    (
        Field("entry", record_id),
        Field("approved_by", record_id),
        Field("approved_at", utc_instant),
    ),
    append_only=True,
)

#: A manager on a shared host acting as another member (``--as``): the
#: operations stamped ``first_op`` to ``last_op`` by ``member`` were made by
#: ``actor``, which the activity log shows as "@ana as @raj".
ACTING = Entity(
    "acting",
    (
        Field("actor", record_id),
        Field("member", record_id),
        Field("first_op", text(64, required=True)),
        Field("last_op", text(64, required=True)),
    ),
    append_only=True,
)

#: An import's write: the operations stamped ``first_op`` to ``last_op`` (of one node, the one its stamps name) were
#: what an import of ``source`` wrote (``tui.workspace.lastimport``).  Replicated, so a newer export of the source
#: imported anywhere changes the fields nobody changed since, on whichever replica or by whomever they were changed.
IMPORT_RUN = Entity(
    "import_run",
    (
        Field("source", text(200, required=True)),
        Field("first_op", stamp),
        Field("last_op", stamp),
        #: Where in the source its records live (an Asana project, a Linear team's project), as the file names them;
        #: ``None``: the whole source (a Trello board's key names it).
        _json_field("scope", optional(list_of(text(2000, compose=False), max_items=100_000)), None),
        Field("imported_by", record_id),
    ),
    append_only=True,
)

#: Records that say something of other operations (who made them, which import), not a change of their own.
BOOKKEEPING = frozenset({"acting", "import_run"})
#: ``BOOKKEEPING`` as an SQL list, for ``entity NOT IN (...)``.
BOOKKEEPING_SQL = ", ".join(f"'{name}'" for name in sorted(BOOKKEEPING))

BUDGET = Entity(
    "budget",
    (
        Field("campaign", record_id),
        Field("category", category),
        #: "run" for the campaign's whole run, or a month "YYYY-MM".
        Field("period", budget_period),
        # A default, so a row rebuilt from a partial sync (amount not yet
        # arrived) satisfies the column's NOT NULL.
        Field("amount", integer(0, MAX_MINOR), sql=("INTEGER NOT NULL DEFAULT 0",), default=0),
        Field("currency", currency),
        DELETED,
    ),
)

RATE = Entity(
    "rate",
    (
        Field("date", date),
        Field("base", currency),
        Field("quote", currency),
        Field("rate", decimal_text),
        DELETED,
    ),
)

# ---------------------------------------------------------------- results (issue 16)

#: The daily counts a result record holds, in the order reports list them
#: (``engagements`` is the platform's own total; its parts follow it).
RESULT_COUNTS = (
    "impressions",
    "reach",
    "engagements",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "video_3s",
    "video_complete",
    "conversions",
)
#: What a result record counts: a post (a task), a campaign on a platform
#: that reports no posts, or the workspace's followers on a platform.
RESULT_KINDS = ("post", "campaign", "followers")
_PLATFORM = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}\Z")
#: The largest count a result holds: far beyond any platform's numbers, far inside 64 bits.
MAX_COUNT = 10**15


def platform_name(value: Any) -> str:
    """A platform as results key it: one lowercase word (it is part of the record's id)."""
    if not isinstance(value, str) or not _PLATFORM.match(value):
        raise ValueError(f"{_named(value)} is not a platform name: lowercase letters, digits, '.', '_' or '-', up to 32 characters")
    return value


def money_value(value: Any) -> dict[str, Any]:
    """``{"amount": minor units, "currency": "EUR"}``: money kept as one value, so its currency never parts from it."""
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        raise ValueError(f"expected {{'amount': minor units, 'currency': 'EUR'}}, got {value!r}")
    return {"amount": integer(0, MAX_MINOR)(value["amount"]), "currency": currency(value["currency"])}


_COUNT = optional(integer(0, MAX_COUNT))


def result_id(kind: str, day: str, *, post: str | None = None, campaign: str | None = None, platform: str | None = None) -> str:
    """Results are keyed by what they count and the day, so two replicas importing the same numbers converge."""
    if kind == "post":
        return f"result:post:{post}:{day}"
    if kind == "campaign":
        return f"result:campaign:{campaign}:{platform}:{day}"
    return f"result:followers:{platform}:{day}"


def result_key(row_id: str) -> dict[str, Any] | None:
    """The key fields a result's id stands for (``None`` when it is no result id)."""
    parts = row_id.split(":")
    if len(parts) < 4 or parts[0] != "result":
        return None
    kind, day = parts[1], parts[-1]
    if kind == "post" and len(parts) == 4:
        return {"kind": kind, "post": parts[2], "campaign": None, "platform": None, "day": day}
    if kind == "campaign" and len(parts) == 5:
        return {"kind": kind, "post": None, "campaign": parts[2], "platform": parts[3], "day": day}
    if kind == "followers" and len(parts) == 4:
        return {"kind": kind, "post": None, "campaign": None, "platform": parts[2], "day": day}
    return None


RESULT = Entity(
    "result",
    (
        Field("kind", one_of(RESULT_KINDS)),
        Field("post", optional(record_id)),
        Field("campaign", optional(record_id)),
        Field("platform", optional(platform_name)),
        Field("day", date),
        *(Field(name, _COUNT, sql=("INTEGER",)) for name in RESULT_COUNTS),
        Field("followers", _COUNT, sql=("INTEGER",)),
        Field("conversion_value", optional(money_value), ("value_amount", "value_currency"), ("INTEGER", "TEXT"), kind="money"),
        #: Where the numbers of the last write came from ("kpi add", "meta export ads.csv:12"): the history says who brought what.
        Field("source", text(500), default=""),
    ),
    from_id=result_key,
)

#: A reviewer's verdict on one step of a post's approval round: append-only,
#: with the content hash it saw, so that a later change to the content voids it.
#: ``withdraw`` takes back its writer's earlier approval of the step (new records, never an edit: DESIGN "History").
POST_APPROVAL = Entity(
    "post_approval",
    (
        Field("post", record_id),
        Field("round", record_id),
        Field("step", tag),
        Field("hash", content_hash_text),
        Field("verdict", one_of(("approve", "reject", "withdraw"))),
        Field("note", text(2000), default=""),
        Field("approved_by", record_id),
        Field("approved_at", utc_instant),
    ),
    append_only=True,
)

#: A crisis: its start, append-only.  Its scope is the campaigns and
#: platforms named (none named: all of them).
CRISIS = Entity(
    "crisis",
    (
        Field("reason", text(1000, required=True)),
        _json_field("campaigns", list_of(record_id, max_items=200), []),
        _json_field("platforms", list_of(tag, max_items=30), []),
        Field("started_by", record_id),
        Field("started_at", utc_instant),
    ),
    append_only=True,
)

#: The end of a crisis; its row id is derived from the crisis's (``crisis_end_id``), so a crisis ends once.
CRISIS_END = Entity(
    "crisis_end",
    (
        Field("crisis", record_id),
        Field("resume", one_of(("all", "none", "ask"))),
        Field("ended_by", record_id),
        Field("ended_at", utc_instant),
    ),
    append_only=True,
)

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        WORKSPACE,
        MEMBER,
        CAMPAIGN,
        TASK,
        LEDGER_ENTRY,
        APPROVAL,
        ACTING,
        IMPORT_RUN,
        BUDGET,
        RATE,
        RESULT,
        POST_APPROVAL,
        CRISIS,
        CRISIS_END,
    )
}

#: The single row of the ``workspace`` entity.
WORKSPACE_ROW = "workspace"


def budget_id(campaign: str, category: str, period: str) -> str:
    """Budgets are keyed by what they budget, so two replicas setting one converge."""
    return f"budget:{campaign}:{category}:{period}"


def rate_id(day: str, base: str, quote: str) -> str:
    return f"rate:{day}:{base}{quote}"


def derived_id(*parts: str) -> str:
    """A record id derived from others (a crisis's end, its checklist tasks): two replicas derive the same one."""
    import hashlib  # here: OpenSSL's import costs every command ~2 ms, and few derive ids

    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def crisis_end_id(crisis: str) -> str:
    return derived_id("crisis_end", crisis)


def entity(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise ValidationError(name, "*", f"no such entity (entities: {', '.join(ENTITIES)})") from None
