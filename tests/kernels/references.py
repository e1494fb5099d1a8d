"""Plain NumPy implementations of the indicators TA-Lib lacks, written independently of
the kernels (windows from sliding_window_view, no running sums) to test them against.

Each takes 1-D arrays of one symbol's valid bars and returns arrays of the same length
with NaN over the lookback.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x: np.ndarray, period: int) -> np.ndarray:
    return sliding_window_view(x, period)


def _pad(values: np.ndarray, length: int) -> np.ndarray:
    out = np.full(length, np.nan)
    if values.size:
        out[length - values.size :] = values
    return out


def bollinger(close: np.ndarray, period: int, up: float, down: float):
    """(upper, middle, lower, percent_b, bandwidth) with the population deviation."""
    if close.size < period:
        empty = np.full(close.size, np.nan)
        return empty, empty, empty, empty, empty
    windows = _windows(close, period)
    middle = windows.mean(axis=1)
    deviation = windows.std(axis=1)
    upper = middle + up * deviation
    lower = middle - down * deviation
    current = close[period - 1 :]
    width = upper - lower
    flat = width <= 1e-9 * np.abs(middle)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent_b = np.where(flat, 0.5, (current - lower) / np.where(flat, 1.0, width))
        bandwidth = np.where(middle != 0, width / np.where(middle != 0, middle, 1.0), 0.0)
    n = close.size
    return (_pad(upper, n), _pad(middle, n), _pad(lower, n), _pad(percent_b, n), _pad(bandwidth, n))


def volume_surge(volume: np.ndarray, period: int) -> np.ndarray:
    """volume / mean(volume over the last `period` bars, current included); 0 if mean 0."""
    if volume.size < period:
        return np.full(volume.size, np.nan)
    average = _windows(volume, period).mean(axis=1)
    current = volume[period - 1 :]
    with np.errstate(divide="ignore", invalid="ignore"):
        surge = np.where(average > 0, current / np.where(average > 0, average, 1.0), 0.0)
    return _pad(surge, volume.size)


def donchian(high: np.ndarray, low: np.ndarray, close: np.ndarray, period: int):
    """(upper, lower, to_high, to_low): channel and close's distance to it."""
    n = close.size
    if n < period:
        empty = np.full(n, np.nan)
        return empty, empty, empty, empty
    upper = _windows(high, period).max(axis=1)
    lower = _windows(low, period).min(axis=1)
    current = close[period - 1 :]
    return (
        _pad(upper, n),
        _pad(lower, n),
        _pad((upper - current) / current, n),
        _pad((current - lower) / current, n),
    )


def log_return_volatility(close: np.ndarray, period: int) -> np.ndarray:
    """Sample (ddof=1) standard deviation of the last `period` log returns."""
    returns = np.diff(np.log(close))
    if returns.size < period:
        return np.full(close.size, np.nan)
    return _pad(_windows(returns, period).std(axis=1, ddof=1), close.size)


def wilder_rsi(close: np.ndarray, period: int) -> np.ndarray:
    """Wilder's RSI: averages seeded with the simple mean of the first `period` moves."""
    out = np.full(close.size, np.nan)
    if close.size <= period:
        return out
    moves = np.diff(close)
    gains = np.clip(moves, 0, None)
    losses = np.clip(-moves, 0, None)
    gain = gains[:period].mean()
    loss = losses[:period].mean()
    for i in range(period, close.size):
        if i > period:
            gain = (gain * (period - 1) + gains[i - 1]) / period
            loss = (loss * (period - 1) + losses[i - 1]) / period
        out[i] = 100.0 * gain / (gain + loss) if gain + loss > 0 else 0.0
    return out


def _sma(x: np.ndarray, period: int) -> np.ndarray:
    """SMA over the finite tail of x (x starts with NaNs), NaN-padded."""
    start = int(np.argmax(np.isfinite(x))) if np.isfinite(x).any() else x.size
    values = x[start:]
    if values.size < period:
        return np.full(x.size, np.nan)
    return _pad(_windows(values, period).mean(axis=1), x.size)


def stochastic_rsi_kd(
    close: np.ndarray, rsi_period: int, k_period: int, k_smooth: int, d_smooth: int
):
    """The K-smoothed Stochastic RSI: (k, d) = (SMA(stoch), SMA(SMA(stoch)))."""
    rsi = wilder_rsi(close, rsi_period)
    start = rsi_period
    stoch = np.full(close.size, np.nan)
    if close.size - start >= k_period:
        windows = _windows(rsi[start:], k_period)
        highest = windows.max(axis=1)
        lowest = windows.min(axis=1)
        current = rsi[start + k_period - 1 :]
        span = highest - lowest
        flat = span <= 1e-14 * (np.abs(highest) + np.abs(lowest))
        stoch[start + k_period - 1 :] = np.where(
            flat, 0.0, 100.0 * (current - lowest) / np.where(flat, 1.0, span)
        )
    k = _sma(stoch, k_smooth)
    d = _sma(k, d_smooth)
    k[np.isnan(d)] = np.nan  # TA-Lib's STOCH reports k only where d exists
    return k, d
