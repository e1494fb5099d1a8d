"""Stale candles excluded."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..checks import Check, LazyNotes
from ..inputs import timeframe_ms
from ..statistics import last_finite_lag
from .common import UniverseContext, UniverseFilter, at_most

_SEARCH_BARS = 64  # how far back a missing symbol's last bar is looked for


class CandleLagFilter(UniverseFilter):
    """Drops symbols whose latest candle lags the latest closed bar by more than `maxBars`.

    For each timeframe given, the latest closed bar at the snapshot time is the one that
    opened one bar before the current bar; a symbol's lag is how many bars its last finite
    close is older than that (worst timeframe counts). Inclusive: a lag of exactly
    `maxBars` passes. The later stages read the latest bar, so the default is 0.
    """

    key = "candle_lag"
    measure = "candle lag"
    max_bars = Parameter(
        0, minimum=0, maximum=1000, unit="bars", description="Most bars a symbol's candles may lag."
    )

    def check(self, context: UniverseContext) -> Check:
        size = len(context.snapshot)
        worst = np.zeros(size)
        worst_timeframe = np.full(size, "", dtype=object)
        for timeframe, candles in context.source.candles.items():
            step = timeframe_ms(timeframe)
            expected_open = (context.snapshot.time_ms // step) * step - step
            behind = max(0, (expected_open - int(candles.timestamps[-1])) // step)
            lag = last_finite_lag(candles.close, min(_SEARCH_BARS, candles.bars)) + behind
            lag = np.where(np.isnan(lag), np.inf, lag)
            worse = lag > worst
            worst = np.where(worse, lag, worst)
            worst_timeframe[worse] = timeframe
        passed = at_most(worst, self.max_bars)

        def note(index: int) -> str:
            missing = " (no bar in the recent window)" if np.isinf(worst[index]) else ""
            return f"worst on {worst_timeframe[index]}{missing}"

        notes = LazyNotes(np.flatnonzero(~passed), note)
        return self.make_check(
            worst, passed, comparison="<=", threshold=self.max_bars, unit="bars", notes=notes
        )
