"""CUDA driver: bars-major device buffers, one thread per (symbol, block group).

numba.cuda is imported only when the GPU path is used, so CPU-only hosts never load the
CUDA libraries. Results are float64 and equal the CPU backend's (same arithmetic; the
CUDA target may contract a multiply and an add into one FMA, which moves the last bit).

Layout: the API's arrays are symbols-major (symbols, bars), in which a warp's 32 threads
(32 symbols) would read addresses a whole row apart. On the device the candles, outputs
and state are kept bars-major instead, so each warp access is coalesced; a tiled
transpose converts at the edges (inputs in, outputs out), which costs one extra read and
write of each array at device bandwidth. A `Workspace` keeps those buffers, the plan's
parameters and the state scratch between calls, so repeated runs of one shape allocate
nothing (every run starts from fresh state).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba.core import config

from .. import layout as L
from ..errors import InvalidParameter
from ..plan import Plan
from .groups import GroupPlan, plan_groups

logger = logging.getLogger(__name__)

# Measured on an H200 (benchmarks/gpu_variants.py): rings in global memory (cached) with
# 128-thread blocks beat rings in shared memory, which caps the blocks per multiprocessor.
THREADS_PER_BLOCK = 128
RINGS_IN_SHARED = False
# "fused": one thread per (symbol, block) over all bars, 2.35 ms for the screener suite on
# 5000 x 1000 on an H200. "chunked" (kernels.gpu.chunks): one thread per (symbol, chunk of
# bars, block); the same outputs, not yet timed on a device (benchmarks/gpu_variants.py).
# "chunked-streams": the same launches on a stream per group, so they can overlap.
SCHEDULES = ("fused", "chunked", "chunked-streams")
SCHEDULE = "fused"
SHARED_BYTES = 48 * 1024  # dynamic shared memory a kernel gets without opting in to more
FIELDS = 4  # high, low, close, volume


def rings_fit_in_shared(ring_slots: int, threads: int) -> bool:
    """Whether `threads` threads' rings of `ring_slots` fit in SHARED_BYTES."""
    return ring_slots * 8 * threads <= SHARED_BYTES


def simulator() -> bool:
    """True when numba's CUDA simulator is on (NUMBA_ENABLE_CUDASIM=1)."""
    return bool(config.ENABLE_CUDASIM)


@functools.cache
def device_present() -> bool:
    """True when a real CUDA device and driver are usable (never under the simulator)."""
    if simulator():
        return False
    try:
        from numba import cuda

        return bool(cuda.is_available())
    except Exception as error:  # a broken CUDA install must not break the CPU path
        logger.info("CUDA not usable: %s", error)
        return False


def usable() -> tuple[bool, str]:
    """(True, how) when the GPU kernels can run here, else (False, why not)."""
    if simulator():
        return True, "numba CUDA simulator (NUMBA_ENABLE_CUDASIM=1)"
    if device_present():
        return True, "CUDA device"
    return False, "no CUDA device or driver found (numba.cuda.is_available() is False)"


