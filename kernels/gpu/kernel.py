"""The CUDA kernel; imported only when the GPU path runs (it loads numba.cuda)."""

from __future__ import annotations

from numba import cuda

from ..body import run_symbol


@cuda.jit
def fused(high, low, close, volume, P, F, need, slot, fs, ks, rg, out):  # pragma: no cover
    """One thread per symbol: the same fused body as the CPU driver."""
    s = cuda.grid(1)
    if s < close.shape[0]:
        bars = close.shape[1]
        run_symbol(
            s, high, low, close, volume, 0, bars, P, F, need, slot, fs[s], ks[s], rg[s], out, 0
        )
