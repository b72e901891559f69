"""Properties of the ledger's money (hypothesis).

* an entry and its reversal net to zero in every report;
* totals do not depend on the order, batching or duplication of sync;
* conversion follows the one rule: exact, then rounded once, half to even
  (checked against ``fractions.Fraction``, which shares no code with it);
* no float anywhere in the money path.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
import random
import sys
from fractions import Fraction
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.money import MINOR_UNITS
from crewdeck.sync.state.records import budget_id, rate_id
from crewdeck.sync.state.store import Store
from crewdeck.tui.ledger import reports
from crewdeck.tui.ledger.actions import reversal_id
from crewdeck.tui.ledger.period import Period

from .conftest import ROOT, Cli, fresh_store
from .ledger_helpers import add, ledger_team

AS_OF = dt.date(2026, 11, 26)
PM, RAJ = new_id(), new_id()
CAMPAIGNS = [new_id(), new_id()]
CURRENCIES = ["EUR", "USD", "JPY", "KWD"]
PERIODS = [Period.all(), Period.parse("2026-10"), Period.parse("2026-11"), Period.parse("2026-W45"), Period.parse("2026-Q4")]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

entry = st.fixed_dictionaries(
    {
        "day": st.integers(0, 60),
        "campaign": st.sampled_from(CAMPAIGNS),
        "category": st.sampled_from(["influencers", "tools", "events"]),
        "payee": st.sampled_from(["Canva", "Meta Ads", "@cafe_mila"]),
        "amount": st.integers(-(10**9), 10**9).filter(bool),
        "currency": st.sampled_from(CURRENCIES),
        "pending": st.booleans(),
        "approved": st.booleans(),
    }
)
rate = st.tuples(st.sampled_from(CURRENCIES[1:]), st.integers(0, 70), st.integers(1, 10**9), st.integers(0, 9))
ledger = st.tuples(st.lists(entry, min_size=1, max_size=25), st.lists(rate, max_size=8), st.integers(0, 10**6))


def _record(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": (dt.date(2026, 10, 1) + dt.timedelta(days=e["day"])).isoformat(),
        "campaign": e["campaign"],
        "category": e["category"],
        "payee": e["payee"],
        "amount": e["amount"],
        "currency": e["currency"],
        "entered_by": RAJ if e["pending"] else PM,
        "entered_at": "2026-11-20T10:00:00Z",
        "needs_approval": e["pending"],
    }


def _rate_text(digits: int, places: int) -> str:
    text = str(digits).rjust(places + 1, "0")
    return f"{text[:-places]}.{text[-places:]}" if places else text


def _fill(store: Store, entries: list[dict[str, Any]], rates: list[Any], reversed_ids: set[int], skip: set[int]) -> None:
    """Write a ledger; entries in ``skip`` are left out, entries in ``reversed_ids`` get their reversal."""
    with store.write(PM) as w:
        w.create("member", {"handle": "pm", "name": "PM", "tz": "UTC", "role": "project manager"}, row_id=PM)
        w.create("member", {"handle": "raj", "name": "Raj", "tz": "UTC"}, row_id=RAJ)
        w.create("campaign", {"name": "Dated", "start": "2026-10-01", "end": "2026-12-15"}, row_id=CAMPAIGNS[0])
        w.create("campaign", {"name": "Undated"}, row_id=CAMPAIGNS[1])
        for campaign in CAMPAIGNS:
            w.set(
                "budget",
                budget_id(campaign, "tools", "run"),
                {"campaign": campaign, "category": "tools", "period": "run", "amount": 123_456, "currency": "EUR"},
            )
            w.set(
                "budget",
                budget_id(campaign, "events", "2026-11"),
                {"campaign": campaign, "category": "events", "period": "2026-11", "amount": 99_999, "currency": "EUR"},
            )
        for currency, day, digits, places in rates:
            date = (dt.date(2026, 9, 25) + dt.timedelta(days=day)).isoformat()
            w.set(
                "rate", rate_id(date, currency, "EUR"), {"date": date, "base": currency, "quote": "EUR", "rate": _rate_text(digits, places)}
            )
        for i, e in enumerate(entries):
            if i in skip:
                continue
            entry_id = f"{i + 1:032x}"
            record = _record(e)
            w.append("ledger_entry", record, row_id=entry_id)
            if e["pending"] and e["approved"]:
                w.append("approval", {"entry": entry_id, "approved_by": PM, "approved_at": "2026-11-21T10:00:00Z"})
            if i in reversed_ids:
                w.append(
                    "ledger_entry", {**record, "amount": -e["amount"], "reverses": entry_id, "entered_by": PM}, row_id=reversal_id(entry_id)
                )


def _nonzero(amounts: list[dict[str, str]]) -> list[dict[str, str]]:
    return [m for m in amounts if m["amount"].strip("-0.")]


def _all_reports(store: Store, net_only: bool = False) -> list[Any]:
    """Every report (by category, month, payee; each period), as JSON; ``net_only`` keeps what nets out."""
    out = []
    for by in reports.BY:
        for period in PERIODS:
            doc = reports.as_json(reports.build(store.conn, "EUR", by=by, period=period, as_of=AS_OF))
            if net_only:
                # What nets out: amounts, not how many entries made them; a line
                # that is all zeros is the same as no line.
                lines = [
                    (
                        c["id"],
                        line.get(by, ""),
                        _nonzero([line["spent"]]),
                        # ``None``: some of it has no rate, as the same entries leave it without the reversals.
                        line["pending"] and _nonzero([line["pending"]]),
                        line["budget"],
                        _nonzero(line["by_currency"]),
                        _nonzero(line["unconverted"]),
                    )
                    for c in doc["campaigns"]
                    for line in [c["total"], *c["rows"]]
                ]
                doc = [line for line in lines if any(line[2:])]
            out.append(doc)
    return out


@SETTINGS
@given(data=ledger)
def test_an_entry_and_its_reversal_net_to_zero_in_every_report(tmp_path_factory: Any, data: Any) -> None:
    entries, rates, seed = data
    chosen = set(random.Random(seed).sample(range(len(entries)), k=random.Random(seed).randint(1, len(entries))))
    directory = tmp_path_factory.mktemp("net")
    with_reversals, without = fresh_store(directory, "a.db"), fresh_store(directory, "b.db")
    _fill(with_reversals, entries, rates, reversed_ids=chosen, skip=set())
    _fill(without, entries, rates, reversed_ids=set(), skip=chosen)
    assert _all_reports(with_reversals, net_only=True) == _all_reports(without, net_only=True)
    with_reversals.close()
    without.close()


@SETTINGS
@given(data=ledger)
def test_totals_do_not_depend_on_the_order_of_sync(tmp_path_factory: Any, data: Any) -> None:
    entries, rates, seed = data
    rng = random.Random(seed)
    directory = tmp_path_factory.mktemp("order")
    source = fresh_store(directory, "source.db")
    _fill(source, entries, rates, reversed_ids=set(rng.sample(range(len(entries)), k=len(entries) // 3)), skip=set())
    ops = [op for _, op in source.ops_after(0, 10**9)]
    results = []
    for name in ("first.db", "second.db"):
        replica = fresh_store(directory, name)
        replica.wall = lambda: 1_800_000_000_000
        shuffled = ops + rng.sample(ops, k=min(5, len(ops)))
        rng.shuffle(shuffled)
        while shuffled:
            cut = rng.randint(1, len(shuffled))
            replica.apply(shuffled[:cut])
            shuffled = shuffled[cut:]
        results.append(json.dumps(_all_reports(replica)))
        replica.close()
    assert results[0] == results[1] == json.dumps(_all_reports(source))
    source.close()


def _half_even(value: Fraction) -> int:
    whole, rest = divmod(value, 1)
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2):
        return int(whole) + 1
    return int(whole)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amounts=st.lists(
        st.tuples(st.sampled_from([*CURRENCIES, "GBP"]), st.integers(-(10**12), 10**12).filter(bool), st.integers(0, 30)),
        min_size=1,
        max_size=20,
    ),
    rate_digits=st.lists(st.tuples(st.integers(1, 10**12 - 1), st.integers(0, 12)), min_size=4, max_size=4),
)
def test_conversion_is_exact_then_rounded_once_half_to_even(tmp_path_factory: Any, amounts: Any, rate_digits: Any) -> None:
    store = fresh_store(tmp_path_factory.mktemp("round"), "r.db")
    rates = {c: _rate_text(*d) for c, d in zip(["USD", "JPY", "KWD", "GBP"], rate_digits)}
    with store.write(PM) as w:
        for currency, text in rates.items():
            w.set("rate", rate_id("2026-01-01", currency, "EUR"), {"date": "2026-01-01", "base": currency, "quote": "EUR", "rate": text})
        for currency, amount, day in amounts:
            w.append(
                "ledger_entry",
                {
                    "date": f"2026-01-{day + 1:02d}",
                    "campaign": CAMPAIGNS[0],
                    "category": "tools",
                    "payee": "x",
                    "amount": amount,
                    "currency": currency,
                    "entered_by": PM,
                    "entered_at": "2026-11-20T10:00:00Z",
                },
            )
    exact = sum((Fraction(a, 10 ** MINOR_UNITS[c]) * (Fraction(rates[c]) if c != "EUR" else 1) for c, a, _ in amounts), Fraction(0))
    expected = _half_even(exact * 100)
    doc = reports.as_json(reports.build(store.conn, "EUR", as_of=AS_OF))
    spent = doc["campaigns"][0]["total"]["spent"]
    assert spent["currency"] == "EUR"
    assert int(spent["amount"].replace(".", "")) == expected
    store.close()


# ---------------------------------------------------------------- no float


def _module_files(*names: str) -> list[Path]:
    """The files these modules run from (under an editable install, the installed tree's links)."""
    return [Path(str(importlib.import_module(name).__file__)) for name in names]


MONEY_PATH = _module_files(
    "crewdeck.sync.state.money",
    "crewdeck.tui.cli.cmd_ledger",
    "crewdeck.tui.cli.ledger_commands",
    *(f"crewdeck.tui.ledger.{p.stem}" for p in sorted((ROOT / "tui" / "ledger").glob("*.py")) if p.stem != "__init__"),
)


def test_the_money_path_has_no_float_in_its_source() -> None:
    problems = []
    for path in MONEY_PATH:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                problems.append(f"{where}: float literal {node.value}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
                problems.append(f"{where}: float()")
            elif isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.Div):
                problems.append(f"{where}: true division makes floats")
    assert len(MONEY_PATH) >= 10
    assert problems == []


def _floats(value: Any, depth: int = 0) -> bool:
    if isinstance(value, float):
        return True
    if depth < 3 and isinstance(value, (list, tuple, set, frozenset)):
        return any(_floats(v, depth + 1) for v in list(value)[:50])
    if depth < 3 and isinstance(value, dict):
        return any(_floats(v, depth + 1) for v in list(value.values())[:50])
    return False


def test_no_float_is_ever_held_in_the_money_path(cli: Cli, tmp_path: Path) -> None:
    """Run every ledger command under a tracer that looks at every local and return value."""
    team = ledger_team(cli)
    team.ok("budget", "set", "spring-launch", "tools", "300", "--month", "2026-11")
    team.ok("budget", "set", "spring-launch", "influencers", "4000")
    files = {str(p) for p in MONEY_PATH}
    seen: list[str] = []
    checked = {"frames": 0}

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename not in files:
            return None
        if event == "return":
            checked["frames"] += 1
            for name, value in [*frame.f_locals.items(), ("<return>", arg)]:
                if _floats(value):
                    seen.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}: {name} = {value!r}")
        return tracer

    csv_file = tmp_path / "in.csv"
    csv_file.write_text("date,campaign,category,payee,amount,currency\n2026-11-02,spring-launch,tools,Canva,12.99,USD\n")
    sys.settrace(tracer)
    try:
        entry = add(team, "1234.56 USD", category="tools")
        add(team, "15000 JPY", extra=("--pending",), as_member="raj")
        team.ok("ledger", "reverse", entry)
        team.ok("ledger", "import", str(csv_file))
        outputs = [team.ok("ledger", "report", "--json", "--by", by) for by in reports.BY]
        outputs.append(team.ok("ledger", "report", "--json", "--period", "2026-W48"))
        outputs.append(team.ok("ledger", "list", "--json"))
        team.ok("ledger", "report")
        team.ok("ledger", "export", "--format", "hledger")
        team.ok("ledger", "export", "--format", "csv")
    finally:
        sys.settrace(None)
    assert checked["frames"] > 500
    assert seen == []

    def no_float(text: str) -> Any:
        raise AssertionError(f"a float in JSON output: {text}")

    for text in outputs:
        json.loads(text, parse_float=no_float)
