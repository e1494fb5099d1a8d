"""Maximum bid/ask spread in percent of the mid price."""

import pytest

from tradeplane.screening.universe import SpreadFilter

from ..helpers import make_snapshot, universe_context


def test_spread_is_measured_against_the_mid_and_the_threshold_is_inclusive() -> None:
    # (1.25 - 0.75) / 1.0 = 50 % exactly in binary floating point
    snapshot = make_snapshot(
        ["A/USDT", "B/USDT", "C/USDT"], bid=[0.75, 0.75, 0.8], ask=[1.25, 1.2500001, 1.2]
    )
    check = SpreadFilter(max_percent=50.0).check(universe_context(snapshot))
    assert check.values[0] == 50.0
    assert check.values[2] == pytest.approx(40.0)
    assert check.passed.tolist() == [True, False, True]


def test_default_is_five_basis_points() -> None:
    snapshot = make_snapshot(["A/USDT", "B/USDT"], bid=[99.9751, 99.9749], ask=[100.0249, 100.0251])
    check = SpreadFilter().check(universe_context(snapshot))
    assert check.threshold == 0.05
    assert abs(check.values[0] - 0.0498) < 1e-9
    assert check.passed.tolist() == [True, False]
    assert check.describe(1) == "spread: bid/ask spread is 0.0502%, needs <= 0.05%"


def test_missing_zero_or_crossed_quotes_fail_with_a_note() -> None:
    snapshot = make_snapshot(
        ["A/USDT", "B/USDT", "C/USDT"], bid=[float("nan"), 0.0, 1.01], ask=[1.0, 1.0, 1.0]
    )
    check = SpreadFilter(max_percent=100.0).check(universe_context(snapshot))
    assert check.passed.tolist() == [False, False, False]
    assert check.describe(2).endswith("; no usable bid/ask (bid 1.01, ask 1)")
