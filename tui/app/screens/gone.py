"""A screen of one thing (a task, a ledger entry) once the thing is gone from the workspace (the operation that made
it was refused, or removed): a notice says so, once, and the screen keeps what it last read, marked gone, so that
nothing reads as if it were still there."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from crewdeck.tui.app.lines import Lines


def gone_line(doc: Lines, why: str, *, kept: bool) -> Lines:
    """``doc`` with the line under a gone thing's title: ``gone`` and why; ``kept``: what follows is the thing as last read."""
    return doc.add(("gone", "bold $warning"), f"  {why}" + ("; it was, as last read:" if kept else ""))


def show_gone(body: Static, named: str, why: str, kept: Content | None) -> None:
    """A notice that ``named`` is gone, and why; ``body`` shows ``kept`` (the thing as last read, marked by ``gone_line``)
    or, never read, its name and why; the screen's keys are asked again."""
    body.app.notify(f"{named} is gone: {why}", severity="warning", timeout=8)
    body.update(kept if kept is not None else gone_line(Lines().add((named, "bold")), why, kept=False).content())
    body.refresh_bindings()
