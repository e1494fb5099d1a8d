"""SymbolUniverse: which exchange and quote to screen, on which timeframes, with which
stage parameters, and whether indicators run on GPUs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from tradeplane.operator.api.common import (
    ComponentSpec,
    ComponentStatus,
    Condition,
    Spec,
    cel,
    conditions_field,
    validations,
)

TIMEFRAMES = ("1m", "5m", "15m", "1h", "4h", "1d")
#: Marks the field whose schema comes from `tradeplane.screening` (see crds.py).
STAGES_MARKER = "x-tradeplane-stages"

GpuPolicy = Literal["required", "auto", "off"]


class IndicatorsSpec(ComponentSpec):
    """The indicators service: batched kernels over every symbol at once."""

    gpu: GpuPolicy = Field(
        "auto",
        description=(
            "`required`: run on a GPU node (nvidia.com/gpu limit, GPU node selector and "
            "toleration, CUDA image); `auto`: prefer GPU nodes, CPU image that falls back "
            "to numba; `off`: CPU only."
        ),
    )
    gpu_count: int = Field(1, ge=1, le=8, description="GPUs per pod when `gpu` is required.")


class SymbolUniverseSpec(Spec):
    """What to ingest and how to screen it down to the top-N selection."""

    exchange: str = Field(
        "binance",
        min_length=2,
        max_length=32,
        pattern=r"^[a-z][a-z0-9]+$",
        description="ccxt exchange id, e.g. `binance`, `okx`, `kraken`.",
    )
    market_type: Literal["spot", "swap"] = Field(
        "spot", description="Spot markets or perpetual swaps."
    )
    quote: str = Field(
        "USDT",
        min_length=2,
        max_length=10,
        pattern=r"^[A-Z0-9]+$",
        description="Quote currency of the screened pairs, e.g. `USDT`.",
    )
    timeframes: list[str] = Field(
        ["5m", "15m", "1h"],
        min_length=1,
        max_length=len(TIMEFRAMES),
        description=f"Candle timeframes to ingest and compute, from {', '.join(TIMEFRAMES)}.",
        json_schema_extra={
            "x-kubernetes-list-type": "set",
            "items": {"type": "string", "maxLength": 3},
            **validations(
                cel(
                    "self.all(t, t in [" + ", ".join(f"'{t}'" for t in TIMEFRAMES) + "])",
                    f"timeframes must be among {', '.join(TIMEFRAMES)}",
                    reason="FieldValueNotSupported",
                )
            ),
        },
    )
    screen_interval_seconds: int = Field(
        60, ge=10, le=86400, description="How often the screener re-runs the three stages."
    )
    stages: dict[str, Any] = Field(
        {},
        description="Parameters of the three screening stages.",
        json_schema_extra={STAGES_MARKER: True},
    )
    marketdata: ComponentSpec = Field(ComponentSpec(), description="Market data ingestion.")
    indicators: IndicatorsSpec = Field(IndicatorsSpec(), description="Indicator computation.")
    screener: ComponentSpec = Field(ComponentSpec(), description="The three-stage screener.")


class SymbolUniverseStatus(Spec):
    """What the operator and the services report about a universe."""

    observed_generation: int = Field(0, ge=0, description="Generation last reconciled.")
    conditions: list[Condition] = conditions_field()
    components: list[ComponentStatus] = Field(
        [],
        max_length=8,
        description="Readiness of marketdata, indicators and screener.",
        json_schema_extra={"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
    )
    streams: list[str] = Field(
        [], max_length=16, description="The universe's JetStream streams and KV buckets."
    )
    symbols_screened: int = Field(0, ge=0, description="Symbols that entered stage 1.")
    selected_count: int = Field(0, ge=0, description="Symbols in the current selection.")
    selection: list[str] = Field(
        [], max_length=100, description="The current top-N selection, best first."
    )
    gpu_scheduled: bool = Field(False, description="The indicators pods ask for a GPU.")
