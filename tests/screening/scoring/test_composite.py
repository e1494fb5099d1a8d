"""The composite score and its regime-dependent weights."""

import numpy as np
import pytest

from tradeplane.screening import InvalidScreeningConfig, load_config
from tradeplane.screening.scoring import COMPONENTS, CompositeScore, Regime

# X is volatile, heavy and agreeing; Y has momentum and trend strength
X = (1.0, 0.0, 1.0, 0.0, 1.0)
Y = (0.0, 1.0, 0.0, 1.0, 0.0)
COMPONENT_ARRAYS = {name: np.array([x, y]) for name, x, y in zip(COMPONENTS, X, Y, strict=True)}


def test_score_is_the_weighted_mean_and_the_regime_picks_the_weights() -> None:
    stage = CompositeScore()
    trend, weights = stage.score(COMPONENT_ARRAYS, Regime.TREND)
    assert weights == {
        "volatility": 0.15,
        "momentum": 0.30,
        "volume": 0.15,
        "trend_strength": 0.25,
        "rsi_agreement": 0.15,
    }
    assert trend == pytest.approx([0.45, 0.55])  # Y leads in a trend
    ranging, _ = stage.score(COMPONENT_ARRAYS, Regime.RANGE)
    assert ranging == pytest.approx([0.75, 0.25])  # X leads in a range
    volatile, _ = stage.score(COMPONENT_ARRAYS, Regime.HIGH_VOLATILITY)
    assert volatile == pytest.approx([0.6, 0.4])


def test_weights_need_not_add_up_to_one_and_nan_counts_as_zero() -> None:
    stage = CompositeScore(
        trend={
            "volatility": 2.0,
            "momentum": 2.0,
            "volume": 0.0,
            "trend_strength": 0.0,
            "rsi_agreement": 0.0,
        }
    )
    components = {name: values.copy() for name, values in COMPONENT_ARRAYS.items()}
    components["momentum"][1] = np.nan
    score, _ = stage.score(components, Regime.TREND)
    assert score.tolist() == [0.5, 0.0]


def test_partial_weights_keep_the_other_defaults() -> None:
    config = load_config({"scoring": {"weights": {"range": {"volume": 0.5}}}})
    stage = CompositeScore(config.scoring.weights)
    assert stage.weights_for(Regime.RANGE)["volume"] == 0.5
    assert stage.weights_for(Regime.RANGE)["momentum"] == 0.15


def test_all_zero_weights_are_rejected_naming_the_regime() -> None:
    zeros = dict.fromkeys(("volatility", "momentum", "volume", "trendStrength", "rsiAgreement"), 0)
    with pytest.raises(InvalidScreeningConfig) as raised:
        load_config({"scoring": {"weights": {"highVolatility": zeros}}})
    assert raised.value.field == "stages.scoring.weights.highVolatility"
    assert "at least one weight must be positive" in str(raised.value)
