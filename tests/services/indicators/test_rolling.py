"""The rolling state against batch recomputations with the kernels (no bus)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.services.indicators.helpers import (
    STEP_MS,
    bars_of,
    candle_frame,
    masked,
    open_time,
    random_candles,
)
from tradeplane.kernels import OUTPUTS, Suite, compute
from tradeplane.services.indicators.frames import BarValues, candle_rows
from tradeplane.services.indicators.rolling import CATCH_UP_BARS, RollingIndicators

SUITE = Suite(outputs=OUTPUTS)  # every output, so every running state is exercised
NAMES = ("AAA/USDT", "BBB/USDT", "CCC/USDT")


def rolling(**overrides: object) -> RollingIndicators:
    settings: dict = {
        "suite": SUITE,
        "step_ms": STEP_MS,
        "window_bars": 400,
        "stale_after_bars": 12,
        "max_symbols": 100,
        **overrides,
    }
    return RollingIndicators(**settings)


def feed(state: RollingIndicators, candles: dict, cells: list, **frame_options: object):
    frame = candle_frame(candles, NAMES, cells, **frame_options)  # type: ignore[arg-type]
    return state.ingest(candle_rows(frame, exchange="ex", timeframe="5m", step_ms=STEP_MS))


def assert_matches_batch(bar: BarValues, candles: dict, held: np.ndarray, rows: list[int]) -> None:
    """`bar` equals the last column of a batch compute over the held bars up to it."""
    last = (bar.open_time_ms - open_time(0)) // STEP_MS
    history = masked(candles, held)
    expected = compute(
        {name: values[rows, : last + 1] for name, values in history.items()}, SUITE, backend="cpu"
    )
    assert bar.symbols == tuple(NAMES[row] for row in rows)
    for name in SUITE.outputs:
        np.testing.assert_allclose(
            bar.values[name], expected[name][:, -1], rtol=1e-9, atol=1e-9, equal_nan=True,
            err_msg=name,
        )  # fmt: skip


def test_backfill_then_each_closed_bar_equals_a_batch_recomputation() -> None:
    candles = random_candles(3, 131)  # the last bar is only ever seen forming
    held = np.zeros((3, 131), dtype=bool)
    state = rolling()
    held[:, :100] = True
    result = feed(state, candles, bars_of([0, 1, 2], range(100)), forming=[(0, 100)])
    assert result.rebuilt == "first_bars"
    (bar,) = result.bars
    assert bar.open_time_ms == open_time(99)
    assert_matches_batch(bar, candles, held, [0, 1, 2])
    for step in range(100, 130):
        held[:, step] = True
        result = feed(state, candles, bars_of([0, 1, 2], [step]), forming=[(1, step + 1)])
        assert not result.rebuilt and result.applied == 3
        (bar,) = result.bars
        assert bar.open_time_ms == open_time(step)
        assert_matches_batch(bar, candles, held, [0, 1, 2])


def test_a_late_symbol_updates_the_bar_already_published() -> None:
    candles = random_candles(3, 61, seed=3)
    held = np.zeros((3, 61), dtype=bool)
    held[:, :60] = True
    state = rolling()
    feed(state, candles, bars_of([0, 1, 2], range(60)))
    held[[0, 1], 60] = True
    (first,) = feed(state, candles, bars_of([0, 1], [60])).bars
    assert np.isnan(first.values["rsi"][2])  # no bar of CCC yet: NaN, as in batch
    assert_matches_batch(first, candles, held, [0, 1, 2])
    held[2, 60] = True
    late = feed(state, candles, bars_of([2], [60]))
    assert not late.rebuilt and late.applied == 1
    (bar,) = late.bars
    assert bar.open_time_ms == open_time(60)
    assert_matches_batch(bar, candles, held, [0, 1, 2])


def test_a_symbol_listed_later_joins_with_its_own_history_only() -> None:
    candles = random_candles(3, 90, seed=5)
    held = np.zeros((3, 90), dtype=bool)
    held[:2, :80] = True
    state = rolling()
    feed(state, candles, bars_of([0, 1], range(80)))
    held[2, 50:81] = True
    held[:2, 80] = True
    result = feed(state, candles, [*bars_of([2], range(50, 81)), *bars_of([0, 1], [80])])
    assert result.rebuilt == "new_symbols"
    assert state.symbols == NAMES
    assert_matches_batch(result.bars[-1], candles, held, [0, 1, 2])
    held[:, 81:90] = True
    for step in range(81, 90):
        (bar,) = feed(state, candles, bars_of([0, 1, 2], [step])).bars
    assert_matches_batch(bar, candles, held, [0, 1, 2])


def test_gaps_are_skipped_as_in_batch() -> None:
    candles = random_candles(3, 70, seed=11)
    held = np.ones((3, 70), dtype=bool)
    held[1, 40:43] = False  # BBB has no candles for three bars
    state = rolling()
    feed(state, candles, bars_of([0, 1, 2], range(40)))
    for step in range(40, 70):
        rows = [row for row in range(3) if held[row, step]]
        (bar,) = feed(state, candles, bars_of(rows, [step])).bars
        assert_matches_batch(bar, candles, held, [0, 1, 2])


def test_duplicates_are_ignored_and_a_revised_bar_rebuilds() -> None:
    candles = random_candles(3, 50, seed=2)
    state = rolling()
    feed(state, candles, bars_of([0, 1, 2], range(50)))
    again = feed(state, candles, bars_of([0, 1, 2], range(45, 50)))
    assert again.ignored == {"duplicate": 15} and not again.bars and not again.rebuilt
    candles["close"][1, 30] *= 1.01
    candles["high"][1, 30] = max(candles["high"][1, 30], candles["close"][1, 30])
    revised = feed(state, candles, bars_of([1], [30]))
    assert revised.rebuilt == "revised_bars"
    assert_matches_batch(revised.bars[-1], candles, np.ones((3, 50), dtype=bool), [0, 1, 2])


def test_a_long_catch_up_rebuilds_in_one_pass() -> None:
    candles = random_candles(3, 60, seed=4)
    state = rolling()
    feed(state, candles, bars_of([0, 1, 2], range(20)))
    result = feed(state, candles, bars_of([0, 1, 2], range(20, 21 + CATCH_UP_BARS)))
    assert result.rebuilt == "catch_up"
    held = np.ones((3, 60), dtype=bool)
    assert_matches_batch(result.bars[-1], candles, held, [0, 1, 2])


def test_incremental_values_keep_history_beyond_the_window_until_a_rebuild() -> None:
    candles = random_candles(3, 140, seed=9)
    state = rolling(window_bars=60, stale_after_bars=200)
    feed(state, candles, bars_of([0, 1], range(60)))
    for step in range(60, 140):
        (bar,) = feed(state, candles, bars_of([0, 1], [step])).bars
    held = np.zeros((3, 140), dtype=bool)
    held[:2] = True
    assert_matches_batch(bar, candles, held, [0, 1])  # every bar since the first rebuild
    result = feed(state, candles, bars_of([2], [139]))  # a new symbol: rebuilt from the window
    assert result.rebuilt == "new_symbols"
    window_only = held.copy()
    window_only[:, :80] = False
    window_only[2, 139] = True
    assert_matches_batch(result.bars[-1], candles, window_only, [0, 1, 2])
    old = feed(state, candles, bars_of([0], [70]))
    assert old.ignored == {"too_old": 1} and not old.bars


def test_stale_symbols_leave_and_others_are_filtered() -> None:
    candles = random_candles(3, 40, seed=6)
    state = rolling(stale_after_bars=3, symbols=("AAA/USDT", "BBB/USDT"))
    first = feed(state, candles, bars_of([0, 1, 2], range(30)))
    assert first.ignored == {"outside_universe": 30}
    assert state.symbols == ("AAA/USDT", "BBB/USDT")
    for step in range(30, 33):
        result = feed(state, candles, bars_of([0], [step]))
        assert not result.dropped
    result = feed(state, candles, bars_of([0], [33]))
    assert result.dropped == ("BBB/USDT",) and result.rebuilt == "stale_symbols"
    assert result.bars[-1].symbols == ("AAA/USDT",)


def test_symbols_beyond_the_maximum_are_ignored() -> None:
    candles = random_candles(3, 30, seed=8)
    state = rolling(max_symbols=2)
    result = feed(state, candles, bars_of([0, 1, 2], range(30)))
    assert state.symbols == ("AAA/USDT", "BBB/USDT")
    assert result.ignored == {"over_max_symbols": 30}


@pytest.mark.parametrize("bars", [1, 2])
def test_first_bars_publish_nan_until_the_lookback_is_covered(bars: int) -> None:
    candles = random_candles(3, bars, seed=1)
    state = rolling()
    (bar,) = feed(state, candles, bars_of([0, 1, 2], range(bars))).bars
    assert np.isnan(bar.values["rsi"]).all()
    assert np.isfinite(bar.values["obv"]).all()  # OBV has no look-back
    assert_matches_batch(bar, candles, np.ones((3, bars), dtype=bool), [0, 1, 2])
