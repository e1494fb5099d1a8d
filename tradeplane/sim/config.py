"""The simulator's settings: market shape, clock, account, request weights and faults."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

INTERVAL_MS = {
    "1m": 60_000,
    "3m": 180_000,
    "5m": 300_000,
    "15m": 900_000,
    "30m": 1_800_000,
    "1h": 3_600_000,
    "2h": 7_200_000,
    "4h": 14_400_000,
    "6h": 21_600_000,
    "8h": 28_800_000,
    "12h": 43_200_000,
    "1d": 86_400_000,
    "3d": 259_200_000,
    "1w": 604_800_000,
}


class FaultKind(StrEnum):
    """What an injected fault does to one request."""

    RATE_LIMITED = "429"  # 429 with Retry-After, Binance's -1003 body
    BANNED = "418"  # 418 with Retry-After (IP ban)
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    UNAVAILABLE = "503"
    GATEWAY_TIMEOUT = "504"
    TIMEOUT = "timeout"  # no answer for `timeout_seconds`
    MALFORMED = "malformed"  # 200 with a truncated JSON body


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FaultConfig(_Frozen):
    """Fault injection: each matching request draws a fault with these probabilities."""

    rates: dict[FaultKind, float] = Field(
        default_factory=dict, description="Probability per request of each fault kind (sum <= 1)."
    )
    paths: tuple[str, ...] = Field(
        (), description="Path prefixes faults apply to (e.g. /api/v3/klines); empty: every API."
    )
    count: int | None = Field(
        None, ge=0, description="Inject at most this many faults, then stop; None: no cap."
    )
    retry_after_seconds: int = Field(1, ge=0, description="Retry-After of injected 429/418.")
    timeout_seconds: float = Field(30.0, ge=0, description="How long a TIMEOUT fault stalls.")

    @model_validator(mode="after")
    def _rates_are_probabilities(self) -> FaultConfig:
        if any(rate < 0 for rate in self.rates.values()) or sum(self.rates.values()) > 1 + 1e-9:
            raise ValueError("fault rates must be >= 0 and sum to at most 1")
        return self


class SimulatorConfig(_Frozen):
    """Everything the simulator needs; `Simulator(SimulatorConfig(...))`."""

    host: str = Field("127.0.0.1", description="Address the REST/websocket server binds.")
    port: int = Field(0, ge=0, le=65535, description="Port; 0 picks a free one.")
    symbols: int = Field(300, ge=1, le=20_000, description="Synthetic symbols to list.")
    seed: int = Field(7, description="Same seed, same markets and candles.")
    quote_assets: tuple[str, ...] = Field(
        ("USDT", "BTC"), min_length=1, description="Quote assets; the first gets most symbols."
    )
    quote_usd_prices: dict[str, float] = Field(
        default_factory=lambda: {
            "USDT": 1.0,
            "USDC": 1.0,
            "FDUSD": 1.0,
            "BTC": 60_000.0,
            "ETH": 3_000.0,
            "BNB": 600.0,
        },
        description="USD value of one unit of each quote asset (volumes, depth, spreads).",
    )
    interval: str = Field("5m", description="Base bar interval; klines aggregate multiples of it.")
    history_bars: int = Field(1500, ge=300, description="Closed bars available at start.")
    ticks_per_bar: int = Field(100, ge=1, description="Market updates (stream pushes) per bar.")
    clock: Literal["realtime", "manual"] = Field(
        "realtime",
        description="realtime: ticks follow the wall clock (times `speed`); manual: only "
        "`Simulator.step()` or POST /admin/step moves the market (tests).",
    )
    speed: float = Field(1.0, gt=0, description="Market time per wall-clock time (realtime).")
    start_time_ms: int | None = Field(
        None, description="Market time of the first live bar; None: now (aligned to interval)."
    )
    depth_levels: int = Field(50, ge=5, le=1000, description="Market-maker levels per side.")
    api_key: str | None = Field(None, description="Accepted API key; None: random per start.")
    api_secret: str | None = Field(None, description="Its HMAC secret; None: random per start.")
    initial_balances: dict[str, str] = Field(
        default_factory=lambda: {"USDT": "100000", "BTC": "2", "ETH": "20", "BNB": "10"},
        description="Free balances of the account at start (decimal strings).",
    )
    maker_fee: str = Field("0.001", description="Maker commission rate.")
    taker_fee: str = Field("0.001", description="Taker commission rate.")
    weight_limit: int = Field(6000, ge=1, description="Request weight allowed per window.")
    weight_window_seconds: float = Field(60.0, gt=0, description="Weight window (Binance: 60).")
    ban_after_rejections: int = Field(
        10, ge=1, description="429s answered in one window before the caller is banned (418)."
    )
    ban_seconds: float = Field(120.0, gt=0, description="First ban length; doubles per repeat.")
    recv_window_max_ms: int = Field(60_000, description="Largest recvWindow accepted.")
    faults: FaultConfig = Field(default_factory=FaultConfig)
    replay_dir: Path | None = Field(
        None,
        description="Replay BASE-QUOTE.csv candles (timestamp_ms,open,high,low,close,"
        "volume) instead of the synthetic market.",
    )
    replay_start_bars: int | None = Field(
        None, ge=1, description="Replay bars revealed at start; None: history_bars (or all-1)."
    )
    replay_align_to_now: bool = Field(
        False, description="Shift replayed timestamps so the first live bar opens now."
    )

    @model_validator(mode="after")
    def _check(self) -> SimulatorConfig:
        if self.interval not in INTERVAL_MS:
            raise ValueError(f"interval must be one of {sorted(INTERVAL_MS)}")
        if INTERVAL_MS[self.interval] % self.ticks_per_bar:
            raise ValueError("ticks_per_bar must divide the interval in milliseconds")
        missing = [q for q in self.quote_assets if q not in self.quote_usd_prices]
        if missing:
            raise ValueError(f"quote_usd_prices lacks {missing}")
        return self

    @property
    def interval_ms(self) -> int:
        return INTERVAL_MS[self.interval]
