"""Garbage is collected once input rests, not in the paint after a key."""

from __future__ import annotations

import gc

import pytest

from crewdeck.tui.app.collector import PENDING, REST, THRESHOLDS, IdleCollector, allocated_since_full_collection


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def collector(clock: Clock, pending: list[int], runs: list[float]) -> IdleCollector:
    return IdleCollector(clock=clock, pending=lambda: pending[0], collect=lambda: runs.append(clock.now))


def test_it_collects_only_when_input_has_rested_and_there_is_garbage_to_find() -> None:
    clock, pending, runs = Clock(), [PENDING * 3], []
    idle = collector(clock, pending, runs)
    idle.input_seen()
    clock.now += REST / 2
    assert not idle.tick() and runs == []  # someone is typing
    idle.input_seen()
    clock.now += REST
    assert idle.tick() and runs == [clock.now]
    pending[0] = PENDING - 1  # a collection set the counts back
    clock.now += 10 * REST
    assert not idle.tick() and len(runs) == 1  # little allocated since: nothing worth the walk


def test_start_makes_the_collectors_own_runs_rare_and_keeps_it_on() -> None:
    before = gc.get_threshold()
    try:
        gc.disable()
        IdleCollector.start()
        assert gc.isenabled() and gc.get_threshold() == THRESHOLDS
        assert THRESHOLDS[2] >= 100 * 10  # the whole heap: a hundred times rarer than Python's default
    finally:
        gc.set_threshold(*before)
        gc.enable()


def test_allocations_since_a_full_collection_are_counted() -> None:
    gc.collect()
    assert allocated_since_full_collection() < PENDING
    kept = [[i] for i in range(3 * PENDING)]  # lists are tracked by the collector
    assert allocated_since_full_collection() >= 2 * PENDING
    del kept


def test_a_textual_without_the_styles_memo_collects_all_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo's leak fixed upstream (a plain method, no ``cache_clear``): the collection ended the app (reviewer ri)."""
    from textual._styles_cache import StylesCache

    from crewdeck.tui.app import textual_memos

    monkeypatch.setattr(StylesCache, "get_inner_outer", StylesCache.get_inner_outer.__wrapped__)
    textual_memos.collect()  # no AttributeError
