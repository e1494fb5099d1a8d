"""Device buffers and launches of the chunked schedule (`kernels.gpu.chunks`).

The same bars-major candles and outputs as the fused `Workspace`, and the same transposes
at the edges; in between, a checkpoint pass (one thread per symbol and restored block),
then the chunk threads in two launches (the Stochastic RSIs after the RSI planes they
read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


class RingsTooLarge(ValueError):
    """The suite's windows need more ring slots than a chunk thread holds."""


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
    params: tuple[Any, ...]  # device copies of the per-group rows
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
            raise RingsTooLarge(
                f"the suite's windows need {chunks.ring_slots} ring slots per thread, more "
                f"than the chunked schedule's {RING_CAPACITY}; use the fused schedule"
            )
        chunk = chunk or chunk_bars(symbols, bars)
        count = -(-bars // chunk)
        rows = chunks.restored
        arrays = (
            chunks.need,
            chunks.int_params,
            plan.float_params,
            chunks.slot,
            chunks.quiet_slot,
            chunks.warm,
            chunks.restore,
            restored_floats(chunks),
            rows,
        )
        if candles is None:
            candles = cuda.device_array((FIELDS, bars, symbols))
        if out is None or out.shape[0] < chunks.planes:
            out = cuda.device_array((chunks.planes, bars, symbols))
        return cls(
            plan=plan,
            chunks=chunks,
            symbols=symbols,
            bars=bars,
            chunk=chunk,
            threads_per_block=THREADS_PER_BLOCK,
            params=tuple(cuda.to_device(array) for array in arrays),
            saved=cuda.device_array((max(len(rows), 1), CHECKPOINT_SLOTS, count, symbols)),
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
        from .kernel import checkpoint

        need, P, F, _, _, _, _, floats_of, rows = self.params
        restored = len(self.chunks.restored)
        if restored and self.chunk < self.bars:
            checkpoint[(self._across(), restored), self.threads_per_block](
                *self._candles(), P, F, need, rows, floats_of, self.saved, self._out(),
                self.chunk,
            )  # fmt: skip

    def run_chunks(self) -> None:
        """The chunk threads: two launches, the Stochastic RSIs after the RSI planes."""
        from .kernel import chunked

        need, P, F, slot, quiet, warm, restore, floats_of, _ = self.params
        count = -(-self.bars // self.chunk)
        first = self.chunks.first_launch
        for start, groups in ((0, first), (first, self.chunks.groups - first)):
            if groups:
                chunked[(self._across(), count, groups), self.threads_per_block](
                    *self._candles(), P, F, need, slot, quiet, warm, restore, floats_of,
                    self.saved, self._out(), self.chunk, start,
                )  # fmt: skip

    def _across(self) -> int:
        return -(-self.symbols // self.threads_per_block)

    def _candles(self) -> tuple[Any, ...]:
        return tuple(self.candles[f] for f in range(FIELDS))

    def _out(self) -> Any:
        from .driver import symbols_major_view

        return symbols_major_view(self.out)

    def load(self, high: Any, low: Any, close: Any, volume: Any) -> None:
        """Transpose symbols-major device candles into the bars-major `candles`."""
        from .driver import load_candles

        load_candles(self.candles, high, low, close, volume)

    def unload(self, out: Any) -> None:
        """Transpose the requested bars-major outputs into `out` (symbols-major)."""
        from .driver import transpose_device

        transpose_device(self.out[: len(self.plan.suite.outputs)], out)
