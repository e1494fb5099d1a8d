"""Which errors are retried and after how long (pure decisions)."""

from __future__ import annotations

import pytest

from tradeplane.exchange import (
    AuthenticationFailed,
    BadSymbol,
    CircuitOpen,
    ExchangeTimeout,
    ExchangeUnavailable,
    InsufficientFunds,
    MalformedResponse,
    RateLimited,
)
from tradeplane.exchange.retry import RetryPolicy

POLICY = RetryPolicy(max_attempts=4, initial_delay_seconds=0.5, max_delay_seconds=3.0, jitter=0.0)


@pytest.mark.parametrize(
    "error",
    [ExchangeUnavailable("503"), ExchangeTimeout("timeout"), MalformedResponse("truncated")],
)
def test_temporary_errors_back_off_exponentially_up_to_a_cap(error: Exception) -> None:
    delays = [POLICY.decide(error, attempt) for attempt in (1, 2, 3)]
    assert delays == [0.5, 1.0, 2.0]
    assert POLICY.decide(error, 4) is None  # attempts used up
    assert RetryPolicy(jitter=0.0, max_attempts=10).backoff(9) == 10.0


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationFailed("bad key"),
        BadSymbol("NOPE/USDT"),
        InsufficientFunds("broke"),
        CircuitOpen("open", retry_after=5),
        ValueError("a bug"),
    ],
)
def test_permanent_errors_and_an_open_circuit_are_not_retried(error: Exception) -> None:
    assert POLICY.decide(error, 1) is None


def test_rate_limits_wait_in_the_limiter_unless_the_ban_is_too_long() -> None:
    assert POLICY.decide(RateLimited("429", retry_after=3), 1) == 0.0
    assert POLICY.decide(RateLimited("418", retry_after=600, banned=True), 1) is None


def test_calls_that_are_not_idempotent_are_only_retried_after_refusals() -> None:
    assert POLICY.decide(ExchangeTimeout("maybe placed"), 1, idempotent=False) is None
    assert POLICY.decide(ExchangeUnavailable("502"), 1, idempotent=False) is None
    assert POLICY.decide(RateLimited("429", retry_after=1), 1, idempotent=False) == 0.0


def test_jitter_stays_within_its_band() -> None:
    low = RetryPolicy(initial_delay_seconds=1.0, jitter=0.2, random=lambda: 0.0)
    high = RetryPolicy(initial_delay_seconds=1.0, jitter=0.2, random=lambda: 0.999999)
    assert low.backoff(1) == pytest.approx(0.8)
    assert high.backoff(1) == pytest.approx(1.2, rel=1e-5)
