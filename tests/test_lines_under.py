"""The lines under a listing's row (``member list``'s groups, ``campaign list``'s chains, ``post list``'s rounds)."""

from __future__ import annotations

from crewdeck.tui.cli.common import line_under
from crewdeck.tui.workspace.columns import cells


def test_a_chain_of_wide_characters_wraps_within_the_terminal() -> None:
    # Measured in characters, a chain of Japanese step names was kept on lines wider than the terminal (two columns
    # a character), and the terminal wrapped them mid-name.
    parts = ["ブランド確認 (@mia)", "法務チェック (@raj)", "クライアント (@gus)"]
    lines = line_under("approval chain", parts, " → ", 40)
    assert all(cells(line) <= 40 for line in lines), [(line, cells(line)) for line in lines]
    assert "".join(lines).count("@") == 3, lines  # every step still said, none split


def test_a_chain_that_fits_stays_on_one_line() -> None:
    assert line_under("approval chain", ["copy (@mia)", "brand (group brand)"], " → ", 80) == [
        "  approval chain: copy (@mia) → brand (group brand)"
    ]
