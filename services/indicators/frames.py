"""Frames to and from the wire (pure): candle frames checked and read into rows, indicator
values written as an `IndicatorFrame` with one named column per output.

A candle frame is malformed (and dead-lettered) when it can never be used: not a
CandleFrame, another exchange or timeframe than its subject, columns of unequal length,
open times off the timeframe's boundaries or out of order within a symbol, or a closed
bar whose values are not finite, whose low is above its high or whose volume is negative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradeplane.bus import UndecodableEvent, decode_payload
from tradeplane.bus.envelope import Event
from tradeplane.kernels import OUTPUTS, Suite
from tradeplane.services.indicators.errors import MalformedFrame
from tradeplane.v1 import indicators_pb2, marketdata_pb2

CANDLE_FRAME = marketdata_pb2.CandleFrame.DESCRIPTOR.full_name
FIELDS = ("open", "high", "low", "close", "volume")

# the Suite periods behind each output; they name its column (rsi -> "rsi_14")
PERIODS: dict[str, tuple[str, ...]] = {
    "rsi": ("rsi_period",),
    **dict.fromkeys(("macd", "macdsignal", "macdhist"), ("macd_fast", "macd_slow", "macd_signal")),
    **dict.fromkeys(
        ("upperband", "middleband", "lowerband", "percent_b", "bandwidth"), ("bb_period",)
    ),
    **dict.fromkeys(("atr", "natr"), ("atr_period",)),
    **dict.fromkeys(
        ("stochrsi_fastk", "stochrsi_fastd"),
        ("stochrsi_period", "stochrsi_fastk", "stochrsi_fastd"),
    ),
    **dict.fromkeys(
        ("stochrsi_k", "stochrsi_d"),
        ("stochk_rsi_period", "stochk_fastk", "stochk_slowk", "stochk_slowd"),
    ),
    "willr": ("willr_period",),
    "cci": ("cci_period",),
    "sma": ("sma_period",),
    "ema": ("ema_period",),
    **dict.fromkeys(("volume_sma", "volume_surge"), ("volume_period",)),
    **dict.fromkeys(("roc", "rocp"), ("roc_period",)),
    **dict.fromkeys(
        ("donchian_upper", "donchian_lower", "breakout_high", "breakout_low"),
        ("donchian_period",),
    ),
    **dict.fromkeys(("adx", "plus_di", "minus_di"), ("adx_period",)),
    "volatility": ("volatility_period",),
    "obv": (),
}
assert set(PERIODS) == set(OUTPUTS), "every kernel output needs its column name"


def column_name(output: str, suite: Suite) -> str:
    """The column of `output` in indicator frames: the output and its periods joined by
    "_" ("rsi_14", "macd_12_26_9", "bandwidth_20", "stochrsi_k_14_14_3_3", "obv"), the
    names the screener reads precomputed series by. Bollinger deviations are left out."""
    return "_".join([output, *(str(getattr(suite, name)) for name in PERIODS[output])])


@dataclass(frozen=True, eq=False)
class CandleRows:
    """The closed bars of one candle frame, one row each, in the frame's order."""

    symbols: tuple[str, ...]
    open_times_ms: np.ndarray  # int64 (rows,)
    values: np.ndarray  # float64 (rows, 5): open, high, low, close, volume
    forming: int  # rows left out because their bar is still forming

    def __len__(self) -> int:
        return len(self.symbols)


def read_candle_frame(event: Event, *, exchange: str, timeframe: str, step_ms: int) -> CandleRows:
    """The closed bars of the CandleFrame in `event`; `MalformedFrame` says what is wrong."""
    if event.type != CANDLE_FRAME:
        raise MalformedFrame(f"payload type {event.type!r} is not {CANDLE_FRAME}")
    try:
        frame = decode_payload(event)
    except UndecodableEvent as error:
        raise MalformedFrame(str(error)) from None
    assert isinstance(frame, marketdata_pb2.CandleFrame)
    return candle_rows(frame, exchange=exchange, timeframe=timeframe, step_ms=step_ms)


