"""GPU backend: the same fused kernel body compiled with numba's CUDA target.

Schedules run it (`driver.SCHEDULE`): "fused", one thread per symbol and block over all
bars (the default), and "chunked" (`chunks`), one thread per symbol, block and chunk of
bars, whose launches "chunked-streams" queues on a stream per block.

`device_present()` says whether a real CUDA device is usable (what `backend="auto"`
checks); `usable()` also accepts numba's CUDA simulator (`NUMBA_ENABLE_CUDASIM=1`), which
runs the kernels on the CPU in Python for tests.
"""

from .driver import (
    Workspace,
    device_present,
    run_batch,
    run_batch_device,
    simulator,
    usable,
    workspace_for,
)

__all__ = [
    "Workspace",
    "device_present",
    "run_batch",
    "run_batch_device",
    "simulator",
    "usable",
    "workspace_for",
]
