"""Random record ids and the short prefixes people type."""

from __future__ import annotations

import os

#: How many leading hex digits the UI and the CLI show for an id.
SHORT_LEN = 8
#: The shortest prefix the CLI accepts when resolving an id.
MIN_PREFIX = 4


def new_id() -> str:
    """A random 128-bit id as 32 lowercase hex digits.

    Random (not time-ordered) so that the short prefix of a new record is as
    unlikely as possible to collide with one made at the same moment.
    """
    # os.urandom, as the secrets module does, without importing its HMAC (and OpenSSL) at start-up.
    return os.urandom(16).hex()


def new_node_id() -> str:
    """A random 48-bit node id, 12 hex digits, part of every stamp."""
    return os.urandom(6).hex()


#: Where a uuid written out (as Taskwarrior prints one, ``1a2b3c4d-0000-4000-8000-000000000007``) has its dashes.
_UUID_DASHES = frozenset({8, 13, 18, 23})


def typed_id(typed: str) -> str:
    """An id or its prefix as a person typed it, as ids are kept: lower case, without a uuid's dashes (a task imported
    from Taskwarrior keeps its uuid's 128 bits, and people paste it as ``task`` prints it).  Dashes anywhere else stay,
    for the caller to refuse."""
    text = typed.strip().lower()
    if "-" in text and len(text) <= 36 and all(i in _UUID_DASHES for i, c in enumerate(text) if c == "-"):
        return text.replace("-", "")
    return text


def short(record_id: str) -> str:
    return record_id[:SHORT_LEN]


def told_apart(record_ids: list[str]) -> list[str]:
    """Each id cut as ``short`` cuts it, or longer where another of ``record_ids`` begins the same: ids imported from
    Taskwarrior uuids can share their first eight digits, and "aaaaaaaa, aaaaaaaa" names neither."""
    ordered = sorted(set(record_ids))

    def shared(a: str, b: str) -> int:
        return next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))

    needed = {
        rid: max([SHORT_LEN - 1, *(shared(rid, other) for other in ordered[max(i - 1, 0) : i + 2] if other != rid)]) + 1
        for i, rid in enumerate(ordered)
    }
    return [rid[: needed[rid]] for rid in record_ids]
