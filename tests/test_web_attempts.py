"""The sign-in limit's memory: per address, for a window, and bounded whatever a scan from many addresses does."""

from __future__ import annotations

from crewdeck.tui.web.attempts import Attempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_waits_after_its_limit_until_the_window_has_passed() -> None:
    clock = Clock()
    attempts = Attempts(limit=3, window=60, clock=clock)
    for _ in range(3):
        assert attempts.wait("10.0.0.1") is None
        attempts.failed("10.0.0.1")
        clock.now += 1
    assert attempts.wait("10.0.0.1") == 57 and attempts.wait("10.0.0.2") is None
    clock.now += 57
    assert attempts.wait("10.0.0.1") is None


def test_quiet_addresses_are_forgotten_and_a_scan_from_many_stays_within_the_capacity() -> None:
    clock = Clock()
    attempts = Attempts(limit=2, window=60, clock=clock, capacity=100)
    for n in range(50):
        attempts.failed(f"10.0.0.{n}")
    clock.now += 61
    attempts.failed("10.0.1.1")
    assert attempts.remembered == 1  # the fifty went quiet
    # Ten thousand addresses inside one window: the least recent are forgotten, the table stays at its capacity.
    for n in range(10_000):
        attempts.failed(f"10.1.{n // 256}.{n % 256}")
        attempts.failed(f"10.1.{n // 256}.{n % 256}")
        assert attempts.remembered <= 100
    assert attempts.wait("10.1.39.15") is not None  # the most recent is still held back
    # A repeat offender counts as recent: its failures keep it remembered.
    attempts.failed("10.1.0.0")
    attempts.failed("10.1.0.0")
    for n in range(99):
        attempts.failed(f"10.2.0.{n}")
    assert attempts.wait("10.1.0.0") is not None
