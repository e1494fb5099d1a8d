"""The pipeline's inputs: a columnar `MarketSnapshot` and one `CandleSet` per timeframe.

Both are frozen and hold read-only views, one entry (or row) per symbol in the same
order, so 5000 symbols cost a handful of numpy arrays rather than 5000 objects. Missing
values are NaN. `resample` builds 15m/1h candles from 5m ones (through the kernels) and
`snapshot_from_candles` derives tickers from candles (replays and tests).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from tradeplane.kernels import KernelError
from tradeplane.kernels import resample as kernels_resample

from .base import readonly
from .errors import InvalidMarketData

DAY_MS = 86_400_000
_UNITS_MS = {"m": 60_000, "h": 3_600_000, "d": DAY_MS, "w": 7 * DAY_MS}


def timeframe_ms(timeframe: str) -> int:
    """`"5m"` -> 300000: the length of one bar of a ccxt-style timeframe, in milliseconds."""
    match = re.fullmatch(r"(\d+)([mhdw])", timeframe)
    if not match or int(match.group(1)) == 0:
        raise InvalidMarketData(f"timeframe {timeframe!r} is not like '5m', '15m', '1h' or '1d'")
    return int(match.group(1)) * _UNITS_MS[match.group(2)]


def _strings(name: str, values: Any, size: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=str)
    if array.ndim != 1 or (size is not None and len(array) != size):
        raise InvalidMarketData(f"{name} must be a 1-D sequence of {size} strings")
    return readonly(array)


def _reals(name: str, values: Any, size: int) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InvalidMarketData(f"{name} must hold real numbers: {error}") from None
    if array.shape != (size,):
        raise InvalidMarketData(f"{name} has shape {array.shape}; expected ({size},)")
    return readonly(array)


def split_symbol(symbol: str) -> tuple[str, str]:
    """`"ETH/BTC"` -> ("ETH", "BTC"); a settle suffix (`"BTC/USDT:USDT"`) is ignored."""
    base, _, rest = symbol.partition("/")
    if not base or not rest:
        raise InvalidMarketData(f"symbol {symbol!r} is not 'BASE/QUOTE'")
    return base, rest.partition(":")[0]


@dataclass(frozen=True, eq=False)
class MarketSnapshot:
    """Markets and 24h tickers of one exchange at `time_ms`, one entry per symbol.

    `quote_volume_24h` is in each symbol's quote currency; `conversion_prices` holds the
    exchange's own prices of conversion pairs ("BTC/USDT" -> 42000.0) used to express
    quote currencies in USD. Times are milliseconds since the Unix epoch (NaN: unknown).
    Build one with `MarketSnapshot.build(...)`, which fills the optional columns.
    """

    time_ms: int
    symbols: np.ndarray
    bases: np.ndarray
    quotes: np.ndarray
    statuses: np.ndarray
    listing_time_ms: np.ndarray
    bid: np.ndarray
    ask: np.ndarray
    last: np.ndarray
    quote_volume_24h: np.ndarray
    ticker_time_ms: np.ndarray
    conversion_prices: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        symbols = _strings("symbols", self.symbols)
        size = len(symbols)
        if len(set(symbols.tolist())) != size:
            raise InvalidMarketData("symbols must be unique")
        set_ = object.__setattr__
        set_(self, "time_ms", int(self.time_ms))
        set_(self, "symbols", symbols)
        for name in ("bases", "quotes", "statuses"):
            set_(self, name, _strings(name, getattr(self, name), size))
        for name in ("listing_time_ms", "bid", "ask", "last", "quote_volume_24h"):
            set_(self, name, _reals(name, getattr(self, name), size))
        set_(self, "ticker_time_ms", _reals("ticker_time_ms", self.ticker_time_ms, size))
        prices = {str(pair): float(price) for pair, price in dict(self.conversion_prices).items()}
        set_(self, "conversion_prices", MappingProxyType(prices))

    @classmethod
    def build(
        cls,
        *,
        time_ms: int,
        symbols: Sequence[str],
        last: Any,
        quote_volume_24h: Any,
        bid: Any = None,
        ask: Any = None,
        statuses: Any = None,
        listing_time_ms: Any = None,
        ticker_time_ms: Any = None,
        bases: Any = None,
        quotes: Any = None,
        conversion_prices: Mapping[str, float] | None = None,
    ) -> MarketSnapshot:
        """A snapshot; bases/quotes default to the symbols' parts, statuses to "trading",
        bid/ask to `last`, ticker times to `time_ms`, listing times to unknown."""
        size = len(symbols)
        needs_parts = bases is None or quotes is None
        pairs = [split_symbol(str(symbol)) for symbol in symbols] if needs_parts else []
        last_prices = np.asarray(last, dtype=np.float64)
        return cls(
            time_ms=time_ms,
            symbols=np.asarray(symbols, dtype=str),
            bases=np.asarray([pair[0] for pair in pairs] if bases is None else bases, dtype=str),
            quotes=np.asarray([pair[1] for pair in pairs] if quotes is None else quotes, dtype=str),
            statuses=np.full(size, "trading") if statuses is None else statuses,
            listing_time_ms=np.full(size, np.nan) if listing_time_ms is None else listing_time_ms,
            bid=last_prices if bid is None else bid,
            ask=last_prices if ask is None else ask,
            last=last_prices,
            quote_volume_24h=quote_volume_24h,
            ticker_time_ms=np.full(size, float(time_ms))
            if ticker_time_ms is None
            else ticker_time_ms,
            conversion_prices=dict(conversion_prices or {}),
        )

    def __len__(self) -> int:
        return len(self.symbols)


@dataclass(frozen=True, eq=False)
class CandleSet:
    """Closed candles of one timeframe: `timestamps` (bar open times, ms, increasing) and
    (symbols, bars) float64 arrays, NaN where a symbol has no bar.

    `indicators` optionally carries series already computed by the indicators service,
    keyed `"<kernel output>_<period>"` (e.g. `"natr_14"`, `"rsi_14"`, `"adx_14"`), each of
    the candles' shape; the pipeline uses one when its key matches what a stage needs
    and computes the rest with `tradeplane.kernels`.
    """

    timeframe: str
    timestamps: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    indicators: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        timeframe_ms(self.timeframe)
        timestamps = np.asarray(self.timestamps, dtype=np.int64)
        if timestamps.ndim != 1 or np.any(np.diff(timestamps) <= 0):
            raise InvalidMarketData(f"{self.timeframe} timestamps must be 1-D and increasing")
        object.__setattr__(self, "timestamps", readonly(timestamps))
        shape = np.shape(self.close)
        if len(shape) != 2 or shape[1] != len(timestamps):
            raise InvalidMarketData(
                f"{self.timeframe} close has shape {shape}; expected (symbols, {len(timestamps)})"
            )
        for name in ("open", "high", "low", "close", "volume"):
            object.__setattr__(self, name, self._matrix(name, getattr(self, name), shape))
        indicators = {
            key: self._matrix(f"indicator {key!r}", values, shape)
            for key, values in dict(self.indicators).items()
        }
        object.__setattr__(self, "indicators", MappingProxyType(indicators))

    def _matrix(self, name: str, values: Any, shape: tuple[int, ...]) -> np.ndarray:
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise InvalidMarketData(f"{self.timeframe} {name}: {error}") from None
        if array.shape != shape:
            raise InvalidMarketData(
                f"{self.timeframe} {name} has shape {array.shape}; expected {shape}"
            )
        return readonly(array)

    @property
    def symbols(self) -> int:
        return int(self.close.shape[0])

    @property
    def bars(self) -> int:
        return int(self.close.shape[1])

    def with_indicators(self, indicators: Mapping[str, np.ndarray]) -> CandleSet:
        """A copy carrying these precomputed series as well."""
        return CandleSet(
            self.timeframe,
            self.timestamps,
            self.open,
            self.high,
            self.low,
            self.close,
            self.volume,
            {**self.indicators, **indicators},
        )


def _last_finite(values: np.ndarray) -> np.ndarray:
    """Each row's last finite value (NaN for a row without one)."""
    finite = np.isfinite(values)
    index = values.shape[1] - 1 - np.argmax(finite[:, ::-1], axis=1)
    latest = np.take_along_axis(values, index[:, None], axis=1)[:, 0]
    return np.where(finite.any(axis=1), latest, np.nan)


