"""Minimum listing age."""

from tradeplane.screening.universe import ListingAgeFilter

from ..helpers import NOW_MS, make_snapshot, universe_context

DAY_MS = 86_400_000


def test_exactly_the_minimum_age_passes() -> None:
    listed = [NOW_MS - 7 * DAY_MS, NOW_MS - 7 * DAY_MS + 1, NOW_MS - 30 * DAY_MS, float("nan")]
    snapshot = make_snapshot(["A/USDT", "B/USDT", "C/USDT", "D/USDT"], listing_time_ms=listed)
    check = ListingAgeFilter().check(universe_context(snapshot))
    assert check.values[0] == 7.0
    assert check.values[2] == 30.0
    assert check.passed.tolist() == [True, False, True, True]


def test_unknown_listing_times_can_be_refused() -> None:
    snapshot = make_snapshot(["A/USDT"], listing_time_ms=[float("nan")])
    check = ListingAgeFilter(allow_unknown=False).check(universe_context(snapshot))
    assert check.passed.tolist() == [False]
    assert check.describe(0) == (
        "listingAge: listing age is unknown, needs >= 7 days; listing time unknown"
    )
