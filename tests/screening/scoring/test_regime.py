"""Market-regime detection on crafted and on real candles."""

import numpy as np
import pytest

from tradeplane.screening import resample
from tradeplane.screening.indicators import IndicatorSource
from tradeplane.screening.scoring import Regime, RegimeDetector

from .. import realdata
from ..helpers import make_candles, random_walk

HOUR_MS = 3_600_000


def detect(close: np.ndarray, stage: RegimeDetector | None = None):
    candles = make_candles(close, timeframe="1h", step_ms=HOUR_MS, spread=0.003)
    source = IndicatorSource({"1h": candles})
    return (stage or RegimeDetector()).detect(source, np.arange(close.shape[0]))


def steady_uptrend() -> np.ndarray:
    noise = np.random.default_rng(3).normal(0.0, 0.002, (10, 300))
    return 100.0 * np.exp(0.01 * np.arange(300) + noise)


def volatility_spike() -> np.ndarray:
    returns = np.diff(np.log(random_walk(10, 300, seed=6)), axis=1)
    returns[:, -20:] *= 5.0  # the last 20 hours five times as volatile
    return 100.0 * np.exp(np.cumsum(np.concatenate([np.zeros((10, 1)), returns], axis=1), 1))


def test_a_steady_rise_across_the_market_is_a_trend() -> None:
    reading = detect(steady_uptrend())
    assert reading.regime is Regime.TREND
    assert reading.median_adx > 90.0
    assert (reading.breadth, reading.advancing, reading.population) == (1.0, 1.0, 10)


def test_noise_around_a_level_is_a_range() -> None:
    noise = np.random.default_rng(3).normal(0.0, 0.01, (10, 300))
    reading = detect(100.0 * np.exp(noise))
    assert reading.regime is Regime.RANGE
    assert reading.median_adx < 10.0


def test_a_volatility_burst_is_high_volatility_even_when_trending() -> None:
    reading = detect(volatility_spike())
    assert reading.regime is Regime.HIGH_VOLATILITY
    assert reading.volatility_percentile == 1.0  # every symbol at its most volatile


def drifting_walk() -> np.ndarray:
    steps = np.random.default_rng(3).normal(0.0, 0.005, (10, 300))
    return 100.0 * np.exp(0.003 * np.arange(300) + np.cumsum(steps, axis=1))


def test_thresholds_are_inclusive() -> None:
    close = drifting_walk()
    reading = detect(close)
    assert reading.regime is Regime.TREND
    assert 60.0 < reading.median_adx < 70.0
    at_adx = RegimeDetector(trend_adx=reading.median_adx)
    assert detect(close, at_adx).regime is Regime.TREND
    above_adx = RegimeDetector(trend_adx=float(np.nextafter(reading.median_adx, 100.0)))
    assert detect(close, above_adx).regime is Regime.RANGE
    at_percentile = RegimeDetector(high_volatility_percentile=reading.volatility_percentile)
    assert detect(close, at_percentile).regime is Regime.HIGH_VOLATILITY
    above_percentile = float(np.nextafter(reading.volatility_percentile, 1.0))
    stage = RegimeDetector(high_volatility_percentile=above_percentile)
    assert detect(close, stage).regime is Regime.TREND


def test_breadth_below_the_minimum_is_not_a_trend() -> None:
    close = steady_uptrend()
    close[5:] = close[5:, ::-1]  # half the market falls as steadily as the other half rises
    reading = detect(close)
    assert reading.breadth == 0.5
    assert reading.median_adx > 90.0
    assert reading.regime is Regime.RANGE


def test_an_empty_population_reads_as_range() -> None:
    reading = RegimeDetector().detect(IndicatorSource({}), np.empty(0, dtype=np.int64))
    assert reading.regime is Regime.RANGE
    assert reading.population == 0


# Windows of the real candles (8 BTC-quoted alts, Jan 2018), found by scanning the regime
# every 6 hours over the data; `bars` = 5m bars up to the screen, times are UTC closes.
#  - 16 Jan 16:55 to 17 Jan 04:55: the mid-January crash, every alt falling 3-24 % against
#    BTC with 5m volatility about twice its usual level: high volatility.
#  - 21 Jan 10:55 to 22 Jan 04:55: median 1h ADX 14-18, volatility in the bottom fifth of
#    its 100-hour range: ranging.
#  - 25 Jan 10:55 to 22:55: median 1h ADX 30-34 with 5 or 6 of 8 alts above their
#    20-hour average (ADA and XLM +10 % against BTC over the day): trending.
WINDOWS = {
    Regime.HIGH_VOLATILITY: (1872, 1944, 2016),
    Regime.RANGE: (3240, 3312, 3456),
    Regime.TREND: (4392, 4464, 4536),
}


def real_reading(bars: int):
    hourly = resample(realdata.until(bars), "1h")
    return RegimeDetector().detect(IndicatorSource({"1h": hourly}), np.arange(8))


@pytest.mark.parametrize(
    ("regime", "bars"),
    [(regime, bars) for regime, all_bars in WINDOWS.items() for bars in all_bars],
)
def test_regime_on_real_candles(regime: Regime, bars: int) -> None:
    reading = real_reading(bars)
    assert reading.regime is regime
    assert reading.population == 8
    if regime is Regime.TREND:
        assert reading.median_adx >= 25.0 and reading.breadth >= 0.6
        assert reading.volatility_percentile < 0.8
    elif regime is Regime.RANGE:
        assert reading.median_adx < 20.0
        assert reading.volatility_percentile < 0.3
    else:
        assert reading.volatility_percentile >= 0.8


def test_real_trend_readings() -> None:
    reading = real_reading(4464)
    assert reading.median_adx == pytest.approx(30.9, abs=0.05)
    assert reading.breadth == 0.75
    assert reading.advancing == 0.75
