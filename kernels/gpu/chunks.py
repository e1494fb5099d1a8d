"""The chunked GPU schedule's plan: threads over (symbol, chunk of bars, block).

One thread per (symbol, block) runs each symbol's bars one after another: a few thousand
symbols keep the GPU's latency hiding starved (an H200 ran each block alone in over a
millisecond at 5000 symbols). The chunked schedule cuts the bars into chunks and gives
every (symbol, chunk, block) a thread, which must then begin its chunk in the state the
block would have reached there:

- Blocks whose whole state is a few numbers and the valid-bar count (RESTORED: RSI, MACD,
  ATR, EMA, ADX, OBV) are restored from checkpoints. A first pass, one thread per symbol
  and block, runs the block over every bar with no output planes (nothing stored, so little
  computed) and saves its state at each chunk's first bar.
- Every other block depends only on its last few valid bars: its thread starts fresh
  `warm` valid bars before the chunk, with no output planes, which fills its windows as
  they stand at the chunk's first bar (running sums are added afresh, so they may differ
  from a whole-history run in the last bits). Where fewer valid bars precede the chunk the
  thread starts at bar 0, as the symbol does.
- The Stochastic RSIs read an RSI plane (as they do on the CPU when RSI of their period is
  requested), launched after the groups that write it; an RSI of another period is
  computed into a scratch plane past the requested ones.

Results equal the fused kernel's, up to the last bits of the running sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import layout as L
from ..engine import FIELDS
from ..plan import FIELDS_OF_BLOCK, Plan
from .groups import plan_groups

# blocks whose state is their float slots (start, count) and the valid-bar count
RESTORED: dict[int, tuple[int, int]] = {
    L.B_RSI: (L.S_RSI, 3),
    L.B_MACD: (L.S_MACD, 3),
    L.B_ATR: (L.S_ATR, 2),
    L.B_EMA: (L.S_EMA, 1),
    L.B_ADX: (L.S_ADX, 7),
    L.B_OBV: (L.S_OBV, 2),
}
CHECKPOINT_FLOATS = max(count for _, count in RESTORED.values())
CHECKPOINT_SLOTS = CHECKPOINT_FLOATS + 1  # the floats, then the valid-bar count
STOCHASTIC = (L.B_SRSI, L.B_SK)  # the blocks of the second launch
RING_CAPACITY = 256  # ring slots a chunk thread holds in local memory (a compile-time size)
THREAD_CHUNKS = 100_000  # (symbol, chunk) pairs per block to aim for
MIN_CHUNK_BARS = 32  # below this the warm-up outweighs the chunk


def warmup_bars(P: np.ndarray, block: int) -> int:
    """Valid bars a fresh `block` must see before its outputs equal a whole-history run's
    (0 for the RESTORED blocks, which are restored instead)."""
    windows = {
        L.B_BB: P[L.P_BB] - 1,
        L.B_WILLR: P[L.P_WILLR] - 1,
        L.B_DON: P[L.P_DON] - 1,
        L.B_CCI: P[L.P_CCI] - 1,
        L.B_SMA: P[L.P_SMA] - 1,
        L.B_VOL: P[L.P_VOL] - 1,
        L.B_ROC: P[L.P_ROC],  # the close p bars back
        L.B_VOLATILITY: P[L.P_VOLATILITY],  # p returns need p + 1 closes
        # RSI is read from its plane from the first bar; its windows fill after P_SRSI
        L.B_SRSI: P[L.P_SRSI] + P[L.P_SRSI_FASTK] - 1 + P[L.P_SRSI_FASTD] - 1,
        L.B_SK: P[L.P_SK] + P[L.P_SK_FASTK] - 1 + P[L.P_SK_SLOWK] - 1 + P[L.P_SK_SLOWD] - 1,
    }
    return int(windows.get(block, 0))


def chunk_bars(symbols: int, bars: int) -> int:
    """Bars per chunk: enough chunks for about THREAD_CHUNKS threads per block, none
    shorter than MIN_CHUNK_BARS."""
    chunks = max(1, min(-(-THREAD_CHUNKS // max(symbols, 1)), bars // MIN_CHUNK_BARS))
    return -(-bars // chunks)


@dataclass(frozen=True, eq=False)
class ChunkPlan:
    """Per-group rows (one block each), in launch order: the Stochastic RSIs last.

    `restore[g]` is the group's row in the checkpoints (-1: warmed up instead);
    `quiet_slot` is `slot` with every plane -1 but the RSI a Stochastic RSI reads.
    """

    need: np.ndarray  # int64 (groups, N_BLOCKS)
    int_params: np.ndarray  # int64 (groups, N_INT_PARAMS): rings from 0 per group
    slot: np.ndarray  # int64 (groups, N_OUTPUTS)
    quiet_slot: np.ndarray  # int64 (groups, N_OUTPUTS)
    warm: np.ndarray  # int64 (groups,)
    restore: np.ndarray  # int64 (groups,)
    planes: int  # output planes, the scratch RSI planes included
    ring_slots: int

    @property
    def groups(self) -> int:
        return int(self.need.shape[0])

    @property
    def restored(self) -> np.ndarray:
        """The groups that are checkpointed, in checkpoint-row order."""
        return np.flatnonzero(self.restore >= 0)

    def fits(self) -> bool:
        """Whether every group's rings fit a chunk thread's RING_CAPACITY."""
        return self.ring_slots <= RING_CAPACITY


def plan_chunks(plan: Plan) -> ChunkPlan:
    """The chunked schedule of `plan`: its groups, plus an RSI group per Stochastic RSI
    period that no requested RSI provides."""
    groups = plan_groups(plan)
    blocks = [int(np.flatnonzero(row)[0]) for row in groups.need]
    planes = len(plan.suite.outputs)
    rows = []  # (block, int params, slot)
    rsi_planes: dict[int, int] = {}
    for group, block in enumerate(blocks):
        params = groups.int_params[group].copy()
        if block == L.B_RSI:
            rsi_planes[int(params[L.P_RSI])] = int(plan.slot[L.O_RSI])
        rows.append((block, params, plan.slot.copy()))
    for group, block in enumerate(blocks):
        if block not in STOCHASTIC:
            continue
        period = int(plan.int_params[L.P_SRSI if block == L.B_SRSI else L.P_SK])
        if period not in rsi_planes:
            rsi_planes[period] = planes
            params = plan.int_params.copy()
            params[L.P_RSI] = period
            slot = np.full(L.N_OUTPUTS, -1, dtype=np.int64)
            slot[L.O_RSI] = planes
            rows.append((L.B_RSI, params, slot))
            planes += 1
        _, params, slot = rows[group]
        params[L.P_RSI] = period  # read the plane instead of computing RSI again
        slot[L.O_RSI] = rsi_planes[period]
    rows.sort(key=lambda row: row[0] in STOCHASTIC)  # stable: the RSI planes come first

    need = np.zeros((len(rows), L.N_BLOCKS), dtype=np.int64)
    restore = np.full(len(rows), -1, dtype=np.int64)
    quiet = np.full((len(rows), L.N_OUTPUTS), -1, dtype=np.int64)
    restored = 0
    for group, (block, _, slot) in enumerate(rows):
        need[group, block] = 1
        if block in RESTORED:
            restore[group] = restored
            restored += 1
        if block in STOCHASTIC:
            quiet[group, L.O_RSI] = slot[L.O_RSI]
    return ChunkPlan(
        need=need,
        int_params=np.stack([params for _, params, _ in rows]),
        slot=np.stack([slot for _, _, slot in rows]),
        quiet_slot=quiet,
        warm=np.array([warmup_bars(params, block) for block, params, _ in rows], dtype=np.int64),
        restore=restore,
        planes=planes,
        ring_slots=groups.ring_slots,
    )


# Columns of `launch_table`: everything a chunked kernel reads about its group in one
# int64 row, so a launch passes one array for it (numba-cuda spends microseconds of host
# time on each array argument of a launch).
C_PARAMS = 0  # N_INT_PARAMS int parameters, rings from 0
C_SLOT = C_PARAMS + L.N_INT_PARAMS  # N_OUTPUTS output planes
C_QUIET = C_SLOT + L.N_OUTPUTS  # N_OUTPUTS planes while warming up
C_WARM = C_QUIET + L.N_OUTPUTS  # valid bars to warm up over
C_RESTORE = C_WARM + 1  # checkpoint row, or -1
C_FIRST = C_RESTORE + 1  # first float slot a checkpoint row saves
C_COUNT = C_FIRST + 1  # float slots it saves (0 when not restored)
TABLE_COLUMNS = C_COUNT + 1


def launch_table(chunks: ChunkPlan) -> np.ndarray:
    """int64 (groups, TABLE_COLUMNS): each group's row of parameters for the kernels."""
    table = np.zeros((chunks.groups, TABLE_COLUMNS), dtype=np.int64)
    table[:, C_PARAMS:C_SLOT] = chunks.int_params
    table[:, C_SLOT:C_QUIET] = chunks.slot
    table[:, C_QUIET:C_WARM] = chunks.quiet_slot
    table[:, C_WARM] = chunks.warm
    table[:, C_RESTORE] = chunks.restore
    for group in chunks.restored:
        table[group, C_FIRST : C_COUNT + 1] = RESTORED[int(np.flatnonzero(chunks.need[group])[0])]
    return table


def field_planes(block: int) -> tuple[int, int, int, int]:
    """The candle plane each of `block`'s four field arguments (high, low, close, volume)
    reads: its own for the fields the block reads, the first of those for the others.

    The chunked schedule's candles are masked (`kernel.transpose_masked_candles`: every
    field NaN on a bar that is invalid), so any field the block reads carries the whole
    validity test, and a block over close alone loads one value per bar instead of four.
    """
    read = [FIELDS.index(name) for name in FIELDS_OF_BLOCK[block]]
    high, low, close, volume = (plane if plane in read else read[0] for plane in range(4))
    return high, low, close, volume
