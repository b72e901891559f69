"""The configuration file: where it is, what it may say, reading it and changing it.

TOML in the platform's config directory (``~/.config/crewdeck/config.toml``
on Linux), or the file named by ``--config`` / ``CREWDECK_CONFIG``.

What it may say is one schema, the dataclass ``Config``: each field with
``about(...)`` in its metadata is a key,
with its type (the annotation), its default and its documentation.  Reading a file,
``known_keys()``, the errors and ``config.example.toml`` (written by
``config_example.py``) all come from those fields.  A bad file is refused
with one line that names the file, the key and the problem.

Changes (``crewdeck config set``, a theme picked in the app) edit the file
in place (``toml_edit.py``): the user's comments, blank lines and key order
stay as they were.
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Iterator
from dataclasses import Field, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from crewdeck.sync.state.pathnames import typed_name
from crewdeck.tui.workspace.environment import variable
from crewdeck.tui.workspace.errors import UserError, home_path

ENV_CONFIG = "CREWDECK_CONFIG"

T = TypeVar("T")


def default_config_path() -> Path:
    """The one place the config is looked for; tests patch this function."""
    from platformdirs import user_config_path

    return user_config_path("crewdeck") / "config.toml"


def default_workspace_path() -> Path:
    """Where ``crewdeck`` keeps a local workspace when none is configured."""
    from platformdirs import user_data_path

    return user_data_path("crewdeck") / "workspace.db"


# ---------------------------------------------------------------- the schema


@dataclass(frozen=True)
class Setting:
    """What the schema says of a key besides its type and default."""

    #: Its documentation, as the example file shows it above the key (paragraphs split by a blank line).
    doc: str
    #: Shown commented out in the example: a value for a key without a default, entries for a table of entries.
    example: Any = None
    #: What a right value looks like, for "expected ..., got ..."; else said from the type.  Of each entry, for a table of entries.
    expect: str | None = None
    #: The problem with a value of the right type, or None.  Of each entry, for a table of entries.
    check: Callable[[Any], str | None] | None = None
    #: The value as the config holds it, from the value as the file says it and the file it is in.
    read: Callable[[Any, Path], Any] | None = None
    #: The entries are named by dotted ids (``triage.done``), which TOML reads as nested tables.
    dotted_ids: bool = False
    #: What names an entry of a table of entries, in ``known_keys()``.
    entry_name: str = "NAME"


_SETTING = "crewdeck.setting"


def about(
    doc: str,
    *,
    example: Any = None,
    expect: str | None = None,
    check: Callable[[Any], str | None] | None = None,
    read: Callable[[Any, Path], Any] | None = None,
    dotted_ids: bool = False,
    entry_name: str = "NAME",
) -> dict[str, Setting]:
    """The metadata that makes a dataclass field a key of the config file: ``field(default=..., metadata=about(...))``."""
    return {_SETTING: Setting(doc, example, expect, check, read, dotted_ids, entry_name)}


TIME_FORMATS = ("24h", "12h")

#: When each platform's audience is most active, in the audience's zone: the
#: common findings of the scheduling tools' yearly studies, rounded.  The
#: workspace's ``peak_hours.PLATFORM`` replaces a platform's list.
DEFAULT_PEAK_HOURS: dict[str, list[str]] = {
    "instagram": ["11:00", "19:00"],
    "facebook": ["09:00", "13:00"],
    "linkedin": ["08:00", "12:00"],
    "x": ["09:00", "12:00"],
    "tiktok": ["12:00", "19:00"],
    "youtube": ["15:00", "18:00"],
    "pinterest": ["20:00"],
    "threads": ["09:00", "18:00"],
    "newsletter": ["08:00"],
}


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    return lambda value: None if value in choices else f"{value!r} is not one of {', '.join(choices)}"


def _a_view(view: str) -> str | None:
    from crewdeck.tui.tasks.views import VIEWS

    if view in {v.id for v in VIEWS} or view.startswith("campaign:"):
        return None
    return f"{view!r} is not a view ({', '.join(v.id for v in VIEWS)}, campaign:SLUG)"


#: The most ``ssh_upload_mb`` may say: a million megabytes (a terabyte) is past any team's file.
MOST_UPLOAD_MB = 1_000_000


def _upload_mb(megabytes: int) -> str | None:
    return None if 1 <= megabytes <= MOST_UPLOAD_MB else f"{megabytes} is not a number of megabytes from 1 to {MOST_UPLOAD_MB:,}"


#: The most ``ssh_upload_idle_seconds`` may say: a day.
MOST_UPLOAD_IDLE_SECONDS = 86_400


def _upload_idle(seconds: int) -> str | None:
    if 1 <= seconds <= MOST_UPLOAD_IDLE_SECONDS:
        return None
    return f"{seconds} is not a number of seconds from 1 to {MOST_UPLOAD_IDLE_SECONDS:,}"


#: The most ``ssh_apps_per_member`` may say: each app is a process of tens of MB.
MOST_APPS_PER_MEMBER = 1_000


def _apps_per_member(apps: int) -> str | None:
    return None if 1 <= apps <= MOST_APPS_PER_MEMBER else f"{apps} is not a number of apps from 1 to {MOST_APPS_PER_MEMBER:,}"


#: ``crewdeck web``'s limits a minute per member, by default (``web_sign_ins_per_minute``, ``web_app_starts_per_minute``):
#: a member's good sign-ins, each may start an app process; and the apps they start (a tab reloaded starts one too: a
#: person reloads a few times a minute at most).
SIGN_INS_PER_MINUTE = 10
APP_STARTS_PER_MINUTE = 20
#: ``crewdeck web``'s failed sign-ins a minute per client address, by default (``web_failed_sign_ins_per_minute``): a
#: wrong token or PIN, a link unknown, used or expired; guessing is what it stops.
FAILED_SIGN_INS_PER_MINUTE = 10
#: The most either may say: past it the limit stops no loop.
MOST_PER_MINUTE = 1_000


def _per_minute(count: int) -> str | None:
    return None if 1 <= count <= MOST_PER_MINUTE else f"{count} is not a number a minute from 1 to {MOST_PER_MINUTE:,}"


def _home_known(text: str) -> str | None:
    """Why a path's ``~user`` names no home here, or None: read as a directory of that name, it was a stray one to make."""
    try:
        home_path(text)
    except UserError as exc:
        return str(exc)
    return None


