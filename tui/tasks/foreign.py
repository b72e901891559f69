"""What the Trello, Asana and Linear importers share: their items as crewdeck tasks, for ``merging``.

Each importer reads its file into ``Item``s (one per card, task or
issue, with the source's own words for status, labels and people) and
``People`` (the members the file names); ``build`` maps them onto tasks:

* a status by the source's name for it (a list, a section, a Linear
  status), through ``StatusMap``: a default by the usual words ("Doing",
  "In Progress" -> doing; decorations aside: "🚧 In-Progress" too),
  overridden by ``--map-status "Later=todo"``;
  a name it does not know becomes ``todo`` and is marked as a guess;
* labels: one that names a campaign here sets the campaign, one that
  names a platform of a campaign here sets the platform, every other is a
  tag (its slug; an unnamed label is its colour, ``trello-green``; one with
  no letter or digit, "🔥", a "label: 🔥" line of the notes);
* people by handle (``SourceMember``, matched or added by the merge); an
  assignee matched to no one (or whom the merge may not add: ``left_out``),
  or to a guest here, leaves the task
  unassigned, kept in its notes ("assigned in Asana to: ...");
* a project: the campaign, unless a label named one; then, when it names
  another, kept in the notes ("also in Asana project: ..."); one with no
  letter or digit ("🚀"), which names no campaign (it has no slug), a
  "project: 🚀" line of the notes;
* dates: an instant stays that instant; a day alone is due at 17:00 in
  the assignee's zone (``--default-tz``, the importing member's, or UTC);
  a date a newer export gives unchanged keeps the zone it was given here.

An item with no name (Asana allows one) is no bad record: its title says
so ("(no name in Asana)"), the same on every import, and the summary names
where in the file each is.

Ids are ``stable_id(format, the source's id)``: the same item is the same
task on every import.

Notes longer than a task holds are never cut, and never refuse the
import: the task holds what fits and says where they go on; the rest
goes on in tasks of its creation time titled "TITLE (notes 2/N)", of its
status but todo for one in progress or in review (``notesparts``), and the
summary names the items.

Other text longer than its field holds never refuses the import either
(the sources allow more: a Trello card's name may be pasted text): a
title is cut (``cut``: at a word near the limit, ending in "…") and kept
whole as the notes' first line, "full title: ..."; a label too long for a
tag is cut to one and kept whole on a "label: ..." line, and the labels
past the most a task holds on a "more labels: ..." line; a project's name
is cut to a campaign's, and kept whole on a "project: ..." line of each of
its tasks' notes, as a Taskwarrior project's (``notesparts.campaign_name``),
and a member's full name is cut to a member's.  The cut is
the same on every import, so the same file again compares equal; the
summary says what was cut (``Cuts``).  A title's line breaks and tabs
are put on one line, as a paste of several lines into a title is
(``one_line``), and the summary counts those titles.  The records' own
checks still judge every text (any other control character is refused
wherever it is kept).

A problem names the item as the source does (``Item.where``) and the field
to fix there, not the task's: what the importer calls each field a task takes
from (``fields``: "Notes" for the notes), or, when the task's text is made of
several (notes: a description, comments, custom fields), the first of the
item's ``texts`` that holds what is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shlex
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from typing import Any
from zoneinfo import ZoneInfo

from crewdeck.sync.state.postround import Step
from crewdeck.sync.state.records import MAX_NAME, MAX_TAG, MAX_TAGS, MAX_TITLE, TASK_STATUSES
from crewdeck.sync.state.rules import assignee_refused, member_add_refused
from crewdeck.sync.state.visible import visible
from crewdeck.tui.posts.reading import chains, read_post
from crewdeck.tui.posts.states import CLOSED
from crewdeck.tui.posts.states import label as state_label
from crewdeck.tui.posts.writing import PostRefused, check_slot, slot_kept, slot_refused
from crewdeck.tui.tasks.foreign_posts import BECOMES, POST_STATES, SUBMITTED, USUAL_POST_STATE, PostCard, post_values
from crewdeck.tui.tasks.notesparts import (
    GOING_ON,
    PartsHere,
    campaign_name,
    cut,
    cut_projects_note,
    cut_word,
    going_on,
    notes_parts,
    part_status,
    part_title,
    take_away,
    went_on_notes,
)
from crewdeck.tui.tasks.quickadd import off_campaign_note
from crewdeck.tui.time.when import (
    DEFAULT_DUE_TIME,
    DateError,
    check_day,
    current_time,
    kept_local,
    localize,
    out_of_range,
    parse_utc,
    utc_iso,
)
from crewdeck.tui.workspace.errors import (
    UserError,
    cells_counted,
    csv_header_problem,
    csv_problem,
    empty_file,
    first_named,
    first_place,
    given_again,
    header_refusal,
    json_not_csv,
    missing_columns,
    named_again,
    opens_json,
    record_named,
    summary,
)
from crewdeck.tui.workspace.exchange import ImportProblems, SourceFields, add_checked, refused_control
from crewdeck.tui.workspace.merging import Source, SourceMember, stable_id, strip_credit
from crewdeck.tui.workspace.one_line import FOLDED_SAID, folded
from crewdeck.tui.workspace.separators import CsvLines
from crewdeck.tui.workspace.workspace import Member, Workspace, campaign_key, campaign_keys, folded_name, slug

#: Tasks planned and written at a time: well under ``store.BULK_ROWS`` operations.
BATCH = 500
#: How the notes name each source (by ``build``'s ``kind``): "assigned in Asana to: ...".
SOURCE_NAMES = {"trello-card": "Trello", "asana-task": "Asana", "linear-issue": "Linear"}
#: A task's fields a card, task or issue gives only when it has them, and their empty value (``merging.Source.emptied``):
#: a newer export that leaves one out took it away in the source.
EMPTIED: dict[str, dict[str, Any]] = {
    "task": {"due": None, "assignee": None, "priority": "none", "tags": [], "campaign": None, "platform": None, "notes": ""}
}

#: The usual words for each status, as the sources write them (lower case).
USUAL_STATUS = {
    "inbox": "inbox",
    "backlog": "inbox",
    "triage": "inbox",
    "ideas": "inbox",
    "icebox": "inbox",
    "to do": "todo",
    "todo": "todo",
    "to-do": "todo",
    "next": "todo",
    "next up": "todo",
    "planned": "todo",
    "unstarted": "todo",
    "doing": "doing",
    "in progress": "doing",
    "started": "doing",
    "working on it": "doing",
    "review": "review",
    "in review": "review",
    "needs review": "review",
    "done": "done",
    "complete": "done",
    "completed": "done",
    "shipped": "done",
    # A content calendar's lists of what went out: done, as a post there is (``foreign_posts.STATUS_OF``), for the cards
    # in them that are no post here (a newsletter, a blog post: no platform label).
    "published": "done",
    "posted": "done",
    "live": "done",
    "canceled": "cancelled",
    "cancelled": "cancelled",
    "duplicate": "cancelled",
    "won't do": "cancelled",
}


class StatusMap:
    """The source's status names -> crewdeck statuses (and post states): the usual words, then ``--map-status``.

    ``posts``: the source has cards that are posts (Trello), so a name may
    map to a post state too (``foreign_posts.POST_STATES``); a value that is
    a status applies to the other cards, one that is a post state to posts.
    """

    def __init__(self, overrides: Iterable[str], *, posts: bool = False) -> None:
        self.posts = posts
        self.given: dict[str, str] = {}
        self.given_posts: dict[str, str] = {}
        #: A name as it is compared -> as ``--map-status`` spelled it (for the message naming one the file never uses).
        self.spelled: dict[str, str] = {}
        #: How each mapping was typed, to name both of one name given two statuses (or two post states).
        typed: dict[tuple[bool, str], str] = {}  # (a post state, the name compared) -> the mapping as typed
        for text in overrides:
            name, eq, status = text.rpartition("=")
            status = status.strip().lower()
            if not eq or not name.strip():
                raise UserError(f'--map-status: {text!r} is not SOURCE=STATUS (like "Later=todo")')
            key = folded_name(name)
            self.spelled.setdefault(key, name.strip())
            if status in TASK_STATUSES:
                given = self.given
            elif posts and status in POST_STATES:
                given = self.given_posts
            else:
                states = f" or a post state ({', '.join(POST_STATES)})" if posts else ""
                raise UserError(f"--map-status: {status!r} is not a status ({', '.join(TASK_STATUSES)}){states}")
            # Which of two a manager meant would be a guess.
            if given.get(key, status) != status:
                raise UserError(f"--map-status: {self.spelled[key]} is given twice ({typed[status in POST_STATES, key]}, {text}): give one")
            given[key] = status
            typed[status in POST_STATES, key] = text
        self.usual = _by_words(USUAL_STATUS)
        self.usual_posts = _by_words(USUAL_POST_STATE)
        #: name as the file writes it -> (status, how it was decided: "given", "usual" or "guessed").
        self.used: dict[str, tuple[str, str]] = {}
        #: The same for the cards that are posts: name -> (post state, how).
        self.used_posts: dict[str, tuple[str, str]] = {}
        #: The names a card not archived has (Trello's archive): a name only archived cards have maps them to nothing,
        #: as they are cancelled (posts: pulled) unless the name says done (published), and ``--dry-run`` says so.
        self.open: set[str] = set()
        self.open_posts: set[str] = set()
        #: The names the file's rows hold (casefolded), a bad row's too (a row with a bad date still names its
        #: section), and whether every row could be read: only a name no row holds is one the file never uses.
        self.named: set[str] = set()
        #: A name (as the file writes it) -> the statuses the file itself gave rows of it (a card marked complete, an
        #: issue completed or canceled), and where: the mapping names it even when no row of it took its status by it.
        self.marked: dict[str, tuple[dict[str, None], str, str]] = {}
        #: The same names as the file first spells them, in its order: what a mistyped ``--map-status`` name is offered.
        self.in_file: dict[str, str] = {}
        self.read_whole = True

    def saw(self, name: str) -> None:
        """A row (a card) of the file, read or refused, names ``name`` (its section, status or list)."""
        key = folded_name(name)
        self.named.add(key)
        if key:
            self.in_file.setdefault(key, name.strip())

    def status(self, name: str, *, archived: bool = False) -> str:
        if not archived:
            self.open.add(name)
        return self._decide(name, self.given, self.usual, "todo", self.used)

    def given_by_file(self, name: str, status: str, rows: str, source: str) -> None:
        """A row of ``name`` whose status the file gives itself (``status``: done or cancelled), whatever ``name`` maps to:
        ``rows`` ("cards") and ``source`` ("Trello") as the mapping says it (``lines``)."""
        self.marked.setdefault(name, ({}, rows, source))[0].setdefault(status, None)

    def post_state(self, name: str, *, archived: bool = False) -> str:
        """The post state a list names, for a card that is a post (an unknown name: a draft, marked as a guess)."""
        if not archived:
            self.open_posts.add(name)
        return self._decide(name, self.given_posts, self.usual_posts, "draft", self.used_posts)

    @staticmethod
    def _decide(name: str, given: dict[str, str], usual: dict[str, str], guess: str, used: dict[str, tuple[str, str]]) -> str:
        key = folded_name(name)
        if key in given:
            decided = (given[key], "given")
        elif _words(name) in usual:
            decided = (usual[_words(name)], "usual")
        else:
            decided = (guess, "guessed")
        used.setdefault(name, decided)
        return decided[0]

    def unused(self) -> list[str]:
        """``--map-status`` names the file never uses (a typo, most likely); none is known while a row went unread (a
        stray quote, a row of more cells than the header): that row may hold it."""
        if not self.read_whole:
            return []
        seen = {folded_name(name) for name in [*self.used, *self.used_posts]} | self.named
        return [spelled for key, spelled in self.spelled.items() if key not in seen]

    def meant(self, name: str) -> str:
        """What follows a ``--map-status`` name the file never uses (``unused``): " (did you mean 'Later'? it names
        'Doing', 'Later')", the file's name closest to it and every name it holds; "" for a file naming none."""
        import difflib  # only for a mistyped name: an import that maps every name never needs it

        names = list(self.in_file.values())
        if not names:
            return ""
        close = difflib.get_close_matches(folded_name(name), list(self.in_file), n=1)
        guess = f"did you mean {self.in_file[close[0]]!r}? " if close else ""
        return f" ({guess}it names {', '.join(map(repr, names))})"

    def lines(self) -> list[str]:
        """The mapping as ``--dry-run`` prints it."""
        out = self._lines(self.used, "STATUS", {}, self.open, ("done", "cancelled", "finished"))
        # A name whose every row took its status another way was left out: the mapping did not name each name of the file.
        for name, (statuses, rows, source) in self.marked.items():
            if name not in self.used:
                marks = " or ".join(_MARKED[status] for status in statuses)
                out.append(f"  {name} -> {' or '.join(statuses)} (its {rows} are marked {marks} in {source}, whatever it maps to)")
        return out

    def post_lines(self) -> list[str]:
        """The posts' mapping as ``--dry-run`` prints it, with what an import makes of a state it may not give."""
        out = self._lines(self.used_posts, "STATE", BECOMES, self.open_posts, ("published", "pulled", "published"))
        # A state given for a list the file has, none of whose cards is a post: it changed nothing, which went unsaid.
        reached = {folded_name(name) for name in self.used_posts}
        out.extend(
            f"  {self.in_file[key]} -> {state} (--map-status): no card of it is labelled with a platform, a post here, so none takes it"
            for key, state in self.given_posts.items()
            if key not in reached and key in self.in_file
        )
        return out

    @staticmethod
    def _lines(
        used: dict[str, tuple[str, str]], word: str, becomes: dict[str, str], open_names: set[str], archive: tuple[str, str, str]
    ) -> list[str]:
        """``archive``: the status an archived card keeps, the one it takes otherwise, and the word for what it kept."""
        kept, otherwise, finished = archive
        out = []
        for name, (status, how) in used.items():
            if name not in open_names and status != kept:
                # What the name maps to reaches no card: every one is archived, and takes ``otherwise``.
                hint = _shell_word(f"{name}={kept}")
                out.append(f"  {name} -> {otherwise} (its cards are archived in Trello: --map-status {hint} if they were {finished})")
                continue
            hint = {
                "given": " (--map-status)",
                "usual": "",
                "guessed": f" (guessed: --map-status {_shell_word(f'{name}={word}')} to change)",
            }[how]
            out.append(f"  {name} -> {status}{hint}" + (f": {becomes[status]}" if status in becomes else ""))
        return out


