"""Rolling correlation matrix of the candidates' returns."""

import numpy as np
import pytest

from tradeplane.screening.indicators import IndicatorSource
from tradeplane.screening.scoring import ReturnCorrelation

from ..helpers import make_candles


def test_matrix_uses_only_the_last_window_of_returns() -> None:
    generator = np.random.default_rng(5)
    returns = generator.normal(0.0, 0.01, (3, 400))
    returns[1, -100:] = returns[0, -100:] * 2.0  # the last 100 returns move together
    returns[2, :-100] = -returns[0, :-100]  # earlier ones move opposite
    close = 100.0 * np.exp(np.cumsum(returns, axis=1))
    source = IndicatorSource({"5m": make_candles(close)})
    matrix = ReturnCorrelation(window=100).matrix(source, np.arange(3))
    logs = np.diff(np.log(close), axis=1)[:, -100:]
    assert matrix == pytest.approx(np.corrcoef(logs), abs=1e-9)
    assert matrix[0, 1] == pytest.approx(1.0)
    assert matrix.shape == (3, 3)


def test_pairs_with_too_little_overlap_have_no_correlation() -> None:
    close = 100.0 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.01, (2, 50)), axis=1))
    close[1, :40] = np.nan  # only 9 returns in common
    source = IndicatorSource({"5m": make_candles(close)})
    matrix = ReturnCorrelation(window=48, min_overlap=10).matrix(source, np.arange(2))
    assert np.isnan(matrix[0, 1]) and np.isnan(matrix[1, 0])
    assert matrix[0, 0] == 1.0
