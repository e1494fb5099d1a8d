"""Per-venue quirks as data: request weights, the weight budget and its header, limits.

The gateway never asks `if exchange == "binance"`; it looks the venue up here. A venue
without an entry gets `generic(rate_limit_ms)`: weight 1 per request and a budget derived
from ccxt's own `rateLimit`, with no used-weight header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# The gateway's endpoint names (one per kind of call); weights and breakers use them.
MARKETS = "markets"
TICKERS = "tickers"
BOOK_TOPS = "book_tops"
ORDER_BOOK = "order_book"
OHLCV = "ohlcv"
BALANCES = "balances"
CREATE_ORDER = "create_order"
CANCEL_ORDER = "cancel_order"
FETCH_ORDER = "fetch_order"
OPEN_ORDERS = "open_orders"
MY_TRADES = "my_trades"
TIME = "time"
TICKER = "ticker"


@dataclass(frozen=True)
class Capabilities:
    """What the gateway must know about one venue's REST API."""

    exchange_id: str
    weight_limit: int
    """Request weight the venue allows per window (per IP or account)."""
    weight_window_seconds: float = 60.0
    used_weight_header: str | None = None
    """Response header with the weight used in the current window, as the venue counts it."""
    retry_after_header: str = "Retry-After"
    ban_statuses: tuple[int, ...] = (418,)
    endpoint_weights: Mapping[str, int] = field(default_factory=dict)
    default_weight: int = 1
    order_book_weights: tuple[tuple[int, int], ...] = ()
    """(largest depth, weight) steps for the order-book endpoint, smallest first."""
    order_book_depths: tuple[int, ...] = ()
    """Depths the venue accepts; a request is rounded up to the next one."""
    ohlcv_page_limit: int = 500
    all_tickers_in_one_request: bool = True
    has_book_tops: bool = False
    """One request returns best bid/ask of every symbol."""
    safety_margin: float = 0.9
    """Share of `weight_limit` the gateway lets itself use (others may share the IP)."""
    ccxt_options: Mapping[str, Any] = field(default_factory=dict)
    """Defaults for the ccxt client's `options` (the config's own options win)."""

    def weight(self, endpoint: str, *, depth: int | None = None, symbols: int | None = None) -> int:
        """The weight one request to `endpoint` costs."""
        if endpoint == ORDER_BOOK and depth is not None and self.order_book_weights:
            for largest, weight in self.order_book_weights:
                if depth <= largest:
                    return weight
            return self.order_book_weights[-1][1]
        if endpoint == OPEN_ORDERS and symbols is None:
            return self.endpoint_weights.get("open_orders_all", self.default_weight)
        return self.endpoint_weights.get(endpoint, self.default_weight)

    def book_depth(self, depth: int) -> int:
        """The smallest accepted depth that covers `depth` (or `depth` itself)."""
        for accepted in self.order_book_depths:
            if accepted >= depth:
                return accepted
        return depth

    @property
    def budget(self) -> int:
        return max(1, int(self.weight_limit * self.safety_margin))


# Binance spot, as documented for /api/v3 (and as the simulator counts them).
BINANCE = Capabilities(
    exchange_id="binance",
    weight_limit=6000,
    weight_window_seconds=60.0,
    used_weight_header="X-MBX-USED-WEIGHT-1M",
    endpoint_weights=MappingProxyType(
        {
            MARKETS: 20,
            TICKERS: 80,
            TICKER: 2,
            BOOK_TOPS: 4,
            OHLCV: 2,
            BALANCES: 20,
            CREATE_ORDER: 1,
            CANCEL_ORDER: 1,
            FETCH_ORDER: 4,
            OPEN_ORDERS: 6,
            "open_orders_all": 80,
            MY_TRADES: 20,
            TIME: 1,
        }
    ),
    order_book_weights=((100, 5), (500, 25), (1000, 50), (5000, 250)),
    order_book_depths=(5, 10, 20, 50, 100, 500, 1000, 5000),
    ohlcv_page_limit=1000,
    has_book_tops=True,
    # Spot first: markets in one exchangeInfo request (weight 20), not also the futures,
    # options and margin lists and the wallet's coin list (signed, weight 10).
    ccxt_options=MappingProxyType(
        {
            "defaultType": "spot",
            "fetchMarkets": {"types": ["spot"]},
            "fetchMargins": False,
            "fetchCurrencies": False,
        }
    ),
)

KNOWN: Mapping[str, Capabilities] = MappingProxyType({BINANCE.exchange_id: BINANCE})


def generic(exchange_id: str, *, rate_limit_ms: float) -> Capabilities:
    """A venue we have no table for: one weight per request, ccxt's request rate."""
    per_minute = max(1, int(60_000 / max(rate_limit_ms, 1.0)))
    return Capabilities(exchange_id=exchange_id, weight_limit=per_minute, safety_margin=1.0)


def capabilities_for(exchange_id: str, *, rate_limit_ms: float = 100.0) -> Capabilities:
    return KNOWN.get(exchange_id) or generic(exchange_id, rate_limit_ms=rate_limit_ms)
