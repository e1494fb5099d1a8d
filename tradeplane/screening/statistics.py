"""Cross-sectional and windowed statistics the stages share (numpy, NaN-aware, vectorised)."""

from __future__ import annotations

import numpy as np

#: Values equal to this many significant digits tie. The kernels take a vectorised or a
#: per-symbol path whose results differ in the last bits; a symbol's rank must not depend
#: on which path its position in the arrays gave it.
TIE_DIGITS = 12


def significant(values: np.ndarray, digits: int = TIE_DIGITS) -> np.ndarray:
    """`values` rounded to `digits` significant digits (NaN, inf and 0 unchanged)."""
    result = np.array(values, dtype=np.float64, copy=True)
    nonzero = np.isfinite(result) & (result != 0)
    magnitude = np.floor(np.log10(np.abs(result[nonzero])))
    factor = 10.0 ** (digits - 1 - magnitude)
    result[nonzero] = np.round(result[nonzero] * factor) / factor
    return result


def percentile_ranks(values: np.ndarray) -> np.ndarray:
    """Mid-rank percentiles in (0, 1): (average rank - 0.5) / n over the finite values.

    Ties (equal to `TIE_DIGITS` significant digits) share their average rank; NaN stays
    NaN. One finite value ranks 0.5.
    """
    values = np.asarray(values, dtype=np.float64)
    ranks = np.full(values.shape, np.nan)
    finite = np.isfinite(values)
    count = int(finite.sum())
    if count == 0:
        return ranks
    tied = significant(values[finite])
    _, inverse, counts = np.unique(tied, return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2.0
    ranks[finite] = (average_rank[inverse] - 0.5) / count
    return ranks


def zscores(values: np.ndarray) -> np.ndarray:
    """(x - mean) / standard deviation over the finite values (population, ddof=0).

    NaN stays NaN; all zeros when the finite values do not vary.
    """
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return np.full(values.shape, np.nan)
    mean = values[finite].mean()
    deviation = values[finite].std()
    if deviation == 0.0 or not np.isfinite(deviation):
        return np.where(finite, 0.0, np.nan)
    return (values - mean) / deviation


def trailing_percentile(history: np.ndarray) -> np.ndarray:
    """Per row: the fraction of the earlier finite values strictly below the last one.

    `history` is (rows, L + 1) with the current value last; 0 means the current value is
    the lowest of the window. NaN where the current value is NaN or nothing precedes it.
    """
    history = np.asarray(history, dtype=np.float64)
    current = history[:, -1:]
    earlier = history[:, :-1]
    counted = np.isfinite(earlier).sum(axis=1)
    below = (earlier < current).sum(axis=1)  # NaN compares False
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = below / counted
    return np.where(np.isfinite(current[:, 0]) & (counted > 0), fraction, np.nan)


def log_returns(close: np.ndarray) -> np.ndarray:
    """log(close[t] / close[t-1]) per row; NaN where either close is missing."""
    close = np.asarray(close, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(close[:, 1:] / close[:, :-1])


def correlation_matrix(returns: np.ndarray, *, min_overlap: int = 2) -> np.ndarray:
    """Pearson correlations of the rows of `returns` over their common finite entries.

    Pairwise-complete and vectorised: for each pair only the bars where both rows are
    finite count (masked products). NaN where fewer than `min_overlap` bars are shared or
    a row does not vary over them; the diagonal is 1 where a row varies. The products use
    `einsum` rather than BLAS: on a small shared machine, BLAS worker threads that spin
    after a call cost far more than these small products.
    """
    returns = np.asarray(returns, dtype=np.float64)
    finite = np.isfinite(returns)
    if finite.all():
        return _complete_correlation(returns, min_overlap)
    mask = finite.astype(np.float64)
    values = np.where(finite, returns, 0.0)
    overlap = np.einsum("it,jt->ij", mask, mask)
    sums = np.einsum("it,jt->ij", values, mask)  # row i summed where row j is finite too
    squares = np.einsum("it,jt->ij", values * values, mask)
    products = np.einsum("it,jt->ij", values, values)
    with np.errstate(invalid="ignore", divide="ignore"):
        covariance = products - sums * sums.T / overlap
        variance_i = squares - sums * sums / overlap
        variance_j = variance_i.T
        correlation = covariance / np.sqrt(variance_i * variance_j)
    tiny = 1e-12 * np.maximum(squares, squares.T)
    degenerate = (overlap < min_overlap) | (variance_i <= tiny) | (variance_j <= tiny)
    return np.where(degenerate, np.nan, np.clip(correlation, -1.0, 1.0))


def _complete_correlation(returns: np.ndarray, min_overlap: int) -> np.ndarray:
    """`correlation_matrix` when every entry is finite: one product of centred rows."""
    bars = returns.shape[1]
    centred = returns - returns.mean(axis=1, keepdims=True) if bars else returns
    squares = np.einsum("it,it->i", centred, centred)
    scale = np.einsum("it,it->i", returns, returns)
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.einsum("it,jt->ij", centred, centred) / np.sqrt(np.outer(squares, squares))
    flat = squares <= 1e-12 * scale
    degenerate = flat[:, None] | flat[None, :] | (bars < min_overlap)
    return np.where(degenerate, np.nan, np.clip(correlation, -1.0, 1.0))


def last_finite_lag(values: np.ndarray, window: int) -> np.ndarray:
    """Bars between the last column and each row's last finite value in the trailing
    `window` columns (0: the last column is finite); NaN when none is finite there."""
    values = np.asarray(values)
    lag = np.zeros(values.shape[0])
    behind = np.flatnonzero(~np.isfinite(values[:, -1])) if values.shape[1] else np.arange(0)
    if len(behind):
        tail = np.isfinite(values[behind, -window:])
        found = np.argmax(tail[:, ::-1], axis=1).astype(np.float64)
        lag[behind] = np.where(tail.any(axis=1), found, np.nan)
    if not values.shape[1]:
        lag[:] = np.nan
    return lag


def best_first(score: np.ndarray, symbols: np.ndarray) -> np.ndarray:
    """Indices ordering `score` best first (NaN last), ties broken by symbol name."""
    return np.lexsort((symbols, -significant(np.asarray(score, dtype=np.float64))))
