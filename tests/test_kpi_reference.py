"""Every KPI against an independent reference: the same numbers in DuckDB SQL.

A seeded generator makes 1,100 days of daily counts (posts on three
platforms, campaigns on a platform without posts, followers) and spend in
four currencies (EUR, the base; USD; JPY, which has no minor unit; INR,
whose rates are set the other way round, EUR/INR, as hledger infers a
reverse price) with dated rates, pending and approved entries, and reversals.  The same raw data goes into the
workspace (through the store's ordinary writes) and into CSV files.  DuckDB
computes every KPI from the CSVs on its own: integer minor units, exact
integer products with the rates (quotients by a reverse rate to 10^-20 EUR,
far below any digit shown), and the rounding rule spelled out (half
to even, once: DuckDB's ``round`` rounds half away from zero and its ``/``
on decimals gives doubles, so neither is used).  The two must agree to the
last digit, per campaign, post, platform and day, for all time and a period.
A row no counted entry is linked to has no cost KPIs (unknown, not 0); one
whose entries net to 0 (an entry and its reversal) has them at 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest

from crewdeck.sync.state.records import RESULT_COUNTS
from crewdeck.sync.state.store import Store
from crewdeck.tui.results import report
from crewdeck.tui.results.keys import Key

from .syncsupport import crewdeck

FIRST = dt.date(2023, 6, 1)
DAYS = 1_100
#: Minor-unit exponents of the four currencies; rates have 6 decimals.  INR's are set the other way round, EUR/INR.
EXP = {"EUR": 2, "USD": 2, "JPY": 0, "INR": 2}
PLATFORMS = ("instagram", "tiktok", "linkedin")
#: Who spend is paid to: platforms by their name or their first word, and a studio (none, whatever its later words).
PAYEES = ("Meta", "TikTok", "LinkedIn", "Photo studio", "Meta Ads", "TikTok For Business", "linkedin  marketing", "Studio Meta")


def _days() -> list[str]:
    return [(FIRST + dt.timedelta(days=i)).isoformat() for i in range(DAYS)]


class Data:
    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.days = _days()
        self.campaigns = [f"{i:032x}" for i in range(1, 4)]
        #: A campaign's listed platforms (``campaign add --platforms``): its spend paid to one of them counts on it.
        self.listed = {self.campaigns[0]: ["LinkedIn"]}
        self.posts: dict[str, tuple[str, str]] = {}
        for n in range(9):
            # Task platforms are free tags: "Instagram" and "instagram" are one platform to results.
            platform = PLATFORMS[n % 3] if n != 4 else "Instagram"
            self.posts[f"{0xA0 + n:032x}"] = (self.campaigns[n % 3], platform)
        self.results: list[dict[str, Any]] = []
        for post in self.posts:
            currency = ("EUR", "USD", "JPY", "INR")[int(post, 16) % 4]
            for day in self.days:
                if rng.random() < 0.6:
                    self.results.append(self._counts(rng, {"kind": "post", "post": post, "day": day}, currency))
        for campaign in self.campaigns:
            for day in self.days:
                if rng.random() < 0.5:
                    self.results.append(
                        self._counts(rng, {"kind": "campaign", "campaign": campaign, "platform": "meta", "day": day}, "EUR")
                    )
        for platform in (*PLATFORMS, "meta"):
            for day in self.days:
                if rng.random() < 0.8:
                    self.results.append({"kind": "followers", "platform": platform, "day": day, "followers": rng.randint(1_000, 90_000)})
        #: ``(day, base, quote, rate)``: into EUR, or out of it (EUR/INR, a reverse rate: 1 INR = 1/rate EUR).
        self.rates: list[tuple[str, str, str, str]] = []
        for currency, low, high in (("USD", 800_000, 990_000), ("JPY", 5_500, 7_500)):
            for i in range(0, DAYS, 5):
                self.rates.append((self.days[i], currency, "EUR", f"0.{rng.randint(low, high):06d}"))
        for i in range(0, DAYS, 7):
            self.rates.append((self.days[i], "EUR", "INR", f"{rng.randint(80, 95)}.{rng.randint(0, 999_999):06d}"))
        self.entries: list[dict[str, Any]] = []
        self.unlinked = list(self.posts)[-1]
        for day in self.days:
            for _ in range(rng.randint(1, 5)):
                currency = rng.choice(("EUR", "USD", "JPY", "INR"))
                campaign = rng.choice(self.campaigns)
                # The last post's spend is booked on its campaign, never on it: its cost KPIs are unknown.
                linked = [p for p, (c, _) in self.posts.items() if c == campaign and p != self.unlinked]
                task = rng.choice(linked) if rng.random() < 0.3 else None
                amount = rng.randint(100, 90_000) * (1 if currency != "JPY" else 3)
                self.entries.append(
                    {
                        "id": f"{0xE0000 + len(self.entries):032x}",
                        "date": day,
                        "campaign": campaign,
                        "task": task,
                        "amount": amount,
                        "currency": currency,
                        "pending": rng.random() < 0.1,
                        # Meta: a platform every campaign's results are on; TikTok: one campaign's posts are;
                        # LinkedIn: the first campaign's listed platform; a studio: no platform.  Invoices name a
                        # platform by its first word too ("Meta Ads"); a word after the first names none.
                        "payee": rng.choice(PAYEES),
                    }
                )
        # Every third entry alone on its campaign's day is reversed: that day spent 0, which counts (its CPC is 0.00).
        alone = [e for e in self.entries if sum(o["date"] == e["date"] and o["campaign"] == e["campaign"] for o in self.entries) == 1]
        reversed_ids = {e["id"] for e in alone[::3]}
        for e in alone[::3]:
            self.entries.append({**e, "id": f"{0xE0000 + len(self.entries):032x}", "amount": -e["amount"], "reverses": e["id"]})
        # Half the pending entries are approved (by the other manager): they count; the rest do not, unless reversed
        # (an entry and its reversal net to zero, approved or not: the ledger counts the pair, and refuses to approve
        # either, rule not_pending).
        self.approved = [
            e["id"] for e in self.entries if e["pending"] and "reverses" not in e and e["id"] not in reversed_ids and int(e["id"], 16) % 2
        ]

    @staticmethod
    def _counts(rng: random.Random, key: dict[str, Any], currency: str) -> dict[str, Any]:
        row = dict(key)
        for name in RESULT_COUNTS:
            if rng.random() < 0.9:
                row[name] = rng.randint(0, 50_000) if name in ("impressions", "reach", "video_3s") else rng.randint(0, 900)
        if rng.random() < 0.3:
            row["conversion_value"] = {"amount": rng.randint(0, 400_000), "currency": currency}
        return row


@pytest.fixture(scope="module")
def data() -> Data:
    return Data(seed=16)


@pytest.fixture(scope="module")
def workspace(data: Data, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reference") / "ws.db"
    crewdeck("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", "--currency", "EUR")
    crewdeck("-w", str(path), "--as", "ana", "member", "add", "mia", "--name", "Mia", "--tz", "UTC", "--access", "manager")
    with Store(path) as store:
        ana, mia = (store.conn.execute("SELECT id FROM member WHERE handle = ?", (h,)).fetchone()[0] for h in ("ana", "mia"))
        with store.write(ana) as w:
            for campaign in data.campaigns:
                w.create("campaign", {"name": f"Campaign {campaign[-1]}", "platforms": data.listed.get(campaign, [])}, row_id=campaign)
            for post, (campaign, platform) in data.posts.items():
                w.create("task", {"title": f"Post {post[-2:]}", "campaign": campaign, "platform": platform, "created_by": ana}, row_id=post)
            for day, base, quote, rate in data.rates:
                w.set("rate", f"rate:{day}:{base}{quote}", {"date": day, "base": base, "quote": quote, "rate": rate})
            for row in data.results:
                key = Key(row["kind"], row.get("post"), row.get("campaign"), row.get("platform"))
                values = {k: v for k, v in row.items() if k not in ("kind", "post", "campaign", "platform", "day")}
                w.set("result", key.row_id(row["day"]), values)
            for e in data.entries:
                w.append(
                    "ledger_entry",
                    {
                        "date": e["date"],
                        "campaign": e["campaign"],
                        "category": "ads",
                        "payee": e["payee"],
                        "amount": e["amount"],
                        "currency": e["currency"],
                        "task": e["task"],
                        "entered_by": ana,
                        "entered_at": "2026-11-20T10:00:00Z",
                        "needs_approval": e["pending"],
                        "reverses": e.get("reverses"),
                    },
                    row_id=e["id"],
                )
        with store.write(mia) as w:
            for entry in data.approved:
                w.append("approval", {"entry": entry, "approved_by": mia, "approved_at": "2026-11-21T10:00:00Z"})
    return path


@pytest.fixture(scope="module")
def csv_dir(data: Data, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The raw data as CSV: what DuckDB reads (it never sees the workspace)."""
    where = tmp_path_factory.mktemp("csv")

    def dump(name: str, header: list[str], rows: list[list[Any]]) -> None:
        with (where / name).open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)

    dump("tasks.csv", ["id", "campaign", "platform"], [[p, c, pl] for p, (c, pl) in data.posts.items()])
    dump("rates.csv", ["date", "base", "quote", "rate"], [list(r) for r in data.rates])
    dump(
        "results.csv",
        ["kind", "post", "campaign", "platform", "day", *RESULT_COUNTS, "followers", "value_amount", "value_currency"],
        [
            [
                r["kind"], r.get("post"), r.get("campaign"), r.get("platform"), r["day"],
                *(r.get(n) for n in RESULT_COUNTS), r.get("followers"),
                r["conversion_value"]["amount"] if "conversion_value" in r else None,
                r["conversion_value"]["currency"] if "conversion_value" in r else None,
            ]
            for r in data.results
        ],
    )  # fmt: skip
    dump(
        "entries.csv",
        ["id", "date", "campaign", "task", "amount", "currency", "pending", "payee", "reverses"],
        [
            [e["id"], e["date"], e["campaign"], e["task"], e["amount"], e["currency"], int(e["pending"]), e["payee"], e.get("reverses")]
            for e in data.entries
        ],
    )
    dump("listed.csv", ["campaign", "platform"], [[c, p] for c, platforms in data.listed.items() for p in platforms])
    dump("approved.csv", ["entry"], [[e] for e in data.approved])
    dump("exponents.csv", ["currency", "exp"], [[c, x] for c, x in EXP.items()])
    return where


