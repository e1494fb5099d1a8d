"""Figures read from the services' Prometheus endpoints: a universe's screening results,
a strategy's PnL and drawdown, and a canary's health.

The services export these metric names (the contract with the signals, execution and
screener services); parsing is pure, `scrape` is the only I/O.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tradeplane.operator.planning.rollout import CanaryHealth

logger = logging.getLogger(__name__)

SYMBOLS_SCREENED = "tradeplane_screener_symbols_screened"
#: One sample per selected symbol, `symbol` label, value = rank (1 is best).
SELECTION_RANK = "tradeplane_screener_selection_rank"
PNL = "tradeplane_strategy_pnl_quote"
DRAWDOWN = "tradeplane_strategy_drawdown_ratio"
#: Orders by `outcome`; "rejected" (by the venue) and "error" count as failures.
ORDERS = "tradeplane_execution_orders_total"
ORDER_FAILURES = frozenset({"rejected", "error"})
GRPC_HANDLED = "grpc_server_handled_total"
#: gRPC codes that mean the server failed (client mistakes are not the canary's fault).
GRPC_FAILURES = frozenset(
    {"UNKNOWN", "INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED", "DATA_LOSS", "UNIMPLEMENTED"}
)

Sample = tuple[str, dict[str, str], float]


def samples(text: str) -> list[Sample]:
    """(name, labels, value) of every sample in Prometheus text format; [] if unparsable."""
    try:
        return [
            (sample.name, dict(sample.labels), float(sample.value))
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        ]
    except ValueError as error:
        logger.warning("unparsable metrics", extra={"error": str(error)})
        return []


def _gauge(parsed: Iterable[Sample], name: str) -> float | None:
    values = [value for sample_name, _, value in parsed if sample_name == name]
    return values[-1] if values else None


@dataclass(frozen=True)
class UniverseFigures:
    symbols_screened: int | None
    selection: tuple[str, ...]


def universe_figures(text: str) -> UniverseFigures:
    parsed = samples(text)
    screened = _gauge(parsed, SYMBOLS_SCREENED)
    ranked = sorted(
        (value, labels.get("symbol", ""))
        for name, labels, value in parsed
        if name == SELECTION_RANK and labels.get("symbol")
    )
    return UniverseFigures(
        symbols_screened=int(screened) if screened is not None else None,
        selection=tuple(symbol for _, symbol in ranked),
    )


@dataclass(frozen=True)
class StrategyFigures:
    pnl: float | None
    drawdown: float | None


def strategy_figures(text: str) -> StrategyFigures:
    parsed = samples(text)
    return StrategyFigures(pnl=_gauge(parsed, PNL), drawdown=_gauge(parsed, DRAWDOWN))


def canary_health(texts: Iterable[str | None]) -> CanaryHealth:
    """Health over the canary's endpoints (signals and execution); unreachable if none
    answered. Counters are cumulative since the canary pods started."""
    answered = [text for text in texts if text is not None]
    if not answered:
        return CanaryHealth(reachable=False)
    failures = total = 0.0
    drawdowns: list[float] = []
    for text in answered:
        for name, labels, value in samples(text):
            if name == ORDERS:
                total += value
                failures += value if labels.get("outcome") in ORDER_FAILURES else 0.0
            elif name == GRPC_HANDLED:
                total += value
                failures += value if labels.get("grpc_code") in GRPC_FAILURES else 0.0
            elif name == DRAWDOWN:
                drawdowns.append(value)
    return CanaryHealth(
        reachable=True,
        error_rate=failures / total if total else None,
        samples=int(total),
        drawdown=max(drawdowns) if drawdowns else None,
    )


async def scrape(url: str, *, timeout_seconds: float) -> str | None:
    """The metrics text at `url`, or None when it cannot be read (logged, not raised)."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_seconds)) as session,
            session.get(url) as response,
        ):
            if response.status != 200:
                logger.info("metrics endpoint answered %s", response.status, extra={"url": url})
                return None
            return await response.text()
    except (aiohttp.ClientError, TimeoutError) as error:
        logger.info("metrics endpoint unreachable", extra={"url": url, "error": repr(error)})
        return None