#: How the mapping says a status a file gives a row itself (``StatusMap.given_by_file``).
_MARKED = {"done": "complete", "cancelled": "canceled"}


#: What a shell acts on inside double quotes.
_DOUBLE_QUOTED = re.compile(r'["$`\\!]')


def _shell_word(text: str) -> str:
    """``text`` as one shell word a hint can show: in double quotes, or single ones when it holds what a shell acts on in those.

    A name holding what a terminal would act on (which ``visible`` shows as ``^[``, a shell would take as those two
    characters), a tab (completion, when pasted) or a line break (the command's end) is quoted as bash, zsh and ksh
    read ``$'...'``: each such character escaped, ``$'Odd \\x1b[2J\\tcol=STATUS'``.
    """
    if "\t" in text or visible(text) != text:
        return "$'" + "".join(map(_escaped, text)) + "'"
    return shlex.quote(text) if _DOUBLE_QUOTED.search(text) else f'"{text}"'


#: What ``$'...'`` must escape (a backslash, a quote), and the escapes that read better than a code.
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escaped(char: str) -> str:
    """One character of a ``$'...'`` word: as it is, unless quoting or a terminal acts on it, or a terminal draws it as
    nothing or a blank (a tag character, a joiner, a no-break space): the word that says the name shows every one."""
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x80 or 0xDC80 <= code <= 0xDCFF:  # the second: a byte that was not UTF-8, as Python carries it
        return f"\\x{code & 0xFF:02x}"
    # bash reads at most four hex digits after \u, eight after \U: U+E0041 as \ue0041 would be U+E004 and a "1".
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_WORD = re.compile(r"[^\W_]+")


