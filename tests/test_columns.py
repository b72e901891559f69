"""Tables fitted to a terminal: the free-text columns are cut, the widest first; the others never."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import termios

import pytest

from crewdeck.tui.workspace.columns import NARROWEST, READABLE, cut, cut_cells, fitted, kept, line_width, terminal_width


def test_a_table_that_fits_or_goes_to_a_pipe_is_left_whole() -> None:
    assert fitted([8, 40, 12], {1}, None) == [8, 40, 12]
    assert fitted([8, 40, 12], {1}, 64) == [8, 40, 12]
    assert terminal_width(io.StringIO()) is None  # not a terminal: whole lines


def test_the_widest_free_column_is_cut_first_and_the_others_never() -> None:
    widths = fitted([8, 44, 18, 10, 69], {1, 4}, 80)
    assert widths[0] == 8 and widths[2] == 18 and widths[3] == 10  # an id, an amount, a date: whole
    assert line_width(widths) <= 80 and widths[1] == widths[4]  # both cut to one level
    assert fitted([8, 12, 18, 10, 69], {1, 4}, 80) == [8, 12, 18, 10, 24]  # a free column narrower than the level stays whole


def test_a_cut_column_keeps_a_few_characters_though_the_line_stays_wide() -> None:
    widths = fitted([30, 44, 30], {1}, 40)
    assert widths == [30, NARROWEST, 30] and line_width(widths) > 40
    assert fitted([30, 2, 30], {1}, 40) == [30, 2, 30]  # narrower than NARROWEST already: as it is


def test_a_cut_cell_ends_with_an_ellipsis_within_its_width() -> None:
    assert cut("PT Kreatif Digital", 6) == "PT Kr…" and cut("Canva", 6) == "Canva" and cut("Canva!", 6) == "Canva!"


def test_columns_give_way_in_their_order_before_a_name_is_cut_below_readable() -> None:
    widths = [40, 12, 10, 10, 10]  # a name, an amount, three counts
    assert kept(widths, {0}, [4, 2], None) == [0, 1, 2, 3, 4]  # to a pipe: every column
    assert kept(widths, {0}, [4, 2], READABLE + 12 + 30 + 2 * 4) == [0, 1, 2, 3, 4]  # the name cut to READABLE is room enough
    assert kept(widths, {0}, [4, 2], 60) == [0, 1, 2, 3]  # the first to give way, only
    assert kept(widths, {0}, [4, 2], 44) == [0, 1, 3]  # then the next; column 3 never gives way, nor the name
    assert kept(widths, {0}, [4, 2], 10) == [0, 1, 3]  # none left to give way: fitted cuts the name further


def test_a_terminal_is_as_wide_as_itself_though_the_standard_output_is_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """``kpi report | less`` prints its notes to the terminal behind standard error: they are wrapped to its width,
    which was read from standard output's (80 when that is a pipe, whatever the terminal's)."""
    monkeypatch.delenv("COLUMNS", raising=False)
    reader, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 57, 0, 0))
    with os.fdopen(terminal, "w") as stream, os.fdopen(reader, "rb"):
        assert terminal_width(stream) == 57
        monkeypatch.setenv("COLUMNS", "132")  # set, it is the width, as for every other table
        assert terminal_width(stream) == 132


def test_a_cut_keeps_a_joined_emoji_whole_and_a_sign_on_its_letter() -> None:
    """A family emoji cut to three columns kept its man and the joiner after him (“👨\u200d…”), a column counted for the
    joiner a terminal draws in none."""
    assert cut_cells("👨\u200d👩\u200d👧 Família", 3) == "👨\u200d👩\u200d👧…"
    assert cut_cells("हिंदी कॉपी", 3) == "हिं…"  # the nasal sign ं stays on हि, drawn in no column of its own


def test_a_cut_keeps_a_flag_whole_or_leaves_it_out() -> None:
    """A row of flags cut to four columns kept a flag and the first letter of the next (“🇯🇵🇫…”), drawn as a letter in
    a box, for each of a flag's two letters took a column of its own."""
    assert cut_cells("🇯🇵🇫🇷🇧🇷 launch", 4) == "🇯🇵…"
    assert cut_cells("🇯🇵🇫🇷🇧🇷 launch", 5) == "🇯🇵🇫🇷…"
    assert cut_cells("x🇯🇵🇫🇷", 3) == "x…"


def test_a_cut_keeps_a_vowel_sign_a_skin_tone_and_a_conjunct_on_what_they_are_drawn_with() -> None:
    """A cut kept हिंद of हिंदी (दी read as द), क of कॉ, 👍 of 👍🏽 and क् of क्ष: the vowel sign and the skin tone take a
    column of their own, and the consonant after a virama is drawn joined to the one before it."""
    assert cut_cells("हिंदी कॉपी", 4) == "हिं…"
    assert cut_cells("हिंदी कॉपी", 7) == "हिंदी …"
    assert cut_cells("हिंदी कॉपी", 8) == "हिंदी कॉ…"
    assert cut_cells("👍🏽👍🏽 ok", 4) == "…"
    assert cut_cells("👍🏽👍🏽 ok", 5) == "👍🏽…"
    assert cut_cells("क्षमा करें", 3) == "क्ष…"
