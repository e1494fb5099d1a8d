"""Device buffers and launches of the chunked schedule (`kernels.gpu.chunks`).

The same bars-major candles and outputs as the fused `Workspace`, and the same transposes
at the edges; in between, the checkpoint pass (one launch per restored block, one thread
per symbol), then the chunk threads (one launch per group, the Stochastic RSIs last:
they read the RSI planes the others write). Each block has kernels of its own, compiled
with only its code (`kernel.only`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidParameter
from ..plan import Plan
from .chunks import (
    CHECKPOINT_SLOTS,
    RING_CAPACITY,
    ChunkPlan,
    chunk_bars,
    plan_chunks,
    restored_floats,
)

THREADS_PER_BLOCK = 128
FIELDS = 4


@dataclass(eq=False)
class ChunkedWorkspace:
    """Device buffers for one plan, one (symbols, bars) shape and one chunk length.

    `candles` (4, bars, symbols) and `out` (planes, bars, symbols; scratch RSI planes past
    the requested ones) are bars-major, as in `driver.Workspace`.
    """

    plan: Plan
    chunks: ChunkPlan
    symbols: int
    bars: int
    chunk: int  # bars per chunk
    threads_per_block: int
    blocks: tuple[int, ...]  # the block of each group
    floats_of: np.ndarray  # (first, count) of the float slots each checkpoint row saves
    params: tuple[Any, ...]  # device copies of the per-group rows the kernels read
    saved: Any  # (checkpoint rows, CHECKPOINT_SLOTS, chunks, symbols)
    candles: Any
    out: Any

    @classmethod
    def allocate(
        cls,
        plan: Plan,
        symbols: int,
        bars: int,
        *,
        chunk: int | None = None,
        candles: Any = None,
        out: Any = None,
    ) -> ChunkedWorkspace:
        """Buffers for `plan`; `candles` and `out` may be given (a fused workspace's, in
        the benchmarks) when `out` has room for the scratch planes."""
        from numba import cuda

        chunks = plan_chunks(plan)
        if not chunks.fits():
            raise InvalidParameter(
                "schedule",
                f"the suite's windows need {chunks.ring_slots} ring slots per thread, more "
                f"than the chunked schedule's {RING_CAPACITY}; use the fused schedule",
            )
        chunk = chunk or chunk_bars(symbols, bars)
        floats_of = restored_floats(chunks)
        arrays = (
            chunks.int_params,
            plan.float_params,
            chunks.slot,
            chunks.quiet_slot,
            chunks.warm,
            chunks.restore,
            floats_of,
        )
        if candles is None:
            candles = cuda.device_array((FIELDS, bars, symbols))
        if out is None or out.shape[0] < chunks.planes:
            out = cuda.device_array((chunks.planes, bars, symbols))
        rows = max(len(chunks.restored), 1)
        return cls(
            plan=plan,
            chunks=chunks,
            symbols=symbols,
            bars=bars,
            chunk=chunk,
            threads_per_block=THREADS_PER_BLOCK,
            blocks=tuple(int(block) for block in chunks.need.argmax(axis=1)),
            floats_of=floats_of,
            params=tuple(cuda.to_device(array) for array in arrays),
            saved=cuda.device_array((rows, CHECKPOINT_SLOTS, -(-bars // chunk), symbols)),
            candles=candles,
            out=out,
        )

    def fits(self, plan: Plan, symbols: int, bars: int) -> bool:
        return self.plan.suite == plan.suite and (self.symbols, self.bars) == (symbols, bars)

    def run_resident(self) -> None:
        """Compute every output from `candles` into `out` (both on the device)."""
        self.run_checkpoints()
        self.run_chunks()

    def run_checkpoints(self) -> None:
        """The first pass: the restored blocks' state at every chunk's first bar."""
        from .kernel import checkpoint_kernel

        if self.chunk >= self.bars:
            return  # one chunk: every thread starts fresh
        P, F = self.params[:2]
        for row, group in enumerate(self.chunks.restored):
            first, count = (int(value) for value in self.floats_of[row])
            checkpoint_kernel(self.blocks[group])[self._across(), self.threads_per_block](
                *self._candles(), P, F, int(group), row, first, count, self.saved,
                self._out(), self.chunk,
            )  # fmt: skip

    def run_chunks(self) -> None:
        """The chunk threads, one launch per group in the plan's order."""
        from .kernel import chunked_kernel

        grid = (self._across(), -(-self.bars // self.chunk))
        for group, block in enumerate(self.blocks):
            chunked_kernel(block)[grid, self.threads_per_block](
                *self._candles(), *self.params, self.saved, self._out(), self.chunk, group
            )

    def load(self, high: Any, low: Any, close: Any, volume: Any) -> None:
        """Transpose symbols-major device candles into the bars-major `candles`."""
        from .driver import load_candles

        load_candles(self.candles, high, low, close, volume)

    def unload(self, out: Any) -> None:
        """Transpose the requested bars-major outputs into `out` (symbols-major)."""
        from .driver import transpose_device

        transpose_device(self.out[: len(self.plan.suite.outputs)], out)

    def _across(self) -> int:
        return -(-self.symbols // self.threads_per_block)

    def _candles(self) -> tuple[Any, ...]:
        return tuple(self.candles[f] for f in range(FIELDS))

    def _out(self) -> Any:
        from .driver import symbols_major_view

        return symbols_major_view(self.out)
