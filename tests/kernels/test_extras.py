"""Indicators TA-Lib lacks, against the independent NumPy code in `references`."""

from __future__ import annotations

import numpy as np
import pytest

from tradeplane import kernels

from . import references as ref
from .helpers import assert_matches, per_symbol


def test_percent_b_and_bandwidth(data):
    close = data["close"]
    upper, middle, lower, percent_b, bandwidth = per_symbol(
        lambda c: ref.bollinger(c, 20, 2.0, 1.5), close
    )
    got = kernels.compute(
        {"close": close},
        kernels.Suite(
            outputs=("upperband", "middleband", "lowerband", "percent_b", "bandwidth"),
            bb_nbdevdn=1.5,
        ),
        backend="cpu",
    )
    assert_matches(got["upperband"], upper, "upper")
    assert_matches(got["middleband"], middle, "middle")
    assert_matches(got["lowerband"], lower, "lower")
    assert_matches(got["percent_b"], percent_b, "%B")
    assert_matches(got["bandwidth"], bandwidth, "bandwidth")
    assert_matches(kernels.percent_b(close, 20, 2.0, 1.5, backend="cpu"), percent_b, "%B fn")
    assert_matches(kernels.bandwidth(close, 20, 2.0, 1.5, backend="cpu"), bandwidth, "bw fn")


def test_percent_b_is_one_half_on_a_flat_window():
    close = np.full(30, 0.1234567)
    assert np.allclose(kernels.percent_b(close, backend="cpu")[19:], 0.5)
    assert np.all(kernels.bandwidth(close, backend="cpu")[19:] < 1e-12)


def test_volume_surge(data):
    (want,) = per_symbol(lambda v: ref.volume_surge(v, 20), data["volume"])
    assert_matches(kernels.volume_surge(data["volume"], 20, backend="cpu"), want, "surge")


def test_volume_surge_is_zero_on_a_silent_window():
    volume = np.zeros(40)
    volume[35] = 7.0
    got = kernels.volume_surge(volume, 20, backend="cpu")
    assert np.all(np.isnan(got[:19]))
    assert np.all(got[19:35] == 0.0)
    assert got[35] == pytest.approx(20.0, rel=1e-12)


def test_donchian_and_breakout_distance(data):
    high, low, close = data["high"], data["low"], data["close"]
    _, _, to_high, to_low = per_symbol(
        lambda h, lo, c: ref.donchian(h, lo, c, 20), high, low, close
    )
    got_to_high, got_to_low = kernels.breakout_distance(high, low, close, 20, backend="cpu")
    assert_matches(got_to_high, to_high, "to high")
    assert_matches(got_to_low, to_low, "to low")
    assert np.nanmin(got_to_high) >= 0 and np.nanmin(got_to_low) >= 0
    # donchian() reads high and low only, so its valid bars may differ from the HLC ones
    got_upper, got_lower = kernels.donchian(high, low, 20, backend="cpu")
    want_upper, want_lower, _, _ = per_symbol(lambda h, lo: ref.donchian(h, lo, h, 20), high, low)
    assert_matches(got_upper, want_upper, "upper")
    assert_matches(got_lower, want_lower, "lower")


def test_log_return_volatility(data):
    (want,) = per_symbol(lambda c: ref.log_return_volatility(c, 20), data["close"])
    assert_matches(kernels.volatility(data["close"], 20, backend="cpu"), want, "volatility")


def test_k_smoothed_stochastic_rsi(data):
    want_k, want_d = per_symbol(lambda c: ref.stochastic_rsi_kd(c, 14, 14, 3, 3), data["close"])
    k, d = kernels.stochrsi_kd(data["close"], backend="cpu")
    assert_matches(k, want_k, "k")
    assert_matches(d, want_d, "d")
