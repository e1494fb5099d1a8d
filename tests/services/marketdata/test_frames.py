"""Pure parts: frames and snapshot rows from records, symbol selection, configuration."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tradeplane.exchange import Candle, CandleUpdate, Market, Quality, Ticker
from tradeplane.services.marketdata import FeedConfig, MarketDataConfig
from tradeplane.services.marketdata.config import timeframe_ms
from tradeplane.services.marketdata.frames import (
    candle_frame,
    chunked,
    pick_tickers,
    snapshot_rows,
    ticker_frame,
)
from tradeplane.services.marketdata.selection import changes, select_symbols


def ticker(symbol: str, *, quote_volume: float | None = 1.0, bid: float | None = 99.0) -> Ticker:
    return Ticker(
        symbol=symbol, timestamp_ms=1_700_000_000_000 + len(symbol), last=100.0, bid=bid,
        ask=101.0, bid_size=1.0, ask_size=2.0, open=90.0, high=110.0, low=80.0,
        base_volume=5.0, quote_volume=quote_volume, change_percent=11.1, vwap=None,
    )  # fmt: skip


def market(symbol: str, *, active: bool = True, spot: bool = True) -> Market:
    base, quote = symbol.split("/")
    return Market(
        symbol=symbol, exchange_symbol=base + quote, base=base, quote=quote, active=active,
        spot=spot, tick_size=None, step_size=None, min_amount=None, min_notional=None,
        maker_fee=None, taker_fee=None,
    )  # fmt: skip


def test_a_ticker_frame_is_columnar_with_nan_for_missing_values() -> None:
    tickers = {s: ticker(s) for s in ("ETH/USDT", "BTC/USDT")}
    tickers["XRP/USDT"] = ticker("XRP/USDT", bid=None, quote_volume=None)
    rows = pick_tickers(tickers)
    assert [t.symbol for t in rows] == ["BTC/USDT", "ETH/USDT", "XRP/USDT"]
    frame = ticker_frame("binance", rows)
    assert frame.exchange == "binance" and list(frame.symbols) == [t.symbol for t in rows]
    assert list(frame.last) == [100.0] * 3 and list(frame.percent_change_24h) == [11.1] * 3
    assert frame.bid[0] == 99.0 and math.isnan(frame.bid[2])
    assert math.isnan(frame.quote_volume_24h[2]) and frame.quote_volume_24h[0] == 1.0
    assert frame.time.ToMilliseconds() == max(t.timestamp_ms for t in rows)
    picked = pick_tickers(tickers, ["XRP/USDT", "NOPE/USDT", "BTC/USDT"])
    assert [t.symbol for t in picked] == ["BTC/USDT", "XRP/USDT"]


def test_a_ticker_frame_carries_market_status_and_listing_time_when_markets_are_known() -> None:
    rows = pick_tickers({s: ticker(s) for s in ("BTC/USDT", "ETH/USDT", "NEW/USDT")})
    markets = {
        "BTC/USDT": dataclasses.replace(market("BTC/USDT"), listed_ms=1_500_000_000_000),
        "ETH/USDT": dataclasses.replace(market("ETH/USDT", active=False), status="break"),
    }
    frame = ticker_frame("binance", rows, markets)
    assert list(frame.statuses) == ["trading", "break", "unknown"]
    assert frame.listing_times_ms[0] == 1.5e12
    assert math.isnan(frame.listing_times_ms[1]) and math.isnan(frame.listing_times_ms[2])
    bare = ticker_frame("binance", rows)
    assert not bare.statuses and not bare.listing_times_ms  # no market list: no columns


def test_frames_are_split_into_chunks() -> None:
    assert [list(c) for c in chunked([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]
    assert list(chunked([], 2)) == []


def test_a_candle_frame_keeps_the_rows_and_their_closed_flags() -> None:
    rows = [
        CandleUpdate("BTC/USDT", "5m", Candle(0, 1.0, 2.0, 0.5, 1.5, 10.0), closed=True),
        CandleUpdate("BTC/USDT", "5m", Candle(300_000, 1.5, 2.5, 1.0, 2.0, 4.0), closed=False),
    ]
    frame = candle_frame("binance", "5m", rows)
    assert (frame.exchange, frame.timeframe) == ("binance", "5m")
    assert list(frame.open_times_ms) == [0, 300_000] and list(frame.closed) == [True, False]
    assert list(frame.high) == [2.0, 2.5] and list(frame.volume) == [10.0, 4.0]


def test_snapshot_rows_carry_spread_age_and_quality() -> None:
    captured = datetime.fromtimestamp(1_700_000_010, UTC)
    (row,) = snapshot_rows("binance", [ticker("BTC/USDT")], captured_at=captured)
    assert row.spread_percent == pytest.approx(2.0)  # (101 - 99) / 100
    assert row.data_age_seconds == pytest.approx(10 - 0.008)
    assert (row.quality, row.origin, row.captured_at) == ("fresh", "rest", captured)
    (degraded,) = snapshot_rows(
        "binance", [ticker("ETH/USDT", bid=None)], captured_at=captured, quality=Quality.STALE
    )
    assert degraded.spread_percent is None and degraded.quality == "stale"


def test_configured_symbols_are_kept_in_order_when_listed_and_active() -> None:
    markets = {s: market(s) for s in ("BTC/USDT", "ETH/USDT")}
    markets["OLD/USDT"] = market("OLD/USDT", active=False)
    chosen = select_symbols(
        markets, {}, configured=["ETH/USDT", "NOPE/USDT", "BTC/USDT", "OLD/USDT", "ETH/USDT"],
        top=1, quote_assets=["USDT"],
    )  # fmt: skip
    assert chosen.symbols == ("ETH/USDT", "BTC/USDT")
    assert chosen.missing == ("NOPE/USDT", "OLD/USDT")


def test_without_configured_symbols_the_top_by_quote_volume_are_chosen() -> None:
    markets = {s: market(s) for s in ("A/USDT", "B/USDT", "C/USDT", "D/USDT", "E/BTC", "F/USDT")}
    markets["G/USDT"] = market("G/USDT", spot=False)
    volumes = {"A/USDT": 5.0, "B/USDT": 9.0, "C/USDT": 5.0, "E/BTC": 100.0, "G/USDT": 50.0}
    tickers = {s: ticker(s, quote_volume=v) for s, v in volumes.items()}
    tickers["D/USDT"] = ticker("D/USDT", quote_volume=None)
    chosen = select_symbols(markets, tickers, configured=(), top=3, quote_assets=["USDT"])
    assert chosen.symbols == ("B/USDT", "A/USDT", "C/USDT") and chosen.missing == ()
    both = select_symbols(markets, tickers, configured=(), top=2, quote_assets=["USDT", "BTC"])
    assert both.symbols == ("E/BTC", "B/USDT")
    assert changes(["A", "B"], ["B", "C"]) == (["C"], ["A"])


def test_timeframes_parse_to_milliseconds() -> None:
    assert [timeframe_ms(tf) for tf in ("1m", "5m", "1h", "1d")] == [
        60_000, 300_000, 3_600_000, 86_400_000,
    ]  # fmt: skip
    for bad in ("5", "m5", "0m", "5y", ""):
        with pytest.raises(ValueError):
            timeframe_ms(bad)


def test_the_configuration_rejects_what_cannot_work() -> None:
    default = MarketDataConfig()
    assert default.exchanges[0].label == "binance"
    assert default.exchanges[0].timeframes == ("5m", "15m", "1h")
    assert default.exchanges[0].top_symbols == 50 and default.exchanges[0].symbols == ()
    with pytest.raises(ValidationError, match="timeframe"):
        FeedConfig(timeframes=("5m", "7x"))
    with pytest.raises(ValidationError, match="listed twice"):
        FeedConfig(timeframes=("5m", "5m"))
    with pytest.raises(ValidationError, match="subject token"):
        FeedConfig(exchange={"name": "bin.ance"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="must differ"):
        MarketDataConfig(exchanges=(FeedConfig(), FeedConfig()))
    with pytest.raises(ValidationError, match="stale between refreshes"):
        MarketDataConfig(
            exchanges=(FeedConfig(ticker_interval_seconds=30),), cache={"ttl_seconds": 10}
        )  # type: ignore[arg-type]
    from_mapping = MarketDataConfig.model_validate(
        {"exchanges": [{"exchange": {"exchange_id": "okx"}, "symbols": ["BTC/USDT"]}]}
    )
    assert from_mapping.exchanges[0].label == "okx"
