"""``crewdeck config``: where the config is, what it says, and changing it."""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from typing import Any

from crewdeck.sync.state.pathnames import system_name, typed_name
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import Context, print_json
from crewdeck.tui.workspace import config as config_module
from crewdeck.tui.workspace.config import MOVED, Config, as_data, config_path, known_keys, read_toml, save, settings, unset, updated
from crewdeck.tui.workspace.errors import UserError


def cmd_config_path(ctx: Context) -> int:
    print(visible(typed_name(config_path(getattr(ctx.args, "config", None)))))
    return 0


def cmd_config_show(ctx: Context) -> int:
    """Every setting as JSON (``--json`` says so, as every listing takes it); then, on stderr, a line for each setting the
    app refuses to open with (a theme it lacks, a misspelt binding id), and exit 1: ``config set`` refuses them too."""
    config = ctx.config
    values = as_data(config)
    # The file `crewdeck` opens with these options and this environment, as the app finds it (``launch``): the setting
    # alone was wrong where --workspace or CREWDECK_WORKSPACE names another, and null where nothing names one.
    values["workspace"] = typed_name(ctx.workspace_path(required=False) or config_module.default_workspace_path())
    values["path"] = str(config.path)
    print_json(values)
    from crewdeck.tui.app.app import config_problems

    problems = list(config_problems(config))
    for problem in problems:
        print(visible(f"crewdeck: error: the app refuses {problem}"), file=sys.stderr)
    return 1 if problems else 0


def keymap_keys() -> list[str]:
    """``keymap.ID`` for each of the app's key binding ids: the keys ``config set`` takes besides its settings."""
    from crewdeck.tui.app.app import binding_ids

    return sorted(f"keymap.{binding}" for binding in binding_ids())


def theme_names() -> list[str]:
    """The themes ``config set theme`` takes: the app's."""
    from crewdeck.tui.app.app import theme_names

    return theme_names()


def _value(text: str) -> Any:
    """A TOML value (``24``, ``true``, ``["09:00"]``), else the text itself."""
    try:
        return read_toml(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _takes_text(key: str) -> bool:
    """Whether the setting ``key`` is text (every key of the keymap is)."""
    return key.startswith("keymap.") or any(f.name == key and kind in (str, str | None) for f, _, kind in settings(Config))


def cmd_config_set(ctx: Context) -> int:
    key = ctx.args.key
    if key.partition(".")[0] in MOVED:
        raise UserError(
            f"{key} is not a personal setting any more: the publish lead and peak hours are the workspace's (crewdeck workspace set; managers)"
        )
    value = _value(ctx.args.value)
    if _takes_text(key) and not isinstance(value, str):
        # A key, a theme, a view, a time format is always text: `5` (a digit key) and `12` (for 12h) were read as
        # TOML's numbers and refused as "expected a string, got 12" of what was typed as text.
        value = ctx.args.value
    if key == "workspace" and isinstance(value, str) and value and not value.startswith("~"):
        # The path was typed relative to this shell's directory, but the config is read from every directory: kept
        # relative, `crewdeck` run elsewhere named another file ("no workspace at team.db").  `~` is the reader's home.
        value = typed_name(os.path.abspath(system_name(value)))  # the directory's name as typed, as the value is
    # The file as it would be after the change is what is checked (``save`` reads it back), not the file as it is: read
    # first, a wrong value refused the very `config set` its error called for (`ssh_upload_mb = "20"`, then
    # `config set ssh_upload_mb 20`: "ssh_upload_mb: expected a whole number, got '20'").
    config = Config(path=config_path(getattr(ctx.args, "config", None)))
    if key == "theme" or key.startswith("keymap."):
        # The app's own names: its themes and its key binding ids (checked once the value's type is).
        from crewdeck.tui.app.app import check_config

        check_config(updated(config, {key: value}))
    path = save(config, {key: value})
    ctx.made(f"{key} set in {typed_name(path)}")
    print(visible(f"{typed_name(path)}: {key} = {value!r}"))
    if key.startswith("keymap."):
        # Taken, as it works where the terminal speaks the kitty keyboard protocol; said where it does not.
        from crewdeck.tui.app.app import keymap_warnings

        for line in keymap_warnings(Config(keymap={key.removeprefix("keymap."): value}, path=path)):
            print(visible(f"warning: {line}"), file=sys.stderr)
    return 0


def cmd_config_unset(ctx: Context) -> int:
    key = ctx.args.key
    path = config_path(getattr(ctx.args, "config", None))
    removed = unset(Config(path=path), key)
    if removed is None:
        if key not in known_keys() and not key.startswith("keymap."):
            raise UserError(f"{key} is not a setting (the keys: {', '.join(known_keys())})")
        print(visible(f"{typed_name(path)}: {key} is not set there: nothing written (its default applies)"))
        return 0
    ctx.made(f"{key} removed from {typed_name(removed)}")
    print(visible(f"{typed_name(removed)}: {key} removed (its default applies)"))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    config = sub.add_parser("config", parents=parents, help="show or change the configuration", description="The configuration file.")
    csub = config.add_subparsers(dest="config_command", metavar="COMMAND", required=True)
    p = csub.add_parser("path", parents=parents, help="print where the config file is", description="Print the config file's path.")
    p.set_defaults(func=cmd_config_path, config_may_be_missing=True)
    p = csub.add_parser(
        "show",
        parents=parents,
        help="print every setting",
        description="Print every setting, defaults included, as JSON; a setting the app refuses (a theme it lacks, "
        "a binding id it has not) is said on standard error, a line each, and the exit status is 1.",
    )
    p.add_argument("--json", action="store_true", help="print JSON (the default: it is all show prints)")
    p.set_defaults(func=cmd_config_show)
    p = csub.add_parser(
        "set",
        parents=parents,
        help="change one setting",
        description=f"Change one setting: KEY VALUE.  The keys: {', '.join(known_keys())}.",
        examples=[
            "crewdeck config set theme nord",
            "crewdeck config set default_view mine",
            "crewdeck config set time_format 12h",
            "crewdeck config set keymap.triage.done o",
        ],
    )
    p.add_argument("key", help="the setting, e.g. theme, default_view, keymap.triage.done")
    p.add_argument("value", help="its new value: a theme, a view, 24h or 12h, a key (the app's ? lists the keys' ids)")
    p.set_defaults(func=cmd_config_set, config_may_be_missing=True)
    p = csub.add_parser(
        "unset",
        parents=parents,
        help="remove one setting",
        description=f"Remove one setting from the config file, so its default applies; the rest of the file, comments "
        f"included, stays as it is.  The keys: {', '.join(known_keys())}.",
        examples=["crewdeck config unset keymap.triage.done", "crewdeck config unset theme"],
    )
    p.add_argument("key", help="the setting, e.g. theme, keymap.triage.done")
    p.set_defaults(func=cmd_config_unset, config_may_be_missing=True)
