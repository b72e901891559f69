"""The new-entry form's fields: checked as they are typed, turned into an entry.

``check_form`` gives a problem per field (empty when the form is good), cheap
enough for every key press: it needs no store, only a ``FormContext``
loaded once when the form opens.  ``parse_entry`` turns the same fields into
an ``EntryDraft``; ``crewdeck ledger add`` uses it too, so the command and
the form accept and refuse exactly the same things.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

from crewdeck.sync.state.ids import MIN_PREFIX
from crewdeck.sync.state.money import MoneyError, parse_amount
from crewdeck.sync.state.records import category as check_category
from crewdeck.sync.state.rules import control_character
from crewdeck.sync.state.visible import quoted
from crewdeck.tui.ledger.actions import EntryDraft, memo_problem
from crewdeck.tui.time.when import DateError, parse_day
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Campaign, Workspace, campaign_slugs, match_campaign

FIELDS = ("date", "campaign", "category", "payee", "amount", "memo", "task")
REQUIRED = ("campaign", "category", "payee", "amount")
_HEX = re.compile(r"[0-9a-f]+\Z")


@dataclass(frozen=True)
class FormContext:
    today: dt.date
    base_currency: str
    campaigns: tuple[Campaign, ...]
    #: Categories already in use, for hints and completion.
    categories: tuple[str, ...] = ()

    @cached_property
    def slugs(self) -> dict[str, str]:
        """Each campaign's ``+slug`` by id, as lists show it: two campaigns of one name told apart (``told_apart_slugs``)."""
        return campaign_slugs(self.campaigns)

    @classmethod
    def load(cls, ws: Workspace, today: dt.date) -> FormContext:
        used = ws.conn.execute(
            "SELECT category FROM ledger_entry UNION SELECT category FROM budget WHERE deleted = 0 AND category IS NOT NULL ORDER BY 1"
        ).fetchall()
        # Offered as completions: only what could be typed (a value stored before the checks could send anything).
        return cls(today, ws.base_currency, tuple(ws.campaigns()), tuple(r[0] for r in used if _is_category(r[0])))


def _is_category(value: object) -> bool:
    try:
        check_category(value)
    except ValueError:
        return False
    return True


class FormProblems(UserError):
    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        # "amount '12,50': ..." already names its field.
        super().__init__("; ".join(p if p.startswith(name) else f"{name}: {p}" for name, p in problems.items()))


def _check(name: str, text: str, ctx: FormContext) -> tuple[object, str | None]:
    """``(parsed value, problem)`` of one field."""
    raw = text.strip()
    if not raw:
        if name in REQUIRED:
            return None, "required"
        return (ctx.today.isoformat() if name == "date" else "" if name == "memo" else None), None
    if name == "memo":
        problem = memo_problem(raw)
        return (None, problem) if problem else (raw, None)
    if "\n" in raw or "\r" in raw:
        return None, "one line only"
    if name == "payee":
        # The rules refuse it at the write, where the field (and an import's line) is no longer known.
        control = control_character("ledger_entry", name, json.dumps(raw))
        if control:
            return None, f"text may not hold control characters ({control})"
    try:
        if name == "date":
            return _day(raw, ctx.today)
        if name == "campaign":
            return match_campaign(raw, list(ctx.campaigns)).id, None
        if name == "category":
            value = raw.lstrip("#").lower()
            try:
                return check_category(value), None
            except ValueError as exc:
                return None, str(exc)
        if name == "payee":
            return (raw, None) if len(raw) <= 200 else (None, "longer than 200 characters")
        if name == "amount":
            minor, currency = parse_amount(raw, ctx.base_currency)
            if minor == 0:
                return None, "an amount of zero records nothing"
            return (minor, currency), None
        if name == "task":
            value = raw.lower()
            if len(value) < MIN_PREFIX or not _HEX.match(value):
                return None, f"{quoted(raw)} is not a task id: give at least {MIN_PREFIX} hex digits"
            return value, None
    except (DateError, MoneyError, UserError) as exc:
        return None, str(exc)
    raise KeyError(name)


#: How far ahead of today a spend may be dated: a year, for an invoice dated ahead; past it, a mistyped year (2030).
AHEAD = dt.timedelta(days=366)


def _day(raw: str, today: dt.date) -> tuple[str | None, str | None]:
    """The day ``raw`` names, or why no spend is dated so: a ledger records spend made, and reports count it from its
    date on, so a year typed wrong (2030) would count in every burn rate and forecast until someone found it.  A weekday
    (``mon``) is the last one up to today, as results read it: spend made, where the next one dated a Wednesday's "mon"
    on the Monday ahead; a date without its year (``dec 3``) too, unless the next comes within a month (``parse_day``'s
    ``soon``): "dec 3" typed on the 5th is two days gone by, not 363 ahead, and "dec 7" typed on the 6th tomorrow's
    invoice, not last year's."""
    day = parse_day(raw, today, back=True, soon=True)
    if day > today + AHEAD:
        return None, f"{day} is more than a year ahead (today is {today}): a ledger records spend made; enter it when it is"
    return day.isoformat(), None


def days_ahead(day: str, today: dt.date) -> str | None:
    """``(in 15 days)``-style words for an entry's ``day`` after ``today``, as the notes of ``ledger add`` and ``import`` say it."""
    ahead = (dt.date.fromisoformat(day) - today).days
    return None if ahead <= 0 else f"{ahead} day{'s' if ahead != 1 else ''} after today ({today})"


def check_form(values: Mapping[str, str], ctx: FormContext) -> dict[str, str]:
    """Field name -> what is wrong with it; empty when the form can be saved."""
    problems = {}
    for name in FIELDS:
        _, problem = _check(name, values.get(name, ""), ctx)
        if problem:
            problems[name] = problem
    return problems


def parse_entry(
    values: Mapping[str, str],
    ctx: FormContext,
    *,
    needs_approval: bool = False,
    resolve_task: Callable[[str], str] | None = None,
) -> EntryDraft:
    """The entry the fields describe; ``FormProblems`` (a ``UserError``) names every bad field."""
    parsed: dict[str, object] = {}
    problems: dict[str, str] = {}
    for name in FIELDS:
        value, problem = _check(name, values.get(name, ""), ctx)
        if problem:
            problems[name] = problem
        parsed[name] = value
    if not problems and parsed["task"] is not None and resolve_task is not None:
        try:
            parsed["task"] = resolve_task(str(parsed["task"]))
        except UserError as exc:
            problems["task"] = str(exc)
    if problems:
        raise FormProblems(problems)
    amount, task = parsed["amount"], parsed["task"]
    # What _check makes of these two fields when they have no problem.
    assert isinstance(amount, tuple) and (task is None or isinstance(task, str))
    minor, currency = amount
    return EntryDraft(
        date=str(parsed["date"]),
        campaign=str(parsed["campaign"]),
        category=str(parsed["category"]),
        payee=str(parsed["payee"]),
        amount=minor,
        currency=currency,
        memo=str(parsed["memo"]),
        task=task,
        needs_approval=needs_approval,
    )
