"""A joiner a teammate typed before a plain letter, in a real terminal (tmux 3.3a): the app's lines keep their boxes.

tmux joins the next character that is not ASCII it is sent after a zero-width joiner to the glyph before it, however
many ASCII characters, escape sequences and lines come between: "c", a joiner, "d" and, a row later, an ellipsis drew
the ellipsis in no column, and every cell after it on that line one column to the left of where the app laid it.
"""

from __future__ import annotations

from pathlib import Path

from crewdeck.tui.workspace.columns import cells

from .test_terminal import ADDS_A_LINE, app_in_tmux, cli

#: The pane's corners and sides: where each box of the screen begins and ends.
EDGES = "│╭╮╰╯"


def _edges(line: str) -> list[int]:
    """The columns of ``line`` that hold a box's side, counted as the terminal draws them."""
    found, column = [], 0
    for ch in line:
        if ch in EDGES:
            found.append(column)
        column += cells(ch)
    return found


def test_a_title_with_a_joiner_before_a_letter_moves_no_other_cell(tmp_path: Path) -> None:
    with app_in_tmux(tmp_path, ADDS_A_LINE) as (terminal, workspace):
        terminal.wait_for(lambda text: "Tasks" in text and "Budget" in text, "the panes")
        cli(workspace, "add", "Brief c\u200dd for the launch @ana due:today 17:00")
        screen = terminal.wait_for(lambda text: "Brief c" in text and "CAMPAIGN" in text, "the teammate's task")
    lines = screen.splitlines()
    top = next(line for line in lines if line.startswith("╭"))
    boxed = [line for line in lines if line.startswith("│")]
    wrong = [line for line in boxed if _edges(line)[-1] != _edges(top)[-1] or cells(line) > 160]
    assert boxed and not wrong, "\n".join(wrong)
