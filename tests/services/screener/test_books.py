"""The held data: tickers, candle buffers and indicator books, fed frame by frame."""

from __future__ import annotations

import numpy as np
import pytest

from tradeplane.services.screener.books import (
    CandleBuffer,
    Holdings,
    IndicatorBook,
    TickerBook,
)
from tradeplane.services.screener.errors import InvalidFrame
from tradeplane.v1 import indicators_pb2, marketdata_pb2

STEP = 300_000
T0 = 1_700_000_100_000 // STEP * STEP


def candles(rows: list[tuple[str, int, float]], *, closed: bool = True, timeframe: str = "5m"):
    """A CandleFrame of (symbol, open time, close) rows; open/high/low/volume derived."""
    frame = marketdata_pb2.CandleFrame(exchange="x", timeframe=timeframe)
    for symbol, opened, close in rows:
        frame.symbols.append(symbol)
        frame.open_times_ms.append(opened)
        frame.open.append(close - 1)
        frame.high.append(close + 1)
        frame.low.append(close - 2)
        frame.close.append(close)
        frame.volume.append(10 * close)
        frame.closed.append(closed)
    return frame


def tickers(rows: list[tuple[str, int, float]]) -> marketdata_pb2.TickerFrame:
    frame = marketdata_pb2.TickerFrame(exchange="x")
    for symbol, stamp, last in rows:
        frame.symbols.append(symbol)
        frame.timestamps_ms.append(stamp)
        frame.last.append(last)
        frame.bid.append(last - 0.5)
        frame.ask.append(last + 0.5)
        frame.quote_volume_24h.append(last * 1000)
    frame.time.FromMilliseconds(max(stamp for _, stamp, _ in rows))
    return frame


def test_candle_buffer_keeps_closed_bars_once_on_a_regular_grid() -> None:
    buffer = CandleBuffer("5m", capacity=4)
    assert buffer.ingest(candles([("A/B", T0, 1.0), ("A/B", T0 + STEP, 2.0)])) == 2
    assert buffer.ingest(candles([("A/B", T0 + 2 * STEP, 9.0)], closed=False)) == 0
    # a redelivered bar is stored again in place; B/C appears later, skipping a bar
    assert buffer.ingest(candles([("A/B", T0 + STEP, 2.0), ("B/C", T0 + 3 * STEP, 5.0)])) == 2
    opens, block = buffer.window(["B/C", "A/B", "Z/Z"])
    assert opens.tolist() == [T0 + i * STEP for i in range(4)]
    close = block[3]
    np.testing.assert_array_equal(close[1], [1.0, 2.0, np.nan, np.nan])
    np.testing.assert_array_equal(close[0], [np.nan, np.nan, np.nan, 5.0])
    assert np.isnan(close[2]).all()  # never seen
    np.testing.assert_array_equal(block[:, 1, 0], [0.0, 2.0, -1.0, 1.0, 10.0])


def test_candle_buffer_forgets_bars_past_its_capacity_and_ignores_older_ones() -> None:
    buffer = CandleBuffer("5m", capacity=3)
    buffer.ingest(candles([("A/B", T0 + i * STEP, float(i)) for i in range(5)]))
    opens, block = buffer.window(["A/B"])
    assert opens.tolist() == [T0 + 2 * STEP, T0 + 3 * STEP, T0 + 4 * STEP]
    assert block[3, 0].tolist() == [2.0, 3.0, 4.0]
    assert buffer.ingest(candles([("A/B", T0, 99.0)])) == 0  # older than the horizon
    buffer.ingest(candles([("A/B", T0 + 6 * STEP, 6.0)]))  # bar 5 never came
    opens, block = buffer.window(["A/B"])
    assert opens.tolist() == [T0 + 4 * STEP, T0 + 5 * STEP, T0 + 6 * STEP]
    np.testing.assert_array_equal(block[3, 0], [4.0, np.nan, 6.0])


def test_candle_windows_reuse_one_buffer_and_follow_the_symbols_asked_for() -> None:
    buffer = CandleBuffer("5m", capacity=4)
    buffer.ingest(candles([("A/B", T0, 1.0), ("B/C", T0, 7.0), ("A/B", T0 + STEP, 2.0)]))
    _, first = buffer.window(["A/B", "B/C", "Z/Z"])
    np.testing.assert_array_equal(first[3], [[1.0, 2.0], [7.0, np.nan], [np.nan, np.nan]])
    # fewer symbols, in another order, then one more bar: the same memory, right values
    _, second = buffer.window(["B/C"])
    assert np.shares_memory(first, second)
    np.testing.assert_array_equal(second[3], [[7.0, np.nan]])
    buffer.ingest(candles([("B/C", T0 + 2 * STEP, 8.0)]))
    _, third = buffer.window(["B/C", "A/B"])
    assert third.flags.c_contiguous
    np.testing.assert_array_equal(third[3], [[7.0, np.nan, 8.0], [1.0, 2.0, np.nan]])


