"""Ragged histories: late listings (leading NaNs) and gaps (NaN bars) in one array.

Semantics under test: each symbol is computed from its own valid bars only, as if its
missing bars did not exist; missing bars get NaN; nothing moves between symbols.
"""

from __future__ import annotations

import numpy as np
import pytest
import talib

from tradeplane import kernels

from .helpers import assert_matches, random_walk

SUITE = kernels.Suite(outputs=kernels.OUTPUTS)
FIELDS = ("high", "low", "close", "volume")


@pytest.fixture(scope="module")
def ragged() -> dict[str, np.ndarray]:
    data = random_walk(5, 400, seed=11)
    data["close"][1, :120] = np.nan  # listed late
    data["close"][2, 200:203] = np.nan  # a three-bar outage
    for field in FIELDS:  # a missing candle in every field
        data[field][3, 50] = np.nan
    data["volume"][4, 300] = np.nan  # only the volume is missing
    data["close"][0, :] = np.nan  # never traded
    return data


def _valid_bars(data, symbol, fields=FIELDS):
    return np.all([np.isfinite(data[f][symbol]) for f in fields], axis=0)


def test_each_symbol_equals_its_valid_bars_alone(ragged):
    full = kernels.compute(ragged, SUITE, backend="cpu")
    for symbol in range(1, 5):
        valid = _valid_bars(ragged, symbol)
        alone = kernels.compute(
            {f: ragged[f][symbol, valid][None, :] for f in FIELDS}, SUITE, backend="cpu"
        )
        for name in kernels.OUTPUTS:
            assert np.all(np.isnan(full[name][symbol, ~valid])), name
            assert_matches(full[name][symbol, valid], alone[name][0], f"{name} symbol {symbol}")


def test_a_late_listing_matches_talib_from_its_first_bar(ragged):
    close = ragged["close"][1]
    got = kernels.rsi(ragged["close"], backend="cpu")[1]
    assert np.all(np.isnan(got[: 120 + 14]))
    assert_matches(got[120:], talib.RSI(close[120:], 14), "rsi after listing")


def test_a_symbol_without_bars_is_all_nan(ragged):
    full = kernels.compute(ragged, SUITE, backend="cpu")
    for name in kernels.OUTPUTS:
        assert np.all(np.isnan(full[name][0])), name


def test_nothing_leaks_between_symbols(ragged):
    before = kernels.compute(ragged, SUITE, backend="cpu")
    changed = {f: ragged[f].copy() for f in FIELDS}
    changed["close"][2] *= 3.0
    changed["high"][2] *= 3.0
    changed["low"][2] *= 3.0
    changed["volume"][2, :100] = np.nan
    after = kernels.compute(changed, SUITE, backend="cpu")
    others = [0, 1, 3, 4]
    for name in kernels.OUTPUTS:
        np.testing.assert_array_equal(after[name][others], before[name][others], err_msg=name)
        assert not np.array_equal(after[name][2], before[name][2], equal_nan=True), name


def test_a_bar_counts_only_when_every_field_read_is_finite(ragged):
    # symbol 4 lacks only a volume at bar 300: the suite (which reads volume) skips the
    # bar, RSI alone (close only) does not
    suite_rsi = kernels.compute(ragged, SUITE, backend="cpu")["rsi"][4]
    plain_rsi = kernels.rsi(ragged["close"], backend="cpu")[4]
    assert np.isnan(suite_rsi[300]) and np.isfinite(plain_rsi[300])
    assert_matches(suite_rsi[:300], plain_rsi[:300], "before the gap")


def test_gaps_in_the_real_candles_are_skipped(candles):
    # ADA-BTC (row 1) misses 40 bars of the common time axis
    missing = ~np.isfinite(candles["close"][1])
    assert missing.sum() == 40
    got = kernels.atr(candles["high"], candles["low"], candles["close"], backend="cpu")[1]
    assert np.all(np.isnan(got[missing]))
    valid = ~missing
    want = talib.ATR(
        candles["high"][1, valid], candles["low"][1, valid], candles["close"][1, valid]
    )
    assert_matches(got[valid], want, "atr on ADA-BTC")
