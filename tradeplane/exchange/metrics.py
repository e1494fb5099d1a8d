"""Prometheus metrics of the exchange gateway and the market-data cache (default registry).

Labels: `exchange` is the gateway's name (the venue, or the name given in its config),
`account` the limiter's account, `endpoint` one of `capabilities`' endpoint names.
"""

from __future__ import annotations

import prometheus_client

REQUESTS = prometheus_client.Counter(
    "tradeplane_exchange_requests_total",
    "Requests sent to the exchange, by outcome (ok, or the error class).",
    ["exchange", "endpoint", "outcome"],
)
REQUEST_SECONDS = prometheus_client.Histogram(
    "tradeplane_exchange_request_seconds",
    "Time of one exchange request (limiter waits excluded).",
    ["exchange", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
WEIGHT_USED = prometheus_client.Counter(
    "tradeplane_exchange_weight_used_total",
    "Request weight spent, by endpoint.",
    ["exchange", "account", "endpoint"],
)
WEIGHT_REPORTED = prometheus_client.Gauge(
    "tradeplane_exchange_weight_window_used",
    "Weight used in the current window, as the exchange reports it (or as counted here).",
    ["exchange", "account"],
)
LIMITER_WAITS = prometheus_client.Counter(
    "tradeplane_exchange_limiter_waits_total",
    "Requests that waited for weight budget or a Retry-After pause.",
    ["exchange", "account"],
)
LIMITER_WAIT_SECONDS = prometheus_client.Counter(
    "tradeplane_exchange_limiter_wait_seconds_total",
    "Seconds requests spent waiting in the limiter.",
    ["exchange", "account"],
)
RATE_LIMITED = prometheus_client.Counter(
    "tradeplane_exchange_rate_limited_total",
    "429 (rate limited) and 418 (banned) answers from the exchange.",
    ["exchange", "account", "status"],
)
RETRIES = prometheus_client.Counter(
    "tradeplane_exchange_retries_total",
    "Requests tried again after a temporary error, by the error class.",
    ["exchange", "endpoint", "reason"],
)
BREAKER_STATE = prometheus_client.Gauge(
    "tradeplane_exchange_breaker_state",
    "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
    ["exchange", "endpoint"],
)
BREAKER_TRANSITIONS = prometheus_client.Counter(
    "tradeplane_exchange_breaker_transitions_total",
    "Circuit breaker state changes, by the state entered.",
    ["exchange", "endpoint", "state"],
)
REJECTED_RECORDS = prometheus_client.Counter(
    "tradeplane_marketdata_rejected_records_total",
    "Market-data records dropped by validation (or whole payloads that did not parse).",
    ["exchange", "kind", "reason"],
)
CACHE_LOOKUPS = prometheus_client.Counter(
    "tradeplane_marketdata_cache_lookups_total",
    "Cache lookups by tier (l1, l2) and result (hit, stale, miss).",
    ["cache", "tier", "result"],
)
CACHE_SERVED = prometheus_client.Counter(
    "tradeplane_marketdata_cache_served_total",
    "Records served by the cache, by quality (fresh, stale, degraded).",
    ["cache", "quality"],
)
CACHE_BYTES = prometheus_client.Gauge(
    "tradeplane_marketdata_cache_l1_bytes",
    "Approximate bytes held by the in-process cache.",
    ["cache"],
)
CACHE_EVICTIONS = prometheus_client.Counter(
    "tradeplane_marketdata_cache_evictions_total",
    "In-process cache entries dropped to stay under the memory bound.",
    ["cache"],
)
CACHE_ERRORS = prometheus_client.Counter(
    "tradeplane_marketdata_cache_errors_total",
    "Shared-tier (KV) reads or writes that failed; the cache goes on without it.",
    ["cache", "operation"],
)
