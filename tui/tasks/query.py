"""The task filter language, shared by ``crewdeck tasks`` and the app's ``/``.

Terms are ANDed; a leading ``-`` negates a term.

| term                      | matches                                             |
|---------------------------|-----------------------------------------------------|
| ``status:todo,doing``     | any of those statuses (``is:open``, ``is:closed``)  |
| ``@ana`` ``@me`` ``@none``| assigned to ana / to you / to nobody (a booked      |
|                           | meeting is ana's / yours when she / you attend it)  |
| ``#instagram``            | tagged                                              |
| ``+spring-launch``        | in that campaign (``+none``: in none)               |
| ``platform:tiktok``       | for that platform                                   |
| ``post:instagram``        | posts for that platform (``post:any``: every post)  |
| ``state:in-review``       | posts in that state (as computed now)               |
| ``needs:@me``             | posts waiting for your (or @ana's) approval         |
| ``!high`` ``!med`` ...    | that priority                                       |
| ``due:today`` ``due:fri`` | due on that day (in your zone)                      |
| ``due:<fri`` ``due:>+3d`` | due on or before / on or after that day (``<=``,    |
|                           | ``>=`` alike)                                       |
| ``due:<fri 18:00``        | due before / after (``>``) / at that time (``<=``,  |
|                           | ``>=``: or at it); a date                           |
|                           | goes on as in quick-add: ``due:dec 9``,             |
|                           | ``due:>mon 09:00 Asia/Tokyo``; a day in a zone:     |
|                           | ``due:fri Asia/Tokyo``; ``due:fri eod`` is the day  |
|                           | (eod with a time is refused, as in quick-add)       |
| ``due:none`` ``due:any``  | without / with a due date                           |
| ``overdue``               | open and past due                                   |
| ``inbox``                 | new, for you or for nobody (the triage inbox)       |
| ``snoozed``               | snoozed tasks (hidden otherwise)                    |
| ``all``                   | closed (done, cancelled) tasks too                  |
| any other word            | in the title or the notes                           |

A value in quotes keeps its spaces (``"landing page"``, ``+"Spring Launch"``).
Without a ``status:``/``is:`` term (or ``all``) only open tasks match.
``parse`` reads the syntax; ``compile`` turns it into SQL, looking up names.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crewdeck.sync.state.records import OPEN_STATUSES, PRIORITIES, TASK_STATUSES, composed
from crewdeck.sync.state.store import FOLDED, folded
from crewdeck.sync.state.zones import zone
from crewdeck.tui.posts.states import STATES as POST_STATES
from crewdeck.tui.tasks.priorities import PRIORITY_WORDS
from crewdeck.tui.time.when import (
    WEEKDAY_ALIASES,
    DateError,
    MidnightError,
    WorkingDays,
    ambiguous_at,
    clock_words,
    could_be_zone,
    localize,
    moment_words,
    names_an_instant,
    not_a_time_or_zone,
    parse_day,
    parse_moment_text,
    spelled_out,
    spoken_order,
    utc_iso,
    without_eod,
)
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Campaign, match_campaign

CLOSED_STATUSES = tuple(s for s in TASK_STATUSES if s not in OPEN_STATUSES)


@dataclass(frozen=True)
class Term:
    kind: str
    value: str = ""
    negate: bool = False


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)

    @property
    def shows_closed(self) -> bool:
        return any(t.kind in ("status", "all") for t in self.terms)

    @property
    def shows_snoozed(self) -> bool:
        return any(t.kind in ("snoozed", "all") for t in self.terms)

    @property
    def filters(self) -> bool:
        """Whether a term asks for some tasks only: ``all`` asks for every one, as no term does (``tasks all`` listing
        nothing is a new workspace, no filter that matched nothing)."""
        return any(t.kind != "all" for t in self.terms)

    def text_words(self) -> list[str]:
        """The words looked for in titles and notes, as typed (negated ones aside: they match what lacks them)."""
        return [t.value for t in self.terms if t.kind == "text" and not t.negate]

    def read_as_text(self) -> list[str]:
        """The words typed as a filter's ``key:value`` (``sort:due``, ``assignee:bea``) that no term takes, looked for in
        titles and notes: said with "no tasks match", which alone read as if nothing were to be found."""
        return [word for word in self.text_words() if _KEYED_WORD.match(word)]


#: A word shaped as a term with a key (``sort:due``, Taskwarrior's ``due.before:fri``), not one of a title (``re:brief``
#: is too, and is looked for).
_KEYED_WORD = re.compile(r"[A-Za-z_][A-Za-z_.]*:\S")
#: The terms with a key, as ``no tasks match`` names them.
KEYED_TERMS = "status:, is:, due:, platform:, post:, state:, needs:@HANDLE"


def taskwarrior_term(word: str) -> str | None:
    """How crewdeck writes a Taskwarrior attribute typed as ``key:value`` (``project:spring`` is ``+spring``,
    ``priority:H`` is ``!high``, ``due.before:fri`` is ``due:<fri 00:00``, before the day as Taskwarrior reads it);
    ``None`` for any other word.  A Taskwarrior user types these by habit, and crewdeck reads them as words.  Its keys
    are in lower case, as Taskwarrior reads them: ``Pro:tip`` is a word there too."""
    key, _, value = word.partition(":")
    if not value:
        return None
    if key in ("project", "proj", "pro"):
        return f"+{value}"
    if key in ("project.not", "project.isnt"):
        return f"-+{value}"
    if key in ("priority", "pri", "prio"):
        priority = PRIORITY_WORDS.get(value.lower())
        return f"!{priority}" if priority else None
    if key in ("tags", "tag", "tags.has", "tags.is", "tags.not", "tags.hasnt"):
        sign = "-" if key.endswith(("not", "hasnt")) else ""
        return " ".join(f"{sign}#{tag}" for tag in value.split(",") if tag) or None
    if key in ("due.before", "due.below", "due.after", "due.above"):
        return _taskwarrior_due("<" if key.endswith(("before", "below")) else ">", value)
    if key in ("description", "desc", "description.has", "description.contains"):
        return _as_words(value)
    if key == "status":
        return _TASKWARRIOR_STATUSES.get(value.lower())
    return None


def taskwarrior_habits(query: Query, campaigns: list[Campaign]) -> str | None:
    """``Taskwarrior's due.before:fri is "due:<fri 00:00" here``: crewdeck's terms for the Taskwarrior attributes typed
    by habit that ``query`` looks for as words, as a list that matches nothing says them (``crewdeck tasks`` and the
    app's ``/``); ``None`` when it has none.  ``project:alpha`` names ``+alpha`` only where that campaign is, else says
    how to make one (``+alpha`` would be refused)."""
    habits = [(word, term) for word in query.read_as_text() if (term := taskwarrior_term(word))]
    missing = [word for word, term in habits if term.startswith("+") and not _is_campaign(term[1:], campaigns)]
    known = [(word, term) for word, term in habits if word not in missing]
    said = ["Taskwarrior's " + ", ".join(f"{word} is {quoted(term)}" for word, term in known) + " here"] if known else []
    said += [f"{word}: {project_note(word, campaigns)}" for word in missing]
    return "; ".join(said) or None


def project_note(word: str, campaigns: list[Campaign]) -> str:
    """What Taskwarrior's ``project:spring`` is here: ``+spring`` where that campaign is, else how to make one (``+spring``
    alone would be refused as an unknown campaign)."""
    name = word.partition(":")[2]
    try:
        return f"Taskwarrior's {word} is +{match_campaign(name, campaigns).slug} here"
    except UserError as exc:
        return f"Taskwarrior's project is a campaign here: {exc}; crewdeck campaign add {name} makes one"


def _is_campaign(name: str, campaigns: list[Campaign]) -> bool:
    try:
        match_campaign(name, campaigns)
    except UserError:
        return False
    return True


def quoted(term: str) -> str:
    """A term as a shell takes it whole: quoted where it has a space or ``<``/``>`` (``"due:<fri 00:00"``)."""
    return f'"{term}"' if any(c in term for c in " <>") else term


def taskwarrior_field(word: str) -> str | None:
    """``taskwarrior_term`` of an attribute that sets a task's field as quick-add writes it (``project:spring`` is
    ``+spring``, ``priority:H`` ``!high``, ``tags:a,b`` ``#a #b``); ``None`` for the others (``desc:#hash`` is the words
    ``#hash`` in Taskwarrior too, no tag)."""
    key = word.partition(":")[0]
    if key not in ("project", "proj", "pro", "priority", "pri", "prio", "tags", "tag"):
        return None
    return taskwarrior_term(word)


