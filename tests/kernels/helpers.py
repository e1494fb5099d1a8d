"""Shared test helpers: the real candles, random walks and the parity assertion."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / "data" / "binance-5m"
SYMBOLS = ("ETH-BTC", "ADA-BTC", "TRX-BTC", "XMR-BTC")
FIVE_MINUTES_MS = 300_000
TOLERANCE = 1e-9


def load_candles(symbols: tuple[str, ...] = SYMBOLS) -> dict[str, np.ndarray]:
    """The real 5m candles on one time axis: (symbols, bars) arrays, NaN where a bar is missing.

    Returns keys timestamp (int64 ms, the union of all files' bars), open, high, low, close,
    volume.
    """
    tables = [np.loadtxt(DATA / f"{name}.csv", delimiter=",", skiprows=1) for name in symbols]
    axis = np.unique(np.concatenate([table[:, 0] for table in tables])).astype(np.int64)
    out = {"timestamp": axis}
    for column, field in enumerate(("open", "high", "low", "close", "volume"), start=1):
        matrix = np.full((len(tables), axis.size), np.nan)
        for row, table in enumerate(tables):
            matrix[row, np.searchsorted(axis, table[:, 0].astype(np.int64))] = table[:, column]
        out[field] = matrix
    return out


def random_walk(symbols: int, bars: int, seed: int) -> dict[str, np.ndarray]:
    """Geometric random-walk candles with positive volume (some flat bars and repeats)."""
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.uniform(-6, 3, size=(symbols, 1))  # prices from 1e-6 to 1e3
    close = scale * np.exp(np.cumsum(rng.normal(0, 0.01, (symbols, bars)), axis=1))
    close = np.round(close / scale, 4) * scale  # ticks: ties and flat runs happen
    spread = np.abs(rng.normal(0, 0.004, (symbols, bars)))
    high = close * (1 + spread * rng.random((symbols, bars)))
    low = close * (1 - spread * rng.random((symbols, bars)))
    open_ = np.clip(np.roll(close, 1, axis=1), low, high)
    volume = rng.gamma(2.0, 500.0, (symbols, bars))
    volume[rng.random((symbols, bars)) < 0.02] = 0.0
    return {"open": open_, "high": high, "low": low, "close": close, "volume": volume}


def per_symbol(function: Callable[..., object], *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """`function` (a TA-Lib call) on each symbol's valid bars, scattered back in place.

    This is the documented semantics for ragged input: leading NaNs and gaps are skipped.
    """
    symbols, bars = arrays[0].shape
    results: list[np.ndarray] = []
    for s in range(symbols):
        valid = np.all([np.isfinite(a[s]) for a in arrays], axis=0)
        index = np.flatnonzero(valid)
        outputs = function(*(a[s, index] for a in arrays)) if index.size else ()
        if not isinstance(outputs, tuple):
            outputs = (outputs,)
        for k, output in enumerate(outputs):
            if len(results) <= k:
                results.append(np.full((symbols, bars), np.nan))
            results[k][s, index] = output
    return tuple(results)


def assert_matches(mine: np.ndarray, reference: np.ndarray, name: str = "") -> None:
    """Same NaN positions, and values within 1e-9 relative (1e-9 x the range near zero)."""
    mine = np.atleast_2d(mine)
    reference = np.atleast_2d(reference)
    assert mine.shape == reference.shape, f"{name}: shape {mine.shape} != {reference.shape}"
    nan_mine = np.isnan(mine)
    nan_reference = np.isnan(reference)
    if not np.array_equal(nan_mine, nan_reference):
        s, t = np.argwhere(nan_mine != nan_reference)[0]
        raise AssertionError(
            f"{name}: NaN positions differ first at symbol {s}, bar {t}: "
            f"mine {mine[s, t]!r}, reference {reference[s, t]!r}"
        )
    finite = np.where(nan_reference, 0.0, reference)
    has_values = ~nan_reference.all(axis=1, keepdims=True)
    highest = np.where(nan_reference, -np.inf, reference).max(axis=1, keepdims=True)
    lowest = np.where(nan_reference, np.inf, reference).min(axis=1, keepdims=True)
    span = np.where(has_values, highest - lowest, 0.0)
    reference = finite
    allowed = TOLERANCE * np.maximum(np.abs(reference), span)
    error = np.where(nan_reference, 0.0, np.abs(np.where(nan_mine, 0.0, mine) - reference))
    bad = error > allowed
    if bad.any():
        s, t = np.argwhere(bad)[0]
        raise AssertionError(
            f"{name}: {int(bad.sum())} values off; first at symbol {s}, bar {t}: "
            f"mine {mine[s, t]!r}, reference {reference[s, t]!r}, allowed {allowed[s, t]!r}"
        )
