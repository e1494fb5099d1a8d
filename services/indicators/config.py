"""The indicators service's configuration (`settings.indicators`), frozen and typed.

One service instance computes one universe: the candle frames of one exchange on each
configured timeframe (`md.<exchange>.candles.<timeframe>`) go into a rolling window per
timeframe, and indicator frames come out on `ind.<universe>.<timeframe>`. The indicator
suite is the kernels' `Suite` (its outputs and every parameter), written once there.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradeplane.bus import subjects
from tradeplane.bus.config import ConsumerSettings
from tradeplane.kernels import TIMEFRAMES_MS, Suite


class IndicatorsConfig(BaseModel):
    """Settings of one universe's indicators."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    universe: str = Field(
        "default", description="SymbolUniverse name: the <universe> of ind.<universe>.<tf>."
    )
    exchange: str = Field(
        "binance", description="Exchange name in the candle subjects (md.<exchange>.candles.*)."
    )
    timeframes: tuple[str, ...] = Field(
        ("5m", "15m", "1h"), min_length=1, description="Candle timeframes to compute on."
    )
    symbols: tuple[str, ...] = Field(
        (), description="Symbols of the universe; empty: every symbol in the candle frames."
    )
    max_symbols: int = Field(
        5000, ge=1, description="Symbols kept per timeframe; rows of further ones are ignored."
    )
    window_bars: int = Field(
        500,
        ge=2,
        le=100_000,
        description="Bars kept per symbol and timeframe; the state is rebuilt from them when "
        "history changes (backfill, a new symbol, a revised bar).",
    )
    stale_after_bars: int = Field(
        12,
        ge=1,
        description="A symbol without a closed bar for this many bars of its timeframe leaves "
        "the window (delisted, or dropped from the exchange's stream).",
    )
    suite: Suite = Field(
        Suite(), description="Indicator outputs and parameters (tradeplane.kernels.Suite)."
    )
    backend: Literal["auto", "cpu", "gpu"] = Field(
        "auto",
        description="Kernel backend of Compute requests; the streaming path (incremental "
        "state) always runs on the CPU.",
    )
    max_compute_cells: int = Field(
        50_000_000, ge=1, description="Largest symbols x bars a Compute request may ask for."
    )
    replay_on_start: bool = Field(
        True,
        description="Recreate the consumers at start so the candle frames the MARKET stream "
        "still holds are replayed into the windows (the state lives in memory only).",
    )
    durable_prefix: str = Field(
        "indicators", description="Consumer names are <prefix>-<universe>-<timeframe>."
    )
    consumer: ConsumerSettings = Field(
        ConsumerSettings(batch_size=200, max_deliver=3),
        description="Fetch batch, ack wait, redelivery and DLQ settings of the consumers.",
    )

    @field_validator("universe", "exchange", "durable_prefix")
    @classmethod
    def _subject_token(cls, value: str) -> str:
        return subjects.token(value, what="name")

    @field_validator("timeframes")
    @classmethod
    def _known_timeframes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [timeframe for timeframe in value if timeframe not in TIMEFRAMES_MS]
        if unknown:
            raise ValueError(f"unknown timeframe(s) {unknown}; use one of {list(TIMEFRAMES_MS)}")
        if len(set(value)) != len(value):
            raise ValueError(f"a timeframe is listed twice: {list(value)}")
        return value

    @field_validator("symbols")
    @classmethod
    def _distinct_symbols(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a symbol is listed twice")
        return value

    def step_ms(self, timeframe: str) -> int:
        """Milliseconds between two bars of `timeframe`."""
        return TIMEFRAMES_MS[timeframe]

    def durable(self, timeframe: str) -> str:
        """The durable consumer name of one timeframe."""
        return f"{self.durable_prefix}-{self.universe}-{timeframe}"
