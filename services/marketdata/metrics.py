"""Prometheus metrics of the marketdata service (default registry), labelled by exchange.

The gateway's and the cache's own metrics (requests, weight, breakers, cache hits) live
in `tradeplane.exchange.metrics`.
"""

from __future__ import annotations

import prometheus_client

REFRESH_SECONDS = prometheus_client.Histogram(
    "tradeplane_marketdata_ticker_refresh_seconds",
    "Time of one all-symbols ticker refresh (request, parsing and validation).",
    ["exchange"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
LAST_REFRESH = prometheus_client.Gauge(
    "tradeplane_marketdata_last_refresh_timestamp_seconds",
    "When tickers were last refreshed successfully (Unix time).",
    ["exchange"],
)
EXCHANGE_UP = prometheus_client.Gauge(
    "tradeplane_marketdata_exchange_up",
    "1 when the latest ticker refresh succeeded, 0 while the exchange fails.",
    ["exchange"],
)
FRAMES_PUBLISHED = prometheus_client.Counter(
    "tradeplane_marketdata_frames_published_total",
    "Frames stored by JetStream, by kind (tickers, candles) and timeframe.",
    ["exchange", "kind", "timeframe"],
)
ROWS_PUBLISHED = prometheus_client.Counter(
    "tradeplane_marketdata_rows_published_total",
    "Rows (symbols or bars) in the frames stored by JetStream.",
    ["exchange", "kind", "timeframe"],
)
FRAMES_DROPPED = prometheus_client.Counter(
    "tradeplane_marketdata_frames_dropped_total",
    "Frames never published: the outbox was full, or the bus refused or timed out.",
    ["exchange", "kind", "reason"],
)
ERRORS = prometheus_client.Counter(
    "tradeplane_marketdata_errors_total",
    "Failures by stage: markets, tickers, backfill, stream, gap, publish, snapshot.",
    ["exchange", "stage"],
)
STREAMED_SYMBOLS = prometheus_client.Gauge(
    "tradeplane_marketdata_streamed_symbols",
    "Symbols whose candles are streamed.",
    ["exchange"],
)
SNAPSHOT_ROWS = prometheus_client.Counter(
    "tradeplane_marketdata_snapshot_rows_total",
    "Rows written to enhanced_market_data.",
    ["exchange"],
)
