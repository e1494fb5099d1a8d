"""Prometheus metrics of the screener service (default registry), labelled by universe."""

from __future__ import annotations

import prometheus_client

STAGE_SECONDS = prometheus_client.Histogram(
    "tradeplane_screener_stage_seconds",
    "Pipeline time per stage of one run: stage1, stage2, stage3 (and within it regime, "
    "components, correlation, selection) and total.",
    ["universe", "stage"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
RUN_SECONDS = prometheus_client.Histogram(
    "tradeplane_screener_run_seconds",
    "One refresh from its trigger to the selection published: waiting, assembling the "
    "inputs, the pipeline and publishing.",
    ["universe"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RUNS = prometheus_client.Counter(
    "tradeplane_screener_runs_total",
    "Runs by outcome: ok, failed (the pipeline raised), incomplete (not enough data yet).",
    ["universe", "outcome"],
)
SELECTION_CHANGES = prometheus_client.Counter(
    "tradeplane_screener_selection_changes_total",
    "SelectionChanged events published (members or ranking changed).",
    ["universe"],
)
SYMBOLS = prometheus_client.Gauge(
    "tradeplane_screener_symbols",
    "Symbols of the latest run: universe, stage1, stage2 (kept) and selected.",
    ["universe", "stage"],
)
# Read by the operator for the SymbolUniverse status (tradeplane.operator.figures).
SYMBOLS_SCREENED = prometheus_client.Gauge(
    "tradeplane_screener_symbols_screened",
    "Symbols that entered stage 1 in the latest run.",
    ["universe"],
)
SELECTION_RANK = prometheus_client.Gauge(
    "tradeplane_screener_selection_rank",
    "Rank (1 is best) of each symbol of the announced selection.",
    ["universe", "symbol"],
)
DATA_AGE_SECONDS = prometheus_client.Gauge(
    "tradeplane_screener_data_age_seconds",
    "Seconds between the latest run's end and its data's time (newest ticker or close).",
    ["universe"],
)
FRAMES = prometheus_client.Counter(
    "tradeplane_screener_frames_total",
    "Frames taken in, by kind: tickers, candles, indicators.",
    ["universe", "kind"],
)
SCORE_ROWS = prometheus_client.Counter(
    "tradeplane_screener_score_rows_total",
    "Rows added to symbol_scores.",
    ["universe"],
)
SCORE_WRITES_DROPPED = prometheus_client.Counter(
    "tradeplane_screener_score_writes_dropped_total",
    "Runs whose symbol_scores rows were never written: queue full, or failed every retry.",
    ["universe", "reason"],
)


def show_selection(universe: str, previous: tuple[str, ...], current: tuple[str, ...]) -> None:
    """Replace the selection-rank samples: drop symbols that left, rank the members."""
    for symbol in set(previous) - set(current):
        SELECTION_RANK.remove(universe, symbol)
    for rank, symbol in enumerate(current, start=1):
        SELECTION_RANK.labels(universe, symbol).set(rank)
