"""Changing one key of a TOML text: found however the file spells it, added where a person would, nothing else touched."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from crewdeck.tui.workspace.toml_edit import EditRefused, edited


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ('[keymap]\ntriage.done = "o"  # mine\n', '[keymap]\ntriage.done = "x"  # mine\n'),
        ('[keymap]\n"triage.done" = "o"\n', '[keymap]\n"triage.done" = "x"\n'),
        ('[keymap.triage]\ndone = "o"\n', '[keymap.triage]\ndone = "x"\n'),
        ('keymap.triage.done = "o"\n', 'keymap.triage.done = "x"\n'),
        ('keymap = { "triage.done" = "o" }\n', 'keymap = { "triage.done" = "x" }\n'),
    ],
    ids=["dotted", "quoted", "sub-table", "dotted at the top", "inline"],
)
def test_a_key_is_changed_where_the_file_says_it(text: str, want: str) -> None:
    assert edited(text, {"keymap.triage.done": "x"}) == want


def test_a_first_key_goes_above_the_comments_that_lead_into_the_first_table() -> None:
    text = '# my config\n\n# keys I rebound\n[keymap]\napp.zoom = "f"\n'
    assert edited(text, {"theme": "nord"}) == '# my config\n\ntheme = "nord"\n\n# keys I rebound\n[keymap]\napp.zoom = "f"\n'


def test_a_key_joins_an_inline_table_as_a_table() -> None:
    out = edited('keymap = {x = "y"}\n', {"keymap.triage.done": "o"})
    assert tomllib.loads(out) == {"keymap": {"x": "y", "triage": {"done": "o"}}}


def test_the_values_handed_in_are_left_as_they_were() -> None:
    table: dict[str, Any] = {"a": 1}
    out = edited("", {"t": table, "t.b": 2})
    assert table == {"a": 1} and tomllib.loads(out) == {"t": {"a": 1, "b": 2}}


@pytest.mark.parametrize(
    ("text", "updates", "message"),
    [
        ('time_format = "12h"\n', {"time_format.x": 1}, "time_format.x: time_format is a setting of its own, not a table"),
        ("[[keymap]]\n", {"keymap.a": "x"}, "keymap.a: keymap is a setting of its own, not a table"),
        ("", {"keymap.a.b": "x", "keymap.a.c": {"k": "v"}}, "keymap.a.c: cannot be added to this file without changing other settings"),
        ("", {"keymap." + ".".join(["a"] * 3000): "x"}, "keymap.a.a.a"),
        ("x = [" + "[" * 200 + "]" * 200 + "]\n", {"y": 1}, "nested more than 100 levels deep"),
    ],
    ids=["below a value", "below an array of tables", "misplaced by tomlkit", "nested too deeply", "unreadable by tomlkit"],
)
def test_an_edit_that_cannot_be_made_is_refused_in_one_line(text: str, updates: dict[str, Any], message: str) -> None:
    with pytest.raises(EditRefused) as info:
        edited(text, updates)
    assert message in str(info.value) and "\n" not in str(info.value)
