"""What a crisis started from the app may stop: every post, one platform's or one campaign's.

The app's crisis key offers these after the reason, each saying the posts it
stops now; the one picked is written as ``crisis start --platform`` or
``--campaign`` writes it (``writing.start_crisis``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from crewdeck.sync.state.filerules import FileRuleState
from crewdeck.tui.posts.reading import read_posts
from crewdeck.tui.posts.states import PUBLISHABLE, Crisis, holding
from crewdeck.tui.workspace.words import counted


@dataclass(frozen=True)
class CrisisScope:
    #: The campaigns' ids and the platforms the crisis names, as ``start_crisis`` takes them (none: every post).
    campaigns: tuple[str, ...]
    platforms: tuple[str, ...]
    #: The posts it stops now, said: "4 approved or scheduled posts on instagram".
    posts: str

    @property
    def words(self) -> str:
        """The choice that starts it: "stops 4 approved or scheduled posts on instagram"."""
        return f"stops {self.posts}"


def crisis_scopes(conn: sqlite3.Connection, now: dt.datetime) -> list[CrisisScope]:
    """Every post first, then each platform in use, then each campaign (by name), each with what it stops now."""
    going = [post for post in read_posts(conn, now) if post.state in PUBLISHABLE]

    def stops(campaigns: tuple[str, ...], platforms: tuple[str, ...], where: str) -> CrisisScope:
        # The crisis as it would be, started now: the posts it would hold are those the rules hold (``holding``).
        would = Crisis("", "", frozenset(campaigns), frozenset(platforms), "", now)
        count = sum(1 for post in going if holding(post.facts, [would]))
        return CrisisScope(campaigns, platforms, f"{counted(count, 'approved or scheduled post')}{where}")

    platforms = sorted({platform.lower() for platform in FileRuleState(conn).platforms_in_use()})
    campaigns = conn.execute("SELECT id, name FROM campaign WHERE deleted = 0 ORDER BY lower(name), id").fetchall()
    return [
        stops((), (), " everywhere"),
        *(stops((), (platform,), f" on {platform}") for platform in platforms),
        *(stops((campaign_id,), (), f" of {name}") for campaign_id, name in campaigns),
    ]
