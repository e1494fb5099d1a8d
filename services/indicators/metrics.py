"""Prometheus metrics of the indicators service (default registry), labelled by universe.

The consumers' own delivery metrics (consumed, acked, dead-lettered, lag) live in
`tradeplane.bus.metrics`; these count what the frames did.
"""

from __future__ import annotations

import prometheus_client

BACKEND = prometheus_client.Gauge(
    "tradeplane_indicators_backend_info",
    "1 for the kernel backend each path runs on: path stream (incremental state, always "
    "cpu) or rpc (Compute requests, the configured backend resolved).",
    ["universe", "path", "backend"],
)
COMPUTE_SECONDS = prometheus_client.Histogram(
    "tradeplane_indicators_compute_seconds",
    "Kernel time by operation: update (incremental, one or more bars), rebuild (batch "
    "over the window) or rpc (a Compute request).",
    ["universe", "timeframe", "operation"],
    buckets=(
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
        1, 2.5, 5,
    ),
)  # fmt: skip
FRAMES_CONSUMED = prometheus_client.Counter(
    "tradeplane_indicators_frames_consumed_total",
    "Candle frames taken from the bus (malformed ones included).",
    ["universe", "timeframe"],
)
FRAMES_PUBLISHED = prometheus_client.Counter(
    "tradeplane_indicators_frames_published_total",
    "Indicator frames stored by JetStream.",
    ["universe", "timeframe"],
)
FRAMES_REJECTED = prometheus_client.Counter(
    "tradeplane_indicators_frames_rejected_total",
    "Malformed candle frames moved to the DLQ stream.",
    ["universe", "timeframe"],
)
ROWS_IGNORED = prometheus_client.Counter(
    "tradeplane_indicators_rows_ignored_total",
    "Closed-bar rows not applied: duplicate, too_old, outside_universe, over_max_symbols.",
    ["universe", "timeframe", "reason"],
)
REBUILDS = prometheus_client.Counter(
    "tradeplane_indicators_rebuilds_total",
    "Batch rebuilds of the state from the window, by reason: first_bars, new_symbols, "
    "revised_bars, stale_symbols, catch_up.",
    ["universe", "timeframe", "reason"],
)
SYMBOLS = prometheus_client.Gauge(
    "tradeplane_indicators_symbols",
    "Symbols in the window.",
    ["universe", "timeframe"],
)
LAST_BAR = prometheus_client.Gauge(
    "tradeplane_indicators_last_bar_open_time_seconds",
    "Open time of the newest bar published (Unix time).",
    ["universe", "timeframe"],
)