def candle_rows(
    frame: marketdata_pb2.CandleFrame, *, exchange: str, timeframe: str, step_ms: int
) -> CandleRows:
    """Check `frame` against its subject's exchange and timeframe; return its closed bars."""
    if frame.exchange and frame.exchange != exchange:
        raise MalformedFrame(f"exchange {frame.exchange!r} differs from the subject's {exchange!r}")
    if frame.timeframe != timeframe:
        raise MalformedFrame(
            f"timeframe {frame.timeframe!r} differs from the subject's {timeframe!r}"
        )
    rows = len(frame.symbols)
    for column in ("open_times_ms", *FIELDS, "closed"):
        count = len(getattr(frame, column))
        if count != rows:
            raise MalformedFrame(f"column {column} has {count} values for {rows} symbols")
    symbols = np.array(frame.symbols, dtype=object)
    if rows and not all(frame.symbols):
        raise MalformedFrame(f"row {list(frame.symbols).index('')} has an empty symbol")
    times = np.array(frame.open_times_ms, dtype=np.int64)
    misaligned = np.flatnonzero(times % step_ms)
    if misaligned.size:
        row = int(misaligned[0])
        raise MalformedFrame(
            f"open time {times[row]} of {symbols[row]} is not on a {timeframe} boundary"
        )
    _check_time_order(symbols, times)
    closed = np.array(frame.closed, dtype=bool)
    values = np.column_stack([np.array(getattr(frame, name), dtype=np.float64) for name in FIELDS])
    values = values.reshape(rows, len(FIELDS))[closed]
    _check_values(symbols[closed], times[closed], values)
    return CandleRows(
        symbols=tuple(symbols[closed]),
        open_times_ms=times[closed],
        values=values,
        forming=int(rows - closed.sum()),
    )


def _check_time_order(symbols: np.ndarray, times: np.ndarray) -> None:
    """Rows of one symbol must have strictly increasing open times."""
    if times.size < 2:
        return
    names, codes = np.unique(symbols.astype(str), return_inverse=True)
    order = np.lexsort((np.arange(times.size), codes))  # by symbol, then frame order
    same = codes[order][1:] == codes[order][:-1]
    bad = np.flatnonzero(same & (np.diff(times[order]) <= 0))
    if bad.size:
        symbol = names[codes[order][bad[0]]]
        raise MalformedFrame(
            f"rows of {symbol} are not in increasing open time order "
            f"({times[order][bad[0]]} then {times[order][bad[0] + 1]})"
        )


def _check_values(symbols: np.ndarray, times: np.ndarray, values: np.ndarray) -> None:
    problems = (
        (~np.isfinite(values).all(axis=1), "a value that is not finite"),
        (values[:, 2] > values[:, 1], "a low above its high"),
        (values[:, 4] < 0, "a negative volume"),
    )
    for bad, what in problems:
        rows = np.flatnonzero(bad)
        if rows.size:
            row = int(rows[0])
            raise MalformedFrame(
                f"closed bar of {symbols[row]} at {times[row]} has {what}: "
                f"{dict(zip(FIELDS, values[row].tolist(), strict=True))}"
            )


@dataclass(frozen=True, eq=False)
class BarValues:
    """Every output for every symbol on the bar that opened at `open_time_ms`."""

    open_time_ms: int
    symbols: tuple[str, ...]
    values: dict[str, np.ndarray]  # output -> (symbols,)


def indicator_frame(
    bar: BarValues,
    *,
    suite: Suite,
    universe: str,
    exchange: str,
    timeframe: str,
    backend: str,
) -> indicators_pb2.IndicatorFrame:
    """The IndicatorFrame of `bar`: one column per output, named by `column_name`."""
    frame = indicators_pb2.IndicatorFrame(
        universe=universe,
        exchange=exchange,
        timeframe=timeframe,
        bar_open_time_ms=bar.open_time_ms,
        backend=backend,
    )
    frame.symbols.extend(bar.symbols)
    for output in suite.outputs:
        frame.columns.add(name=column_name(output, suite), values=bar.values[output].tolist())
    return frame
