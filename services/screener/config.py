"""The screener service's configuration (`settings.screener`), frozen and typed.

One service screens one universe of one exchange's market data. `stages` is the
SymbolUniverse's `stages` section as written (camelCase or snake_case), validated here by
`tradeplane.screening.load_config`, so a bad parameter fails at start with its dotted name.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradeplane.bus import subjects
from tradeplane.bus.config import ConsumerSettings
from tradeplane.screening import InvalidScreeningConfig, ScreeningConfig, load_config

Trigger = Literal["candles", "indicators", "tickers"]


class ScreenerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    universe: str = Field(
        "default", description="The universe's bus name: ind.<universe>.*, screen.<universe>.*."
    )
    exchange: str = Field(
        "binance", description="The exchange's name in md.<exchange>.* (the marketdata feed)."
    )
    stages: dict[str, Any] = Field(
        default_factory=dict,
        description="The three stages' parameters (a SymbolUniverse's `stages`); "
        "missing ones take their defaults.",
    )
    backend: Literal["cpu", "gpu", "auto"] = Field(
        "cpu", description="Kernel backend of the indicators the pipeline computes itself."
    )
    history_bars: int = Field(
        500, ge=2, le=20_000, description="Closed bars kept per symbol and timeframe."
    )
    triggers: tuple[Trigger, ...] = Field(
        ("candles", "indicators"),
        min_length=1,
        description="Frames that start a run: closed candles, indicator frames, tickers. "
        "Every frame updates the held data either way.",
    )
    debounce_seconds: float = Field(
        0.02, ge=0, description="A run waits this long after its trigger for related frames."
    )
    catch_up_seconds: float = Field(
        1.0,
        ge=0,
        description="A run waits up to this long for timeframes or symbols still missing "
        "the latest bar, then runs without them (they fail stage 1's candle lag).",
    )
    heartbeat_seconds: float = Field(
        30.0, gt=0, description="How often screen.<universe>.heartbeat is published."
    )
    publish_results: bool = Field(
        True, description="Publish every run's outcomes on screen.<universe>.results."
    )
    record_scores: bool = Field(True, description="Write every run's outcomes to symbol_scores.")
    scores_queue_size: int = Field(
        8, ge=1, description="Runs waiting to be written; the oldest is dropped when full."
    )
    kept_runs: int = Field(
        4, ge=1, le=64, description="Latest runs kept in memory (GetScores pages read them)."
    )
    stream_queue_size: int = Field(
        16, ge=1, description="Selections buffered per StreamSelections caller."
    )
    durable_prefix: str = Field(
        "screener",
        description="Consumer names are <prefix>-<universe>-<kind> (tickers, candles, indicators).",
    )
    consumer: ConsumerSettings = Field(
        ConsumerSettings(batch_size=100, max_ack_pending=1000),
        description="Fetch batch, ack wait, redelivery and DLQ settings of the consumers.",
    )
    database_pool_size: int = Field(2, ge=1, le=20, description="PostgreSQL connections.")

    @field_validator("universe", "exchange", "durable_prefix")
    @classmethod
    def _subject_token(cls, value: str) -> str:
        return subjects.token(value, what="name")

    @field_validator("stages")
    @classmethod
    def _valid_stages(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            load_config(value)
        except InvalidScreeningConfig as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("triggers")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("triggers are listed twice")
        return value

    def screening(self) -> ScreeningConfig:
        """The validated stage parameters."""
        return load_config(self.stages)

    def durable(self, kind: str) -> str:
        """The durable consumer name of one kind of frame."""
        return f"{self.durable_prefix}-{self.universe}-{kind}"
