"""Posts for the app's tests and benchmarks: the demo team, a chain on Spring Launch, posts waiting for review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crewdeck.sync.state.postround import content_hash
from crewdeck.sync.state.store import Store
from crewdeck.tui.app.app import CrewdeckApp
from crewdeck.tui.posts.states import instant_text
from crewdeck.tui.workspace.demo import build_demo


def ids(store: Store, table: str, key: str) -> dict[str, str]:
    return {row[1]: row[0] for row in store.conn.execute(f"SELECT id, {key} FROM {table}")}


def team_workspace(path: Path, now: dt.datetime, tasks: int = 0) -> Store:
    """The demo's members and campaigns (ana manages); Spring Launch's chain: copy:@mia; brand:group=brand (kemi)."""
    store = Store.create(path)
    build_demo(store, now=now, tasks=tasks, seed=7, unix_user=None)
    members = ids(store, "member", "handle")
    campaigns = ids(store, "campaign", "name")
    with store.write(members["ana"]) as w:
        w.set("member", members["kemi"], {"groups": ["brand"]})
        w.set(
            "campaign",
            campaigns["Spring Launch"],
            {"approvals": [{"name": "copy", "member": members["mia"], "group": None}, {"name": "brand", "member": None, "group": "brand"}]},
        )
    return store


def client_chain(path: Path) -> list[str]:
    """The team at ``path`` with three posts by raj waiting for review on Spring Launch, whose chain is copy:@mia, then
    client:@gus (a guest of that campaign); the posts' ids."""
    from .conftest import NOW, Cli  # the tests' own: the benchmarks import this module without them

    store = team_workspace(path, NOW)
    posts = add_posts(store, 3, NOW + dt.timedelta(days=2), submitted=NOW)
    store.close()
    cli = Cli(path)
    cli.ok("member", "add", "gus", "--name", "Gus Client", "--tz", "UTC", "--access", "guest", "--campaigns", "spring-launch")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia; client:@gus")
    return posts


def add_posts(
    store: Store,
    count: int,
    first_slot: dt.datetime,
    *,
    state: str = "in-review",
    every: dt.timedelta = dt.timedelta(hours=5),
    platform: str = "instagram",
    author: str = "raj",
    submitted: dt.datetime | None = None,
) -> list[str]:
    """``count`` posts on Spring Launch by ``author``, slots ``every`` apart from ``first_slot`` (New York), submitted when ``state`` is in-review."""
    members = ids(store, "member", "handle")
    campaign = ids(store, "campaign", "name")["Spring Launch"]
    made = []
    with store.write(members[author]) as w:
        for n in range(count):
            copy = f"Post {n}: spring is here #launch"
            values = {
                "title": f"Spring post {n}",
                "status": "todo",
                "campaign": campaign,
                "platform": platform,
                "publish": {"utc": instant_text(first_slot + n * every), "tz": "America/New_York"},
                "post_state": state,
                "copy": copy,
                "created_by": members[author],
            }
            if state == "in-review":
                values["post_round"] = {
                    "id": f"{n:032x}",
                    "hash": content_hash(copy, "", [], ""),
                    "at": instant_text(submitted or first_slot),
                }
            # Ids from the number: the same posts every run (snapshots show their short ids).
            made.append(w.create("task", values, row_id=f"{(int(first_slot.timestamp()) << 24) + n:032x}"))
    return made


def notices(app: CrewdeckApp) -> list[str]:
    """The app's notices so far, oldest first, as their text."""
    return [str(n.message) for n in app._notifications]
