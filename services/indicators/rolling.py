"""`RollingIndicators`: one timeframe's window and indicator state, fed closed bars (pure).

Each closed bar is classified per symbol:

- a symbol's next bar (later than its newest): applied incrementally, the kernels'
  `IncrementalSuite.update` advancing every symbol that has a bar at that open time (the
  others keep their state, as NaN bars do in batch);
- a bar already held with the same values: a duplicate (redelivery, a repeated
  backfill), ignored;
- older than the window: ignored;
- anything that changes history (a new symbol, a backfill, a revised or late-filled
  past bar, a symbol leaving, a catch-up of many bars): written to the window and the
  state rebuilt from it by one batch pass (`IncrementalSuite.from_history`).

So the values published for a bar equal a batch computation over every bar since the
last rebuild (`tradeplane.kernels.compute`), which the window holds as long as fewer than
`window_bars` bars arrived since; the recursive indicators (EMA, Wilder) forget older
bars geometrically, so a rebuild moves them only by what the window's start still
weighs (OBV, a running sum, restarts at the window's start).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from tradeplane.kernels import IncrementalSuite, Suite
from tradeplane.services.indicators.frames import FIELDS, BarValues, CandleRows
from tradeplane.services.indicators.window import CandleWindow

# A frame bringing more distinct new bars than this is applied by a rebuild: one batch
# pass over the window costs less than that many one-bar updates.
CATCH_UP_BARS = 16


@dataclass
class Ingested:
    """What one candle frame did."""

    bars: list[BarValues] = field(default_factory=list)
    """Values of the newest bar after each step that touched it, oldest first."""
    rebuilt: str = ""
    """Why the state was rebuilt ("" when it was not): first_bars, new_symbols,
    revised_bars, stale_symbols or catch_up (the first that applies)."""
    applied: int = 0  # rows applied incrementally
    ignored: dict[str, int] = field(default_factory=dict)  # reason -> rows
    dropped: tuple[str, ...] = ()  # symbols that left the window
    update_seconds: float = 0.0
    rebuild_seconds: float = 0.0

    def ignore(self, reason: str, rows: int) -> None:
        if rows:
            self.ignored[reason] = self.ignored.get(reason, 0) + rows


class RollingIndicators:
    """The window and incremental state of one (universe, timeframe)."""

    def __init__(
        self,
        *,
        suite: Suite,
        step_ms: int,
        window_bars: int,
        stale_after_bars: int,
        max_symbols: int,
        symbols: tuple[str, ...] = (),
    ) -> None:
        self.suite = suite
        self.window = CandleWindow(step_ms=step_ms, capacity=window_bars)
        self.stale_after_bars = stale_after_bars
        self.max_symbols = max_symbols
        self.allowed = frozenset(symbols)
        self.state: IncrementalSuite | None = None
        self.latest: BarValues | None = None

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(self.window.symbols)

    def ingest(self, rows: CandleRows) -> Ingested:
        """Take the closed bars of one candle frame; see the module docstring."""
        result = Ingested()
        names, times, values = self._admit(rows, result)
        if not len(names):
            return result
        window = self.window
        reasons = []
        fresh = [name for name in dict.fromkeys(names) if name not in window.index]
        if fresh:
            window.add_symbols(fresh)
            reasons.append("new_symbols")
        window.advance(int(times.max()))
        rows_at = np.array([window.index[name] for name in names], dtype=np.int64)
        seen = times <= window.last_ms[rows_at]  # at or before the symbol's newest bar
        same = np.zeros(len(names), dtype=bool)
        if seen.any():
            held = window.read(rows_at[seen], times[seen])
            same[seen] = (held == values[seen]).all(axis=1)
        result.ignore("duplicate", int(same.sum()))
        if (seen & ~same).any():
            reasons.append("revised_bars")
        changed = ~same
        window.write(rows_at[changed], times[changed], values[changed])
        result.dropped = self._drop_stale()
        if result.dropped:
            reasons.append("stale_symbols")
        advancing = changed & ~seen
        steps = np.unique(times[advancing])
        if self.state is None:
            reasons.insert(0, "first_bars")
        elif len(steps) > CATCH_UP_BARS:
            reasons.append("catch_up")
        if reasons:
            result.rebuilt = reasons[0]
            self._rebuild(result)
        else:
            self._advance(rows_at[advancing], times[advancing], values[advancing], steps, result)
        return result

    def _admit(
        self, rows: CandleRows, result: Ingested
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows of the universe's symbols (within `max_symbols`) that the window can
        hold; the others are counted in `result.ignored`."""
        names = np.array(rows.symbols, dtype=object)
        times, values = rows.open_times_ms, rows.values
        keep = np.ones(len(names), dtype=bool)
        if self.allowed:
            keep = np.array([name in self.allowed for name in rows.symbols], dtype=bool)
            result.ignore("outside_universe", int((~keep).sum()))
        index = self.window.index
        fresh = [name for name in dict.fromkeys(names[keep]) if name not in index]
        refused = set(fresh[max(self.max_symbols - len(index), 0) :])
        if refused:
            over = keep & np.array([name in refused for name in names], dtype=bool)
            result.ignore("over_max_symbols", int(over.sum()))
            keep &= ~over
        if keep.any():
            newest = int(times[keep].max())
            if self.window.newest_ms is not None:
                newest = max(newest, self.window.newest_ms)
            old = keep & (times <= newest - self.window.capacity * self.window.step_ms)
            result.ignore("too_old", int(old.sum()))
            keep &= ~old
        return names[keep], times[keep], values[keep]

    def _drop_stale(self) -> tuple[str, ...]:
        window = self.window
        assert window.newest_ms is not None
        limit = window.newest_ms - self.stale_after_bars * window.step_ms
        stale = tuple(window.symbols[row] for row in np.flatnonzero(window.last_ms < limit))
        window.remove_symbols(stale)
        return stale

    def _rebuild(self, result: Ingested) -> None:
        started = time.perf_counter()
        window = self.window
        if not len(window):
            self.state, self.latest = None, None
            return
        _, history = window.history()
        self.state, outputs = IncrementalSuite.from_history(history, self.suite)
        assert window.newest_ms is not None
        self.latest = BarValues(
            open_time_ms=window.newest_ms,
            symbols=self.symbols,
            values={name: values[:, -1].copy() for name, values in outputs.items()},
        )
        result.bars.append(self._snapshot())
        result.rebuild_seconds += time.perf_counter() - started

    def _advance(
        self,
        rows: np.ndarray,
        times: np.ndarray,
        values: np.ndarray,
        steps: np.ndarray,
        result: Ingested,
    ) -> None:
        """One incremental update per distinct open time, oldest first."""
        started = time.perf_counter()
        assert self.state is not None
        count = len(self.window)
        for step in steps.tolist():
            at = times == step
            bar = {}
            for column, name in enumerate(FIELDS):
                bar[name] = np.full(count, np.nan)
                bar[name][rows[at]] = values[at, column]
            outputs = self.state.update(bar)
            result.applied += int(at.sum())
            latest = self.latest
            if latest is None or step > latest.open_time_ms:
                blank = {name: np.full(count, np.nan) for name in self.suite.outputs}
                latest = self.latest = BarValues(step, self.symbols, blank)
            if step == latest.open_time_ms:
                for name, column_values in latest.values.items():
                    column_values[rows[at]] = outputs[name][rows[at]]
                result.bars.append(self._snapshot())
        result.update_seconds += time.perf_counter() - started

    def _snapshot(self) -> BarValues:
        latest = self.latest
        assert latest is not None
        copied = {name: values.copy() for name, values in latest.values.items()}
        return BarValues(latest.open_time_ms, latest.symbols, copied)
