"""A generated ledger: campaigns, rates, budgets and entries in several currencies.

Seeded, so a failure can be replayed.  Pending entries (some approved) and
reversals are mixed in, so every rule of the ledger is in the data.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from crewdeck.sync.state.ids import new_id
from crewdeck.sync.state.records import budget_id, rate_id
from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main
from crewdeck.tui.ledger.actions import reversal_id

CURRENCIES = [("EUR", 2, 40), ("USD", 2, 30), ("GBP", 2, 12), ("JPY", 0, 10), ("KWD", 3, 8)]
CATEGORIES = ["sponsored-posts", "influencers", "content-tools", "freelancers", "events"]
PAYEES = ["Meta Ads", "LinkedIn Marketing", "@cafe_mila", "@urban.lens", "Canva", "Figma", "Studio Nord", "Venue hire"]
CAMPAIGNS = [("Spring Launch", "2026-01-05", "2026-06-30"), ("Holiday Gifting", "2026-09-01", "2026-12-31"), ("Brand Refresh", None, None)]
FIRST = dt.date(2026, 1, 1)
DAYS = 330


def build(path: Path, entries: int, seed: int = 7) -> None:
    """A workspace at ``path`` (base EUR, ana the project manager, raj an analyst)."""
    assert main(["init", str(path), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    rng = random.Random(seed)
    store = Store(path)
    ana = store.conn.execute("SELECT id FROM member WHERE handle = 'ana'").fetchone()[0]
    with store.write(ana) as w:
        w.set("member", ana, {"role": "project manager"})
        raj = w.create("member", {"handle": "raj", "name": "Raj", "tz": "Asia/Kolkata"})
        campaigns = []
        for name, start, end in CAMPAIGNS:
            campaigns.append(w.create("campaign", {"name": name, "start": start, "end": end}))
        for currency, _, _ in CURRENCIES[1:]:
            days = sorted({FIRST - dt.timedelta(days=1)} | {FIRST + dt.timedelta(days=rng.randrange(DAYS)) for _ in range(12)})
            for day in days:
                # The rate in ten-thousandths, within 5 % of a plausible one, sometimes a fifth decimal.
                scale = {"USD": 9000, "GBP": 11500, "JPY": 61, "KWD": 29800}[currency]
                digits = rng.randint(scale - scale // 20, scale + scale // 20)
                text = f"{digits // 10**4}.{digits % 10**4:04d}" + ("" if rng.random() < 0.5 else str(rng.randint(1, 9)))
                w.set(
                    "rate",
                    rate_id(day.isoformat(), currency, "EUR"),
                    {"date": day.isoformat(), "base": currency, "quote": "EUR", "rate": text},
                )
        for campaign in campaigns:
            for category in rng.sample(CATEGORIES, 3):
                w.set(
                    "budget",
                    budget_id(campaign, category, "run"),
                    {
                        "campaign": campaign,
                        "category": category,
                        "period": "run",
                        "amount": rng.randint(1_000, 80_000) * 100,
                        "currency": "EUR",
                    },
                )
            for month in rng.sample(range(1, 12), 4):
                category = rng.choice(CATEGORIES)
                period = f"2026-{month:02d}"
                w.set(
                    "budget",
                    budget_id(campaign, category, period),
                    {
                        "campaign": campaign,
                        "category": category,
                        "period": period,
                        "amount": rng.randint(100, 9_000) * 100 + rng.choice([0, 50, 99]),
                        "currency": "EUR",
                    },
                )
    # Entries are written by whoever enters them: raj enters the pending ones, ana the rest and approves.
    writes: list[tuple[str, str, dict[str, object], str | None]] = []
    made: list[tuple[str, dict[str, object]]] = []
    for i in range(entries):
        currency, places, _ = rng.choices(CURRENCIES, [c[2] for c in CURRENCIES])[0]
        pending = rng.random() < 0.1
        record = {
            "date": (FIRST + dt.timedelta(days=rng.randrange(DAYS))).isoformat(),
            "campaign": rng.choice(campaigns),
            "category": rng.choice(CATEGORIES),
            "payee": rng.choice(PAYEES),
            "amount": rng.randint(1, 80_000) * 10**places // 100 or 1,
            "currency": currency,
            "memo": f"invoice {i}" if rng.random() < 0.5 else "",
            "entered_by": raj if pending else ana,
            "entered_at": f"2026-11-{rng.randint(1, 25):02d}T10:00:00Z",
            "needs_approval": pending,
        }
        if rng.random() < 0.04:
            record["amount"] = -int(record["amount"])  # a refund
        entry = new_id()
        writes.append((str(record["entered_by"]), "ledger_entry", record, entry))
        made.append((entry, record))
        if pending and rng.random() < 0.5:
            writes.append((ana, "approval", {"entry": entry, "approved_by": ana, "approved_at": "2026-11-26T08:00:00Z"}, None))
    # Amounts whose value in euros ends in exactly half a cent: the rounding rule decides them.
    for category, cents in (("rounding-a", 1), ("rounding-b", 5), ("rounding-c", 7), ("rounding-d", -5)):
        writes.append(
            (
                ana,
                "ledger_entry",
                {
                    "date": "2026-03-03",
                    "campaign": campaigns[-1],
                    "category": category,
                    "payee": "Bank fees",
                    "amount": cents,
                    "currency": "CHF",
                    "entered_by": ana,
                    "entered_at": "2026-11-26T09:00:00Z",
                },
                None,
            )
        )
    for entry, record in rng.sample(made, len(made) // 20):
        writes.append(
            (
                ana,
                "ledger_entry",
                {
                    **record,
                    "amount": -int(record["amount"]),
                    "reverses": entry,
                    "memo": "reversal",
                    "entered_by": ana,
                    "entered_at": "2026-11-26T09:00:00Z",
                },
                reversal_id(entry),
            )
        )
    for author in (raj, ana):
        with store.write(author) as w:
            for who, entity, values, row_id in writes:
                if who == author:
                    w.append(entity, values, row_id=row_id)
        if author == raj:
            with store.write(ana) as w:
                w.set("rate", rate_id("2025-12-31", "CHF", "EUR"), {"date": "2025-12-31", "base": "CHF", "quote": "EUR", "rate": "0.5"})
    store.close()
