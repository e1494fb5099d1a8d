"""Candle frames checked and read; indicator frames written (pure)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.services.indicators.helpers import (
    STEP_MS,
    bars_of,
    candle_frame,
    open_time,
    random_candles,
)
from tradeplane.bus import new_event
from tradeplane.kernels import DEFAULT_OUTPUTS, OUTPUTS, Suite
from tradeplane.services.indicators.errors import MalformedFrame
from tradeplane.services.indicators.frames import (
    PERIODS,
    BarValues,
    candle_rows,
    column_name,
    indicator_frame,
    read_candle_frame,
)
from tradeplane.v1 import indicators_pb2, marketdata_pb2

NAMES = ("AAA/USDT", "BBB/USDT")


def good_frame() -> marketdata_pb2.CandleFrame:
    candles = random_candles(2, 4)
    return candle_frame(candles, NAMES, bars_of([0, 1], range(3)), forming=[(0, 3), (1, 3)])


def read(frame: marketdata_pb2.CandleFrame, timeframe: str = "5m"):
    return candle_rows(frame, exchange="ex", timeframe=timeframe, step_ms=STEP_MS)


def test_closed_rows_are_read_and_forming_ones_counted() -> None:
    rows = read(good_frame())
    assert rows.symbols == ("AAA/USDT",) * 3 + ("BBB/USDT",) * 3
    assert rows.open_times_ms.tolist() == [open_time(b) for b in (0, 1, 2)] * 2
    assert rows.values.shape == (6, 5) and rows.forming == 2


def _broken(change: str) -> marketdata_pb2.CandleFrame:
    frame = good_frame()
    if change == "short column":
        del frame.close[-1]
    elif change == "other timeframe":
        frame.timeframe = "15m"
    elif change == "other exchange":
        frame.exchange = "elsewhere"
    elif change == "misaligned":
        frame.open_times_ms[1] += 1000
    elif change == "out of order":
        frame.open_times_ms[0], frame.open_times_ms[1] = (
            frame.open_times_ms[1],
            frame.open_times_ms[0],
        )
    elif change == "not finite":
        frame.volume[4] = math.nan
    elif change == "low above high":
        frame.low[2] = frame.high[2] * 2
    elif change == "negative volume":
        frame.volume[0] = -1.0
    elif change == "empty symbol":
        frame.symbols[3] = ""
    return frame


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("short column", "column close has 7 values for 8 symbols"),
        ("other timeframe", "timeframe '15m' differs from the subject's '5m'"),
        ("other exchange", "exchange 'elsewhere' differs"),
        ("misaligned", "of AAA/USDT is not on a 5m boundary"),
        ("out of order", "rows of AAA/USDT are not in increasing open time order"),
        ("not finite", "closed bar of BBB/USDT at"),
        ("low above high", "has a low above its high"),
        ("negative volume", "has a negative volume"),
        ("empty symbol", "row 3 has an empty symbol"),
    ],
)
def test_malformed_frames_say_what_is_wrong(change: str, reason: str) -> None:
    with pytest.raises(MalformedFrame, match=reason.replace("(", r"\(")):
        read(_broken(change))


def test_a_nan_in_a_forming_row_is_not_an_error() -> None:
    frame = good_frame()
    frame.close[6] = math.nan  # AAA's forming bar
    assert len(read(frame)) == 6


def test_events_of_another_type_or_undecodable_are_malformed() -> None:
    ticker = new_event(marketdata_pb2.TickerFrame(), subject="md.ex.candles.5m", source="t")
    with pytest.raises(MalformedFrame, match=r"is not tradeplane\.v1\.CandleFrame"):
        read_candle_frame(ticker, exchange="ex", timeframe="5m", step_ms=STEP_MS)
    corrupt = new_event(good_frame(), subject="md.ex.candles.5m", source="t")
    corrupt.payload = b"\xff\xff\xff"
    with pytest.raises(MalformedFrame, match="does not decode"):
        read_candle_frame(corrupt, exchange="ex", timeframe="5m", step_ms=STEP_MS)


def test_column_names_carry_the_periods() -> None:
    suite = Suite(rsi_period=7)
    assert set(PERIODS) == set(OUTPUTS)
    names = [column_name(output, suite) for output in DEFAULT_OUTPUTS]
    assert names == [
        "rsi_7", "macd_12_26_9", "macdsignal_12_26_9", "macdhist_12_26_9", "upperband_20",
        "middleband_20", "lowerband_20", "atr_14", "stochrsi_k_14_14_3_3",
        "stochrsi_d_14_14_3_3", "willr_14", "cci_20", "volume_sma_20",
    ]  # fmt: skip
    assert column_name("obv", suite) == "obv"
    assert len({column_name(output, suite) for output in OUTPUTS}) == len(OUTPUTS)


def test_indicator_frames_hold_one_column_per_output() -> None:
    suite = Suite(outputs=("rsi", "obv"))
    bar = BarValues(
        open_time(5), NAMES, {"rsi": np.array([55.0, np.nan]), "obv": np.array([1.0, 2.0])}
    )
    frame = indicator_frame(
        bar, suite=suite, universe="u", exchange="ex", timeframe="5m", backend="cpu"
    )
    assert isinstance(frame, indicators_pb2.IndicatorFrame)
    assert (frame.universe, frame.exchange, frame.timeframe, frame.backend) == (
        "u", "ex", "5m", "cpu",
    )  # fmt: skip
    assert frame.bar_open_time_ms == open_time(5) and list(frame.symbols) == list(NAMES)
    assert [column.name for column in frame.columns] == ["rsi_14", "obv"]
    assert frame.columns[0].values[0] == 55.0 and math.isnan(frame.columns[0].values[1])
