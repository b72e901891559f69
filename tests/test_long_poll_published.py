"""A long poll already waiting on a served file when the file is published ends at once with the 410 that sends its
replica where the team went, not with an empty 200 once its wait runs out."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from crewdeck.sync.server.app import create_app
from crewdeck.sync.server.filestore import FileBackend
from crewdeck.sync.state.published import META_PUBLISHED, Published
from crewdeck.sync.state.store import Store

from .syncsupport import PATIENCE, make_team, new_token

MARK = Published("2026-12-01T09:30:00Z", "team", "crewdeck on db.example.com", "https://crewdeck.example.com")


async def test_a_long_poll_waiting_when_the_file_is_published_ends_with_the_410(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    token = new_token("ana", "--workspace", str(team))
    with Store(team) as store:
        head = store.max_seq()
    backend = FileBackend(team, "team")
    await backend.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(backend)), base_url="http://team") as client:
            poll = asyncio.create_task(
                client.get(f"/v1/w/team/ops?after={head}&wait=20", headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE)
            )
            async with asyncio.timeout(PATIENCE):
                while "team" not in backend.wakeups._events:  # the poll is waiting
                    await asyncio.sleep(0.01)
            with Store(team) as store:  # as publish marks the file: a commit that adds no operation
                store.set_meta(META_PUBLISHED, MARK.to_meta())
            async with asyncio.timeout(10):  # well before the wait runs out
                answer = await poll
    finally:
        await backend.stop()
    assert (answer.status_code, answer.json()["error"], answer.json()["message"]) == (410, "published", MARK.moved())