def _as_words(value: str) -> str | None:
    """``value``, Taskwarrior's words of a description, where crewdeck looks for it as words too; ``None`` where crewdeck
    reads it as a term (``#hash`` a tag, ``+alpha`` a campaign, ``@raj`` an assignee, ``overdue``): no hint then, where
    "desc:#hash is #hash" sent a Taskwarrior user to a tag filter."""
    try:
        terms = parse(f'"{value}"' if " " in value else value).terms
    except UserError:
        return None
    return value if terms and all(term.kind == "text" and not term.negate for term in terms) else None


#: The days Taskwarrior reads as their midnight (``due.before:fri`` is before Friday begins), in any case.
_TASKWARRIOR_MIDNIGHTS = frozenset({*WEEKDAY_ALIASES, "today", "tomorrow", "yesterday"})
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _taskwarrior_due(op: str, value: str) -> str | None:
    """``due:<...`` for Taskwarrior's ``due.before:value`` (``due:>...`` for after), or ``None`` where crewdeck's due
    filter cannot say it: a hint never names a term that is then refused (``today+14d``, ``sow``)."""
    low = value.lower()
    if low in _TASKWARRIOR_MIDNIGHTS or _ISO_DAY.match(value):
        at = f"{value} 00:00"  # due:<fri alone would take Friday in
    elif low == "eod" and op == ">":
        at = "tmrw"  # after the end of today: tomorrow on (crewdeck's due:>eod is today on)
    else:
        # An instant (now, 2026-12-10T09:00) as typed; Taskwarrior's eod, eow and eom are ends of a day, week or month,
        # said without a time (00:00 would be the start of that day).
        at = value
    try:
        _due_clause(op + at, QueryContext(None, "UTC", dt.datetime.now(dt.UTC), lambda _handle: [], lambda _name: ""))
    except UserError:
        return None
    return f"due:{op}{at}"


