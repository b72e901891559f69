"""Spend per platform: a post's entries on its platform, a campaign's own entries on the platform their payee names."""

from __future__ import annotations

from pathlib import Path

from .syncsupport import crewdeck
from .test_results import _post, _report, ws  # noqa: F401 (ws: the fixture)


def _by_platform(ws: Path, period: str) -> dict[str, dict]:  # noqa: F811
    return {row["platform"]: row for row in _report(ws, "--by", "platform", "--period", period)["rows"]}


def test_campaign_spend_counts_on_the_platform_its_payee_names_when_the_campaign_is_on_it(ws: Path) -> None:  # noqa: F811
    post = _post(ws)  # on instagram, the campaign's listed platform
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(*w, "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "clicks=10")
    crewdeck(*w, "kpi", "add", "+launch/meta", "2026-11-20", "impressions=4000", "clicks=40")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--date", "2026-11-20"]
    crewdeck(*ledger, "--payee", "Meta", "--amount", "45.00 EUR", "--task", post[:8])  # a post's: its platform, whoever is paid
    crewdeck(*ledger, "--payee", "Meta", "--amount", "30.00 EUR")  # meta: a platform the campaign's results are on
    crewdeck(*ledger, "--payee", "Instagram", "--amount", "20.00 EUR")  # the campaign's listed platform, case aside
    crewdeck(*ledger, "--payee", "Photo studio", "--amount", "15.00 EUR")  # no platform
    crewdeck(*ledger, "--payee", "TikTok", "--amount", "12.00 EUR")  # a platform, but not one of this campaign's

    rows = _by_platform(ws, "2026-11-20")
    assert set(rows) == {"instagram", "meta", ""}
    assert rows["instagram"]["spend"] == {"amount": "65.00", "currency": "EUR"}
    assert rows["instagram"]["kpis"]["cpc"]["value"] == "6.50"  # 65 / 10
    assert rows["meta"]["spend"] == {"amount": "30.00", "currency": "EUR"}
    assert rows["meta"]["kpis"]["cpc"]["value"] == "0.75"  # 30 / 40
    assert rows[""]["spend"] == {"amount": "27.00", "currency": "EUR"}
    # The campaign's total is every entry, whatever platform each went to.
    assert _report(ws, "--period", "2026-11-20")["rows"][0]["spend"] == {"amount": "122.00", "currency": "EUR"}


def test_a_payee_names_a_platform_by_its_first_word_as_invoices_do(ws: Path) -> None:  # noqa: F811
    # "Meta Ads" (ledger add --help's example), "TikTok For Business": they sat on "(no platform)", meta's CPC "—".
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck("-w", str(ws), "--as", "ana", "campaign", "set", "launch", "--platforms", "instagram,tiktok")
    crewdeck(*w, "kpi", "add", "+launch/meta", "2026-11-20", "impressions=4000", "clicks=40")
    crewdeck(*w, "kpi", "add", "+launch/tiktok", "2026-11-20", "impressions=1000", "clicks=10")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--date", "2026-11-20"]
    crewdeck(*ledger, "--payee", "Meta Ads", "--amount", "30.00 EUR")
    crewdeck(*ledger, "--payee", "META  platforms ireland", "--amount", "10.00 EUR")  # case and spacing aside
    crewdeck(*ledger, "--payee", "TikTok For Business", "--amount", "12.00 EUR")
    crewdeck(*ledger, "--payee", "Studio Meta", "--amount", "15.00 EUR")  # a later word names no platform
    crewdeck(*ledger, "--payee", "LinkedIn Marketing Solutions", "--amount", "7.00 EUR")  # not one of the campaign's

    rows = _by_platform(ws, "2026-11-20")
    assert rows["meta"]["spend"] == {"amount": "40.00", "currency": "EUR"}
    assert rows["meta"]["kpis"]["cpc"]["value"] == "1.00"  # 40 / 40
    assert rows["tiktok"]["spend"] == {"amount": "12.00", "currency": "EUR"}
    assert rows["tiktok"]["kpis"]["cpc"]["value"] == "1.20"
    assert rows[""]["spend"] == {"amount": "22.00", "currency": "EUR"}
    posts = {row["post"]: row for row in _report(ws, "--by", "post", "--period", "2026-11-20")["rows"]}
    assert posts["/meta"]["spend"] == {"amount": "40.00", "currency": "EUR"}
    assert posts["/tiktok"]["kpis"]["cpc"]["value"] == "1.20"


def test_the_spend_an_ad_export_brings_counts_on_the_platform_of_its_results(ws: Path, tmp_path: Path) -> None:  # noqa: F811
    # Columns as Meta Ads Manager documents its export broken down by day (the file itself cannot be downloaded here).
    export = tmp_path / "ads.csv"
    export.write_text(
        "Campaign name,Day,Reporting starts,Reporting ends,Reach,Impressions,Link clicks,Results,Amount spent (EUR)\n"
        "Launch,2026-11-22,2026-11-22,2026-11-22,900,2500,50,4,62.50\n",
        encoding="utf-8",
    )
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(export), "--format", "meta", "--spend")
    rows = _by_platform(ws, "2026-11-22")
    assert set(rows) == {"meta"}
    assert rows["meta"]["spend"] == {"amount": "62.50", "currency": "EUR"}
    assert rows["meta"]["kpis"]["cpc"]["value"] == "1.25"  # 62.50 / 50
    assert rows["meta"]["kpis"]["cpa"]["value"] == "15.62"  # 15.625, half to even


