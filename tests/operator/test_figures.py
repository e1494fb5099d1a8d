"""Figures parsed from the services' Prometheus text (the metric names are the contract)."""

from __future__ import annotations

from tradeplane.operator.figures import canary_health, strategy_figures, universe_figures

EXECUTION = """# HELP tradeplane_execution_orders_total Orders by outcome.
# TYPE tradeplane_execution_orders_total counter
tradeplane_execution_orders_total{outcome="filled"} 90
tradeplane_execution_orders_total{outcome="denied"} 5
tradeplane_execution_orders_total{outcome="rejected"} 3
tradeplane_execution_orders_total{outcome="error"} 2
# TYPE tradeplane_strategy_drawdown_ratio gauge
tradeplane_strategy_drawdown_ratio 0.031
# TYPE tradeplane_strategy_pnl_quote gauge
tradeplane_strategy_pnl_quote -42.5
"""
SIGNALS = """# TYPE grpc_server_handled_total counter
grpc_server_handled_total{grpc_code="OK",grpc_method="Get"} 95
grpc_server_handled_total{grpc_code="NOT_FOUND",grpc_method="Get"} 3
grpc_server_handled_total{grpc_code="INTERNAL",grpc_method="Get"} 2
"""


def test_canary_health_counts_server_failures_over_everything_handled() -> None:
    health = canary_health([EXECUTION, SIGNALS])
    assert health.reachable and health.samples == 200
    assert health.error_rate == (3 + 2 + 2) / 200  # rejected + error + INTERNAL; not denied
    assert health.drawdown == 0.031


def test_a_canary_that_answers_nothing_is_unreachable_and_one_that_is_idle_unjudged() -> None:
    assert not canary_health([None, None]).reachable
    idle = canary_health(["# nothing yet\n", None])
    assert idle.reachable and idle.error_rate is None and idle.samples == 0


def test_strategy_and_universe_figures() -> None:
    figures = strategy_figures(EXECUTION)
    assert (figures.pnl, figures.drawdown) == (-42.5, 0.031)
    assert strategy_figures("garbage {{{").pnl is None
    universe = universe_figures(
        "tradeplane_screener_symbols_screened 180\n"
        'tradeplane_screener_selection_rank{symbol="BTC/USDT"} 2\n'
        'tradeplane_screener_selection_rank{symbol="ETH/USDT"} 1\n'
    )
    assert universe.symbols_screened == 180 and universe.selection == ("ETH/USDT", "BTC/USDT")
