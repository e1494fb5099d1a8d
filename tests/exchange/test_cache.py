"""The cache's in-process tier and stale-while-revalidate, on an injected clock."""

from __future__ import annotations

import asyncio
import math

import pytest

from tests.exchange.conftest import FakeClock, sample
from tradeplane.exchange import (
    BookTop,
    Cached,
    CacheSettings,
    Candle,
    ExchangeUnavailable,
    MarketDataCache,
    OrderBook,
    Quality,
    Ticker,
)
from tradeplane.exchange.cache import cache_key
from tradeplane.exchange.cached import BOOK_TOPS, CANDLES, ORDER_BOOK, TICKERS
from tradeplane.exchange.codec import RecordCodec, pack, unpack

SETTINGS = CacheSettings(ttl_seconds=5.0, max_stale_seconds=60.0)


class Source:
    """An async data source that counts calls and can be made to fail."""

    def __init__(self) -> None:
        self.calls = 0
        self.failing = False

    async def __call__(self) -> list[Candle]:
        self.calls += 1
        await asyncio.sleep(0)
        if self.failing:
            raise ExchangeUnavailable("exchange down")
        return [Candle(self.calls * 60_000, 1.0, 2.0, 0.5, 1.5, float(self.calls))]


def cache(clock: FakeClock, name: str = "unit", **settings: float) -> MarketDataCache:
    chosen = CacheSettings(**{**SETTINGS.__dict__, **settings})
    return MarketDataCache(name=name, settings=chosen, clock=clock)


async def test_within_the_ttl_the_exchange_is_asked_once(clock: FakeClock) -> None:
    subject, source = cache(clock, "within-ttl"), Source()
    first = await subject.get("k", source, CANDLES)
    assert (first.quality, first.source, first.age_seconds) == (Quality.FRESH, "exchange", 0.0)
    clock.advance(4.0)
    second = await subject.get("k", source, CANDLES)
    assert second.value == first.value and second.source == "l1"
    assert second.quality is Quality.FRESH and second.age_seconds == pytest.approx(4.0)
    assert source.calls == 1
    assert subject.stats.hit_rate == 0.5
    labels = {"cache": "within-ttl", "tier": "l1"}
    assert sample("tradeplane_marketdata_cache_lookups_total", **labels, result="hit") == 1
    assert sample("tradeplane_marketdata_cache_lookups_total", **labels, result="miss") == 1


async def test_stale_data_is_served_at_once_while_it_is_refreshed(clock: FakeClock) -> None:
    subject, source = cache(clock), Source()
    await subject.get("k", source, CANDLES)
    clock.advance(6.0)
    stale = await subject.get("k", source, CANDLES)
    assert stale.quality is Quality.STALE and stale.value[0].volume == 1.0
    assert stale.age_seconds == pytest.approx(6.0)
    await subject.wait_refreshes()
    fresh = await subject.get("k", source, CANDLES)
    assert fresh.quality is Quality.FRESH and fresh.value[0].volume == 2.0
    assert fresh.age_seconds == 0.0 and source.calls == 2


async def test_while_the_exchange_is_down_cached_data_is_served_degraded(
    clock: FakeClock,
) -> None:
    subject, source = cache(clock, "down"), Source()
    await subject.get("k", source, CANDLES)
    source.failing = True
    clock.advance(10.0)
    assert (await subject.get("k", source, CANDLES)).quality is Quality.STALE
    await subject.wait_refreshes()  # the refresh fails
    for _ in range(3):
        clock.advance(10.0)
        served = await subject.get("k", source, CANDLES)
        await subject.wait_refreshes()
        assert served.quality is Quality.DEGRADED and served.value[0].volume == 1.0
    assert served.age_seconds == pytest.approx(40.0)
    source.failing = False
    clock.advance(1.0)
    await subject.get("k", source, CANDLES)  # still degraded; this refresh succeeds
    await subject.wait_refreshes()
    assert (await subject.get("k", source, CANDLES)).quality is Quality.FRESH
    assert sample("tradeplane_marketdata_cache_served_total", cache="down", quality="degraded") == 4


