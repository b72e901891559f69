"""What a member sees when the sync server refuses what they did offline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .syncsupport import Server, crewdeck, make_team, new_token


@contextmanager
def refused_offline(tmp_path: Path) -> Iterator[Path]:
    """raj's replica holding “Rough cut”, made offline for @lee, whom a manager removed meanwhile on the served file."""
    team = make_team(tmp_path)
    crewdeck("-w", str(team), "--as", "ana", "member", "add", "lee", "--name", "Lee Park", "--tz", "Asia/Seoul")
    server = Server([str(team)]).start()
    try:
        replica = tmp_path / "raj.db"
        crewdeck("join", server.url, "--token", new_token("raj", "--workspace", str(team)), str(replica))
        crewdeck("-w", str(replica), "add", "Rough cut @lee")
        crewdeck("-w", str(team), "--as", "ana", "member", "rm", "lee")
        yield replica
    finally:
        assert server.stop() == ""


def test_sync_names_a_refused_new_task_by_its_title_on_every_line(tmp_path: Path) -> None:
    with refused_offline(tmp_path) as replica:
        out = crewdeck("-w", str(replica), "sync")
    lines = [line for line in out.splitlines() if line.startswith("  @raj set ")]
    assert lines and all("of “Rough cut” to" in line and "(rule removed_assignee)" in line for line in lines), out
