"""Turning ccxt.pro's candle snapshots into ordered live updates with a `closed` flag (pure).

ccxt's `watch_ohlcv` returns the candles that changed since the previous call but drops
Binance's "bar is final" flag. A bar is known to be closed when a later one opens; the
tracker then emits it once more with `closed=True` (its final values), so a consumer can
act on closed bars only.
"""

from __future__ import annotations

from collections.abc import Iterable

from tradeplane.exchange.records import Candle, CandleUpdate


class CandleTracker:
    """Orders the candles of one (symbol, timeframe) stream and marks closes."""

    def __init__(self, symbol: str, timeframe: str) -> None:
        self.symbol = symbol
        self.timeframe = timeframe
        self.current: Candle | None = None
        self.last_closed_ms: int | None = None

    def feed(self, candles: Iterable[Candle]) -> list[CandleUpdate]:
        updates: list[CandleUpdate] = []
        for candle in sorted(candles, key=lambda c: c.timestamp_ms):
            current = self.current
            if current is not None and candle.timestamp_ms < current.timestamp_ms:
                if self.last_closed_ms is None or candle.timestamp_ms > self.last_closed_ms:
                    # a bar we missed (after a reconnect): it is over by now
                    updates.append(self._closed(candle))
                continue
            if current is not None and candle.timestamp_ms > current.timestamp_ms:
                updates.append(self._closed(current))
            self.current = candle
            updates.append(CandleUpdate(self.symbol, self.timeframe, candle, closed=False))
        return updates

    def _closed(self, candle: Candle) -> CandleUpdate:
        self.last_closed_ms = max(self.last_closed_ms or candle.timestamp_ms, candle.timestamp_ms)
        return CandleUpdate(self.symbol, self.timeframe, candle, closed=True)
