"""The marketdata service's request errors, sorted by what the caller must do (the
servicer maps them to gRPC status codes)."""

from __future__ import annotations

from tradeplane.errors import TemporaryError, TradeplaneError


class MarketDataError(TradeplaneError):
    """Base of the service's request errors."""


class NotFound(MarketDataError):
    """No such exchange or symbol here; ask for another."""


class InvalidRequest(MarketDataError):
    """The request cannot be answered as asked (bad timeframe, too many symbols)."""


class DataUnavailable(MarketDataError, TemporaryError):
    """Nothing is cached yet and the exchange cannot be reached; retry later."""