def _beside(text: str, config: Path) -> str:
    """A path as a config file says it: ``~`` is the reader's home, and a relative path is read from the file's own
    directory, as git reads an include: from the current one, the same config named another file in each directory.
    Text, as typed: ``Context.workspace_path`` converts it to be opened, as it does ``--workspace``'s."""
    if not text:
        return text
    return typed_name(os.path.abspath(os.path.join(config.parent, home_path(text))))


def _some_key(keys: str) -> str | None:
    return None if keys.strip() else "no key given"


@dataclass(frozen=True)
class PublishConfig:
    """The publish settings that decide shared due dates: the workspace's (``crewdeck.tui.posts.reading.shared_publish``).

    Not keys of the personal config any more: every member's quick-add must
    give a draft the same due date (see ``MOVED``).
    """

    #: How many hours before a publish slot the draft is due.
    lead_hours: int = 24
    #: Peak hours per platform, HH:MM in the audience's zone; ``publish:tue`` without a time takes the platform's first still ahead.
    peak_hours: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_PEAK_HOURS))


#: Tables the personal config held once and reads no more, and what says so: their settings are the workspace's now.
MOVED = {
    "publish": (
        "[publish] is not read any more: the publish lead and peak hours are workspace settings, the same for every member "
        "(crewdeck workspace show; a manager changes them with crewdeck workspace set publish_lead_hours N or peak_hours.PLATFORM); "
        "delete the table to drop this note"
    ),
}


