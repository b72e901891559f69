"""``config.example.toml``, written from the config's schema: every key with its documentation and default.

``python -m crewdeck.tui.workspace.config_example > config.example.toml``
writes the file again; tests/test_config.py fails while it and the schema differ.
"""

from __future__ import annotations

import textwrap
from typing import Any

import tomlkit

from crewdeck.tui.workspace.config import Config, entry_type, is_table, settings

WIDTH = 78
INTRO = (
    "crewdeck configuration: every setting, with its default.\n\n"
    "crewdeck reads ~/.config/crewdeck/config.toml (the platform's config directory), or the file named by "
    "--config or CREWDECK_CONFIG.  A key that is not listed here, or a value of the wrong kind, is refused with "
    "the file, the key and the problem.  `crewdeck config set KEY VALUE` changes one key and keeps the rest of "
    "the file as it is, comments included."
)


def example_text() -> str:
    keys, tables = _blocks(Config, "")
    return "\n\n".join([_comment(INTRO), *keys, *tables]) + "\n"


def _blocks(schema: type[Any], prefix: str) -> tuple[list[str], list[str]]:
    """The blocks of a table's own keys, and those of its tables (which TOML wants after the keys)."""
    defaults = schema()
    keys: list[str] = []
    tables: list[str] = []
    for f, spec, kind in settings(schema):
        default = getattr(defaults, f.name)
        if is_table(kind):
            inner_keys, inner_tables = _blocks(kind, f"{prefix}{f.name}.")
            tables.append("\n".join([_comment(spec.doc), f"[{prefix}{f.name}]", *(["\n\n".join(inner_keys)] if inner_keys else [])]))
            tables.extend(inner_tables)
        elif entry_type(kind) is not None:
            entries = spec.example if spec.example is not None else default
            lines = [f"# {_key(name, spec.dotted_ids)} = {_value(value)}" for name, value in entries.items()]
            tables.append("\n".join([_comment(spec.doc), f"[{prefix}{f.name}]", *lines]))
        elif default is None:
            keys.append(f"{_comment(spec.doc)}\n# {f.name} = {_value(spec.example)}")
        else:
            keys.append(f"{_comment(spec.doc)}\n{f.name} = {_value(default)}")
    return keys, tables


def _comment(text: str) -> str:
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        if lines:
            lines.append("#")
        lines += ["# " + line for line in textwrap.wrap(paragraph, WIDTH - 2, break_long_words=False, break_on_hyphens=False)]
    return "\n".join(lines)


def _key(name: str, dotted: bool) -> str:
    return tomlkit.key(name.split(".") if dotted else name).as_string()


def _value(value: Any) -> str:
    text: str = tomlkit.item(value).as_string()
    return text


if __name__ == "__main__":
    print(example_text(), end="")
