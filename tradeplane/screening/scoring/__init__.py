"""Stage 3, quantitative scoring: regime, composite score, correlation, top-N selection.

Works on the stage-2 candidates (the top K); the regime is read over all stage-1
survivors, since it describes the market rather than the candidates.
"""

from .composite import COMPONENTS, ComponentWeights, CompositeScore
from .correlation import ReturnCorrelation
from .regime import Regime, RegimeDetector, RegimeReading
from .rsi_agreement import RsiAgreement
from .selection import TopSelection
from .trend_strength import TrendStrength

__all__ = [
    "COMPONENTS",
    "ComponentWeights",
    "CompositeScore",
    "Regime",
    "RegimeDetector",
    "RegimeReading",
    "ReturnCorrelation",
    "RsiAgreement",
    "TopSelection",
    "TrendStrength",
]
