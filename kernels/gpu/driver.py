"""CUDA driver: one thread per symbol runs `kernels.body.run_symbol` over all bars.

numba.cuda is imported only when the GPU path is used, so CPU-only hosts never load the
CUDA libraries. Results are float64 and equal the CPU backend's (same arithmetic; the
CUDA target may contract a multiply and an add into one FMA, which moves the last bit).

Measured only under the simulator so far (no GPU was lent): the arrays keep the host's
(symbols, bars) row-major layout, so neighbouring threads read addresses one row apart;
a (bars, symbols) device layout would coalesce those reads and is the first thing to try
when tuning on a real device.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import numpy as np
from numba.core import config

from ..plan import Plan

logger = logging.getLogger(__name__)

THREADS_PER_BLOCK = 128


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


def run_batch_device(high: Any, low: Any, close: Any, volume: Any, plan: Plan, out: Any) -> Any:
    """Run the fused kernel on device arrays (symbols, bars); `out` is a device array.

    Returns the device state (floats, ints, rings) after the last bar.
    """
    from numba import cuda

    symbols = close.shape[0]
    state = tuple(cuda.to_device(part) for part in plan.new_state(symbols))
    params = [cuda.to_device(a) for a in (plan.int_params, plan.float_params, plan.need, plan.slot)]
    blocks = (symbols + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK
    from .kernel import fused

    fused[blocks, THREADS_PER_BLOCK](high, low, close, volume, *params, *state, out)
    return state


def run_batch(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
    plan: Plan,
    out: np.ndarray,
) -> None:
    """Copy host inputs to the device, run the fused kernel, copy the outputs into `out`."""
    from numba import cuda

    device_inputs = [cuda.to_device(a) for a in (high, low, close, volume)]
    device_out = cuda.device_array(out.shape, dtype=np.float64)
    run_batch_device(*device_inputs, plan, device_out)
    device_out.copy_to_host(out)
    cuda.synchronize()
