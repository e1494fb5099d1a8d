"""Circuit breaker states on an injected clock."""

from __future__ import annotations

import pytest

from tests.exchange.conftest import FakeClock, sample
from tradeplane.exchange import BreakerSettings, BreakerState, CircuitOpen
from tradeplane.exchange.breaker import BreakerBoard, CircuitBreaker

SETTINGS = BreakerSettings(
    failure_threshold=3, error_rate_threshold=0.5, window_size=10, minimum_calls=6, open_seconds=5
)


def breaker(clock: FakeClock, endpoint: str = "tickers") -> CircuitBreaker:
    return CircuitBreaker(exchange="unit", endpoint=endpoint, settings=SETTINGS, clock=clock)


def test_opens_after_consecutive_failures_and_fails_fast(clock: FakeClock) -> None:
    subject = breaker(clock, "consecutive")
    for _ in range(2):
        subject.before_call()
        subject.record_failure()
    assert subject.state is BreakerState.CLOSED
    subject.before_call()
    subject.record_failure()
    assert subject.state is BreakerState.OPEN
    clock.advance(2.0)
    with pytest.raises(CircuitOpen) as raised:
        subject.before_call()
    assert raised.value.retry_after == pytest.approx(3.0)
    labels = {"exchange": "unit", "endpoint": "consecutive"}
    assert sample("tradeplane_exchange_breaker_state", **labels) == 2


def test_a_success_resets_the_consecutive_count(clock: FakeClock) -> None:
    settings = BreakerSettings(failure_threshold=3, error_rate_threshold=1.0, minimum_calls=100)
    subject = CircuitBreaker(exchange="unit", endpoint="reset", settings=settings, clock=clock)
    for _ in range(3):
        subject.record_failure()
        subject.record_failure()
        subject.record_success()
    assert subject.state is BreakerState.CLOSED
    subject.record_failure()
    subject.record_failure()
    subject.record_failure()
    assert subject.state is BreakerState.OPEN


def test_opens_on_error_rate_without_consecutive_failures(clock: FakeClock) -> None:
    subject = breaker(clock)
    for index in range(5):
        subject.record_failure() if index % 2 == 0 else subject.record_success()
    assert subject.state is BreakerState.CLOSED  # 5 calls < minimum_calls
    subject.record_success()
    assert subject.state is BreakerState.CLOSED  # a success never opens it
    subject.record_failure()
    assert subject.state is BreakerState.OPEN  # 4 of 7 failed >= 0.5


def test_half_open_lets_one_probe_through_and_closes_on_success(clock: FakeClock) -> None:
    subject = breaker(clock, "recovers")
    for _ in range(3):
        subject.record_failure()
    clock.advance(5.0)
    assert subject.state is BreakerState.HALF_OPEN
    subject.before_call()  # the probe
    with pytest.raises(CircuitOpen):
        subject.before_call()  # a second caller while the probe is out
    subject.record_success()
    assert subject.state is BreakerState.CLOSED
    subject.before_call()
    labels = {"exchange": "unit", "endpoint": "recovers"}
    assert sample("tradeplane_exchange_breaker_transitions_total", **labels, state="open") == 1
    assert sample("tradeplane_exchange_breaker_transitions_total", **labels, state="half_open") == 1
    assert sample("tradeplane_exchange_breaker_transitions_total", **labels, state="closed") == 1
    assert sample("tradeplane_exchange_breaker_state", **labels) == 0


def test_a_failed_probe_opens_it_again_for_a_full_period(clock: FakeClock) -> None:
    subject = breaker(clock)
    for _ in range(3):
        subject.record_failure()
    clock.advance(5.0)
    subject.before_call()
    subject.record_failure()
    assert subject.state is BreakerState.OPEN
    assert subject.retry_after == pytest.approx(5.0)


def test_a_neutral_outcome_gives_the_probe_slot_back(clock: FakeClock) -> None:
    subject = breaker(clock)
    for _ in range(3):
        subject.record_failure()
    clock.advance(5.0)
    subject.before_call()
    subject.record_neutral()  # e.g. the probe met a 429
    assert subject.state is BreakerState.HALF_OPEN
    subject.before_call()  # another probe may go


def test_the_board_keeps_one_breaker_per_exchange_and_endpoint(clock: FakeClock) -> None:
    board = BreakerBoard(SETTINGS, clock=clock)
    assert board.breaker("x", "tickers") is board.breaker("x", "tickers")
    assert board.breaker("x", "ohlcv") is not board.breaker("x", "tickers")
    for _ in range(3):
        board.breaker("x", "ohlcv").record_failure()
    assert board.states("x") == {"tickers": BreakerState.CLOSED, "ohlcv": BreakerState.OPEN}
