"""The ledger's filter language, shared by ``crewdeck ledger list`` and the pane's ``/``.

Terms are ANDed; a leading ``-`` negates a term.

| term                          | matches                                          |
|-------------------------------|--------------------------------------------------|
| ``+spring-launch``            | entries of that campaign                         |
| ``#influencers`` ``cat:tools``| that category                                    |
| ``payee:canva``               | payee contains the text (``payee:"studio nord"``)|
| ``cur:USD``                   | in that currency                                 |
| ``date:2026-11``              | dated in that period (day, ISO week, month, quarter, year; ``date:thismonth``, ``date:"last week"``, as ``--period`` names them) |
| ``@raj``  ``@me``             | entered by that member (see ``_term_sql``)       |
| ``is:pending`` ``is:approved``| waiting for / given approval                     |
| ``is:reversal`` ``is:reversed``| a reversing entry / an entry that was reversed  |
| ``is:frozen``                 | spend a crisis froze, not yet approved           |
| any other word                | in the payee or the memo                         |

``parse`` reads the syntax; ``compile`` turns it into SQL over
``ledger_entry e``, looking names up through the callables it is given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crewdeck.sync.state.acting import acted_by_any
from crewdeck.sync.state.money import MoneyError, check_currency
from crewdeck.sync.state.records import composed
from crewdeck.sync.state.store import FOLDED, folded
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.tasks.query import Term, like_pattern, words
from crewdeck.tui.workspace.errors import UserError

STATES = ("pending", "approved", "reversal", "reversed", "frozen")
#: What a term names, and an example of one, for a term typed with nothing after its colon.
_MISSING = {
    "cat": ("a category", "tools"),
    "category": ("a category", "tools"),
    "payee": ("a payee", "canva"),
    "cur": ("a currency", "USD"),
    "currency": ("a currency", "USD"),
    "date": ("a period", "2026-11"),
    "is": ("a state", "pending"),
}

#: Entries whose approval counts: by someone other than their author.
APPROVED_IDS = "SELECT a.entry FROM approval a JOIN ledger_entry o ON o.id = a.entry WHERE a.approved_by <> o.entered_by"
#: An entry reversed, or a reversal: the two net to zero, approved or not, pending or frozen, so neither waits for anything.
REVERSED_PAIR = "(e.reverses IS NOT NULL OR EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses = e.id))"
#: An entry counts when it needs no approval, or it (or the entry it reverses) was approved, or it was reversed before
#: it was (the pair counts, as zero: nobody approves spend that was taken back).
COUNTED = f"(e.needs_approval = 0 OR coalesce(e.reverses, e.id) IN ({APPROVED_IDS}) OR {REVERSED_PAIR})"
PENDING = f"NOT {COUNTED}"


@dataclass
class LedgerQuery:
    terms: list[Term] = field(default_factory=list)


#: A command-line argument that is one term whose value has spaces: ``payee:Studio Nord``.
_SPACED_TERM = re.compile(r"(-?[A-Za-z]+:)(\S+(?:\s+[^\s+#@:'\"-][^\s:'\"]*)+)\s*\Z")


def quoted_arguments(arguments: Sequence[str]) -> str:
    """Command-line arguments as one query.  A term with spaces in its value was quoted in the shell
    (``payee:"Studio Nord"`` arrives as ``payee:Studio Nord``), as hledger takes it: its value is quoted again to stay
    one word.  An argument that holds several terms (``"+spring payee:canva"``) is read as typed."""
    out = []
    for argument in arguments:
        spaced = _SPACED_TERM.match(argument)
        if spaced:
            argument = f'{spaced[1]}"{spaced[2]}"'
        out.append(argument)
    return " ".join(out)


def parse(text: str, today: dt.date | None = None) -> LedgerQuery:
    """The query ``text`` says; ``today`` (the reader's, in their zone) reads ``date:today``, ``date:thismonth``, ...
    as ``--period`` reads them, and as hledger's ``date:`` does."""
    query = LedgerQuery()
    for word in words(text):
        negate = word.startswith("-") and len(word) > 1 and not word[1].isdigit()
        body = word[1:] if negate else word
        lower = body.lower()
        kind, _, value = lower.partition(":")
        if kind in _MISSING and not value:
            # As tasks' "due:" is: a filter that names nothing, not the word "cur:" in payees (it matched no entry, unsaid).
            what, example = _MISSING[kind]
            raise UserError(f"{word} {what} is missing (try {kind}:{example})")
        if body.startswith("+") and len(body) > 1:
            query.terms.append(Term("campaign", body[1:], negate))
        elif body.startswith("#") and len(body) > 1:
            query.terms.append(Term("category", lower[1:], negate))
        elif body.startswith("@") and len(body) > 1:
            query.terms.append(Term("member", lower[1:], negate))
        elif kind in ("cat", "category") and value:
            query.terms.append(Term("category", value, negate))
        elif kind == "payee" and value:
            query.terms.append(Term("payee", body.split(":", 1)[1], negate))
        elif kind in ("cur", "currency") and value:
            query.terms.append(Term("currency", _currency(word, value.upper()), negate))
        elif kind == "date" and value:
            query.terms.append(Term("date", Period.parse(value, today=today).label, negate))
        elif kind == "is" and value:
            if value not in STATES:
                raise UserError(f"{word}: {value!r} is not a state ({', '.join(STATES)})")
            query.terms.append(Term("state", value, negate))
        else:
            query.terms.append(Term("text", body, negate))
    return query


def _currency(word: str, code: str) -> str:
    """``code``, a currency an entry may be in; a typo (``cur:eu``) is refused, not a filter that matches nothing."""
    try:
        return check_currency(code)
    except MoneyError as exc:
        raise UserError(f"{word}: {exc}") from None


@dataclass(frozen=True)
class Lookups:
    """How names become ids: the workspace's lookups (they raise ``UserError``)."""

    campaign_id: Callable[[str], str]
    #: The ids of every member who has or had a handle (``Workspace.members_in_filter``).
    member_ids: Callable[[str], Sequence[str]]
    me: str | None = None
    #: The manager acting as ``me`` (``--as`` on a shared host): ``@me`` is them too, as the rules judge the session.
    actor: str | None = None
    #: The SQL true for spend a crisis froze, with its parameters (``crewdeck.tui.posts.frozen``, read from the crises).
    frozen: Callable[[], tuple[str, list[Any]]] = lambda: ("0", [])


def compile(query: LedgerQuery, lookups: Lookups) -> tuple[str, list[Any]]:
    """``(where, params)`` over ``ledger_entry e``."""
    clauses: list[str] = []
    params: list[Any] = []
    for term in query.terms:
        sql, args = _term_sql(term, lookups)
        clauses.append(f"NOT ({sql})" if term.negate else sql)
        params.extend(args)
    return (" AND ".join(clauses) or "1"), params


def _term_sql(term: Term, lookups: Lookups) -> tuple[str, list[Any]]:
    kind, value = term.kind, term.value
    if kind == "campaign":
        return "e.campaign = ?", [lookups.campaign_id(value)]
    if kind == "category":
        return "e.category = ?", [value]
    if kind == "member":
        # Spend is the member's who entered it as the activity log and BY say it: "@ana as @raj" (a manager acting as
        # another, ``--as``) is raj's and ana's, who may not approve it.  ``@me`` is the session's people so: "@ana as
        # @raj" acting, both; so ``is:pending -@me`` lists what the bar counts "to approve".
        if value == "me":
            if lookups.me is None:
                raise UserError("@me: who are you? pass --as HANDLE")
            ids: Sequence[str] = [lookups.me, *([lookups.actor] if lookups.actor not in (None, lookups.me) else [])]
        else:
            ids = lookups.member_ids(value)
        marks = ", ".join("?" * len(ids))
        return f"(e.entered_by IN ({marks}) OR {acted_by_any(marks, 'e.entered_by', 'e.op_id')})", [*ids, *ids]
    if kind == "payee":
        return _contains(("e.payee",), value)
    if kind == "currency":
        return "e.currency = ?", [value]
    if kind == "date":
        bounds = Period.parse(value).range
        if bounds is None:
            return "1", []
        return "e.date >= ? AND e.date < ?", [bounds[0].isoformat(), bounds[1].isoformat()]
    if kind == "state":
        if value == "frozen":
            return lookups.frozen()
        return {
            "pending": (PENDING, []),
            # Pending spend approved, or spend a crisis froze and a manager approved; and their reversals.
            "approved": (f"coalesce(e.reverses, e.id) IN ({APPROVED_IDS})", []),
            "reversal": ("e.reverses IS NOT NULL", []),
            "reversed": ("EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses = e.id)", []),
        }[value]
    return _contains(("e.payee", "e.memo"), value)


def _contains(columns: Sequence[str], value: str) -> tuple[str, list[Any]]:
    """SQL true when one of ``columns`` holds ``value`` in any case, as the task search reads a word.  Composed, as the
    columns are stored: a value pasted with an accent as its own mark (from a Mac) finds it.  A word in ASCII keeps
    plain LIKE (it folds A to Z, and calls no function an entry); another ("CAFÉ") compares both sides lowercased."""
    value = composed(value)
    if value.isascii():
        pattern, column = like_pattern(value), "{}"
    else:
        pattern, column = like_pattern(folded(value) or ""), f"{FOLDED}({{}})"
    clauses = [f"{column.format(name)} LIKE ? ESCAPE '\\'" for name in columns]
    return f"({' OR '.join(clauses)})", [pattern] * len(columns)
