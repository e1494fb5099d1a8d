"""The candle book and the batcher: closed bars once, gaps found and filled, frames due."""

from __future__ import annotations

import pytest

from tradeplane.exchange import Candle, CandleUpdate, Quality
from tradeplane.services.marketdata.candles import (
    CandleBatcher,
    CandleBook,
    Gap,
    boundary_quiet_in,
    series_quality,
)

STEP = 300_000


def bar(index: int, close: float = 100.0) -> Candle:
    return Candle(index * STEP, close - 1, close + 1, close - 2, close, 10.0 + index)


def update(index: int, *, closed: bool, symbol: str = "BTC/USDT", close: float = 100.0):
    return CandleUpdate(symbol, "5m", bar(index, close), closed=closed)


def test_a_backfill_seeds_closed_bars_and_one_forming_bar() -> None:
    book = CandleBook(history_bars=3)
    rows = book.seed("BTC/USDT", "5m", [bar(2), bar(0), bar(1), bar(3), bar(3)], now=1.0)
    assert [(r.candle.timestamp_ms // STEP, r.closed) for r in rows] == [
        (1, True), (2, True), (3, False),
    ]  # fmt: skip
    series = book.get("BTC/USDT", "5m")
    assert series is not None and series.last_closed_ms == 2 * STEP
    assert book.seed("ETH/USDT", "5m", [], now=1.0) == []
    assert book.symbols("5m") == ["BTC/USDT", "ETH/USDT"]


def test_live_updates_close_each_bar_once_and_ignore_old_news() -> None:
    book = CandleBook(history_bars=10)
    book.seed("BTC/USDT", "5m", [bar(0), bar(1)], now=0.0)
    assert book.gap_before(update(1, closed=False)) is None
    assert book.apply(update(1, closed=False, close=101), now=1.0) == [
        update(1, closed=False, close=101)
    ]
    assert book.apply(update(1, closed=True, close=102), now=2.0) == [
        update(1, closed=True, close=102)
    ]
    assert book.apply(update(1, closed=True, close=102), now=3.0) == []  # repeated close
    assert book.apply(update(0, closed=False), now=3.0) == []  # long closed
    assert book.apply(update(2, closed=False), now=3.0) != []
    assert book.apply(update(1, closed=False), now=4.0) == []  # older than the forming bar
    latest = book.latest("BTC/USDT", "5m", limit=2, closed_only=False)
    assert [(r.candle.timestamp_ms // STEP, r.closed) for r in latest] == [(1, True), (2, False)]
    closed = book.latest("BTC/USDT", "5m", limit=5, closed_only=True)
    assert [r.candle.close for r in closed] == [100.0, 102.0]
    series = book.get("BTC/USDT", "5m")
    assert series is not None and series.updated_at == 3.0


def test_a_bar_closed_between_backfill_and_stream_is_fetched_once() -> None:
    book = CandleBook(history_bars=10)
    book.seed("BTC/USDT", "5m", [bar(0), bar(1), bar(2)], now=0.0)  # bar 2 forming
    first = update(4, closed=False)  # the stream starts two bars later
    gap = book.gap_before(first)
    assert gap == Gap("BTC/USDT", "5m", 2 * STEP, 4 * STEP) and gap.bars(STEP) == 2
    filled = book.fill(gap, [bar(1), bar(2), bar(3), bar(4)], now=1.0)
    assert [(r.candle.timestamp_ms // STEP, r.closed) for r in filled] == [(2, True), (3, True)]
    assert book.apply(first, now=1.0) == [first]
    assert book.gap_before(update(4, closed=True)) is None


def test_a_gap_that_cannot_be_fetched_is_given_up_not_fetched_again() -> None:
    book = CandleBook(history_bars=10)
    book.seed("BTC/USDT", "5m", [bar(0), bar(1)], now=0.0)
    gap = book.gap_before(update(3, closed=False))
    assert gap is not None
    assert book.fill(gap, [], now=1.0) == []  # the REST call failed
    book.apply(update(3, closed=False), now=1.0)
    assert book.gap_before(update(3, closed=False)) is None
    assert book.gap_before(update(3, closed=True)) is None


def test_dropping_a_symbol_forgets_its_series() -> None:
    book = CandleBook(history_bars=10)
    book.seed("BTC/USDT", "5m", [bar(0), bar(1)], now=0.0)
    book.drop("BTC/USDT")
    assert book.get("BTC/USDT", "5m") is None
    assert book.latest("BTC/USDT", "5m", limit=5, closed_only=False) == []


def test_closed_bars_are_due_once_every_symbol_sent_its_close() -> None:
    batcher = CandleBatcher(close_wait=1.0, forming_interval=None)
    batcher.expected = frozenset({"A", "B"})
    batcher.add([update(1, closed=True, symbol="B")], now=0.0)
    assert not batcher.due(now=0.5)
    batcher.add([update(1, closed=True, symbol="A"), update(2, closed=False, symbol="A")], now=0.6)
    assert batcher.due(now=0.6)
    rows = batcher.take(now=0.6)
    assert [(r.symbol, r.closed) for r in rows] == [("A", True), ("B", True)]  # no forming
    assert len(batcher) == 0 and not batcher.due(now=5.0)


def test_closed_bars_of_slow_symbols_wait_at_most_close_wait() -> None:
    batcher = CandleBatcher(close_wait=1.0, forming_interval=10.0)
    batcher.expected = frozenset({"A", "B"})
    batcher.add([update(1, closed=True, symbol="A")], now=0.0)
    assert not batcher.due(now=0.9)
    assert batcher.due(now=1.0)


def test_the_quiet_window_covers_a_gathering_close_and_the_time_after_it_is_sent() -> None:
    batcher = CandleBatcher(close_wait=1.0, forming_interval=1.0)
    assert batcher.quiet_in(now=0.0, quiet=0.5) == 0.0  # no close yet
    batcher.add([update(2, closed=False)], now=0.0)
    assert batcher.quiet_in(now=0.0, quiet=0.5) == 0.0  # forming bars do not count
    batcher.add([update(2, closed=True)], now=10.0)
    assert batcher.quiet_in(now=10.25, quiet=0.5) == 1.25  # the rest of close_wait + quiet
    batcher.take(now=10.4)
    assert batcher.quiet_in(now=10.5, quiet=0.5) == pytest.approx(0.4)
    assert batcher.quiet_in(now=10.9, quiet=0.5) == 0.0
    batcher.add([update(3, closed=False)], now=11.0)
    batcher.take(now=11.0)  # a frame of forming bars only: no new quiet window
    assert batcher.quiet_in(now=11.0, quiet=0.5) == 0.0


def test_work_keeps_clear_of_the_bar_boundaries_of_every_timeframe() -> None:
    boundary = 1_700_000_100_000  # a 15-minute boundary, so also a 5-minute one
    clear = boundary + 120_000  # 2 minutes on: far from every 5m boundary
    assert boundary_quiet_in(clear, ["5m"], before=0.5, after=0.75) == 0.0
    assert boundary_quiet_in(boundary - 400, ["5m"], before=0.5, after=0.75) == pytest.approx(1.15)
    assert boundary_quiet_in(boundary - 500, ["5m"], before=0.5, after=0.75) == 0.0
    assert boundary_quiet_in(boundary + 250, ["5m"], before=0.5, after=0.75) == pytest.approx(0.5)
    assert boundary_quiet_in(boundary + 750, ["5m"], before=0.5, after=0.75) == 0.0
    five_past = boundary + 300_000 - 100  # next to a 5m boundary that is no 15m one
    assert boundary_quiet_in(five_past, ["15m"], before=0.5, after=0.75) == 0.0
    assert boundary_quiet_in(five_past, ["15m", "5m"], before=0.5, after=0.75) == pytest.approx(
        0.85
    )


def test_forming_bars_go_out_at_most_every_interval_the_latest_only() -> None:
    batcher = CandleBatcher(close_wait=0.5, forming_interval=1.0)
    batcher.add([update(2, closed=False, close=1), update(2, closed=False, close=2)], now=0.0)
    assert batcher.due(now=0.0)  # nothing sent yet
    assert [r.candle.close for r in batcher.take(now=0.0)] == [2]
    batcher.add([update(2, closed=False, close=3)], now=0.2)
    assert not batcher.due(now=0.5)
    assert batcher.due(now=1.0)
    batcher.add([update(2, closed=True, close=4)], now=1.0)  # the close replaces it
    assert [(r.candle.close, r.closed) for r in batcher.take(now=1.0)] == [(4, True)]


def test_rows_come_out_by_symbol_then_time() -> None:
    batcher = CandleBatcher(close_wait=0.0, forming_interval=1.0)
    batcher.add(
        [
            update(3, closed=False, symbol="B"),
            update(2, closed=True, symbol="B"),
            update(1, closed=True, symbol="A"),
            update(0, closed=True, symbol="A"),
        ],
        now=0.0,
    )
    rows = batcher.take(now=0.0)
    assert [(r.symbol, r.candle.timestamp_ms // STEP) for r in rows] == [
        ("A", 0), ("A", 1), ("B", 2), ("B", 3),
    ]  # fmt: skip


def test_series_quality_follows_updates_and_the_exchange() -> None:
    assert series_quality(1.0, stale_after=5.0, exchange_up=False) is Quality.FRESH
    assert series_quality(6.0, stale_after=5.0, exchange_up=True) is Quality.STALE
    assert series_quality(6.0, stale_after=5.0, exchange_up=False) is Quality.DEGRADED
