"""The config file: found, read, refused with the file, the key and the problem, written."""

from __future__ import annotations

import importlib
import io
import os
import pkgutil
import stat
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import ModalScreen

import crewdeck
from crewdeck.tui.app.app import binding_ids, check_config, key_scopes, widget_keys
from crewdeck.tui.app.key_conflicts import not_a_key
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace.config import Config, ConfigError, known_keys, load, parse, save, settings, updated
from crewdeck.tui.workspace.config_example import example_text
from crewdeck.tui.workspace.errors import UserError

from .apphelp import demo_workspace, make_app, settle
from .conftest import ROOT, Cli

EXAMPLE = ROOT / "config.example.toml"

#: A config as a person keeps it: comments above and beside keys, blank lines,
#: keys in their own order, a keymap id quoted and one dotted.
COMMENTED = """\
# My crewdeck settings -- kept with my dotfiles.

# Dark in the evening.
theme = "dracula"   # was nord

member = "ana"

# Keys I rebound
[keymap]
triage.done = "o"     # like vim
"tasks.quick_add" = "n"
# app.zoom = "f"
"""


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode())
    return path


def config_set(path: Path, key: str, value: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--config", str(path), "config", "set", key, value])
    assert code == 0, err.getvalue()


def test_defaults_when_there_is_no_file(isolated_config: Path) -> None:
    config = load()
    assert (config.theme, config.default_view, config.time_format, config.keymap) == ("textual-dark", "inbox", "24h", {})


def test_the_example_is_written_from_the_schema() -> None:
    assert EXAMPLE.read_text() == example_text(), (
        "config.example.toml and the schema in tui/workspace/config.py differ: "
        "write it again with `python -m crewdeck.tui.workspace.config_example > config.example.toml`"
    )


def test_the_example_says_every_default() -> None:
    example = tomllib.loads(EXAMPLE.read_text())
    assert parse(example, EXAMPLE) == Config(path=EXAMPLE)
    assert set(example) == {
        "theme",
        "default_view",
        "time_format",
        "ssh_upload_mb",
        "ssh_upload_idle_seconds",
        "ssh_apps_per_member",
        "ssh_app_starts_per_minute",
        "web_failed_sign_ins_per_minute",
        "web_sign_ins_per_minute",
        "web_app_starts_per_minute",
        "keymap",
    }  # the rest have no default
    assert "# workspace = " in EXAMPLE.read_text() and "# member = " in EXAMPLE.read_text()


def _readme_config_table() -> dict[str, str]:
    """The README's table of config keys: ``{key: its default cell}``."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Configuration\n")[1].split("\n## ")[0]
    table = section.split("| key | default | what |\n|---|---|---|\n")[1].split("\n\n")[0]
    return {row.split(" | ")[0].removeprefix("| ").strip("`"): row.split(" | ")[1] for row in table.splitlines()}


def test_the_readmes_table_of_config_keys_is_the_schemas() -> None:
    # The README named theme, keymap and time_format alone, "..." for the rest: default_view, which a team opening
    # on its own view wants, was in config.example.toml only.
    table = _readme_config_table()
    assert list(table) == known_keys()
    for field, _, _ in settings(Config):
        if isinstance(field.default, str | int) and field.name in table:
            assert table[field.name] == f"`{field.default}`", f"the README gives {field.name} another default"


def test_the_examples_of_keymap_name_real_bindings() -> None:
    from crewdeck.tui.app.app import binding_ids

    section = EXAMPLE.read_text().split("[keymap]\n")[1].split("\n\n")[0]
    named = [line.removeprefix("# ").split(" = ")[0] for line in section.splitlines()]
    assert named and set(named) <= binding_ids()


def test_known_keys_come_from_the_schema(cli: Cli) -> None:
    keys = [
        "workspace",
        "member",
        "theme",
        "default_view",
        "time_format",
        "ssh_upload_mb",
        "ssh_upload_idle_seconds",
        "ssh_apps_per_member",
        "ssh_app_starts_per_minute",
        "web_failed_sign_ins_per_minute",
        "web_sign_ins_per_minute",
        "web_app_starts_per_minute",
        "keymap.ID",
    ]
    assert known_keys() == keys
    assert all(key in " ".join(cli.ok("config", "set", "--help").split()) for key in keys)


def test_the_env_and_the_flag_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    named = write(tmp_path / "named.toml", 'theme = "nord"\n')
    monkeypatch.setenv("CREWDECK_CONFIG", str(named))
    assert load().theme == "nord"
    flag = write(tmp_path / "flag.toml", 'theme = "dracula"\n')
    assert load(str(flag)).theme == "dracula"
    with pytest.raises(UserError, match="no such config file"):
        load(str(tmp_path / "missing.toml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('thme = "nord"\n', "thme: not a setting (did you mean theme?)"),
        ('time_format = "25h"\n', "time_format: '25h' is not one of 24h, 12h"),
        ("theme = 3\n", "theme: expected a string, got 3"),
        ('default_view = "someday"\n', "default_view: 'someday' is not a view"),
        ('[keymap]\n"triage.done" = ""\n', "keymap.triage.done: no key given"),
        ("theme = \n", "not valid TOML"),
        ("keymap = 3\n", "keymap: expected a table, got 3"),
        ("[keymap]\napp.zoom = 1\n", "keymap.app.zoom: expected a string, got 1"),
        ("ssh_upload_mb = 0\n", "ssh_upload_mb: 0 is not a number of megabytes from 1 to 1,000,000"),
        ('ssh_upload_mb = "100MB"\n', "ssh_upload_mb: expected a whole number, got '100MB'"),
        ("ssh_upload_idle_seconds = 0\n", "ssh_upload_idle_seconds: 0 is not a number of seconds from 1 to 86,400"),
        ("ssh_apps_per_member = 0\n", "ssh_apps_per_member: 0 is not a number of apps from 1 to 1,000"),
        ("ssh_app_starts_per_minute = 1001\n", "ssh_app_starts_per_minute: 1001 is not a number a minute from 1 to 1,000"),
        ("web_sign_ins_per_minute = 0\n", "web_sign_ins_per_minute: 0 is not a number a minute from 1 to 1,000"),
        (
            "web_failed_sign_ins_per_minute = 1001\n",
            "web_failed_sign_ins_per_minute: 1001 is not a number a minute from 1 to 1,000",
        ),
        ('web_failed_sign_ins_per_minute = "10"\n', "web_failed_sign_ins_per_minute: expected a whole number, got '10'"),
        ('web_app_starts_per_minute = "20/min"\n', "web_app_starts_per_minute: expected a whole number, got '20/min'"),
    ],
)
def test_a_bad_file_is_one_line_with_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(UserError) as info:
        load(str(path))
    assert str(path) in str(info.value) and message in str(info.value)


def test_dotted_keymap_ids_read_as_written(tmp_path: Path) -> None:
    path = write(tmp_path / "keys.toml", '[keymap]\ntriage.done = "o"\n"tasks.quick_add" = "n"\n')
    assert load(str(path)).keymap == {"triage.done": "o", "tasks.quick_add": "n"}


def test_a_keymap_id_said_quoted_and_dotted_is_refused_not_half_read(cli: Cli, tmp_path: Path) -> None:
    # TOML reads `"triage.done"` and `triage.done` as two keys: one was dropped unsaid (ctrl+o won), and `config set`
    # changed the quoted one, said `keymap.triage.done = 'x'`, while ctrl+o went on being the key.
    path = write(tmp_path / "twice.toml", '[keymap]\n"triage.done" = "o"\ntriage.done = "ctrl+o"\n')
    with pytest.raises(ConfigError) as info:
        load(str(path))
    assert str(info.value) == f"{path}: keymap.triage.done: given twice ('o' and 'ctrl+o'), quoted and dotted: keep one"
    before = path.read_bytes()
    result = cli("--config", str(path), "config", "set", "keymap.triage.done", "x")
    assert result.code == 2 and "keymap.triage.done: given twice" in result.err and result.err.count("\n") == 1
    assert path.read_bytes() == before


def test_save_keeps_the_rest_and_refuses_what_it_could_not_read(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '# mine\nmember = "ana"\n')
    config = load(str(path))
    save(config, {"theme": "nord", "keymap.triage.done": "o"})
    again = load(str(path))
    assert (again.member, again.theme, again.keymap) == ("ana", "nord", {"triage.done": "o"})
    with pytest.raises(ConfigError):
        save(again, {"time_format": "25h"})
    assert load(str(path)).time_format == "24h"


def test_the_app_refuses_an_unknown_theme_or_key_id_before_it_starts(cli: Cli, tmp_path: Path) -> None:
    bad_theme = write(tmp_path / "t.toml", 'theme = "neon"\n')
    result = cli("--config", str(bad_theme))
    assert result.code == 2 and "theme: 'neon' is not a theme" in result.err and result.err.count("\n") == 1
    # A misspelt theme is named as a misspelt key id is: it was listed among twenty with none picked out.
    misspelt = cli("--config", str(tmp_path / "c.toml"), "config", "set", "theme", "nrod")
    assert misspelt.code == 2 and "theme: 'nrod' is not a theme (did you mean nord? themes: " in misspelt.err, misspelt.err
    bad_key = write(tmp_path / "k.toml", '[keymap]\ntriage.dnoe = "o"\n')
    result = cli("--config", str(bad_key))
    assert result.code == 2 and "keymap.triage.dnoe: no key binding has this id (did you mean triage.done?)" in result.err


def test_config_commands(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    assert cli.ok("--config", str(path), "config", "path").strip() == str(path)
    cli.ok("--config", str(path), "config", "set", "keymap.triage.done", "o")
    cli.ok("--config", str(path), "config", "set", "time_format", "12h")
    assert load(str(path)).keymap == {"triage.done": "o"} and load(str(path)).time_format == "12h"
    result = cli("--config", str(path), "config", "set", "theme", "neon")
    assert result.code == 2 and "not a theme" in result.err
    assert '"theme": "textual-dark"' in cli.ok("--config", str(path), "config", "show")
    assert main(["--config", str(path), "config", "set", "colour", "red"]) == 2


@pytest.mark.parametrize(
    ("key", "value", "refusal"),
    [
        ("keymap.triage.done", "s", "keymap.triage.done: 's' is already the key of 'Status' (triage.cycle_status) in the tasks pane"),
        ("keymap.triage.done", "o,j", "keymap.triage.done: 'j' is already the key of 'Down' (table.cursor_down) in the tasks pane"),
        ("keymap.ledger.new", "q", "keymap.ledger.new: 'q' is already the app-wide key of 'Quit' (app.quit)"),
        ("keymap.app.zoom", '"3"', "keymap.app.zoom: '3' is already the app-wide key of 'Budget' (app.pane_ledger)"),
        ("keymap.app.zoom", "x", "keymap.app.zoom: 'x' is already the key of 'Mark' (tasks.mark) in the tasks pane"),
        ("keymap.detail.set_field", "?", "keymap.detail.set_field: '?' is already the app-wide key of 'Keys' (app.help)"),
        # A dialog's: its text field's keys come before its own.
        ("keymap.notes.save", "ctrl+z", "keymap.notes.save: 'ctrl+z' is already the key of 'Undo' in the notes editor"),
        ("keymap.prompt.cancel", "ctrl+u", "keymap.prompt.cancel: 'ctrl+u' is already the key of 'Delete all to the left' in a prompt"),
        (
            "keymap.discard.yes",
            "n",
            "keymap.discard.yes: 'n' is already the key of 'Keep editing' (discard.no) in the question before discarding",
        ),
        ("keymap.help.close", "j", "keymap.help.close: 'j' is already the key of 'Down' (help.down) in the list of keys"),
        ("keymap.held.resume", "j", "keymap.held.resume: 'j' is already the key of 'Down' (table.cursor_down) in the posts a crisis held"),
    ],
)
def test_config_set_refuses_a_key_another_binding_has_where_both_work(cli: Cli, tmp_path: Path, key: str, value: str, refusal: str) -> None:
    path = write(tmp_path / "c.toml", COMMENTED)
    result = cli("--config", str(path), "config", "set", key, value)
    assert result.code == 2 and refusal in result.err and result.err.count("\n") == 1
    assert "pick another key, or give that one another key first" in result.err
    assert path.read_text() == COMMENTED  # nothing written


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [("keymap.triage.done", "ctrl+q", "'ctrl+q' is Textual's own key for 'Quit'"),
     ("keymap.results.kind", "w,ctrl+p", "'ctrl+p' is Textual's own key for 'Command palette'"),
     ("keymap.palette.close", "ctrl+q", "'ctrl+q' is Textual's own key for 'Quit'")],
)  # fmt: skip
def test_config_set_refuses_textuals_own_keys_which_come_before_every_binding(
    cli: Cli, tmp_path: Path, key: str, value: str, named: str
) -> None:
    # Both were written; ctrl+q then quit the app where the task was to be marked done.
    path = write(tmp_path / "c.toml", COMMENTED)
    result = cli("--config", str(path), "config", "set", key, value)
    assert result.code == 2 and result.err.count("\n") == 1
    assert f"{key}: {named}, which comes before every other; pick another key" in result.err
    assert path.read_text() == COMMENTED  # nothing written


@pytest.mark.parametrize(("value", "written"), [("5", "5"), ('"5"', "5"), ("0,f9", "0,f9")])
def test_config_set_takes_a_digit_key_as_typed(cli: Cli, tmp_path: Path, value: str, written: str) -> None:
    # `config set keymap.app.zoom 5` was refused: "expected a string, got 5" (TOML's number), though 5 is a key.
    path = tmp_path / "c.toml"
    cli.ok("--config", str(path), "config", "set", "keymap.app.zoom", value)
    assert load(str(path)).keymap == {"app.zoom": written}


@pytest.mark.parametrize(
    ("key", "value", "refusal"),
    [
        ("time_format", "12", "time_format: '12' is not one of 24h, 12h"),
        ("theme", "true", "theme: 'true' is not a theme"),
        ("default_view", "3", "default_view: '3' is not a view"),
    ],
)
def test_config_set_reads_a_setting_of_text_as_typed(cli: Cli, tmp_path: Path, key: str, value: str, refusal: str) -> None:
    # `config set time_format 12` said "expected a string, got 12" (TOML's number) of what was typed as text in a shell.
    path = tmp_path / "c.toml"
    result = cli("--config", str(path), "config", "set", key, value)
    assert result.code == 2 and result.err.count("\n") == 1 and refusal in result.err, result.err
    cli.ok("--config", str(path), "config", "set", "member", "42")  # a handle of digits is a handle
    cli.ok("--config", str(path), "config", "set", "ssh_upload_mb", "20")  # a number stays one
    assert (load(str(path)).member, load(str(path)).ssh_upload_mb) == ("42", 20)


def test_config_set_refuses_a_keymap_value_no_key_press_matches_as_typed(cli: Cli, tmp_path: Path) -> None:
    result = cli("--config", str(tmp_path / "c.toml"), "config", "set", "keymap.app.zoom", "1.5")
    assert result.code == 2 and "keymap.app.zoom: '1.5' is not a key" in result.err


def test_a_key_free_where_the_binding_works_is_taken(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    # c accepts a task in the tasks pane, but the ledger's keys never work there.
    cli.ok("--config", str(path), "config", "set", "keymap.ledger.new", "c")
    # Two bindings swap keys: one moves out of the way first.
    cli.ok("--config", str(path), "config", "set", "keymap.triage.cycle_status", "w")
    cli.ok("--config", str(path), "config", "set", "keymap.triage.done", "s")
    cli.ok("--config", str(path), "config", "set", "keymap.triage.cycle_status", "d")
    # The defaults shadow on purpose (q closes the detail screen): writing them out is no conflict.
    cli.ok("--config", str(path), "config", "set", "keymap.detail.close", "escape,q")
    assert load(str(path)).keymap == {"ledger.new": "c", "triage.cycle_status": "d", "triage.done": "s", "detail.close": "escape,q"}
    # A file that swaps them at once is as good.
    check_config(load(str(write(tmp_path / "swap.toml", '[keymap]\ntriage.done = "s"\ntriage.cycle_status = "d"\n'))))


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        ("o o", "'o o' is not a key"),
        ("\x1b[31m", "'\\x1b[31m' is not a key"),
        ("ctrl+", "'ctrl+' is not a key"),
        ("Enter", "'Enter' is not a key"),
        ("F5", "'F5' is not a key"),
        ("ctlr+o", "'ctlr+o' is not a key"),
        ("ctrl+P", "'ctrl+P' is not a key: with a modifier, write the letter small (ctrl+p; add shift+ for the capital)"),
        (",", "an empty key between commas (a comma is 'comma')"),
        ("o,,p", "an empty key between commas (a comma is 'comma')"),
        # Textual names a sign pressed with a modifier by its name: ctrl+[ matched no press, in any terminal.
        ("ctrl+[", "'ctrl+[' is not a key: with a modifier, name the sign as Textual does (ctrl+left_square_bracket)"),
        ("o,ctrl+.", "'ctrl+.' is not a key: with a modifier, name the sign as Textual does (ctrl+full_stop)"),
        # Every terminal sends the capital: shift+o never fires anywhere.
        ("shift+o", "'shift+o' never reaches the app: terminals (and tmux) send it as 'O'; write 'O', or pick another key"),
    ],
)
def test_config_set_refuses_what_no_keyboard_can_press(cli: Cli, tmp_path: Path, value: str, refusal: str) -> None:
    # Each was written, and the action then had no key at all: the footer dropped it, the help listed the text.
    path = write(tmp_path / "c.toml", COMMENTED)
    result = cli("--config", str(path), "config", "set", "keymap.triage.done", value)
    assert result.code == 2 and f"keymap.triage.done: {refusal}" in result.err and result.err.count("\n") == 1
    assert "\x1b" not in result.err
    assert path.read_text() == COMMENTED  # nothing written


@pytest.mark.parametrize(
    "value",
    [
        "o",
        "O",
        "ctrl+o",
        "f6",
        "insert",
        "space",
        "comma",
        "number_sign",
        "#",
        "plus",
        "+",
        "ctrl+shift+up",
        "o,space",
        "é",
        "ctrl+@",
        "shift+f6",
    ],
)
def test_config_set_takes_every_key_textual_names(cli: Cli, tmp_path: Path, value: str) -> None:
    path = tmp_path / "c.toml"
    cli.ok("--config", str(path), "config", "set", "keymap.triage.done", value)
    assert load(str(path)).keymap == {"triage.done": value}


def test_every_key_the_app_binds_has_an_id_a_keymap_may_name() -> None:
    # The dialogs' keys (a prompt's, the notes editor's, the question before discarding, ?'s own list) were refused by
    # the config as "no key binding has this id", though ? says any key can be rebound by its id.
    for module in pkgutil.walk_packages(crewdeck.__path__, "crewdeck."):
        if module.name.startswith(("crewdeck.tui.app", "crewdeck.widgets")):
            importlib.import_module(module.name)
    known = binding_ids()
    widgets = [cls for cls in _subclasses(DOMNode) if cls.__module__.startswith("crewdeck.")]
    # Every screen's own keys in Textual (tab, ctrl+c), which the palette keeps as they are, are Textual's, not the app's.
    every_screens = set(widget_keys(ModalScreen))
    bound = [(cls.__name__, b) for cls in widgets for b in cls.__dict__.get("BINDINGS", []) if b not in every_screens]
    assert len(bound) > 100
    assert [(name, b) for name, b in bound if not (isinstance(b, Binding) and b.id in known and b.description)] == []


def _subclasses(cls: type[DOMNode]) -> set[type[DOMNode]]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


def test_an_app_wide_key_is_free_in_a_dialog_where_the_apps_keys_do_nothing(cli: Cli, tmp_path: Path) -> None:
    # Over a dialog only its own keys (and Textual's ctrl+q, ctrl+p) work: `z` closing ?'s list was refused as
    # "already the app-wide key of 'Zoom'", though zoom never works there.
    path = tmp_path / "c.toml"
    cli.ok("--config", str(path), "config", "set", "keymap.help.close", "z")
    cli.ok("--config", str(path), "config", "set", "keymap.held.pull", "R")
    cli.ok("--config", str(path), "config", "set", "keymap.discard.yes", "4")
    cli.ok("--config", str(path), "config", "set", "keymap.draft.restore", "ctrl+g")  # the offer of a kept draft's
    assert load(str(path)).keymap == {"help.close": "z", "held.pull": "R", "discard.yes": "4", "draft.restore": "ctrl+g"}


@pytest.mark.parametrize(
    ("key", "value", "refusal"),
    [
        # Typed into the field, it never reached the binding: the prompt stayed open on "o".
        ("keymap.prompt.cancel", "o", "'o' types into a prompt's text"),
        # A priority key comes before the text area: no space could be typed in the notes any more.
        ("keymap.notes.cancel", "f2,space", "'space' types into the notes"),
        ("keymap.copy.save", "#", "'#' types into the copy"),
        ("keymap.task_picker.next", "j", "'j' types into the task search"),
        ("keymap.picker.cancel", "x", "'x' may pick a choice in a picker"),
        ("keymap.entry_form.cancel", "comma", "'comma' types into a new ledger entry's fields"),
        ("keymap.palette.close", "q", "'q' types into the palette's search"),
        # The offer of a kept draft is a line inside the dialog: a letter for it would go into the dialog's text.
        ("keymap.draft.restore", "r", "'r' types into a new ledger entry's fields"),
        # The filter box's hint said "Z closes", and Z typed into the filter: the box could not be closed.
        ("keymap.tasks.clear_filter", "Z", "'Z' types into the Tasks filter box"),
        ("keymap.ledger.clear_filter", "space", "'space' types into the Budget filter box"),
    ],
)
def test_config_set_refuses_a_key_that_types_for_a_dialog_with_a_text_field(
    cli: Cli, tmp_path: Path, key: str, value: str, refusal: str
) -> None:
    path = write(tmp_path / "c.toml", COMMENTED)
    result = cli("--config", str(path), "config", "set", key, value)
    assert result.code == 2 and result.err.count("\n") == 1
    assert f"{key}: {refusal}; pick a key that types no character (escape, f2, ctrl+g)" in result.err
    assert path.read_text() == COMMENTED  # nothing written
    cli.ok("--config", str(path), "config", "set", key, "ctrl+g")  # a key that types nothing is taken


def test_every_default_key_of_the_app_is_a_key() -> None:
    # A keymap may write out a binding's default ("escape,q"): the check must take each of them.
    bindings = [b for scope in key_scopes() for b in scope.bindings]
    assert len(bindings) > 100 and [(b.id, b.key) for b in bindings if not_a_key(b.key)] == []


def test_the_app_refuses_a_config_with_a_key_no_keyboard_can_press(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "k.toml", '[keymap]\ntriage.done = "ctrl o"\n')
    result = cli("--config", str(path))
    assert result.code == 2 and result.err.count("\n") == 1
    assert "keymap.triage.done: 'ctrl o' is not a key" in result.err


@pytest.mark.parametrize(
    ("value", "key", "sent"),
    [
        ("ctrl+h", "ctrl+h", "backspace"),
        ("ctrl+m", "ctrl+m", "enter"),
        ("o,ctrl+i", "ctrl+i", "tab"),
        ("ctrl+left_square_bracket", "ctrl+left_square_bracket", "escape"),
        ("ctrl+space", "ctrl+space", "ctrl+@"),
    ],
)
def test_config_set_takes_a_key_some_terminals_send_as_another_and_says_where(
    cli: Cli, tmp_path: Path, value: str, key: str, sent: str
) -> None:
    # They were refused ("never reaches the app"), though kitty, WezTerm, foot and Ghostty (the kitty keyboard
    # protocol, which Textual turns on) deliver them as themselves; only tmux and older terminals send the other key.
    path = tmp_path / "c.toml"
    result = cli("--config", str(path), "config", "set", "keymap.triage.done", value)
    assert result.code == 0 and load(str(path)).keymap == {"triage.done": value}
    assert result.err == (
        f"warning: {path}: keymap.triage.done: in tmux and terminals without the kitty keyboard protocol, {key} arrives as {sent}, and"
        " this binding does not fire there (it does in kitty, WezTerm, foot, Ghostty)\n"
    )


def test_the_app_still_starts_with_a_keymap_key_some_terminals_send_as_another(cli: Cli, tmp_path: Path) -> None:
    # A config from before with "triage.done" = "ctrl+h" stopped crewdeck from opening (exit 2, the keymap's refusal).
    path = write(tmp_path / "k.toml", '[keymap]\n"triage.done" = "ctrl+h"\n')
    result = cli("--config", str(path))
    warning, refusal = result.err.splitlines()
    assert warning == (
        f"warning: {path}: keymap.triage.done: in tmux and terminals without the kitty keyboard protocol, ctrl+h arrives as"
        " backspace, and this binding does not fire there (it does in kitty, WezTerm, foot, Ghostty)"
    )
    # Past the keymap's check: only the want of a terminal (the test's standard output is none) stops it here.
    assert refusal.startswith("crewdeck: error: the app needs a terminal"), refusal


def test_the_app_refuses_a_config_whose_keymap_makes_a_key_unreachable(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "k.toml", '[keymap]\ntriage.done = "o"\n"tasks.quick_add" = "o"\n')
    result = cli("--config", str(path))
    assert result.code == 2 and result.err.count("\n") == 1
    assert "keymap.tasks.quick_add: 'o' is already the key of 'Done' (triage.done) in the tasks pane" in result.err


@pytest.mark.parametrize(
    ("key", "value", "line", "changed"),
    [
        ("theme", "nord", 'theme = "dracula"   # was nord', 'theme = "nord"   # was nord'),
        ("keymap.triage.done", "w", 'triage.done = "o"     # like vim', 'triage.done = "w"     # like vim'),
        ("keymap.tasks.quick_add", "a,n", '"tasks.quick_add" = "n"', '"tasks.quick_add" = "a,n"'),
        ("member", "raj", 'member = "ana"', 'member = "raj"'),
    ],
)
def test_config_set_changes_one_line_of_a_commented_file(tmp_path: Path, key: str, value: str, line: str, changed: str) -> None:
    path = write(tmp_path / "config.toml", COMMENTED)
    config_set(path, key, value)
    assert path.read_text() == COMMENTED.replace(line, changed)
    assert os.listdir(tmp_path) == ["config.toml"]  # written through a temporary file, replaced at once


@pytest.mark.parametrize(
    ("key", "value", "after", "added"),
    [
        ("time_format", "12h", 'member = "ana"\n', 'time_format = "12h"\n'),
        ("keymap.app.zoom", "f", '"tasks.quick_add" = "n"\n', 'app.zoom = "f"\n'),
    ],
)
def test_config_set_adds_a_key_below_the_last_of_its_table(tmp_path: Path, key: str, value: str, after: str, added: str) -> None:
    path = write(tmp_path / "config.toml", COMMENTED)
    config_set(path, key, value)
    assert path.read_text() == COMMENTED.replace(after, after + added)


def test_a_new_table_goes_at_the_end_and_a_new_file_is_written_whole(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '# mine\ntheme = "nord"\n')
    config_set(path, "keymap.triage.done", "o")
    assert path.read_text() == '# mine\ntheme = "nord"\n\n[keymap]\ntriage.done = "o"\n'
    fresh = tmp_path / "new" / "config.toml"
    config_set(fresh, "theme", "nord")
    assert fresh.read_text() == 'theme = "nord"\n'


def test_a_change_keeps_the_file_behind_a_link_its_mode_and_its_line_ends(tmp_path: Path) -> None:
    kept = write(tmp_path / "dotfiles.toml", COMMENTED.replace("\n", "\r\n"))
    kept.chmod(0o640)
    link = tmp_path / "config.toml"
    link.symlink_to(kept)
    config_set(link, "time_format", "12h")
    config_set(link, "theme", "nord")
    assert link.is_symlink() and stat.S_IMODE(kept.stat().st_mode) == 0o640
    want = COMMENTED.replace('"dracula"', '"nord"').replace('member = "ana"\n', 'member = "ana"\ntime_format = "12h"\n')
    assert kept.read_bytes() == want.replace("\n", "\r\n").encode()
    assert sorted(os.listdir(tmp_path)) == ["config.toml", "dotfiles.toml"]


def test_updated_says_what_the_file_would_hold_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", COMMENTED)
    config = updated(load(str(path)), {"keymap.app.zoom": "f", "time_format": "12h"})
    assert config.keymap == {"triage.done": "o", "tasks.quick_add": "n", "app.zoom": "f"} and config.time_format == "12h"
    assert path.read_text() == COMMENTED


def test_a_change_that_cannot_be_placed_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "[keymap]\n")
    with pytest.raises(ConfigError) as info:
        save(load(str(path)), {"keymap.a.b": "x", "keymap.a.c": {"k": "v"}})
    assert "keymap.a.c: cannot be added to this file without changing other settings" in str(info.value)
    assert path.read_text() == "[keymap]\n"


async def test_a_theme_picked_in_the_app_changes_one_line_of_a_commented_file(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", COMMENTED)
    app = make_app(demo_workspace(tmp_path / "demo.db"), config=load(str(path)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert path.read_text() == COMMENTED.replace('theme = "dracula"', 'theme = "nord"')


async def test_a_theme_picked_in_the_app_is_saved(tmp_path: Path) -> None:
    path = write(tmp_path / "saved.toml", 'member = "ana"\n')
    app = make_app(demo_workspace(tmp_path / "demo.db"), config=load(str(path)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert load(str(path)).theme == "nord" and load(str(path)).member == "ana"


def test_a_first_run_gets_a_local_workspace_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crewdeck.sync.state.store import Store
    from crewdeck.tui.app.launch import _first_run_workspace

    monkeypatch.setenv("TZ", "Asia/Kathmandu")
    path = tmp_path / "data" / "workspace.db"
    _first_run_workspace(path)
    with Store(path) as store:
        members = [v for _, v in store.records("member")]
    assert len(members) == 1 and members[0]["tz"] == "Asia/Kathmandu" and members[0]["unix_user"]
    assert members[0]["hours"]["mon"] == [["09:00", "17:00"]]


#: A config from before the publish settings were the workspace's.
WITH_PUBLISH = '# Launch week\n[publish]\nlead_hours = 48  # two days\n[publish.peak_hours]\nlinkedin = ["late"]\n'


def test_a_publish_table_is_not_read_and_says_where_its_settings_went(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'theme = "nord"\n\n' + WITH_PUBLISH)
    loaded = load(str(path))  # a value the old table would have refused is not even read
    assert loaded.moved == ("publish",) and loaded.theme == "nord"
    result = cli("--config", str(path), "tasks")
    assert result.code == 0 and result.err.count("note: ") == 1
    assert f"note: {path}: [publish] is not read any more" in result.err and "crewdeck workspace set" in result.err
    assert "note: " not in cli("--config", str(write(tmp_path / "plain.toml", 'theme = "nord"\n')), "tasks").err
    # A change to another key keeps the table as it is; a publish key is refused, naming where it went.
    cli.ok("--config", str(path), "config", "set", "time_format", "12h")
    assert path.read_text() == 'theme = "nord"\ntime_format = "12h"\n\n' + WITH_PUBLISH
    refused = cli("--config", str(path), "config", "set", "publish.lead_hours", "12")
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "publish.lead_hours is not a personal setting any more" in refused.err and "crewdeck workspace set" in refused.err
    assert path.read_text() == 'theme = "nord"\ntime_format = "12h"\n\n' + WITH_PUBLISH


def test_config_set_workspace_keeps_the_file_named_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `config set workspace team.db` in /srv/team kept "team.db": run from anywhere else, crewdeck said
    # "no workspace at team.db (create one with: crewdeck init team.db)", a new empty file in the wrong place.
    path = tmp_path / "c.toml"
    (tmp_path / "srv").mkdir()
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path / "srv")
    assert main(["init", "team.db", "--member", "ana", "--name", "Ana", "--tz", "UTC"]) == 0
    config_set(path, "workspace", "team.db")
    assert load(str(path)).workspace == str(tmp_path / "srv" / "team.db")
    monkeypatch.chdir(tmp_path / "home")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--config", str(path), "--as", "ana", "member", "list"]) == 0
    assert "@ana" in out.getvalue()
    config_set(path, "workspace", "~/team.db")  # the reader's home, as typed
    assert 'workspace = "~/team.db"' in path.read_text()


def test_a_relative_workspace_written_by_hand_is_read_from_the_config_files_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `workspace = "team.db"` written in ~/.config/crewdeck/config.toml named ./team.db of whichever directory
    # crewdeck was run in: "no workspace at team.db" from home, another file in each project.
    (tmp_path / "cfg").mkdir()
    (tmp_path / "elsewhere").mkdir()
    path = write(tmp_path / "cfg" / "config.toml", 'workspace = "team.db"\n')
    monkeypatch.chdir(tmp_path / "cfg")
    assert main(["init", "team.db", "--member", "noor", "--name", "Noor", "--tz", "Asia/Dubai"]) == 0
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert load(str(path)).workspace == str(tmp_path / "cfg" / "team.db")
    assert load("../cfg/config.toml").workspace == str(tmp_path / "cfg" / "team.db")  # the file named relative too
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--config", str(path), "--as", "noor", "member", "list"]) == 0
        assert main(["--config", str(path), "config", "show"]) == 0
    assert "@noor" in out.getvalue()
    assert f'"workspace": "{tmp_path / "cfg" / "team.db"}"' in out.getvalue()  # the path it names, said
    write(path, 'workspace = "../shared/team.db"\n')
    assert load(str(path)).workspace == str(tmp_path / "shared" / "team.db")
    write(path, 'workspace = "~/team.db"\n')  # the reader's home, then whole
    monkeypatch.setenv("HOME", str(tmp_path / "elsewhere"))
    assert load(str(path)).workspace == str(tmp_path / "elsewhere" / "team.db")
    # A user this machine has not: read as a directory named "~nosuchuser" beside the file, it said "no workspace at
    # …/cfg/~nosuchuser/team.db (create one with: crewdeck init …)", a stray directory to make (review rh 5).
    write(path, 'workspace = "~nosuchuser/team.db"\n')
    with pytest.raises(ConfigError) as refused:
        load(str(path))
    assert str(refused.value) == (
        f"{path}: workspace: ~nosuchuser/team.db: ~nosuchuser is the home of a user 'nosuchuser', and there is no such user on this machine"
    )


@pytest.mark.parametrize(
    ("wrong", "key", "value", "fixed"),
    [
        ('ssh_upload_mb = "20"  # MB\n', "ssh_upload_mb", "20", "ssh_upload_mb = 20  # MB\n"),
        ("[keymap]\ntriage.done = 5\n", "keymap.triage.done", "o", '[keymap]\ntriage.done = "o"\n'),
        ('default_view = "inbx"\n', "default_view", "inbox", 'default_view = "inbox"\n'),
    ],
)
def test_config_set_mends_the_wrong_value_its_error_names(cli: Cli, tmp_path: Path, wrong: str, key: str, value: str, fixed: str) -> None:
    # Every command said "c.toml: ssh_upload_mb: expected a whole number, got '20'", and so did the `config set` that
    # would have mended it: the file was read, and refused, before the change.
    path = write(tmp_path / "c.toml", wrong)
    refused = cli("--config", str(path), "tasks")
    assert refused.code == 2 and f"{path}: {key}:" in refused.err
    other = cli("--config", str(path), "config", "set", "time_format", "12h")  # another key leaves the file refused
    assert other.code == 2 and f"{path}: {key}:" in other.err and path.read_text() == wrong
    cli.ok("--config", str(path), "config", "set", key, value)
    assert path.read_text() == fixed
    cli.ok("--config", str(path), "tasks")


def test_config_show_takes_json_as_every_listing_does(cli: Cli, tmp_path: Path) -> None:
    """`config show --json` was refused as an unknown option, though show prints JSON: it is the same output."""
    path = write(tmp_path / "c.toml", 'theme = "nord"\n')
    assert cli.ok("--config", str(path), "config", "show", "--json") == cli.ok("--config", str(path), "config", "show")


def test_config_show_says_each_setting_the_app_refuses_and_exits_non_zero(cli: Cli, tmp_path: Path) -> None:
    """`config show` printed a config with a theme the app lacks and a misspelt binding id, exit 0, while the app and
    `config set` refuse them: it still shows it, and says a line for each on stderr, exit 1."""
    path = write(tmp_path / "c.toml", 'theme = "neon"\n\n[keymap]\n"triage.dnoe" = "o"\n')
    result = cli("--config", str(path), "config", "show")
    assert result.code == 1 and '"theme": "neon"' in result.out
    assert result.err.splitlines() == [
        f"crewdeck: error: the app refuses {path}: theme: 'neon' is not a theme (themes: {result.err.split('themes: ')[1].split(')')[0]})",
        f"crewdeck: error: the app refuses {path}: keymap.triage.dnoe: no key binding has this id (did you mean triage.done?)",
    ]
    fine = write(tmp_path / "fine.toml", 'theme = "nord"\n')
    assert cli("--config", str(fine), "config", "show").code == 0


def test_config_unset_removes_one_setting_keeping_the_rest_of_the_file(cli: Cli, tmp_path: Path) -> None:
    """No way removed one keymap entry (`config set keymap.X ""` is refused "no key given"): `config unset KEY` does, any
    key, and leaves every other line of the file, comments included, as it was."""
    path = write(tmp_path / "c.toml", COMMENTED)
    assert (
        cli.ok("--config", str(path), "config", "unset", "keymap.triage.done")
        == f"{path}: keymap.triage.done removed (its default applies)\n"
    )
    assert path.read_text() == COMMENTED.replace('triage.done = "o"     # like vim\n', "")
    assert load(str(path)).keymap == {"tasks.quick_add": "n"}
    cli.ok("--config", str(path), "config", "unset", "theme")
    assert load(str(path)).theme == "textual-dark" and "# My crewdeck settings" in path.read_text()
    before = path.read_text()
    assert cli.ok("--config", str(path), "config", "unset", "keymap.triage.done").endswith(
        "is not set there: nothing written (its default applies)\n"
    )
    assert path.read_text() == before
    result = cli("--config", str(path), "config", "unset", "colour")
    assert result.code == 2 and result.err.startswith("crewdeck: error: colour is not a setting (the keys: ")
