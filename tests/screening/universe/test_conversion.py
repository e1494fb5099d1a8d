"""USD conversion of quote currencies through the exchange's own pairs."""

import math

import numpy as np

from tradeplane.screening.universe import UsdConversion

from ..helpers import make_snapshot


def test_usd_currencies_are_one_dollar_and_others_use_conversion_pairs() -> None:
    snapshot = make_snapshot(
        ["ETH/USDT", "ETH/BTC", "XRP/TRY", "ADA/USD", "DOGE/XYZ"],
        conversion_prices={"BTC/USDT": 40_000.0, "USDT/TRY": 32.0},
    )
    rates, unpriced = UsdConversion().usd_per_quote(snapshot)
    assert rates[:4].tolist() == [1.0, 40_000.0, 1.0 / 32.0, 1.0]
    assert math.isnan(rates[4])
    assert unpriced == frozenset({"XYZ"})


def test_preference_follows_the_order_of_usd_currencies() -> None:
    snapshot = make_snapshot(
        ["ETH/BTC"], conversion_prices={"BTC/USDC": 40_100.0, "BTC/USDT": 40_000.0}
    )
    assert UsdConversion().rates(snapshot) == {"BTC": 40_000.0}
    preferring_usdc = UsdConversion(usd_currencies=["USDC", "USDT"])
    assert preferring_usdc.rates(snapshot) == {"BTC": 40_100.0}


def test_the_snapshots_own_symbols_price_a_currency_when_no_pair_is_given() -> None:
    snapshot = make_snapshot(["ETH/USDT", "LINK/ETH"], last=[2_500.0, 0.006])
    rates, _ = UsdConversion().usd_per_quote(snapshot)
    assert rates.tolist() == [1.0, 2_500.0]


def test_given_conversion_prices_win_over_the_snapshots_own_rows() -> None:
    snapshot = make_snapshot(
        ["ETH/USDT", "LINK/ETH"], last=[2_500.0, 0.006], conversion_prices={"ETH/USDT": 2_490.0}
    )
    assert UsdConversion().rates(snapshot)["ETH"] == 2_490.0


def test_non_positive_or_missing_prices_do_not_convert() -> None:
    snapshot = make_snapshot(
        ["ETH/BTC", "LINK/ETH"], conversion_prices={"BTC/USDT": 0.0, "ETH/USDT": float("nan")}
    )
    rates, unpriced = UsdConversion().usd_per_quote(snapshot)
    assert np.isnan(rates).all()
    assert unpriced == frozenset({"BTC", "ETH"})