#: Half to even, once, on integers (n >= 0, d > 0): the rule crewdeck applies.
_MACROS = """
CREATE MACRO rhe(n, d) AS CASE WHEN d IS NULL OR d = 0 OR n IS NULL THEN NULL
    ELSE (n // d) + CASE WHEN 2 * (n % d) > d OR (2 * (n % d) = d AND (n // d) % 2 = 1) THEN 1 ELSE 0 END END;
CREATE MACRO p10(n) AS CAST(10 ** least(n, 18) AS HUGEINT) * CAST(10 ** greatest(n - 18, 0) AS HUGEINT);
-- m minor units of a currency of exponent x at a rate of micro millionths, in units of 10^-20 EUR: times the rate, or
-- divided by it when it is set the other way round (EUR/INR), to the nearest unit (half to even, either sign).
CREATE MACRO in20(m, x, micro, rev) AS CASE WHEN NOT rev THEN m * p10(14 - x) * micro
    ELSE sign(m) * rhe(abs(m) * p10(26 - x), micro) END;
"""

#: The key of a group within its campaign, per grouping, over results (r, with its post's platform as pl) and entries (e, t).
_RESULT_KEY = {"campaign": "''", "post": "coalesce(r.post, '/' || r.platform)", "platform": "pl", "day": "r.day"}
#: The campaign's platform (cplat) a campaign's own entry's payee names by its whole name, or else by its first word; NULL: none.
_NAMED = (
    "coalesce((SELECT cp.platform FROM cplat cp WHERE cp.campaign = e.campaign AND cp.platform = lower(trim(e.payee))), "
    "(SELECT cp.platform FROM cplat cp WHERE cp.campaign = e.campaign AND cp.platform = regexp_extract(lower(trim(e.payee)), '^\\S+')))"
)
#: Per platform, a campaign's own entry counts on the platform its payee names when the campaign is on it, else on none;
_SPEND_KEY = {
    "campaign": "''",
    # Per post, that platform's campaign row (/meta).
    "post": f"CASE WHEN e.task IS NULL THEN coalesce('/' || {_NAMED}, '') ELSE e.task END",
    "platform": f"CASE WHEN e.task IS NULL THEN coalesce({_NAMED}, '') ELSE coalesce(lower(t.platform), '') END",
    "day": "e.date",
}