#: Taskwarrior's statuses as crewdeck's filters say them (an imported task that was deleted there is cancelled here).
_TASKWARRIOR_STATUSES = {"pending": "is:open", "completed": "status:done", "deleted": "status:cancelled", "waiting": "snoozed"}
#: Taskwarrior's virtual tags (``+OVERDUE``, in capitals) as crewdeck's filters say them.
_TASKWARRIOR_VIRTUAL = {
    "OVERDUE": "overdue",
    "WAITING": "snoozed",
    "ACTIVE": "status:doing",
    "TODAY": "due:today",
    "TOMORROW": "due:tmrw",
    "PENDING": "is:open",
    "COMPLETED": "status:done",
    "DELETED": "status:cancelled",
}


#: A word: a value in quotes that end the word keeps its spaces (``"landing page"``, ``-'reel cut'``, ``+"Spring Launch"``,
#: the ledger's ``payee:"Studio Nord"``), as hledger reads a query; any other run of non-spaces is a word as typed
#: (``McDonald's``: an apostrophe is no quote).
_WORD = re.compile(r"""(-?(?:[A-Za-z]+:|[+#@!])?)(?:"([^"]*)"|'([^']*)')(?=\s|\Z)|(\S+)""")


def words(text: str) -> list[str]:
    """The query's words, quotes taken off the values they hold (the ledger's filter reads them so too)."""
    return [m[4] if m[4] is not None else m[1] + (m[2] if m[2] is not None else m[3]) for m in _WORD.finditer(text)]


