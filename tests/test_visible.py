"""``crewdeck.sync.state.visible``: how text a terminal would act on is shown instead."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from crewdeck.sync.state.visible import json_visible, visible, visible_cells, written

from .forged import HOSTILE, HOSTILE_SHOWN, raw_characters

#: Text rich in what matters: controls, bidi, separators, surrogates, markup, and plain letters.
text = st.text(
    st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0xA0),
        st.sampled_from("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200d\ufeff\ud800\udfff\u0378\U000e0080[]é☕ث"),
    ),
    max_size=40,
)


def test_the_spelling_is_cat_vs() -> None:
    assert visible("\x1b") == "^[" and visible("\x07") == "^G" and visible("\x00") == "^@" and visible("\x7f") == "^?"
    assert visible("\r") == "^M" and visible("\n") == "^J" and visible("\x1f") == "^_"
    assert visible("\x80") == "M-^@" and visible("\x9b") == "M-^[" and visible("\x9f") == "M-^_"
    assert visible("\u202e") == "<U+202E>" and visible("\u2066") == "<U+2066>" and visible("\u2028") == "<U+2028>"
    assert visible("\ud800") == "<U+D800>"
    assert visible(HOSTILE) == HOSTILE_SHOWN


def test_what_stays_as_it_is() -> None:
    for kept in ("plain", "tab\there", "Café ☕ ثبت", "👨\u200d👩\u200d👧", "\xa0no-break", "[b]markup[/b]", ""):
        assert visible(kept) == kept
    plain = "nothing to show"
    assert visible(plain) is plain  # the fast path hands back the same object


def test_a_joiner_is_shown_unless_it_joins_the_glyph_after_it() -> None:
    """tmux draws the next character that is not ASCII after a joiner in no column, however far on: "c", a joiner and
    "d" sent as they are made an ellipsis further on (a row later, in another pane) take none."""
    assert visible("c\u200dd …") == "c<U+200D>d …" and visible("end\u200d") == "end<U+200D>"
    assert visible("a\u200d\u200db") == "a<U+200D><U+200D>b" and visible("a\u200d\x1b") == "a<U+200D>^["
    assert visible("one\u200d\ntwo", multiline=True) == "one<U+200D>\ntwo"
    assert visible("👩\u200d💻 and 👨\u200d\u200d👩") == "👩\u200d💻 and 👨<U+200D>\u200d👩"


def test_a_joiner_before_a_character_not_yet_assigned_is_shown() -> None:
    """tmux drops a character not yet assigned (U+0378, U+E0080) and still joins the next one that is not ASCII."""
    assert visible("a\u200d\u0378b …") == "a<U+200D>\u0378b …"
    assert visible("a\u200d\U000e0080b", multiline=True) == "a<U+200D>\U000e0080b"


def test_a_file_keeps_its_joiners_as_stored() -> None:
    """A joiner is text (a Malayalam word-final letter before a space, an emoji): a file read back holds what was stored."""
    payee = "\u0d1f\u0d4d\u0d30\u0d3e\u0d35\u0d32\u0d4d\u200d Tours"
    assert written(payee) == payee and written("end\u200d\x1b") == "end\u200d^["
    assert written("one\u200d\ntwo", multiline=True) == "one\u200d\ntwo"
    assert json_visible(json.dumps(["c\u200dd", "x\u200d\x85"], ensure_ascii=False)) == '["c\u200dd", "x\u200d\\u0085"]'


def test_a_block_of_lines_keeps_its_newlines_only() -> None:
    assert visible("one\ntwo\r\nthree\x1b", multiline=True) == "one\ntwo^M\nthree^["


@given(text)
def test_nothing_a_terminal_acts_on_is_left_and_showing_twice_changes_nothing(value: str) -> None:
    once = visible(value)
    assert raw_characters(once, newlines=False) == []
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in once)
    assert visible(once) == once
    block = visible(value, multiline=True)
    assert raw_characters(block) == [] and block.count("\n") == value.count("\n")


def test_a_tab_in_a_cell_is_caret_notation() -> None:
    row = ["Meta\tAds", "c\u200dd", "\x1b[2J", "plain"]
    assert visible_cells(row) == ["Meta^IAds", "c<U+200D>d", "^[[2J", "plain"]
    kept = ["plain", "Café ☕"]
    assert visible_cells(kept) == kept


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | text, lambda inner: st.lists(inner) | st.dictionaries(text, inner), max_leaves=10
    )
)
def test_json_keeps_every_value_and_sends_nothing_raw(value: object) -> None:
    shown = json_visible(json.dumps(value, ensure_ascii=False))
    # As JSON's ASCII spelling reads back: a lone high surrogate before a lone low one can be spelled only as their pair,
    # which reads back as one character (Hypothesis found {"\ud800\udfff": None}, read back as {"\U000103ff": None}).
    assert json.loads(shown) == json.loads(json.dumps(value))
    assert raw_characters(shown, newlines=False, joiners=False) == []
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in shown)
