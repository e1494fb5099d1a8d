"""Greedy top-N under the correlation limit and the per-base limit."""

import numpy as np

from tradeplane.screening.scoring import TopSelection

NAN = np.nan
SYMBOLS = ["A/USDT", "B/USDT", "C/USDT", "A/BTC", "D/USDT", "E/USDT"]
BASES = ["A", "B", "C", "A", "D", "E"]
# in score order; B-A exactly at the limit, C-A just over it, D-B far over, E unknown
CORRELATION = np.array(
    [
        [1.0, 0.8, 0.81, 0.5, 0.1, NAN],
        [0.8, 1.0, 0.2, 0.1, 0.95, NAN],
        [0.81, 0.2, 1.0, 0.3, 0.1, NAN],
        [0.5, 0.1, 0.3, 1.0, 0.1, NAN],
        [0.1, 0.95, 0.1, 0.1, 1.0, NAN],
        [NAN, NAN, NAN, NAN, NAN, 1.0],
    ]
)


def test_correlation_and_base_limits_are_honoured() -> None:
    chosen, reasons = TopSelection().select(SYMBOLS, BASES, CORRELATION)
    assert [SYMBOLS[position] for position in chosen] == ["A/USDT", "B/USDT", "E/USDT"]
    assert reasons == {
        2: "correlation 0.810 with A/USDT > 0.8",
        3: "base A already selected (A/USDT)",
        4: "correlation 0.950 with B/USDT > 0.8",
    }
    for first in chosen:
        for second in chosen:
            assert first == second or not CORRELATION[first, second] > 0.8


def test_top_n_stops_the_walk() -> None:
    chosen, reasons = TopSelection(top_n=2).select(SYMBOLS, BASES, CORRELATION)
    assert chosen == [0, 1]
    assert reasons[5] == "ranked 6; the top 2 were filled"


def test_more_than_one_per_base_when_allowed() -> None:
    chosen, _ = TopSelection(max_per_base=2).select(SYMBOLS, BASES, CORRELATION)
    assert [SYMBOLS[position] for position in chosen] == ["A/USDT", "B/USDT", "A/BTC", "E/USDT"]


def test_a_negative_limit_admits_only_anticorrelated_symbols() -> None:
    chosen, _ = TopSelection(max_correlation=-0.5).select(SYMBOLS, BASES, CORRELATION)
    assert chosen == [0, 5]
