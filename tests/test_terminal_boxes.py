"""A teammate's text in a real terminal (tmux 3.3a): the app's lines keep their boxes, its columns their edges.

A joiner typed before a plain letter: tmux joins the next character that is not ASCII it is sent after a zero-width joiner to the glyph before it, however
many ASCII characters, escape sequences and lines come between: "c", a joiner, "d" and, a row later, an ellipsis drew
the ellipsis in no column, and every cell after it on that line one column to the left of where the app laid it.
"""

from __future__ import annotations

import re
from pathlib import Path

from crewdeck.tui.workspace.columns import cells

from .test_terminal import ADDS_A_LINE, app_in_tmux, cli

#: A payment to Meta, its payee's tab shown as ``^I``, up to the end of its amount.
PAID = re.compile(r"Meta\^IAds\s+[\d,.]+ EUR")
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


def _amount_ends(text: str) -> set[int]:
    """The columns where the amounts paid to Meta end, line by line: one, where the payee's tab moved none."""
    return {cells(line[: match.end()]) for line in text.splitlines() if (match := PAID.search(line))}


def _moved(screen: str) -> list[str]:
    """The lines of the panes side by side whose last edge is not where the top line's is (or that run past 160)."""
    lines = screen.splitlines()
    top = next(line for line in lines if line.startswith("╭"))
    boxed = [line for line in lines if line.startswith("│")]
    assert boxed, screen
    return [line for line in boxed if _edges(line)[-1] != _edges(top)[-1] or cells(line) > 160]


def test_a_title_with_a_joiner_before_a_letter_moves_no_other_cell(tmp_path: Path) -> None:
    with app_in_tmux(tmp_path, ADDS_A_LINE) as (terminal, workspace):
        terminal.wait_for(lambda text: "Tasks" in text and "Budget" in text, "the panes")
        cli(workspace, "add", "Brief c\u200dd for the launch @ana due:today 17:00")
        screen = terminal.wait_for(lambda text: "Brief c" in text and "CAMPAIGN" in text, "the teammate's task")
    assert not _moved(screen), "\n".join(_moved(screen))


def test_a_tab_in_a_payee_keeps_the_columns_after_it_in_place(tmp_path: Path) -> None:
    """A tab sent to the terminal moved the rest of the row to the next tab stop: the Budget pane's side past the
    screen's edge, the ledger's amount out of its column (``ledger list``: ``tests/test_ledger_cli.py``)."""
    with app_in_tmux(tmp_path, ADDS_A_LINE) as (terminal, workspace):
        terminal.wait_for(lambda text: "Tasks" in text and "Budget" in text, "the panes")
        cli(workspace, "ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "12.00 EUR", "--payee", "Meta\tAds")
        screen = terminal.wait_for(lambda text: "Meta" in text and "CAMPAIGN" in text, "the teammate's entry")
        assert not _moved(screen), "\n".join(_moved(screen))
        terminal.keys("3", "z")
        ledger = terminal.wait_for(lambda text: "BURN/DAY" in text and PAID.search(text) is not None, "the ledger zoomed")
    assert len(_amount_ends(ledger)) == 1 and "Meta^IAds" in ledger, ledger