def test_stragglers_are_symbols_that_had_the_previous_bar_but_not_the_latest() -> None:
    buffer = CandleBuffer("5m", capacity=8)
    buffer.ingest(candles([("A/B", T0, 1.0), ("B/C", T0, 1.0)]))
    assert buffer.stragglers() == 0
    buffer.ingest(candles([("A/B", T0 + STEP, 1.0)]))
    assert buffer.stragglers() == 1
    buffer.ingest(candles([("B/C", T0 + STEP, 1.0)]))
    assert buffer.stragglers() == 0


def test_ticker_book_keeps_the_newest_ticker_per_symbol() -> None:
    book = TickerBook()
    assert book.ingest(tickers([("A/B", 2000, 10.0), ("B/C", 2000, 20.0)])) == 2
    assert book.ingest(tickers([("A/B", 1000, 11.0), ("C/D", 3000, 30.0)])) == 1
    columns = book.columns(["C/D", "A/B", "Q/Q"])
    np.testing.assert_array_equal(columns["last"], [30.0, 10.0, np.nan])
    np.testing.assert_array_equal(columns["timestamp_ms"], [3000, 2000, np.nan])
    assert columns["ask"][1] == 10.5 and book.time_ms == 3000


def test_ticker_book_keeps_market_status_and_listing_time_from_frames_that_carry_them() -> None:
    book = TickerBook()
    frame = tickers([("A/B", 1000, 10.0), ("B/C", 1000, 20.0)])
    frame.statuses.extend(["trading", "break"])
    frame.listing_times_ms.extend([1.5e12, np.nan])
    book.ingest(frame)
    book.ingest(tickers([("A/B", 2000, 11.0), ("C/D", 2000, 30.0)]))  # no market columns
    columns = book.columns(["A/B", "B/C", "C/D", "Q/Q"])
    # what a frame without the columns says nothing about stays; never told: "trading"
    assert columns["status"].tolist() == ["trading", "break", "trading", "trading"]
    np.testing.assert_array_equal(columns["listing_time_ms"], [1.5e12, np.nan, np.nan, np.nan])
    frame.statuses.append("extra")
    with pytest.raises(InvalidFrame, match="statuses has 3 rows for 2"):
        book.ingest(frame)


def test_malformed_frames_are_refused_and_odd_symbols_ignored() -> None:
    frame = tickers([("A/B", 1, 1.0)])
    frame.last.append(2.0)
    with pytest.raises(InvalidFrame, match="last has 2 rows for 1"):
        TickerBook().ingest(frame)
    holdings = Holdings(["5m"], capacity=4)
    assert holdings.take(candles([("NOSLASH", T0, 1.0)])) is None
    assert holdings.take(candles([("A/B", T0, 1.0)], timeframe="1d")) is None
    assert holdings.take(candles([("A/B", T0, 1.0)])) == "candles"


def test_indicator_book_merges_frames_of_a_bar_and_keeps_the_latest_bars() -> None:
    book = IndicatorBook("5m", keep=2)

    def frame(bar: int, symbols: list[str], values: list[float]):
        column = indicators_pb2.IndicatorColumn(name="rsi_14", values=values)
        return indicators_pb2.IndicatorFrame(
            timeframe="5m", bar_open_time_ms=bar, symbols=symbols, columns=[column]
        )

    book.ingest(frame(T0, ["A/B"], [40.0]))
    book.ingest(frame(T0, ["B/C"], [60.0]))
    covered, columns = book.at(T0, ["B/C", "A/B", "Q/Q"])
    assert covered.tolist() == [True, True, False]
    np.testing.assert_array_equal(columns["rsi_14"], [60.0, 40.0, np.nan])
    book.ingest(frame(T0 + STEP, ["A/B"], [41.0]))
    book.ingest(frame(T0 + 2 * STEP, ["A/B"], [42.0]))
    assert book.bars() == [T0 + STEP, T0 + 2 * STEP]
    assert book.ingest(frame(T0, ["A/B"], [1.0])) == 0
