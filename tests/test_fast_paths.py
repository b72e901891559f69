"""``canonical_json`` spells every value as the encoder it stands for does (the log's values are compared as text),
``all_printable`` judges a record as the test of each of its fields does, and ``day_out_of_range`` finds in a zoned
instant the day its walk of any value finds."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crewdeck.sync.state.records import _DAY_TEXT, FIRST_DAY, LAST_DAY, canonical_json, canonical_json_varying, day_out_of_range
from crewdeck.tui.workspace.exchange import all_printable, every_text

ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=True, allow_nan=False).encode

#: Text with what JSON escapes (quotes, backslashes, control characters) and what it does not (accents, U+2028).
texts = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\n\x00\x1b\u2028é'), max_size=12)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
#: The shapes spelled without the encoder's Python calls, and their near misses.
zoned = st.fixed_dictionaries({"utc": texts, "tz": texts}) | st.dictionaries(
    st.sampled_from(["utc", "tz", "x"]), texts | st.integers() | st.none()
)
text_lists = st.lists(texts, max_size=5) | st.lists(texts | st.integers(), max_size=5)


@settings(max_examples=300, deadline=None)
@given(value=values | zoned | text_lists)
def test_canonical_json_is_the_encoders_text(value: Any) -> None:
    assert canonical_json(value) == ENCODER(value)


@settings(max_examples=300, deadline=None)
@given(
    template=st.dictionaries(texts | st.sampled_from(["%s", "%", "amount", "date"]), values, min_size=1, max_size=6),
    data=st.data(),
)
def test_records_of_a_template_are_spelled_as_the_encoder_spells_them(template: dict[str, Any], data: st.DataObject) -> None:
    """An import's ledger entries, made from the first one with a few fields changed: the same text as each spelled whole
    (keys and values with a percent sign too, which the spelling's format holds)."""
    varying = data.draw(st.sets(st.sampled_from(sorted(template))))
    spell = canonical_json_varying(template, varying)
    for _ in range(3):
        record = {**template, **{name: data.draw(values | zoned | text_lists) for name in varying}}
        assert spell(record) == ENCODER(record)


def test_a_due_and_tags_read_as_the_encoder_writes_them() -> None:
    due = {"utc": "2026-11-14T13:00:00Z", "tz": "Asia/Dubai"}
    assert canonical_json(due) == '{"tz":"Asia/Dubai","utc":"2026-11-14T13:00:00Z"}'
    assert canonical_json(["podcast", 'say "hi"\n']) == '["podcast","say \\"hi\\"\\n"]'
    assert json.loads(canonical_json(due)) == due


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(st.sampled_from(["title", "tags", "due", "estimate"]), values, max_size=4))
def test_a_record_is_all_printable_as_each_of_its_fields_is(record: dict[str, Any]) -> None:
    """The import's one test a record (``all_printable``) says what the test of each field it stands for says."""
    assert all_printable(record) == all(every_text(value, str.isprintable) for value in record.values())


def test_what_all_printable_looks_into() -> None:
    assert all_printable({"title": "Plan", "due": {"utc": "2026-11-14T13:00:00Z", "tz": "Asia/Dubai"}, "estimate": 90})
    assert not all_printable({"notes": "two\nlines"})
    assert not all_printable({"tags": ["ok", "lone \udcff"]})
    assert not all_printable({"meeting": {"note\x1b": []}})  # a key inside a value is text too


def _walked_day_out_of_range(value: Any) -> str | None:
    """``day_out_of_range`` as it walks any value, without its shortcuts: the first far day, last values first."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _DAY_TEXT.match(item)
            if found and not FIRST_DAY.year <= int(found[1]) <= LAST_DAY.year:
                return item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


#: Days in and out of range, and texts that are no day (a zone).
days = st.sampled_from(["2026-11-14T13:00:00Z", "0999-12-31T23:00:00Z", "9999-01-01", "1900-01-01", "Asia/Dubai", "20261114"]) | texts
day_values = st.recursive(
    st.none() | st.integers() | days,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["utc", "tz", "x"]), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(value=st.fixed_dictionaries({"utc": days, "tz": days}) | st.fixed_dictionaries({"tz": days, "utc": days}) | day_values)
def test_a_zoned_instant_s_far_day_is_the_one_the_walk_finds(value: Any) -> None:
    assert day_out_of_range(value) == _walked_day_out_of_range(value)


def test_what_day_out_of_range_finds_in_a_zoned_instant() -> None:
    assert day_out_of_range({"utc": "2026-11-14T13:00:00Z", "tz": "Asia/Dubai"}) is None
    assert day_out_of_range({"utc": "0999-12-31T23:00:00Z", "tz": "UTC"}) == "0999-12-31T23:00:00Z"
    assert day_out_of_range({"utc": "9999-01-01T00:00:00Z", "tz": 3}) == "9999-01-01T00:00:00Z"  # not a zone: walked