def _words(name: str) -> str:
    """A status name's words, lower case: how teams decorate one ("✅ Done", "🚧 In-Progress", "To do:") aside."""
    return " ".join(_WORD.findall(name.casefold()))


def _by_words(usual: dict[str, str]) -> dict[str, str]:
    """The usual words by ``_words`` ("won't do" as "won t do", "to-do" as "to do")."""
    return {_words(name): value for name, value in usual.items()}


@dataclass
class Item:
    """One card, task or issue as its source says it."""

    source_id: str
    #: How messages name it: "board.json: card 3 (“Launch post”)", "tasks.csv:7" (``FILE:LINE: column: problem``).
    where: str
    title: str
    #: The description: the notes' first lines, or the copy of a post.
    body: str = ""
    notes: list[str] = field(default_factory=list)
    #: The source's status name (a list, a section); ``None``: none given (inbox).
    status_name: str | None = None
    #: Decided by the source itself (completed, cancelled), before any status name.
    status: str | None = None
    #: Put away in the source (Trello's archive): cancelled, unless it was done (a post: pulled, unless published).
    archived: bool = False
    priority: str | None = None
    #: A priority of the source's own that crewdeck has none for (an Asana Priority option "Urgent"): kept as a line of
    #: the notes, and named in the summary.
    kept_priority: str | None = None
    #: A UTC instant ``YYYY-MM-DDTHH:MM:SSZ`` or a day ``YYYY-MM-DD``.
    due: str | None = None
    #: The same; a day (Asana's Created At) is noon of that day in the zone the import reads days in (``_created``).
    created_at: str | None = None
    labels: list[str] = field(default_factory=list)
    #: ``People`` keys, the first is the assignee.
    people: list[str] = field(default_factory=list)
    #: The assignee as the source names them ("Jane Doe (jane@example.com)"): kept in the notes when the task goes in
    #: unassigned (no member here matches them, or they are a guest here).
    assigned_as: str | None = None
    #: The item's author in the source: (handle, day) for the credit line.
    author: tuple[str, str | None] | None = None
    #: A project: the campaign of that name (made when there is none).
    project: str | None = None
    #: A label naming a platform makes it a post (``foreign_posts``), not only a task on that platform.
    may_post: bool = False
    #: Its comments (``comment_line``), oldest first, after everything else in the notes; ``None``: the source has none.
    comments: list[str] | None = None
    #: The same comments as an earlier import may have written them otherwise (their author by the source's name, who
    #: matches a member here now): taken out of the notes here as the file's own are, never kept beside them.
    comments_written_as: list[str] = field(default_factory=list)
    #: The source's texts, each by the name of its field there ("Notes", "desc", "comment by @raj on 2026-03-02"): a
    #: problem in the task's text names the one that holds it, the field to fix in the source.
    texts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class People:
    """The people a file names: key -> (handle, full name)."""

    known: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def add(self, key: str, handle: str, name: str | None = None) -> None:
        self.known.setdefault(key, (handle, name))


@dataclass
class Built:
    """What ``merging.merge_stream`` takes: the file's members (``source``) and its tasks a batch at a time."""

    source: Source
    statuses: StatusMap
    #: The tasks' ids, as the batches are read.
    ids: set[str]
    batches: Iterator[Source]


class OutOfRange(ValueError):
    """A date and time that is one, outside the days crewdeck holds (``instant``)."""


_JS_DATE = re.compile(r"\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4})")


def instant(text: str) -> str:
    """A date and time with its offset as a UTC instant; ``ValueError`` otherwise.

    ISO 8601 (``2026-03-02T17:00:00.000Z``), or JavaScript's ``Date`` text
    (``Mon Mar 02 2026 17:00:00 GMT+0000 (Coordinated Universal Time)``).
    """
    raw = text.strip()
    js = _JS_DATE.match(raw)
    try:
        if js:
            parsed = dt.datetime.strptime(f"{js.group(1)} {js.group(2)}", "%b %d %Y %H:%M:%S %z")
        else:
            parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time (like 2026-03-02T17:00:00Z)") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    try:
        utc = parsed.astimezone(dt.UTC)
    except OverflowError:  # an offset that moves 0001-01-01 or 9999-12-31 off the calendar
        raise OutOfRange(str(out_of_range(parsed.date().isoformat()))) from None
    try:
        # Checked here, not only by the records: they would quote the instant as written back, year 500 as "500-01-01".
        check_day(utc.date())
    except DateError as exc:
        raise OutOfRange(str(exc)) from None
    return utc_iso(utc)


def _row_or_card(item: Item, source: str, kind: str) -> str:
    """How a summary names an item: a row by its line and id ("row 5 (task 1203)", "row 3 (MKT-12)"), its problems
    being ``FILE:5: ...``; a card as its problems do ("card 3")."""
    line = item.where.removeprefix(f"{source}:")
    if line.isdigit():
        return f"row {line} ({'task ' if kind == 'asana-task' else ''}{item.source_id})"
    return item.where.removeprefix(f"{source}: ")


def _named(item: Item, source: str, kind: str) -> str:
    """How the summary names an item among the records kept as changed here: a CSV's row by its line, title and id
    ("FILE: row 3 (“Write brief”, task 1203)"), as a Trello card is by its number and name, not as its problems name it
    (``FILE:3: ...``, shaped as an error); a card as its problems do."""
    line = item.where.removeprefix(f"{source}:")
    if not line.isdigit():
        return item.where
    return record_named(source, "row", int(line), item.title, f"task {item.source_id}" if kind == "asana-task" else item.source_id)


