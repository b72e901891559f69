"""The ledger pane's logic without a UI: periods, the form, the filter, budget rows, windows, money text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crewdeck.sync.state.money import MoneyError, format_minor, parse_amount, parse_decimal, parse_rate, round_minor
from crewdeck.tui.ledger import entries
from crewdeck.tui.ledger.budgets import Budget, share
from crewdeck.tui.ledger.form import FormContext, check_form, parse_entry
from crewdeck.tui.ledger.period import Period
from crewdeck.tui.ledger.view import FilterMatches, budget_view, entries_where, preview_filter
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Campaign, Workspace

from .conftest import Cli
from .ledger_helpers import add, ledger_team

TODAY = dt.date(2026, 11, 26)  # a Thursday


# ---------------------------------------------------------------- periods


def test_move_and_resize_like_hledger_ui() -> None:
    month = Period.containing("month", TODAY)
    assert month.label == "2026-11" and month.range == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert month.move(1).label == "2026-12" and month.move(2).label == "2027-01" and month.move(-11).label == "2025-12"
    assert month.narrow(TODAY).label == "2026-W48"  # the week holding today
    assert month.move(-1).narrow(TODAY).label == "2026-W40"  # October: the week of its first day
    assert month.narrow(TODAY).narrow(TODAY) == Period("day", TODAY)
    assert Period("day", TODAY).narrow(TODAY) == Period("day", TODAY)
    assert month.widen().label == "2026-Q4" and month.widen().widen().label == "2026"
    assert month.widen().widen().widen() == Period.all() and Period.all().widen() == Period.all()
    assert Period.all().narrow(TODAY).label == "2026" and Period.all().move(3) == Period.all()
    week = Period.containing("week", dt.date(2026, 12, 30))
    assert week.label == "2026-W53" and week.move(1).label == "2027-W01"
    assert week.widen().label == "2026-12"


@pytest.mark.parametrize("text", ["2026-11-26", "2026-W48", "2026-11", "2026-Q4", "2026", "all"])
def test_periods_parse_their_own_labels(text: str) -> None:
    assert Period.parse(text).label == text


@pytest.mark.parametrize("text", ["2026-13", "2026-W54", "2026-Q5", "26", "last month", "2026-02-30"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(UserError, match="is not a period"):
        Period.parse(text)


# ---------------------------------------------------------------- money text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120.50 EUR", (12050, "EUR")),
        ("EUR 120.5", (12050, "EUR")),
        ("15000 jpy", (15000, "JPY")),
        ("1.250 KWD", (1250, "KWD")),
        ("-3.1 USD", (-310, "USD")),
        ("7", (700, "EUR")),
        # A leading plus was refused typed ("not a plain decimal number") where `ledger import` reads +15.00 as 15.00.
        ("+12 EUR", (1200, "EUR")),
        ("EUR +15.00", (1500, "EUR")),
        ("+7", (700, "EUR")),
    ],
)
def test_amounts_parse_exactly(text: str, expected: tuple[int, str]) -> None:
    assert parse_amount(text, "EUR") == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("12,50", "decimal separator"),
        ("1e3", "plain decimal"),
        ("-0", "negative zero"),
        ("-0.00", "negative zero"),
        ("12.345", "2 decimal places, not 3"),
        ("+-5", "plain decimal"),
        ("-+5", "plain decimal"),
        ("++5", "plain decimal"),
        (".5", "plain decimal"),
        ("5.", "plain decimal"),
        ("١٢", "plain decimal"),
        ("1 000", "no spaces or thousands separators"),
        ("+1 000", "no spaces or thousands separators"),
        # Said "unknown currency '234,50'" and "write it as a number and a currency": a grouped number was taken for 1 in a currency.
        ("1 234,50", "no spaces or thousands separators"),
        ("1 234,50 EUR", "no spaces or thousands separators"),
        ("EUR 1 234.50", "no spaces or thousands separators"),
        ("99999999999999999", "too large"),
    ],
)
def test_amounts_people_mistype_are_refused(text: str, problem: str) -> None:
    with pytest.raises(MoneyError, match=problem):
        parse_amount(text, "EUR") if " " in text else parse_decimal(text, "EUR")


_WITHOUT = "write it without its thousands separators, like"
_COMMA = "use a dot as the decimal separator, without thousands separators"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # A comma that can only group thousands (JPY has no decimals, EUR two) was told "use a dot as the decimal
        # separator", and an import added "(or --decimal-mark ,)", which then refused it for its decimals.
        ("20,000 JPY", f"amount '20,000': {_WITHOUT} '20000 JPY'"),
        ("20,000 EUR", f"amount '20,000': {_WITHOUT} '20000 EUR'"),
        ("EUR 1,250.00", f"amount '1,250.00': {_WITHOUT} '1250.00 EUR'"),
        ("-1,000,000 USD", f"amount '-1,000,000': {_WITHOUT} '-1000000 USD'"),
        ("20,000", f"amount '20,000': {_WITHOUT} '20000 EUR'"),
        # A comma that may mark decimals (KWD has three), or one that neither reading takes: no guess.
        ("1,250 KWD", f"amount '1,250': {_COMMA}"),
        ("12,50 EUR", f"amount '12,50': {_COMMA}"),
        ("1,250.123 EUR", f"amount '1,250.123': {_COMMA}"),
        ("1,25.00 EUR", f"amount '1,25.00': {_COMMA}"),
    ],
)
def test_a_comma_that_only_groups_thousands_is_told_to_be_dropped_with_the_amount_as_taken(text: str, said: str) -> None:
    with pytest.raises(MoneyError) as refused:
        parse_amount(text, "EUR")
    assert str(refused.value) == said


_SIGN = "write the currency as its code after the number, not its sign, like"
_NO_CODE = "write the currency as its ISO 4217 code after the number, not its sign"


@pytest.mark.parametrize(
    ("text", "default", "said"),
    [
        ("€12", "EUR", f"amount '€12': {_SIGN} '12 EUR'"),
        ("12.50€", "EUR", f"amount '12.50€': {_SIGN} '12.50 EUR'"),
        ("£5.50", "EUR", f"amount '£5.50': {_SIGN} '5.50 GBP'"),
        ("$5", "EUR", f"amount '$5': {_SIGN} '5 USD'"),
        ("-€12", "EUR", f"amount '-€12': {_SIGN} '-12 EUR'"),
        # The amount typed, written as taken (it read "120.50 EUR" for each): its marks read as only they can be.
        ("€1.234,56", "EUR", f"amount '€1.234,56': {_SIGN} '1234.56 EUR'"),
        ("€1,250.00", "EUR", f"amount '€1,250.00': {_SIGN} '1250.00 EUR'"),
        ("€1,250", "EUR", f"amount '€1,250': {_SIGN} '1250 EUR'"),
        ("¥20,000", "EUR", f"amount '¥20,000': {_SIGN} '20000 JPY'"),
        # A sign beside letters is another currency's (Brazil's, Australia's, the US's written so): no code is guessed.
        ("R$10", "EUR", f"amount 'R$10': {_NO_CODE}"),
        ("A$20", "EUR", f"amount 'A$20': {_NO_CODE}"),
        ("US$5", "EUR", f"amount 'US$5': {_NO_CODE}"),
        # A cent sign is a hundredth of a currency: "50 EUR" was 100 times what was meant.
        ("¢50", "EUR", f"amount '¢50': {_NO_CODE}"),
        ("¢ 50", "EUR", f"amount '¢ 50': {_NO_CODE}"),
        # A decimal comma is a dot in the example, which read "120.50 EUR" for 12,50.
        ("€12,50", "EUR", f"amount '€12,50': {_SIGN} '12.50 EUR'"),
        ("12,50€", "EUR", f"amount '12,50€': {_SIGN} '12.50 EUR'"),
        # The code written beside the sign wins over the sign's, which read "12 EUR" against the GBP written.
        ("€12 GBP", "EUR", f"amount '€12': {_SIGN} '12 GBP'"),
        # Never a number the currency refuses: "12.345 EUR" (three decimals) and "12.50 JPY" (none) are refused too.
        ("€12.345", "KWD", f"amount '€12.345': {_SIGN} '120.50 EUR'"),
        ("¥12.50", "EUR", f"amount '¥12.50': {_SIGN} '120 JPY'"),
        ("€-0", "EUR", f"amount '€-0': {_SIGN} '120.50 EUR'"),
        # A sign apart from its number, which read "unknown currency '12'" and "unknown currency '€'".
        ("€ 12", "EUR", f"amount '€ 12': {_SIGN} '12 EUR'"),
        ("12 €", "EUR", f"amount '12 €': {_SIGN} '12 EUR'"),
    ],
)
def test_an_amount_written_with_a_currency_sign_says_how_it_is_written_here(text: str, default: str, said: str) -> None:
    """``€12``, as hledger and a receipt write it, read "'€12' is not a plain decimal number like 120.50": not that the
    currency was the trouble, nor how it is written; ``12 €`` read "unknown currency '€'".  The example names a code only
    for a sign that means one currency, and only a number that currency takes."""
    with pytest.raises(MoneyError) as refused:
        parse_amount(text, default)
    assert str(refused.value) == said


def test_formatting_and_the_rounding_rule() -> None:
    assert format_minor(-123456789, "EUR", grouping=True) == "-1,234,567.89"
    assert format_minor(1250, "KWD") == "1.250" and format_minor(15000, "JPY", grouping=True) == "15,000"
    assert [round_minor(Decimal(v), "EUR") for v in ("0.125", "0.135", "-0.125", "0.1251")] == [12, 14, -12, 13]
    assert round_minor(Decimal("2.5"), "JPY") == 2 and round_minor(Decimal("0.0005"), "KWD") == 0
    assert parse_rate("0.9215") == Decimal("0.9215")
    for bad in ("0", "0,92", "1e-3", "-1", "0.1234567890123"):
        with pytest.raises(MoneyError):
            parse_rate(bad)


def test_budget_shares_by_days() -> None:
    run = (dt.date(2026, 11, 1), dt.date(2027, 1, 1))  # 61 days
    budget = Budget("c", "tools", "run", 610_000, "EUR")
    assert share(budget, None, run) == Decimal("6100.00")
    assert share(budget, (dt.date(2026, 11, 1), dt.date(2026, 12, 1)), run) == Decimal(3000)
    assert share(budget, (dt.date(2026, 10, 1), dt.date(2026, 11, 1)), run) == 0
    assert share(budget, (dt.date(2026, 11, 1), dt.date(2026, 12, 1)), None) is None
    month = Budget("c", "tools", "2026-11", 300_000, "EUR")
    assert share(month, (dt.date(2026, 11, 23), dt.date(2026, 11, 30)), None) == Decimal(700)
    assert share(month, Period.parse("2026-Q4").range, None) == Decimal(3000)


# ---------------------------------------------------------------- the form


CTX = FormContext(TODAY, "EUR", (Campaign("c" * 32, "Spring Launch", [], None, None, None, "active", "", {}),), ("tools",))


def test_the_form_names_both_campaigns_of_one_name_and_takes_each_as_it_offers_it() -> None:
    """Two replicas may each add "Launch" offline: the form guesses neither, and offers each as it is named."""
    launches = tuple(Campaign(digit * 32, "Launch", [], None, None, None, "active", "", {}) for digit in "ab")
    ctx = FormContext(TODAY, "EUR", launches, ("tools",))
    assert list(ctx.slugs.values()) == ["launch-aaaaaaaa", "launch-bbbbbbbb"]
    typing = {"campaign": "Launch", "category": "tools", "payee": "Canva", "amount": "12.50"}
    assert check_form(typing, ctx)["campaign"].startswith("2 campaigns are named +launch: +launch-aaaaaaaa (Launch), +launch-bbbbbbbb")
    assert parse_entry({**typing, "campaign": "+launch-bbbbbbbb"}, ctx, needs_approval=False).campaign == "b" * 32


def test_the_form_checks_each_field_as_it_is_typed() -> None:
    assert check_form({}, CTX) == {"campaign": "required", "category": "required", "payee": "required", "amount": "required"}
    typing = {"campaign": "spring", "category": "Tools", "payee": "Canva", "amount": "12,5"}
    problems = check_form(typing, CTX)
    assert set(problems) == {"campaign", "amount"}
    assert "unknown campaign +spring (did you mean +spring-launch?)" in problems["campaign"]
    assert "decimal separator" in problems["amount"]
    good = {**typing, "campaign": "+spring-launch", "amount": "12.50 USD", "date": "yesterday", "task": "abcd"}
    assert check_form(good, CTX) == {}
    assert check_form({**good, "amount": "0"}, CTX) == {"amount": "an amount of zero records nothing"}
    assert "is not a task id" in check_form({**good, "task": "xyz"}, CTX)["task"]
    assert check_form({**good, "memo": "two\nlines"}, CTX) == {"memo": "one line only"}
    # The app's form, `ledger add` and an import's rows alike: a year typed wrong is refused, a date ahead within the year taken.
    assert check_form({**good, "date": "2030-11-20"}, CTX) == {
        "date": "2030-11-20 is more than a year ahead (today is 2026-11-26): a ledger records spend made; enter it when it is"
    }
    assert check_form({**good, "date": "2027-11-26"}, CTX) == {}
    draft = parse_entry(good, CTX, needs_approval=True, resolve_task=lambda prefix: prefix.ljust(32, "0"))
    assert (draft.date, draft.category, draft.amount, draft.currency, draft.task, draft.needs_approval) == (
        "2026-11-25",
        "tools",
        1250,
        "USD",
        "abcd" + "0" * 28,
        True,
    )
    with pytest.raises(UserError, match="amount '12,5'"):
        parse_entry(typing, CTX)


# ---------------------------------------------------------------- what the pane reads


def test_budget_lines_and_entry_windows_for_the_pane(cli: Cli) -> None:
    team = ledger_team(cli)
    team.ok("budget", "set", "spring-launch", "tools", "100", "--month", "2026-11")
    ids = [add(team, f"{n}.00 EUR", category="tools", date=f"2026-11-{n:02d}") for n in range(1, 21)]
    add(team, "5 EUR", category="events", date="2026-12-01", extra=("--pending",), as_member="raj")
    ties = [add(team, "1.00 EUR", category="ads", date="2027-01-04") for _ in range(3)]  # the id decides their order
    ws = Workspace.open(team.workspace)
    try:
        lines = budget_view(ws.conn, "EUR", Period.parse("2026-11"), TODAY).lines
        assert [(x.campaign, x.category, x.budget, x.spent, x.remaining, x.used_permille, x.over) for x in lines] == [
            ("spring-launch", "", "100.00", "210.00", "-110.00", 2100, True),
            ("spring-launch", "tools", "100.00", "210.00", "-110.00", 2100, True),
        ]
        december = budget_view(ws.conn, "EUR", Period.parse("2026-12"), TODAY).lines
        assert [(x.category, x.spent, x.pending, x.used_permille) for x in december] == [
            ("", "0.00", "5.00", None),
            ("events", "0.00", "5.00", None),
        ]
        where, params = entries_where(ws, "#tools", Period.parse("2026-11"), None)
        assert entries.count(ws.conn, where, params) == 20
        window = entries.window(ws.conn, where, params, 5, 3)
        assert [row.id for row in window] == [ids[14], ids[13], ids[12]]
        assert [row.amount_text for row in window] == ["15.00 EUR", "14.00 EUR", "13.00 EUR"]
        every = entries.window(ws.conn, where, params, 0, 100)
        assert [entries.position(ws.conn, where, params, row.id) for row in every] == list(range(20))
        assert entries.position(ws.conn, where, params, "f" * 32) is None
        assert entries.position(ws.conn, *entries_where(ws, "#events", Period.all(), None), ids[0]) is None  # not among them
        where, params = entries_where(ws, "#ads", Period.all(), None)
        assert [entries.position(ws.conn, where, params, i) for i in sorted(ties, reverse=True)] == [0, 1, 2]
        where, params = entries_where(ws, "is:pending", Period.all(), None)
        [pending] = entries.window(ws.conn, where, params, 0, 10)
        assert pending.status == "pending" and pending.pending and pending.entered_by == "raj"
        with pytest.raises(UserError, match="unknown campaign"):
            entries_where(ws, "+nope", Period.all(), None)
    finally:
        ws.close()


def test_a_filter_being_typed_is_previewed_as_a_count_or_the_reason_it_is_refused(cli: Cli) -> None:
    team = ledger_team(cli)
    for n in range(1, 4):
        add(team, f"{n}.00 EUR", category="tools", date=f"2026-11-{n:02d}")
    add(team, "9 EUR", category="tools", date="2026-12-01")
    add(team, "5 EUR", category="events", date="2026-11-05", extra=("--pending",), as_member="raj")
    ws = Workspace.open(team.workspace)
    try:
        november = Period.parse("2026-11")
        assert preview_filter(ws, "#tools", november) == FilterMatches("#tools", count=3)
        assert preview_filter(ws, "#tools", Period.all()) == FilterMatches("#tools", count=4)
        assert preview_filter(ws, "", november).count == 4
        assert preview_filter(ws, "is:pending @raj", november).count == 1
        assert preview_filter(ws, "#nothing-here", november) == FilterMatches("#nothing-here", count=0)
        refused = preview_filter(ws, "is:lost", november)
        assert refused.count is None and refused.refused == "is:lost: 'lost' is not a state (pending, approved, reversal, reversed, frozen)"
        assert preview_filter(ws, "@me", november).refused == "@me: who are you? pass --as HANDLE"
        assert preview_filter(ws, "date:2026-13", november).refused is not None
        # The pane's `/` reads a period named from the viewer's today, as `ledger list` does.
        today = dt.date(2026, 12, 3)
        assert preview_filter(ws, '#tools date:"last month"', Period.all(), today=today).count == 3
        assert preview_filter(ws, "#tools date:thismonth", Period.all(), today=today).count == 1
        assert preview_filter(ws, "is:", november).refused == "is: a state is missing (try is:pending)"  # it read "0 entries"
        # A currency no entry can have was a filter that matched nothing ("0 entries"), as if none were in euros.
        assert (
            preview_filter(ws, "cur:eu", november).refused == "cur:eu: unknown currency 'EU' (use an ISO 4217 code such as EUR, USD, JPY)"
        )
        assert preview_filter(ws, "-cur:eur", november).count == 0 and preview_filter(ws, "cur:eur", november).count == 4
        typed = preview_filter(ws, "+\x1b]0;owned\x07launch", november)  # what a paste may carry
        assert typed.count is None and typed.refused is not None and "unknown campaign" in typed.refused
        assert not any(ord(ch) < 32 for ch in typed.refused)  # said safely, never raw
    finally:
        ws.close()


def test_an_entry_in_full_with_its_task_reversal_and_approval(cli: Cli) -> None:
    team = ledger_team(cli)
    task = team.ok("add", "Brief the influencer for the reel").strip()
    entry = add(team, "300 EUR", as_member="raj", extra=("--pending", "--task", task[:6]))
    team.ok("ledger", "approve", entry)
    reversal = team.ok("ledger", "reverse", entry).strip()
    ws = Workspace.open(team.workspace)
    try:
        shown = entries.detail(ws.conn, entry, "EUR")
        assert shown is not None
        assert shown.task_title == "Brief the influencer for the reel"
        assert shown.reversed_by is not None and shown.reversed_by.id == reversal and shown.reverses is None
        assert [who for who, _ in shown.approvals] == ["@ana"]  # as shown: a removed member's "ex-@ana"
        back = entries.detail(ws.conn, reversal, "EUR")
        assert back is not None and back.reverses is not None and back.reverses.id == entry
        assert back.approvals == shown.approvals  # a reversal counts with its original
        assert entries.detail(ws.conn, "f" * 32, "EUR") is None
    finally:
        ws.close()
