"""Trading status."""

from tradeplane.screening.universe import StatusFilter

from ..helpers import make_snapshot, universe_context


def test_only_listed_statuses_pass() -> None:
    snapshot = make_snapshot(
        ["A/USDT", "B/USDT", "C/USDT", "D/USDT"],
        statuses=["trading", "halt", "break", "Trading"],
    )
    check = StatusFilter().check(universe_context(snapshot))
    assert check.passed.tolist() == [True, False, False, False]
    assert check.describe(1) == "status: status is 'halt', needs one of ['trading']"
    relaxed = StatusFilter(statuses=["trading", "break"]).check(universe_context(snapshot))
    assert relaxed.passed.tolist() == [True, False, True, False]