def test_per_post_the_spend_an_ad_export_brings_sits_on_its_platforms_row(ws: Path, tmp_path: Path) -> None:  # noqa: F811
    # --by post (and the Results screen's posts) showed /meta with 0.00 spend and CPC 0.00, the import's 62.50 on "(no post)".
    post = _post(ws)
    export = tmp_path / "ads.csv"
    export.write_text(
        "Campaign name,Day,Reporting starts,Reporting ends,Reach,Impressions,Link clicks,Results,Amount spent (EUR)\n"
        "Launch,2026-11-22,2026-11-22,2026-11-22,900,2500,50,4,62.50\n",
        encoding="utf-8",
    )
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(*w, "kpi", "import", str(export), "--format", "meta", "--spend")
    crewdeck(*w, "kpi", "add", post[:8], "2026-11-22", "impressions=1000", "clicks=10")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--date", "2026-11-22"]
    crewdeck(*ledger, "--payee", "Photo studio", "--amount", "15.00 EUR")  # no platform: the campaign's row with no post
    crewdeck(*ledger, "--payee", "Studio", "--amount", "5.00 EUR", "--task", post[:8])
    rows = {row["post"]: row for row in _report(ws, "--by", "post", "--period", "2026-11-22")["rows"]}
    assert set(rows) == {"/meta", post, ""}
    assert rows["/meta"]["spend"] == {"amount": "62.50", "currency": "EUR"}
    assert rows["/meta"]["kpis"]["cpc"]["value"] == "1.25"  # 62.50 / 50
    assert rows[post]["spend"] == {"amount": "5.00", "currency": "EUR"}
    assert rows[""]["spend"] == {"amount": "15.00", "currency": "EUR"}


def test_the_spend_a_plain_csv_brings_counts_on_the_platform_of_its_rows(ws: Path, tmp_path: Path) -> None:  # noqa: F811
    # A CSV row "Launch,tiktok,...,20.00 EUR" imported with --spend: its entry was paid to "ads", so per platform the
    # 20.00 sat on "(no platform)" and tiktok read spend 0.00, CPC 0.00 beside its 10 clicks.
    post = _post(ws)  # on instagram
    export = tmp_path / "results.csv"
    export.write_text(
        "date,post,campaign,platform,clicks,impressions,spend\n"
        "2026-11-24,,Launch,tiktok,10,1000,20.00 EUR\n"
        f"2026-11-24,{post},,,4,400,6.00 EUR\n",
        encoding="utf-8",
    )
    crewdeck("-w", str(ws), "--as", "raj", "kpi", "import", str(export), "--format", "csv", "--spend")
    rows = _by_platform(ws, "2026-11-24")
    assert set(rows) == {"tiktok", "instagram"}
    assert rows["tiktok"]["spend"] == {"amount": "20.00", "currency": "EUR"} and rows["tiktok"]["kpis"]["cpc"]["value"] == "2.00"
    assert rows["instagram"]["spend"] == {"amount": "6.00", "currency": "EUR"} and rows["instagram"]["kpis"]["cpc"]["value"] == "1.50"
    posts = {row["post"]: row for row in _report(ws, "--by", "post", "--period", "2026-11-24")["rows"]}
    assert set(posts) == {"/tiktok", post} and posts["/tiktok"]["spend"] == {"amount": "20.00", "currency": "EUR"}


