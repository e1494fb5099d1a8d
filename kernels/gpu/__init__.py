"""GPU backend: the same fused kernel body compiled with numba's CUDA target.

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
