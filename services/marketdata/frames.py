"""Records to wire and table shapes (pure): columnar ticker and candle frames, snapshot rows.

Frames are columnar (one repeated field per column, row i of every column belongs to
`symbols[i]`); a value the exchange did not give (no bid, no 24h open) travels as NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from tradeplane.exchange import CandleUpdate, Market, Quality, Ticker
from tradeplane.store.market_snapshots import MarketSnapshot
from tradeplane.v1 import marketdata_pb2

T = TypeVar("T")
NAN = math.nan


def _number(value: float | None) -> float:
    return NAN if value is None else value


def chunked(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """`rows` in slices of at most `size` (nothing for no rows)."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def pick_tickers(tickers: Mapping[str, Ticker], symbols: Iterable[str] = ()) -> list[Ticker]:
    """The tickers of `symbols` (all when empty) that exist, ordered by symbol."""
    wanted = list(symbols)
    chosen = tickers.values() if not wanted else (tickers[s] for s in wanted if s in tickers)
    return sorted(chosen, key=lambda ticker: ticker.symbol)


def ticker_frame(
    exchange: str, tickers: Sequence[Ticker], markets: Mapping[str, Market] | None = None
) -> marketdata_pb2.TickerFrame:
    """One TickerFrame of `tickers`; its time is the newest row's exchange timestamp.

    With `markets` (the exchange's market list), each row also carries its market's status
    and listing time ("unknown" and NaN for a symbol the list lacks)."""
    frame = marketdata_pb2.TickerFrame(exchange=exchange)
    frame.symbols.extend(t.symbol for t in tickers)
    frame.timestamps_ms.extend(t.timestamp_ms for t in tickers)
    frame.last.extend(t.last for t in tickers)
    frame.bid.extend(_number(t.bid) for t in tickers)
    frame.ask.extend(_number(t.ask) for t in tickers)
    frame.bid_size.extend(_number(t.bid_size) for t in tickers)
    frame.ask_size.extend(_number(t.ask_size) for t in tickers)
    frame.open_24h.extend(_number(t.open) for t in tickers)
    frame.high_24h.extend(_number(t.high) for t in tickers)
    frame.low_24h.extend(_number(t.low) for t in tickers)
    frame.base_volume_24h.extend(_number(t.base_volume) for t in tickers)
    frame.quote_volume_24h.extend(_number(t.quote_volume) for t in tickers)
    frame.percent_change_24h.extend(_number(t.change_percent) for t in tickers)
    if markets:
        listed = [markets.get(t.symbol) for t in tickers]
        frame.statuses.extend("unknown" if m is None else m.status for m in listed)
        frame.listing_times_ms.extend(
            NAN if m is None or m.listed_ms is None else float(m.listed_ms) for m in listed
        )
    if tickers:
        frame.time.FromMilliseconds(max(t.timestamp_ms for t in tickers))
    return frame


def candle_frame(
    exchange: str, timeframe: str, rows: Sequence[CandleUpdate]
) -> marketdata_pb2.CandleFrame:
    """One CandleFrame of `rows` (keep a symbol's rows together, oldest first)."""
    frame = marketdata_pb2.CandleFrame(exchange=exchange, timeframe=timeframe)
    frame.symbols.extend(row.symbol for row in rows)
    frame.open_times_ms.extend(row.candle.timestamp_ms for row in rows)
    frame.open.extend(row.candle.open for row in rows)
    frame.high.extend(row.candle.high for row in rows)
    frame.low.extend(row.candle.low for row in rows)
    frame.close.extend(row.candle.close for row in rows)
    frame.volume.extend(row.candle.volume for row in rows)
    frame.closed.extend(row.closed for row in rows)
    return frame


def snapshot_rows(
    exchange: str,
    tickers: Sequence[Ticker],
    *,
    captured_at: datetime,
    quality: Quality = Quality.FRESH,
    origin: str = "rest",
) -> list[MarketSnapshot]:
    """`enhanced_market_data` rows of tickers received at `captured_at`."""
    captured_ms = captured_at.timestamp() * 1000
    rows = []
    for ticker in tickers:
        spread = ticker.spread_ratio
        rows.append(
            MarketSnapshot(
                exchange=exchange,
                symbol=ticker.symbol,
                captured_at=captured_at,
                last_price=ticker.last,
                bid=ticker.bid,
                ask=ticker.ask,
                spread_percent=None if spread is None else spread * 100,
                high_24h=ticker.high,
                low_24h=ticker.low,
                base_volume_24h=ticker.base_volume,
                quote_volume_24h=ticker.quote_volume,
                percent_change_24h=ticker.change_percent,
                data_age_seconds=max(0.0, (captured_ms - ticker.timestamp_ms) / 1000),
                quality=quality.value,
                origin=origin,
            )
        )
    return rows
