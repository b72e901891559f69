"""Changing keys of a TOML text in place: comments, blank lines and key order stay as they were.

A key is dotted (``keymap.triage.done``) and is found however the file
spells it: ``[keymap]`` then ``triage.done = ...``, ``"triage.done" = ...``,
``[keymap.triage]`` then ``done = ...``, or an inline table.  A key the file
lacks is added after the last key of its table (above the comments that lead
into the next table), or in a new table at the end.  Every edit is checked
by reading the result back: it must hold exactly what it held before, with
the one key changed.
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Callable, MutableMapping
from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Comment, Item, Key, Table
from tomlkit.toml_document import TOMLDocument


class EditRefused(Exception):
    """The edit cannot be made: ``key`` is the dotted key asked for, or None for the whole text."""

    def __init__(self, key: str | None, problem: str) -> None:
        self.key, self.problem = key, problem
        super().__init__(f"{key}: {problem}" if key else problem)


def edited(text: str, updates: dict[str, Any]) -> str:
    """``text`` with each dotted key of ``updates`` set to its value, and nothing else changed."""
    try:
        doc = tomlkit.parse(text)
        expected = tomllib.loads(text)
    except (TOMLKitError, tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise EditRefused(None, str(exc)) from None
    out = text
    for dotted, value in updates.items():
        try:
            _set(doc, dotted, value, _create_in_document)
            _set(expected, dotted, copy.deepcopy(value), _create_plain)
            out = _in_line_ends_of(text, doc.as_string())
            same = _same(tomllib.loads(out), expected)
        except RecursionError:
            raise EditRefused(dotted, "nested too deeply") from None
        except (TOMLKitError, tomllib.TOMLDecodeError, ValueError) as exc:
            raise EditRefused(dotted, f"cannot be written: {exc}") from None
        if not same:
            raise EditRefused(dotted, "cannot be added to this file without changing other settings: add it by hand")
    return out


def without(text: str, dotted: str) -> str | None:
    """``text`` without the dotted key (and its comment on the line), nothing else changed; ``None``: it has no such key."""
    try:
        doc = tomlkit.parse(text)
        expected = tomllib.loads(text)
    except (TOMLKitError, tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise EditRefused(None, str(exc)) from None
    if not (_remove(doc, dotted) and _remove(expected, dotted)):
        return None
    try:
        out = _in_line_ends_of(text, doc.as_string())
        # A table left empty is none: `triage.done = "o"` removed leaves the file no `triage`, where the parsed copy has {}.
        same = _same(_unemptied(tomllib.loads(out)), _unemptied(expected))
    except (TOMLKitError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise EditRefused(dotted, f"cannot be removed: {exc}") from None
    if not same:
        raise EditRefused(dotted, "cannot be removed from this file without changing other settings: remove it by hand")
    return out


def _remove(table: MutableMapping[str, Any], dotted: str) -> bool:
    """Whether ``table`` held the dotted key, however the file spells it (``_longest_key``), which is gone now."""
    node, rest = table, dotted.split(".")
    while True:
        name, used = _longest_key(node, rest)
        if name is None:
            return False
        if used == len(rest):
            del node[name]
            return True
        child = node[name]
        if not isinstance(child, MutableMapping):
            return False
        node, rest = child, rest[used:]


def _unemptied(table: dict[str, Any]) -> dict[str, Any]:
    """``table`` without the tables that hold nothing, however deep."""
    kept = {}
    for key, value in table.items():
        if isinstance(value, dict):
            value = _unemptied(value)
            if not value:
                continue
        kept[key] = value
    return kept


def _in_line_ends_of(text: str, out: str) -> str:
    """A file written with CRLF line ends stays so: tomlkit ends the lines it adds with LF."""
    if "\r\n" in text and "\n" not in text.replace("\r\n", ""):
        return out.replace("\r\n", "\n").replace("\n", "\r\n")
    return out


Create = Callable[[MutableMapping[str, Any], list[str], Any], None]


def _set(table: MutableMapping[str, Any], dotted: str, value: Any, create: Create) -> None:
    node, rest = table, dotted.split(".")
    while True:
        name, used = _longest_key(node, rest)
        if name is None:
            create(node, rest, value)
            return
        if used == len(rest):
            node[name] = value
            return
        child = node[name]
        if not isinstance(child, MutableMapping):
            raise EditRefused(dotted, f"{name} is a setting of its own, not a table")
        node, rest = child, rest[used:]


def _longest_key(node: MutableMapping[str, Any], parts: list[str]) -> tuple[str | None, int]:
    """The key of ``node`` that names the most leading ``parts``: a key may hold dots (``"triage.done" = ...``)."""
    best: tuple[str | None, int] = (None, 0)
    for key in node:
        used = key.count(".") + 1
        if used > best[1] and ".".join(parts[:used]) == key:
            best = (key, used)
    return best


def _create_plain(node: MutableMapping[str, Any], parts: list[str], value: Any) -> None:
    for part in reversed(parts[1:]):
        value = {part: value}
    node[parts[0]] = value


def _create_in_document(node: MutableMapping[str, Any], parts: list[str], value: Any) -> None:
    if isinstance(node, TOMLDocument) and len(parts) > 1:
        table = tomlkit.table()
        table.add(_key(parts[1:]), value)
        node.add(parts[0], table)
    elif isinstance(node, TOMLDocument):
        _insert(node, node, _key(parts), value)
    elif isinstance(node, Table) and not node.is_super_table():
        _insert(node.value, node, _key(parts), value)
    else:
        # An inline table, or a table the file only implies (`[a.b]` without `[a]`):
        # tomlkit places the key, and the read-back check makes sure it placed it well.
        _create_plain(node, parts, value)


def _key(parts: list[str]) -> Key:
    return tomlkit.key(parts if len(parts) > 1 else parts[0])


def _insert(body: Container, table: TOMLDocument | Table, key: Key, value: Any) -> None:
    """After the table's last key; in a file without top-level keys, above the comments leading into its first table."""
    items = body.body
    first_table = next((i for i, (k, item) in enumerate(items) if _opens_a_table(k, item)), len(items))
    keyed = [i for i, (k, _) in enumerate(items[:first_table]) if k is not None]
    entry = tomlkit.item(value)
    if keyed:
        at = keyed[-1] + 1
    elif isinstance(table, TOMLDocument):
        at = first_table
        while at > 0 and isinstance(items[at - 1][1], Comment):
            at -= 1
        entry.trivia.trail = "\n\n"  # the first key of the file, apart from the table below it
    else:
        at = 0
    if at < len(items):
        # tomlkit's public add() appends after trailing comments, which read as the next table's.
        body._insert_at(at, key, entry)
    else:
        table.add(key, value)


def _opens_a_table(key: Key | None, item: Item) -> bool:
    return isinstance(item, AoT) or (isinstance(item, Table) and not (key is not None and key.is_dotted()))


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to itself (``config set x nan`` changes nothing else either)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b) and type(a) is type(b)