def test_a_cost_rate_whose_spend_comes_from_other_platforms_than_its_count_is_said_to_mix_them(ws: Path) -> None:  # noqa: F811
    # LinkedIn's export gave impressions and no clicks, Meta's both; each was paid for.  The campaign's CPC was both
    # platforms' spend over Meta's clicks alone, shown as the campaign's with not a word: only two counts were compared.
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(*w, "kpi", "add", "+launch/meta", "2026-11-20", "impressions=4000", "clicks=40", "conversions=4", "value=80.00 EUR")
    crewdeck(*w, "kpi", "add", "+launch/linkedin", "2026-11-20", "impressions=1000")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--date", "2026-11-20"]
    crewdeck(*ledger, "--payee", "Meta", "--amount", "30.00 EUR")
    linkedin = crewdeck(*ledger, "--payee", "LinkedIn", "--amount", "10.00 EUR").strip()

    row = _report(ws, "--period", "2026-11-20")["rows"][0]
    assert row["kpis"]["cpc"]["value"] == "1.00"  # 40 / 40, as defined
    assert row["mixed_platforms"] == {
        "ctr": "clicks from meta only by impressions from linkedin and meta",
        "cpc": "spend from linkedin and meta by clicks from meta only",
        "cpa": "spend from linkedin and meta by conversions from meta only",
        "roas": "conversion value from meta only by spend from linkedin and meta",
    }  # CPM divides by impressions from both: like with like
    [day] = _report(ws, "--by", "day", "--period", "2026-11-20")["rows"]
    assert day["mixed_platforms"]["cpc"] == "spend from linkedin and meta by clicks from meta only"
    said = crewdeck("-w", str(ws), "--as", "ana", "kpi", "report", "--csv", "--period", "2026-11-20")
    assert "CPC divides spend from linkedin and meta by clicks from meta only" in said
    # Per platform each is one platform's: LinkedIn's CPC has no clicks to divide by, Meta's is its own.
    assert all("mixed_platforms" not in r for r in _by_platform(ws, "2026-11-20").values())

    # Spend whose payee names no platform of the campaign is the campaign's as a whole: no side, nothing more said.
    crewdeck(*ledger, "--payee", "Photo studio", "--amount", "15.00 EUR")
    row = _report(ws, "--period", "2026-11-20")["rows"][0]
    assert row["kpis"]["cpc"]["value"] == "1.38" and "cpm" not in row["mixed_platforms"], row
    assert row["mixed_platforms"]["cpc"] == "spend from linkedin and meta by clicks from meta only"

    # LinkedIn's spend reversed: none of it counts, and the cost rates are Meta's spend (and the studio's) over Meta's
    # counts (review rd: an entry and its reversal were two entries, and LinkedIn stayed a side of spend netting to 0).
    crewdeck(*w, "ledger", "reverse", linkedin)
    row = _report(ws, "--period", "2026-11-20")["rows"][0]
    assert not {"cpc", "cpa", "roas"} & set(row.get("mixed_platforms", {})), row


def test_a_cost_rate_of_one_platforms_spend_and_counts_is_not_said_to_mix(ws: Path) -> None:  # noqa: F811
    post = _post(ws)  # on instagram
    w = ["-w", str(ws), "--as", "raj"]
    crewdeck(*w, "kpi", "add", post[:8], "2026-11-20", "impressions=1000", "clicks=10")
    ledger = [*w, "ledger", "add", "--campaign", "launch", "--category", "ads", "--date", "2026-11-20"]
    crewdeck(*ledger, "--payee", "Meta", "--amount", "45.00 EUR", "--task", post[:8])  # the post's: on instagram
    crewdeck(*ledger, "--payee", "Instagram", "--amount", "5.00 EUR")
    # A tool and a photographer, paid for the campaign as a whole (review: each such row's every cost rate read ~).
    crewdeck(*ledger, "--payee", "Canva", "--amount", "12.00 EUR")
    row = _report(ws, "--period", "2026-11-20")["rows"][0]
    assert row["kpis"]["cpc"]["value"] == "6.20" and "mixed_platforms" not in row
