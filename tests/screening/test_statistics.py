"""Cross-sectional and windowed statistics."""

import numpy as np
import pytest

from tradeplane.screening.statistics import (
    best_first,
    correlation_matrix,
    last_finite_lag,
    log_returns,
    percentile_ranks,
    significant,
    trailing_percentile,
    zscores,
)

NAN = np.nan


def test_percentile_ranks_average_ties_and_keep_nan() -> None:
    ranks = percentile_ranks(np.array([3.0, 1.0, 3.0, NAN, 2.0]))
    assert ranks[[0, 1, 2, 4]].tolist() == [0.75, 0.125, 0.75, 0.375]
    assert np.isnan(ranks[3])
    assert percentile_ranks(np.array([7.0])).tolist() == [0.5]
    assert np.isnan(percentile_ranks(np.array([NAN]))).all()


def test_zscores_use_the_population_deviation() -> None:
    assert zscores(np.array([1.0, 2.0, 3.0, NAN]))[:3] == pytest.approx([-1.2247449, 0, 1.2247449])
    assert zscores(np.array([5.0, 5.0, NAN]))[:2].tolist() == [0.0, 0.0]


def test_trailing_percentile_counts_earlier_values_below_the_last() -> None:
    history = np.array(
        [[1.0, 2.0, 3.0, 0.5], [1.0, 2.0, 3.0, 4.0], [1.0, NAN, 3.0, 2.0], [1, 2, 3, NAN]]
    )
    result = trailing_percentile(history)
    assert result[:3].tolist() == [0.0, 1.0, 0.5]
    assert np.isnan(result[3])


def test_correlation_matches_numpy_on_complete_rows() -> None:
    returns = np.random.default_rng(2).normal(size=(6, 80))
    returns[1] = returns[0] * 3.0 + 1.0
    matrix = correlation_matrix(returns)
    assert matrix == pytest.approx(np.corrcoef(returns), abs=1e-12)
    assert matrix[0, 1] == pytest.approx(1.0)


def test_correlation_is_pairwise_complete() -> None:
    returns = np.random.default_rng(4).normal(size=(3, 60))
    returns[0, :10] = NAN
    returns[1, 50:] = NAN
    returns[2] = 5.0  # constant: undefined
    matrix = correlation_matrix(returns, min_overlap=5)
    both = np.isfinite(returns[0]) & np.isfinite(returns[1])
    assert matrix[0, 1] == pytest.approx(np.corrcoef(returns[0, both], returns[1, both])[0, 1])
    assert np.isnan(matrix[2]).all()
    assert np.isnan(correlation_matrix(returns, min_overlap=41)[0, 1])


def test_log_returns_and_lag() -> None:
    close = np.array([[1.0, np.e, NAN]])
    assert log_returns(close)[0, 0] == pytest.approx(1.0)
    assert np.isnan(log_returns(close)[0, 1])
    values = np.array([[1.0, 1.0, 1.0], [1.0, NAN, NAN], [NAN, NAN, NAN]])
    lag = last_finite_lag(values, 3)
    assert lag[:2].tolist() == [0.0, 2.0] and np.isnan(lag[2])


def test_values_equal_to_twelve_significant_digits_tie() -> None:
    value = 0.71875
    nudged = np.nextafter(value, 1.0)  # one ulp apart, as two kernel paths may give
    ranks = percentile_ranks(np.array([nudged, value, 0.5]))
    assert ranks[0] == ranks[1]
    symbols = np.array(["ZZZ/USDT", "AAA/USDT", "MMM/USDT"])
    order = best_first(np.array([nudged, value, 0.5]), symbols)
    assert list(symbols[order]) == ["AAA/USDT", "ZZZ/USDT", "MMM/USDT"]
    assert np.isnan(significant(np.array([np.nan]))[0])
    assert significant(np.array([0.0, 123456789.123456789]))[1] == 123456789.123
