"""Include and exclude lists with glob patterns."""

import numpy as np

from tradeplane.screening.universe import SymbolPatternFilter
from tradeplane.screening.universe.symbol_patterns import matching

from ..helpers import make_snapshot, universe_context

SYMBOLS = ["BTC/USDT", "ETH/USDT", "BTCUP/USDT", "ETH/BTC", "ADA/USDC", "btc/usdt"]


def test_include_then_exclude_with_globs() -> None:
    snapshot = make_snapshot(SYMBOLS)
    stage = SymbolPatternFilter(include=["*/USDT", "[AB]*/USDC"], exclude=["*UP/*"])
    check = stage.check(universe_context(snapshot))
    assert check.passed.tolist() == [True, True, False, False, True, False]
    assert check.describe(2).endswith("; excluded by pattern '*UP/*'")
    assert "needs matching include ['*/USDT', '[AB]*/USDC']" in check.describe(3)


def test_default_includes_everything_and_exclusion_wins() -> None:
    snapshot = make_snapshot(SYMBOLS)
    assert SymbolPatternFilter().check(universe_context(snapshot)).passed.all()
    stage = SymbolPatternFilter(include=["BTC/USDT"], exclude=["BTC/*"])
    assert not stage.check(universe_context(snapshot)).passed.any()


def test_matching_is_case_sensitive_and_whole_symbol() -> None:
    symbols = np.asarray(SYMBOLS)
    assert matching(symbols, ("BTC/USDT",)).tolist() == [True, False, False, False, False, False]
    assert matching(symbols, ("ETH",)).tolist() == [False] * 6
    assert matching(symbols, ()).tolist() == [False] * 6
