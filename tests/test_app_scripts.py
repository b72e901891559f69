"""Text of many scripts in the app: each line as wide as its box in the terminal's columns (tmux's, ``cells``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crewdeck.tui.workspace.columns import cells

from .apphelp import make_app, settle, team_with_titles

#: Titles a terminal draws wider or narrower than Rich's own table measured them (tmux 3.3a, by hand).
TITLES = {
    "हिंदी कॉपी लिखें": "spacing vowel signs of Devanagari: a column each",
    "தமிழ் நகல்": "a spacing vowel sign of Tamil",
    "Reel 👍🏽 thumbs": "a skin-tone modifier: two columns",
    "Love ❤️ it": "a heart with its emoji selector: one column",
}


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return team_with_titles(tmp_path / "team.db", TITLES)


async def test_a_task_title_in_any_script_keeps_its_row_as_wide_as_the_table(team: Path) -> None:
    # A Hindi title pushed the rest of its row (its due date) four columns right, out of the table; a heart pulled it
    # one column left: the app laid each line out in Rich's widths, which are not the terminal's.
    app = make_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.tasks_pane.table
        lines = ["".join(segment.text for segment in table.render_line(y)) for y in range(table.size.height)]
        shown = [line for line in lines if any(title.split()[0] in line for title in TITLES)]
        assert len(shown) == len(TITLES), "\n".join(lines)
        assert len({cells(line) for line in shown}) == 1, "\n".join(shown)
        assert cells(shown[0]) <= table.size.width
        dues = {cells(line[: line.index("tmrw")]) for line in shown}  # the columns the due dates start in
        assert len(dues) == 1, "\n".join(shown)
