"""Getting started: one default workspace, a named config that must exist, --version, shell completion."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from crewdeck.tui.app.launch import _first_run_workspace
from crewdeck.tui.cli.main import main
from crewdeck.tui.workspace import config as config_module

from .conftest import Result


def run(*argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


def test_the_command_line_uses_the_workspace_the_app_made() -> None:
    local = config_module.default_workspace_path()
    missing = run("tasks")
    assert missing.code == 2 and "no workspace" in missing.err and str(local) in missing.err and missing.err.count("\n") == 1
    _first_run_workspace(local)  # what the app does on its first start with nothing configured
    added = run("add", "Draft reel")
    assert added.code == 0, added.err
    listed = run("tasks", "all")
    assert listed.code == 0 and "Draft reel" in listed.out


def test_the_one_member_of_the_workspace_the_app_made_is_its_manager() -> None:
    # The app's first start made its one member a plain member: alone in their workspace, they were refused the
    # README's next steps ("only a manager may change campaign records"), and nobody could ever make them a manager.
    _first_run_workspace(config_module.default_workspace_path())
    for argv in (("campaign", "add", "Summer Drop"), ("member", "add", "noor", "--name", "Noor Haddad", "--tz", "Europe/London")):
        result = run(*argv)
        assert result.code == 0, (argv, result.err)


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_named_config_that_does_not_exist_is_an_error_for_every_command(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nope.toml"
    named = ["--config", str(missing)] if how == "option" else []
    if how == "environment":
        monkeypatch.setenv("CREWDECK_CONFIG", str(missing))
    target = tmp_path / "team.db"
    for argv in (
        ["init", str(target), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"],
        ["-w", str(target), "tasks"],
        ["-w", str(target), "log"],
        ["config", "show"],
    ):
        result = run(*named, *argv)
        assert result.code == 2 and result.err == f"crewdeck: error: {missing}: no such config file\n", (argv, result.err)
    assert not target.exists()  # init wrote nothing
    # `config set` writes the file: it is the one command that may create it.
    assert run(*named, "config", "set", "time_format", "12h").code == 0 and missing.exists()
    assert run(*named, "init", str(target)).code == 0


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    result = run("--version")
    assert (result.code, result.out, result.err) == (0, f"crewdeck {version('crewdeck')}\n", "")
    assert version("crewdeck") in run("-w", "x.db", "--version").out  # with global options too


def test_completion_without_a_shell_is_one_line() -> None:
    result = run("completion")
    assert result.code == 2 and result.err == "crewdeck: error: completion: name a shell: bash, zsh or fish\n"


@pytest.mark.parametrize(
    ("config", "refusal"),
    [
        ('theme = "neon"\n', "theme: 'neon' is not a theme"),
        ('[keymap]\ntriage.dnoe = "o"\n', "keymap.triage.dnoe: no key binding has this id"),
        ("", "the app needs a terminal"),  # the test's standard input and output are none
    ],
)
def test_the_app_refused_at_its_first_start_makes_no_workspace(tmp_path: Path, config: str, refusal: str) -> None:
    # The first run's local workspace was made, then the config (or the want of a terminal) refused: the error left a
    # workspace behind that nobody asked for.
    named = tmp_path / "config.toml"
    named.write_text(config)
    result = run("--config", str(named))
    assert result.code == 2 and refusal in result.err and result.err.count("\n") == 1, result.err
    assert not config_module.default_workspace_path().exists()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_handle_named_at_the_first_start_that_its_member_will_not_have_makes_no_workspace(
    how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `crewdeck --as ana` with nothing configured made the local workspace, then said "no member with that handle in
    # …/workspace.db (members: @root)": the file stayed, and the next `crewdeck` opened it as someone else.
    monkeypatch.setattr("crewdeck.tui.app.launch.os_user", lambda: "root")
    monkeypatch.setattr("crewdeck.tui.app.launch._check_terminal", lambda on: None)  # as on a terminal, which a test is not
    named = ["--as", "ana"] if how == "option" else []
    if how == "environment":
        monkeypatch.setenv("CREWDECK_MEMBER", "ana")
    local = config_module.default_workspace_path()
    result = run(*named)
    by = "--as" if how == "option" else "CREWDECK_MEMBER"
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert result.err.startswith(f"crewdeck: error: {by} @ana: no member with that handle: the local workspace"), result.err
    assert f"({local}) has one member, @root, you" in result.err, result.err
    assert not local.exists()


def test_a_blank_handle_named_at_the_first_start_is_said_blank_and_makes_no_workspace() -> None:
    # `crewdeck --as '  '` said "--as @: no member with that handle: …", where any other command says the handle is blank.
    result = run("--as", "  ")
    assert (result.code, result.err) == (2, "crewdeck: error: --as: '  ' is no member's handle (write one, e.g. --as @ana)\n")
    assert not config_module.default_workspace_path().exists()


def test_config_show_names_the_workspace_crewdeck_opens_when_none_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # It printed "workspace": null, where the README's table gives the default: which file `crewdeck` opens was
    # nowhere in the command that prints every setting.
    named = tmp_path / "config.toml"
    named.write_text('theme = "nord"\n')

    def shown(*argv: str) -> str:
        result = run("--config", str(named), *argv, "config", "show")
        assert result.code == 0, result.err
        return str(json.loads(result.out)["workspace"])

    assert shown() == str(config_module.default_workspace_path())
    named.write_text('workspace = "team.db"\n')  # one set keeps its own, read from the config file's directory
    assert shown() == str(tmp_path / "team.db")
    # The file the option or the environment names, which crewdeck opens then: the setting's was shown as that file.
    assert shown("-w", str(tmp_path / "other.db")) == str(tmp_path / "other.db")
    monkeypatch.setenv("CREWDECK_WORKSPACE", str(tmp_path / "env.db"))
    assert shown() == str(tmp_path / "env.db")