def read_csv(
    stream: Iterable[str],
    source: str,
    required: tuple[str, ...],
    known: tuple[str, ...],
    problems: list[str],
    statuses: StatusMap,
    columns: set[str],
) -> Iterator[tuple[str, dict[str, str]]]:
    """A CSV file's rows by header name (any column order), as they are read: ``(where, row)``; ``ImportProblems`` for a missing column.

    ``stream``: the file's lines (opened with ``newline=""``: a quoted cell may hold line breaks).
    ``known``: the other columns the importer reads; these and ``required`` are found whatever their
    case ("Parent Task" is "Parent task"), and the rows name them as they are spelled here.
    A row with more cells than the header, or fewer (a file cut short; not when only columns nobody reads
    are left off, ``_left_off_unread``), goes into ``problems``, as does a row that is not CSV (a stray quote) or
    holds a cell longer than ``MAX_CELL``: the rows after it are read on, so that one run names every bad row (a
    quote left open runs to the end of the file).  A header that is not CSV is ``ImportProblems``.  A row not read
    so tells ``statuses`` (``StatusMap.read_whole``).  ``columns``: the header's, as the rows name them, once it is read.
    """
    lines = CsvLines(stream)
    # Blank lines before the header are passed over, as ledger import and kpi import pass them (a header of none was
    # "no column 'Task ID', 'Name' (columns: none)"); a file of nothing else is empty, as every import says.  Excel's
    # "sep=;" line is one of them.
    passed, opening = lines.opening()
    skipped = len(passed)
    if not opening:
        raise ImportProblems([empty_file(source, f"a header: {','.join(required)},...")])
    if opens_json(opening):  # Asana also exports JSON: read as CSV, its first quote was "not CSV"
        also = "a Trello board's JSON goes with --from trello, `task export`'s with --from taskwarrior"
        raise ImportProblems([json_not_csv(source, also)])
    # Excel's "Unicode Text" (UTF-16) separates its columns by tabs, Excel in a locale with a decimal comma saves "CSV"
    # with semicolons: what the header holds most of says which (the rule the ledger's and results' imports follow).
    separator = lines.separator(opening)
    reader = csv.DictReader(chain([opening], lines), delimiter=separator, strict=True)
    spelled = {name.casefold(): name for name in (*required, *known)}
    try:
        with _long_cells():
            fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise ImportProblems([csv_header_problem(source, skipped + 1, exc, MAX_CELL)]) from None
    if (refused := header_refusal(source, skipped + 1, fieldnames or [])) is not None:
        raise ImportProblems([refused])
    header = [name.strip().lstrip("\ufeff") for name in fieldnames or []]
    header = [spelled.get(name.casefold(), name) for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportProblems([missing_columns(source, missing, header)])
    for index, name in enumerate(header):
        if name and name in header[:index]:  # which of them a row means would be a guess
            found = [at for at, other in enumerate(header) if other == name]
            raise ImportProblems([f"{source}: {named_again(header, found, name)}"])
    reader.fieldnames = header
    columns.update(header)
    # The csv reader's count of lines, not the DictReader's: that one stays where it was when a row is not CSV.
    start = skipped + reader.reader.line_num + 1  # the line the row being read starts on
    for row in _rows(reader):
        # Named by the line it starts on, as a broken row is: a quoted line break ends it further down.
        where, start = f"{source}:{start}", skipped + reader.reader.line_num + 1
        if isinstance(row, csv.Error):
            problems.append(f"{where}: {csv_problem(row, MAX_CELL)}")
            statuses.read_whole = False
            continue
        extra = row.get(None)  # DictReader keeps the cells past the header under None
        if not any(cell.strip() for cell in chain(row.values(), extra or ()) if isinstance(cell, str)):
            # A row of empty cells (",,,": a spreadsheet's rows emptied but not deleted) holds no task: passed over, as
            # the ledger's, rate and kpi imports pass it, not "Task ID: missing".
            continue
        if extra:
            problems.append(f"{where}: {cells_counted([*(v for v in row.values() if isinstance(v, str)), *extra], len(header), separator)}")
            statuses.read_whole = False
            continue
        if None in row.values():  # DictReader's filling for the cells a row lacks: the file was cut off, or a row was
            given = [v for v in row.values() if isinstance(v, str)]
            if not _left_off_unread(header, len(given), spelled):
                problems.append(f"{where}: {cells_counted(given, len(header), separator)}")
                statuses.read_whole = False
                continue
        yield where, {k: (v or "") for k, v in row.items() if isinstance(k, str)}


#: The longest cell a CSV import reads (the csv module reads 131,072 characters: an Asana or Linear description
#: may be longer).  A row is held whole while it is read: this bounds what one takes (a hundred tasks' notes).
MAX_CELL = 10_000_000
#: The csv module's limit is the process's: it is raised only while a row is read, one reader at a time.
_CELL_LIMIT = threading.Lock()


@contextmanager
def _long_cells() -> Iterator[None]:
    """Cells up to ``MAX_CELL`` characters read meanwhile; the csv module's own limit again after (other CSV imports keep theirs)."""
    with _CELL_LIMIT:
        before = csv.field_size_limit(MAX_CELL)
        try:
            yield
        finally:
            csv.field_size_limit(before)


def _rows(reader: csv.DictReader[str]) -> Iterator[dict[str | Any, str | Any] | csv.Error]:
    """The reader's rows, each read with cells up to ``MAX_CELL`` characters; a row that is not CSV as its ``csv.Error``,
    the reader going on from the line after it (the csv module starts afresh there)."""
    while True:
        line = reader.reader.line_num
        try:
            with _long_cells():
                row = next(reader, None)
        except csv.Error as exc:
            yield exc
            if reader.reader.line_num == line:  # nothing more was read: it would fail there again
                return
            continue
        if row is None:
            return
        yield row


def _left_off_unread(header: list[str], cells: int, read: dict[str, str]) -> bool:
    """Whether a row of ``cells`` cells lacks only columns nobody reads, after a last cell nobody reads either.

    Linear leaves its last, empty column (Roadmaps) off every row of some exports.  A row cut off
    where it is read is still refused: its last cell may be cut too.
    """
    return cells > 0 and all(name.casefold() not in read for name in header[cells - 1 :])


def match_person(name: str, email: str, ws_people: dict[str, str]) -> str | None:
    """The handle here of a person a file names by full name or e-mail (its local part is a handle), if any.

    ``ws_people``: full names (``folded_name``; none that two members share) and handles -> handles."""
    by_email = email.partition("@")[0].strip().lower()
    if by_email and by_email in ws_people.values():
        return by_email
    return ws_people.get(folded_name(name))


def day(text: str) -> str:
    """``YYYY-MM-DD`` within the days crewdeck holds; ``ValueError`` otherwise."""
    raw = text.strip()
    try:
        parsed = dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:  # 2026-02-30, 0000-01-01
        parsed = None
    if parsed is None:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    # Checked here, not only by the records: 17:00 on 9999-12-31 west of UTC is past the calendar's end.
    return check_day(parsed).isoformat()


def build(
    items: Iterable[Item],
    people: People,
    ws: Workspace,
    me: Member | None,
    *,
    name: str,
    kind: str,
    statuses: StatusMap,
    default_tz: str | None,
    problems: list[str],
    fields: Mapping[str, str],
    member_fields: Mapping[str, str] | None = None,
    named: set[str] | None = None,
    id_field: str = "id",
    columns: Collection[str] | None = None,
    size: int = BATCH,
) -> Built:
    """The items as tasks (``kind`` names the id space: "trello-card"), for ``merging.merge_stream``, ``size`` at a time.

    ``problems``: every bad item, the reader's and the records' own
    checks'.  ``named``: the people keys the items name (``None``: all the
    file names); with a zone for new members, a manager's import brings
    everyone the file names.  ``id_field``: what the file calls an item's id.
    ``fields``: what the file calls each field a task takes from it (``{"title": "Name"}``), for the problems;
    ``member_fields``: a member's (``{"name": "fullName"}``).
    ``columns``: a CSV's, once its header is read (``read_csv``; ``None``: the file gives every field ``fields`` names).
    """
    everyone = named is None or (default_tz is not None and me is not None and member_add_refused(me.facts()) is None)
    members = [
        SourceMember(
            key=stable_id("person", key),
            handle=handle,
            where=f"{name}: member {handle}",
            name=None if full is None else cut(full, MAX_NAME),
            tz=default_tz,
            defined=False,
            fields=member_fields or {},
        )
        for key, (handle, full) in people.known.items()
        if everyone or (named is not None and key in named)
    ]
    head = Source(name, members, [], id_field=id_field)
    built = Built(head, statuses, set(), iter(()))
    built.batches = _batches(built, items, people, ws, me, kind, default_tz, problems, size, fields, columns)
    return built


#: A task's field that also comes from another of the file's (``fields``' keys): a campaign from a project, as from a label.
_ALSO_FROM = {"campaign": "project"}
#: Columns a field comes from besides the one ``fields`` names for the problems: an Asana file of no Assignee column
#: still says who a task is for, by the email's local part.
_OTHER_COLUMNS = {"assignee": ("Assignee Email",)}
#: Written from whatever a row holds that no other field takes (a start date, a parent, an estimate, a custom field):
#: every file gives it, emptied when a newer row holds none of it.
_ALWAYS_GIVEN = frozenset({"notes"})


def _emptied(fields: Mapping[str, str], columns: Collection[str] | None, posts: bool) -> dict[str, dict[str, Any]]:
    """``EMPTIED``, but for the fields the file has no word for (a Trello board's priority; an Asana project's without
    a Priority field, which exports no such column): one set here is no edit of the source's to keep, listed on every
    import, nor one a record that leaves it out took away.  Nor is a platform where a card of one is a post
    (``posts``: Trello's): a post here is for one, whatever labels its card has now."""
    return {
        entity: {f: empty for f, empty in given.items() if f in fields and _given(f, fields, columns) and not (posts and f == "platform")}
        for entity, given in EMPTIED.items()
    }


def _given(name: str, fields: Mapping[str, str], columns: Collection[str] | None) -> bool:
    """Whether the file has a column the field ``name`` comes from (``columns``; ``None``: a file of no columns, whose
    every field ``fields`` names is its own)."""
    if columns is None or name in _ALWAYS_GIVEN:
        return True
    return any(fields.get(f) in columns for f in (name, _ALSO_FROM.get(name, name))) or any(
        column in columns for column in _OTHER_COLUMNS.get(name, ())
    )


def _batches(
    built: Built,
    items: Iterable[Item],
    people: People,
    ws: Workspace,
    me: Member | None,
    kind: str,
    default_tz: str | None,
    problems: list[str],
    size: int,
    fields: Mapping[str, str],
    columns: Collection[str] | None,
) -> Iterator[Source]:
    campaigns = campaign_keys(ws.campaigns())
    platforms = {folded_name(p) for c in ws.campaigns() for p in c.platforms}
    handles = {m.handle: m for m in ws.members()}
    campaigns_here = {c.id: c for c in ws.campaigns()}
    #: What ``crewdeck add`` says of a platform its campaign does not run on -> the titles of the tasks so.
    off_campaign: dict[str, list[str]] = {}
    fallback_tz = default_tz or (me.tz if me else "UTC")
    campaign_chains = chains(ws.conn)
    now = utc_iso(current_time())
    made: set[str] = set()
    #: The items whose notes go on in more tasks: their tasks' ids -> titles.
    went_on: dict[str, str] = {}
    #: Titles of the posts published in the source that may not be published here.
    held: list[str] = []
    #: The titles of the posts a card's due date gives no slot here (passed, or too soon for a review).
    unslotted: list[str] = []
    #: The titles of the posts in review, approved or scheduled in the source that stay drafts here (``foreign_posts``).
    drafted: list[str] = []
    #: The titles of the posts labelled with more than one platform in the source: a post here for the first.
    crossposted: list[str] = []
    #: A guest's handle -> the titles of the items the source assigns to them, left unassigned here.
    to_guests: dict[str, list[str]] = {}
    cuts = Cuts()
    #: What the title of an item with none is, and where in the file each such item is.
    untitled = f"(no {fields['title'].lower()} in {SOURCE_NAMES[kind]})"
    no_title: list[str] = []
    batch = Source(built.source.name, [], [])
    #: Where each task's record was (``first_place``), to name it to a record of the same id after it; by the id's
    #: number, not its text (half the memory, at 100,000 records).
    first_at: dict[int, int] = {}
    for item, notes_here, total_here in _with_notes_here(items, ws, kind, size):
        task_id = stable_id(kind, item.source_id)
        id_number = int(task_id, 16)
        if id_number in first_at:  # one task of two records would take the last one's fields, and flip from import to import
            first = first_named(built.source.name, item.where, first_at[id_number])
            problems.append(f"{item.where}: {given_again(built.source.name, built.source.id_field, item.source_id, first)}")
            continue
        first_at[id_number] = first_place(built.source.name, item.where)
        if campaigns.shared and (clash := _shared_campaign(item, campaigns.shared, fields)):
            problems.append(f"{item.where}: {clash}")
            continue
        # A description written on Windows breaks its lines with CR LF: a line break here, not a control character.
        item.body = _line_breaks(item.body)
        item.notes = [_line_breaks(line) for line in item.notes]
        # A name pasted into the source keeps its line breaks (and tabs), which no title holds: on one line, as a paste
        # of several lines into a title here is (``one_line``), counted.
        flat = folded(item.title)
        if flat is not None and flat != item.title.strip():
            cuts.folded.append(flat)
        # A name is not required everywhere (Asana allows none): the title says so, the same on every import.
        title = (item.title if flat is None else flat).strip() or untitled
        if title == untitled:
            no_title.append(_row_or_card(item, built.source.name, kind))
        # The status's place in the record; decided once the labels say whether it is a post.
        values: dict[str, Any] = {"title": cut(title, MAX_TITLE), "status": item.status or "inbox"}
        # What a field could not hold, kept whole: the notes' first lines.
        kept = [f"full title: {title}"] if values["title"] != title else []
        if kept:
            cuts.titles.append(values["title"])
        if item.priority:
            values["priority"] = item.priority
        owner = handles.get(people.known[item.people[0]][0].lstrip("@").lower()) if item.people else None
        if owner is not None and assignee_refused(owner.facts()) is not None:
            # Guests see no tasks (rule guest_assignee): the task goes in unassigned, listed.
            to_guests.setdefault(owner.handle, []).append(values["title"])
            owner = None
        elif item.people and stable_id("person", item.people[0]) not in built.source.left_out:
            # A record names a member by a record id: the source's key, made one.
            values["assignee"] = stable_id("person", item.people[0])
        if "assignee" not in values and item.assigned_as:
            item.notes.append(f"assigned in {SOURCE_NAMES[kind]} to: {item.assigned_as}")
        if len(item.people) > 1:
            item.notes.append("also on it: " + ", ".join(f"@{people.known[k][0]}" for k in item.people[1:]))
        if item.due:
            here = _due_here(ws, task_id)
            values["due"] = _due(item.due, owner.tz if owner else here["tz"] if here else fallback_tz, here)
        # An Asana or Linear row with no creation date was created here by this import (as a Taskwarrior task with no entry).
        values["created_at"] = _created(item.created_at, fallback_tz) if item.created_at else now
        kept.extend(_labels(item.labels, values, campaigns, platforms, cuts))
        if item.project and "campaign" in values:
            if campaigns.get(campaign_key(item.project)) != values["campaign"]:  # a label named the campaign: the project is another
                item.notes.append(f"also in {SOURCE_NAMES[kind]} project: {item.project.strip()}")
        elif item.project and (key := campaign_key(item.project)):
            name = campaign_name(item.project.strip(), item.project.strip(), kept, cuts.projects)
            if key in campaigns:
                values["campaign"] = campaigns[key]
            else:
                values["campaign"] = campaign_id = stable_id("project", key)
                if campaign_id not in made:
                    made.add(campaign_id)
                    project = SourceFields({"name": fields["project"]}, partial(iter, item.texts))
                    add_checked(batch.records, problems, "campaign", campaign_id, {"name": name}, item.where, project)
                    # A refusal names the row and its project, not the campaign's made-up id.
                    batch.where[campaign_id] = f"{item.where}: project {item.project.strip()!r}"
                    batch.named[campaign_id] = f"{_named(item, built.source.name, kind)}: project {item.project.strip()!r}"
        elif item.project:  # no letter or digit, no campaign's slug ("🚀"): kept whole, not lost
            kept.append(f"project: {item.project.strip()}")
        campaign = campaigns_here.get(values.get("campaign") or "")
        if campaign is not None and "platform" in values and values["platform"] not in campaign.platforms:
            # A cross-post's platform labels come in any order: its platform is one its campaign runs on, not the first,
            # which is a tag as the others are (``_labels``), and named in the notes with them.
            runs_on = next((p for p in map(folded_name, item.labels) if p in campaign.platforms), None)
            if runs_on is not None:
                if "tags" in values:
                    values["tags"] = [values["platform"] if t == slug(runs_on) else t for t in values["tags"]]
                values["platform"] = runs_on
        # A label naming a platform of another campaign here: taken, as crewdeck add takes it, and said as it says it.
        if campaign is not None and campaign.platforms and values.get("platform", campaign.platforms[0]) not in campaign.platforms:
            off_campaign.setdefault(off_campaign_note(campaign, values["platform"]), []).append(values["title"])
        if item.may_post and "platform" in values:
            chain = campaign_chains.get(values.get("campaign") or "", ())
            audience_tz = campaign.audience_tz if campaign is not None else None
            values.update(_post(item, task_id, values, built.statuses, ws, chain, now, held, unslotted, drafted, audience_tz))
            # A card labelled for several platforms (a cross-post) is one post here, for its first: the others were
            # only tags, the posts for them lost without a word.
            others = list(dict.fromkeys(label.strip() for label in item.labels if folded_name(label) in platforms - {values["platform"]}))
            if others:
                item.notes.append(
                    f"also labelled {', '.join(others)} in Trello: a post here is for one platform, {values['platform']}"
                    " (crewdeck post add makes one for another)"
                )
                crossposted.append(values["title"])
        else:
            if item.status is None and item.status_name is not None:
                values["status"] = built.statuses.status(item.status_name, archived=item.archived)
            elif item.status is not None and item.status_name is not None:
                built.statuses.given_by_file(item.status_name, item.status, f"{kind.partition('-')[2]}s", SOURCE_NAMES[kind])
            if item.archived and values["status"] != "done":  # teams archive what is finished, too
                values["status"] = "cancelled"
            if item.body:
                item.notes.insert(0, item.body)
        text = "\n".join(line for line in [*kept, *item.notes] if line)
        if item.comments is not None:
            text = with_comments(
                text, [_line_breaks(c) for c in item.comments], notes_here, [_line_breaks(c) for c in item.comments_written_as]
            )
        parts = notes_parts(text)
        if len(parts) > 1:
            text = f"{parts[0]}\n{going_on(values['title'], len(parts))}"
        if text:
            values["notes"] = text
        before = len(problems)
        source = SourceFields(fields, partial(iter, item.texts))
        # The credit the merge adds to the notes names the author: judged here, where the field that holds it is known.
        if item.author is None or not refused_control(problems, "task", "notes", item.author[0], item.where, source):
            add_checked(batch.records, problems, "task", task_id, values, item.where, source)
        if len(problems) == before:
            if "publish" in values and values["publish"] is None:
                # A slot taken off (``_slot_taken_off``) is written empty: a record leaves its empty fields unset.
                batch.records[-1][2]["publish"] = None
            batch.where[task_id] = item.where
            named = batch.named[task_id] = _named(item, built.source.name, kind)
            built.ids.add(task_id)
            if item.author:
                batch.credits[task_id] = item.author
            for number, part in enumerate(parts[1:], start=2):
                part_id = stable_id(kind, item.source_id, "notes", str(number))
                where = f"{item.where}: notes, part {number} of {len(parts)}"
                # Made when the item was, as its first part: not when this import ran (nor at no time at all).
                part_values = {
                    "title": part_title(values["title"], number, len(parts)),
                    "status": part_status(values["status"]),
                    "notes": part,
                    "created_at": values["created_at"],
                }
                add_checked(batch.records, problems, "task", part_id, part_values, where, source)
                batch.where[part_id] = where
                batch.named[part_id] = f"{named}: notes, part {number} of {len(parts)}"
                batch.continues[part_id] = task_id
                built.ids.add(part_id)
            if len(parts) > 1:
                went_on[task_id] = values["title"]
            for number in range(len(parts) + 1, total_here + 1):
                # Notes shorter than an earlier import's: the tasks they no longer go on in are taken away.
                part_id = stable_id(kind, item.source_id, "notes", str(number))
                take_away(batch, task_id, part_id, f"{item.where}: notes, part {number} of {total_here} (no longer)")
                batch.named[part_id] = f"{named}: notes, part {number} of {total_here} (no longer)"
                built.ids.add(part_id)
        if len(batch.records) >= size:
            built.source.emptied = _emptied(fields, columns, built.statuses.posts)  # a CSV's header is read by now
            yield batch
            batch = Source(built.source.name, [], [])
    if no_title:
        built.source.notes.append(
            f"{_counted(len(no_title), 'task')} with no {fields['title'].lower()} in the file {'is' if len(no_title) == 1 else 'are'}"
            f" titled “{untitled}”: {_briefly(no_title)}"
        )
    built.source.notes.extend(cuts.notes())
    if held:
        built.source.notes.append(
            f"{_counted(len(held), 'post')} published in Trello {'stays' if len(held) == 1 else 'stay'} as "
            f"{'it is' if len(held) == 1 else 'they are'} here, where the rules let no post out unapproved or held by a crisis: {_briefly(held)}"
        )
    if unslotted:
        built.source.notes.append(
            f"{_counted(len(unslotted), 'post')} {'takes' if len(unslotted) == 1 else 'take'} no slot from "
            f"{'its Trello due date' if len(unslotted) == 1 else 'their Trello due dates'}, passed or too soon for a review here: "
            f"{_briefly(unslotted)}"
        )
    built.source.notes.extend(f"{said}: {_briefly(titles)}" for said, titles in off_campaign.items())
    if crossposted:
        built.source.notes.append(
            f"{_counted(len(crossposted), 'post')} labelled with more than one platform in Trello"
            f" {'is a post' if len(crossposted) == 1 else 'are posts'} for one here, the others named in"
            f" {'its' if len(crossposted) == 1 else 'their'} notes: {_briefly(crossposted)}"
        )
    if drafted:
        # The --dry-run's mapping says such a list is "submitted here": said of each post it is not true of.
        built.source.notes.append(
            f"{_counted(len(drafted), 'post')} in review, approved or scheduled in Trello {'is a draft' if len(drafted) == 1 else 'are drafts'}"
            f" here, not submitted ({'its' if len(drafted) == 1 else 'their'} notes say why): {_briefly(drafted)}"
        )
    for guest, titles in sorted(to_guests.items()):
        built.source.notes.append(f"left unassigned (@{guest} is a guest here, who sees no tasks): {_briefly(titles)}")
    # Read to the end: only now is a --map-status name the file never uses known (a typo, most likely).
    problems.extend(
        f"--map-status: {built.source.name} names no status {name!r}{built.statuses.meant(name)}" for name in built.statuses.unused()
    )
    built.source.emptied = _emptied(fields, columns, built.statuses.posts)
    yield batch
    # Resumed once the last batch is merged: the merge has said which tasks it left as they are here.
    built.source.notes.extend(went_on_notes(went_on, built.source.notes_left_alone))


def _post(
    item: Item,
    task_id: str,
    values: dict[str, Any],
    statuses: StatusMap,
    ws: Workspace,
    chain: tuple[Step, ...],
    now: str,
    held: list[str],
    unslotted: list[str],
    drafted: list[str],
    audience_tz: str | None,
) -> dict[str, Any]:
    """A card that is a post: its state by its list (no list: an idea; archived: pulled, unless published), its copy, its slot
    (see ``foreign_posts``; in ``audience_tz``, its campaign's audience's zone, when it has one: ``_slot_in``).  A post
    here that the card would publish and that may not be published keeps its state (its title goes to ``held``); one the
    card would give a slot a move could not (``_slot_refused``) keeps the one it has here, or none (its title goes to
    ``unslotted``); one in review, approved or scheduled in the source that may not be submitted here goes in as a draft
    (its title goes to ``drafted``, unless the post here is past a draft already)."""
    state = "idea" if item.status_name is None else statuses.post_state(item.status_name, archived=item.archived)
    if item.archived and state != "published":
        state = "pulled"
    row = ws.conn.execute(
        "SELECT post_round, post_state, link, media, first_comment, publish_utc, publish_tz FROM task WHERE id = ?", (task_id,)
    ).fetchone()
    # What Trello does not hold (a link, media, a first comment given here) is part of the content a round is of.
    besides = (row[2] or "", json.loads(row[3] or "[]"), row[4] or "") if row is not None else ("", [], "")
    card = PostCard(task_id, state, item.status_name, item.body, values["platform"], values.get("due"), chain, row and row[0], now, besides)
    post, note = post_values(card)
    if state in SUBMITTED and post["post_state"] == "draft" and (row is None or row[1] in (None, "idea", "draft")):
        drafted.append(values["title"])
    if state == "published" and row is not None and row[1] not in (None, "published"):
        reads = _not_publishable_here(ws, task_id)
        if reads is not None:
            # A move out the rules refuse (not_publishable): the post stays as it is here, and the rest of the file goes in.
            for name in ("post_state", "status", "published_at"):
                post.pop(name, None)
            list_name = f" (list {item.status_name})" if item.status_name else ""
            note = f"published in Trello{list_name}: not published here, where it reads {reads}: publish it here once approved"
            held.append(values["title"])
    if row is not None and row[1] == "published" and post.get("post_state", "published") != "published":
        # Its publish taken back before its content changes, as the rules read the write in order.  Left published, what
        # went out stays as it went out, the card's text edited since in the source (``merging._keeps_what_went_out``).
        post = {"post_state": post.pop("post_state"), **post}
    if card.due is None and row is not None and state not in CLOSED:
        # The card's due date was taken off in Trello: the post's slot goes too, as the task's due date does (EMPTIED),
        # unless moved here since (a local edit wins, and is listed).
        post.update(_slot_taken_off(ws, task_id, now))
    unslotted_why = _slot_refused(ws, task_id, post, now)
    if unslotted_why is not None:
        due = post.pop("publish")  # the task's due date: the instant and the zone it is meant in
        when = kept_local(parse_utc(due["utc"]), due["tz"])
        item.notes.insert(0, f"due {when} in Trello is not its slot here: {unslotted_why} (crewdeck post slot gives it one)")
        unslotted.append(values["title"])
    if note:
        item.notes.insert(0, note)
    if isinstance(post.get("publish"), dict) and audience_tz:
        post["publish"] = _slot_in(None if row is None else (row[5], row[6]), post["publish"], audience_tz)
    return post


def _slot_in(here: tuple[str | None, str | None] | None, slot: dict[str, str], audience_tz: str) -> dict[str, str]:
    """The card's slot (its due date, in its assignee's zone) in the zone a post's slot is in here, its audience's, as
    ``post slot`` and the app write one (the calendar's ``Z`` finds the audience by it); the one ``here`` (the post's
    publish_utc and publish_tz) when it is the same instant (an earlier import's, in whichever zone: the same file again
    changes nothing)."""
    if here is not None and here[0] == slot["utc"] and here[1]:
        return {"utc": here[0], "tz": here[1]}
    return {"utc": slot["utc"], "tz": audience_tz}


def _slot_taken_off(ws: Workspace, post_id: str, now: str) -> dict[str, Any]:
    """``{"publish": None}`` for a post here with a slot a move may take off; ``{}`` for one with none, or one that keeps
    its own (``slot_kept``: a post gone out, pulled or missed here)."""
    here = read_post(ws.conn, post_id, parse_utc(now))
    if here is None or here.facts.slot is None or slot_kept(here) is not None:
        return {}
    return {"publish": None}


def _slot_refused(ws: Workspace, post_id: str, post: dict[str, Any], now: str) -> str | None:
    """Why the card's due date is no slot for the post here (``None``: it is), judged as a move onto it is: a new
    post's (``check_new_post``'s rule) or the one here's (``check_slot``), when it is not the slot the post has here.

    A post that went out or was pulled in the source is history: its slot stands as the source has it."""
    slot = post.get("publish")
    if slot is None or post.get("post_state") in CLOSED:
        return None
    at = parse_utc(now)
    here = read_post(ws.conn, post_id, at)
    if here is None:
        return slot_refused(ws.store, post["post_state"], at, slot)
    if here.facts.slot is not None and utc_iso(here.facts.slot) == slot["utc"]:
        return None
    try:
        check_slot(ws.store, here, at, slot)
    except PostRefused as refused:
        return refused.why
    return None


def _not_publishable_here(ws: Workspace, post_id: str) -> str | None:
    """The state a post here reads when it may not be published (not approved, or held by a crisis), or ``None``."""
    view = read_post(ws.conn, post_id, current_time())
    if view is None or (view.state in ("approved", "scheduled") and not view.held_by):
        return None
    return state_label(view.state)


@dataclass
class Cuts:
    """What an import cut to fit its fields (each kept whole in its task's notes), or folded onto one line, for the
    summary."""

    #: The titles as cut.
    titles: list[str] = field(default_factory=list)
    #: The labels cut to a tag, by name (each once).
    labels: dict[str, None] = field(default_factory=dict)
    #: The titles of the items with more labels than a task holds tags.
    crowded: list[str] = field(default_factory=list)
    #: The projects' names as cut to a campaign's (each once).
    projects: dict[str, None] = field(default_factory=dict)
    #: The titles whose line breaks or tabs were folded onto one line, as folded.
    folded: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        said = []
        if self.folded:
            said.append(f"{_counted(len(self.folded), 'title')} {FOLDED_SAID}: {_briefly(self.folded)}")
        if self.titles:
            said.append(
                f"{_counted(len(self.titles), 'title')} longer than a task holds ({MAX_TITLE} characters) cut, "
                f"each whole at the start of its notes: {_briefly(self.titles)}"
            )
        if self.labels:
            said.append(
                f"{_counted(len(self.labels), 'label')} longer than a tag holds ({MAX_TAG} characters) cut to one, "
                f"whole in its task's notes: {_briefly(list(self.labels))}"
            )
        if self.crowded:
            said.append(
                f"{_counted(len(self.crowded), 'task')} with more labels than a task holds tags ({MAX_TAGS}) "
                f"{'keeps' if len(self.crowded) == 1 else 'keep'} the others in the notes: {_briefly(self.crowded)}"
            )
        if self.projects:
            said.append(cut_projects_note(list(self.projects)))
        return said


def _counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _briefly(texts: list[str]) -> str:
    """The first few of ``texts``, each cut short, on one line."""
    return summary([cut(t, 40) for t in texts])


def _labels(labels: list[str], values: dict[str, Any], campaigns: dict[str, str], platforms: set[str], cuts: Cuts) -> list[str]:
    """Sets the campaign, platform and tags the labels name; the lines for the notes that keep what a tag could not hold.

    A label too long for a tag is cut to one (at a word where one is near) and kept whole, as one with nothing a tag can
    say (no letter or digit: "🔥") is; the labels past the most tags a task holds are kept, on one line.
    """
    tags: dict[str, None] = {}
    kept: list[str] = []
    past: list[str] = []
    for label in labels:
        key = slug(label)
        # One no slug spells ("限定") names a campaign by its name, and is a tag by its words.
        named, key = (key, key) if key else (campaign_key(label), _word(label))
        if named in campaigns and "campaign" not in values:
            values["campaign"] = campaigns[named]
        elif folded_name(label) in platforms and "platform" not in values:
            values["platform"] = folded_name(label)
        elif key:
            tag = cut_word(key, MAX_TAG)
            if tag != key:
                kept.append(f"label: {label.strip()}")
                cuts.labels.setdefault(label.strip())
            if tag in tags or len(tags) < MAX_TAGS:
                tags.setdefault(tag)
            else:
                past.append(label.strip())
        else:  # no letter or digit, nothing a tag can say ("🔥"): kept whole, not lost
            kept.append(f"label: {label.strip()}")
    if tags:
        values["tags"] = list(tags)
    if past:
        cuts.crowded.append(values["title"])
        kept.append(f"more labels: {', '.join(past)}")
    return kept


def _shared_campaign(item: Item, shared: dict[str, str], fields: Mapping[str, str]) -> str | None:
    """What the item's project or a label says when it names a campaign whose name more than one campaign has: the
    column and the campaigns (``same_name``); ``None`` when it names none such."""
    for label in item.labels:
        if (key := slug(label) or campaign_key(label)) in shared:
            return f"{fields['campaign']}: {shared[key]}"
    if item.project and (key := campaign_key(item.project)) in shared:
        return f"{fields.get('project', 'project')}: {shared[key]}"
    return None


def _word(label: str) -> str:
    """A label no slug spells (its letters not Latin: "限定", "春 キャンペーン") as a tag says it, as quick-add's #限定 does:
    lower case, its words joined by "-"; ``""`` for one with no letter or digit ("🔥"), which no tag says."""
    return "-".join(folded_name(label).split()) if any(c.isalnum() for c in label) else ""


_CR = re.compile("\r\n?")


def _line_breaks(text: str) -> str:
    """``text`` with its CR LF and CR line breaks as LF."""
    return _CR.sub("\n", text) if "\r" in text else text


#: Where a comment begins in a task's notes (``comment_line``).
_COMMENT_START = re.compile(r"^comment by @\S+(?: on \d{4}-\d{2}-\d{2})?: ", re.MULTILINE)
#: The line naming a card's other people: before its comments (it followed them in imports before they were kept).
_ALSO_ON_IT = "also on it: "


def comment_line(handle: str, day: str, text: str) -> str:
    """A source's comment as a task's notes hold it: "comment by @raj on 2026-03-02: text"."""
    return f"comment by @{handle}{f' on {day}' if day else ''}: {text}"


def with_comments(notes: str, comments: list[str], here: str, written_as: Iterable[str] = ()) -> str:
    """``notes`` and then the comments: those an earlier import wrote into the task's notes (``here``) that the file no
    longer holds, then the file's.

    A Trello export holds only the board's latest actions: a comment that fell out of that window is still here, and
    stays (what anyone typed is never lost).  ``here`` holds the comments after ``notes`` as the file gives them now
    (the notes before them may have changed since: then they start at the first line that begins a comment).  What is
    left of them once the file's own are taken out is kept, as it is, before the file's: the same file again gives the
    same notes.  ``written_as``: the file's comments as an earlier import may have written them otherwise
    (``Item.comments_written_as``): taken out too.
    """
    earlier = here[len(notes) + 1 :] if notes and here.startswith(notes + "\n") else here
    start = _COMMENT_START.search(earlier)
    earlier = earlier[start.start() :] if start else ""
    for comment in chain(comments, written_as):
        earlier = _taken_out(earlier, comment)
    also = notes.rpartition("\n")[2]
    if also.startswith(_ALSO_ON_IT):  # an import's notes from before comments were kept named the people after them
        earlier = _taken_out(earlier, also, last=True)
    return "\n".join(part for part in (notes, earlier, *comments) if part)


def _taken_out(text: str, part: str, *, last: bool = False) -> str:
    """``text`` (parts joined by line breaks) without one whole ``part`` (``last``: only when it ends ``text``)."""
    if text == part:
        return ""
    if last:
        return text[: -len(part) - 1] if text.endswith("\n" + part) else text
    if text.startswith(part + "\n"):
        return text[len(part) + 1 :]
    at = text.find("\n" + part + "\n")
    if at < 0:
        return text[: -len(part) - 1] if text.endswith("\n" + part) else text
    return text[:at] + text[at + len(part) + 1 :]


def _with_notes_here(items: Iterable[Item], ws: Workspace, kind: str, size: int) -> Iterator[tuple[Item, str, int]]:
    """Each item with its task's notes here (without the credit the merge added; ``""``: none) when it brings comments,
    and how many parts they are in here (``notesparts``: 1, or the first task's and those it says they go on in).

    Read ``size`` items at a time, their tasks' notes in one query, not one a card.
    """
    reading = iter(items)
    parts_here = PartsHere(ws.conn)
    while chunk := list(islice(reading, size)):
        ids = [stable_id(kind, i.source_id) for i in chunk]
        asked = {task_id: i.source_id for task_id, i in zip(ids, chunk) if i.comments is not None}
        here = {task_id: strip_credit(notes or "", "\n")[0] for task_id, notes in _notes_of(ws, asked).items()}
        # Notes that go on in more tasks are read whole: the comments an earlier import kept may be in any part.
        continued = {task_id: (m.start(), int(m.group(1))) for task_id, notes in here.items() if (m := GOING_ON.search(notes))}
        # How many parts the notes are in here (only notes that go on are read): the file's may be in fewer now.
        totals = parts_here(ids)
        parts = {
            task_id: [stable_id(kind, asked[task_id], "notes", str(n)) for n in range(2, more + 2)]
            for task_id, (_, more) in continued.items()
        }
        for task_id, (end, _) in continued.items():
            held = _notes_of(ws, parts[task_id])
            here[task_id] = here[task_id][:end] + "".join(held.get(part, "") for part in parts[task_id])
        for task_id, item in zip(ids, chunk):
            yield item, here.get(task_id, ""), totals.get(task_id, 1)


def _notes_of(ws: Workspace, task_ids: Iterable[str]) -> dict[str, str]:
    """The notes of the tasks here among ``task_ids``, in one query."""
    wanted = list(task_ids)
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    return {row_id: notes or "" for row_id, notes in ws.conn.execute(f"SELECT id, notes FROM task WHERE id IN ({marks})", wanted)}


def _due_here(ws: Workspace, task_id: str) -> dict[str, str] | None:
    """The task's due date here, if it has one."""
    row = ws.conn.execute("SELECT due_utc, due_tz FROM task WHERE id = ? AND due_utc IS NOT NULL", (task_id,)).fetchone()
    return None if row is None else {"utc": row[0], "tz": row[1]}


def _due(text: str, tz: str, here: dict[str, str] | None) -> dict[str, str]:
    """The due date the file gives (an instant, or a day due at 17:00), in ``tz``.

    The one ``here`` when the file gives the same: an earlier import's, kept whatever zone its
    assignee has moved to since (the same file again changes nothing), and kept by a task nobody
    holds, whoever imports the file again.
    """
    if here is not None and _due_in(text, here["tz"]) == here["utc"]:
        return here
    return {"utc": _due_in(text, tz), "tz": tz}


def _created(text: str, tz: str) -> str:
    """When an item was created: an instant as it is, a day at noon in ``tz``, the zone a task nobody holds is due in on
    a day the file gives: that day for the importer (no one instant is that day in every zone: noon in Auckland is the
    evening before in the Americas)."""
    return _due_in(text, tz, dt.time(12))


def _due_in(text: str, tz: str, at: dt.time = DEFAULT_DUE_TIME) -> str:
    """An instant as it is; a day at ``at`` in ``tz``."""
    if "T" in text:
        return text
    local = dt.datetime.combine(dt.date.fromisoformat(text), at)
    return utc_iso(localize(local, ZoneInfo(tz)).astimezone(dt.UTC))
