"""Helpers shared by the blocks, and the decorator that registers a block with numba."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from numba.extending import overload

from ..jitable import jitable, register_cuda

# Fast-math flags for the CPU blocks: reassociation lets LLVM vectorise the window sums,
# `arcp` turns divisions by a loop constant into multiplications. Never "nnan"/"ninf":
# the blocks test for NaN.
CPU_FASTMATH = frozenset({"reassoc", "contract", "nsz", "arcp"})


def block(function: Callable[..., Any]) -> Callable[..., Any]:
    """Make `function` callable from numba code: fast math and inlined on the CPU, plain on CUDA.

    The Python function itself is returned unchanged (the CUDA simulator calls it).
    """
    # inlined into the body: a call with a dozen array arguments, each passed field by
    # field, costs more than a block's work on one bar (the incremental update)
    jit_options = {"fastmath": set(CPU_FASTMATH), "forceinline": True}
    overload(function, target="cpu", jit_options=jit_options, strict=False)(lambda *a: function)
    overload(function, target="cuda", strict=False)(lambda *a: function)
    register_cuda(function)  # numba-cuda's own registry (see kernels.jitable)
    return function


@jitable(inline="always")
def valid(high, low, close, volume, s, t):
    """True when bar t of symbol s has every input finite.

    One test on the sum: it is finite exactly when all four are (NaN and inf propagate;
    finite inputs near 1e308 that overflow are not prices). Written as two ordered
    comparisons because under fast math LLVM folds math.isfinite(a + b) to True.
    """
    total = high[s, t] + low[s, t] + close[s, t] + volume[s, t]
    return -math.inf < total < math.inf


@jitable(inline="always")
def emit(out, plane, s, t, value):
    """Write `value` into `plane` when that output was requested (plane >= 0).

    Every output goes through here, so a block run with every plane at -1 writes nothing:
    the GPU's chunked schedule runs blocks that way to warm them up and to checkpoint them.
    """
    if plane >= 0:
        out[plane, s, t] = value
