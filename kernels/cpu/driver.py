"""numba drivers: `run_batch` runs the fused body for every symbol in a `prange`;
`run_batch_lanes` (the path of `compute`) first runs groups of W symbols that share their
valid bars through the vectorised lane kernel (`kernels.cpu.lane_pass`), then the rest.

Compiled with `cache=True`, so a process pays the compile once per installation; the
services call `warmup()` at start so that compilation never lands on the hot path.
numba keys its cache on this file alone, not on the modules the kernel is built from, so
`_drop_stale_cache` discards the cached machine code whenever any kernels source changed.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numba
import numpy as np
from numba import njit, prange
from numba.core.errors import NumbaIRAssumptionWarning

from .. import layout as L
from ..body import run_symbol
from ..plan import BLOCK_OF_OUTPUT
from .lane_pass import LANE_BLOCKS, gather, lane_pass, scatter
from .lanes import W

# numba's own pedantic IR check fires on the vectorised lane kernel's phi nodes; it says
# nothing about our code or its results (the lane tests compare with TA-Lib).
warnings.filterwarnings("ignore", category=NumbaIRAssumptionWarning)

logger = logging.getLogger(__name__)


def _drop_stale_cache() -> None:
    """Delete this module's numba cache when any source file of the kernels changed."""
    package = Path(__file__).resolve().parents[1]
    cache = Path(__file__).resolve().parent / "__pycache__"
    try:
        digest = hashlib.sha256()
        for source in sorted(package.rglob("*.py")):
            digest.update(source.read_bytes())
        stamp = cache / "kernels-sources.sha256"
        if stamp.is_file() and stamp.read_text() == digest.hexdigest():
            return
        for stale in [*cache.glob("driver.*.nbi"), *cache.glob("driver.*.nbc")]:
            stale.unlink()
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest.hexdigest())
    except OSError as error:  # a read-only install: its sources cannot change either
        logger.debug("numba cache check skipped: %s", error)


_drop_stale_cache()


SYMBOLS_PER_CHUNK = 256  # symbols a thread takes at a time


# no NRT: the body allocates nothing, and the reference counting of the per-symbol row
# views (atomic operations, contended between threads) cost more than the one-bar update
@njit(parallel=True, cache=True, nogil=True, _nrt=False)
def _run_batch(high, low, close, volume, P, F, need, slot, fs, ks, rg, out, symbols):
    bars = close.shape[1]
    for i in prange(symbols.size):
        s = symbols[i]
        run_symbol(
            s, high, low, close, volume, 0, bars, P, F, need, slot, fs[s], ks[s], rg[s], out, 0
        )


def run_batch(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
    int_params: np.ndarray,
    float_params: np.ndarray,
    need: np.ndarray,
    slot: np.ndarray,
    state: tuple[np.ndarray, np.ndarray, np.ndarray],
    out: np.ndarray,
    symbols: np.ndarray | None = None,
) -> None:
    """Advance `state` over every bar of the (symbols, bars) inputs, writing `out`.

    `symbols` (int64 indices) limits the work to those symbols; the default is all.
    """
    floats, ints, rings = state
    if symbols is None:
        symbols = _all_symbols(close.shape[0])
    chunksize = numba.set_parallel_chunksize(SYMBOLS_PER_CHUNK)  # see `run_batch_lanes`
    try:
        _run_batch(
            high, low, close, volume, int_params, float_params, need, slot, floats, ints,
            rings, out, symbols,
        )  # fmt: skip
    finally:
        numba.set_parallel_chunksize(chunksize)


_ALL: list[np.ndarray] = [np.arange(0, dtype=np.int64)]


def _all_symbols(count: int) -> np.ndarray:
    """np.arange(count), kept between calls (the incremental path asks every bar)."""
    if _ALL[0].size != count:
        _ALL[0] = np.arange(count, dtype=np.int64)
    return _ALL[0]


GROUPS_PER_TASK = 4  # lane groups per parallel task (one set of scratch arrays each)


