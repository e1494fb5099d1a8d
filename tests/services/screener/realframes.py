"""Bus frames built from the real Binance 5m candles (tests/data/binance-5m), and the
pipeline inputs the screener should assemble from them.

A window of 5m bars ends at `END_BAR` (a bar where five of the eight pairs surge); 15m
and 1h candles are resampled from it. Tickers are synthetic: each pair's last close with
a 0.01 % spread and its 24h turnover in BTC, plus BTC/USDT (no candles) for the USD
conversion, so BTC/USDT itself is always dropped in stage 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from tests.screening import realdata
from tradeplane.screening import CandleSet, MarketSnapshot, resample, snapshot_from_candles
from tradeplane.v1 import marketdata_pb2

END_BAR = 5698  # 29 Jan 2018 23:45 UTC: bars [END_BAR - WINDOW_BARS, END_BAR) are used
WINDOW_BARS = 1200
SYMBOLS = realdata.SYMBOLS
BTC_USDT = realdata.BTC_USDT
ALL_SYMBOLS = tuple(sorted((*SYMBOLS, "BTC/USDT")))
# Stage 1 at 1M USD of daily volume (the real 2018 pairs trade less than the 50M default).
STAGES = {"universe": {"quoteVolume": {"minUsd": 1_000_000}}}


@dataclass(frozen=True)
class Window:
    five: CandleSet
    candles: dict[str, CandleSet]
    snapshot: MarketSnapshot  # the 8 pairs, as snapshot_from_candles derives them

    @property
    def close_ms(self) -> int:
        return int(self.five.timestamps[-1]) + realdata.STEP_MS


@cache
def window(end_bar: int = END_BAR, bars: int = WINDOW_BARS) -> Window:
    full = realdata.five_minute()
    part = slice(end_bar - bars, end_bar)
    five = CandleSet(
        "5m",
        full.timestamps[part],
        full.open[:, part],
        full.high[:, part],
        full.low[:, part],
        full.close[:, part],
        full.volume[:, part],
    )
    assert np.isfinite(five.close[:, 0]).any(), "the window must start with a bar"
    candles = {"5m": five, "15m": resample(five, "15m"), "1h": resample(five, "1h")}
    snapshot = snapshot_from_candles(five, list(SYMBOLS), conversion_prices={"BTC/USDT": BTC_USDT})
    return Window(five, candles, snapshot)


def candle_frames(
    exchange: str, candles: CandleSet, *, bars_per_frame: int = 400, last: int | None = None
) -> list[marketdata_pb2.CandleFrame]:
    """Closed bars of every pair (NaN bars left out, as an exchange would), oldest first,
    `bars_per_frame` bars per frame; only the `last` bars when given."""
    start = 0 if last is None else candles.bars - last
    frames = []
    for first in range(start, candles.bars, bars_per_frame):
        frame = marketdata_pb2.CandleFrame(exchange=exchange, timeframe=candles.timeframe)
        for row, symbol in enumerate(SYMBOLS):
            for bar in range(first, min(first + bars_per_frame, candles.bars)):
                if not np.isfinite(candles.close[row, bar]):
                    continue
                frame.symbols.append(symbol)
                frame.open_times_ms.append(int(candles.timestamps[bar]))
                for name in ("open", "high", "low", "close", "volume"):
                    getattr(frame, name).append(float(getattr(candles, name)[row, bar]))
                frame.closed.append(True)
        frames.append(frame)
    return frames


def ticker_frame(
    exchange: str,
    snapshot: MarketSnapshot,
    *,
    time_ms: int | None = None,
    spreads_percent: dict[str, float] | None = None,
) -> marketdata_pb2.TickerFrame:
    """The pairs' tickers from `snapshot` plus BTC/USDT; `spreads_percent` widens some."""
    time_ms = time_ms or snapshot.time_ms
    spreads = spreads_percent or {}
    frame = marketdata_pb2.TickerFrame(exchange=exchange)
    rows = {str(symbol): index for index, symbol in enumerate(snapshot.symbols.tolist())}
    for symbol in ALL_SYMBOLS:
        if symbol == "BTC/USDT":
            last, volume, stamp = BTC_USDT, 1e9, time_ms
        else:
            row = rows[symbol]
            last = float(snapshot.last[row])
            volume = float(snapshot.quote_volume_24h[row])
            stamp = time_ms
        half = last * spreads.get(symbol, 0.01) / 200
        frame.symbols.append(symbol)
        frame.timestamps_ms.append(stamp)
        frame.last.append(last)
        frame.bid.append(last - half)
        frame.ask.append(last + half)
        frame.quote_volume_24h.append(volume)
    frame.time.FromMilliseconds(time_ms)
    return frame


def expected_inputs(
    snapshot_frame: marketdata_pb2.TickerFrame, window: Window
) -> tuple[MarketSnapshot, dict[str, CandleSet]]:
    """What the screener should screen: the ticker frame's rows and the window's candles,
    all nine symbols sorted (BTC/USDT without candles)."""
    order = [list(snapshot_frame.symbols).index(symbol) for symbol in ALL_SYMBOLS]
    column = {
        name: np.asarray(getattr(snapshot_frame, name), dtype=float)[order]
        for name in ("last", "bid", "ask", "quote_volume_24h", "timestamps_ms")
    }
    snapshot = MarketSnapshot.build(
        time_ms=max(window.close_ms, snapshot_frame.time.ToMilliseconds()),
        symbols=list(ALL_SYMBOLS),
        last=column["last"],
        bid=column["bid"],
        ask=column["ask"],
        quote_volume_24h=column["quote_volume_24h"],
        ticker_time_ms=column["timestamps_ms"],
    )
    rows = [SYMBOLS.index(s) if s in SYMBOLS else -1 for s in ALL_SYMBOLS]
    candles = {}
    for timeframe, candle_set in window.candles.items():
        fields = []
        for name in ("open", "high", "low", "close", "volume"):
            values = getattr(candle_set, name)
            padded = np.vstack([values, np.full((1, values.shape[1]), np.nan)])
            fields.append(padded[rows])
        opened, high, low, close, volume = fields
        candles[timeframe] = CandleSet(
            timeframe, candle_set.timestamps, opened, high, low, close, volume
        )
    return snapshot, candles