@dataclass(frozen=True)
class Config:
    #: The file this config was read from (not a key of it).
    path: Path | None = None
    workspace: str | None = field(
        default=None,
        metadata=about(
            "The workspace file `crewdeck` opens when no --workspace or CREWDECK_WORKSPACE is given.  Default: a local "
            "workspace in the platform's data directory (~/.local/share/crewdeck/workspace.db), created on first run.  "
            "A relative path is read from this file's directory; `crewdeck config show` prints the path it names.",
            example="/srv/crewdeck/team.db",
            check=_home_known,
            read=_beside,
        ),
    )
    member: str | None = field(
        default=None,
        metadata=about(
            "Who you are in that workspace when the OS user is not mapped to a member "
            "(see `crewdeck member set HANDLE --unix-user USER`) and no --as is given.",
            example="ana",
        ),
    )
    theme: str = field(
        default="textual-dark",
        metadata=about(
            "A Textual theme: textual-dark, textual-light, nord, gruvbox, tokyo-night, monokai, dracula, "
            "catppuccin-mocha, solarized-light, ...  The theme picked in the app's command palette is saved here.",
        ),
    )
    default_view: str = field(
        default="inbox",
        metadata=about(
            "The task view the app opens on: inbox, today, overdue, mine, unassigned, week, all, or one campaign's tasks as campaign:SLUG.",
            check=_a_view,
        ),
    )
    time_format: str = field(
        default="24h",
        metadata=about('How times are shown: "24h" (17:00) or "12h" (5:00pm).', check=_one_of(*TIME_FORMATS)),
    )
    ssh_upload_mb: int = field(
        default=100,
        metadata=about(
            "Over SSH (read from the team account's config): the most a member may send on standard input for one "
            "command (`ssh team@host import - < tasks.json`), in megabytes of a million bytes.  Past it the command "
            "is refused and nothing of the upload is kept: one upload cannot fill the server's disk.",
            check=_upload_mb,
        ),
    )
    ssh_upload_idle_seconds: int = field(
        default=120,
        metadata=about(
            "Over SSH (read from the team account's config): how long an upload may send nothing before it is given "
            "up, in seconds.  A member has one upload at a time; one whose client went quiet (a laptop asleep, a "
            "network gone without a word, `ssh team@host import -` without `< FILE`) would hold their place until "
            "sshd noticed, hours without ClientAliveInterval.",
            check=_upload_idle,
        ),
    )
    ssh_apps_per_member: int = field(
        default=4,
        metadata=about(
            "Over SSH (read from the team account's config): how many app sessions (`ssh -t team@host`) a member may "
            "have open at once, as `crewdeck web --apps-per-member` bounds their apps in a browser.  Each is a "
            "process of its own: past it a new session is refused in one line, and the open ones go on.",
            check=_apps_per_member,
        ),
    )
    ssh_app_starts_per_minute: int = field(
        default=APP_STARTS_PER_MINUTE,
        metadata=about(
            "Over SSH (read from the team account's config): how many app sessions a minute a member may start, as "
            "`web_app_starts_per_minute` bounds them in a browser.  Past it a new session is refused in one line "
            "saying when to try again.",
            check=_per_minute,
        ),
    )
    web_failed_sign_ins_per_minute: int = field(
        default=FAILED_SIGN_INS_PER_MINUTE,
        metadata=about(
            "`crewdeck web` (read from the config of the account running it): how many failed sign-ins (a wrong token "
            "or PIN, a link unknown, used or expired) a minute one client address may make.  Past it every sign-in "
            "from that address is refused (429, Retry-After) until the minute is over: a team behind one address "
            "may want more.",
            check=_per_minute,
        ),
    )
    web_sign_ins_per_minute: int = field(
        default=SIGN_INS_PER_MINUTE,
        metadata=about(
            "`crewdeck web` (read from the config of the account running it): how many times a minute a member may "
            "sign in.  Each sign-in may start an app process: past it the sign-in is refused (429, Retry-After) and "
            "nothing is written.",
            check=_per_minute,
        ),
    )
    web_app_starts_per_minute: int = field(
        default=APP_STARTS_PER_MINUTE,
        metadata=about(
            "`crewdeck web` (read from the config of the account running it): how many apps a minute a member may "
            "start (a tab opened or reloaded starts one).  Past it the page says when to try again.",
            check=_per_minute,
        ),
    )
    keymap: dict[str, str] = field(
        default_factory=dict,
        metadata=about(
            "Keys for the app's actions, by the id of their binding.  A value may list several keys separated by commas.  "
            "`?` in the app lists every id with its keys; `crewdeck config set keymap.triage.done o` writes one for you.",
            example={"triage.done": "o", "triage.cycle_status": "s,space", "tasks.quick_add": "a,n", "app.zoom": "f"},
            check=_some_key,
            dotted_ids=True,
            entry_name="ID",
        ),
    )
    #: Tables of ``MOVED`` the file still has (not keys: they are read for the note only).
    moved: tuple[str, ...] = ()

    @property
    def clock24(self) -> bool:
        return self.time_format == "24h"


