"""The marketdata service: per exchange, loads markets, refreshes every ticker (one
request), backfills and streams candles, publishes columnar frames on
`md.<exchange>.tickers` and `md.<exchange>.candles.<timeframe>`, snapshots tickers into
`enhanced_market_data`, and serves gRPC MarketDataService from its cache."""

from tradeplane.services.marketdata.config import FeedConfig, MarketDataConfig
from tradeplane.services.marketdata.service import MarketDataService

__all__ = ["FeedConfig", "MarketDataConfig", "MarketDataService"]