@njit(parallel=True, cache=True, nogil=True)
def _run_lanes(high, low, close, volume, P, F, need, slot, lane_plane, out, done):
    bars = close.shape[1]
    groups = done.size
    tasks = (groups + GROUPS_PER_TASK - 1) // GROUPS_PER_TASK
    for task in prange(tasks):
        x = np.empty((4, bars, W))
        o = np.empty((out.shape[0] + 2, bars, W))
        tmp = np.empty((6, bars, W))
        rows = np.empty(bars, dtype=np.int64)
        for group in range(task * GROUPS_PER_TASK, min(groups, (task + 1) * GROUPS_PER_TASK)):
            nv = gather(high, low, close, volume, group * W, x, rows)
            done[group] = nv >= 0
            if nv >= 0:
                lane_pass(x, nv, P, F, need, slot, o, tmp)
                scatter(o, nv, rows, lane_plane, group * W, out)


@contextmanager
def _slp_vectorize() -> Iterator[None]:
    """Compile with LLVM's SLP vectoriser (numba leaves it off) and no loop vectoriser.

    SLP turns the lane blocks' unrolled W-lane loops into vector instructions; the loop
    vectoriser would instead vectorise the window loops across bars, with strided loads.
    Only the lane kernel is compiled so (the per-symbol kernels keep numba's defaults).
    """
    before = numba.config.SLP_VECTORIZE, numba.config.LOOP_VECTORIZE
    numba.config.SLP_VECTORIZE, numba.config.LOOP_VECTORIZE = 1, 0
    try:
        yield
    finally:
        numba.config.SLP_VECTORIZE, numba.config.LOOP_VECTORIZE = before


def run_batch_lanes(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
    int_params: np.ndarray,
    float_params: np.ndarray,
    need: np.ndarray,
    slot: np.ndarray,
    plan_state: Callable[[int], tuple[np.ndarray, np.ndarray, np.ndarray]],
    out: np.ndarray,
) -> np.ndarray:
    """What `run_batch` computes from a fresh state, W symbols at a time where it can.

    Groups of W symbols valid on the same bars go through the lane kernel for the blocks
    it has; every other symbol, and the remaining blocks, through the per-symbol kernel.
    The running state is not kept (`plan_state(n)` gives fresh state for n symbols).
    Returns, for each full group of W symbols, whether it went through the lane kernel.
    """
    symbols = close.shape[0]
    lane_need = need.copy()
    lane_need[[b for b in range(L.N_BLOCKS) if b not in LANE_BLOCKS]] = 0
    rest_need = need - lane_need
    done = np.zeros(symbols // W, dtype=np.bool_)
    if lane_need.any() and done.size:
        lane_plane = np.zeros(out.shape[0], dtype=np.int64)
        for index, plane in enumerate(slot):
            if plane >= 0 and lane_need[BLOCK_OF_OUTPUT[index]]:
                lane_plane[plane] = 1
        args = (high, low, close, volume, int_params, float_params, lane_need, slot)
        # tasks handed out one at a time: on a shared machine a thread that falls behind
        # leaves its share to the others
        chunksize = numba.set_parallel_chunksize(1)
        try:
            if _run_lanes.signatures:
                _run_lanes(*args, lane_plane, out, done)
            else:
                with _slp_vectorize():
                    _run_lanes(*args, lane_plane, out, done)
        finally:
            numba.set_parallel_chunksize(chunksize)
    in_lanes = np.zeros(symbols, dtype=np.bool_)
    in_lanes[: done.size * W] = np.repeat(done, W)
    params = (int_params, float_params)
    if not in_lanes.all():
        alone = np.flatnonzero(~in_lanes)
        run_batch(high, low, close, volume, *params, need, slot, plan_state(symbols), out, alone)
    if rest_need.any() and in_lanes.any():
        grouped = np.flatnonzero(in_lanes)
        state = plan_state(symbols)
        run_batch(high, low, close, volume, *params, rest_need, slot, state, out, grouped)
    return done


def warmup() -> None:
    """Compile (or load from cache) the CPU kernels on tiny arrays."""
    from ..layout import OUTPUTS
    from ..params import Suite
    from ..plan import make_plan
    from ..resample import warmup as warmup_resample

    plan = make_plan(Suite(outputs=OUTPUTS))
    data = np.linspace(1.0, 2.0, 3 * W).reshape(W, 3)
    out = np.empty((len(OUTPUTS), W, 3))
    args = (plan.int_params, plan.float_params, plan.need, plan.slot)
    run_batch(data, data, data, data, *args, plan.new_state(W), out)
    run_batch_lanes(data, data, data, data, *args, plan.new_state, out)
    warmup_resample()