@dataclass(eq=False)
class Workspace:
    """Device buffers for one plan and one (symbols, bars) shape, reused across runs.

    `candles` (4, bars, symbols) and `out` (planes, bars, symbols) are the bars-major
    arrays the kernel reads and writes; `run_resident` computes from the first into the
    second without any transpose or host transfer. `threads_per_block` and
    `rings_in_shared` start at the module's measured defaults (benchmarks/gpu_variants.py
    varies them).
    """

    plan: Plan
    symbols: int
    bars: int
    groups: GroupPlan
    threads_per_block: int
    rings_in_shared: bool
    params: tuple[Any, ...]  # per-group need and int params, float params, slot (device)
    floats: Any  # (groups, N_FLOAT_STATE, symbols)
    ints: Any  # (groups, N_INT_STATE, symbols)
    rings: Any  # (groups, ring slots, symbols); unused while the rings are in shared memory
    candles: Any  # (4, bars, symbols)
    out: Any  # (planes, bars, symbols)

    @classmethod
    def allocate(cls, plan: Plan, symbols: int, bars: int) -> Workspace:
        from numba import cuda

        return cls.with_groups(
            plan,
            symbols,
            bars,
            plan_groups(plan),
            candles=cuda.device_array((FIELDS, bars, symbols)),
            out=cuda.device_array((len(plan.suite.outputs), bars, symbols)),
        )

    @classmethod
    def with_groups(
        cls, plan: Plan, symbols: int, bars: int, groups: GroupPlan, *, candles: Any, out: Any
    ) -> Workspace:
        """A workspace running `groups` over the given bars-major candles and outputs."""
        from numba import cuda

        count = groups.groups
        arrays = (groups.need, groups.int_params, plan.float_params, plan.slot)
        return cls(
            plan=plan,
            symbols=symbols,
            bars=bars,
            groups=groups,
            threads_per_block=THREADS_PER_BLOCK,
            rings_in_shared=RINGS_IN_SHARED
            and rings_fit_in_shared(groups.ring_slots, THREADS_PER_BLOCK),
            params=tuple(cuda.to_device(array) for array in arrays),
            floats=cuda.device_array((count, L.N_FLOAT_STATE, symbols)),
            ints=cuda.device_array((count, L.N_INT_STATE, symbols), dtype=np.int64),
            rings=cuda.device_array((count, groups.ring_slots, symbols)),
            candles=candles,
            out=out,
        )

    def fits(self, plan: Plan, symbols: int, bars: int) -> bool:
        return self.plan.suite == plan.suite and (self.symbols, self.bars) == (symbols, bars)

    def run_resident(self, kernel: Any = None) -> None:
        """Compute every output from `candles` into `out` (both bars-major, on the device),
        with `fused` or another kernel of its signature (benchmarks/gpu_variants.py)."""
        from .kernel import fused

        kernel = fused if kernel is None else kernel
        need, int_params, float_params, slot = self.params
        threads = self.threads_per_block
        grid = ((self.symbols + threads - 1) // threads, self.groups.groups)
        shared_bytes = self.groups.ring_slots * 8 * threads if self.rings_in_shared else 0
        high, low, close, volume = (self.candles[f] for f in range(FIELDS))
        kernel[grid, threads, 0, shared_bytes](
            high,
            low,
            close,
            volume,
            int_params,
            float_params,
            need,
            slot,
            self.floats,
            self.ints,
            self.rings,
            symbols_major_view(self.out),
            self.rings_in_shared,
        )

    def load(self, high: Any, low: Any, close: Any, volume: Any) -> None:
        """Transpose symbols-major device candles into the bars-major `candles`."""
        load_candles(self.candles, high, low, close, volume)

    def unload(self, out: Any) -> None:
        """Transpose the bars-major outputs into `out`, a symbols-major device array."""
        transpose_device(self.out, out)


def symbols_major_view(out: Any) -> Any:
    """The (planes, symbols, bars) view of bars-major (planes, bars, symbols) device memory."""
    if simulator():
        return out.transpose((0, 2, 1))
    from numba.cuda.cudadrv.devicearray import DeviceNDArray

    planes, bars, symbols = out.shape
    plane_stride, bar_stride, symbol_stride = out.strides
    return DeviceNDArray(
        (planes, symbols, bars),
        (plane_stride, symbol_stride, bar_stride),
        out.dtype,
        gpu_data=out.gpu_data,
    )


def load_candles(candles: Any, high: Any, low: Any, close: Any, volume: Any) -> None:
    """candles[f] = field f transposed: symbols-major (symbols, bars) device arrays into
    the bars-major (4, bars, symbols) `candles`, every field NaN on an invalid bar
    (`kernel.transpose_masked_candles`)."""
    from .kernel import TILE, TILE_ROWS, transpose_masked_candles

    _, bars, symbols = candles.shape
    grid = (-(-bars // TILE), -(-symbols // TILE))
    transpose_masked_candles[grid, (TILE, TILE_ROWS)](high, low, close, volume, candles)


def transpose_device(source: Any, target: Any) -> None:
    """target[n, j, i] = source[n, i, j] for n < source.shape[0], on the device."""
    from .kernel import TILE, TILE_ROWS, transpose

    planes, rows, cols = source.shape
    grid = ((cols + TILE - 1) // TILE, (rows + TILE - 1) // TILE, planes)
    transpose[grid, (TILE, TILE_ROWS)](source, target)


# the last one used, with the schedule asked for: device memory for one shape at a time
_workspace: list[tuple[str, Any]] = []


def workspace_for(plan: Plan, symbols: int, bars: int, schedule: str | None = None) -> Any:
    """A workspace for `plan` at this shape and `schedule` (default SCHEDULE): the last
    one when it fits, else a new one. The chunked schedule falls back to the fused one
    for windows too long for its threads' rings."""
    schedule = schedule or SCHEDULE
    if schedule not in SCHEDULES:
        raise InvalidParameter(
            "schedule", f"unknown GPU schedule {schedule!r}: use one of {SCHEDULES}"
        )
    if _workspace and _workspace[0][0] == schedule and _workspace[0][1].fits(plan, symbols, bars):
        return _workspace[0][1]
    _workspace.clear()  # release the old buffers before allocating the new ones
    from .chunked import ChunkedWorkspace
    from .chunks import plan_chunks

    if schedule != "fused" and plan_chunks(plan).fits():  # a chunked schedule
        concurrent = schedule == "chunked-streams"
        workspace = ChunkedWorkspace.allocate(plan, symbols, bars, concurrent=concurrent)
    else:
        workspace = Workspace.allocate(plan, symbols, bars)
    _workspace.append((schedule, workspace))
    return workspace


def run_batch_device(
    high: Any, low: Any, close: Any, volume: Any, plan: Plan, out: Any, schedule: str | None = None
) -> None:
    """Run the suite on symbols-major device arrays (symbols, bars) into `out`, a device
    array (planes, symbols, bars): transpose in, compute, transpose out."""
    symbols, bars = close.shape
    workspace = workspace_for(plan, symbols, bars, schedule)
    workspace.load(high, low, close, volume)
    workspace.run_resident()
    workspace.unload(out)


def run_batch(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
    plan: Plan,
    out: np.ndarray,
) -> None:
    """Copy host inputs to the device, run the suite, copy the outputs into `out`."""
    from numba import cuda

    staged: dict[int, Any] = {}  # fields the plan does not read repeat one that it does
    inputs = []
    for array in (high, low, close, volume):
        if id(array) not in staged:
            staged[id(array)] = cuda.to_device(array)
        inputs.append(staged[id(array)])
    device_out = cuda.device_array(out.shape, dtype=np.float64)
    run_batch_device(*inputs, plan, device_out)
    device_out.copy_to_host(out)
    cuda.synchronize()