def parse(text: str) -> Query:
    query = Query()
    typed = words(text)
    i = 0
    while i < len(typed):
        word = typed[i]
        i += 1
        negate = word.startswith("-") and len(word) > 1 and not word[1].isdigit()
        body = word[1:] if negate else word
        lower = body.lower()
        if lower.startswith(("status:", "is:")):
            value = body.split(":", 1)[1].lower()
            statuses = {"open": ",".join(OPEN_STATUSES), "closed": ",".join(CLOSED_STATUSES)}.get(value, value)
            for status in statuses.split(","):
                if status not in TASK_STATUSES:
                    habit = taskwarrior_term(f"status:{status}")
                    said = f"; Taskwarrior's status:{status} is {habit} here" if habit else ""
                    raise UserError(f"{word}: {status!r} is not a status ({', '.join(TASK_STATUSES)}, open, closed){said}")
            query.terms.append(Term("status", statuses, negate))
        elif body.startswith("@") and len(body) > 1:
            query.terms.append(Term("assignee", body[1:].lower(), negate))
        elif body.startswith("#") and len(body) > 1:
            query.terms.append(Term("tag", body[1:], negate))
        elif body.startswith("+") and len(body) > 1 and not body[1].isdigit():
            query.terms.append(Term("campaign", body[1:], negate))
        elif lower.startswith("platform:") and len(body) > 9:
            query.terms.append(Term("platform", lower[9:], negate))
        elif lower.startswith("post:") and len(body) > 5:
            query.terms.append(Term("post", lower[5:], negate))
        elif lower.startswith("state:") and len(body) > 6:
            if lower[6:] not in POST_STATES:
                raise UserError(f"{word}: {lower[6:]!r} is not a post state ({', '.join(POST_STATES)})")
            query.terms.append(Term("state", lower[6:], negate))
        elif lower.startswith("needs:@") and len(body) > 7:
            query.terms.append(Term("needs", lower[7:], negate))
        elif body.startswith("!") and len(body) > 1:
            priority = PRIORITY_WORDS.get(lower[1:], lower[1:])
            if priority not in PRIORITIES:
                raise UserError(f"{word}: priority is !high, !med, !low or !none")
            query.terms.append(Term("priority", priority, negate))
        elif lower == "due:":  # as "due:<" is: a filter on no date, not the word "due:" in titles
            raise UserError("due: a date is missing (try due:<fri, due:today, due:none)")
        elif lower.startswith("due:") and len(body) > 4:
            # The date goes on as in quick-add: "due:<dec 9", "due:fri 18:00 Europe/London".
            op = body[4] if body[4] in "<>" else ""
            op += "=" if op and body[5:6] == "=" else ""  # due:<=fri, as people write "on or before"
            first = body[4 + len(op) :].split()  # due:"fri 18:00", quoted, is those words
            taken = moment_words(first, typed[i:])
            i += len(taken) - len(first)
            query.terms.append(Term("due", op + " ".join(taken), negate))
        elif lower in ("overdue", "snoozed", "all", "inbox"):
            query.terms.append(Term(lower, "", negate))
        else:
            query.terms.append(Term("text", body, negate))
    return query


@dataclass
class QueryContext:
    """What compiling needs to know: who is asking, when, and how to look names up."""

    me: str | None
    tz: str
    now: dt.datetime
    #: The ids of every member who has or had a handle, the live one first (``Workspace.members_in_filter``).
    member_ids: Callable[[str], Sequence[str]]
    campaign_id: Callable[[str], str]
    #: The ids of the posts in a state (``("state", "in-review", None)``) or waiting for a member (``("needs", member id,
    #: actor)``: ``actor`` a manager acting as them, whose own rounds wait for neither, as the rules judge it).
    posts: Callable[[str, str, str | None], list[str]] | None = None
    #: The manager acting as ``me`` (``--as`` on a shared host): ``needs:@me`` lists what the session may review.
    actor: str | None = None
    #: The viewer's working days and the weekday their week starts on (``roster.working_week``): ``due:<eow`` is the end of
    #: their week, as ``eow`` in quick-add is the owner's (Monday to Friday read it as the Friday gone on a Sunday).
    works: WorkingDays | None = None
    week_starts: int = 0


