"""Device buffers and launches of the chunked schedule (`kernels.gpu.chunks`).

The same bars-major candles and outputs as the fused `Workspace`, and the same transposes
at the edges. The candles come in masked (`kernel.transpose_masked_candles`), so each group
reads only the fields its block uses (`chunks.field_planes`). In between,
the checkpoint pass (one launch per restored block, one thread per symbol), then the chunk
threads (one launch per group, the Stochastic RSIs last: they read the RSI planes the
others write). Each block has kernels of its own, compiled with only its code
(`kernel.only`).

Launches are serial on the default stream, or (the "chunked-streams" schedule,
`concurrent`) each group gets a stream of its own: a checkpoint pass has one thread per
symbol, far too few to fill a GPU, and each launch otherwise waits for the previous one's
last threads. Events order what depends: every stream waits for the work queued before the
run (the candles' load), the Stochastic RSIs for the groups that write RSI planes, and the
default stream for every group before the outputs are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import layout as L
from ..errors import InvalidParameter
from ..plan import Plan
from .chunks import (
    CHECKPOINT_SLOTS,
    RING_CAPACITY,
    STOCHASTIC,
    ChunkPlan,
    chunk_bars,
    field_planes,
    launch_table,
    plan_chunks,
)
from .driver import FIELDS, load_candles, simulator, symbols_major_view, transpose_device

THREADS_PER_BLOCK = 128
DEFAULT_STREAM = 0  # numba's name for the default stream in event calls


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
    concurrent: bool
    blocks: tuple[int, ...]  # the block of each group
    fields: tuple[tuple[Any, ...], ...]  # each group's four field planes of `candles`
    table: Any  # device copy of chunks.launch_table: each group's parameters
    float_params: Any  # device copy of the plan's float parameters
    saved: Any  # (checkpoint rows, CHECKPOINT_SLOTS, chunks, symbols)
    candles: Any
    out: Any
    # the (planes, symbols, bars) array the kernels write: a view of `out` (gpu_variants.py
    # points it at a symbols-major array to time the outputs written without a transpose)
    out_view: Any
    streams: list[Any] = field(default_factory=list)  # one per group, made on first use
    events: list[Any] = field(default_factory=list)  # (see `_streams`)

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
        concurrent: bool = False,
    ) -> ChunkedWorkspace:
        """Buffers for `plan`; `candles` (filled by `load`) and `out` may be given (the
        benchmarks share them), `out` when it has room for the scratch planes.
        `concurrent`: a stream per group (the "chunked-streams" schedule)."""
        from numba import cuda

        chunks = plan_chunks(plan)
        if not chunks.fits():
            raise InvalidParameter(
                "schedule",
                f"the suite's windows need {chunks.ring_slots} ring slots per thread, more "
                f"than the chunked schedule's {RING_CAPACITY}; use the fused schedule",
            )
        chunk = chunk or chunk_bars(symbols, bars)
        if candles is None:
            candles = cuda.device_array((FIELDS, bars, symbols))
        if out is None or out.shape[0] < chunks.planes:
            out = cuda.device_array((chunks.planes, bars, symbols))
        rows = max(len(chunks.restored), 1)
        blocks = tuple(int(block) for block in chunks.need.argmax(axis=1))
        return cls(
            plan=plan,
            chunks=chunks,
            symbols=symbols,
            bars=bars,
            chunk=chunk,
            threads_per_block=THREADS_PER_BLOCK,
            concurrent=concurrent,
            blocks=blocks,
            fields=tuple(
                tuple(candles[plane] for plane in field_planes(block)) for block in blocks
            ),
            table=cuda.to_device(launch_table(chunks)),
            float_params=cuda.to_device(plan.float_params),
            saved=cuda.device_array((rows, CHECKPOINT_SLOTS, -(-bars // chunk), symbols)),
            candles=candles,
            out=out,
            out_view=symbols_major_view(out),
        )

    def fits(self, plan: Plan, symbols: int, bars: int) -> bool:
        return self.plan.suite == plan.suite and (self.symbols, self.bars) == (symbols, bars)

    def run_resident(self) -> None:
        """Compute every output from `candles` into `out` (both on the device)."""
        if not self.concurrent:
            self.run_checkpoints()
            self.run_chunks()
            return
        streams, queued, finished = self._streams()
        queued.record(DEFAULT_STREAM)  # the candles' load and anything before it
        for group, block in enumerate(self.blocks):
            stream = streams[group]
            queued.wait(stream)
            if block in STOCHASTIC:  # after every RSI plane (all come before them)
                for writer in range(group):
                    if self.blocks[writer] == L.B_RSI:
                        finished[writer].wait(stream)
            self._launch_group(group, stream)
            finished[group].record(stream)
        for event in finished:
            event.wait(DEFAULT_STREAM)

    def run_checkpoints(self, groups: list[int] | None = None) -> None:
        """The first pass: the restored blocks' state at every chunk's first bar, for
        `groups` (default all restored ones)."""
        for group in self.chunks.restored if groups is None else groups:
            self._checkpoint(int(group), DEFAULT_STREAM)

    def run_chunks(self, groups: list[int] | None = None) -> None:
        """The chunk threads, one launch per group (`groups`, default all) in plan order."""
        for group in range(len(self.blocks)) if groups is None else groups:
            self._chunks(group, DEFAULT_STREAM)

    def load(self, high: Any, low: Any, close: Any, volume: Any) -> None:
        """Transpose symbols-major device candles into the bars-major `candles`, masked."""
        load_candles(self.candles, high, low, close, volume)

    def unload(self, out: Any) -> None:
        """Transpose the requested bars-major outputs into `out` (symbols-major)."""
        transpose_device(self.out[: len(self.plan.suite.outputs)], out)

    def _launch_group(self, group: int, stream: Any) -> None:
        if self.chunks.restore[group] >= 0:
            self._checkpoint(group, stream)
        self._chunks(group, stream)

    def _checkpoint(self, group: int, stream: Any) -> None:
        from .kernel import checkpoint_kernel

        if self.chunk >= self.bars:
            return  # one chunk: every thread starts fresh
        kernel = checkpoint_kernel(self.blocks[group])
        kernel[self._across(), self.threads_per_block, stream](*self._args(group))

    def _chunks(self, group: int, stream: Any) -> None:
        from .kernel import chunked_kernel

        grid = (self._across(), -(-self.bars // self.chunk))
        kernel = chunked_kernel(self.blocks[group])
        kernel[grid, self.threads_per_block, stream](*self._args(group))

    def _args(self, group: int) -> tuple[Any, ...]:
        return (
            *self.fields[group], self.table, self.float_params, self.saved, self.out_view,
            self.chunk, group,
        )  # fmt: skip

    def _streams(self) -> tuple[list[Any], Any, list[Any]]:
        """A stream per group, an event for the work queued before a run, and one for each
        group's end: made on first use, then re-recorded every run."""
        from numba import cuda

        if not self.streams:
            # events without timing where the device allows (the simulator takes no flag)
            make = cuda.event if simulator() else lambda: cuda.event(timing=False)
            self.streams = [cuda.stream() for _ in self.blocks]
            self.events = [make() for _ in range(len(self.blocks) + 1)]
        return self.streams, self.events[-1], self.events[:-1]

    def _across(self) -> int:
        return -(-self.symbols // self.threads_per_block)
