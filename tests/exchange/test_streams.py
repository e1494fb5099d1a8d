"""Ordering live candles and marking closed bars (pure)."""

from __future__ import annotations

from tradeplane.exchange import Candle
from tradeplane.exchange.streams import CandleTracker


def bar(minute: int, close: float) -> Candle:
    return Candle(minute * 60_000, 10.0, 12.0, 9.0, close, 1.0)


def test_a_new_bar_closes_the_previous_one_with_its_final_values() -> None:
    tracker = CandleTracker("BTC/USDT", "1m")
    first = tracker.feed([bar(0, 10.5)])
    assert [(u.candle.close, u.closed) for u in first] == [(10.5, False)]
    assert [(u.candle.close, u.closed) for u in tracker.feed([bar(0, 11.0)])] == [(11.0, False)]
    updates = tracker.feed([bar(1, 10.0)])
    assert [(u.candle.timestamp_ms, u.candle.close, u.closed) for u in updates] == [
        (0, 11.0, True),
        (60_000, 10.0, False),
    ]
    assert all(u.symbol == "BTC/USDT" and u.timeframe == "1m" for u in updates)


def test_bars_missed_during_a_reconnect_come_out_closed_and_in_order() -> None:
    tracker = CandleTracker("ETH/USDT", "1m")
    tracker.feed([bar(0, 10.0)])
    updates = tracker.feed([bar(3, 9.5), bar(1, 10.1), bar(0, 10.2), bar(2, 9.9)])
    assert [(u.candle.timestamp_ms // 60_000, u.closed) for u in updates] == [
        (0, False),
        (0, True),
        (1, False),
        (1, True),
        (2, False),
        (2, True),
        (3, False),
    ]


def test_an_older_bar_after_its_close_is_dropped() -> None:
    tracker = CandleTracker("ETH/USDT", "1m")
    tracker.feed([bar(0, 10.0), bar(1, 10.0)])
    assert tracker.feed([bar(0, 10.3)]) == []
