"""Prometheus metrics of the bus, in the default registry that the host's /metrics serves."""

from __future__ import annotations

import prometheus_client

PUBLISHED = prometheus_client.Counter(
    "tradeplane_bus_published_total",
    "Events acknowledged by JetStream, by stream.",
    ["stream"],
)
PUBLISH_RETRIES = prometheus_client.Counter(
    "tradeplane_bus_publish_retries_total",
    "Publishes tried again after a timeout or an unavailable JetStream, by stream.",
    ["stream"],
)
PUBLISH_SECONDS = prometheus_client.Histogram(
    "tradeplane_bus_publish_seconds",
    "Time from publish to JetStream's ack, retries included.",
    ["stream"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30),
)
CONSUMED = prometheus_client.Counter(
    "tradeplane_bus_consumed_total",
    "Messages fetched by a durable consumer.",
    ["stream", "consumer"],
)
ACKED = prometheus_client.Counter(
    "tradeplane_bus_acked_total",
    "Messages acknowledged after handling.",
    ["stream", "consumer"],
)
REDELIVERED = prometheus_client.Counter(
    "tradeplane_bus_redelivered_total",
    "Messages fetched that had been delivered before.",
    ["stream", "consumer"],
)
NAKED = prometheus_client.Counter(
    "tradeplane_bus_naked_total",
    "Messages handed back for redelivery after a failure.",
    ["stream", "consumer"],
)
DEAD_LETTERED = prometheus_client.Counter(
    "tradeplane_bus_dead_lettered_total",
    "Messages moved to the DLQ stream, by cause.",
    ["stream", "consumer", "cause"],
)
CONSUMER_LAG = prometheus_client.Gauge(
    "tradeplane_bus_consumer_lag",
    "Messages in the stream not yet delivered to the consumer (as of its last fetch).",
    ["stream", "consumer"],
)
