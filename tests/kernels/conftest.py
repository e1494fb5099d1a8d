"""Fixtures for the kernel tests: the real Binance candles and random walks."""

from __future__ import annotations

import numpy as np
import pytest

from .helpers import load_candles, random_walk


@pytest.fixture(scope="session")
def candles() -> dict[str, np.ndarray]:
    """Real 5m candles of four BTC pairs on one time axis (missing bars are NaN)."""
    return load_candles()


@pytest.fixture(scope="session")
def walks() -> dict[str, np.ndarray]:
    """Random-walk candles, 6 symbols x 1500 bars, prices from 1e-6 to 1e3."""
    return random_walk(6, 1500, seed=7)


@pytest.fixture(params=["real", "random"], scope="session")
def data(request: pytest.FixtureRequest, candles, walks) -> dict[str, np.ndarray]:
    """Both data sets, one after the other."""
    return candles if request.param == "real" else walks
