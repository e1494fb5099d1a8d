"""Minimum 24h quote volume in USD, BTC-quoted volumes converted."""

import numpy as np

from tradeplane.screening.universe import QuoteVolumeFilter

from ..helpers import make_snapshot, universe_context


def test_btc_quoted_volume_is_converted_and_the_threshold_is_inclusive() -> None:
    snapshot = make_snapshot(
        ["A/BTC", "B/BTC", "C/BTC", "D/USDT"],
        quote_volume_24h=[1_249.0, 1_250.0, 1_251.0, 49_999_999.0],
        conversion_prices={"BTC/USDT": 40_000.0},
    )
    check = QuoteVolumeFilter().check(universe_context(snapshot))
    assert check.values.tolist() == [49_960_000.0, 50_000_000.0, 50_040_000.0, 49_999_999.0]
    assert check.passed.tolist() == [False, True, True, False]
    assert check.describe(0) == (
        "quoteVolume: 24h quote volume is 49,960,000 USD, needs >= 50,000,000 USD"
    )
    assert (
        check.describe(1) == "quoteVolume: 24h quote volume is 50,000,000 USD (>= 50,000,000 USD)"
    )


def test_a_quote_currency_without_usd_price_fails_with_the_reason() -> None:
    snapshot = make_snapshot(["A/XYZ", "B/USDT"], quote_volume_24h=[1e12, np.nan])
    check = QuoteVolumeFilter(min_usd=0.0).check(universe_context(snapshot))
    assert check.passed.tolist() == [False, False]
    assert check.describe(0).endswith("; no USD conversion for quote currency XYZ")
    assert check.describe(1) == (
        "quoteVolume: 24h quote volume is unknown, needs >= 0 USD; 24h quote volume not reported"
    )


def test_no_minimum_passes_every_symbol_priced_or_not() -> None:
    snapshot = make_snapshot(["A/XYZ", "B/USDT", "C/USDT"], quote_volume_24h=[1e12, np.nan, 0.0])
    check = QuoteVolumeFilter(min_usd=None).check(universe_context(snapshot))
    assert check.passed.tolist() == [True, True, True]
    assert check.describe(0) == (
        "quoteVolume: 24h quote volume is unknown (no minimum);"
        " no USD conversion for quote currency XYZ"
    )
    assert check.describe(2) == "quoteVolume: 24h quote volume is 0 USD (no minimum)"


def test_the_snapshot_is_not_modified() -> None:
    snapshot = make_snapshot(["A/BTC"], quote_volume_24h=[2.0], conversion_prices={"BTC/USD": 3.0})
    before = snapshot.quote_volume_24h.copy()
    QuoteVolumeFilter().check(universe_context(snapshot))
    assert snapshot.quote_volume_24h.tolist() == before.tolist()
    assert not snapshot.quote_volume_24h.flags.writeable
