"""Rich measures and the widgets cut as the terminal (tmux 3.3a) draws: the app's table and joiner rule, its cutter."""

from __future__ import annotations

from pathlib import Path

import pytest
import rich.cells
import rich.segment
from rich.text import Text

from crewdeck.tui.app.terminal_cells import measure_as_terminal, width_runs
from crewdeck.tui.workspace.columns import cells, whole_glyphs
from crewdeck.widgets import cutting
from crewdeck.widgets.pane_bar import whole_parts

from .apphelp import make_app, settle, team_with_titles

#: Titles a cut split (in the app, not the command line) between a letter and what is drawn with it.
TITLES = [
    "हिंदी हिंदी हिंदी हिंदी हिंदी हिंदी हिंदी हिंदी",
    "🇯🇵🇫🇷🇧🇷🇯🇵🇫🇷🇧🇷🇯🇵🇫🇷🇧🇷🇯🇵🇫🇷🇧🇷🇯🇵🇫🇷🇧🇷",
    "x🇯🇵🇫🇷🇧🇷🇯🇵🇫🇷🇧🇷🇯🇵🇫🇷🇧🇷🇯🇵🇫🇷🇧🇷🇯🇵🇫🇷🇧🇷",
    "👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽",
    "x👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽",
    "क्षक्षक्षक्षक्षक्षक्षक्षक्षक्षक्षक्षक्षक्ष",
]
ZWJ = "\u200d"


def test_rich_is_given_a_table_of_runs_of_one_width() -> None:
    """Rich was given a virtual sequence of 1,114,112 entries, one a code point, which it halved some 21 times (a
    Python call each) for every character it had not seen: 100,000 titles of CJK took 26 s, 3 with its own table."""
    measure_as_terminal()
    table = rich.cells.load_cell_table("auto").widths
    assert isinstance(table, tuple)
    assert table == width_runs()  # written for this Python's Unicode: `make terminal-widths` when it changes
    assert len(table) < 5000


def test_rich_counts_a_joined_character_as_the_terminal_draws_it() -> None:
    """Rich skipped whatever followed a joiner ("a", a joiner and "b" one column, tmux two) and the command line
    counted a heart joined to a woman a column (three for the couple, tmux two)."""
    measure_as_terminal()
    drawn = {f"a{ZWJ}b": 2, f"👩{ZWJ}❤️{ZWJ}👨": 2, f"a{ZWJ}❤": 1, f"x{ZWJ}中": 1, f"👍{ZWJ}a": 3, f"हि{ZWJ}क": 2}
    assert {text: cells(text) for text in drawn} == drawn
    assert {text: rich.cells.cell_len(text) for text in drawn} == drawn


def test_rich_measures_through_the_names_the_app_sets() -> None:
    """What the app relies on in Rich (15.0): cell_len, a Text's width and a Segment's split look the table and the
    joiner rule up by name in rich.cells when they measure, and the lookups they cache are forgotten on demand."""
    measure_as_terminal()
    assert rich.cells.cell_len("हिंदी") == Text("हिंदी").cell_len == 4  # Rich's own table: two
    assert rich.cells.cell_len(f"a{ZWJ}b") == 2
    assert rich.segment.Segment("👍🏽x").cell_length == 5  # Rich's own: three
    assert rich.segment.Segment("👍🏽x").split_cells(4)[0].text == "👍🏽"
    # The replacement's short cut for one-column text is Rich's own test: Latin with accents, `·`, box drawing.
    assert rich.cells._is_single_cell_widths("Café · déjà vu ─") and not rich.cells._is_single_cell_widths("日本")


def test_the_widgets_cut_with_the_command_lines_cutter() -> None:
    measure_as_terminal()
    assert cutting.keep is whole_glyphs
    assert whole_parts(["हिंदी कॉपी", "3 tasks"], 14, shrink_first=3) == "हिं… · 3 tasks"
    assert whole_parts(["3 tasks", "🇯🇵🇫🇷🇧🇷"], 14, shrink_last=3) == "3 tasks · 🇯🇵…"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return team_with_titles(tmp_path / "team.db", TITLES)


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_a_title_cut_in_the_task_table_keeps_each_glyph_whole(team: Path, width: int) -> None:
    """The table cut हिंदी to हिंद (दी read as द), 👍🏽 to 👍, a flag to its first letter and क्ष to क्, where the command
    line kept each whole or left it out; each row still as wide as the table."""
    app = make_app(team)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        table = app.tasks_pane.table
        lines = ["".join(segment.text for segment in table.render_line(y)) for y in range(table.size.height)]
    cut = [line[: line.index("…")].lstrip() for line in lines if "…" in line]
    assert len(cut) == len(TITLES), "\n".join(lines)
    for start in cut:
        (title,) = [title for title in TITLES if title.startswith(start)]
        assert whole_glyphs(title, cells(start)) == start, start
    assert len({cells(line) for line in lines}) == 1, "\n".join(lines)