def settings(schema: type[Any]) -> Iterator[tuple[Field[Any], Setting, Any]]:
    """The keys of a table of the schema (``Config``, or a dataclass table of it): field, setting and type, in order."""
    hints = _HINTS.get(schema) or _HINTS.setdefault(schema, get_type_hints(schema))
    for f in fields(schema):
        if _SETTING in f.metadata:
            yield f, f.metadata[_SETTING], hints[f.name]


#: The schema's annotations, evaluated once: they are text until asked (``from __future__ import annotations``).
_HINTS: dict[type[Any], dict[str, Any]] = {}


def known_keys(schema: type[Any] = Config, prefix: str = "") -> list[str]:
    """Every key a config file may set, dotted, in the order of the schema: ``theme``, ``keymap.ID``."""
    keys: list[str] = []
    for f, spec, kind in settings(schema):
        if is_table(kind):
            keys += known_keys(kind, f"{prefix}{f.name}.")
        else:
            keys.append(f"{prefix}{f.name}.{spec.entry_name}" if entry_type(kind) is not None else prefix + f.name)
    return keys


def as_data(table: Any) -> dict[str, Any]:
    """A config (or one of its tables) as plain data, by key."""
    return {f.name: as_data(v) if is_dataclass(v := getattr(table, f.name)) else v for f, _, _ in settings(type(table))}


def is_table(kind: Any) -> bool:
    """A table of the schema's own (a dataclass), as against a table of entries (``keymap``)."""
    return isinstance(kind, type) and is_dataclass(kind)


def entry_type(kind: Any) -> Any | None:
    """The type of each entry of a table of entries (``dict[str, X]``), else None."""
    return get_args(kind)[1] if get_origin(kind) is dict else None


# ---------------------------------------------------------------- reading


class ConfigError(UserError):
    def __init__(self, path: Path, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{typed_name(path)}: {key}: {problem}")


def parse(data: dict[str, Any], path: Path) -> Config:
    """The config a file's TOML holds; ``ConfigError`` at its first wrong key.  A table of ``MOVED`` is left unread, and named."""
    moved = tuple(key for key in data if key in MOVED)
    config = _read_table(Config, {key: value for key, value in data.items() if key not in MOVED}, path, "")
    return replace(config, moved=moved) if moved else config


def moved_notes(config: Config) -> list[str]:
    """One line for each table the file still has that is read no more, naming the file."""
    where = "the config" if config.path is None else typed_name(config.path)
    return [f"{where}: {MOVED[key]}" for key in config.moved]


def _read_table(schema: type[T], data: dict[str, Any], path: Path, prefix: str) -> T:
    keys = {f.name: (spec, kind) for f, spec, kind in settings(schema)}
    values: dict[str, Any] = {"path": path} if schema is Config else {}
    for key, value in data.items():
        where = prefix + key
        if key not in keys:
            import difflib  # only for the hint of a mistyped key

            close = difflib.get_close_matches(key, list(keys), n=1)
            hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(keys)})"
            raise ConfigError(path, where, f"not a setting{hint}")
        spec, kind = keys[key]
        values[key] = _read_value(spec, kind, value, path, where)
    return schema(**values)


