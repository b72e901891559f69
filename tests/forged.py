"""Records put into a store the way a pull puts them there: applied, never judged.

New operations are checked where they are made (local writes, the server's
push); what is already stored or pulled is not.  Tests of readers use this
to hold what a store may hold whatever today's checks say: incomplete
records, values the checks refuse, text with control characters.
"""

from __future__ import annotations

import json
import unicodedata
from itertools import zip_longest
from pathlib import Path
from typing import Any

from crewdeck.sync.state.clock import Stamp, wall_ms
from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.store import Store

#: A node no store makes (node ids are random hex; this one is fixed).
NODE = "f0f0f0f0f0f0"

#: Everything a terminal acts on, and markup, in one line of text: an OSC 52
#: clipboard write ended by BEL, a C1 CSI, a right-to-left override and an
#: isolate, a newline that would forge a row, a carriage return, DEL, NEL,
#: Rich / Textual markup, and a joiner before a letter (tmux would join a
#: character further on to the glyph before it).
HOSTILE = "A\x1b]52;c;cHduZWQ=\x07B\x9b31m\u202eEVIL\u2066\nFORGED ROW\r[bold red]R[/] [$accent]x \x7f\x85Z\u200dJ"
#: How ``crewdeck.sync.state.visible`` shows ``HOSTILE`` on one line (markup stays literal text).
HOSTILE_SHOWN = "A^[]52;c;cHduZWQ=^GBM-^[31m<U+202E>EVIL<U+2066>^JFORGED ROW^M[bold red]R[/] [$accent]x ^?M-^EZ<U+200D>J"


#: A zero-width joiner: raw only before the glyph it joins (see ``crewdeck.sync.state.visible``).
JOINER = "\u200d"


def raw_characters(text: str, *, newlines: bool = True, joiners: bool = True) -> list[str]:
    """The characters in ``text`` that ``crewdeck.sync.state.visible`` would have shown (a newline only if not ``newlines``,
    a joiner only if ``joiners``: a file keeps them)."""
    found = []
    for char, after in zip_longest(text, text[1:], fillvalue=""):
        code = ord(char)
        if char == "\t" or (char == "\n" and newlines):
            continue
        controls = code < 0x20 or 0x7F <= code <= 0x9F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069
        # A joiner before ASCII, one not yet assigned (tmux drops it) or the end ("" too): tmux joins what comes next.
        carried = after.isascii() or after == JOINER or unicodedata.category(after) == "Cn"
        unjoined = joiners and char == JOINER and carried
        if controls or code in (0x2028, 0x2029) or unjoined:
            found.append(char)
    return found


class Forger:
    """Applies operations to a workspace file as if they had been pulled."""

    def __init__(self, path: Path, member: str = "") -> None:
        self.path = path
        self.member = member
        self.seq = 0
        self.last = Stamp(0, 0, NODE)

    def _stamp(self) -> str:
        # After every stamp the file holds: a store's write takes a millisecond of its own, so a burst of writes runs
        # its clock ahead of the wall clock, and a value forged at the wall clock's time would lose to the older one.
        ms = max(wall_ms(), self.last.ms, self._newest_ms() + 1)
        stamp = Stamp(ms, self.last.counter + 1 if ms == self.last.ms else 0, NODE)
        self.last = stamp
        return str(stamp)

    def _newest_ms(self) -> int:
        if not self.path.exists():
            return 0
        with Store(self.path) as store:
            (newest,) = store.conn.execute("SELECT max(op_id) FROM ops").fetchone()
        return Stamp.parse(newest).ms if newest else 0

    def op(self, kind: str, entity: str, row_id: str, field: str, value: Any) -> Op:
        self.seq += 1
        return Op(self._stamp(), NODE, self.seq, self.member, kind, entity, row_id, field, json.dumps(value, ensure_ascii=False))

    def set_ops(self, entity: str, row_id: str, values: dict[str, Any]) -> list[Op]:
        return [self.op("set", entity, row_id, name, value) for name, value in values.items()]

    def apply(self, ops: list[Op]) -> None:
        with Store(self.path) as store:
            store.apply(ops)

    def set(self, entity: str, row_id: str, values: dict[str, Any]) -> None:
        self.apply(self.set_ops(entity, row_id, values))

    def append(self, entity: str, row_id: str, record: dict[str, Any]) -> None:
        self.apply([self.op("append", entity, row_id, "*", record)])