#: The longest LIKE pattern SQLite runs, in bytes (its SQLITE_MAX_LIKE_PATTERN_LENGTH); a longer one fails the query.
LIKE_PATTERN_BYTES = 50_000


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its ``%`` and ``_`` literal (with ``ESCAPE '\\'``)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    size = len(pattern.encode("utf-8", "surrogatepass"))
    if size > LIKE_PATTERN_BYTES:
        # Its size as SQLite counts it: 30,000 underscores are 60,000 bytes once escaped, and "at most 49,998" alone would not say why.
        raise UserError(
            f"a search text of {len(text):,} characters is longer than SQLite can search for: "
            f"{size - 2:,} bytes of UTF-8 (%, _ and \\ count twice), at most {LIKE_PATTERN_BYTES - 2:,}"
        )
    return pattern


def _day_bounds(words: list[str], ctx: QueryContext) -> tuple[str, str]:
    """The start and end of the day ``words`` name, in the zone they end with or the viewer's."""
    named = could_be_zone(words[-1]) and len(words) > 1
    tz = zone(words[-1] if named else ctx.tz)
    day = parse_day(" ".join(words[:-1] if named else words), ctx.now.astimezone(tz).date(), ctx.works, ctx.week_starts)
    start = localize(dt.datetime.combine(day, dt.time()), tz)
    end = localize(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), tz)
    return utc_iso(start), utc_iso(end)


def _due_clause(value: str, ctx: QueryContext) -> tuple[str, list[Any]]:
    lowered = value.lower()
    if lowered == "none":
        return "t.due_utc IS NULL", []
    if lowered == "any":
        return "t.due_utc IS NOT NULL", []
    op = value[0] if value[0] in "<>" else ""
    op += "=" if op and value[1:2] == "=" else ""
    # An ISO instant (2026-12-01T09:30, with a Z: UTC) is a day and a time.
    words = value[len(op) :].split()
    words = spelled_out(words)
    if not words:
        raise UserError(f"due:{value}: a date is missing (try due:<fri, due:today, due:<fri 18:00)")
    try:
        words = without_eod(words)  # eod is the date alone, as in quick-add: the whole day here
        words = spoken_order(words)[0]  # fri at 10am, 2pm tomorrow: a day and a time, as parse_moment reads them
        if (at := next((i for i in range(len(words)) if ambiguous_at(words[i:])), None)) is not None:
            raise not_a_time_or_zone(words[at:])  # fri at 3: which half of the day, as every date's reader refuses it
        if names_an_instant(words[0]) or clock_words(words):
            instant = utc_iso(parse_moment_text(" ".join(words), ctx.tz, ctx.now, works=ctx.works, week_starts=ctx.week_starts).instant)
            # At a time, < and > leave it out and <= and >= take it; a day is whole either way (due:<fri: on or before it).
            return f"t.due_utc {op or '='} ?", [instant]
        start, end = _day_bounds(words, ctx)
    except MidnightError as exc:  # as a word looked for, it goes before due: (a filter's words are in any order)
        moved = " (to look for the word, put it before due:)" if exc.typed_apart(words) else ""
        raise UserError(f"due:{value}: {exc}{moved}") from None
    except (DateError, ValueError) as exc:
        raise UserError(f"due:{value}: {exc}") from None
    if op.startswith("<"):
        return "t.due_utc < ?", [end]
    if op.startswith(">"):
        return "t.due_utc >= ?", [start]
    return "(t.due_utc >= ? AND t.due_utc < ?)", [start, end]


def compile(query: Query, ctx: QueryContext) -> tuple[str, list[Any]]:
    """``(where clause over task AS t, parameters)``."""
    clauses: list[str] = []
    params: list[Any] = []
    now = utc_iso(ctx.now)
    # The terms typed first: SQLite tests a row's terms in this order, and
    # a typed term passes fewer rows on to the others (a third less time to
    # count "#instagram" over 100,000 tasks).
    for term in query.terms:
        sql, args = _clause(term, ctx, now)
        if not sql:
            continue
        clauses.append(f"NOT ({sql})" if term.negate else sql)
        params.extend(args)
    clauses.append("t.deleted = 0")
    if not query.shows_closed:
        clauses.append(f"t.status IN ({', '.join('?' * len(OPEN_STATUSES))})")
        params.extend(OPEN_STATUSES)
    if not query.shows_snoozed:
        clauses.append("(t.snoozed_until IS NULL OR t.snoozed_until <= ?)")
        params.append(now)
    return " AND ".join(clauses), params


