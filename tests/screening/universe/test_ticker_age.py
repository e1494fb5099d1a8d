"""Stale tickers."""

from tradeplane.screening.universe import TickerAgeFilter

from ..helpers import NOW_MS, make_snapshot, universe_context


def test_exactly_the_maximum_age_passes() -> None:
    times = [NOW_MS - 120_000, NOW_MS - 120_001, NOW_MS, float("nan")]
    snapshot = make_snapshot(["A/USDT", "B/USDT", "C/USDT", "D/USDT"], ticker_time_ms=times)
    check = TickerAgeFilter().check(universe_context(snapshot))
    assert check.values[:3].tolist() == [120.0, 120.001, 0.0]
    assert check.passed.tolist() == [True, False, True, False]
    assert check.describe(3).endswith("; ticker time unknown")
