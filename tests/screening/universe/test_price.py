"""Price bounds in USD."""

import pytest

from tradeplane.screening import InvalidScreeningConfig
from tradeplane.screening.universe import PriceFilter

from ..helpers import make_snapshot, universe_context


def test_bounds_are_inclusive_and_prices_are_converted() -> None:
    snapshot = make_snapshot(
        ["A/USDT", "B/USDT", "C/USDT", "D/BTC", "E/BTC"],
        last=[0.01, 0.0099, 100.0, 0.0025, 0.0026],
        conversion_prices={"BTC/USDT": 40_000.0},
    )
    check = PriceFilter(min_usd=0.01, max_usd=100.0).check(universe_context(snapshot))
    assert check.values[3] == 100.0
    assert check.passed.tolist() == [True, False, True, True, False]
    assert check.describe(4) == "price: last price is 104 USD, needs between 0.01 USD and 100 USD"


def test_no_upper_bound_by_default() -> None:
    snapshot = make_snapshot(["A/USDT"], last=[1e9])
    check = PriceFilter().check(universe_context(snapshot))
    assert check.passed.tolist() == [True]
    assert check.comparison == ">="


def test_null_bounds_drop_nothing_and_one_bound_alone_applies() -> None:
    snapshot = make_snapshot(["A/XYZ", "B/USDT", "C/USDT"], last=[5.0, 0.5, 50.0])
    unbounded = PriceFilter(min_usd=None).check(universe_context(snapshot))
    assert unbounded.passed.tolist() == [True, True, True]
    assert unbounded.describe(0) == (
        "price: last price is unknown (no bounds); no USD conversion for quote currency XYZ"
    )
    capped = PriceFilter(min_usd=None, max_usd=10.0).check(universe_context(snapshot))
    assert capped.passed.tolist() == [False, True, False]  # unknown fails a real bound
    assert capped.describe(2) == "price: last price is 50 USD, needs <= 10 USD"
    by_default = PriceFilter().check(universe_context(snapshot))
    assert by_default.passed.tolist() == [False, True, True]


def test_max_below_min_is_rejected_naming_the_field() -> None:
    with pytest.raises(InvalidScreeningConfig, match="maxUsd must be at least minUsd") as raised:
        PriceFilter(min_usd=10.0, max_usd=1.0)
    assert raised.value.field == "price.maxUsd"
