"""The screener's pure decisions: assembling inputs, waiting for bars, comparing
selections, ordering scores, page tokens, and the symbol_scores rows of a run."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from tradeplane.screening import ScreeningPipeline
from tradeplane.services.screener.books import Holdings
from tradeplane.services.screener.errors import InputsIncomplete
from tradeplane.services.screener.logic import (
    assemble,
    compare_selections,
    decode_page_token,
    encode_page_token,
    lagging,
    precomputed_keys,
    score_order,
)
from tradeplane.services.screener.scores import score_rows
from tradeplane.v1 import indicators_pb2

from .realframes import STAGES, candle_frames, expected_inputs, ticker_frame, window
from .test_books import STEP, T0, candles, tickers


def held_window(**ticker_options: object) -> tuple[Holdings, object]:
    """Holdings fed with the real window's frames, and the ticker frame used."""
    data = window()
    holdings = Holdings(["5m", "15m", "1h"], capacity=1500)
    frame = ticker_frame("x", data.snapshot, **ticker_options)  # type: ignore[arg-type]
    holdings.take(frame)
    for candle_set in data.candles.values():
        for candle_frame in candle_frames("x", candle_set):
            holdings.take(candle_frame)
    return holdings, frame


def test_assemble_screens_every_symbol_sorted_with_nan_where_data_is_missing() -> None:
    holdings = Holdings(["5m"], capacity=8)
    holdings.take(tickers([("B/C", T0 + STEP, 2.0), ("Z/Q", T0 + STEP, 3.0)]))
    holdings.take(candles([("A/B", T0, 1.0), ("B/C", T0, 2.0)]))
    inputs = assemble(holdings.tickers, holdings.candles)
    snapshot, five = inputs.snapshot, inputs.candles["5m"]
    assert snapshot.symbols.tolist() == ["A/B", "B/C", "Z/Q"]
    np.testing.assert_array_equal(snapshot.last, [np.nan, 2.0, 3.0])
    np.testing.assert_array_equal(snapshot.ticker_time_ms, [np.nan, T0 + STEP, T0 + STEP])
    np.testing.assert_array_equal(five.close[:, -1], [1.0, 2.0, np.nan])
    assert (inputs.bar_open_time_ms, inputs.data_time_ms) == (T0, T0 + STEP)
    assert snapshot.time_ms == T0 + STEP


def test_assemble_hands_market_status_and_listing_time_to_stage_one() -> None:
    holdings = Holdings(["5m"], capacity=8)
    frame = tickers([("A/B", T0 + STEP, 2.0), ("B/C", T0 + STEP, 3.0)])
    frame.statuses.extend(["break", "trading"])
    frame.listing_times_ms.extend([np.nan, 1.6e12])
    holdings.take(frame)
    holdings.take(candles([("A/B", T0, 1.0), ("B/C", T0, 2.0)]))
    snapshot = assemble(holdings.tickers, holdings.candles).snapshot
    assert snapshot.statuses.tolist() == ["break", "trading"]
    np.testing.assert_array_equal(snapshot.listing_time_ms, [np.nan, 1.6e12])


def test_assemble_waits_for_every_timeframe() -> None:
    holdings = Holdings(["5m", "1h"], capacity=8)
    holdings.take(candles([("A/B", T0, 1.0)]))
    with pytest.raises(InputsIncomplete, match="no closed 1h candles yet"):
        assemble(holdings.tickers, holdings.candles)
    assert lagging(holdings.candles) == ["1h"]


def test_the_assembled_real_window_screens_like_the_pipeline_on_the_same_data() -> None:
    holdings, frame = held_window()
    assert lagging(holdings.candles) == []
    inputs = assemble(holdings.tickers, holdings.candles)
    snapshot, expected_candles = expected_inputs(frame, window())
    for timeframe, candle_set in expected_candles.items():
        held = inputs.candles[timeframe]
        np.testing.assert_array_equal(held.timestamps, candle_set.timestamps)
        np.testing.assert_array_equal(held.close, candle_set.close)
        np.testing.assert_array_equal(held.volume, candle_set.volume)
    np.testing.assert_array_equal(inputs.snapshot.quote_volume_24h, snapshot.quote_volume_24h)
    pipeline = ScreeningPipeline(STAGES)
    held_result = pipeline.run(inputs.snapshot, inputs.candles)
    assert held_result.selected_symbols == pipeline.run(snapshot, expected_candles).selected_symbols


def test_a_timeframe_behind_the_others_is_lagging() -> None:
    holdings = Holdings(["5m", "15m"], capacity=8)
    fifteen = 3 * STEP
    holdings.take(candles([("A/B", T0, 1.0)], timeframe="15m"))
    holdings.take(candles([("A/B", T0 + i * STEP, 1.0) for i in range(3)]))
    assert lagging(holdings.candles) == []  # the 15m bar closed with the third 5m bar
    holdings.take(candles([("A/B", T0 + 3 * STEP + i * STEP, 1.0) for i in range(3)]))
    assert lagging(holdings.candles) == ["15m"]
    holdings.take(candles([("A/B", T0 + fifteen, 1.0)], timeframe="15m"))
    assert lagging(holdings.candles) == []