async def test_data_past_max_stale_is_not_served(clock: FakeClock) -> None:
    subject, source = cache(clock), Source()
    await subject.get("k", source, CANDLES)
    source.failing = True
    clock.advance(5.0 + 60.0 + 1.0)
    with pytest.raises(ExchangeUnavailable):
        await subject.get("k", source, CANDLES)
    assert await subject.peek("k", CANDLES) is None


async def test_concurrent_misses_share_one_fetch(clock: FakeClock) -> None:
    subject, source = cache(clock), Source()
    results = await asyncio.gather(*(subject.get("k", source, CANDLES) for _ in range(10)))
    assert source.calls == 1
    assert all(result.value == results[0].value for result in results)


async def test_peek_never_fetches_and_marks_quality(clock: FakeClock) -> None:
    subject, source = cache(clock), Source()
    assert await subject.peek("k", CANDLES) is None
    await subject.put("k", await source(), CANDLES)
    assert (await subject.peek("k", CANDLES)).quality is Quality.FRESH  # type: ignore[union-attr]
    clock.advance(6.0)
    subject.mark_failed("k")
    peeked = await subject.peek("k", CANDLES)
    assert isinstance(peeked, Cached) and peeked.quality is Quality.DEGRADED
    assert source.calls == 1


async def test_the_memory_bound_evicts_the_least_recently_used(clock: FakeClock) -> None:
    one_entry = len(CANDLES.to_json(await Source()()))
    subject = cache(clock, "bounded", l1_max_bytes=one_entry * 2 + 10)
    source = Source()
    for key in ("a", "b"):
        await subject.get(key, source, CANDLES)
    await subject.get("a", source, CANDLES)  # a is now the most recent
    await subject.get("c", source, CANDLES)  # evicts b
    calls = source.calls
    await subject.get("a", source, CANDLES)
    assert source.calls == calls
    await subject.get("b", source, CANDLES)
    assert source.calls == calls + 1
    assert sample("tradeplane_marketdata_cache_evictions_total", cache="bounded") >= 1
    assert sample("tradeplane_marketdata_cache_l1_bytes", cache="bounded") <= one_entry * 2 + 10


def test_records_survive_the_codec() -> None:
    ticker = Ticker("BTC/USDT", 1, 2.0, None, 3.0, 1.0, 1.0, 1.0, 4.0, 1.0, 5.0, 6.0, -1.0, 2.5)
    top = BookTop("BTC/USDT", 1, 1.0, 2.0, 3.0, 4.0)
    book = OrderBook("BTC/USDT", 1, 7, bids=((1.0, 2.0), (0.9, 1.0)), asks=((1.1, 3.0),))
    candle = Candle(60_000, 1.0, 2.0, 0.5, 1.5, math.inf)
    assert TICKERS.from_json(TICKERS.to_json({"BTC/USDT": ticker})) == {"BTC/USDT": ticker}
    assert BOOK_TOPS.from_json(BOOK_TOPS.to_json({"BTC/USDT": top})) == {"BTC/USDT": top}
    assert ORDER_BOOK.from_json(ORDER_BOOK.to_json(book)) == book
    assert CANDLES.from_json(CANDLES.to_json([candle])) == [candle]
    big = TICKERS.to_json({f"S{i}/USDT": ticker for i in range(500)})
    packed = pack(big)
    assert len(packed) < len(big) / 3 and unpack(packed) == big
    with pytest.raises(ValueError):
        RecordCodec(Candle, "list").from_json(b'{"f":["other"],"r":[]}')


def test_cache_keys_are_safe_for_the_kv_bucket() -> None:
    assert cache_key("binance", "ohlcv", "BTC/USDT", "5m") == "binance.ohlcv.BTC/USDT.5m"
    assert cache_key("my venue", "a:b*c") == "my_venue.a_b_c"