def _read_value(spec: Setting, kind: Any, value: Any, path: Path, where: str) -> Any:
    if is_table(kind):
        return _read_table(kind, _expect(kind, value, path, where, None), path, f"{where}.")
    entry_kind = entry_type(kind)
    if entry_kind is None:
        return _finish(spec, _checked(spec, kind, value, path, where), path)
    table = _expect(kind, value, path, where, None)
    # Walked flat: TOML reads `triage.done = "o"` as nested tables, the id is "triage.done".
    entries = _flatten(table, path, where) if spec.dotted_ids else table
    return _finish(spec, {name: _checked(spec, entry_kind, entry, path, f"{where}.{name}") for name, entry in entries.items()}, path)


def _checked(spec: Setting, kind: Any, value: Any, path: Path, where: str) -> Any:
    _expect(kind, value, path, where, spec.expect)
    problem = spec.check(value) if spec.check else None
    if problem:
        raise ConfigError(path, where, problem)
    return value


def _finish(spec: Setting, value: Any, path: Path) -> Any:
    return spec.read(value, path) if spec.read else value


def _expect(kind: Any, value: Any, path: Path, where: str, expect: str | None) -> Any:
    if not _conforms(value, kind):
        raise ConfigError(path, where, f"expected {expect or _describe(kind)}, got {value!r}")
    return value


def _conforms(value: Any, kind: Any) -> bool:
    kind = _required(kind)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if get_origin(kind) is list:
        return isinstance(value, list) and all(_conforms(item, get_args(kind)[0]) for item in value)
    if is_table(kind) or get_origin(kind) is dict:
        return isinstance(value, dict)
    return isinstance(value, kind)


def _describe(kind: Any) -> str:
    """A type of the schema as the errors name it."""
    kind = _required(kind)
    if get_origin(kind) is list:
        return f"a list of {_describe(get_args(kind)[0]).removeprefix('a ')}s"
    if is_table(kind) or get_origin(kind) is dict:
        return "a table"
    return {str: "a string", int: "a whole number"}[kind]


def _required(kind: Any) -> Any:
    """``X`` of ``X | None``: the file never says None, it leaves the key out."""
    if get_origin(kind) in (Union, types.UnionType):
        (kind,) = (arg for arg in get_args(kind) if arg is not type(None))
    return kind


def _flatten(table: dict[str, Any], path: Path, where: str) -> dict[str, Any]:
    """The entries of a table of dotted ids, by id; ``ConfigError`` for an id the table says twice."""
    # Walked without recursion: TOML's dotted keys nest tables as deep as a line is long.
    flat: dict[str, Any] = {}
    stack: list[tuple[str, dict[str, Any]]] = [("", table)]
    while stack:
        prefix, current = stack.pop()
        for key, value in current.items():
            if isinstance(value, dict):
                stack.append((f"{prefix}{key}.", value))
                continue
            name = f"{prefix}{key}"
            if name in flat:
                # TOML reads `"triage.done"` (quoted) and `triage.done` (dotted) as two keys: one of them was dropped
                # unsaid, and `config set` changed the quoted one while the other went on deciding the key.
                said = f"{flat[name]!r} and {value!r}" if flat[name] != value else f"{value!r}"
                raise ConfigError(path, f"{where}.{name}", f"given twice ({said}), quoted and dotted: keep one")
            flat[name] = value
    return flat


