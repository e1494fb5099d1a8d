"""`IncrementalSuite`: every indicator's running state for all symbols, one bar at a time.

`update(bar)` advances every symbol by one bar in O(symbols) work (windowed indicators
cost O(window) per symbol) and returns the newest value of every output. It runs the very
kernel the batch path runs, on a one-bar window, so its values equal the batch
recomputation's last column. Symbols whose bar is missing (NaN) keep their state and get
NaN for that bar, as in batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .cpu import run_batch
from .engine import FIELDS, as_matrix, gather_inputs
from .errors import InvalidInput
from .params import Suite
from .plan import make_plan


class IncrementalSuite:
    """Running state of `suite` for `symbols` symbols (CPU)."""

    def __init__(self, symbols: int, suite: Suite | None = None) -> None:
        if symbols < 1:
            raise InvalidInput(f"symbols must be at least 1, got {symbols}")
        self.suite = suite if suite is not None else Suite()
        self._plan = make_plan(self.suite)
        self._state = self._plan.new_state(symbols)
        self.symbols = symbols

    @classmethod
    def from_history(
        cls, candles: Mapping[str, Any], suite: Suite | None = None
    ) -> tuple[IncrementalSuite, dict[str, np.ndarray]]:
        """Warm the state on (symbols, bars) history; returns it with the batch outputs."""
        suite = suite if suite is not None else Suite()
        plan = make_plan(suite)
        arrays, one_dimensional = gather_inputs(candles, plan)
        if one_dimensional:
            raise InvalidInput("history must be (symbols, bars) arrays")
        symbols, bars = arrays[2].shape
        state = cls(symbols, suite)
        out = np.empty((len(suite.outputs), symbols, bars))
        args = (plan.int_params, plan.float_params, plan.need, plan.slot)
        run_batch(*arrays, *args, state._state, out)
        return state, {name: out[plane] for plane, name in enumerate(suite.outputs)}

    @property
    def bars_seen(self) -> np.ndarray:
        """Valid bars each symbol has been advanced by (int64, (symbols,))."""
        return self._state[1][:, 0].copy()

    def update(self, bar: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Advance every symbol by one bar; `bar` maps fields to (symbols,) arrays.

        Returns {output: (symbols,) array} with the newest values.
        """
        arrays = {}
        for name in self._plan.fields:
            if bar.get(name) is None:
                raise InvalidInput(f"bar is missing {name!r}; the suite reads {self._plan.fields}")
            values = as_matrix(name, bar[name])
            if values.shape != (self.symbols,):
                raise InvalidInput(
                    f"bar[{name!r}] has shape {values.shape}; expected ({self.symbols},)"
                )
            arrays[name] = values.reshape(self.symbols, 1)
        first = arrays[self._plan.fields[0]]
        inputs = [arrays.get(name, first) for name in FIELDS]
        out = np.empty((len(self.suite.outputs), self.symbols, 1))
        plan = self._plan
        args = (plan.int_params, plan.float_params, plan.need, plan.slot)
        run_batch(*inputs, *args, self._state, out)
        return {name: out[plane, :, 0] for plane, name in enumerate(self.suite.outputs)}


__all__ = ["IncrementalSuite"]
