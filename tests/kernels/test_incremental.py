"""The incremental path: one bar for every symbol gives the batch's newest values."""

from __future__ import annotations

import numpy as np
import pytest

from tradeplane import kernels

from .helpers import assert_matches

FIELDS = ("high", "low", "close", "volume")
SUITE = kernels.Suite(outputs=kernels.OUTPUTS)


def _bar(candles, t):
    return {field: candles[field][:, t] for field in FIELDS}


def test_updates_after_history_match_the_batch_on_real_candles(candles):
    bars = candles["close"].shape[1]
    split = bars - 300  # the last 300 bars arrive one at a time (they include gaps)
    history = {field: candles[field][:, :split] for field in FIELDS}
    state, warm = kernels.IncrementalSuite.from_history(history, SUITE)
    batch = kernels.compute(candles, SUITE, backend="cpu")
    for name in kernels.OUTPUTS:
        np.testing.assert_array_equal(warm[name], batch[name][:, :split], err_msg=name)
    for t in range(split, bars):
        latest = state.update(_bar(candles, t))
        for name in kernels.OUTPUTS:
            assert latest[name].shape == (candles["close"].shape[0],)
            assert_matches(latest[name][None], batch[name][:, t][None], f"{name} at bar {t}")
    np.testing.assert_array_equal(state.bars_seen, np.isfinite(candles["close"]).sum(axis=1))


def test_from_an_empty_state_every_bar_matches_the_batch(walks):
    symbols = walks["close"].shape[0]
    bars = 400
    history = {field: walks[field][:, :bars] for field in FIELDS}
    state = kernels.IncrementalSuite(symbols, SUITE)
    batch = kernels.compute(history, SUITE, backend="cpu")
    for t in range(bars):
        latest = state.update(_bar(history, t))
        for name in kernels.OUTPUTS:
            assert_matches(latest[name][None], batch[name][:, t][None], f"{name} at bar {t}")


def test_a_missing_bar_leaves_that_symbol_unchanged(walks):
    state = kernels.IncrementalSuite(walks["close"].shape[0], kernels.Suite())
    for t in range(100):
        state.update(_bar(walks, t))
    seen = state.bars_seen
    bar = _bar(walks, 100)
    bar["close"] = bar["close"].copy()
    bar["close"][2] = np.nan
    latest = state.update(bar)
    assert np.isnan(latest["rsi"][2]) and np.isfinite(latest["rsi"][3])
    np.testing.assert_array_equal(state.bars_seen - seen, [1, 1, 0, 1, 1, 1])


def test_a_bar_of_the_wrong_shape_is_refused(walks):
    state = kernels.IncrementalSuite(6)
    bar = _bar(walks, 0)
    bar["close"] = bar["close"][:5]
    with pytest.raises(kernels.InvalidInput, match=r"expected \(6,\)"):
        state.update(bar)
    with pytest.raises(kernels.InvalidInput, match="volume"):
        state.update({"high": bar["high"], "low": bar["low"], "close": bar["high"]})
