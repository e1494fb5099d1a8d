"""Validation rejects impossible records and counts them by reason."""

from __future__ import annotations

import dataclasses
import math

import pytest

from tests.exchange.conftest import FakeClock, sample
from tradeplane.exchange import BookTop, Candle, OrderBook, Ticker
from tradeplane.exchange import validation as v

NOW_MS = 1_000_000_000
GOOD_TICKER = Ticker(
    symbol="BTC/USDT",
    timestamp_ms=NOW_MS - 1000,
    last=100.0,
    bid=99.9,
    ask=100.1,
    bid_size=1.0,
    ask_size=2.0,
    open=95.0,
    high=105.0,
    low=90.0,
    base_volume=10.0,
    quote_volume=1000.0,
    change_percent=-1.5,
    vwap=98.0,
)
GOOD_CANDLE = Candle(NOW_MS - 300_000, open=10.0, high=12.0, low=9.0, close=11.0, volume=5.0)


def check_ticker(**changes: object) -> str | None:
    ticker = dataclasses.replace(GOOD_TICKER, **changes)
    return v.check_ticker(ticker, now_ms=NOW_MS, skew_ms=5000)


def check_candle(**changes: object) -> str | None:
    candle = dataclasses.replace(GOOD_CANDLE, **changes)
    return v.check_candle(candle, now_ms=NOW_MS, skew_ms=5000)


def test_a_sound_ticker_and_candle_pass() -> None:
    assert check_ticker() is None
    assert check_ticker(bid=None, ask=None, high=None, low=None) is None  # absent is not wrong
    assert check_candle() is None
    assert check_candle(volume=0.0) is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"last": 0.0}, v.NON_POSITIVE_PRICE),
        ({"last": -3.0}, v.NON_POSITIVE_PRICE),
        ({"bid": -1.0}, v.NON_POSITIVE_PRICE),
        ({"last": math.nan}, v.NAN),
        ({"quote_volume": math.inf}, v.NAN),
        ({"change_percent": math.nan}, v.NAN),
        ({"base_volume": -1.0}, v.NEGATIVE_VOLUME),
        ({"high": 80.0}, v.HIGH_BELOW_LOW),
        ({"bid": 100.2}, v.CROSSED_BOOK),
        ({"timestamp_ms": NOW_MS + 60_000}, v.FUTURE_TIMESTAMP),
    ],
)
def test_impossible_tickers_are_rejected_with_the_reason(changes: dict, reason: str) -> None:
    assert check_ticker(**changes) == reason


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"high": 8.0}, v.HIGH_BELOW_LOW),  # high < low
        ({"high": 10.5}, v.HIGH_BELOW_LOW),  # high < close
        ({"low": 10.5}, v.HIGH_BELOW_LOW),  # low > open
        ({"open": 0.0}, v.NON_POSITIVE_PRICE),
        ({"close": math.nan}, v.NAN),
        ({"volume": -0.1}, v.NEGATIVE_VOLUME),
        ({"timestamp_ms": NOW_MS + 3_600_000}, v.FUTURE_TIMESTAMP),
    ],
)
def test_impossible_candles_are_rejected_with_the_reason(changes: dict, reason: str) -> None:
    assert check_candle(**changes) == reason


def test_a_timestamp_within_the_clock_skew_is_accepted() -> None:
    assert check_ticker(timestamp_ms=NOW_MS + 4000) is None


def test_books_must_not_be_crossed() -> None:
    top = BookTop("X/Y", NOW_MS, bid=10.0, bid_size=1.0, ask=9.0, ask_size=1.0)
    assert v.check_book_top(top, now_ms=NOW_MS, skew_ms=0) == v.CROSSED_BOOK
    book = OrderBook("X/Y", NOW_MS, None, bids=((10.0, 1.0),), asks=((10.5, -2.0),))
    assert v.check_order_book(book, now_ms=NOW_MS, skew_ms=0) == v.NEGATIVE_VOLUME


def test_the_validator_filters_a_batch_and_counts_each_reason() -> None:
    clock = FakeClock(start=NOW_MS / 1000)
    validator = v.Validator(exchange="unit-validation", clock=clock)
    batch = {
        "A/USDT": GOOD_TICKER,
        "B/USDT": dataclasses.replace(GOOD_TICKER, symbol="B/USDT", last=-1.0),
        "C/USDT": dataclasses.replace(GOOD_TICKER, symbol="C/USDT", last=0.0),
        "D/USDT": dataclasses.replace(GOOD_TICKER, symbol="D/USDT", high=1.0),
    }
    kept = validator.tickers(batch)
    assert list(kept) == ["A/USDT"]
    labels = {"exchange": "unit-validation", "kind": "ticker"}
    assert (
        sample(
            "tradeplane_marketdata_rejected_records_total", **labels, reason=v.NON_POSITIVE_PRICE
        )
        == 2
    )
    assert (
        sample("tradeplane_marketdata_rejected_records_total", **labels, reason=v.HIGH_BELOW_LOW)
        == 1
    )
    candles = [GOOD_CANDLE, dataclasses.replace(GOOD_CANDLE, low=math.nan)]
    assert validator.candles("A/USDT", candles) == [GOOD_CANDLE]
