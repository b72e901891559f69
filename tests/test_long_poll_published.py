"""A long poll already waiting on a served file when the file is published ends at once with the 410 that sends its
replica where the team went, not with an empty 200 once its wait runs out; an open event stream ends with it, so that the
replica's round is asked at once, not at its next poll."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from crewdeck.sync.server.app import create_app
from crewdeck.sync.server.filestore import FileBackend
from crewdeck.sync.state.published import META_PUBLISHED, Published
from crewdeck.sync.state.store import Store

from .syncsupport import PATIENCE, make_team, new_token

MARK = Published("2026-12-01T09:30:00Z", "team", "crewdeck on db.example.com", "https://crewdeck.example.com")


@asynccontextmanager
async def served(team: Path) -> AsyncIterator[tuple[FileBackend, httpx.AsyncClient]]:
    """The file's backend, started (its watcher on), and a client of its app in this process."""
    backend = FileBackend(team, "team")
    await backend.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(backend)), base_url="http://team") as client:
            yield backend, client
    finally:
        await backend.stop()


async def published_while_waiting(team: Path, backend: FileBackend, answer: Awaitable[httpx.Response]) -> httpx.Response:
    """``answer``'s response, the file published once the request waits."""
    asked = asyncio.ensure_future(answer)
    async with asyncio.timeout(PATIENCE):
        while "team" not in backend.wakeups._events:  # the request is waiting
            await asyncio.sleep(0.01)
    with Store(team) as store:  # as publish marks the file: a commit that adds no operation
        store.set_meta(META_PUBLISHED, MARK.to_meta())
    async with asyncio.timeout(10):  # well before a poll's wait runs out, and a stream never ends by itself
        return await asked


async def test_a_long_poll_waiting_when_the_file_is_published_ends_with_the_410(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    token = new_token("ana", "--workspace", str(team))
    with Store(team) as store:
        head = store.max_seq()
    async with served(team) as (backend, client):
        poll = client.get(f"/v1/w/team/ops?after={head}&wait=20", headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE)
        answer = await published_while_waiting(team, backend, poll)
    assert (answer.status_code, answer.json()["error"], answer.json()["message"]) == (410, "published", MARK.moved())


async def test_an_event_stream_open_when_the_file_is_published_ends_saying_where_the_team_went(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    token = new_token("ana", "--workspace", str(team))
    async with served(team) as (backend, client):
        stream = client.get("/v1/w/team/events", headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE)
        answer = await published_while_waiting(team, backend, stream)
    ended = answer.text.rstrip("\n").rsplit("\n\n", 1)[-1]
    assert ended == f"event: revoked\ndata: {json.dumps({'error': 'published', 'message': MARK.moved()})}"
