"""The figures the operator reads from service metrics are the ones the services export."""

from __future__ import annotations

import prometheus_client

from tradeplane.operator.figures import universe_figures
from tradeplane.services.screener import metrics as screener_metrics


def test_the_operator_reads_the_screeners_selection_and_universe_size() -> None:
    universe = "contract-test"
    screener_metrics.SYMBOLS_SCREENED.labels(universe).set(300)
    screener_metrics.show_selection(universe, (), ("ETH/USDT", "SOL/USDT", "BTC/USDT"))
    screener_metrics.show_selection(
        universe, ("ETH/USDT", "SOL/USDT", "BTC/USDT"), ("SOL/USDT", "ETH/USDT")
    )
    text = prometheus_client.generate_latest(prometheus_client.REGISTRY).decode()
    figures = universe_figures(text)
    assert figures.symbols_screened == 300
    assert figures.selection == ("SOL/USDT", "ETH/USDT")
