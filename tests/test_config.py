"""The config file: found, read, refused with the file, the key and the problem, written."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace.config import ConfigError, load, parse, save
from crewdeck.tui.workspace.errors import UserError

from .apphelp import demo_workspace, make_app, settle
from .conftest import Cli


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults_when_there_is_no_file(isolated_config: Path) -> None:
    config = load()
    assert (config.theme, config.default_view, config.time_format, config.keymap) == ("textual-dark", "inbox", "24h", {})


def test_every_key_of_the_example_parses() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    config = parse(tomllib.loads(example.read_text()), example)
    assert config.publish.lead_hours == 24 and config.publish.peak_hours


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
        ("[publish]\nlead_hours = -1\n", "publish.lead_hours: expected a whole number of hours"),
        ('[publish.peak_hours]\ninstagram = ["25:00"]\n', "publish.peak_hours.instagram"),
        ("theme = \n", "not valid TOML"),
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
    bad_key = write(tmp_path / "k.toml", '[keymap]\ntriage.dnoe = "o"\n')
    result = cli("--config", str(bad_key))
    assert result.code == 2 and "keymap.triage.dnoe: no key binding has this id (did you mean triage.done?)" in result.err


def test_config_commands(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    assert cli.ok("--config", str(path), "config", "path").strip() == str(path)
    cli.ok("--config", str(path), "config", "set", "keymap.triage.done", "o")
    cli.ok("--config", str(path), "config", "set", "publish.lead_hours", "12")
    assert load(str(path)).keymap == {"triage.done": "o"} and load(str(path)).publish.lead_hours == 12
    result = cli("--config", str(path), "config", "set", "theme", "neon")
    assert result.code == 2 and "not a theme" in result.err
    assert '"theme": "textual-dark"' in cli.ok("--config", str(path), "config", "show")
    assert main(["--config", str(path), "config", "set", "colour", "red"]) == 2


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
