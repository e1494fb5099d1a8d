"""The composite score, with weights per regime."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..base import FieldError, Group, Parameter, ParameterSet, Stage
from .regime import Regime

COMPONENTS = ("volatility", "momentum", "volume", "trend_strength", "rsi_agreement")


def _weight(what: str) -> Parameter[float]:
    return Parameter(0.2, minimum=0.0, maximum=100.0, description=f"Weight of {what}.")


class ComponentWeights(ParameterSet):
    """The five component weights of one regime (they need not add up to 1)."""

    volatility = _weight("the candidates' ATR % rank")
    momentum = _weight("the candidates' |velocity| rank")
    volume = _weight("the candidates' volume surge rank")
    trend_strength = _weight("the ADX trend strength")
    rsi_agreement = _weight("the RSI agreement across timeframes")

    rules = (
        (
            "self.volatility + self.momentum + self.volume + self.trendStrength"
            " + self.rsiAgreement > 0.0",
            "at least one weight must be positive",
        ),
    )

    @classmethod
    def cross_check(cls, values: Mapping[str, Any]) -> None:
        if sum(values[name] for name in COMPONENTS) <= 0:
            raise FieldError("", "at least one weight must be positive")

    def as_dict(self) -> dict[str, float]:
        return {name: float(self._values[name]) for name in COMPONENTS}


def _profile(values: tuple[float, float, float, float, float]) -> dict[str, float]:
    return dict(zip(COMPONENTS, values, strict=True))


class CompositeScore(Stage):
    """score = sum(weight x component) / sum(weight), in [0, 1], with the weights of the
    detected regime. Components: `volatility`, `momentum` and `volume` are percentile
    ranks among the stage-3 candidates of ATR %, |velocity| and the volume surge ratio;
    `trendStrength` and `rsiAgreement` are absolute (see those sections).
    """

    key = "weights"
    stage = 3
    trend = Group(
        ComponentWeights,
        defaults=_profile((0.15, 0.30, 0.15, 0.25, 0.15)),
        description="Weights in a trending market: momentum and trend strength lead.",
    )
    range = Group(
        ComponentWeights,
        defaults=_profile((0.25, 0.15, 0.25, 0.10, 0.25)),
        description="Weights in a ranging market: volatility, volume and RSI agreement lead.",
    )
    high_volatility = Group(
        ComponentWeights,
        defaults=_profile((0.10, 0.20, 0.30, 0.20, 0.20)),
        description="Weights in a highly volatile market: volume leads, volatility counts least.",
    )

    def weights_for(self, regime: Regime) -> dict[str, float]:
        profile: ComponentWeights = {
            Regime.TREND: self.trend,
            Regime.RANGE: self.range,
            Regime.HIGH_VOLATILITY: self.high_volatility,
        }[regime]
        return profile.as_dict()

    def score(
        self, components: Mapping[str, np.ndarray], regime: Regime
    ) -> tuple[np.ndarray, dict[str, float]]:
        """(score per candidate, the weights used); a NaN component counts as 0."""
        weights = self.weights_for(regime)
        total = sum(weights.values())
        score = sum(weights[name] * np.nan_to_num(components[name], nan=0.0) for name in COMPONENTS)
        return np.asarray(score, dtype=np.float64) / total, weights
