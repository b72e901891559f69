"""A workspace file published to PostgreSQL makes no new way in to its old copy (a sign-in link, SSH key lines), and says
it is an old copy where it is opened still (``crewdeck web`` and ``crewdeck serve`` on it, the app)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crewdeck.sync.state.published import META_PUBLISHED, Published
from crewdeck.sync.state.store import Store

from .apphelp import make_app, settle
from .conftest import Cli
from .syncsupport import PATIENCE, Server, free_port

MARK = Published("2026-12-01T09:30:00Z", "team", "crewdeck on db.example.com", "https://crewdeck.example.com")
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo raj@laptop"


def publish(path: Path) -> None:
    """Marked as ``crewdeck publish`` marks a file (the database is not what these tests read)."""
    with Store(path) as store:
        store.set_meta(META_PUBLISHED, MARK.to_meta())


def test_a_published_file_makes_no_sign_in_link_and_says_where_browsers_are_served_now(cli: Cli) -> None:
    publish(cli.workspace)
    refused = cli("web", "link", "@raj", "--url", "https://old.example.com")
    assert refused.code == 2 and refused.out == ""
    assert refused.err == (
        f"crewdeck: error: {MARK.left(cli.workspace, '')}a link made here would sign in to this old copy, which takes no "
        "writes; serve the workspace to browsers from PostgreSQL: crewdeck web COPY-FILE --database URL --name team, then "
        "links there: crewdeck --workspace COPY-FILE web link @H (rule published)\n"
    )
    assert "@raj" not in cli.ok("web", "links")


def test_a_published_file_writes_no_ssh_key_lines_and_sends_members_to_their_replicas(cli: Cli, tmp_path: Path) -> None:
    cli.ok("ssh", "account", "team")
    cli.ok("member", "set", "raj", "--ssh-key", KEY)
    assert "ssh-session raj" in cli.ok("ssh", "authorized-keys")
    publish(cli.workspace)
    keys_file = tmp_path / "ssh" / "authorized_keys"
    for command in (("ssh", "authorized-keys"), ("ssh", "install", "--file", str(keys_file))):
        refused = cli(*command)
        assert refused.code == 2 and refused.out == "", command
        assert refused.err == (
            f"crewdeck: error: {MARK.left(cli.workspace, '')}its key lines would open this old copy, which takes no writes, at "
            "every login; over SSH each member now works in a replica of their own: crewdeck join https://crewdeck.example.com "
            "--token-file TOKEN-FILE NEW-FILE (a manager makes the token: crewdeck token create) (rule published)\n"
        ), command
    assert not keys_file.parent.exists()


def test_crewdeck_web_on_a_published_file_says_it_serves_an_old_copy_and_offers_no_link(cli: Cli) -> None:
    publish(cli.workspace)
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "crewdeck.tui.cli.main", "web", str(cli.workspace), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert web.stdout is not None
        started = web.stdout.readline().decode()  # said before it serves
    finally:
        web.terminate()
        _, said = web.communicate(timeout=PATIENCE)
    assert started == f"crewdeck web: {cli.workspace} on http://127.0.0.1:{port}/\n"
    assert said.decode().startswith(
        f"note: {MARK.left(cli.workspace, '')}browsers signed in here read this old copy, which takes no writes; serve the "
        "workspace from PostgreSQL: crewdeck web COPY-FILE --database URL --name team, then links there: crewdeck "
        "--workspace COPY-FILE web link @H\n"
    )


def test_crewdeck_serve_on_a_published_file_says_it_only_sends_replicas_on(cli: Cli) -> None:
    publish(cli.workspace)
    server = Server([str(cli.workspace)]).start()
    assert server.stop() == (
        f"note: {MARK.left(cli.workspace, '')}this server refuses every push and pull, telling each replica where to sync "
        "now (crewdeck sync --url)\n"
    )


async def test_the_app_on_a_published_file_says_so_as_it_starts(cli: Cli) -> None:
    cli.ok("member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest")
    publish(cli.workspace)
    for handle, line in (
        ("ana", MARK.refusal(cli.workspace)),
        ("gus", MARK.left(cli.workspace, "this app reads an old copy that takes no writes; ask a manager for a sign-in link there")),
    ):
        app = make_app(cli.workspace, handle)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            assert [(n.title, n.message) for n in app._notifications if n.title == "an old copy"] == [("an old copy", line)], handle
