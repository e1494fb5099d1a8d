"""The marketdata service's configuration (`settings.marketdata`), frozen and typed.

One `FeedConfig` per exchange. When a feed names no `symbols`, candles are streamed for
the `top_symbols` (default 50) active spot markets quoted in `quote_assets` (default
USDT) with the highest 24h quote volume: 50 symbols x 3 timeframes is 150 websocket
streams and about 300 request weight of backfill on Binance, well inside one connection
and one minute's budget. Tickers always cover every symbol (one request per refresh).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tradeplane.bus import subjects
from tradeplane.exchange import ExchangeConfig

_TIMEFRAME = re.compile(r"^([1-9][0-9]*)([smhdwM])$")
_UNIT_MS = {
    "s": 1_000,
    "m": 60_000,
    "h": 3_600_000,
    "d": 86_400_000,
    "w": 604_800_000,
    "M": 2_592_000_000,  # 30 days, as ccxt counts a month
}


def timeframe_ms(timeframe: str) -> int:
    """Milliseconds of a ccxt timeframe ("5m" -> 300000); ValueError when malformed."""
    match = _TIMEFRAME.match(timeframe)
    if match is None:
        raise ValueError(f"timeframe {timeframe!r} is not like 1m, 5m, 15m, 1h, 4h or 1d")
    return int(match[1]) * _UNIT_MS[match[2]]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedConfig(_Section):
    """One exchange (account) to ingest."""

    exchange: ExchangeConfig = Field(
        default_factory=ExchangeConfig,
        description="The gateway: ccxt id, name (the subject token), URLs, credentials.",
    )
    symbols: tuple[str, ...] = Field(
        (), description="Symbols whose candles are streamed; empty: the top by volume."
    )
    top_symbols: int = Field(
        50, ge=1, le=1000, description="How many symbols to stream when `symbols` is empty."
    )
    quote_assets: tuple[str, ...] = Field(
        ("USDT",), min_length=1, description="Quote assets the top symbols are chosen from."
    )
    timeframes: tuple[str, ...] = Field(
        ("5m", "15m", "1h"), min_length=1, description="Candle timeframes to stream."
    )
    history_bars: int = Field(
        500, ge=2, le=5000, description="Bars backfilled per symbol and timeframe, and kept."
    )
    ticker_interval_seconds: float = Field(
        5.0, gt=0, description="How often all tickers are fetched (one request)."
    )
    universe_refresh_seconds: float = Field(
        3600.0, gt=0, description="How often markets are reloaded and top symbols re-chosen."
    )

    @property
    def label(self) -> str:
        """The exchange's name in subjects, metrics and cache keys."""
        return self.exchange.label

    @field_validator("timeframes")
    @classmethod
    def _known_timeframes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for timeframe in value:
            timeframe_ms(timeframe)
            subjects.token(timeframe, what="timeframe")
        if len(set(value)) != len(value):
            raise ValueError("timeframes are listed twice")
        return value

    @model_validator(mode="after")
    def _label_is_a_subject_token(self) -> FeedConfig:
        subjects.token(self.label, what="exchange name")
        return self


class CacheConfig(_Section):
    ttl_seconds: float = Field(
        15.0, gt=0, description="Tickers younger than this are fresh (keep above the interval)."
    )
    max_stale_seconds: float = Field(
        300.0, ge=0, description="How long past its TTL data may still be served."
    )
    candles_ttl_seconds: float = Field(
        60.0, gt=0, description="Freshness of candles read through for symbols not streamed."
    )
    l1_max_bytes: int = Field(64 * 1024 * 1024, ge=1024, description="In-process cache bound.")


class SnapshotConfig(_Section):
    enabled: bool = Field(True, description="Write ticker snapshots to enhanced_market_data.")
    interval_seconds: float = Field(60.0, gt=0, description="At most one snapshot this often.")
    scope: Literal["all", "streamed"] = Field(
        "all", description="Every symbol's ticker, or only the streamed symbols'."
    )
    database_pool_size: int = Field(2, ge=1, le=20, description="PostgreSQL connections.")


class MarketDataConfig(_Section):
    exchanges: tuple[FeedConfig, ...] = Field(
        (FeedConfig(),), min_length=1, description="The exchanges to ingest, one feed each."
    )
    cache: CacheConfig = CacheConfig()
    snapshots: SnapshotConfig = SnapshotConfig()
    close_wait_seconds: float = Field(
        0.25,
        ge=0,
        description="A closed bar waits at most this long for the other symbols' closes, so "
        "one frame carries the bar of every symbol.",
    )
    close_quiet_seconds: float = Field(
        0.5,
        ge=0,
        description="Ticker refreshes keep this far from bar boundaries, wait while a bar's "
        "closes gather and this long after they are sent (at most twice close_wait_seconds "
        "plus this in all), so that a close's indicators and screening do not queue behind "
        "a refresh; 0: never wait.",
    )
    forming_interval_seconds: float | None = Field(
        1.0, gt=0, description="Frames of forming bars at most this often; None: closed only."
    )
    max_frame_rows: int = Field(
        5000, ge=1, description="Rows per frame; larger batches are split (NATS 1 MB limit)."
    )
    outbox_size: int = Field(
        1000, ge=1, description="Frames waiting for the bus; newer ones are dropped when full."
    )
    candle_stale_seconds: float = Field(
        30.0, gt=0, description="Streamed candles not updated for this long are stale."
    )
    backfill_concurrency: int = Field(4, ge=1, description="Backfill requests in flight.")
    max_read_through_symbols: int = Field(
        20, ge=0, description="Symbols GetCandles may fetch that are not streamed."
    )
    startup_wait_seconds: float = Field(
        15.0,
        ge=0,
        description="start() waits this long for tickers and backfills; feeds whose "
        "exchange is down go on trying in the background.",
    )
    stop_timeout_seconds: float = Field(
        5.0, ge=0, description="On stop, pending frames get this long to reach the bus."
    )

    @model_validator(mode="after")
    def _check(self) -> MarketDataConfig:
        labels = [feed.label for feed in self.exchanges]
        if len(set(labels)) != len(labels):
            raise ValueError(f"exchange names must differ (set exchange.name): {labels}")
        slowest = max(feed.ticker_interval_seconds for feed in self.exchanges)
        if self.cache.ttl_seconds < slowest:
            raise ValueError(
                f"cache.ttl_seconds ({self.cache.ttl_seconds}) is below a ticker interval "
                f"({slowest}): tickers would turn stale between refreshes"
            )
        return self
