"""The hybrid logical clock: order, monotonicity, overflow, drift."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crewdeck.sync.state.clock import MAX_COUNTER, MAX_DRIFT_MS, ClockSkewError, HybridClock, Stamp


class FakeWall:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_stamps_follow_the_wall_clock() -> None:
    wall = FakeWall(1_700_000_000_000)
    clock = HybridClock("aaaaaaaaaaaa", wall=wall)
    first = clock.now()
    wall.ms += 5
    second = clock.now()
    assert (first.ms, first.counter) == (1_700_000_000_000, 0)
    assert (second.ms, second.counter) == (1_700_000_000_005, 0)
    assert str(first) < str(second)


def test_never_goes_backwards_when_the_wall_clock_does() -> None:
    wall = FakeWall(1_700_000_000_000)
    clock = HybridClock("aaaaaaaaaaaa", wall=wall)
    before = clock.now()
    wall.ms -= 60_000  # NTP stepped the clock back a minute
    after = [clock.now() for _ in range(3)]
    assert all(str(before) < str(s) for s in after)
    assert [s.ms for s in after] == [before.ms] * 3
    assert [s.counter for s in after] == [1, 2, 3]


def test_65536_stamps_in_one_millisecond_stay_unique_and_ordered() -> None:
    clock = HybridClock("aaaaaaaaaaaa", wall=FakeWall(1_700_000_000_000))
    stamps = [str(clock.now()) for _ in range(MAX_COUNTER + 1 + 10)]
    assert len(set(stamps)) == len(stamps)
    assert stamps == sorted(stamps)
    # The counter ran out once: the clock borrowed the next millisecond.
    last = Stamp.parse(stamps[-1])
    assert last.ms == 1_700_000_000_001
    assert last.counter == 9


def test_observe_keeps_our_next_stamp_above_a_remote_one() -> None:
    clock = HybridClock("aaaaaaaaaaaa", wall=FakeWall(1_000))
    remote = Stamp(5_000, 7, "bbbbbbbbbbbb")
    clock.observe(remote)
    mine = clock.now()
    assert str(mine) > str(remote)
    assert mine.node == "aaaaaaaaaaaa"


def test_a_stamp_too_far_ahead_is_refused_with_how_far() -> None:
    clock = HybridClock("aaaaaaaaaaaa", wall=FakeWall(1_000_000))
    clock.check(Stamp(1_000_000 + MAX_DRIFT_MS, 0, "bbbbbbbbbbbb"))  # exactly at the limit is fine
    with pytest.raises(ClockSkewError) as info:
        clock.check(Stamp(1_000_000 + 7 * 60_000 + 12_000, 0, "bbbbbbbbbbbb"))
    assert "7m12s ahead" in str(info.value)
    assert info.value.ahead_ms == 7 * 60_000 + 12_000


@given(
    ms=st.integers(min_value=0, max_value=9_999_999_999_999),
    counter=st.integers(min_value=0, max_value=MAX_COUNTER),
    node=st.text(alphabet="0123456789abcdef", min_size=12, max_size=12),
)
def test_text_form_round_trips(ms: int, counter: int, node: str) -> None:
    stamp = Stamp(ms, counter, node)
    assert Stamp.parse(str(stamp)) == stamp


@given(
    a=st.tuples(st.integers(0, 10**13 - 1), st.integers(0, MAX_COUNTER), st.sampled_from(["aaaaaaaaaaaa", "bbbbbbbbbbbb"])),
    b=st.tuples(st.integers(0, 10**13 - 1), st.integers(0, MAX_COUNTER), st.sampled_from(["aaaaaaaaaaaa", "bbbbbbbbbbbb"])),
)
def test_text_order_is_stamp_order(a: tuple[int, int, str], b: tuple[int, int, str]) -> None:
    sa, sb = Stamp(*a), Stamp(*b)
    assert (str(sa) < str(sb)) == (sa < sb)


@pytest.mark.parametrize(
    "text", ["", "123", "1700000000000-zz-node", "1700000000000-00ff", "170000000000-0000-ab", "1700000000000-00FF-ab"]
)
def test_parse_refuses_what_is_not_a_stamp(text: str) -> None:
    with pytest.raises(ValueError):
        Stamp.parse(text)


def test_each_write_takes_a_millisecond_of_its_own_while_the_wall_clock_is_behind() -> None:
    # A write is told from the next by its millisecond: following a fast clock's stamp, writes ran the counter on in
    # that millisecond, and two writes read as one.
    wall = FakeWall(1_700_000_000_000)
    clock = HybridClock("aaaaaaaaaaaa", wall=wall)
    clock.observe(Stamp(1_700_000_240_000, 5, "bbbbbbbbbbbb"))  # a teammate four minutes fast
    first = [Stamp.parse(s) for s in clock.stamps(3)]
    second = [Stamp.parse(s) for s in clock.stamps(2)]
    assert {s.ms for s in first} == {1_700_000_240_001} and [s.counter for s in first] == [0, 1, 2]
    assert {s.ms for s in second} == {1_700_000_240_002} and [s.counter for s in second] == [0, 1]
    wall.ms = 1_700_000_300_000  # the wall clock passes them: stamps follow it again
    assert Stamp.parse(clock.stamps(1)[0]) == Stamp(1_700_000_300_000, 0, "aaaaaaaaaaaa")


@pytest.mark.parametrize("n", [0, 1, 5, MAX_COUNTER, MAX_COUNTER + 1, MAX_COUNTER + 2, 2 * (MAX_COUNTER + 1) + 3])
def test_a_write_stamps_count_on_through_its_milliseconds(n: int) -> None:
    # A write larger than a millisecond's counters goes on in the next millisecond, from counter 0.
    clock = HybridClock("aaaaaaaaaaaa", wall=FakeWall(1_700_000_000_000))
    clock.stamps(3)  # counters made for a smaller write before are not all there are
    start = clock.last.ms + 1
    expected = [Stamp(start + i // (MAX_COUNTER + 1), i % (MAX_COUNTER + 1), "aaaaaaaaaaaa") for i in range(n)]
    assert clock.stamps(n) == [str(stamp) for stamp in expected]
    assert clock.last == (expected[-1] if expected else Stamp(start - 1, 2, "aaaaaaaaaaaa"))
