"""numba drivers: `run_batch` runs the fused body for every symbol in a `prange`.

Compiled with `cache=True`, so a process pays the compile once per installation; the
services call `warmup()` at start so that compilation never lands on the hot path.
numba keys its cache on this file alone, not on the modules the kernel is built from, so
`_drop_stale_cache` discards the cached machine code whenever any kernels source changed.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
from numba import njit, prange

from ..body import run_symbol

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


@njit(parallel=True, cache=True, nogil=True)
def _run_batch(high, low, close, volume, P, F, need, slot, fs, ks, rg, out):
    bars = close.shape[1]
    for s in prange(close.shape[0]):
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
) -> None:
    """Advance `state` over every bar of the (symbols, bars) inputs, writing `out`."""
    floats, ints, rings = state
    _run_batch(
        high, low, close, volume, int_params, float_params, need, slot, floats, ints, rings, out
    )


def warmup() -> None:
    """Compile (or load from cache) the CPU kernels on tiny arrays."""
    from ..layout import OUTPUTS
    from ..params import Suite
    from ..plan import make_plan
    from ..resample import warmup as warmup_resample

    plan = make_plan(Suite(outputs=OUTPUTS))
    data = np.linspace(1.0, 2.0, 6).reshape(2, 3)
    out = np.empty((len(OUTPUTS), 2, 3))
    args = (plan.int_params, plan.float_params, plan.need, plan.slot)
    run_batch(data, data, data, data, *args, plan.new_state(2), out)
    warmup_resample()