def test_indicator_frames_stand_in_for_what_the_pipeline_computed_at_the_last_bar() -> None:
    holdings, _ = held_window()
    pipeline = ScreeningPipeline(STAGES)
    first = pipeline.run(*_inputs(holdings))
    keys = precomputed_keys(first)
    assert ("5m", "natr_14") in keys and ("1h", "adx_14") in keys
    assert not any(key.startswith(("bandwidth", "volatility")) for _, key in keys)

    data = window()
    inputs = assemble(holdings.tickers, holdings.candles, precomputed=keys)
    symbols = inputs.snapshot.symbols.tolist()
    pairs = [symbol for symbol in symbols if symbol != "BTC/USDT"]  # no candles: not needed
    values = [float(index) for index in range(len(pairs))]
    frame = indicators_pb2.IndicatorFrame(
        timeframe="5m",
        bar_open_time_ms=int(data.five.timestamps[-1]),
        symbols=pairs,
        columns=[indicators_pb2.IndicatorColumn(name="natr_14", values=values)],
    )
    assert holdings.take(frame) == "indicators"
    inputs = assemble(holdings.tickers, holdings.candles, holdings.indicators, precomputed=keys)
    natr = inputs.candles["5m"].indicators["natr_14"]
    rows = [symbols.index(symbol) for symbol in pairs]
    np.testing.assert_array_equal(natr[rows, -1], values)
    assert np.isnan(natr[symbols.index("BTC/USDT")]).all()
    assert np.isnan(natr[:, :-1]).all()
    second = pipeline.run(inputs.snapshot, inputs.candles)
    assert not any(entry.startswith("5m natr_14") for entry in second.computed_indicators)
    # a frame missing a symbol that has the bar is not used
    partial = indicators_pb2.IndicatorFrame(
        timeframe="15m",
        bar_open_time_ms=int(inputs.candles["15m"].timestamps[-1]),
        symbols=pairs[1:],
        columns=[indicators_pb2.IndicatorColumn(name="adx_14", values=values[1:])],
    )
    holdings.take(partial)
    inputs = assemble(holdings.tickers, holdings.candles, holdings.indicators, precomputed=keys)
    assert "adx_14" not in inputs.candles["15m"].indicators


def _inputs(holdings: Holdings) -> tuple:
    inputs = assemble(holdings.tickers, holdings.candles)
    return inputs.snapshot, inputs.candles


def test_compare_selections_sees_members_and_ranking() -> None:
    same = compare_selections(("A", "B"), ("A", "B"))
    assert (same.changed, same.added, same.removed) == (False, (), ())
    swapped = compare_selections(("A", "B"), ("B", "A"))
    assert (swapped.changed, swapped.added, swapped.removed) == (True, (), ())
    moved = compare_selections(("A", "B", "C"), ("D", "A"))
    assert (moved.changed, moved.added, moved.removed) == (True, ("D",), ("B", "C"))
    assert compare_selections((), ()).changed is False


def test_scores_are_ordered_selected_first_then_by_progress_and_score() -> None:
    holdings, _ = held_window()
    result = ScreeningPipeline(STAGES).run(*_inputs(holdings))
    order = [result.symbols[i] for i in score_order(result)]
    selected = list(result.selected_symbols)
    assert order[: len(selected)] == selected
    passed = [int(result.stages_passed[result.index(s)]) for s in order]
    assert passed == sorted(passed, reverse=True)
    dropped_first = [s for s in order if result.stages_passed[result.index(s)] == 0]
    assert dropped_first == sorted(dropped_first)  # no scores: by symbol


def test_page_tokens_round_trip_and_junk_is_refused() -> None:
    assert decode_page_token(encode_page_token(7, 300, 2)) == (7, 300, 2)
    for junk in ("", "%%%", "bm90IGEgdG9rZW4", encode_page_token(1, 2, 3)[:-2]):
        with pytest.raises(ValueError, match="not one GetScores returned"):
            decode_page_token(junk)


def test_score_rows_hold_one_row_per_symbol_and_stage_entered() -> None:
    holdings, _ = held_window()
    result = ScreeningPipeline(STAGES).run(*_inputs(holdings))
    scored_at = datetime(2018, 1, 29, 23, 50, tzinfo=UTC)
    rows = score_rows("majors", result, scored_at)
    counts = result.counts
    assert len(rows) == counts.universe + counts.stage1 + counts.stage2
    by_key = {(row.symbol, row.stage): row for row in rows}
    btc = by_key[("BTC/USDT", 1)]
    assert not btc.passed and btc.score is None and ("BTC/USDT", 2) not in by_key
    lag = json.loads(btc.components)["candleLag"]
    assert lag == {"value": None, "threshold": 0, "passed": False}  # infinite lag
    leader = result.selection[0]
    top = by_key[(leader.symbol, 3)]
    assert (top.rank, top.selected, top.passed) == (1, True, True)
    assert top.score == pytest.approx(leader.score)
    detail = json.loads(top.components)
    assert detail["selection"]["passed"] is True
    assert detail["breakdown"]["components"] == pytest.approx(dict(leader.breakdown.components))
    stage2 = by_key[(leader.symbol, 2)]
    assert stage2.passed and stage2.score == pytest.approx(
        float(result.stage2_scores[result.index(leader.symbol)])
    )
    assert {row.regime for row in rows} == {result.regime.regime.value}
