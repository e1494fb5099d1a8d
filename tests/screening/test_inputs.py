"""The columnar inputs, resampling and tickers from candles."""

import numpy as np
import pytest

from tradeplane.screening import (
    CandleSet,
    InvalidMarketData,
    MarketSnapshot,
    resample,
    timeframe_ms,
)

from . import realdata
from .helpers import make_candles


def test_timeframes() -> None:
    assert [timeframe_ms(name) for name in ("5m", "15m", "1h", "1d")] == [
        300_000,
        900_000,
        3_600_000,
        86_400_000,
    ]
    with pytest.raises(InvalidMarketData, match="'5x'"):
        timeframe_ms("5x")


def test_snapshot_defaults_and_read_only_columns() -> None:
    last = np.array([1.0, 2.0])
    snapshot = MarketSnapshot.build(
        time_ms=10, symbols=["ETH/BTC", "BTC/USDT:USDT"], last=last, quote_volume_24h=[5, 6]
    )
    assert snapshot.bases.tolist() == ["ETH", "BTC"]
    assert snapshot.quotes.tolist() == ["BTC", "USDT"]
    assert snapshot.statuses.tolist() == ["trading", "trading"]
    assert snapshot.ticker_time_ms.tolist() == [10.0, 10.0]
    assert not snapshot.last.flags.writeable
    last[0] = 9.0  # the caller's array stays writable (a view was frozen, not the array)
    assert len(snapshot) == 2


def test_snapshot_rejects_bad_columns() -> None:
    with pytest.raises(InvalidMarketData, match="quote_volume_24h has shape"):
        MarketSnapshot.build(time_ms=0, symbols=["A/B"], last=[1.0], quote_volume_24h=[1, 2])
    with pytest.raises(InvalidMarketData, match="unique"):
        MarketSnapshot.build(
            time_ms=0, symbols=["A/B", "A/B"], last=[1, 1], quote_volume_24h=[1, 1]
        )
    with pytest.raises(InvalidMarketData, match="BASE/QUOTE"):
        MarketSnapshot.build(time_ms=0, symbols=["AB"], last=[1.0], quote_volume_24h=[1])


def test_candle_set_checks_shapes_and_order() -> None:
    with pytest.raises(InvalidMarketData, match="increasing"):
        CandleSet("5m", [2, 1], *([np.ones((1, 2))] * 5))
    with pytest.raises(InvalidMarketData, match="volume has shape"):
        CandleSet("5m", [1, 2], *([np.ones((1, 2))] * 4), np.ones((2, 2)))
    with pytest.raises(InvalidMarketData, match="indicator 'rsi_14'"):
        make_candles(np.ones((1, 3))).with_indicators({"rsi_14": np.ones((1, 2))})


def test_resample_aggregates_complete_aligned_buckets() -> None:
    # 5m bars from 00:55 to 02:05: 1h buckets 01:00 and 02:00 (the latter incomplete)
    start = 1_700_000_000_000 - 1_700_000_000_000 % 3_600_000 - 300_000
    timestamps = start + 300_000 * np.arange(15)
    close = np.arange(1.0, 16.0)[None, :]
    volume = np.ones((1, 15))
    close_with_gap = close.copy()
    close_with_gap[0, 5] = np.nan
    candles = CandleSet("5m", timestamps, close, close + 0.5, close - 0.5, close_with_gap, volume)
    hourly = resample(candles, "1h")
    assert hourly.timestamps.tolist() == [start + 300_000]
    assert hourly.open.tolist() == [[2.0]]
    assert hourly.high.tolist() == [[13.5]]
    assert hourly.low.tolist() == [[1.5]]
    assert hourly.close.tolist() == [[13.0]]
    assert hourly.volume.tolist() == [[11.0]]  # the 01:20 bar lacks its close: skipped whole


def test_resample_of_real_candles_matches_a_direct_aggregation() -> None:
    five = realdata.five_minute()
    hourly = resample(five, "1h")
    first = int(np.flatnonzero(five.timestamps % 3_600_000 == 0)[0])
    eth = 2  # ETH/BTC has no gaps
    block = slice(first + 12 * 10, first + 12 * 11)
    assert hourly.high[eth, 10] == np.max(five.high[eth, block])
    assert hourly.close[eth, 10] == five.close[eth, block][-1]
    assert hourly.volume[eth, 10] == pytest.approx(np.sum(five.volume[eth, block]))
    # 04:55 opens the data (skipped: not on a boundary); the last 15m bucket lacks 04:55
    quarter_hours = resample(five, "15m")
    assert quarter_hours.bars == (five.bars - 1 - 2) // 3
    assert quarter_hours.timestamps[0] % 900_000 == 0


def test_snapshot_from_real_candles() -> None:
    snapshot, _ = realdata.inputs()
    eth = list(realdata.SYMBOLS).index("ETH/BTC")
    five = realdata.five_minute()
    day = slice(-288, None)
    assert snapshot.last[eth] == five.close[eth, -1]
    expected = np.nansum(five.volume[eth, day] * five.close[eth, day])
    assert snapshot.quote_volume_24h[eth] == pytest.approx(expected)
    assert snapshot.time_ms == int(five.timestamps[-1]) + 300_000
    zec = list(realdata.SYMBOLS).index("ZEC/BTC")  # its last bar is missing
    assert snapshot.ticker_time_ms[zec] == snapshot.time_ms - 300_000