def read_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``, with what it cannot read refused as the ``TOMLDecodeError`` it is."""
    import tomllib  # here, as in ``load``: most commands run with no config file to read

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise
    except RecursionError:
        raise tomllib.TOMLDecodeError("nested too deeply") from None
    except ValueError:  # int() refuses more than 4,300 digits
        raise tomllib.TOMLDecodeError("a number too long to read") from None


def config_path(explicit: str | None = None) -> Path:
    if explicit:
        return home_path(explicit)
    env = variable(ENV_CONFIG)
    return home_path(env) if env else default_config_path()


def load(explicit: str | None = None, *, missing_ok: bool = False) -> Config:
    """Read the config; a missing default file is an empty config, a missing named one an error
    (unless ``missing_ok``: ``crewdeck config set`` creates it)."""
    path = config_path(explicit)
    named = bool(explicit or variable(ENV_CONFIG))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if named and not missing_ok:
            raise UserError(f"{typed_name(path)}: no such config file") from None
        return Config(path=path)
    except OSError as exc:
        raise UserError(f"{typed_name(path)}: cannot read the config: {exc.strerror}") from None
    import tomllib

    try:
        data = read_toml(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{typed_name(path)}: the config is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{typed_name(path)}: not valid TOML: {exc}") from None
    return parse(data, path)


# ---------------------------------------------------------------- changing


def updated(config: Config, updates: dict[str, Any]) -> Config:
    """The config the file would hold with ``updates``; ``ConfigError`` when it would be refused."""
    return _edit(config, updates)[1]


def save(config: Config, updates: dict[str, Any]) -> Path:
    """Write ``updates`` (dotted keys: ``keymap.triage.done``) into the config file, keeping all else it says,
    comments and blank lines included; refused with ``ConfigError`` when the result would be."""
    path = config.path or default_config_path()
    text = _edit(config, updates)[0]
    _write_whole(path, text)
    return path


def unset(config: Config, key: str) -> Path | None:
    """Remove the dotted ``key`` from the config file, keeping all else it says, comments and blank lines included;
    ``None``: the file does not set it (nothing is written).  Refused with ``ConfigError`` when the result would be."""
    import tomllib

    from crewdeck.tui.workspace.toml_edit import EditRefused, without

    path = config.path or default_config_path()
    try:
        before = path.read_bytes().decode("utf-8") if path.exists() else ""
        read_toml(before)
        after = without(before, key)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{typed_name(path)}: cannot update the config: {exc}") from None
    except EditRefused as exc:
        if exc.key is None:
            raise UserError(f"{typed_name(path)}: cannot update the config: {exc.problem}") from None
        raise ConfigError(path, exc.key, exc.problem) from None
    if after is None:
        return None
    parse(read_toml(after), path)  # never write a file we would refuse to read
    _write_whole(path, after)
    return path


def _edit(config: Config, updates: dict[str, Any]) -> tuple[str, Config]:
    # Imported here: tomlkit takes longer to import than the rest of a read-only command.
    import tomllib

    from crewdeck.tui.workspace.toml_edit import EditRefused, edited

    path = config.path or default_config_path()
    try:
        before = path.read_bytes().decode("utf-8") if path.exists() else ""
        read_toml(before)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{typed_name(path)}: cannot update the config: {exc}") from None
    try:
        after = edited(before, updates)
    except EditRefused as exc:
        if exc.key is None:
            raise UserError(f"{typed_name(path)}: cannot update the config: {exc.problem}") from None
        raise ConfigError(path, exc.key, exc.problem) from None
    return after, parse(read_toml(after), path)  # never write a file we would refuse to read


def _write_whole(path: Path, text: str) -> None:
    """Replace the file at once: a reader sees the old file or the new one, never half of one."""
    # Through a link (a config kept with the user's dotfiles), the file it points to is the one changed.
    target = path.resolve() if path.is_symlink() else path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # here: only writing the config needs it

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise UserError(f"{typed_name(path)}: cannot write the config: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"{typed_name(path)}: cannot write the config: {exc.strerror}") from None