def _duckdb_report(csv_dir: Path, by: str, since: str, until: str) -> dict[tuple[str, str], dict[str, int | None]]:
    con = duckdb.connect()
    con.execute(_MACROS)
    for name in ("tasks", "rates", "results", "entries", "approved", "exponents", "listed"):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{csv_dir / (name + '.csv')}', header = true, all_varchar = true)")
    # Rates as exact integers: millionths of a euro per unit (6 decimals in the files), or of the unit per euro (rev).
    micro = "CAST(round(CAST(rate AS DECIMAL(18, 6)) * 1000000) AS HUGEINT)"
    con.execute(
        f"CREATE TABLE rate AS SELECT base AS currency, date, {micro} AS micro, false AS rev FROM rates WHERE quote = 'EUR' "
        f"UNION ALL SELECT quote, date, {micro}, true FROM rates WHERE base = 'EUR' "
        "UNION ALL SELECT 'EUR', '1900-01-01', 1000000, false"
    )
    # Money is in units of 10^-20 EUR (in20): exact for rates into EUR, to 10^-20 for those out of it.
    con.execute(f"""
        CREATE TABLE res AS
        SELECT r.*, CASE WHEN r.kind = 'post' THEN t.campaign ELSE r.campaign END AS camp,
               CASE WHEN r.kind = 'post' THEN lower(t.platform) ELSE r.platform END AS pl
        FROM results r LEFT JOIN tasks t ON t.id = r.post
        WHERE r.kind <> 'followers' AND r.day >= '{since}' AND r.day < '{until}'
    """)
    # A campaign's platforms: those listed, and those its results are on (any day).
    con.execute("""
        CREATE TABLE cplat AS
        SELECT DISTINCT CASE WHEN r.kind = 'post' THEN t.campaign ELSE r.campaign END AS campaign,
               CASE WHEN r.kind = 'post' THEN lower(t.platform) ELSE r.platform END AS platform
        FROM results r LEFT JOIN tasks t ON t.id = r.post WHERE r.kind <> 'followers'
        UNION SELECT campaign, lower(platform) FROM listed
    """)
    counts = ", ".join(f"sum(CAST({n} AS BIGINT)) AS {n}" for n in RESULT_COUNTS)
    con.execute(f"""
        CREATE TABLE g_counts AS
        SELECT camp, {_RESULT_KEY[by]} AS k, {counts}, max(CAST(reach AS BIGINT)) AS reach_max, max(day) AS last_day
        FROM res r GROUP BY 1, 2
    """)
    con.execute(f"""
        CREATE TABLE g_value AS
        SELECT r.camp, {_RESULT_KEY[by]} AS k,
               sum(in20(CAST(r.value_amount AS HUGEINT), CAST(x.exp AS INTEGER), rt.micro, rt.rev)) AS value20
        FROM res r JOIN exponents x ON x.currency = r.value_currency
        ASOF JOIN rate rt ON rt.currency = r.value_currency AND r.day >= rt.date
        WHERE r.value_amount IS NOT NULL GROUP BY 1, 2
    """)
    # Spend summed per group, currency and rate before it is converted: one product (or quotient) per rate.
    con.execute(f"""
        CREATE TABLE g_spend AS
        SELECT camp, k, sum(in20(m, x, micro, rev)) AS spend20, sum(n) AS entries FROM (
            SELECT e.campaign AS camp, {_SPEND_KEY[by]} AS k, CAST(x.exp AS INTEGER) AS x, rt.date, rt.micro, rt.rev,
                   sum(CAST(e.amount AS HUGEINT)) AS m, count(*) AS n
            FROM entries e LEFT JOIN tasks t ON t.id = e.task JOIN exponents x ON x.currency = e.currency
            ASOF JOIN rate rt ON rt.currency = e.currency AND e.date >= rt.date
            WHERE (e.pending = '0' OR coalesce(e.reverses, e.id) IN (SELECT entry FROM approved)
                   OR e.reverses IS NOT NULL OR e.id IN (SELECT reverses FROM entries WHERE reverses IS NOT NULL))
              AND e.date >= '{since}' AND e.date < '{until}'
            GROUP BY 1, 2, 3, 4, 5, 6
        ) GROUP BY 1, 2
    """)
    # Followers: per platform of the group, the latest count up to the group's last day (in the period or before it).
    con.execute(f"""
        CREATE TABLE g_followers AS
        WITH plats AS (SELECT DISTINCT r.camp, {_RESULT_KEY[by]} AS k, r.pl FROM res r),
             f AS (SELECT platform, day, CAST(followers AS BIGINT) AS n FROM results
                   WHERE kind = 'followers' AND day < '{until}')
        SELECT p.camp, p.k, sum(f.n) AS followers
        FROM plats p JOIN g_counts g ON g.camp = p.camp AND g.k = p.k
        ASOF JOIN f ON f.platform = p.pl AND g.last_day >= f.day
        GROUP BY 1, 2
    """)
    # A count no record of the group gave (NULL) or no conversion value makes its KPIs NULL: not reported, not 0.
    # So does spend no counted entry gave (a group with none: its cost KPIs are unknown), while entries netting 0 spent 0.
    rows = con.execute("""
        WITH keys AS (SELECT camp, k FROM g_counts UNION SELECT camp, k FROM g_spend WHERE camp IS NOT NULL)
        SELECT keys.camp, keys.k,
            rhe(coalesce(s.spend20, 0), 1000000000000000000) AS spend,
            rhe(c.engagements * 10000, c.reach_max) AS er_reach,
            rhe(c.engagements * 10000, c.impressions) AS er_impressions,
            rhe(c.engagements * 10000, f.followers) AS er_followers,
            rhe(c.clicks * 10000, c.impressions) AS ctr,
            rhe(CASE WHEN s.entries > 0 THEN s.spend20 END, c.clicks * 1000000000000000000) AS cpc,
            rhe(CASE WHEN s.entries > 0 THEN s.spend20 END * 1000, c.impressions * 1000000000000000000) AS cpm,
            rhe(CASE WHEN s.entries > 0 THEN s.spend20 END, c.conversions * 1000000000000000000) AS cpa,
            rhe(c.conversions * 10000, c.clicks) AS cvr,
            rhe(v.value20 * 100, CASE WHEN s.entries > 0 THEN s.spend20 END) AS roas
        FROM keys LEFT JOIN g_counts c ON c.camp = keys.camp AND c.k = keys.k
        LEFT JOIN g_spend s ON s.camp = keys.camp AND s.k = keys.k
        LEFT JOIN g_value v ON v.camp = keys.camp AND v.k = keys.k
        LEFT JOIN g_followers f ON f.camp = keys.camp AND f.k = keys.k
    """).fetchall()
    names = ["spend", "er_reach", "er_impressions", "er_followers", "ctr", "cpc", "cpm", "cpa", "cvr", "roas"]
    return {(r[0], r[1]): dict(zip(names, r[2:])) for r in rows}


