"""The CUDA kernels; imported only when the GPU path runs (they load numba.cuda).

Device arrays are bars-major: candles (bars, symbols), outputs (planes, bars, symbols),
state (slots, symbols). The kernel hands `run_symbol` transposed views of them, so the
fused body indexes `close[s, t]` as on the CPU while neighbouring threads (neighbouring
symbols) touch neighbouring addresses: every load and store of a warp is coalesced.
"""

from __future__ import annotations

import numpy as np
from numba import cuda

from .. import layout as L
from ..body import run_symbol

FLOAT_DTYPE = np.dtype(np.float64)  # an instance: the simulator reads its itemsize
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
def transpose_candles(high, low, close, volume, target):  # pragma: no cover
    """target[f] = field f transposed, for the four candle fields in one launch."""
    field = cuda.blockIdx.z
    source = high
    if field == 1:
        source = low
    elif field == 2:
        source = close
    elif field == 3:
        source = volume
    move_tile(source, target[field])
