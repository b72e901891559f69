"""Text is stored composed (NFC), however it was typed or wherever it was written: a search finds it alike."""

from __future__ import annotations

import json
import sqlite3
import unicodedata

from crewdeck.sync.state import schema
from crewdeck.sync.state.oplog import from_wire
from crewdeck.sync.state.store import Store

from .conftest import Cli
from .forged import Forger

#: "Café relaunch" as a Mac may type it: "e" and a combining acute accent.
DECOMPOSED = unicodedata.normalize("NFD", "Café relaunch")


def _found(cli: Cli, word: str, task_id: str) -> bool:
    listed = cli("tasks", word)
    assert listed.code == 0 or listed.err == "no tasks match\n", listed.err
    return task_id[:8] in listed.out


def test_a_title_typed_decomposed_is_found_by_the_words_that_find_it_typed_composed(cli: Cli) -> None:
    """Reviewer ra: `cafe` found "Café" typed decomposed (it holds "Cafe" and an accent) and not typed composed, and
    a search's answer depended on how a title's accents were typed."""
    typed_on_a_mac = cli.ok("add", DECOMPOSED, "#café").strip()
    typed_on_linux = cli.ok("add", unicodedata.normalize("NFC", "Café relaunch"), "#café").strip()
    for word in ("cafe", "café", "CAFÉ", unicodedata.normalize("NFD", "café"), "relaunch", "#café", "#cafe"):
        assert _found(cli, word, typed_on_a_mac) == _found(cli, word, typed_on_linux), word
    assert _found(cli, "café", typed_on_a_mac) and _found(cli, "relaunch", typed_on_a_mac)
    assert _found(cli, unicodedata.normalize("NFD", "#café"), typed_on_a_mac)
    assert not _found(cli, "cafe", typed_on_a_mac)  # an accent is a letter's: "cafe" is another word
    with Store(cli.workspace) as store:
        assert store.conn.execute("SELECT title, tags FROM task WHERE id = ?", (typed_on_a_mac,)).fetchone() == (
            "Café relaunch",
            '["café"]',
        )


def test_a_search_folds_case_letter_for_letter_and_reads_no_letter_as_two(cli: Cli) -> None:
    """`straße` found "STRASSE" (casefold reads ß as ss) while `strasse` did not find "Straße" (LIKE folds A to Z)."""
    sharp = cli.ok("add", "Straße banner").strip()
    capitals = cli.ok("add", "STRASSE poster").strip()
    assert _found(cli, "STRAẞE", sharp) and _found(cli, "straße", sharp) and _found(cli, "strasse", capitals)
    assert not _found(cli, "straße", capitals) and not _found(cli, "strasse", sharp)


def test_a_pulled_operation_with_decomposed_text_is_stored_composed(cli: Cli) -> None:
    """An older crewdeck (or another client) sends a title and tags typed decomposed: a pull checks them as a local
    write does, so the row holds them composed and a search finds them."""
    task_id = cli.ok("add", "Launch plan").strip()
    sent = Forger(cli.workspace).set_ops("task", task_id, {"title": DECOMPOSED, "tags": [unicodedata.normalize("NFD", "été")]})
    pulled = [from_wire(op.to_wire()) for op in sent]
    with Store(cli.workspace) as store:
        store.apply(pulled)
        row = store.conn.execute("SELECT title, tags FROM task WHERE id = ?", (task_id,)).fetchone()
    assert row == ("Café relaunch", '["été"]')
    assert _found(cli, "café", task_id) and _found(cli, "#été", task_id)


def test_a_workspace_of_the_build_before_has_its_text_composed_and_a_post_s_content_kept(cli: Cli) -> None:
    """The build before stored text as it came; opened by this build, records' text is composed, in the log too (a
    pull makes a row again from it), and a post's copy is kept byte for byte (an approval is of its bytes' hash)."""
    task_id = cli.ok("add", "Launch plan").strip()
    copy = unicodedata.normalize("NFD", "Crème brûlée, dès demain")
    conn = sqlite3.connect(cli.workspace)
    try:
        with conn:
            conn.execute(
                "UPDATE task SET title = ?, notes = ?, tags = ?, copy = ? WHERE id = ?",
                (DECOMPOSED, unicodedata.normalize("NFD", "Über\nnächste Woche"), '["caf\u0065\u0301"]', copy, task_id),
            )
            conn.execute(
                "UPDATE ops SET value = ? WHERE row_id = ? AND field = 'title'", (json.dumps(DECOMPOSED, ensure_ascii=False), task_id)
            )
            conn.execute("UPDATE member SET name = ? WHERE handle = 'raj'", (unicodedata.normalize("NFD", "Rājesh"),))
            composing = next(n for n, (_, step) in enumerate(schema.MIGRATIONS, start=1) if step is schema._text_composed)
            conn.execute(f"PRAGMA user_version = {composing - 1}")
    finally:
        conn.close()
    with Store(cli.workspace) as store:
        row = store.conn.execute("SELECT title, notes, tags, copy FROM task WHERE id = ?", (task_id,)).fetchone()
        (name,) = store.conn.execute("SELECT name FROM member WHERE handle = 'raj'").fetchone()
    assert row == ("Café relaunch", "Über\nnächste Woche", '["café"]', copy)
    assert name == "Rājesh"
    assert _found(cli, "café", task_id) and _found(cli, "#café", task_id) and _found(cli, "ÜBER", task_id)
    Forger(cli.workspace).set("task", task_id, {"status": "doing"})  # a pull makes the row again from the log
    with Store(cli.workspace) as store:
        assert store.conn.execute("SELECT title FROM task WHERE id = ?", (task_id,)).fetchone() == ("Café relaunch",)


def test_a_list_whose_items_are_one_once_composed_holds_that_item_once(cli: Cli) -> None:
    """A task tagged #café twice, once with its accent as its own mark (as a Mac may type it), a campaign's platforms
    or a member's groups so, were refused ("items repeat"): they are one item, stored composed.  An item given twice
    alike is refused as before, and a pull of such a list (an older build composed nothing) merges it as a write does."""
    nfd = unicodedata.normalize("NFD", "café")
    task_id = cli.ok("add", f"Shoot #café #{nfd}").strip()
    campaign = cli.ok("campaign", "add", "Autumn", "--platforms", f"café,{nfd},instagram").strip()
    cli.ok("member", "add", "lea", "--name", "Léa", "--tz", "Europe/Paris", "--groups", f"{nfd},café,legal")
    with Store(cli.workspace) as store:
        assert store.conn.execute("SELECT tags FROM task WHERE id = ?", (task_id,)).fetchone() == ('["café"]',)
        assert store.conn.execute("SELECT platforms FROM campaign WHERE name = 'Autumn'").fetchone() == ('["café","instagram"]',), campaign
        assert store.conn.execute("SELECT groups FROM member WHERE handle = 'lea'").fetchone() == ('["café","legal"]',)
    twice = cli("campaign", "add", "Winter", "--platforms", "instagram,instagram")
    assert (twice.code, twice.err) == (2, "crewdeck: error: campaign.platforms: items repeat\n")
    sent = Forger(cli.workspace).set_ops("task", task_id, {"tags": ["été", unicodedata.normalize("NFD", "été"), "café"]})
    with Store(cli.workspace) as store:
        store.apply([from_wire(op.to_wire()) for op in sent])
        assert store.conn.execute("SELECT tags FROM task WHERE id = ?", (task_id,)).fetchone() == ('["été","café"]',)
