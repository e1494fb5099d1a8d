"""Which symbols' candles a feed streams (pure): the configured ones, or the top by volume."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tradeplane.exchange import Market, Ticker


@dataclass(frozen=True)
class Selection:
    symbols: tuple[str, ...]
    """Symbols to stream: configured order, or highest 24h quote volume first."""
    missing: tuple[str, ...] = ()
    """Configured symbols the exchange does not list (or lists as inactive)."""


def select_symbols(
    markets: Mapping[str, Market],
    tickers: Mapping[str, Ticker],
    *,
    configured: Sequence[str],
    top: int,
    quote_assets: Sequence[str],
) -> Selection:
    """The configured symbols that are listed and active; when none are configured, the
    `top` active spot markets quoted in `quote_assets` by 24h quote volume (ties by name).
    """
    if configured:
        wanted = list(dict.fromkeys(configured))
        usable = tuple(s for s in wanted if s in markets and markets[s].active)
        return Selection(usable, tuple(s for s in wanted if s not in usable))
    quotes = set(quote_assets)
    candidates = [
        market.symbol
        for market in markets.values()
        if market.active and market.spot and market.quote in quotes
    ]

    def volume(symbol: str) -> float:
        ticker = tickers.get(symbol)
        if ticker is None or ticker.quote_volume is None:
            return 0.0
        return ticker.quote_volume

    candidates.sort(key=lambda symbol: (-volume(symbol), symbol))
    return Selection(tuple(candidates[:top]))


def changes(current: Iterable[str], wanted: Iterable[str]) -> tuple[list[str], list[str]]:
    """(symbols to start, symbols to stop), each in a stable order."""
    have, want = list(current), list(wanted)
    return [s for s in want if s not in have], [s for s in have if s not in want]
