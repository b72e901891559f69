"""The configuration file: where it is, what it may say, and reading it.

TOML in the platform's config directory (``~/.config/crewdeck/config.toml``
on Linux), or the file named by ``--config`` / ``CREWDECK_CONFIG``.  Every
key is documented in ``config.example.toml``; a bad file is refused with one
line that names the file, the key and the problem.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from crewdeck.tui.workspace.errors import UserError

ENV_CONFIG = "CREWDECK_CONFIG"
TIME_FORMATS = ("24h", "12h")


def default_config_path() -> Path:
    """The one place the config is looked for; tests patch this function."""
    from platformdirs import user_config_path

    return user_config_path("crewdeck") / "config.toml"


def default_workspace_path() -> Path:
    """Where ``crewdeck`` keeps a local workspace when none is configured."""
    from platformdirs import user_data_path

    return user_data_path("crewdeck") / "workspace.db"


#: When each platform's audience is most active, in the audience's zone: the
#: common findings of the scheduling tools' yearly studies, rounded.  The
#: config's ``[publish.peak_hours]`` replaces a platform's list.
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


@dataclass(frozen=True)
class PublishConfig:
    #: Hours to finish the draft before a publish slot.
    lead_hours: int = 24
    #: Peak hours per platform in the audience's zone, as "HH:MM".
    peak_hours: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_PEAK_HOURS))


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    workspace: str | None = None
    member: str | None = None
    theme: str = "textual-dark"
    default_view: str = "inbox"
    time_format: str = "24h"
    keymap: dict[str, str] = field(default_factory=dict)
    publish: PublishConfig = field(default_factory=PublishConfig)

    @property
    def clock24(self) -> bool:
        return self.time_format == "24h"


class ConfigError(UserError):
    def __init__(self, path: Path, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}")


_TOP_KEYS = {"workspace": str, "member": str, "theme": str, "default_view": str, "time_format": str, "keymap": dict, "publish": dict}


def _expect(path: Path, key: str, value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(path, key, f"expected {kind.__name__.replace('str', 'a string').replace('dict', 'a table')}, got {value!r}")
    return value


def _unknown(path: Path, key: str, known: list[str]) -> ConfigError:
    close = difflib.get_close_matches(key.rsplit(".", 1)[-1], known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(known)})"
    return ConfigError(path, key, f"not a setting{hint}")


def parse(data: dict[str, Any], path: Path) -> Config:
    values: dict[str, Any] = {"path": path}
    for key, value in data.items():
        if key not in _TOP_KEYS:
            raise _unknown(path, key, list(_TOP_KEYS))
        values[key] = _expect(path, key, value, _TOP_KEYS[key])
    if values.get("time_format", "24h") not in TIME_FORMATS:
        raise ConfigError(path, "time_format", f"{values['time_format']!r} is not one of {', '.join(TIME_FORMATS)}")
    if "default_view" in values:
        from crewdeck.tui.tasks.views import VIEWS

        view = values["default_view"]
        if view not in {v.id for v in VIEWS} and not view.startswith("campaign:"):
            raise ConfigError(path, "default_view", f"{view!r} is not a view ({', '.join(v.id for v in VIEWS)}, campaign:SLUG)")
    if "workspace" in values:
        values["workspace"] = os.path.expanduser(values["workspace"])
    # Binding ids have dots ("triage.done"); TOML reads `triage.done = "o"`
    # as nested tables, so they are flattened back into ids.
    keymap = _flatten(values.get("keymap", {}))
    values["keymap"] = keymap
    for action, keys in keymap.items():
        _expect(path, f"keymap.{action}", keys, str)
        if not keys.strip():
            raise ConfigError(path, f"keymap.{action}", "no key given")
    if "publish" in values:
        values["publish"] = _parse_publish(values["publish"], path)
    return Config(**values)


def _flatten(table: dict[str, Any]) -> dict[str, Any]:
    # Walked without recursion: TOML's dotted keys nest tables as deep as a line is long.
    flat: dict[str, Any] = {}
    stack: list[tuple[str, dict[str, Any]]] = [("", table)]
    while stack:
        prefix, current = stack.pop()
        for key, value in current.items():
            if isinstance(value, dict):
                stack.append((f"{prefix}{key}.", value))
            else:
                flat[f"{prefix}{key}"] = value
    return flat


def read_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``, with what it cannot read refused as the ``TOMLDecodeError`` it is."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise
    except RecursionError:
        raise tomllib.TOMLDecodeError("nested too deeply") from None
    except ValueError:  # int() refuses more than 4,300 digits
        raise tomllib.TOMLDecodeError("a number too long to read") from None


def _parse_publish(data: dict[str, Any], path: Path) -> PublishConfig:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "lead_hours":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 24 * 30:
                raise ConfigError(path, "publish.lead_hours", f"expected a whole number of hours (0-720), got {value!r}")
            out["lead_hours"] = value
        elif key == "peak_hours":
            _expect(path, "publish.peak_hours", value, dict)
            for platform, hours in value.items():
                if not isinstance(hours, list) or not all(isinstance(h, str) and _is_hhmm(h) for h in hours):
                    raise ConfigError(path, f"publish.peak_hours.{platform}", f'expected a list like ["09:00", "18:00"], got {hours!r}')
            out["peak_hours"] = {**DEFAULT_PEAK_HOURS, **{k.lower(): sorted(v) for k, v in value.items()}}
        else:
            raise _unknown(path, f"publish.{key}", ["lead_hours", "peak_hours"])
    return PublishConfig(**out)


def _is_hhmm(text: str) -> bool:
    hh, sep, mm = text.partition(":")
    return bool(sep) and hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(hh) < 24 and int(mm) < 60


def config_path(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_CONFIG)
    return Path(env).expanduser() if env else default_config_path()


def load(explicit: str | None = None, *, missing_ok: bool = False) -> Config:
    """Read the config; a missing default file is an empty config, a missing named one an error
    (unless ``missing_ok``: ``crewdeck config set`` creates it)."""
    path = config_path(explicit)
    named = bool(explicit or os.environ.get(ENV_CONFIG))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if named and not missing_ok:
            raise UserError(f"{path}: no such config file") from None
        return Config(path=path)
    except OSError as exc:
        raise UserError(f"{path}: cannot read the config: {exc.strerror}") from None
    try:
        data = read_toml(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{path}: the config is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None
    return parse(data, path)


def _updated_data(config: Config, updates: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    path = config.path or default_config_path()
    try:
        data = read_toml(path.read_text("utf-8")) if path.exists() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{path}: cannot update the config: {exc}") from None
    for dotted, value in updates.items():
        target = data
        *parents, last = dotted.split(".")
        for part in parents:
            child = target.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(path, dotted, f"{part} is a setting of its own, not a table")
            target = child
        target[last] = value
    return path, data


def updated(config: Config, updates: dict[str, Any]) -> Config:
    """The config the file would hold with ``updates``; ``ConfigError`` when it would be refused."""
    path, data = _updated_data(config, updates)
    return parse(data, path)


def save(config: Config, updates: dict[str, Any]) -> Path:
    """Write ``updates`` into the config file, keeping what else it says."""
    import tomli_w

    path, data = _updated_data(config, updates)
    parse(data, path)  # refuse to write a file we would refuse to read
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data), "utf-8")
    tmp.replace(path)
    return path


def known_keys() -> list[str]:
    return [f.name for f in fields(Config) if f.name != "path"]