def resample(candles: CandleSet, timeframe: str) -> CandleSet:
    """`candles` aggregated into `timeframe` bars by `tradeplane.kernels.resample`
    (UTC-aligned buckets; open/close of the first/last valid bar, high/low extremes, volume
    summed), keeping complete buckets only: the still-forming last bucket and a first one
    cut by the start of the history are dropped.
    """
    try:
        resampled = kernels_resample(
            candles.timestamps,
            candles.open,
            candles.high,
            candles.low,
            candles.close,
            candles.volume,
            timeframe=timeframe,
            base=candles.timeframe,
        )
    except KernelError as error:
        raise InvalidMarketData(f"resampling {candles.timeframe} to {timeframe}: {error}") from None
    complete = resampled.complete
    return CandleSet(
        timeframe=timeframe,
        timestamps=resampled.timestamp[complete],
        open=resampled.open[:, complete],
        high=resampled.high[:, complete],
        low=resampled.low[:, complete],
        close=resampled.close[:, complete],
        volume=resampled.volume[:, complete],
    )


def snapshot_from_candles(
    candles: CandleSet,
    symbols: Sequence[str],
    *,
    spread_percent: float = 0.01,
    conversion_prices: Mapping[str, float] | None = None,
) -> MarketSnapshot:
    """Tickers derived from candles, as of the close of the last bar (for replays).

    last = the latest finite close; bid/ask straddle it by `spread_percent`; the 24h
    quote volume sums volume x close over the bars of the last 24 hours; the listing time
    is the first bar's open time and the ticker time the close of the symbol's last bar.
    """
    if len(symbols) != candles.symbols:
        raise InvalidMarketData(f"{len(symbols)} symbols for {candles.symbols} candle rows")
    step = timeframe_ms(candles.timeframe)
    time_ms = int(candles.timestamps[-1]) + step
    finite = np.isfinite(candles.close)
    last = _last_finite(candles.close)
    last_index = candles.bars - 1 - np.argmax(finite[:, ::-1], axis=1)
    first_index = np.argmax(finite, axis=1)
    day = candles.timestamps >= time_ms - DAY_MS
    turnover = (candles.volume * candles.close)[:, day]
    half_spread = last * spread_percent / 200.0
    has_bars = finite.any(axis=1)
    return MarketSnapshot.build(
        time_ms=time_ms,
        symbols=symbols,
        last=last,
        bid=last - half_spread,
        ask=last + half_spread,
        quote_volume_24h=np.nansum(turnover, axis=1),
        listing_time_ms=np.where(has_bars, candles.timestamps[first_index], np.nan),
        ticker_time_ms=np.where(has_bars, candles.timestamps[last_index] + step, np.nan),
        conversion_prices=conversion_prices,
    )
