"""``crewdeck join`` given crewdeck web's address (the one a member opens in a browser) says that it is crewdeck web and
which address to give instead, and makes no replica."""

from __future__ import annotations

import json
from pathlib import Path

from .syncsupport import crewdeck_fails, make_team, new_token, standing
from .websupport import WebProcess


def test_join_to_crewdeck_webs_address_says_it_is_the_app_in_a_browser(tmp_path: Path) -> None:
    team = make_team(tmp_path)
    token = new_token("ana", "--workspace", str(team))
    web = WebProcess(team).start()
    try:
        said = crewdeck_fails("join", web.url, "--token", token, str(tmp_path / "ana.db"))
    finally:
        web.stop()
    assert said.endswith(
        f"crewdeck: error: cannot join {web.url}: this is crewdeck web, the app in a browser, not a sync server: open it in a "
        "browser, or give crewdeck join and sync the address crewdeck serve prints\n"
    )
    assert not (tmp_path / "ana.db").exists()


def test_a_servers_sentence_ends_where_the_advice_goes_on(tmp_path: Path) -> None:
    not_found = (404, "application/json", json.dumps({"error": "not_found", "message": "Not found."}).encode())
    with standing(not_found) as url:
        said = crewdeck_fails("join", f"{url}/crewdeck", "--token", "crewdeck_" + "a" * 43, str(tmp_path / "ana.db"))
    assert said.endswith(
        f"cannot join {url}/crewdeck: Not found; check the URL (crewdeck serve prints the one to use: perhaps {url}, without /crewdeck)\n"
    )
