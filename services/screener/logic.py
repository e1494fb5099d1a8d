"""The screener's decisions, without I/O: what to screen, when, and what changed.

- `assemble`: the held tickers, candles and indicators -> one `MarketSnapshot` and a
  `CandleSet` per timeframe, rows in one symbol order (sorted), NaN where data is missing.
- `lagging`: timeframes still missing the latest bar, which a run waits for a little.
- `compare_selections`: whether the selection or its ranking changed, and how.
- `score_order`, `encode_page_token`, `decode_page_token`: the GetScores listing.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tradeplane.screening import CandleSet, MarketSnapshot, ScreeningResult
from tradeplane.services.screener.books import CandleBuffer, IndicatorBook, TickerBook
from tradeplane.services.screener.errors import InputsIncomplete

# Indicators the pipeline reads at the last bar only (the Wilder-smoothed ones): a series
# that is known at the latest bar alone can stand in for them. The others (Bollinger
# bandwidth, volatility) are read over trailing windows and are always computed.
LATEST_BAR_FAMILIES = frozenset({"rsi", "natr", "atr", "adx"})


@dataclass(frozen=True, eq=False)
class ScreeningInputs:
    """What one run screens, and the times it is about."""

    snapshot: MarketSnapshot
    candles: Mapping[str, CandleSet]
    bar_open_time_ms: int  # the shortest timeframe's latest closed bar
    data_time_ms: int  # the newest ticker time or candle close: the snapshot's time


def candle_time_ms(buffers: Iterable[CandleBuffer]) -> int | None:
    """The latest bar close among the buffers (None when none holds a bar)."""
    closes = [b.latest_open + b.step for b in buffers if b.latest_open is not None]
    return max(closes) if closes else None


def lagging(buffers: Mapping[str, CandleBuffer]) -> list[str]:
    """Timeframes still missing the latest bar: without bars, behind the latest close of
    the others, or with symbols that had the previous bar but not yet the latest one."""
    latest = candle_time_ms(buffers.values())
    behind = []
    for timeframe, buffer in buffers.items():
        if latest is None or buffer.latest_open is None:
            behind.append(timeframe)
            continue
        expected = (latest // buffer.step) * buffer.step - buffer.step
        if buffer.latest_open < expected or buffer.stragglers():
            behind.append(timeframe)
    return behind


def precomputed_keys(result: ScreeningResult) -> frozenset[tuple[str, str]]:
    """(timeframe, indicator key) pairs the run computed that a frame could supply."""
    keys = set()
    for entry in result.computed_indicators:  # "<timeframe> <key> x<rows>"
        timeframe, key = entry.split(" ")[:2]
        family, _, period = key.rpartition("_")
        if family in LATEST_BAR_FAMILIES and period.isdigit():
            keys.add((timeframe, key))
    return frozenset(keys)


def _with_indicators(
    candles: CandleSet, book: IndicatorBook | None, symbols: Sequence[str], keys: set[str]
) -> CandleSet:
    """`candles` carrying the indicator frame's series for the last bar, when a frame of
    that bar covered every symbol with a close there; unchanged otherwise."""
    if book is None or not keys or candles.bars == 0:
        return candles
    covered, columns = book.at(int(candles.timestamps[-1]), symbols)
    if not columns or np.any(np.isfinite(candles.close[:, -1]) & ~covered):
        return candles
    series = {}
    for key in keys & columns.keys():
        matrix = np.full(candles.close.shape, np.nan)
        matrix[:, -1] = columns[key]
        series[key] = matrix
    return candles.with_indicators(series) if series else candles


def assemble(
    tickers: TickerBook,
    buffers: Mapping[str, CandleBuffer],
    indicators: Mapping[str, IndicatorBook] | None = None,
    *,
    precomputed: frozenset[tuple[str, str]] = frozenset(),
) -> ScreeningInputs:
    """The pipeline's inputs from the held data. Every symbol with a ticker or candles is
    screened (sorted); missing values are NaN, so a symbol without a ticker or without the
    latest bar is dropped in stage 1 with that reason. The snapshot's time is the data's
    own (newest ticker or bar close), so replays screen as of their time.

    Raises `InputsIncomplete` while a timeframe has no closed bar or no symbol is known.
    """
    empty = [timeframe for timeframe, buffer in buffers.items() if buffer.latest_open is None]
    if empty:
        raise InputsIncomplete(f"no closed {', '.join(empty)} candles yet")
    symbols = sorted(set(tickers.symbols).union(*(b.symbols for b in buffers.values())))
    if not symbols:
        raise InputsIncomplete("no symbols yet")
    latest_close = candle_time_ms(buffers.values())
    assert latest_close is not None
    data_time = max(latest_close, tickers.time_ms or latest_close)
    columns = tickers.columns(symbols)
    snapshot = MarketSnapshot.build(
        time_ms=data_time,
        symbols=symbols,
        last=columns["last"],
        bid=columns["bid"],
        ask=columns["ask"],
        quote_volume_24h=columns["quote_volume_24h"],
        ticker_time_ms=columns["timestamp_ms"],
        statuses=columns["status"],
        listing_time_ms=columns["listing_time_ms"],
    )
    candles = {}
    for timeframe, buffer in buffers.items():
        opens, block = buffer.window(symbols)
        candle_set = CandleSet(timeframe, opens, *block)
        keys = {key for frame_timeframe, key in precomputed if frame_timeframe == timeframe}
        books = indicators or {}
        candles[timeframe] = _with_indicators(candle_set, books.get(timeframe), symbols, keys)
    shortest = min(buffers.values(), key=lambda buffer: buffer.step)
    return ScreeningInputs(
        snapshot=snapshot,
        candles=candles,
        bar_open_time_ms=int(candles[shortest.timeframe].timestamps[-1]),
        data_time_ms=data_time,
    )


@dataclass(frozen=True)
class SelectionChange:
    """How a selection differs from the previous one (`changed`: members or ranking)."""

    changed: bool
    added: tuple[str, ...]
    removed: tuple[str, ...]


def compare_selections(previous: Sequence[str], current: Sequence[str]) -> SelectionChange:
    """Members or their order differ -> changed; `added` in rank order, `removed` in the
    previous rank order."""
    before, after = set(previous), set(current)
    return SelectionChange(
        changed=tuple(previous) != tuple(current),
        added=tuple(symbol for symbol in current if symbol not in before),
        removed=tuple(symbol for symbol in previous if symbol not in after),
    )


def score_order(result: ScreeningResult) -> np.ndarray:
    """Row indices best first: selected by rank, then stages passed, composite score,
    stage-2 score (higher first, unknown last) and symbol."""
    size = len(result.symbols)
    rank = np.full(size, size + 1, dtype=np.int64)
    for member in result.selection:
        rank[result.index(member.symbol)] = member.rank
    score = np.where(np.isnan(result.scores), np.inf, -result.scores)
    stage2 = np.where(np.isnan(result.stage2_scores), np.inf, -result.stage2_scores)
    stages = -result.stages_passed.astype(np.int64)
    return np.lexsort((result.symbols, stage2, score, stages, rank))


def encode_page_token(run: int, offset: int, min_stages_passed: int) -> str:
    raw = f"{run}:{offset}:{min_stages_passed}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: str) -> tuple[int, int, int]:
    """(run number, offset, min_stages_passed); ValueError for a token not ours."""
    try:
        padded = token + "=" * (-len(token) % 4)
        run, offset, stages = base64.urlsafe_b64decode(padded).decode().split(":")
        values = int(run), int(offset), int(stages)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(f"page token {token[:40]!r} is not one GetScores returned") from None
    if min(values) < 0:
        raise ValueError(f"page token {token[:40]!r} is not one GetScores returned")
    return values
