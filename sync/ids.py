"""Random record ids and the short prefixes people type."""

from __future__ import annotations

import secrets

#: How many leading hex digits the UI and the CLI show for an id.
SHORT_LEN = 8
#: The shortest prefix the CLI accepts when resolving an id.
MIN_PREFIX = 4


def new_id() -> str:
    """A random 128-bit id as 32 lowercase hex digits.

    Random (not time-ordered) so that the short prefix of a new record is as
    unlikely as possible to collide with one made at the same moment.
    """
    return secrets.token_hex(16)


def new_node_id() -> str:
    """A random 48-bit node id, 12 hex digits, part of every stamp."""
    return secrets.token_hex(6)


def short(record_id: str) -> str:
    return record_id[:SHORT_LEN]
