"""The CUDA kernels; imported only when the GPU path runs (they load numba.cuda).

Device arrays are bars-major: candles (bars, symbols), outputs (planes, bars, symbols),
state (slots, symbols). The kernel hands `run_symbol` transposed views of them, so the
fused body indexes `close[s, t]` as on the CPU while neighbouring threads (neighbouring
symbols) touch neighbouring addresses: every load and store of a warp is coalesced.

`fused` is the fused schedule's kernel; the chunked schedule's (`kernels.gpu.chunks`)
are made one per block by `checkpoint_kernel` and `chunked_kernel`. They avoid `min`,
which numba's own CUDA target types through a CPU overload that fails (numba-cuda
compiles it).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from numba import cuda

from .. import layout as L
from ..blocks.common import valid
from ..body import run_symbol
from ..jitable import jitable
from .chunks import (
    C_COUNT,
    C_FIRST,
    C_PARAMS,
    C_QUIET,
    C_RESTORE,
    C_SLOT,
    C_WARM,
    CHECKPOINT_FLOATS,
    RING_CAPACITY,
)

FLOAT_DTYPE = np.dtype(np.float64)  # an instance: the simulator reads its itemsize
INT_DTYPE = np.dtype(np.int64)
STAGE = 8  # bars of candles a checkpoint thread loads in one burst
# local array sizes must be plain globals (numba types `L.N_...` as a non-constant int)
N_FLOAT_STATE = L.N_FLOAT_STATE
N_INT_STATE = L.N_INT_STATE
# every output plane -1, as a constant: inlined into a block, each write and the
# arithmetic that only feeds it compile away (a slot array would test them at run time)
NO_PLANES = (-1,) * L.N_OUTPUTS
TILE = 32  # transpose tile edge (one warp wide)
TILE_PADDED = TILE + 1  # a spare column: the tile's columns fall in different memory banks
TILE_ROWS = 8  # rows of threads per transpose block: each thread moves TILE // TILE_ROWS


@cuda.jit
def fused(
    high, low, close, volume, P, F, need, slot, fs, ks, rg, out, rings_in_shared
):  # pragma: no cover
    """Thread (s, g) runs group g's block (`need[g]`, `P[g]`) of symbol s over all bars,
    from fresh state.

    `fs` and `ks` are (groups, slots, symbols): every group keeps its own float and int
    state (the groups of a symbol run at the same time and each counts valid bars). The
    rings live in dynamic shared memory when `rings_in_shared` (each thread's slots
    interleaved with its neighbours', so a warp's accesses hit distinct banks), else in
    `rg`, (groups, ring slots, symbols) in global memory. `out` is already the
    (planes, symbols, bars) view of the bars-major outputs (made by the driver: numba-cuda
    cannot permute a 3-D array's axes inside a kernel).
    """
    s = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
    g = cuda.blockIdx.y
    symbols = close.shape[1]
    if s >= symbols:
        return
    floats = fs[g].T
    ints = ks[g].T
    for slot_index in range(L.N_FLOAT_STATE):
        floats[s, slot_index] = 0.0
    for slot_index in range(L.N_INT_STATE):
        ints[s, slot_index] = 0
    if rings_in_shared:
        shared = cuda.shared.array(0, dtype=FLOAT_DTYPE)
        rings = shared[cuda.threadIdx.x :: cuda.blockDim.x]
    else:
        rings = rg[g].T[s]
    run_symbol(
        s,
        high.T,
        low.T,
        close.T,
        volume.T,
        0,
        close.shape[0],
        P[g],
        F,
        need[g],
        slot,
        floats[s],
        ints[s],
        rings,
        out,
        0,
    )


@jitable()
def fresh(fs, ks):  # pragma: no cover
    """Zero a thread's float and int state (each symbol starts from nothing)."""
    for slot_index in range(fs.shape[0]):
        fs[slot_index] = 0.0
    for slot_index in range(ks.shape[0]):
        ks[slot_index] = 0


def only(block: int) -> tuple[int, ...]:
    """`need` for one block as a constant: inlined, the other blocks' code compiles away,
    so each block's kernel holds only its own registers (RSI 60, Bollinger 125 on sm_90)."""
    return tuple(int(other == block) for other in range(L.N_BLOCKS))


@functools.cache
def checkpoint_kernel(block: int) -> Any:
    """The checkpoint pass of `block`, a RESTORED block (see `checkpoint` inside)."""
    need = only(block)

    @cuda.jit
    def checkpoint(
        high, low, close, volume, table, F, saved, out, chunk, group
    ):  # pragma: no cover
        """Thread s runs `group` over every bar of symbol s with no output planes
        (NO_PLANES: only the state is computed), and saves its state as it stands at the
        first bar of each chunk c > 0 into `saved[row, :, c, s]` (row: the group's
        checkpoint row): its float slots [first, first + count), then the valid-bar count.

        The fields are (bars, symbols) planes of the masked candles (`chunks.field_planes`);
        `table` is the `chunks.launch_table`. They are loaded STAGE bars at a time into
        local memory (branch-free, so the loads issue together): the block's own per-bar
        loads would each wait a full memory latency, and this pass runs one thread per
        symbol.
        """
        s = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
        symbols = close.shape[1]
        bars = close.shape[0]
        if s >= symbols:
            return
        P = table[group, C_PARAMS:C_SLOT]
        row = table[group, C_RESTORE]
        first = table[group, C_FIRST]
        count = table[group, C_COUNT]
        fs = cuda.local.array(N_FLOAT_STATE, FLOAT_DTYPE)
        ks = cuda.local.array(N_INT_STATE, INT_DTYPE)
        fresh(fs, ks)
        tile = cuda.local.array((4, 1, STAGE), FLOAT_DTYPE)  # (field, one symbol, bars)
        chunks = (bars + chunk - 1) // chunk
        for c in range(chunks):
            if c > 0:
                for m in range(count):
                    saved[row, m, c, s] = fs[first + m]
                saved[row, CHECKPOINT_FLOATS, c, s] = ks[L.K_COUNT]
            if c == chunks - 1:
                break
            end = (c + 1) * chunk
            for c0 in range(c * chunk, end, STAGE):
                n = STAGE if c0 + STAGE <= end else end - c0
                for m in range(STAGE):
                    t = c0 + m if c0 + m < bars else bars - 1  # a short stage repeats a bar
                    tile[0, 0, m] = high[t, s]
                    tile[1, 0, m] = low[t, s]
                    tile[2, 0, m] = close[t, s]
                    tile[3, 0, m] = volume[t, s]
                run_symbol(
                    0, tile[0], tile[1], tile[2], tile[3], 0, n, P, F, need, NO_PLANES,
                    fs, ks, fs, out, c0,  # out is never written
                )  # fmt: skip

    return checkpoint


@functools.cache
def chunked_kernel(block: int) -> Any:
    """The chunk threads of `block` (see `chunked` inside)."""
    need = only(block)

    @cuda.jit
    def chunked(high, low, close, volume, table, F, saved, out, chunk, group):  # pragma: no cover
        """Thread (s, c) runs `group` of symbol s over chunk c's bars, from the state the
        block has at the chunk's first bar (`kernels.gpu.chunks`): restored from `saved`
        (checkpointed groups), or reached by running the block, fresh and with no output
        planes, over the group's warm-up bars (valid ones) before the chunk.

        The fields are (bars, symbols) planes of the masked candles (`chunks.field_planes`);
        `table` is the `chunks.launch_table`. State and rings live in the thread's local
        memory.
        """
        s = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
        c = cuda.blockIdx.y
        symbols = close.shape[1]
        bars = close.shape[0]
        if s >= symbols:
            return
        t0 = c * chunk
        t1 = t0 + chunk if t0 + chunk < bars else bars
        fs = cuda.local.array(N_FLOAT_STATE, FLOAT_DTYPE)
        ks = cuda.local.array(N_INT_STATE, INT_DTYPE)
        rings = cuda.local.array(RING_CAPACITY, FLOAT_DTYPE)
        fresh(fs, ks)
        row = table[group, C_RESTORE]
        if row >= 0 and c > 0:
            first = table[group, C_FIRST]
            for m in range(table[group, C_COUNT]):
                fs[first + m] = saved[row, m, c, s]
            ks[L.K_COUNT] = int(saved[row, CHECKPOINT_FLOATS, c, s])
        high_t, low_t, close_t, volume_t = high.T, low.T, close.T, volume.T
        start = t0
        left = table[group, C_WARM]
        while start > 0 and left > 0:
            start -= 1
            if valid(high_t, low_t, close_t, volume_t, s, start):
                left -= 1
        P = table[group, C_PARAMS:C_SLOT]
        # one call site (the body is inlined once): the warm-up, then the chunk itself
        for phase in range(2):
            a = start if phase == 0 else t0
            b = t0 if phase == 0 else t1
            planes = table[group, C_QUIET:C_WARM] if phase == 0 else table[group, C_SLOT:C_QUIET]
            if a < b:
                run_symbol(
                    s, high_t, low_t, close_t, volume_t, a, b, P, F, need, planes, fs, ks,
                    rings, out, a,
                )  # fmt: skip

    return chunked


@cuda.jit(device=True)
def move_tile(source, target):  # pragma: no cover
    """target[j, i] = source[i, j] over this thread block's TILE x TILE tile (2-D arrays).

    Reads and writes go through a shared-memory tile, so both sides move whole rows of a
    warp at a time.
    """
    tile = cuda.shared.array((TILE, TILE_PADDED), FLOAT_DTYPE)
    row0 = cuda.blockIdx.y * TILE
    col0 = cuda.blockIdx.x * TILE
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    rows = source.shape[0]
    cols = source.shape[1]
    for k in range(0, TILE, TILE_ROWS):
        i = row0 + ty + k
        j = col0 + tx
        if i < rows and j < cols:
            tile[ty + k, tx] = source[i, j]
    cuda.syncthreads()
    for k in range(0, TILE, TILE_ROWS):
        j = col0 + ty + k
        i = row0 + tx
        if j < cols and i < rows:
            target[j, i] = tile[tx, ty + k]


@cuda.jit
def transpose(source, target):  # pragma: no cover
    """target[n, j, i] = source[n, i, j]: plane n = blockIdx.z."""
    n = cuda.blockIdx.z
    move_tile(source[n], target[n])


@cuda.jit
def transpose_masked_candles(high, low, close, volume, target):  # pragma: no cover
    """target[f] = field f transposed, NaN on every bar whose four fields are not all
    finite (the test of `blocks.common.valid`), for the four candle fields in one launch.

    The masking changes no output of the fused kernel, which skips invalid bars; it lets a
    chunked group read only its block's fields (`chunks.field_planes`). Each thread block
    moves one TILE x TILE tile of all four fields, so it sees every field of a bar before
    it writes any.
    """
    tiles = cuda.shared.array((4, TILE, TILE_PADDED), FLOAT_DTYPE)
    row0 = cuda.blockIdx.y * TILE  # symbols
    col0 = cuda.blockIdx.x * TILE  # bars
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    rows = close.shape[0]
    cols = close.shape[1]
    for k in range(0, TILE, TILE_ROWS):
        i = row0 + ty + k
        j = col0 + tx
        if i < rows and j < cols:
            tiles[0, ty + k, tx] = high[i, j]
            tiles[1, ty + k, tx] = low[i, j]
            tiles[2, ty + k, tx] = close[i, j]
            tiles[3, ty + k, tx] = volume[i, j]
    cuda.syncthreads()
    for k in range(0, TILE, TILE_ROWS):
        j = col0 + ty + k
        i = row0 + tx
        if j < cols and i < rows:
            total = tiles[0, tx, ty + k] + tiles[1, tx, ty + k]  # summed as `valid` sums
            total += tiles[2, tx, ty + k]
            total += tiles[3, tx, ty + k]
            finite = -math.inf < total < math.inf
            for field in range(4):
                target[field, j, i] = tiles[field, tx, ty + k] if finite else math.nan