def _hundredths(value: int | None) -> str | None:
    return None if value is None else f"{value // 100}.{value % 100:02d}"


def _crewdeck_report(workspace: Path, by: str, since: str, until: str) -> dict[tuple[str, str], dict[str, str | None]]:
    with Store(workspace) as store:
        bounds = (dt.date.fromisoformat(since), dt.date.fromisoformat(until))
        built = report.as_json(report.build(store.conn, "EUR", by=by, bounds=bounds))
    out = {}
    for row in built["rows"]:
        values = {code: kpi["value"] for code, kpi in row["kpis"].items()}
        values["spend"] = row["spend"]["amount"]
        out[(row["campaign_id"], "" if by == "campaign" else row[by])] = values
    return out


@pytest.mark.parametrize("by", ["campaign", "post", "platform", "day"])
@pytest.mark.parametrize(("since", "until"), [("1900-01-01", "9999-01-01"), ("2025-04-01", "2025-07-01"), ("2024-02-10", "2025-03-20")])
def test_every_kpi_agrees_with_duckdb_to_the_last_digit(workspace: Path, csv_dir: Path, by: str, since: str, until: str) -> None:
    ours = _crewdeck_report(workspace, by, since, until)
    theirs = {
        key: {name: _hundredths(value) for name, value in values.items()}
        for key, values in _duckdb_report(csv_dir, by, since, until).items()
    }
    assert len(ours) >= {"campaign": 3, "post": 15, "platform": 11, "day": 90}[by]
    assert ours.keys() == theirs.keys()
    differing = [(key, ours[key], theirs[key]) for key in ours if ours[key] != theirs[key]]
    assert differing == [], differing[:3]
    # The data reach every case: money KPIs, rates, ratios, and zero denominators somewhere.
    assert any(v["cpa"] is not None for v in ours.values()) and any(v["roas"] not in (None, "0.00") for v in ours.values())
    assert any(v["er_followers"] is not None for v in ours.values())
    # Spend with no results: a zero denominator (a row with no spend linked, whose CPC is "—" too, does not count here).
    assert by == "campaign" or any(v["cpc"] is None and v["spend"] not in (None, "0.00") for v in ours.values())
    if by in ("post", "day"):
        # Rows no counted entry is linked to (cost KPIs unknown, clicks or not): the unlinked post, days with no spend.
        assert any(v["spend"] == "0.00" and v["cpc"] is None and v["ctr"] not in (None, "0.00") for v in ours.values())
    if by == "day":
        assert any(v["spend"] == "0.00" and v["cpc"] == "0.00" for v in ours.values())  # an entry and its reversal: 0 spent


def test_the_generated_data_span_1000_days_three_currencies_and_pending_spend(data: Data) -> None:
    assert len({r["day"] for r in data.results}) >= 1_000
    assert {e["currency"] for e in data.entries} == {"EUR", "USD", "JPY", "INR"}
    assert any(e["pending"] and e["id"] not in data.approved for e in data.entries) and data.approved
    assert len([e for e in data.entries if "reverses" in e]) >= 50
