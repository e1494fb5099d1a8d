"""Which block each GPU thread runs: one thread per (symbol, needed block).

A symbol's indicators are sequential in time but independent of one another, so the GPU
runs them side by side, one thread each. With a few thousand symbols that multiplies the
threads in flight, and each thread's chain of dependent steps is one indicator's, not the
whole suite's. The Stochastic RSIs then compute their own RSI (the same steps as the RSI
block, so the same values) instead of reading RSI's output plane.

Each group gets its own copy of the integer parameters with its ring buffers laid out
from offset 0, so a thread holds only its own block's rings (small enough for shared
memory, where a launch asks for that).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import layout as L
from ..plan import Plan, ring_layout


@dataclass(frozen=True, eq=False)
class GroupPlan:
    """The per-group view of a plan: flags, parameters and ring sizes, one row per group."""

    need: np.ndarray  # int64 (groups, N_BLOCKS): the one block each group runs
    int_params: np.ndarray  # int64 (groups, N_INT_PARAMS): rings rebased per group
    ring_slots: int  # ring slots of the largest group (at least 1)

    @property
    def groups(self) -> int:
        return int(self.need.shape[0])


def plan_groups(plan: Plan) -> GroupPlan:
    """One group per needed block, each with its rings from offset 0."""
    blocks = [block for block in range(L.N_BLOCKS) if plan.need[block]]
    if not blocks:
        raise ValueError("the plan needs no block")
    layout = ring_layout(plan.suite)
    need = np.zeros((len(blocks), L.N_BLOCKS), dtype=np.int64)
    params = np.repeat(plan.int_params[None, :], len(blocks), axis=0)
    largest = 1
    for group, block in enumerate(blocks):
        need[group, block] = 1
        offset = 0
        for owner, index, size in layout:
            if owner == block:
                params[group, index] = offset
                offset += size
        largest = max(largest, offset)
        if block != L.B_RSI:
            # no RSI plane written by this thread: the Stochastic RSIs compute their own
            params[group, L.P_RSI] = 0
    return GroupPlan(need=need, int_params=params, ring_slots=largest)