def _theirs(member_ids: Sequence[str]) -> tuple[str, list[Any]]:
    """Assigned to one of the members, or a booked meeting one attends (required or optional).

    The meetings are found once, through the index of the few tasks that
    are meetings (an attendee's id is in the meeting's JSON, quoted): the
    rest of the clause reads only the columns a count's covering index has.
    """
    marks = ", ".join("?" * len(member_ids))
    attends = " OR ".join(["instr(meeting, ?) > 0"] * len(member_ids))
    meetings = f"SELECT rowid FROM task WHERE meeting IS NOT NULL AND ({attends})"
    return f"(t.assignee IN ({marks}) OR t.rowid IN ({meetings}))", [*member_ids, *(f'"{m}"' for m in member_ids)]


def _clause(term: Term, ctx: QueryContext, now: str) -> tuple[str, list[Any]]:
    kind, value = term.kind, term.value
    if kind == "status":
        statuses = value.split(",")
        return f"t.status IN ({', '.join('?' * len(statuses))})", statuses
    if kind == "assignee":
        if value == "none":
            return "t.assignee IS NULL", []
        if value == "me":
            if ctx.me is None:
                raise UserError("@me: who you are is not known here (pass --as HANDLE)")
            return _theirs([ctx.me])
        return _theirs(ctx.member_ids(value))
    if kind == "tag":
        # Tags are stored composed, as a word typed decomposed (on a Mac) is read.
        return "instr(t.tags, ?) > 0", [f'"{composed(value)}"']
    if kind == "campaign":
        if value.lower() == "none":
            return "t.campaign IS NULL", []
        try:
            return "t.campaign = ?", [ctx.campaign_id(value)]
        except UserError as exc:
            if value in _TASKWARRIOR_VIRTUAL:  # +OVERDUE, typed by habit
                raise UserError(f"{exc}; Taskwarrior's +{value} is {_TASKWARRIOR_VIRTUAL[value]} here") from None
            raise
    if kind == "platform":
        return "t.platform = ?", [value]
    if kind == "priority":
        return "t.priority = ?", [value]
    if kind == "post":
        return ("t.post_state IS NOT NULL", []) if value == "any" else ("(t.post_state IS NOT NULL AND t.platform = ?)", [value])
    if kind in ("state", "needs"):
        if ctx.posts is None:
            raise UserError(f"{kind}: posts' states are not known here")
        actor = None
        if kind == "needs":
            if value == "me" and ctx.me is None:
                raise UserError("needs:@me: who you are is not known here (pass --as HANDLE)")
            # As the app's Approvals view lists them: acting as me, a manager reviews no round they changed or took a step of.
            actor = ctx.actor if value == "me" else None
            # A post waits on a live member only: a removed one takes no step.
            value = ctx.me if value == "me" and ctx.me else ctx.member_ids(value)[0]
        return "t.id IN (SELECT value FROM json_each(?))", [json.dumps(ctx.posts(kind, value, actor))]
    if kind == "due":
        return _due_clause(value, ctx)
    if kind == "overdue":
        return f"(t.due_utc < ? AND t.status IN ({', '.join('?' * len(OPEN_STATUSES))}))", [now, *OPEN_STATUSES]
    if kind == "inbox":
        if ctx.me is None:
            return "(t.status = 'inbox' AND t.assignee IS NULL)", []
        return "(t.status = 'inbox' AND (t.assignee IS NULL OR t.assignee = ?))", [ctx.me]
    if kind == "snoozed":
        return "(t.snoozed_until IS NOT NULL AND t.snoozed_until > ?)", [now]
    if kind == "text":
        if value.isascii():  # text is stored composed, and LIKE folds A to Z: no function call a task
            pattern = like_pattern(value)
            return "(t.title LIKE ? ESCAPE '\\' OR t.notes LIKE ? ESCAPE '\\')", [pattern, pattern]
        pattern = like_pattern(folded(composed(value)) or "")
        return f"({FOLDED}(t.title) LIKE ? ESCAPE '\\' OR {FOLDED}(t.notes) LIKE ? ESCAPE '\\')", [pattern, pattern]
    return "", []
