"""One ``crewdeck serve`` per workspace file: a second is refused in one line naming the process that serves it and
where, and a server killed without a word leaves no claim on the file."""

from __future__ import annotations

import socket
from pathlib import Path

from .syncsupport import Server, crewdeck_fails, free_port, make_team


def test_a_second_server_on_a_served_file_is_refused_naming_the_first_and_a_killed_one_leaves_no_claim(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    first = Server([str(team)]).start()
    try:
        assert first.proc is not None
        said = (
            f"crewdeck: error: serve: {team} is served already, by process {first.proc.pid} on {first.url}: one crewdeck "
            "serve per workspace file, so that members reach it at one address; stop that one first, or give members its address\n"
        )
        other_port = free_port()
        # The same command run twice is told so before its port is found taken, and another port is never bound.
        for port in (first.port, other_port):
            assert crewdeck_fails("serve", str(team), "--port", str(port)) == said, port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", other_port))
        first.kill()
        again = Server([str(team)], port=first.port).start()
        again.stop()
    finally:
        first.stop()
