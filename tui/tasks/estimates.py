"""A task's estimate as typed: ``90m``, ``2h``, ``1h30m`` or plain minutes.

``crewdeck set ID estimate=2h``, the app's ``:`` and quick-add's ``estimate:2h`` (Taskwarrior's UDA, as its users
type it) read it here, with one bound and one wording of a refusal.
"""

from __future__ import annotations

import re

from crewdeck.sync.state.records import MAX_ESTIMATE
from crewdeck.tui.workspace.errors import UserError

#: ASCII digits, at most 9 of each (``\d`` and ``isdigit`` take "²", which ``int`` refuses, and 5,000 digits ``int``
#: refuses too): anything else is no duration.  No estimate typed is longer than ``MAX_ESTIMATE`` (``typed_estimate``).
_ESTIMATE = re.compile(r"(?:([0-9]{1,9})h)?(?:([0-9]{1,9})m)?\Z")
_MINUTES = re.compile(r"[0-9]{1,9}\Z")


def parse_estimate(text: str, what: str = "estimate") -> int:
    """``90m``, ``2h``, ``1h30m`` or plain minutes -> minutes."""
    text = text.strip().lower()
    if _MINUTES.match(text):
        return int(text)
    m = _ESTIMATE.match(text)
    if not text or not m or not any(m.groups()):
        raise UserError(f"{what}: {text!r} is not a duration like 90m, 2h or 1h30m")
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)


def typed_estimate(text: str) -> int | None:
    """The estimate stored for ``text``, in minutes, up to ``MAX_ESTIMATE``; ``None`` for 0 (no estimate: 0 stored read
    "removed the estimate" and an export gave it as an estimate of 0)."""
    minutes = parse_estimate(text)
    if minutes > MAX_ESTIMATE:
        typed = text.strip() + (" minutes" if _MINUTES.match(text.strip()) else "")
        raise UserError(f"estimate: {typed} is more than {MAX_ESTIMATE // 60}h")
    return minutes or None


def format_estimate(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}m" if hours and rest else (f"{hours}h" if hours else f"{rest}m")
