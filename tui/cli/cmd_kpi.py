"""Results commands: kpi add/report/import (the commands live in ``kpi_commands``, imported when one runs)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from crewdeck.tui.cli.common import Context, quiet_option
from crewdeck.tui.results import REPORT_GROUPINGS


def _command(name: str) -> Callable[[Context], int]:
    def run(ctx: Context) -> int:
        from crewdeck.tui.cli import kpi_commands

        return int(getattr(kpi_commands, name)(ctx))

    return run


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    kpi = sub.add_parser(
        "kpi",
        parents=parents,
        help="results per post and campaign: add, import, report, review",
        description="Daily results (impressions, reach, engagements, clicks, conversions, ...) and the KPIs they give against the spend.",
    )
    ksub = kpi.add_subparsers(dest="kpi_command", metavar="COMMAND", required=True)

    p = ksub.add_parser(
        "add",
        parents=parents,
        help="enter a day's numbers by hand",
        description="Enter one day's counts for a post (its id, or its title when one post has it), a campaign on a platform (+campaign/platform) or a platform's "
        "followers (/platform). A later entry for the same day replaces each count it gives; METRIC=none clears one "
        "(a conversion value keeps its currency until cleared: value=none, then the value in the other currency).",
    )
    p.add_argument("target", metavar="POST|+CAMPAIGN/PLATFORM|/PLATFORM", help="what the numbers count")
    p.add_argument("date", metavar="DATE", help="the day counted (2026-11-20, yesterday, mon, ...)")
    p.add_argument(
        "metrics",
        nargs="+",
        metavar="METRIC=N",
        help="impressions reach engagements reactions comments shares saves clicks video_3s video_complete conversions "
        'followers, or value="42.00 EUR" (conversion value)',
    )
    quiet_option(p)
    p.set_defaults(func=_command("cmd_add"))

    p = ksub.add_parser(
        "import",
        parents=parents,
        help="results (and spend) from an ad platform's export or a CSV",
        description="Import daily results: Meta Ads Manager's export broken down by day, LinkedIn Campaign Manager's CSV export, "
        "or a CSV with a header row. All or nothing; every bad row is listed as FILE:LINE: column: problem. "
        "Importing the same file again changes nothing.",
    )
    p.add_argument("file", metavar="FILE", help="the CSV file (- for standard input)")
    p.add_argument("--format", choices=("meta", "linkedin", "csv"), required=True, help="whose export the file is")
    p.add_argument(
        "--map", action="append", metavar="METRIC=COLUMN", help="read METRIC from another column (repeatable; as ledger import --map)"
    )
    p.add_argument("--spend", action="store_true", help="also add each row's amount spent to the ledger (once: ids come from the rows)")
    p.add_argument(
        "--account",
        metavar="NAME",
        help="the ad account all the file's rows are of, over its Account name or Account ID column (an account another "
        "export named by its name or id): another account's import of a campaign's day is then refused, not replacing it",
    )
    p.add_argument(
        "--decimal-mark",
        metavar="MARK",
        help="',' for conversion values and spend written 1.200,50 and counts 12.500 (dots group thousands), as ledger "
        "import reads amounts; a space groups thousands under either mark (12 500, 1 234,50); default '.'",
    )
    p.set_defaults(func=_command("cmd_import"))

    p = ksub.add_parser(
        "review",
        parents=parents,
        help="review tasks for campaigns falling off target: on or off (managers)",
        description="When on, a campaign that falls off one of its KPI targets after results are added or imported gets a "
        "review task, assigned to a manager. Off by default.",
    )
    p.add_argument("state", choices=("on", "off"), help="on or off")
    p.set_defaults(func=_command("cmd_review"))

    p = ksub.add_parser(
        "report",
        parents=parents,
        help="KPIs per campaign, post, platform or day against the spend",
        description="Counts, spend (as ledger report counts it, in the base currency) and every KPI, per campaign or finer. "
        "Per campaign, every campaign running in the period has a row, of '—' where nothing is reported.",
    )
    p.add_argument("campaign", nargs="?", metavar="+CAMPAIGN", help="only this campaign")
    p.add_argument(
        "--period",
        metavar="P",
        help="only this period (default: all time): 2026-11-26, 2026-W48, 2026-11, 2026-Q4, 2026, this week, last month, all or run"
        " (each campaign over its own run); today, this and last are yours, in your zone",
    )
    p.add_argument(
        "--by", choices=REPORT_GROUPINGS, default="campaign", help="rows per campaign, post, platform or day (default: %(default)s)"
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON (amounts and rates as decimal strings)")
    out.add_argument("--csv", action="store_true", help="print CSV")
    p.set_defaults(func=_command("cmd_report"))
