"""Stage 2, volatility and momentum: measures over the stage-1 survivors' candles.

ATR %, price velocity, volume surge and breakout potential each yield a score
component and a check; `TopRanking` keeps the best `keepTop` by their weighted mean.
"""

from .atr import AtrMeasure
from .breakout import BreakoutMeasure
from .common import CandidateContext, CandidateMeasure, Measurement
from .ranking import TopRanking
from .velocity import VelocityMeasure
from .volume_surge import VolumeSurgeMeasure

# configuration order (and the order of the docs)
MEASURES: tuple[type[CandidateMeasure], ...] = (
    AtrMeasure,
    VelocityMeasure,
    VolumeSurgeMeasure,
    BreakoutMeasure,
)

__all__ = [
    "MEASURES",
    "AtrMeasure",
    "BreakoutMeasure",
    "CandidateContext",
    "CandidateMeasure",
    "Measurement",
    "TopRanking",
    "VelocityMeasure",
    "VolumeSurgeMeasure",
]
