"""The stage-2 score and the top-K cut, ties broken by symbol."""

import numpy as np
import pytest

from tradeplane.screening.checks import row_check
from tradeplane.screening.indicators import IndicatorSource
from tradeplane.screening.volatility_momentum import CandidateContext, Measurement, TopRanking

SYMBOLS = np.array(["E/USDT", "D/USDT", "C/USDT", "B/USDT", "A/USDT"])
ROWS = np.array([0, 1, 2, 4])  # B/USDT was dropped by stage 1


def measurement(component: list[float], weight: float, passed: list[bool]) -> Measurement:
    check = row_check(
        5,
        ROWS,
        values=np.asarray(component),
        passed=np.asarray(passed),
        stage=2,
        name="test",
        measure="test",
        comparison="",
        threshold="",
        unit="",
    )
    return Measurement("test", check, np.asarray(component), weight)


def rank(stage: TopRanking, measurements: list[Measurement]):
    context = CandidateContext(5, ROWS, "5m", IndicatorSource({}))
    return stage.rank(context, measurements, SYMBOLS)


def test_weighted_mean_top_k_and_ties_by_symbol() -> None:
    measurements = [
        measurement([0.9, 0.5, 0.5, 0.2], 1.0, [True] * 4),
        measurement([0.1, 0.5, 0.5, 0.6], 3.0, [True, True, True, False]),
    ]
    score, kept, check = rank(TopRanking(keep_top=2), measurements)
    assert score[:3] == pytest.approx([0.3, 0.5, 0.5])
    assert np.isnan(score[3])  # A/USDT failed a check: not ranked
    assert SYMBOLS[kept].tolist() == ["C/USDT", "D/USDT"]  # tie at 0.5: C before D
    assert check.evaluated.tolist() == [True, True, True, False, False]
    assert check.passed.tolist() == [False, True, True, False, False]
    assert check.describe(0) == (
        "ranking: stage-2 score is 0.3, needs in the top 2; ranked 3 of 3; "
        "the last kept scored 0.5000"
    )


def test_zero_weight_leaves_a_measure_out() -> None:
    measurements = [
        measurement([0.9, 0.5, 0.1, 0.2], 0.0, [True] * 4),
        measurement([0.1, 0.5, 0.9, 0.6], 1.0, [True] * 4),
    ]
    score, kept, _ = rank(TopRanking(), measurements)
    assert score.tolist() == [0.1, 0.5, 0.9, 0.6]
    assert SYMBOLS[kept].tolist() == ["C/USDT", "A/USDT", "D/USDT", "E/USDT"]


def test_all_weights_zero_ranks_by_symbol() -> None:
    measurements = [measurement([0.9, 0.5, 0.1, 0.2], 0.0, [True] * 4)]
    _, kept, _ = rank(TopRanking(), measurements)
    assert SYMBOLS[kept].tolist() == ["A/USDT", "C/USDT", "D/USDT", "E/USDT"]
