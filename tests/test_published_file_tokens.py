"""A workspace file published to PostgreSQL makes and revokes no token (the sync_token table is outside the log, but a
token made there is a door to an old copy); its tokens are still listed."""

from __future__ import annotations

from crewdeck.sync.state.published import META_PUBLISHED, Published
from crewdeck.sync.state.store import Store

from .conftest import Cli


def test_a_published_file_refuses_token_create_and_revoke_in_its_one_line_and_still_lists(cli: Cli) -> None:
    token_id = cli.ok("token", "create", "raj").split()[1]
    mark = Published("2026-12-01T09:30:00Z", "team", "crewdeck on db.example.com", "https://crewdeck.example.com")
    with Store(cli.workspace) as store:
        store.set_meta(META_PUBLISHED, mark.to_meta())
    added = cli("add", "Lost after publishing")  # as every write to the file is refused
    assert added.err == f"crewdeck: error: {mark.refusal(cli.workspace)} (rule published)\n" and added.code != 0
    for command in (("token", "create", "raj"), ("token", "revoke", token_id)):
        refused = cli(*command)
        assert (refused.code, refused.out, refused.err) == (added.code, "", added.err), command
    listed = cli.ok("token", "list")
    assert token_id in listed and "live" in listed and listed.count("@raj") == 1
